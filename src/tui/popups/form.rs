//! The form popups: the new-case intake form and the follow-up outcome form. The form itself
//! (fields, keys, validation) is `state::Form`.

use ratatui::crossterm::event::KeyEvent;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::Frame;

use super::frame::{big, block, centered, draw};
use super::{PopupComponent, Step};
use crate::domain::text::sanitize;
use crate::store::Expect;
use crate::tui::state::{FieldKind, Form, FormOutcome, State};
use crate::tui::theme::Theme;
use crate::tui::ui::widgets::span;
use crate::tui::worker::Request;

/// The new-case intake form.
#[derive(Debug, Clone, PartialEq)]
pub struct IntakePopup {
    /// The form.
    pub form: Box<Form>,
}

impl PopupComponent for IntakePopup {
    fn title(&self, state: &State) -> String {
        state.strings.intake_title.into()
    }

    fn hint(&self, state: &State) -> String {
        state.strings.intake_hint.into()
    }

    fn on_key(&mut self, state: &State, key: KeyEvent) -> Step {
        match self.form.key(key) {
            FormOutcome::Cancel => Step::Close,
            FormOutcome::Editing => Step::Stay,
            FormOutcome::Submit => {
                let Some(snap) = state.snap.as_ref() else { return Step::Stay };
                match self.form.to_new_case(&snap.org, state.now) {
                    Ok(new) => Step::Send(Request::Add(Box::new(new))),
                    Err(errs) => {
                        self.form.set_errors(&errs);
                        Step::Stay
                    }
                }
            }
        }
    }

    fn render(&self, frame: &mut Frame<'_>, area: Rect, state: &State, theme: &Theme) {
        let big = big(area);
        let lines = form_lines(theme, &self.form, usize::from(big.width.saturating_sub(2)));
        draw(frame, big, block(theme, self.title(state), &self.hint(state)), lines, 0, false);
    }
}

/// The follow-up outcome form for a case.
#[derive(Debug, Clone, PartialEq)]
pub struct FollowupPopup {
    /// The case's ref.
    pub reference: String,
    /// The case's version when the officer opened the form: the write names it.
    pub version: i64,
    /// The form.
    pub form: Box<Form>,
}

impl PopupComponent for FollowupPopup {
    fn title(&self, state: &State) -> String {
        format!("{} {}", state.strings.followup_title, self.reference)
    }

    fn hint(&self, state: &State) -> String {
        state.strings.followup_hint.into()
    }

    fn on_key(&mut self, _state: &State, key: KeyEvent) -> Step {
        match self.form.key(key) {
            FormOutcome::Cancel => Step::Close,
            FormOutcome::Editing => Step::Stay,
            FormOutcome::Submit => match self.form.to_followup() {
                Ok(record) => Step::Send(Request::Followup {
                    reference: self.reference.clone(),
                    expect: Expect::Version(self.version),
                    record,
                }),
                Err(errs) => {
                    self.form.set_errors(&errs);
                    Step::Stay
                }
            },
        }
    }

    fn render(&self, frame: &mut Frame<'_>, area: Rect, state: &State, theme: &Theme) {
        let lines = form_lines(theme, &self.form, 70);
        draw(frame, centered(area, 72, 12), block(theme, self.title(state), &self.hint(state)), lines, 0, false);
    }
}

fn form_lines<'a>(theme: &Theme, form: &Form, width: usize) -> Vec<Line<'a>> {
    let label_w = 16;
    let mut lines = Vec::new();
    for (i, f) in form.fields.iter().enumerate() {
        let focused = i == form.focus;
        let mut value = sanitize(&f.display());
        if focused && matches!(f.kind, FieldKind::Text(_)) {
            value.push('▏');
        }
        let style = if focused { theme.selected } else { Style::default() };
        lines.push(Line::from(vec![
            span(f.label, label_w, if focused { theme.key } else { theme.title }),
            Span::raw(" "),
            span(&value, width.saturating_sub(label_w + 1), style),
        ]));
        if let Some(e) = &f.error {
            lines.push(Line::from(vec![
                Span::raw(" ".repeat(label_w + 1)),
                Span::styled(format!("✗ {}", sanitize(e)), theme.error),
            ]));
        }
    }
    lines
}

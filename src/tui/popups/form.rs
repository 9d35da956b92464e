//! The form popups: the new-case intake form and the follow-up outcome form. The form itself
//! (fields, keys, validation) is `state::Form`.

use ratatui::crossterm::event::{KeyCode, KeyEvent};
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::Frame;

use super::frame::{big, block, centered, draw};
use super::{PopupComponent, Step};
use crate::domain::text::sanitize;
use crate::domain::{FieldError, Lang};
use crate::store::Expect;
use crate::tui::state::{FieldKind, Form, FormOutcome, State};
use crate::tui::theme::Theme;
use crate::tui::ui::widgets::span;
use crate::tui::worker::Request;

/// The new-case intake form. Esc on a filled form asks before throwing it away.
#[derive(Debug, Clone, PartialEq)]
pub struct IntakePopup {
    /// The form.
    pub form: Box<Form>,
    /// Esc was pressed on a filled form: y discards it, n or Esc goes back to it.
    pub discarding: bool,
}

impl IntakePopup {
    /// A popup around this form.
    pub fn new(form: Form) -> IntakePopup {
        IntakePopup { form: Box::new(form), discarding: false }
    }
}

/// What an empty time field means.
pub(super) fn now_words(lang: Lang) -> &'static str {
    if lang == Lang::Zh {
        "现在（可改为 2026-01-31 14:30）"
    } else {
        "now (or type e.g. 2026-01-31 14:30)"
    }
}

/// The words of the discard question and its hint.
fn discard_words(state: &State) -> (&'static str, &'static str) {
    match state.strings.lang {
        Lang::Zh => ("放弃已填写的内容？", "y 放弃 · n 继续填写"),
        Lang::En => ("Discard what you have typed?", "y discard · n keep editing"),
    }
}

impl PopupComponent for IntakePopup {
    fn title(&self, state: &State) -> String {
        state.strings.intake_title.into()
    }

    fn hint(&self, state: &State) -> String {
        if self.discarding {
            discard_words(state).1.into()
        } else {
            state.strings.intake_hint.into()
        }
    }

    fn on_key(&mut self, state: &State, key: KeyEvent) -> Step {
        let Some(snap) = state.snap.as_ref() else { return Step::Close };
        if self.discarding {
            return match key.code {
                KeyCode::Char('y' | 'Y') => Step::Close,
                KeyCode::Char('n' | 'N') | KeyCode::Esc | KeyCode::Enter => {
                    self.discarding = false;
                    Step::Stay
                }
                _ => Step::Stay,
            };
        }
        match self.form.key(key) {
            FormOutcome::Cancel if self.form.is_filled(&Form::intake(&snap.org, state.strings)) => {
                self.discarding = true;
                Step::Stay
            }
            FormOutcome::Cancel => Step::Close,
            FormOutcome::Editing => Step::Stay,
            FormOutcome::Submit => match self.form.to_new_case(&snap.org, state.now, state.tz) {
                Ok(new) => Step::Send(Request::Add(Box::new(new))),
                Err(errs) => {
                    self.form.set_errors(&errs);
                    Step::Stay
                }
            },
        }
    }

    fn render(&self, frame: &mut Frame<'_>, area: Rect, state: &State, theme: &Theme) {
        let big = big(area);
        let mut lines = form_lines(
            theme,
            &self.form,
            usize::from(big.width.saturating_sub(2)),
            &[("received_at", now_words(state.strings.lang))],
        );
        // Keep the focused field in view on a short terminal.
        let inner = usize::from(big.height.saturating_sub(2));
        let focus_line =
            self.form.fields.iter().take(self.form.focus).map(|f| 1 + usize::from(f.error.is_some())).sum::<usize>();
        if self.discarding {
            lines.insert(0, Line::from(Span::styled(format!("⚠ {}", discard_words(state).0), theme.error)));
        }
        let scroll = (focus_line + 2).saturating_sub(inner);
        let scroll = if self.discarding { 0 } else { scroll };
        draw(
            frame,
            big,
            block(theme, self.title(state), &self.hint(state)),
            lines,
            u16::try_from(scroll).unwrap_or(0),
            false,
        );
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
        let (reference, expect) = (self.reference.clone(), Expect::Version(self.version));
        form_key(&mut self.form, key, |f| Ok(Request::Followup { reference, expect, record: f.to_followup()? }))
    }

    fn render(&self, frame: &mut Frame<'_>, area: Rect, state: &State, theme: &Theme) {
        let lines = form_lines(theme, &self.form, 70, &[]);
        draw_form(frame, area, block(theme, self.title(state), &self.hint(state)), lines);
    }
}

/// A key on a form popup: Esc closes, Enter turns the form into a request through `submit`
/// (its errors are shown under their fields, and the popup stays), anything else edits.
pub(super) fn form_key(
    form: &mut Form,
    key: KeyEvent,
    submit: impl FnOnce(&Form) -> Result<Request, Vec<FieldError>>,
) -> Step {
    match form.key(key) {
        FormOutcome::Cancel => Step::Close,
        FormOutcome::Editing => Step::Stay,
        FormOutcome::Submit => match submit(form) {
            Ok(request) => Step::Send(request),
            Err(errs) => {
                form.set_errors(&errs);
                Step::Stay
            }
        },
    }
}

/// Draws a form popup 72 columns wide, centred, as tall as its lines once wrapped.
pub(super) fn draw_form(frame: &mut Frame<'_>, area: Rect, block: ratatui::widgets::Block<'_>, lines: Vec<Line<'_>>) {
    let rows: usize = lines.iter().map(|l| l.width().div_ceil(70).max(1)).sum();
    let height = u16::try_from(rows + 2).unwrap_or(u16::MAX);
    draw(frame, centered(area, 72, height), block, lines, 0, true);
}

/// The form's lines: a label and a value per field, its error under it. An empty field with a
/// placeholder (`(key, words)`) shows the words, muted (e.g. an empty time means now).
pub(super) fn form_lines<'a>(theme: &Theme, form: &Form, width: usize, placeholders: &[(&str, &str)]) -> Vec<Line<'a>> {
    let label_w = 16;
    let mut lines = Vec::new();
    for (i, f) in form.fields.iter().enumerate() {
        let focused = i == form.focus;
        let mut value = sanitize(&f.display());
        if focused && matches!(f.kind, FieldKind::Text(_)) {
            value.push('▏');
        }
        let mut style = if focused { theme.selected } else { Style::default() };
        if let Some((_, words)) = placeholders.iter().find(|p| p.0 == f.key).filter(|_| f.value().is_empty()) {
            value.push_str(words);
            style = style.patch(theme.muted);
        }
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

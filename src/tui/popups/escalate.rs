//! The escalation popup: what escalating does, and the reason it needs (recorded in the audit
//! trail with the tiers from → to). Enter sends the write naming the version seen.

use ratatui::crossterm::event::KeyEvent;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::Frame;

use super::form::form_lines;
use super::frame::{block, centered, draw};
use super::{PopupComponent, Step};
use crate::domain::Lang;
use crate::tui::state::{Form, FormOutcome, State};
use crate::tui::theme::Theme;
use crate::tui::worker::CaseWrite;

/// Escalate one case: the reason form.
#[derive(Debug, Clone, PartialEq)]
pub struct EscalatePopup {
    /// The case's ref.
    pub reference: String,
    /// The version the officer saw (`None`: read it first).
    pub seen: Option<i64>,
    /// The one-field reason form.
    pub form: Box<Form>,
}

impl PopupComponent for EscalatePopup {
    fn title(&self, state: &State) -> String {
        let verb = if state.strings.lang == Lang::Zh { "上报" } else { "Escalate" };
        format!("{verb} {}", self.reference)
    }

    fn hint(&self, state: &State) -> String {
        state.strings.followup_hint.into()
    }

    fn on_key(&mut self, _state: &State, key: KeyEvent) -> Step {
        match self.form.key(key) {
            FormOutcome::Cancel => Step::Close,
            FormOutcome::Editing => Step::Stay,
            FormOutcome::Submit => match self.form.to_reason() {
                Ok(reason) => Step::Send(CaseWrite::Escalate { reason }.request(self.reference.clone(), self.seen)),
                Err(errs) => {
                    self.form.set_errors(&errs);
                    Step::Stay
                }
            },
        }
    }

    fn render(&self, frame: &mut Frame<'_>, area: Rect, state: &State, theme: &Theme) {
        let mut lines = vec![Line::from(Span::styled(state.strings.escalate_confirm, theme.muted)), Line::from("")];
        lines.extend(form_lines(theme, &self.form, 70, &[]));
        // Lines wrap at the inner width (70): count the rows they take.
        let rows: usize = lines.iter().map(|l| l.width().div_ceil(70).max(1)).sum();
        let height = u16::try_from(rows + 2).unwrap_or(u16::MAX);
        draw(frame, centered(area, 72, height), block(theme, self.title(state), &self.hint(state)), lines, 0, true);
    }
}

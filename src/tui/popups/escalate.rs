//! The escalation popup: what escalating does, and the reason it needs (recorded in the audit
//! trail with the tiers from → to). Enter sends the write naming the version seen.

use ratatui::crossterm::event::KeyEvent;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::Frame;

use super::form::{draw_form, form_key, form_lines};
use super::frame::block;
use super::{PopupComponent, Step};
use crate::domain::Lang;
use crate::tui::state::{Form, State};
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
        let (reference, seen) = (self.reference.clone(), self.seen);
        form_key(&mut self.form, key, |f| Ok(CaseWrite::Escalate { reason: f.to_reason()? }.request(reference, seen)))
    }

    fn render(&self, frame: &mut Frame<'_>, area: Rect, state: &State, theme: &Theme) {
        let mut lines = vec![Line::from(Span::styled(state.strings.escalate_confirm, theme.muted)), Line::from("")];
        lines.extend(form_lines(theme, &self.form, 70, &[]));
        draw_form(frame, area, block(theme, self.title(state), &self.hint(state)), lines);
    }
}

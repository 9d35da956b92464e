//! The confirm popup: yes re-issues [`Action::Confirmed`], whose update sends the held request.

use ratatui::crossterm::event::{KeyCode, KeyEvent};
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::Frame;

use super::frame::{block, centered, draw};
use super::{PopupComponent, Step};
use crate::domain::text::sanitize;
use crate::tui::action::Action;
use crate::tui::state::State;
use crate::tui::theme::Theme;
use crate::tui::worker::Request;

/// Asks yes or no.
#[derive(Debug, Clone, PartialEq)]
pub struct ConfirmPopup {
    /// The question.
    pub text: String,
    /// What yes sends.
    pub then: Box<Request>,
}

impl PopupComponent for ConfirmPopup {
    fn title(&self, state: &State) -> String {
        state.strings.confirm_title.into()
    }

    fn hint(&self, state: &State) -> String {
        state.strings.confirm_hint.into()
    }

    fn on_key(&mut self, _state: &State, key: KeyEvent) -> Step {
        match key.code {
            KeyCode::Char('y' | 'Y') | KeyCode::Enter => Step::Act(Action::Confirmed),
            KeyCode::Char('n' | 'N') | KeyCode::Esc => Step::Close,
            _ => Step::Stay,
        }
    }

    fn render(&self, frame: &mut Frame<'_>, area: Rect, state: &State, theme: &Theme) {
        let b = block(theme, self.title(state), &self.hint(state));
        draw(frame, centered(area, 64, 7), b, vec![Line::from(sanitize(&self.text))], 0, true);
    }
}

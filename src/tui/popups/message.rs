//! The message popup: an error or a conflict to acknowledge with Esc or Enter.

use ratatui::crossterm::event::{KeyCode, KeyEvent};
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::Frame;

use super::frame::{block, centered, draw};
use super::{PopupComponent, Step};
use crate::domain::text::sanitize;
use crate::tui::action::Action;
use crate::tui::state::State;
use crate::tui::theme::Theme;

/// A message to acknowledge.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MessagePopup {
    /// Success or failure.
    pub ok: bool,
    /// The text.
    pub text: String,
}

impl PopupComponent for MessagePopup {
    fn title(&self, state: &State) -> String {
        (if self.ok { state.strings.done_title } else { state.strings.error_title }).into()
    }

    fn hint(&self, state: &State) -> String {
        state.strings.close_hint.into()
    }

    fn on_key(&mut self, state: &State, key: KeyEvent) -> Step {
        let quit = state.keymap.action_for(&key) == Some(Action::Quit);
        if matches!(key.code, KeyCode::Esc | KeyCode::Enter) || quit {
            Step::Close
        } else {
            Step::Stay
        }
    }

    fn render(&self, frame: &mut Frame<'_>, area: Rect, state: &State, theme: &Theme) {
        let style = if self.ok { theme.success } else { theme.error };
        let lines = vec![Line::from(Span::styled(sanitize(&self.text), style))];
        let b = block(theme, self.title(state), &self.hint(state));
        draw(frame, centered(area, 64, 8), b, lines, 0, true);
    }
}

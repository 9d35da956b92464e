//! The help popup: every bindable action with its keys, generated from the keymap.

use ratatui::crossterm::event::{KeyCode, KeyEvent};
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::Frame;

use super::frame::{big, block, draw};
use super::scroll::{indicator, scroll_by, visible_rows};
use super::{PopupComponent, Step};
use crate::tui::action::Action;
use crate::tui::state::State;
use crate::tui::theme::Theme;
use crate::tui::ui::widgets::cell;

/// Keys, generated from the keymap.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HelpPopup {
    /// Lines scrolled.
    pub scroll: u16,
}

impl PopupComponent for HelpPopup {
    fn title(&self, state: &State) -> String {
        state.strings.help_title.into()
    }

    fn hint(&self, state: &State) -> String {
        let at = indicator(self.scroll, Action::BINDABLE.len(), visible_rows(state));
        if at.is_empty() {
            state.strings.help_hint.into()
        } else {
            format!("{at} · {}", state.strings.help_hint)
        }
    }

    fn on_key(&mut self, state: &State, key: KeyEvent) -> Step {
        let bound = state.keymap.action_for(&key);
        match (key.code, &bound) {
            (KeyCode::Esc | KeyCode::Enter, _) | (_, Some(Action::Help | Action::Quit)) => return Step::Close,
            _ => {
                scroll_by(&mut self.scroll, Action::BINDABLE.len(), visible_rows(state), bound);
            }
        }
        Step::Stay
    }

    fn render(&self, frame: &mut Frame<'_>, area: Rect, state: &State, theme: &Theme) {
        let s = state.strings;
        let lines = Action::BINDABLE
            .iter()
            .map(|a| {
                Line::from(vec![
                    Span::styled(cell(&state.keymap.keys_for(a), 18), theme.key),
                    Span::raw(" "),
                    Span::raw(s.action_help(a)),
                ])
            })
            .collect();
        draw(frame, big(area), block(theme, self.title(state), &self.hint(state)), lines, self.scroll, false);
    }
}

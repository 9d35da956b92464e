//! The help popup: every bindable action with its keys, generated from the keymap, then what
//! the mouse does (and how to turn it off).

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

/// The help's lines: the keys, then the mouse.
fn line_count(state: &State) -> usize {
    Action::BINDABLE.len() + state.strings.help_mouse.len()
}

impl PopupComponent for HelpPopup {
    fn title(&self, state: &State) -> String {
        state.strings.help_title.into()
    }

    fn hint(&self, state: &State) -> String {
        let at = indicator(self.scroll, line_count(state), visible_rows(state));
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
                scroll_by(&mut self.scroll, line_count(state), visible_rows(state), bound);
            }
        }
        Step::Stay
    }

    fn render(&self, frame: &mut Frame<'_>, area: Rect, state: &State, theme: &Theme) {
        let s = state.strings;
        let line = |keys: &str, help: &'static str| {
            Line::from(vec![Span::styled(cell(keys, 18), theme.key), Span::raw(" "), Span::raw(help)])
        };
        let keys = Action::BINDABLE.iter().map(|a| line(&state.keymap.keys_for(a), s.action_help(a)));
        let mouse = s.help_mouse.iter().map(|(what, help)| line(what, help));
        let lines = keys.chain(mouse).collect();
        draw(frame, big(area), block(theme, self.title(state), &self.hint(state)), lines, self.scroll, false);
    }
}

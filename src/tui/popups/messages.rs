//! The message log: every status-line message and error of the day, with its time, newest last;
//! scrolls like help (G/End to the end).

use ratatui::crossterm::event::{KeyCode, KeyEvent};
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::Frame;

use super::frame::{big, block, draw};
use super::scroll::{indicator, scroll_by, visible_rows};
use super::{PopupComponent, Step};
use crate::domain::text::sanitize;
use crate::tui::action::Action;
use crate::tui::state::State;
use crate::tui::theme::Theme;

/// The message log, scrolled.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MessagesPopup {
    /// Lines scrolled.
    pub scroll: u16,
}

impl MessagesPopup {
    /// Opened at the end (the newest messages in view).
    pub fn at_end(state: &State) -> MessagesPopup {
        let mut p = MessagesPopup::default();
        scroll_by(&mut p.scroll, state.log.len().max(1), visible_rows(state), Some(Action::Bottom));
        p
    }
}

impl PopupComponent for MessagesPopup {
    fn title(&self, state: &State) -> String {
        state.strings.messages_title().into()
    }

    fn hint(&self, state: &State) -> String {
        let at = indicator(self.scroll, state.log.len(), visible_rows(state));
        format!("{at} Esc").trim().to_string()
    }

    fn on_key(&mut self, state: &State, key: KeyEvent) -> Step {
        let bound = state.keymap.action_for(&key);
        match (key.code, &bound) {
            (KeyCode::Esc | KeyCode::Enter, _) | (_, Some(Action::Messages | Action::Quit)) => Step::Close,
            _ => {
                scroll_by(&mut self.scroll, state.log.len(), visible_rows(state), bound);
                Step::Stay
            }
        }
    }

    fn render(&self, frame: &mut Frame<'_>, area: Rect, state: &State, theme: &Theme) {
        let mut lines: Vec<Line<'_>> = state
            .log
            .iter()
            .map(|m| {
                let time = state.tz.local(m.at).format("%H:%M:%S").to_string();
                Line::from(vec![
                    Span::styled(time, theme.muted),
                    Span::raw(" "),
                    Span::styled(sanitize(&m.text), if m.ok { theme.success } else { theme.error }),
                ])
            })
            .collect();
        if lines.is_empty() {
            lines.push(Line::from(Span::styled(state.strings.no_messages(), theme.muted)));
        }
        draw(frame, big(area), block(theme, self.title(state), &self.hint(state)), lines, self.scroll, false);
    }
}

//! The command palette popup: a line with Tab completion; Enter parses it and re-issues the
//! command as [`Action::RunCommand`] (the parser and the commands are `state::palette`).

use ratatui::crossterm::event::{KeyCode, KeyEvent};
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::Frame;

use super::frame::{block, centered, draw, edit_line};
use super::{Popup, PopupComponent, Step};
use crate::domain::text::sanitize;
use crate::tui::action::Action;
use crate::tui::state::{palette, State};
use crate::tui::theme::Theme;

/// The command palette.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PalettePopup {
    /// Text typed.
    pub text: String,
}

impl PopupComponent for PalettePopup {
    fn title(&self, state: &State) -> String {
        state.strings.palette_title.into()
    }

    fn hint(&self, _state: &State) -> String {
        "Esc".into()
    }

    fn on_key(&mut self, state: &State, key: KeyEvent) -> Step {
        match key.code {
            KeyCode::Esc => Step::Close,
            KeyCode::Tab => {
                if let Some(snap) = state.snap.as_ref() {
                    let refs: Vec<String> = snap.incoming.rows.iter().map(|c| c.reference.clone()).collect();
                    if let Some(done) = palette::complete(&self.text, &snap.org, &refs) {
                        self.text = done;
                    }
                }
                Step::Stay
            }
            KeyCode::Enter => {
                let Some(snap) = state.snap.as_ref() else { return Step::Close };
                match palette::parse(self.text.trim().trim_start_matches(':'), &snap.org) {
                    Ok(cmd) => Step::CloseAnd(Action::RunCommand(cmd)),
                    Err(e) => Step::Replace(Popup::error(e)),
                }
            }
            _ => {
                edit_line(&mut self.text, key);
                Step::Stay
            }
        }
    }

    fn render(&self, frame: &mut Frame<'_>, area: Rect, state: &State, theme: &Theme) {
        let r = centered(area, area.width.saturating_sub(10).min(90), 5);
        let lines = vec![
            Line::from(Span::styled(format!(":{}▏", sanitize(&self.text)), theme.key)),
            Line::from(Span::styled(state.strings.palette_hint, theme.muted)),
        ];
        draw(frame, r, block(theme, self.title(state), &self.hint(state)), lines, 0, true);
    }
}

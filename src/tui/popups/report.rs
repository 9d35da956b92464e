//! The statistics popup: the period's figures (this year to date), drawn from the shared
//! statistics view model (`view::stats`).

use ratatui::crossterm::event::{KeyCode, KeyEvent};
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::Frame;

use super::frame::{big, block, draw};
use super::{PopupComponent, Step};
use crate::domain::Lang;
use crate::tui::action::Action;
use crate::tui::state::State;
use crate::tui::theme::Theme;

/// The period's statistics; `None` while loading.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ReportPopup {
    /// The statistics.
    pub report: Option<Box<crate::domain::stats::Report>>,
    /// Lines scrolled.
    pub scroll: u16,
}

impl PopupComponent for ReportPopup {
    fn title(&self, state: &State) -> String {
        (if state.strings.lang == Lang::Zh { "本期统计" } else { "Statistics" }).into()
    }

    fn hint(&self, state: &State) -> String {
        state.strings.help_hint.into()
    }

    fn on_key(&mut self, state: &State, key: KeyEvent) -> Step {
        match (key.code, state.keymap.action_for(&key)) {
            (KeyCode::Esc | KeyCode::Enter, _) | (_, Some(Action::Report | Action::Quit)) => return Step::Close,
            (_, Some(Action::Down)) => self.scroll = self.scroll.saturating_add(1),
            (_, Some(Action::Up)) => self.scroll = self.scroll.saturating_sub(1),
            _ => {}
        }
        Step::Stay
    }

    fn render(&self, frame: &mut Frame<'_>, area: Rect, state: &State, theme: &Theme) {
        let lines = match &self.report {
            Some(r) => report_lines(state, theme, r),
            None => vec![Line::from(state.strings.loading)],
        };
        draw(frame, big(area), block(theme, self.title(state), &self.hint(state)), lines, self.scroll, false);
    }
}

fn report_lines<'a>(state: &State, theme: &Theme, r: &crate::domain::stats::Report) -> Vec<Line<'a>> {
    let lang = state.strings.lang;
    crate::tui::ui::view::lines(&crate::view::stats::statistics(r, lang), lang, theme)
}

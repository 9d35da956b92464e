//! Rendering: `render(&State, &Theme, frame)` draws the panes, status bar and popup. It reads
//! the state and mutates nothing; every text from the database is sanitised on the way in.

mod followups;
mod incoming;
mod popups;
mod routing;
mod status;
mod widgets;
mod workload;

use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::Line;
use ratatui::widgets::Paragraph;
use ratatui::Frame;

use super::state::{Pane, State};
use super::theme::Theme;

/// The smallest terminal the desk draws in.
pub const MIN_SIZE: (u16, u16) = (80, 24);

/// Draws the whole desk.
pub fn render(frame: &mut Frame<'_>, state: &State, theme: &Theme) {
    let area = frame.area();
    if crate::tui::terminal::too_large(state.size.0, state.size.1) {
        let msg = Paragraph::new(Line::from(state.strings.too_large).style(theme.error)).centered();
        frame.render_widget(msg, Rect { y: area.y + area.height / 2, height: 1.min(area.height), ..area });
        return;
    }
    if area.width < MIN_SIZE.0 || area.height < MIN_SIZE.1 {
        let msg = Paragraph::new(Line::from(state.strings.too_small).style(theme.error)).centered();
        let y = area.height / 2;
        frame.render_widget(msg, Rect { y: area.y + y, height: 1.min(area.height), ..area });
        return;
    }
    let [main, bar] = Layout::vertical([Constraint::Min(0), Constraint::Length(1)]).areas(area);
    let [top, bottom] = Layout::vertical([Constraint::Percentage(50), Constraint::Percentage(50)]).areas(main);
    let [incoming, routing] = Layout::horizontal([Constraint::Percentage(55), Constraint::Percentage(45)]).areas(top);
    let [workload, followups] =
        Layout::horizontal([Constraint::Percentage(50), Constraint::Percentage(50)]).areas(bottom);
    incoming::render(frame, incoming, state, theme);
    routing::render(frame, routing, state, theme);
    workload::render(frame, workload, state, theme);
    followups::render(frame, followups, state, theme);
    status::render(frame, bar, state, theme);
    popups::render(frame, area, state, theme);
}

/// The focused-or-not block around a pane, titled `N Title` with extra title text.
fn pane_block<'a>(state: &State, theme: &Theme, pane: Pane, extra: String) -> ratatui::widgets::Block<'a> {
    use ratatui::widgets::{Block, BorderType};
    let focused = state.focus == pane && state.popup.is_none();
    let n = Pane::ALL.iter().position(|p| *p == pane).unwrap_or(0) + 1;
    let title = format!(" {n} {} ", pane.title(state.strings));
    let mut block = Block::bordered()
        .border_type(if focused { BorderType::Thick } else { BorderType::Plain })
        .border_style(if focused { theme.border_focused } else { theme.border })
        .title(Line::from(title).style(if focused { theme.title_focused } else { theme.title }));
    if !extra.is_empty() {
        let extra = crate::domain::text::sanitize(&extra);
        block = block.title(Line::from(format!(" {extra} ")).style(theme.muted).right_aligned());
    }
    block
}

//! Rendering: `render(&State, &Theme, frame)` lays out the registered panes, then draws them,
//! the status bar and the open popup. It reads the state and mutates nothing; every text from
//! the database is sanitised on the way in.

pub mod pane_frame;
mod status;
pub mod view;
pub mod widgets;

use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::Line;
use ratatui::widgets::Paragraph;
use ratatui::Frame;

use self::pane_frame::PaneFrame;
use super::panes::{Pane, PANES};
use super::state::State;
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
    let DeskLayout { main, bar, panes } = layout(area);
    for (entry, rect) in PANES.iter().zip(panes) {
        entry.component.render(frame, rect, state, theme);
    }
    super::panes::drill::render(frame, main, state, theme);
    status::render(frame, bar, state, theme);
    super::popups::render(frame, area, state, theme);
}

/// Where the desk draws what: computed here once, read by the renderer and by the mouse (a
/// click is mapped to the pane and row drawn under it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeskLayout {
    /// The panes' area (the drill-down list covers all of it).
    pub main: Rect,
    /// The status bar.
    pub bar: Rect,
    /// Each registered pane's area, in registry order.
    pub panes: Vec<Rect>,
}

/// The layout of a drawn area of at least [`MIN_SIZE`].
pub fn layout(area: Rect) -> DeskLayout {
    let [main, bar] = Layout::vertical([Constraint::Min(0), Constraint::Length(1)]).areas(area);
    DeskLayout { main, bar, panes: pane_areas(main) }
}

/// The layout for a terminal of `size` (columns, rows), as the desk draws it; `None` when it
/// draws only "terminal too small" or "too large" there.
pub fn layout_for(size: (u16, u16)) -> Option<DeskLayout> {
    let area = crate::tui::terminal::drawn_area(size.0, size.1);
    let fits =
        !crate::tui::terminal::too_large(size.0, size.1) && area.width >= MIN_SIZE.0 && area.height >= MIN_SIZE.1;
    fits.then(|| layout(area))
}

/// The inside of a pane's frame (what [`pane_block`]'s `inner` gives: it is always bordered).
pub fn pane_inner(area: Rect) -> Rect {
    ratatui::widgets::Block::bordered().inner(area)
}

/// Each registered pane's area, in registry order: equal-height rows, each split by its panes'
/// widths.
fn pane_areas(main: Rect) -> Vec<Rect> {
    let rows = PANES.iter().map(|e| e.slot.row).max().map_or(0, |r| r + 1);
    let heights = Layout::vertical((0..rows).map(|_| Constraint::Percentage(100 / rows.max(1)))).split(main);
    let mut out = vec![Rect::default(); PANES.len()];
    for (row, height) in heights.iter().enumerate() {
        let members: Vec<usize> = (0..PANES.len()).filter(|&i| usize::from(PANES[i].slot.row) == row).collect();
        let widths = members.iter().map(|&i| Constraint::Percentage(PANES[i].slot.width));
        for (&i, rect) in members.iter().zip(Layout::horizontal(widths).split(*height).iter()) {
            out[i] = *rect;
        }
    }
    out
}

/// The focused-or-not frame around a pane, titled `N Title` with extra title text.
pub(crate) fn pane_block(state: &State, theme: &Theme, pane: Pane, extra: String) -> PaneFrame {
    let focused = state.focus == pane && state.popup.is_none();
    let n = pane.index() + 1;
    let title = Line::from(format!(" {n} {} ", pane.title(state.strings))).style(if focused {
        theme.title_focused
    } else {
        theme.title
    });
    let extra = (!extra.is_empty())
        .then(|| Line::from(format!(" {} ", crate::domain::text::sanitize(&extra))).style(theme.muted));
    PaneFrame::new(focused, if focused { theme.border_focused } else { theme.border }, title, extra)
}

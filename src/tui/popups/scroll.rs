//! Scrolling a long read-only popup (help, message log): the keys, clamped so the last line
//! stops at the bottom, and the indicator showing where the view is.

use super::frame::big;
use crate::tui::action::Action;
use crate::tui::state::State;
use ratatui::layout::Rect;

/// The lines a [`big`] popup shows inside its frame at the desk's current size.
pub fn visible_rows(state: &State) -> usize {
    let area = Rect { x: 0, y: 0, width: state.size.0, height: state.size.1 };
    usize::from(big(area).height.saturating_sub(2)).max(1)
}

/// Moves `scroll` for a bound action over `lines` lines; false when the action does not scroll.
pub fn scroll_by(scroll: &mut u16, lines: usize, visible: usize, action: Option<Action>) -> bool {
    let max = lines.saturating_sub(visible);
    let page = visible.saturating_sub(1).max(1);
    let cur = usize::from(*scroll);
    let next = match action {
        Some(Action::Down) => cur + 1,
        Some(Action::Up) => cur.saturating_sub(1),
        Some(Action::PageDown) => cur + page,
        Some(Action::PageUp) => cur.saturating_sub(page),
        Some(Action::Top) => 0,
        Some(Action::Bottom) => max,
        _ => return false,
    };
    *scroll = u16::try_from(next.min(max)).unwrap_or(u16::MAX);
    true
}

/// "12–30/41 ↓" : the lines on screen, of how many, and arrows where more is.
pub fn indicator(scroll: u16, lines: usize, visible: usize) -> String {
    if lines <= visible {
        return String::new();
    }
    let first = usize::from(scroll) + 1;
    let last = (usize::from(scroll) + visible).min(lines);
    let up = if first > 1 { " ↑" } else { "" };
    let down = if last < lines { " ↓" } else { "" };
    format!("{first}–{last}/{lines}{up}{down}")
}

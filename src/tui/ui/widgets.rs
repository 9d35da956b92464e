//! Small rendering helpers: sanitised, width-exact cells; clock and risk styling; paging.

use chrono::{DateTime, Utc};
use ratatui::style::Style;
use ratatui::text::Span;

use crate::domain::text::{pad, sanitize};
use crate::domain::{ClockState, RiskLevel};
use crate::tui::theme::Theme;

/// Database text made safe and cut/padded to exactly `cols` display columns.
pub fn cell(text: &str, cols: usize) -> String {
    pad(&sanitize(text), cols)
}

/// A styled span of exactly `cols` columns.
pub fn span<'a>(text: &str, cols: usize, style: Style) -> Span<'a> {
    Span::styled(cell(text, cols), style)
}

/// The first row shown so that `selected` is visible in `visible` rows (stateless paging).
pub fn page_start(selected: usize, visible: usize) -> usize {
    selected.checked_div(visible).map_or(0, |page| page * visible)
}

/// A short duration: `45m`, `5h`, `3d`.
pub fn short_duration(secs: i64) -> String {
    let s = secs.abs();
    if s < 3600 {
        format!("{}m", s / 60)
    } else if s < 86_400 * 2 {
        format!("{}h", s / 3600)
    } else {
        format!("{}d", s / 86_400)
    }
}

/// The clock text with a marker readable without colour: `!-2h` overdue, `~3h` due soon.
pub fn clock_text(state: ClockState, due: DateTime<Utc>, now: DateTime<Utc>) -> String {
    let left = (due - now).num_seconds();
    match state {
        ClockState::Overdue => format!("!-{}", short_duration(left)),
        ClockState::DueSoon => format!("~{}", short_duration(left)),
        ClockState::Ok => short_duration(left),
    }
}

/// The theme style for a clock state.
pub fn clock_style(theme: &Theme, state: ClockState) -> Style {
    match state {
        ClockState::Ok => theme.ok,
        ClockState::DueSoon => theme.due_soon,
        ClockState::Overdue => theme.overdue,
    }
}

/// The style for a risk colour.
pub fn risk_style(theme: &Theme, risk: RiskLevel) -> Style {
    match risk {
        RiskLevel::Red => theme.risk_red,
        RiskLevel::Orange => theme.risk_orange,
        RiskLevel::Yellow => theme.risk_yellow,
        RiskLevel::None => theme.muted,
    }
}

/// A load bar of `cols` cells: `████░░░░`.
pub fn bar(open: u32, capacity: u32, cols: usize) -> String {
    let cap = capacity.max(1) as usize;
    let filled = ((open as usize).min(cap) * cols).div_ceil(cap).min(cols);
    format!("{}{}", "█".repeat(filled), "░".repeat(cols - filled))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bars_and_durations() {
        assert_eq!(bar(5, 10, 4), "██░░");
        assert_eq!(bar(12, 10, 4), "████");
        assert_eq!(bar(0, 0, 3), "░░░");
        assert_eq!(short_duration(-7200), "2h");
        assert_eq!(page_start(25, 10), 20);
    }
}

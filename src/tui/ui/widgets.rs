//! Small rendering helpers: sanitised, width-exact cells; clock and risk styling; paging.

use chrono::{DateTime, Utc};
use ratatui::style::Style;
use ratatui::text::Span;
use unicode_width::UnicodeWidthChar;

use crate::domain::text::{pad, sanitized};
use crate::domain::{ClockState, Lang, RiskLevel};
use crate::tui::theme::Theme;

/// Database text made safe and cut/padded to exactly `cols` display columns.
pub fn cell(text: &str, cols: usize) -> String {
    pad(&sanitized(text), cols)
}

/// Lines of cells already cut to width, written straight into the frame's buffer, one a row,
/// each cut at the area's right edge. A pane's rows need no wrapping or alignment, and a
/// Paragraph's line composer cost most of drawing a pane.
pub fn write_lines(frame: &mut ratatui::Frame<'_>, area: ratatui::layout::Rect, lines: &[ratatui::text::Line<'_>]) {
    let buf = frame.buffer_mut();
    for (line, y) in lines.iter().zip(area.top()..area.bottom()) {
        set_line(buf, area.x, y, line, area.width);
    }
}

/// [`Buffer::set_line`](ratatui::buffer::Buffer::set_line), cell for cell, with a span made only
/// of characters that are each a grapheme of their own ([`alone`]) written a character at a
/// time. Most of a desk's text is refs, digits, times, words, Chinese and bars: splitting it
/// into graphemes and measuring each was a third of drawing a frame. Any other span (accents,
/// marks, emoji, controls) goes through ratatui's own writer.
pub fn set_line(buf: &mut ratatui::buffer::Buffer, x: u16, y: u16, line: &ratatui::text::Line<'_>, max_width: u16) {
    let (mut x, mut remaining) = (x, max_width);
    for span in line {
        if remaining == 0 {
            break;
        }
        let style = line.style.patch(span.style);
        let text = span.content.as_ref();
        let end = if text.chars().all(alone) {
            let right = buf.area.right().min(x.saturating_add(remaining));
            let mut cx = x;
            for c in text.chars() {
                let w = u16::try_from(c.width().unwrap_or(0)).unwrap_or(u16::MAX);
                if cx.saturating_add(w) > right {
                    break;
                }
                buf[(cx, y)].set_char(c).set_style(style);
                // A wide character hides the cell after it.
                for hidden in cx + 1..cx + w {
                    buf[(hidden, y)].reset();
                }
                cx += w;
            }
            cx
        } else {
            buf.set_stringn(x, y, text, usize::from(remaining), style).0
        };
        remaining = remaining.saturating_sub(end.saturating_sub(x));
        x = end;
    }
}

/// The columns a list's case refs get: the longest ref shown, at least 14 (`WH-2026-00125`). A
/// province numbers past 99,999 cases a year (`WH-2026-4270329`): cut, the ref an officer reads
/// to find a case would lose its last digits.
pub fn ref_width<'a>(refs: impl Iterator<Item = &'a str>) -> usize {
    refs.map(crate::domain::text::width).max().unwrap_or(0).max(14)
}

/// A styled span of exactly `cols` columns.
pub fn span<'a>(text: &str, cols: usize, style: Style) -> Span<'a> {
    Span::styled(cell(text, cols), style)
}

/// The first row shown so that `selected` is visible in `visible` rows (stateless paging).
pub fn page_start(selected: usize, visible: usize) -> usize {
    selected.checked_div(visible).map_or(0, |page| page * visible)
}

/// Where a list's rows are drawn: the renderer and the mouse both read it, so a click lands on
/// the row drawn under it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ListRows {
    /// The screen row of the first list row.
    pub top: u16,
    /// How many rows are shown.
    pub visible: usize,
    /// The index of the first row shown (the page holding the selection, see [`page_start`]).
    pub start: usize,
}

impl ListRows {
    /// The rows of a list drawn in `inner` under `head` header lines, leaving `foot` lines at
    /// the bottom, paged so that `selected` is shown.
    pub fn new(inner: ratatui::layout::Rect, head: u16, foot: usize, selected: usize) -> ListRows {
        let visible = usize::from(inner.height.saturating_sub(head)).saturating_sub(foot);
        ListRows { top: inner.y.saturating_add(head), visible, start: page_start(selected, visible) }
    }

    /// The index of the row drawn at screen row `y`, if one of the shown rows is there (it may
    /// be past the list's end: the caller checks its length).
    pub fn index_at(&self, y: u16) -> Option<usize> {
        let i = usize::from(y.checked_sub(self.top)?);
        (i < self.visible).then_some(self.start + i)
    }
}

pub use crate::view::duration::short_duration;

/// The clock text with a marker readable without colour: `!-2h` overdue, `~3h` due soon (in zh
/// `!-2小时`, `~3小时`).
pub fn clock_text(state: ClockState, due: DateTime<Utc>, now: DateTime<Utc>, lang: Lang) -> String {
    let left = short_duration((due - now).num_seconds(), lang);
    match state {
        ClockState::Overdue => format!("!-{left}"),
        ClockState::DueSoon => format!("~{left}"),
        ClockState::Ok => left,
    }
}

/// The width of a clock column: room for `!-23h`, or `!-23小时` in zh.
pub fn clock_width(lang: Lang) -> usize {
    match lang {
        Lang::Zh => 8,
        Lang::En => 6,
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

/// A character that is always a grapheme of its own, one or two columns wide, never joined to
/// its neighbours: printable ASCII, the box-drawing and block characters of bars and frames,
/// `·…“”`, CJK ideographs, the common CJK punctuation and the full-width forms.
fn alone(c: char) -> bool {
    matches!(c,
        ' '..='~'
        | '\u{b7}' | '\u{2026}' | '\u{201c}' | '\u{201d}'
        | '\u{2500}'..='\u{259f}'
        | '\u{3001}' | '\u{3002}' | '\u{300a}' | '\u{300b}'
        | '\u{4e00}'..='\u{9fff}'
        | '\u{ff01}'..='\u{ff5e}')
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use ratatui::buffer::Buffer;
    use ratatui::layout::Rect;
    use ratatui::style::{Color, Modifier};
    use ratatui::text::Line;

    fn piece() -> impl Strategy<Value = String> {
        prop::sample::select(vec![
            "WH-2026-00125",
            " ",
            "ab",
            "~",
            "!3d",
            "楼上漏水",
            "王",
            "é",
            "e\u{301}",
            "👍",
            "\t",
            "\u{7f}",
            "x\r\ny",
            "",
        ])
        .prop_map(str::to_string)
    }

    fn styled() -> impl Strategy<Value = Style> {
        (any::<bool>(), any::<bool>()).prop_map(|(fg, bold)| {
            let s = if fg { Style::default().fg(Color::Red) } else { Style::default() };
            if bold {
                s.add_modifier(Modifier::BOLD)
            } else {
                s
            }
        })
    }

    proptest! {
        /// The fast writer leaves every cell as ratatui's `set_line` would: ASCII, CJK, marks,
        /// emoji and controls, cut at the width and at the buffer's edge, over older content.
        #[test]
        fn lines_are_written_as_ratatui_writes_them(
            spans in prop::collection::vec((prop::collection::vec(piece(), 0..4), styled()), 0..5),
            line_style in styled(),
            x in 0u16..12,
            width in 0u16..40,
        ) {
            let line = Line::from(
                spans.iter().map(|(p, st)| Span::styled(p.concat(), *st)).collect::<Vec<_>>(),
            ).style(line_style);
            let area = Rect::new(0, 0, 24, 2);
            let mut ours = Buffer::filled(area, ratatui::buffer::Cell::new("#"));
            let mut theirs = ours.clone();
            set_line(&mut ours, x, 1, &line, width);
            theirs.set_line(x, 1, &line, width);
            prop_assert_eq!(ours, theirs);
        }
    }

    #[test]
    fn bars_and_durations() {
        assert_eq!(bar(5, 10, 4), "██░░");
        assert_eq!(bar(12, 10, 4), "████");
        assert_eq!(bar(0, 0, 3), "░░░");
        assert_eq!(short_duration(-7200, Lang::En), "2h");
        assert_eq!(page_start(25, 10), 20);
    }
}

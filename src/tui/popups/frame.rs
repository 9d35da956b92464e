//! What every popup's drawing shares: centring, the double-bordered frame, clearing under it, and
//! the type-to-filter list keys.

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::layout::{Constraint, Flex, Layout, Rect};
use ratatui::text::Line;
use ratatui::widgets::{Block, BorderType, Clear, Paragraph, Wrap};
use ratatui::Frame;

use crate::domain::text::sanitize;
use crate::tui::theme::Theme;

/// A `w` × `h` rectangle centred in `area`.
pub fn centered(area: Rect, w: u16, h: u16) -> Rect {
    let [v] = Layout::vertical([Constraint::Length(h.min(area.height))]).flex(Flex::Center).areas(area);
    let [r] = Layout::horizontal([Constraint::Length(w.min(area.width))]).flex(Flex::Center).areas(v);
    r
}

/// The large popup area (detail, lists, help, statistics).
pub fn big(area: Rect) -> Rect {
    centered(area, area.width.saturating_sub(8).min(100), area.height.saturating_sub(4))
}

/// The popup frame: title top left, key hint bottom right.
pub fn block<'a>(theme: &Theme, title: String, hint: &str) -> Block<'a> {
    Block::bordered()
        .border_type(BorderType::Double)
        .border_style(theme.border_focused)
        .title(Line::from(format!(" {} ", sanitize(&title))).style(theme.title_focused))
        .title_bottom(Line::from(format!(" {hint} ")).style(theme.muted).right_aligned())
}

/// Joins hint parts with ` · ` into at most `width` columns: parts are dropped from the end,
/// except the last (how to leave), which always stays.
pub fn fit_hint(parts: &[String], width: usize) -> String {
    let Some((last, rest)) = parts.split_last() else { return String::new() };
    let mut kept: Vec<&str> = Vec::new();
    let mut used = crate::domain::text::width(last);
    for p in rest {
        let w = crate::domain::text::width(p) + 3;
        if used + w > width {
            break;
        }
        used += w;
        kept.push(p);
    }
    kept.push(last);
    kept.join(" · ")
}

/// Clears the popup's area, and blanks a wide (CJK) character cut in half by its left edge, so
/// the terminal does not swallow the popup's border.
fn clear(frame: &mut Frame<'_>, area: Rect) {
    use unicode_width::UnicodeWidthStr;
    if area.x > 0 {
        let buf = frame.buffer_mut();
        for y in area.top()..area.bottom() {
            let cell = &mut buf[(area.x - 1, y)];
            if cell.symbol().width() > 1 {
                cell.set_symbol(" ");
            }
        }
    }
    frame.render_widget(Clear, area);
}

/// Clears `area` and draws the lines in the frame.
pub fn draw(frame: &mut Frame<'_>, area: Rect, block: Block<'_>, lines: Vec<Line<'_>>, scroll: u16, wrap: bool) {
    clear(frame, area);
    let mut p = Paragraph::new(lines).block(block).scroll((scroll, 0));
    if wrap {
        p = p.wrap(Wrap { trim: false });
    }
    frame.render_widget(p, area);
}

/// Edits a typed line: Backspace, Ctrl-U clears, characters append (at most 200 bytes).
pub fn edit_line(text: &mut String, k: KeyEvent) {
    match k.code {
        KeyCode::Backspace => {
            text.pop();
        }
        KeyCode::Char('u') if k.modifiers.contains(KeyModifiers::CONTROL) => text.clear(),
        KeyCode::Char(c) if !k.modifiers.contains(KeyModifiers::CONTROL) && text.len() < 200 => text.push(c),
        _ => {}
    }
}

/// Moves a list selection with ↑↓ PgUp PgDn; false when the key is not one of those.
pub fn list_move(selected: &mut usize, len: usize, k: &KeyEvent) -> bool {
    match k.code {
        KeyCode::Up => *selected = selected.saturating_sub(1),
        KeyCode::Down => *selected = (*selected + 1).min(len.saturating_sub(1)),
        KeyCode::PageUp => *selected = selected.saturating_sub(10),
        KeyCode::PageDown => *selected = (*selected + 10).min(len.saturating_sub(1)),
        _ => return false,
    }
    true
}

/// The keys of a type-to-filter list: move, or edit the filter (which resets the selection).
pub fn filter_list_key(filter: &mut String, selected: &mut usize, len: usize, k: KeyEvent) {
    if !list_move(selected, len, &k) {
        edit_line(filter, k);
        *selected = 0;
    }
}

#[cfg(test)]
mod tests {
    use super::fit_hint;

    #[test]
    fn a_long_hint_drops_parts_from_the_end_but_keeps_the_way_out() {
        let parts: Vec<String> = ["W 到场", "M 开始调解", "a assign", "Esc"].iter().map(|s| s.to_string()).collect();
        assert_eq!(fit_hint(&parts, 80), "W 到场 · M 开始调解 · a assign · Esc");
        assert_eq!(fit_hint(&parts, 25), "W 到场 · M 开始调解 · Esc");
        assert_eq!(fit_hint(&parts, 24), "W 到场 · Esc");
        assert_eq!(fit_hint(&parts, 3), "Esc");
        assert_eq!(fit_hint(&[], 10), "");
    }
}

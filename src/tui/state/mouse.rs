//! The mouse: clicks, double clicks and the wheel, mapped to the pane, row or list drawn under
//! the pointer through the renderer's own layout ([`crate::tui::ui::layout_for`], each pane's
//! `click`), never a copy of it. Called from `update` only.

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::layout::Position;

use super::update::Effect;
use super::State;
use crate::tui::action::Action;
use crate::tui::panes::{drill, PANES};

/// A mouse action; returns the action to apply next (Enter's, for a double click on a row).
pub(super) fn on_mouse(s: &mut State, a: &Action, fx: &mut Vec<Effect>) -> Option<Action> {
    let (column, row, lines) = match *a {
        Action::Click { column, row } | Action::DoubleClick { column, row } => (column, row, 0),
        Action::Scroll { column, row, lines } => (column, row, lines),
        _ => return None,
    };
    let layout = crate::tui::ui::layout_for(s.size)?;
    let at = Position::new(column, row);
    let double = matches!(a, Action::DoubleClick { .. });
    // A popup is modal: the wheel scrolls it (as ↑/↓ do), clicks do nothing.
    if s.popup.is_some() {
        scroll_popup(s, lines, fx);
        return None;
    }
    if s.filter_input.is_some() {
        return None;
    }
    if s.drill.is_some() {
        if !layout.main.contains(at) {
            return None;
        }
        if lines != 0 {
            drill::scroll(s, isize::from(lines), fx);
            return None;
        }
        let hit = drill::click(s, layout.main, row, fx);
        return (hit && double).then_some(Action::Open);
    }
    let (entry, area) = PANES.iter().zip(layout.panes.iter()).find(|(_, r)| r.contains(at))?;
    s.focus = entry.pane;
    if lines != 0 {
        // One row at a time: the Routing matrix reads a long move as top or bottom.
        let step = if lines < 0 { -1 } else { 1 };
        for _ in 0..lines.unsigned_abs() {
            entry.component.move_by(s, step, fx);
        }
        return None;
    }
    let hit = entry.component.click(s, *area, column, row, fx);
    (hit && double).then_some(Action::Open)
}

/// The wheel over an open popup: ↑ or ↓ once per row.
fn scroll_popup(s: &mut State, lines: i16, fx: &mut Vec<Effect>) {
    let code = if lines < 0 { KeyCode::Up } else { KeyCode::Down };
    for _ in 0..lines.unsigned_abs() {
        if s.popup.is_none() {
            return;
        }
        let _ = super::input::on_input(s, KeyEvent::new(code, KeyModifiers::NONE), fx);
    }
}

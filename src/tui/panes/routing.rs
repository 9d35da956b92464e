//! The Routing pane: open cases by tier (rows) and committee (columns), overdue in brackets.

use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

use super::drill::{self, DrillKind};
use super::{step, Pane, PaneComponent};
use crate::domain::CommitteeKind;
use crate::domain::Tier;
use crate::store::CaseFilter;
use crate::store::MATRIX_COLUMNS;
use crate::tui::action::Action;
use crate::tui::i18n::Strings;
use crate::tui::state::update::clear_incoming_filter;
use crate::tui::state::{Effect, State};
use crate::tui::theme::Theme;
use crate::tui::ui::pane_block;
use crate::tui::ui::widgets::cell;

/// The selected column when the cursor is on a tier's row label.
pub const ROW_LABEL: usize = 6;

fn column_label(state: &State, col: usize) -> &'static str {
    let s = state.strings;
    [s.traffic_short, s.medical_short, s.labour_short, s.property_short, s.other_short, s.geographic_short][col]
}

fn count(n: u64) -> String {
    if n >= 10_000 {
        format!("{}k", n / 1000)
    } else {
        n.to_string()
    }
}

/// Thousands as `1k`, `12k`: for cells too narrow for the number.
fn thousands(n: u64) -> String {
    if n >= 1000 {
        format!("{}k", n / 1000)
    } else {
        n.to_string()
    }
}

/// A cell's text in at most `w` columns, never cut: `open(overdue)`, else `open!overdue`, else
/// in thousands, else the open count alone (the line under the matrix has both in full).
fn cell_text(open: u64, overdue: u64, w: usize) -> String {
    let mut tries = Vec::new();
    if overdue > 0 {
        tries.push(format!("{}({})", count(open), count(overdue)));
        tries.push(format!("{}!{}", count(open), count(overdue)));
        tries.push(format!("{}!{}", thousands(open), thousands(overdue)));
    }
    tries.push(count(open));
    tries.push(thousands(open));
    let last = tries.last().cloned().unwrap_or_default();
    tries.into_iter().find(|t| crate::domain::text::width(t) <= w).unwrap_or(last)
}

/// The matrix's row-label width and column width in `inner` (drawing and the mouse read it).
fn matrix_widths(inner: Rect) -> (usize, usize) {
    let label_w = 5;
    (label_w, (usize::from(inner.width).saturating_sub(label_w) / MATRIX_COLUMNS.len()).max(3))
}

/// The matrix cell (tier row, column or [`ROW_LABEL`]) drawn at screen cell (`x`, `y`) of the
/// pane's `inner` area: the header line, then one line per tier.
fn cell_at(inner: Rect, x: u16, y: u16) -> Option<(usize, usize)> {
    let (label_w, col_w) = matrix_widths(inner);
    let row = usize::from(y.checked_sub(inner.y.saturating_add(1))?);
    let dx = usize::from(x.checked_sub(inner.x)?);
    if row >= Tier::ALL.len() || dx >= usize::from(inner.width) {
        return None;
    }
    let col = match dx.checked_sub(label_w) {
        None => ROW_LABEL,
        Some(d) => Some(d / col_w).filter(|&c| c < MATRIX_COLUMNS.len())?,
    };
    Some((row, col))
}

/// Draws the pane.
fn draw(frame: &mut Frame<'_>, area: Rect, state: &State, theme: &Theme) {
    let s = state.strings;
    let late: u64 = state.snap.as_ref().map_or(0, |x| x.matrix.cells.iter().flatten().map(|c| c.1).sum());
    let extra = if late > 0 { format!("{} {late}", s.overdue_word) } else { String::new() };
    let block = pane_block(state, theme, Pane::Routing, extra);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let Some(snap) = state.snap.as_ref() else {
        frame.render_widget(Paragraph::new(s.loading), inner);
        return;
    };
    let lang = s.lang;
    let (label_w, col_w) = matrix_widths(inner);
    let focused = state.focus == Pane::Routing && state.popup.is_none();
    let mut lines = Vec::new();
    let mut header = vec![Span::styled(cell("", label_w), theme.header)];
    for c in 0..MATRIX_COLUMNS.len() {
        header.push(Span::styled(cell(column_label(state, c), col_w - 1), theme.header));
        header.push(Span::raw(" "));
    }
    lines.push(Line::from(header));
    for row in 0..Tier::ALL.len() {
        let mut label = theme.title;
        if focused && state.routing_cell == (row, ROW_LABEL) {
            label = label.patch(theme.selected);
        }
        let mut spans = vec![Span::styled(cell(s.tier_short[row], label_w), label)];
        for col in 0..MATRIX_COLUMNS.len() {
            let (open, overdue) = snap.matrix.cells[row][col];
            let text = cell_text(open, overdue, col_w.saturating_sub(1));
            let mut style = if overdue > 0 {
                theme.overdue
            } else if open == 0 {
                theme.muted
            } else {
                ratatui::style::Style::default()
            };
            if focused && state.routing_cell == (row, col) {
                style = style.patch(theme.selected);
            }
            if state.incoming_cell == Some((row, col)) {
                style = style.patch(theme.marked);
            }
            spans.push(Span::styled(cell(&text, col_w.saturating_sub(1)), style));
            spans.push(Span::raw(" "));
        }
        lines.push(Line::from(spans));
    }
    lines.push(Line::from(""));
    let (row, col) = state.routing_cell;
    let (tier, short) = (Tier::ALL[row.min(3)].label(lang), s.tier_short[row.min(3)]);
    let (long, brief) = if col == ROW_LABEL {
        let (open, overdue) = snap.matrix.cells[row.min(3)].iter().fold((0, 0), |(o, l), c| (o + c.0, l + c.1));
        let n = format!("{open} · {} {overdue}", s.overdue_word);
        (format!("{tier}: {n}"), format!("{short}: {n}"))
    } else {
        let (open, overdue) = snap.matrix.cells[row.min(3)][col.min(5)];
        let kind = MATRIX_COLUMNS[col.min(5)].label(lang);
        let n = format!("{open} · {} {overdue}", s.overdue_word);
        (format!("{tier} × {kind}: {n}"), format!("{short} × {}: {n}", column_label(state, col.min(5))))
    };
    // The numbers are never cut: the short names are used when the long ones do not fit.
    let here = if crate::domain::text::width(&long) <= usize::from(inner.width) { long } else { brief };
    lines.push(Line::from(Span::styled(cell(&here, usize::from(inner.width)), theme.muted)));
    let total_open: u64 = snap.matrix.cells.iter().flatten().map(|c| c.0).sum();
    let total_overdue: u64 = snap.matrix.cells.iter().flatten().map(|c| c.1).sum();
    lines.push(Line::from(vec![
        Span::styled(format!("Σ {total_open}"), theme.title),
        Span::raw(" · "),
        Span::styled(
            format!("{} {total_overdue}", s.overdue_word),
            if total_overdue > 0 { theme.overdue } else { theme.muted },
        ),
    ]));
    let hint = if col == ROW_LABEL { s.tier_committees() } else { s.cell_cases() };
    lines.push(Line::from(Span::styled(cell(hint, usize::from(inner.width)), theme.muted)));
    crate::tui::ui::widgets::write_lines(frame, inner, &lines);
}

/// The Routing pane.
pub struct Routing;

impl PaneComponent for Routing {
    fn title(&self, s: &Strings) -> &'static str {
        s.routing
    }

    fn keys(&self) -> &'static [Action] {
        &[Action::Left, Action::Right, Action::Open, Action::ClearFilter]
    }

    fn move_by(&self, s: &mut State, delta: isize, _fx: &mut Vec<Effect>) {
        let (r, c) = s.routing_cell;
        let rows = Tier::ALL.len();
        if delta.unsigned_abs() > 1 {
            s.routing_cell.0 = if delta < 0 { 0 } else { rows - 1 };
        } else {
            s.routing_cell = (step(r, rows, delta), c);
        }
    }

    fn on_action(&self, s: &mut State, a: &Action, fx: &mut Vec<Effect>) {
        match a {
            // Left of the first column is the tier's row label (Enter lists its committees).
            Action::Left if s.routing_cell.1 == 0 || s.routing_cell.1 == ROW_LABEL => {
                s.routing_cell.1 = ROW_LABEL;
            }
            Action::Right if s.routing_cell.1 == ROW_LABEL => s.routing_cell.1 = 0,
            Action::Left | Action::Right => {
                let d: isize = if *a == Action::Left { -1 } else { 1 };
                s.routing_cell.1 = step(s.routing_cell.1, MATRIX_COLUMNS.len(), d);
            }
            Action::Open => {
                let (row, col) = s.routing_cell;
                let tier = Tier::ALL[row.min(Tier::ALL.len() - 1)];
                let lang = s.strings.lang;
                if col == ROW_LABEL {
                    // Enter on a tier's label lists its committees with open and overdue counts.
                    drill::open(s, tier.label(lang).to_string(), DrillKind::Committees(tier), fx);
                    return;
                }
                // Enter on a cell lists every open case of the cell, assigned ones too.
                let kinds: Vec<CommitteeKind> =
                    CommitteeKind::ALL.iter().copied().filter(|k| k.matrix_column() == col).collect();
                let title = format!("{} × {}", tier.label(lang), MATRIX_COLUMNS[col.min(5)].label(lang));
                let filter =
                    CaseFilter { open: true, tier: Some(tier), committee_kinds: kinds, ..CaseFilter::default() };
                drill::open(s, title, DrillKind::Cases(Box::new(filter)), fx);
            }
            Action::ClearFilter => clear_incoming_filter(s, fx),
            _ => {}
        }
    }

    fn click(&self, s: &mut State, area: Rect, x: u16, y: u16, _fx: &mut Vec<Effect>) -> bool {
        match cell_at(crate::tui::ui::pane_inner(area), x, y) {
            Some(cell) => {
                s.routing_cell = cell;
                true
            }
            None => false,
        }
    }

    fn render(&self, frame: &mut Frame<'_>, area: Rect, state: &State, theme: &Theme) {
        draw(frame, area, state, theme);
    }
}

#[cfg(test)]
mod tests {
    use super::{cell_at, cell_text, ROW_LABEL};
    use ratatui::layout::Rect;

    #[test]
    fn a_point_maps_to_the_cell_drawn_there() {
        // Inner 41 wide: label 5, then six columns of 6.
        let inner = Rect::new(10, 5, 41, 10);
        assert_eq!(cell_at(inner, 10, 5), None, "the header line");
        assert_eq!(cell_at(inner, 12, 6), Some((0, ROW_LABEL)));
        assert_eq!(cell_at(inner, 15, 7), Some((1, 0)));
        assert_eq!(cell_at(inner, 15 + 6 * 5, 9), Some((3, 5)));
        assert_eq!(cell_at(inner, 15, 10), None, "below the last tier");
    }

    #[test]
    fn cell_numbers_are_never_cut() {
        assert_eq!(cell_text(3, 1, 6), "3(1)");
        assert_eq!(cell_text(3, 1, 3), "3!1");
        assert_eq!(cell_text(120, 15, 6), "120!15");
        assert_eq!(cell_text(120, 15, 3), "120");
        assert_eq!(cell_text(1234, 0, 3), "1k");
        assert_eq!(cell_text(100, 0, 3), "100");
    }
}

//! The Routing pane: open cases by tier (rows) and committee (columns), overdue in brackets.

use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

use super::{step, Pane, PaneComponent};
use crate::domain::CommitteeKind;
use crate::domain::Tier;
use crate::store::MATRIX_COLUMNS;
use crate::tui::action::Action;
use crate::tui::i18n::Strings;
use crate::tui::state::update::{clear_incoming_filter, send_view};
use crate::tui::state::{Effect, State};
use crate::tui::theme::Theme;
use crate::tui::ui::pane_block;
use crate::tui::ui::widgets::cell;

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

/// Draws the pane.
fn draw(frame: &mut Frame<'_>, area: Rect, state: &State, theme: &Theme) {
    let s = state.strings;
    let block = pane_block(state, theme, Pane::Routing, String::new());
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let Some(snap) = state.snap.as_ref() else {
        frame.render_widget(Paragraph::new(s.loading), inner);
        return;
    };
    let lang = s.lang;
    let label_w = 5;
    let col_w = (usize::from(inner.width).saturating_sub(label_w) / MATRIX_COLUMNS.len()).max(3);
    let focused = state.focus == Pane::Routing && state.popup.is_none();
    let mut lines = Vec::new();
    let mut header = vec![Span::styled(cell("", label_w), theme.header)];
    for c in 0..MATRIX_COLUMNS.len() {
        header.push(Span::styled(cell(column_label(state, c), col_w - 1), theme.header));
        header.push(Span::raw(" "));
    }
    lines.push(Line::from(header));
    for row in 0..Tier::ALL.len() {
        let mut spans = vec![Span::styled(cell(s.tier_short[row], label_w), theme.title)];
        for col in 0..MATRIX_COLUMNS.len() {
            let (open, overdue) = snap.matrix.cells[row][col];
            let full = if overdue > 0 { format!("{}({})", count(open), count(overdue)) } else { count(open) };
            let text = if crate::domain::text::width(&full) < col_w { full } else { format!("{}!", count(open)) };
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
    let (open, overdue) = snap.matrix.cells[row.min(3)][col.min(5)];
    let kind = MATRIX_COLUMNS[col.min(5)].label(lang);
    lines.push(Line::from(Span::styled(
        cell(
            &format!("{} × {kind}: {open} · {} {overdue}", Tier::ALL[row.min(3)].label(lang), s.overdue_word),
            usize::from(inner.width),
        ),
        theme.muted,
    )));
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
    let hint = format!("Enter: {}", s.action_help(&crate::tui::action::Action::Open));
    lines.push(Line::from(Span::styled(cell(&hint, usize::from(inner.width)), theme.muted)));
    frame.render_widget(Paragraph::new(lines), inner);
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
            Action::Left | Action::Right => {
                let d: isize = if *a == Action::Left { -1 } else { 1 };
                s.routing_cell.1 = step(s.routing_cell.1, MATRIX_COLUMNS.len(), d);
            }
            Action::Open => {
                // Enter on a cell filters Incoming by its tier and committee kinds.
                let (row, col) = s.routing_cell;
                let tier = Tier::ALL[row.min(Tier::ALL.len() - 1)];
                let kinds: Vec<CommitteeKind> =
                    CommitteeKind::ALL.iter().copied().filter(|k| k.matrix_column() == col).collect();
                s.incoming_cell = Some((row, col));
                s.query.incoming.tier = Some(tier);
                s.query.incoming.committee_kinds = kinds;
                s.query.incoming_offset = 0;
                s.incoming_selected = 0;
                s.focus = Pane::Incoming;
                send_view(s, fx);
            }
            Action::ClearFilter => clear_incoming_filter(s, fx),
            _ => {}
        }
    }

    fn render(&self, frame: &mut Frame<'_>, area: Rect, state: &State, theme: &Theme) {
        draw(frame, area, state, theme);
    }
}

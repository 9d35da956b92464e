//! The Statistics screen's area table: districts, then a district's towns/streets, then a town's
//! committees (Enter goes down, Esc/Backspace up); figure columns as in `report --by`, as many
//! as fit the width; the selected row kept in view.

use ratatui::layout::{Constraint, Rect};
use ratatui::text::Line;
use ratatui::widgets::{Block, Cell, Paragraph, Row, Table, TableState};
use ratatui::Frame;

use super::StatsScreen;
use crate::domain::stats::AreaNode;
use crate::domain::text::{sanitize, width};
use crate::domain::Lang;
use crate::tui::state::State;
use crate::tui::theme::Theme;
use crate::view::stats::{area_dimension, breakdown_header, figure_cells};

/// The figure columns (indexes into [`figure_cells`]) in the order they are dropped last to first
/// when the table is narrow: mediated, resolved, rate, amount, performed, applications,
/// agreements.
const COLUMNS: [usize; 7] = [0, 1, 2, 3, 5, 6, 4];
/// The name column's least width.
const NAME_MIN: u16 = 16;
/// The width the name column keeps before figure columns are added (long committee names).
const NAME_WANT: u16 = 32;

/// Draws the table of the current level in `area`.
pub fn render(sc: &StatsScreen, frame: &mut Frame<'_>, area: Rect, state: &State, theme: &Theme) {
    let lang = state.strings.lang;
    let rows = sc.rows();
    let depth = sc.path.len();
    let block = Block::bordered()
        .border_style(theme.border_focused)
        .title(Line::from(format!(" {} ", breadcrumb(sc, lang))).style(theme.title_focused))
        .title(
            Line::from(format!(" {}/{} ", (sc.selected + 1).min(rows.len()), rows.len()))
                .style(theme.muted)
                .right_aligned(),
        );
    if rows.is_empty() {
        let p = Paragraph::new(Line::from(state.strings.stats_empty()).style(theme.muted)).block(block);
        frame.render_widget(p, area);
        return;
    }
    let header = breakdown_header(area_dimension(depth), lang);
    // Each figure column is as wide as its header or its widest value.
    let cells: Vec<Vec<String>> = rows.iter().map(|n| figure_cells(&n.row.figures)).collect();
    let col_width = |i: usize| {
        let values = cells.iter().map(|c| width(&c[i])).max().unwrap_or(0);
        width(&header[i + 1]).max(values) as u16
    };
    // The names keep up to NAME_WANT columns before a figure column is given room.
    let longest = rows.iter().map(|n| width(&node_name(n, lang)) as u16 + 2).max().unwrap_or(0);
    let room = area.width.saturating_sub(2 + 2 + longest.clamp(NAME_MIN, NAME_WANT));
    let mut shown = Vec::new();
    let mut used = 0u16;
    for &i in &COLUMNS {
        let w = col_width(i) + 1;
        if used + w > room {
            break;
        }
        used += w;
        shown.push(i);
    }
    // The name column as wide as its longest name (the figures stay near the names on a wide
    // screen), at least NAME_MIN, at most what the figures leave.
    let name_w =
        longest.max(width(&header[0]) as u16).clamp(NAME_MIN, area.width.saturating_sub(4 + used).max(NAME_MIN));
    let mut widths = vec![Constraint::Length(name_w)];
    widths.extend(shown.iter().map(|&i| Constraint::Length(col_width(i))));
    let head = Row::new(
        std::iter::once(Cell::from(header[0].clone()))
            .chain(shown.iter().map(|&i| Cell::from(Line::from(header[i + 1].clone()).right_aligned()))),
    )
    .style(theme.header);
    let body = rows.iter().zip(&cells).map(|(n, c)| {
        let name = format!("{} {}", if n.children.is_empty() { " " } else { "▸" }, node_name(n, lang));
        Row::new(
            std::iter::once(Cell::from(name))
                .chain(shown.iter().map(|&i| Cell::from(Line::from(c[i].clone()).right_aligned()))),
        )
    });
    let table = Table::new(body, widths).header(head).block(block).row_highlight_style(theme.selected);
    let mut ts = TableState::default().with_selected(Some(sc.selected));
    frame.render_stateful_widget(table, area, &mut ts);
}

fn node_name(n: &AreaNode, lang: Lang) -> String {
    sanitize(if lang == Lang::Zh { &n.row.name_zh } else { &n.row.name_en })
}

/// `District`, or `海勃湾区 › Town/street`, or `海勃湾区 › 新华街道 › Committee`.
fn breadcrumb(sc: &StatsScreen, lang: Lang) -> String {
    let mut parts = Vec::new();
    if let Some(d) = &sc.data {
        let mut level: &[AreaNode] = &d.areas;
        for key in &sc.path {
            let Some(n) = level.iter().find(|n| &n.row.key == key) else { break };
            parts.push(node_name(n, lang));
            level = &n.children;
        }
    }
    parts.push(crate::view::stats::dimension_word(area_dimension(sc.path.len()), lang).to_string());
    parts.join(" › ")
}

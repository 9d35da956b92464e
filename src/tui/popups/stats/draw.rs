//! Drawing the Statistics screen: the frame over everything but the status line, the period
//! line, and the body — on a large terminal (≥ 150×40 inside) the headline, charts and area
//! table together; on a smaller one a page at a time (Tab), with a one-line summary.

use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph};
use ratatui::Frame;

use super::{Choice, Page, StatsScreen};
use crate::domain::stats::Overview;
use crate::domain::text::{pad, sanitize, width};
use crate::tui::action::Action;
use crate::tui::popups::PopupComponent;
use crate::tui::state::State;
use crate::tui::theme::Theme;
use crate::view::Term;

/// The inside size from which everything is drawn at once.
const WIDE: (u16, u16) = (150, 40);

/// The key hint on the frame's bottom edge, from the keymap.
pub fn hint(sc: &StatsScreen, state: &State) -> String {
    let s = state.strings;
    let k = |a: Action| state.keymap.first_key(&a);
    let mut parts = vec![
        format!("{} {}", k(Action::StatsPeriod), s.stats_hint_period()),
        format!("{}{}", k(Action::StatsPrev), k(Action::StatsNext)),
        format!("{} {}", k(Action::StatsDates), s.stats_hint_dates()),
        format!("{} {}", k(Action::StatsExport), s.stats_hint_export()),
    ];
    if !is_wide(inner_of(state)) {
        parts.push(format!("{} {}", k(Action::NextPane), s.stats_hint_page()));
    }
    if table_shown(sc, state) {
        parts.push(format!("Enter {}", s.stats_hint_down()));
    }
    parts.push(format!("Esc {}", s.stats_hint_up()));
    parts.join(" · ")
}

/// The screen's rectangle: everything but the status line (which shows messages).
fn screen_of(area: Rect) -> Rect {
    Rect { height: area.height.saturating_sub(1), ..area }
}

/// The inside of the frame at the desk's current size.
fn inner_of(state: &State) -> Rect {
    let r = screen_of(Rect { x: 0, y: 0, width: state.size.0, height: state.size.1 });
    Rect { x: r.x + 1, y: r.y + 1, width: r.width.saturating_sub(2), height: r.height.saturating_sub(2) }
}

/// Whether the area table is on screen (always on a large terminal, else on its page).
pub fn table_shown(sc: &StatsScreen, state: &State) -> bool {
    sc.page == Page::Table || is_wide(inner_of(state))
}

fn is_wide(inner: Rect) -> bool {
    inner.width >= WIDE.0 && inner.height >= WIDE.1
}

/// Draws the screen.
pub fn render(sc: &StatsScreen, frame: &mut Frame<'_>, area: Rect, state: &State, theme: &Theme) {
    let rect = screen_of(area);
    frame.render_widget(Clear, rect);
    let block = super::super::frame::block(theme, sc.title(state), &sc.hint(state));
    let inner = block.inner(rect);
    frame.render_widget(block, rect);
    let footer = u16::from(sc.error.is_some() || sc.exported.is_some());
    let wide = is_wide(inner);
    let [top, tabs, body, foot] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(u16::from(!wide)),
        Constraint::Min(0),
        Constraint::Length(footer),
    ])
    .areas(inner);
    period_line(sc, frame, top, state, theme);
    if !wide {
        page_tabs(sc, frame, tabs, state, theme);
    }
    footer_line(sc, frame, foot, state, theme);
    let Some(o) = sc.data.as_deref() else {
        frame.render_widget(Paragraph::new(Line::from(state.strings.loading).style(theme.muted)), body);
        return;
    };
    if wide {
        let grid = figure_grid(o, body.width, state);
        let [g, _, charts, table] = Layout::vertical([
            Constraint::Length(grid.len() as u16),
            Constraint::Length(1),
            Constraint::Length(17),
            Constraint::Min(5),
        ])
        .areas(body);
        frame.render_widget(Paragraph::new(styled_grid(grid, theme)), g);
        super::charts::render(frame, charts, o, state, theme, true);
        super::table::render(sc, frame, table, state, theme);
        return;
    }
    match sc.page {
        Page::Figures => {
            let grid = figure_grid(o, body.width, state);
            frame.render_widget(Paragraph::new(styled_grid(grid, theme)), body);
        }
        Page::Table | Page::Charts => {
            let [line, rest] = Layout::vertical([Constraint::Length(1), Constraint::Min(0)]).areas(body);
            frame.render_widget(Paragraph::new(summary(o, state, theme)), line);
            if sc.page == Page::Table {
                super::table::render(sc, frame, rest, state, theme);
            } else {
                super::charts::render(frame, rest, o, state, theme, false);
            }
        }
    }
}

/// The choices (the one shown highlighted) and the days, or the custom period being typed.
fn period_line(sc: &StatsScreen, frame: &mut Frame<'_>, area: Rect, state: &State, theme: &Theme) {
    let s = state.strings;
    let lang = s.lang;
    let line = if let Some(text) = &sc.typing {
        Line::from(vec![
            Span::styled(format!("{} ", s.stats_dates_prompt()), theme.header),
            Span::styled(format!("{}▏", sanitize(text)), theme.key),
            Span::styled(format!("  {}", s.stats_dates_help()), theme.muted),
        ])
    } else {
        let mut spans = Vec::new();
        for c in Choice::ALL {
            let style = if c == sc.choice { theme.selected } else { theme.muted };
            spans.push(Span::styled(format!(" {} ", c.label(lang)), style));
        }
        let tz = state.tz.name();
        let days = format!("  {} … {}", sc.period.first, sc.period.last);
        let zone = format!("  ({} {tz})", s.stats_office_time());
        let used: usize = spans.iter().map(Span::width).sum::<usize>() + width(&days);
        spans.push(Span::styled(days, theme.title));
        // The office's zone when it fits.
        if used + width(&zone) <= usize::from(area.width) {
            spans.push(Span::styled(zone, theme.muted));
        }
        Line::from(spans)
    };
    frame.render_widget(Paragraph::new(line), area);
}

/// The page names (small terminals), the one shown highlighted.
fn page_tabs(sc: &StatsScreen, frame: &mut Frame<'_>, area: Rect, state: &State, theme: &Theme) {
    let s = state.strings;
    let mut spans = vec![Span::styled(format!("{} ▸", state.keymap.first_key(&Action::NextPane)), theme.key)];
    for p in Page::ALL {
        let name = match p {
            Page::Figures => s.stats_page_figures(),
            Page::Table => s.stats_page_table(),
            Page::Charts => s.stats_page_charts(),
        };
        let style = if p == sc.page { theme.title_focused } else { theme.muted };
        spans.push(Span::styled(format!(" {name} "), style));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}

/// The typed period's error, else the last export's path.
fn footer_line(sc: &StatsScreen, frame: &mut Frame<'_>, area: Rect, state: &State, theme: &Theme) {
    let line = match (&sc.error, &sc.exported) {
        (Some(e), _) => Line::from(sanitize(e)).style(theme.error),
        (None, Some(p)) => {
            Line::from(format!("{} {}", state.strings.stats_exported(), sanitize(p))).style(theme.success)
        }
        (None, None) => return,
    };
    frame.render_widget(Paragraph::new(line), area);
}

/// The figures that matter most, on one line: mediated, resolved, rate, amount.
fn summary<'a>(o: &Overview, state: &State, theme: &Theme) -> Line<'a> {
    let lang = state.strings.lang;
    let r = &o.report;
    let mut spans = Vec::new();
    for (term, value) in [
        (Term::CountReceived, r.received.to_string()),
        (Term::ColMediated, r.figures.mediated.to_string()),
        (Term::ColResolved, r.figures.successful.to_string()),
        (Term::ColRate, r.success_rate.clone()),
        (Term::ColAmount, r.amount_wan_yuan.clone()),
    ] {
        spans.push(Span::styled(format!("{} ", term.word(lang)), theme.muted));
        spans.push(Span::styled(format!("{value}  "), theme.header));
    }
    Line::from(spans)
}

/// The headline figures as grid lines: as many (label, value) columns as fit in `cols`,
/// filled column by column so "of which" rows stay under their total.
fn figure_grid(o: &Overview, cols: u16, state: &State) -> Vec<Vec<(String, String)>> {
    let lang = state.strings.lang;
    let items: Vec<(String, String)> =
        crate::view::stats::counts(&o.report).into_iter().map(|(t, v)| (t.word(lang).to_string(), v)).collect();
    let lw = items.iter().map(|(l, _)| width(l)).max().unwrap_or(0);
    let vw = items.iter().map(|(_, v)| width(v)).max().unwrap_or(0);
    let cell = lw + vw + 5;
    let ncols = (usize::from(cols) / cell.max(1)).clamp(1, items.len().max(1));
    let rows = items.len().div_ceil(ncols);
    let mut grid = vec![Vec::new(); rows];
    for (i, (l, v)) in items.into_iter().enumerate() {
        grid[i % rows].push((pad(&l, lw + 1), format!("{v:>vw$}    ")));
    }
    grid
}

fn styled_grid<'a>(grid: Vec<Vec<(String, String)>>, theme: &Theme) -> Vec<Line<'a>> {
    grid.into_iter()
        .map(|row| {
            Line::from(
                row.into_iter()
                    .flat_map(|(l, v)| [Span::styled(l, theme.muted), Span::styled(v, Style::default())])
                    .collect::<Vec<_>>(),
            )
        })
        .collect()
}

//! The Statistics screen's charts: mediated cases by category (horizontal `BarChart`) and by tier
//! (vertical `BarChart`), and the cases received per month (`Sparkline`, one month per equal
//! slice of the width, months named under it).

use ratatui::layout::{Constraint, Direction, Layout, Rect};
use ratatui::text::Line;
use ratatui::widgets::{Bar, BarChart, Block, Paragraph, Sparkline};
use ratatui::Frame;

use crate::domain::stats::{Count, Overview};
use crate::domain::text::{pad, sanitize};
use crate::domain::Lang;
use crate::tui::state::State;
use crate::tui::theme::Theme;
use crate::view::Term;

/// Draws the three charts in `area`: side by side on a wide screen (category, tier, trend), else
/// category on the left and tier over trend on the right.
pub fn render(frame: &mut Frame<'_>, area: Rect, o: &Overview, state: &State, theme: &Theme, wide: bool) {
    let lang = state.strings.lang;
    if wide {
        let [cat, tier, trend_area] =
            Layout::horizontal([Constraint::Percentage(40), Constraint::Percentage(25), Constraint::Percentage(35)])
                .areas(area);
        categories(frame, cat, &o.report.by_category, lang, theme);
        tiers(frame, tier, &o.report.by_tier, lang, theme);
        trend(frame, trend_area, o, state, theme);
    } else {
        let [cat, right] = Layout::horizontal([Constraint::Percentage(55), Constraint::Percentage(45)]).areas(area);
        let [tier, trend_area] =
            Layout::vertical([Constraint::Percentage(50), Constraint::Percentage(50)]).areas(right);
        categories(frame, cat, &o.report.by_category, lang, theme);
        tiers(frame, tier, &o.report.by_tier, lang, theme);
        trend(frame, trend_area, o, state, theme);
    }
}

fn titled<'a>(title: String, theme: &Theme) -> Block<'a> {
    Block::bordered().border_style(theme.border).title(Line::from(format!(" {} ", sanitize(&title))).style(theme.title))
}

fn name(c: &Count, lang: Lang) -> String {
    sanitize(if lang == Lang::Zh { &c.zh } else { &c.en })
}

/// Mediated cases by category, one horizontal bar each (every category, zeros included).
fn categories(frame: &mut Frame<'_>, area: Rect, counts: &[Count], lang: Lang, theme: &Theme) {
    let bars: Vec<Bar> = counts
        .iter()
        .map(|c| Bar::with_label(format!("{} ", name(c, lang)), c.mediated).text_value(c.mediated.to_string()))
        .collect();
    let max = counts.iter().map(|c| c.mediated).max().unwrap_or(0).max(1);
    let chart = BarChart::horizontal(bars)
        .block(titled(Term::ByCategory.word(lang).into(), theme))
        .bar_width(1)
        .bar_gap(0)
        .max(max)
        .bar_style(theme.bar)
        .value_style(theme.header)
        .label_style(theme.muted);
    frame.render_widget(chart, area);
}

/// Mediated cases by the tier that settled them: village, town, district, city.
fn tiers(frame: &mut Frame<'_>, area: Rect, counts: &[Count], lang: Lang, theme: &Theme) {
    let n = counts.len().max(1) as u16;
    let inner_w = area.width.saturating_sub(2);
    let bar_width = (inner_w.saturating_sub(n - 1) / n).max(1);
    let bars: Vec<Bar> =
        counts.iter().map(|c| Bar::with_label(name(c, lang), c.mediated).text_value(c.mediated.to_string())).collect();
    let max = counts.iter().map(|c| c.mediated).max().unwrap_or(0).max(1);
    let chart = BarChart::vertical(bars)
        .block(titled(Term::ByTier.word(lang).into(), theme))
        .bar_width(bar_width)
        .bar_gap(1)
        .max(max)
        .direction(Direction::Vertical)
        .bar_style(theme.bar)
        .value_style(theme.selected)
        .label_style(theme.muted);
    frame.render_widget(chart, area);
}

/// Cases received per month over the trend's twelve months, months named under the line.
fn trend(frame: &mut Frame<'_>, area: Rect, o: &Overview, state: &State, theme: &Theme) {
    let s = state.strings;
    let max = o.trend.iter().map(|m| m.received).max().unwrap_or(0);
    let block = titled(format!("{} · {} {max}", s.stats_trend(), s.stats_max()), theme);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let months = o.trend.len().max(1);
    let slice = (usize::from(inner.width) / months).max(1);
    let data: Vec<u64> = o.trend.iter().flat_map(|m| std::iter::repeat_n(m.received, slice)).collect();
    let [line, labels] = Layout::vertical([Constraint::Min(0), Constraint::Length(1)]).areas(inner);
    frame.render_widget(Sparkline::default().data(&data).max(max.max(1)).style(theme.bar), line);
    // Each month under its slice when there is room, else the first and last month at the ends.
    let names = if slice >= 3 {
        o.trend.iter().map(|m| pad(m.month.get(5..).unwrap_or(""), slice)).collect()
    } else {
        let (first, last) = (o.trend.first().map_or("", |m| &m.month), o.trend.last().map_or("", |m| &m.month));
        let gap = (slice * months).saturating_sub(first.len() + last.len());
        format!("{first}{}{last}", " ".repeat(gap))
    };
    frame.render_widget(Paragraph::new(Line::from(names).style(theme.muted)), labels);
}

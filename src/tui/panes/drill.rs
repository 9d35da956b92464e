//! The drill-down list: one reusable view listing the open cases of a slice (a Routing cell, a
//! committee, a mediator, everything overdue), or a tier's committees with open and overdue
//! counts. It covers the panes until Esc; the desk's case keys (Enter, a, e, t, v, Space) act on
//! its selected case. Its rows come a page at a time from the worker (never all cases).

use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Clear, Paragraph};
use ratatui::Frame;

use super::step;
use crate::domain::lifecycle::rule;
use crate::domain::{Case, Lang, Tier};
use crate::store::{CaseFilter, CaseListPage, CommitteeCount};
use crate::tui::action::Action;
use crate::tui::popups::{DetailPopup, Popup};
use crate::tui::state::{Effect, State};
use crate::tui::theme::Theme;
use crate::tui::ui::widgets::{cell, clock_style, clock_text, clock_width, risk_style, span, ListRows};
use crate::tui::worker::Request;

/// Case rows loaded per request (a window around the selection).
pub const DRILL_WINDOW: usize = 200;

/// What a drill-down lists.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DrillKind {
    /// The cases matching a filter, past their clock first.
    Cases(Box<CaseFilter>),
    /// The committees holding open cases at a tier.
    Committees(Tier),
}

/// One drill-down list and where it came from.
#[derive(Debug, Clone, PartialEq)]
pub struct DrillView {
    /// What it is of ("Village × Labour", a mediator's name, "Overdue").
    pub title: String,
    /// What it lists.
    pub kind: DrillKind,
    /// The selected row (absolute index).
    pub selected: usize,
    /// The case the cursor is on (it follows the case across refreshes).
    pub selected_ref: Option<String>,
    /// The loaded page of cases (for [`DrillKind::Cases`]).
    pub cases: Option<CaseListPage>,
    /// The committees (for [`DrillKind::Committees`]).
    pub committees: Option<Vec<CommitteeCount>>,
    /// The list Esc goes back to.
    pub back: Option<Box<DrillView>>,
}

impl DrillView {
    /// A new list, loading.
    pub fn new(title: String, kind: DrillKind) -> DrillView {
        DrillView { title, kind, selected: 0, selected_ref: None, cases: None, committees: None, back: None }
    }

    /// The request that loads (or reloads) its rows around the selection.
    pub fn request(&self) -> Request {
        match &self.kind {
            DrillKind::Cases(filter) => {
                let offset = self.selected.saturating_sub(DRILL_WINDOW / 3);
                let offset = match &self.cases {
                    Some(p) if (p.offset..p.offset + p.rows.len()).contains(&self.selected) => p.offset,
                    _ => offset,
                };
                Request::CaseList { filter: (**filter).clone(), offset, limit: DRILL_WINDOW }
            }
            DrillKind::Committees(tier) => Request::Committees { tier: *tier },
        }
    }

    /// The selected case, if loaded.
    pub fn selected_case(&self) -> Option<&Case> {
        let p = self.cases.as_ref()?;
        p.rows.get(self.selected.checked_sub(p.offset)?)
    }

    fn len(&self) -> usize {
        match &self.kind {
            DrillKind::Cases(_) => self.cases.as_ref().map_or(0, |p| p.total as usize),
            DrillKind::Committees(_) => self.committees.as_ref().map_or(0, Vec::len),
        }
    }
}

/// Opens a drill-down list (over any open one: Esc goes back to it) and asks for its rows.
pub fn open(s: &mut State, title: String, kind: DrillKind, fx: &mut Vec<Effect>) {
    let mut view = DrillView::new(title, kind);
    view.back = s.drill.take();
    fx.push(Effect::Send(view.request()));
    s.drill = Some(Box::new(view));
}

/// Asks again for the open list's rows (after the data changed).
pub fn refresh(s: &State, fx: &mut Vec<Effect>) {
    if let Some(d) = &s.drill {
        fx.push(Effect::Send(d.request()));
    }
}

/// A page of cases arrived: kept when the open list asked for it; the cursor stays on its case.
pub fn on_cases(s: &mut State, filter: CaseFilter, page: CaseListPage) {
    let Some(d) = s.drill.as_mut() else { return };
    if !matches!(&d.kind, DrillKind::Cases(f) if **f == filter) {
        return;
    }
    let found = d.selected_ref.as_ref().and_then(|r| page.rows.iter().position(|c| &c.reference == r));
    d.cases = Some(page);
    match found {
        Some(i) => d.selected = d.cases.as_ref().map_or(0, |p| p.offset) + i,
        None => {
            d.selected = d.selected.min(d.len().saturating_sub(1));
            d.selected_ref = d.selected_case().map(|c| c.reference.clone());
        }
    }
}

/// A tier's committees arrived.
pub fn on_committees(s: &mut State, tier: Tier, rows: Vec<CommitteeCount>) {
    let Some(d) = s.drill.as_mut() else { return };
    if d.kind == DrillKind::Committees(tier) {
        d.committees = Some(rows);
        d.selected = d.selected.min(d.len().saturating_sub(1));
    }
}

/// A desk action while a drill-down is open: movement, Enter, Space and Esc are its own; true
/// when it took the action (the others, such as the case keys, go on to the desk).
pub fn on_action(s: &mut State, a: &Action, fx: &mut Vec<Effect>) -> bool {
    let page = s.page_rows() as isize;
    let Some(d) = s.drill.as_mut() else { return false };
    let delta = match a {
        Action::Up => -1,
        Action::Down => 1,
        Action::PageUp => -page,
        Action::PageDown => page,
        Action::Top => isize::MIN / 2,
        Action::Bottom => isize::MAX / 2,
        Action::ClearFilter => {
            s.drill = d.back.take();
            refresh(s, fx);
            return true;
        }
        Action::Open => {
            open_selected(s, fx);
            return true;
        }
        Action::ToggleMark => {
            if let Some(c) = d.selected_case() {
                let (r, v) = (c.reference.clone(), c.version);
                if s.marked.remove(&r).is_none() {
                    s.marked.insert(r, v);
                }
                return on_action(s, &Action::Down, fx);
            }
            return true;
        }
        _ => return false,
    };
    scroll(s, delta, fx)
}

/// The mouse on the open list drawn over `area` (the panes): selects the row at screen row `y`;
/// true when there was one. Called from `update` only.
pub fn click(s: &mut State, area: Rect, y: u16, fx: &mut Vec<Effect>) -> bool {
    let Some(d) = s.drill.as_ref() else { return false };
    match super::click_delta(area, 0, d.selected, d.len(), y) {
        Some(delta) => scroll(s, delta, fx),
        None => false,
    }
}

/// Moves the open list's selection by `delta` rows (the wheel, a click); true when a list is open.
pub fn scroll(s: &mut State, delta: isize, fx: &mut Vec<Effect>) -> bool {
    let Some(d) = s.drill.as_mut() else { return false };
    d.selected = step(d.selected, d.len(), delta);
    d.selected_ref = d.selected_case().map(|c| c.reference.clone());
    if matches!(d.kind, DrillKind::Cases(_)) && d.selected_case().is_none() && d.len() > 0 {
        fx.push(Effect::Send(d.request()));
    }
    true
}

/// Enter: a case opens its detail; a committee opens the list of its cases.
fn open_selected(s: &mut State, fx: &mut Vec<Effect>) {
    let Some(d) = s.drill.as_ref() else { return };
    match &d.kind {
        DrillKind::Cases(_) => {
            if let Some(c) = d.selected_case() {
                let reference = c.reference.clone();
                s.popup = Some(Popup::Detail(DetailPopup::loading(reference.clone())));
                fx.push(Effect::Send(Request::Detail { reference, reveal: false }));
            }
        }
        DrillKind::Committees(tier) => {
            let tier = *tier;
            let Some(row) = d.committees.as_ref().and_then(|r| r.get(d.selected)) else { return };
            let id = row.committee_id;
            let name = committee_name(s, id);
            let title = format!("{} · {name}", tier.label(s.strings.lang));
            open(
                s,
                title,
                DrillKind::Cases(Box::new(CaseFilter {
                    open: true,
                    tier: Some(tier),
                    committee_id: Some(id),
                    ..CaseFilter::default()
                })),
                fx,
            );
        }
    }
}

fn committee_name(s: &State, id: i64) -> String {
    let zh = s.strings.lang == Lang::Zh;
    s.snap
        .as_ref()
        .and_then(|x| x.org.committee(id))
        .map(|c| if zh { c.name_zh.clone() } else { c.name_en.clone() })
        .unwrap_or_else(|| format!("#{id}"))
}

fn mediator_name(s: &State, id: Option<i64>) -> String {
    id.and_then(|id| s.snap.as_ref()?.org.mediator(id).map(|m| m.name.clone())).unwrap_or_default()
}

/// Draws the open drill-down over `area` (the panes), reading only.
pub fn render(frame: &mut Frame<'_>, area: Rect, state: &State, theme: &Theme) {
    let Some(d) = &state.drill else { return };
    let s = state.strings;
    let mut extra = Vec::new();
    let total = d.len();
    if total > 0 {
        extra.push(format!("{}/{total}", d.selected + 1));
    }
    if let Some(p) = &d.cases {
        if p.overdue > 0 {
            extra.push(format!("{} {}", s.overdue_word, p.overdue));
        }
    }
    let mut block = Block::bordered()
        .border_type(BorderType::Thick)
        .border_style(theme.border_focused)
        .title(Line::from(format!(" {} ", crate::domain::text::sanitize(&d.title))).style(theme.title_focused))
        .title_bottom(Line::from(format!(" Esc {} ", s.drill_back())).style(theme.muted));
    if !extra.is_empty() {
        block = block.title(Line::from(format!(" {} ", extra.join(" · "))).style(theme.muted).right_aligned());
    }
    let inner = block.inner(area);
    frame.render_widget(Clear, area);
    frame.render_widget(block, area);
    let w = usize::from(inner.width);
    let ListRows { visible, start, .. } = ListRows::new(inner, 1, 0, d.selected);
    let mut lines = Vec::new();
    match &d.kind {
        DrillKind::Committees(_) => {
            lines.push(Line::from(Span::styled(
                format!(
                    "{} {} {}",
                    cell(s.drill_committee(), w.saturating_sub(20)),
                    cell(s.drill_open(), 8),
                    cell(s.overdue_word, 8)
                ),
                theme.header,
            )));
            let rows = d.committees.as_deref().unwrap_or_default();
            if d.committees.is_some() && rows.is_empty() {
                lines.push(Line::from(Span::styled(s.drill_empty(), theme.muted)));
            }
            for (i, r) in rows.iter().enumerate().skip(start).take(visible) {
                let late = if r.overdue > 0 { theme.overdue } else { theme.muted };
                let mut line = Line::from(vec![
                    span(&committee_name(state, r.committee_id), w.saturating_sub(20), Style::default()),
                    Span::raw(" "),
                    span(&r.open.to_string(), 8, Style::default()),
                    Span::raw(" "),
                    span(&r.overdue.to_string(), 8, late),
                ]);
                if i == d.selected {
                    line = line.patch_style(theme.selected);
                }
                lines.push(line);
            }
        }
        DrillKind::Cases(_) => {
            let clock_w = clock_width(s.lang);
            let ref_w = crate::tui::ui::widgets::ref_width(
                d.cases.iter().flat_map(|p| p.rows.iter()).map(|c| c.reference.as_str()),
            );
            let fixed = 2 + (ref_w + 1) + (clock_w + 1) + 5 + 11 + 11 + 9;
            let committee_w = w.saturating_sub(fixed + 1);
            let mut header = format!(
                "  {} {} {} {} {} {}",
                cell(s.col_ref, ref_w),
                cell(s.col_clock, clock_w),
                cell(s.col_risk, 4),
                cell(s.col_category, 10),
                cell(s.drill_status(), 10),
                cell(s.col_mediator, 8)
            );
            if committee_w >= 6 {
                header.push(' ');
                header.push_str(&cell("", committee_w));
            }
            lines.push(Line::from(Span::styled(header, theme.header)));
            if let Some(p) = &d.cases {
                if p.total == 0 {
                    lines.push(Line::from(Span::styled(s.drill_empty(), theme.muted)));
                }
                for i in start..(start + visible).min(p.total as usize) {
                    let Some(c) = i.checked_sub(p.offset).and_then(|j| p.rows.get(j)) else {
                        lines.push(Line::from(Span::styled("…", theme.muted)));
                        continue;
                    };
                    let marked = state.marked.contains_key(&c.reference);
                    let due = rule(c.status).clock.and_then(|k| k.due(c));
                    let clock = match due {
                        Some(due) => {
                            let st = state.clocks.state(c.received_at, due, state.now);
                            span(&clock_text(st, due, state.now, s.lang), clock_w, clock_style(theme, st))
                        }
                        None => span("", clock_w, Style::default()),
                    };
                    let lang = s.lang;
                    let mut spans = vec![
                        Span::styled(if marked { "* " } else { "  " }, theme.marked),
                        span(&c.reference, ref_w, Style::default()),
                        Span::raw(" "),
                        clock,
                        Span::raw(" "),
                        span(s.risk_short[c.risk_level as usize], 4, risk_style(theme, c.risk_level)),
                        Span::raw(" "),
                        span(c.category.label(lang), 10, Style::default()),
                        Span::raw(" "),
                        span(c.status.label(lang), 10, theme.muted),
                        Span::raw(" "),
                        span(&mediator_name(state, c.lead_mediator_id), 8, Style::default()),
                    ];
                    if committee_w >= 6 {
                        spans.push(Span::raw(" "));
                        spans.push(span(&committee_name(state, c.committee_id), committee_w, theme.muted));
                    }
                    let mut line = Line::from(spans);
                    if i == d.selected {
                        line = line.patch_style(theme.selected);
                    } else if marked {
                        line = line.patch_style(theme.marked);
                    }
                    lines.push(line);
                }
            }
        }
    }
    if d.cases.is_none() && d.committees.is_none() {
        lines.push(Line::from(Span::styled(s.loading, theme.muted)));
    }
    frame.render_widget(Paragraph::new(lines), inner);
}

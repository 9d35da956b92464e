//! The Incoming pane: unassigned cases, most urgent first, with the assignment clock coloured.

use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

use super::{click_delta, step, Pane, PaneComponent};
use crate::domain::{Case, Lang, Org};
use crate::store::IncomingSort;
use crate::tui::action::Action;
use crate::tui::i18n::Strings;
use crate::tui::popups::{DetailPopup, Popup};
use crate::tui::state::{
    is_new,
    update::{clear_incoming_filter, send_view},
    Effect, State, INCOMING_WINDOW,
};
use crate::tui::theme::Theme;
use crate::tui::ui::pane_block;
use crate::tui::ui::widgets::{
    cell, clock_style, clock_text, clock_width, ref_width, risk_style, short_duration, span, ListRows,
};
use crate::tui::worker::Request;

/// A column: header text, width, and how to draw a case in it.
struct Column {
    header: &'static str,
    width: usize,
    draw: fn(&Case, &Ctx<'_>, usize) -> Span<'static>,
}

struct Ctx<'a> {
    state: &'a State,
    theme: &'a Theme,
    org: &'a Org,
}

fn columns(state: &State, inner: usize) -> Vec<Column> {
    let s = state.strings;
    let all = [
        Column { header: s.col_ref, width: 14, draw: |c, _, w| span(&c.reference, w, Style::default()) },
        Column {
            header: s.col_clock,
            width: 6,
            draw: |c, x, w| {
                let st = x.state.clocks.state(c.received_at, c.assign_due, x.state.now);
                span(&clock_text(st, c.assign_due, x.state.now, x.state.strings.lang), w, clock_style(x.theme, st))
            },
        },
        Column {
            header: s.col_risk,
            width: 4,
            draw: |c, x, w| {
                // Acute (red or a risk flag, routing's rule 3): a leading `!` marks the top of the queue.
                let acute = if crate::domain::is_acute(c.risk_level, c.risk_flags) { "!" } else { "" };
                let text = format!("{acute}{}", x.state.strings.risk_short[c.risk_level as usize]);
                span(&text, w, risk_style(x.theme, c.risk_level))
            },
        },
        Column {
            header: s.col_category,
            width: 10,
            draw: |c, x, w| span(c.category.label(x.state.strings.lang), w, Style::default()),
        },
        Column {
            header: s.col_age,
            width: 5,
            draw: |c, x, w| {
                span(
                    &short_duration((x.state.now - c.received_at).num_seconds(), x.state.strings.lang),
                    w,
                    x.theme.muted,
                )
            },
        },
        Column {
            header: s.col_area,
            width: 12,
            draw: |c, x, w| {
                let name =
                    x.org
                        .area(c.area_id)
                        .map(|a| if x.state.strings.lang == Lang::Zh { &a.name_zh } else { &a.name_en });
                span(name.map(String::as_str).unwrap_or("?"), w, Style::default())
            },
        },
        Column {
            header: s.col_route,
            width: 0,
            draw: |c, x, w| {
                let lang = x.state.strings.lang;
                let committee =
                    x.org.committee(c.committee_id).map(|k| if lang == Lang::Zh { &k.name_zh } else { &k.name_en });
                let joint = if c.joint { "⚑" } else { "" };
                let text = format!("{}{joint} → {}", c.tier.label(lang), committee.map(String::as_str).unwrap_or("?"));
                span(&text, w, Style::default())
            },
        },
    ];
    // On a wide pane, category and area grow before the route column takes the rest.
    let mut all = all;
    // Durations read `23小时` in zh: the clock and age columns are wider there.
    all[1].width = clock_width(s.lang);
    let shown = state.snap.as_ref().map(|snap| snap.incoming.rows.as_slice()).unwrap_or_default();
    all[0].width = ref_width(shown.iter().map(|c| c.reference.as_str()));
    if s.lang == Lang::Zh {
        all[4].width = 6;
    }
    let base: usize = all.iter().map(|c| c.width + 1).sum::<usize>() + 2;
    let spare = inner.saturating_sub(base + 40);
    all[3].width += (spare / 2).min(8);
    all[5].width += (spare / 2).min(10);
    let mut used = 2;
    let mut out = Vec::new();
    for mut col in all {
        if col.width == 0 {
            if inner > used + 10 {
                col.width = inner - used - 1;
                out.push(col);
            }
            break;
        }
        if used + col.width + 1 > inner {
            break;
        }
        used += col.width + 1;
        out.push(col);
    }
    out
}

/// Draws the pane.
fn draw(frame: &mut Frame<'_>, area: Rect, state: &State, theme: &Theme) {
    let s = state.strings;
    let Some(snap) = state.snap.as_ref() else {
        frame.render_widget(
            Paragraph::new(s.loading).block(pane_block(state, theme, Pane::Incoming, String::new()).block()),
            area,
        );
        return;
    };
    let page = &snap.incoming;
    let mut extra = Vec::new();
    if page.total > 0 {
        extra.push(format!("{}/{}", state.incoming_selected + 1, page.total));
    }
    if state.query.incoming_sort != IncomingSort::Urgency {
        extra.push(format!("{} {}", s.sort, state.query.incoming_sort.label(s.lang == Lang::Zh)));
    }
    if page.overdue > 0 {
        extra.push(format!("{} {}", s.overdue_word, page.overdue));
    }
    let q = &state.query.incoming;
    if let Some(t) = q.text.as_deref() {
        extra.push(format!("{}: {t}", s.filter));
    } else if q.tier.is_some() || q.area_id.is_some() || q.committee_id.is_some() {
        extra.push(format!("{}*", s.filter));
    }
    if !state.marked.is_empty() {
        extra.push(format!("{} {}", state.marked.len(), s.marked));
    }
    let block = pane_block(state, theme, Pane::Incoming, extra.join(" · "));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let cols = columns(state, usize::from(inner.width));
    let ctx = Ctx { state, theme, org: &snap.org };
    let mut lines = Vec::with_capacity(usize::from(inner.height));
    let mut header = vec![Span::raw("  ")];
    for c in &cols {
        header.push(Span::styled(cell(c.header, c.width), theme.header));
        header.push(Span::raw(" "));
    }
    lines.push(Line::from(header));
    let rows = ListRows::new(inner, 1, 0, state.incoming_selected);
    let visible = rows.visible;
    if page.total == 0 {
        let q = &state.query.incoming;
        let filtered = q.text.is_some() || q.tier.is_some() || q.area_id.is_some() || q.committee_id.is_some();
        lines.push(Line::from(Span::styled(if filtered { s.nothing_matches() } else { s.no_incoming }, theme.muted)));
    }
    let start = rows.start;
    for i in start..(start + visible).min(page.total as usize) {
        let Some(case) = i.checked_sub(page.offset).and_then(|j| page.rows.get(j)) else {
            lines.push(Line::from(Span::styled("…", theme.muted)));
            continue;
        };
        let marked = state.marked.contains_key(&case.reference);
        let mut spans = vec![if marked {
            Span::styled("* ", theme.marked)
        } else if is_new(state, &case.reference) {
            Span::styled("● ", theme.success)
        } else {
            Span::raw("  ")
        }];
        for c in &cols {
            spans.push((c.draw)(case, &ctx, c.width));
            spans.push(Span::raw(" "));
        }
        let mut line = Line::from(spans);
        if i == state.incoming_selected && state.focus == Pane::Incoming {
            line = line.patch_style(theme.selected);
        } else if marked {
            line = line.patch_style(theme.marked);
        }
        lines.push(line);
    }
    crate::tui::ui::widgets::write_lines(frame, inner, &lines);
}

/// The Incoming pane.
pub struct Incoming;

/// Asks for another window of Incoming rows when the selection leaves the loaded one.
fn ensure_window(s: &mut State, fx: &mut Vec<Effect>) {
    let Some(snap) = s.snap.as_ref() else { return };
    let loaded = snap.incoming.offset..snap.incoming.offset + snap.incoming.rows.len();
    if !loaded.contains(&s.incoming_selected) && (s.incoming_selected as u64) < snap.incoming.total {
        s.query.incoming_offset = s.incoming_selected.saturating_sub(INCOMING_WINDOW / 3);
        send_view(s, fx);
    }
}

impl PaneComponent for Incoming {
    fn title(&self, s: &Strings) -> &'static str {
        s.incoming
    }

    fn keys(&self) -> &'static [Action] {
        &[
            Action::Open,
            Action::Assign,
            Action::AutoAssign,
            Action::ToggleMark,
            Action::Escalate,
            Action::Transfer,
            Action::Filter,
            Action::ClearFilter,
            Action::CycleSort,
        ]
    }

    fn move_by(&self, s: &mut State, delta: isize, fx: &mut Vec<Effect>) {
        let total = s.snap.as_ref().map(|x| x.incoming.total as usize).unwrap_or(0);
        s.incoming_selected = step(s.incoming_selected, total, delta);
        s.incoming_ref = s.selected_case().map(|c| c.reference.clone());
        ensure_window(s, fx);
    }

    fn on_action(&self, s: &mut State, a: &Action, fx: &mut Vec<Effect>) {
        match a {
            Action::Open => {
                if let Some((reference, _)) = self.target(s) {
                    s.popup = Some(Popup::Detail(DetailPopup::loading(reference.clone())));
                    fx.push(Effect::Send(Request::Detail { reference, reveal: false }));
                }
            }
            Action::ToggleMark => {
                if let Some(c) = s.selected_case() {
                    let (r, v) = (c.reference.clone(), c.version);
                    if s.marked.remove(&r).is_none() {
                        s.marked.insert(r, v);
                    }
                    self.move_by(s, 1, fx);
                }
            }
            Action::ClearFilter => clear_incoming_filter(s, fx),
            Action::CycleSort => {
                s.query.incoming_sort = s.query.incoming_sort.next();
                s.query.incoming_offset = 0;
                s.incoming_selected = 0;
                send_view(s, fx);
            }
            _ => {}
        }
    }

    fn target(&self, s: &State) -> Option<(String, Option<i64>)> {
        s.selected_case().map(|c| (c.reference.clone(), Some(c.version)))
    }

    fn filter(&self, s: &State) -> Option<String> {
        Some(s.query.incoming.text.clone().unwrap_or_default())
    }

    fn set_filter(&self, s: &mut State, text: String, live: bool, fx: &mut Vec<Effect>) {
        // Incoming is filtered by the database, narrowing as the officer types.
        let _ = live;
        s.query.incoming.text = Some(text).filter(|t| !t.trim().is_empty());
        s.query.incoming_offset = 0;
        s.incoming_selected = 0;
        send_view(s, fx);
    }

    fn click(&self, s: &mut State, area: Rect, _x: u16, y: u16, fx: &mut Vec<Effect>) -> bool {
        let total = s.snap.as_ref().map_or(0, |x| x.incoming.total as usize);
        let Some(d) = click_delta(area, 0, s.incoming_selected, total, y) else { return false };
        self.move_by(s, d, fx);
        true
    }

    fn render(&self, frame: &mut Frame<'_>, area: Rect, state: &State, theme: &Theme) {
        draw(frame, area, state, theme);
    }
}

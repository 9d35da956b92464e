//! The Follow-ups pane: overdue follow-ups first with days overdue, then those due soon; at its
//! foot the overdue rectification items and the screening duties (三个一) due and overdue, by tier.

use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

use super::{click_delta, step, Pane, PaneComponent};
use crate::domain::Tier;
use crate::tui::action::Action;
use crate::tui::i18n::Strings;
use crate::tui::popups::{DetailPopup, Popup};
use crate::tui::snapshot::Snapshot;
use crate::tui::state::update::recompute_views;
use crate::tui::state::{Effect, State};
use crate::tui::theme::Theme;
use crate::tui::ui::pane_block;
use crate::tui::ui::widgets::{cell, span, ListRows};
use crate::tui::worker::Request;
use crate::view::duration::short_duration;

/// Draws the pane.
fn draw(frame: &mut Frame<'_>, area: Rect, state: &State, theme: &Theme) {
    let s = state.strings;
    let extra = state
        .snap
        .as_ref()
        .map(|x| {
            let mut e = format!("{} {}", s.overdue_word, x.followups_overdue);
            if !state.followups_filter.is_empty() {
                e.push_str(&format!(" · {}: {}", s.filter, state.followups_filter));
            }
            e
        })
        .unwrap_or_default();
    let block = pane_block(state, theme, Pane::Followups, extra);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let Some(snap) = state.snap.as_ref() else {
        frame.render_widget(Paragraph::new(s.loading), inner);
        return;
    };
    let w = usize::from(inner.width);
    let rows = ListRows::new(inner, 1, aftercare_len(snap), state.followups_selected);
    let (visible, start) = (rows.visible, rows.start);
    let shown = || state.followups_view.iter().skip(start).take(visible).map(|&i| &snap.followups[i]);
    let ref_w = crate::tui::ui::widgets::ref_width(shown().map(|r| r.case_ref.as_str()));
    let (days_w, med_w) = (6, 8);
    let cat_w = w.saturating_sub(ref_w + days_w + med_w + 3);
    let mut lines = vec![Line::from(vec![
        Span::styled(cell(s.col_ref, ref_w), theme.header),
        Span::raw(" "),
        Span::styled(cell(s.col_days, days_w), theme.header),
        Span::raw(" "),
        Span::styled(cell(s.col_mediator, med_w), theme.header),
        Span::raw(" "),
        Span::styled(cell(s.col_category, cat_w), theme.header),
    ])];
    if state.followups_view.is_empty() {
        lines.push(Line::from(Span::styled(s.no_followups, theme.muted)));
    }
    let extras = aftercare_lines(snap, state, theme, w);
    for (vi, r) in (start..).zip(shown()) {
        let (text, style) = if r.days_overdue > 0 {
            (format!("!{}{}", r.days_overdue, s.days_overdue), theme.overdue)
        } else {
            (format!("~{}{}", -r.days_overdue, s.days_left), theme.due_soon)
        };
        let mut line = Line::from(vec![
            span(&r.case_ref, ref_w, ratatui::style::Style::default()),
            Span::raw(" "),
            span(&text, days_w, style),
            Span::raw(" "),
            span(&r.mediator, med_w, theme.muted),
            Span::raw(" "),
            span(r.category.label(s.lang), cat_w, ratatui::style::Style::default()),
        ]);
        if vi == state.followups_selected && state.focus == Pane::Followups {
            line = line.patch_style(theme.selected);
        }
        lines.push(line);
    }
    let free = usize::from(inner.height).saturating_sub(lines.len() + extras.len());
    lines.extend(std::iter::repeat_n(Line::default(), free));
    lines.extend(extras);
    crate::tui::ui::widgets::write_lines(frame, inner, &lines);
}

/// How many lines [`aftercare_lines`] gives: one for the overdue items (if any), one per tier
/// with screening duties open.
fn aftercare_len(snap: &Snapshot) -> usize {
    let board = &snap.aftercare;
    let tiers = Tier::ALL.iter().filter(|t| board.screenings.iter().any(|d| d.tier == **t)).count();
    usize::from(!board.items_overdue.is_empty()) + tiers
}

/// `head` and then as many of `items` (space-separated) as it takes to pass `cols` columns: the
/// line is cut to the pane anyway, so the rest is never formatted.
fn joined_to_width(head: String, items: impl Iterator<Item = String>, cols: usize) -> String {
    let mut text = head;
    for item in items {
        if crate::domain::text::width(&text) > cols {
            break;
        }
        text.push(' ');
        text.push_str(&item);
    }
    text
}

/// The pane's last lines: overdue rectification items, then the screening duties per tier
/// (`!overdue ~due`), each cut to the pane's width.
fn aftercare_lines(snap: &Snapshot, state: &State, theme: &Theme, w: usize) -> Vec<Line<'static>> {
    let words = crate::tui::aftercare_words::words(state.strings.lang);
    let board = &snap.aftercare;
    let mut out = Vec::new();
    if !board.items_overdue.is_empty() {
        let head = format!("{} {}:", words.items_overdue, board.items_overdue.len());
        let text = joined_to_width(head, board.items_overdue.iter().map(|i| i.case_ref.clone()), w);
        out.push(Line::from(span(&text, w, theme.overdue)));
    }
    // Agreements whose judicial-confirmation window closes soon: `Judicial window closing 2:
    // WH-2026-00012 (3d) …`, soonest first.
    if !board.judicial_due.is_empty() {
        let lang = state.strings.lang;
        let refs = board
            .judicial_due
            .iter()
            .map(|(r, closes)| format!("{r} ({})", short_duration((*closes - state.now).num_seconds(), lang)));
        let text = joined_to_width(format!("{} {}:", words.judicial_due, board.judicial_due_total), refs, w);
        out.push(Line::from(span(&text, w, theme.due_soon)));
    }
    // One line per tier with duties open: `Screening  Village  !3 ~10` (overdue, due), as the
    // follow-up rows mark overdue and due.
    let head_w = crate::domain::text::width(words.screenings);
    let mut first = true;
    for tier in Tier::ALL {
        let of: Vec<_> = board.screenings.iter().filter(|d| d.tier == *tier).collect();
        if of.is_empty() {
            continue;
        }
        let overdue = of.iter().filter(|d| d.overdue).count();
        let head = if first { words.screenings } else { "" };
        first = false;
        let style = if overdue > 0 { theme.due_soon } else { theme.muted };
        out.push(Line::from(vec![
            span(head, head_w, theme.header),
            Span::raw(" "),
            span(tier.label(state.strings.lang), 9, style),
            Span::raw(" "),
            span(&format!("!{overdue} ~{}", of.len() - overdue), w.saturating_sub(head_w + 11), style),
        ]));
    }
    out
}

/// The Follow-ups pane.
pub struct Followups;

impl PaneComponent for Followups {
    fn title(&self, s: &Strings) -> &'static str {
        s.followups
    }

    fn keys(&self) -> &'static [Action] {
        &[Action::Open, Action::RecordFollowup, Action::Escalate, Action::Filter, Action::ClearFilter]
    }

    fn move_by(&self, s: &mut State, delta: isize, _fx: &mut Vec<Effect>) {
        s.followups_selected = step(s.followups_selected, s.followups_view.len(), delta);
    }

    fn on_action(&self, s: &mut State, a: &Action, fx: &mut Vec<Effect>) {
        match a {
            Action::Open => {
                if let Some((reference, _)) = self.target(s) {
                    s.popup = Some(Popup::Detail(DetailPopup::loading(reference.clone())));
                    fx.push(Effect::Send(Request::Detail { reference, reveal: false }));
                }
            }
            Action::ClearFilter => {
                s.followups_filter.clear();
                recompute_views(s);
            }
            _ => {}
        }
    }

    /// A follow-up row carries no case version: the one this desk last showed, else writes from
    /// here read it first.
    fn target(&self, s: &State) -> Option<(String, Option<i64>)> {
        s.selected_followup().map(|f| (f.case_ref.clone(), s.seen.get(&f.case_ref).copied()))
    }

    fn filter(&self, s: &State) -> Option<String> {
        Some(s.followups_filter.clone())
    }

    fn set_filter(&self, s: &mut State, text: String, _live: bool, _fx: &mut Vec<Effect>) {
        s.followups_filter = text;
        s.followups_selected = 0;
        recompute_views(s);
    }

    fn click(&self, s: &mut State, area: Rect, _x: u16, y: u16, fx: &mut Vec<Effect>) -> bool {
        let Some(snap) = s.snap.as_ref() else { return false };
        let foot = aftercare_len(snap);
        let Some(d) = click_delta(area, foot, s.followups_selected, s.followups_view.len(), y) else { return false };
        self.move_by(s, d, fx);
        true
    }

    fn render(&self, frame: &mut Frame<'_>, area: Rect, state: &State, theme: &Theme) {
        draw(frame, area, state, theme);
    }
}

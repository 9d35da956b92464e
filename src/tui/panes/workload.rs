//! The Workload pane: one row per mediator with an open/capacity bar, overdue and on duty.

use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

use super::drill::{self, DrillKind};
use super::{click_delta, step, Pane, PaneComponent};
use crate::domain::Lang;
use crate::store::CaseFilter;
use crate::tui::action::Action;
use crate::tui::i18n::Strings;
use crate::tui::popups::{ConfirmPopup, Popup};
use crate::tui::state::update::recompute_views;
use crate::tui::state::{Effect, Message, State};
use crate::tui::theme::Theme;
use crate::tui::ui::pane_block;
use crate::tui::ui::widgets::{bar, cell, span, ListRows};
use crate::tui::worker::Request;

/// Draws the pane.
fn draw(frame: &mut Frame<'_>, area: Rect, state: &State, theme: &Theme) {
    let s = state.strings;
    let mut extra = vec![format!("{} {}", s.sort, state.workload_sort.label(s.lang))];
    if !state.workload_filter.is_empty() {
        extra.push(format!("{}: {}", s.filter, state.workload_filter));
    }
    let late: u32 = state.snap.as_ref().map_or(0, |x| x.workload.iter().map(|r| r.overdue).sum());
    if late > 0 {
        extra.push(format!("{} {late}", s.overdue_word));
    }
    let block = pane_block(state, theme, Pane::Workload, extra.join(" · "));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let Some(snap) = state.snap.as_ref() else {
        frame.render_widget(Paragraph::new(s.loading), inner);
        return;
    };
    let w = usize::from(inner.width);
    let (name_w, bar_w, num_w, late_w, duty_w) = (8, 8, 7, 4, 4);
    let fixed = name_w + bar_w + num_w + late_w + duty_w + 5;
    let committee_w = w.saturating_sub(fixed + 1);
    let mut lines = Vec::new();
    let mut header = vec![
        Span::styled(cell(s.col_mediator, name_w), theme.header),
        Span::raw(" "),
        Span::styled(cell(s.col_load, bar_w + num_w + 1), theme.header),
        Span::raw(" "),
        Span::styled(cell(s.col_overdue, late_w), theme.header),
        Span::raw(" "),
        Span::styled(cell(s.col_duty, duty_w), theme.header),
    ];
    if committee_w >= 6 {
        header.push(Span::raw(" "));
        header.push(Span::styled(cell("", committee_w), theme.header));
    }
    lines.push(Line::from(header));
    let rows = ListRows::new(inner, 1, 0, state.workload_selected);
    let (visible, start) = (rows.visible, rows.start);
    for (vi, &i) in state.workload_view.iter().enumerate().skip(start).take(visible) {
        let r = &snap.workload[i];
        let full = r.open >= r.capacity;
        let mut spans = vec![
            span(&r.name, name_w, ratatui::style::Style::default()),
            Span::raw(" "),
            Span::styled(bar(r.open, r.capacity, bar_w), if full { theme.bar_full } else { theme.bar }),
            Span::raw(" "),
            span(
                &format!("{}/{}", r.open, r.capacity),
                num_w,
                if full { theme.bar_full } else { ratatui::style::Style::default() },
            ),
            Span::raw(" "),
            span(
                &if r.overdue > 0 { format!("!{}", r.overdue) } else { "0".into() },
                late_w,
                if r.overdue > 0 { theme.overdue } else { theme.muted },
            ),
            Span::raw(" "),
            span(
                if r.on_duty { s.on_duty } else { s.off_duty },
                duty_w,
                if r.on_duty { theme.ok } else { theme.muted },
            ),
        ];
        if committee_w >= 6 {
            let c = r.committees.first().and_then(|code| snap.org.committee_by_code(code));
            let name =
                c.map(|c| if s.lang == Lang::Zh { c.name_zh.as_str() } else { c.name_en.as_str() }).unwrap_or("");
            spans.push(Span::raw(" "));
            spans.push(span(name, committee_w, theme.muted));
        }
        let mut line = Line::from(spans);
        if vi == state.workload_selected && state.focus == Pane::Workload {
            line = line.patch_style(theme.selected);
        }
        lines.push(line);
    }
    crate::tui::ui::widgets::write_lines(frame, inner, &lines);
}

/// The Workload pane.
pub struct Workload;

impl PaneComponent for Workload {
    fn title(&self, s: &Strings) -> &'static str {
        s.workload
    }

    fn keys(&self) -> &'static [Action] {
        &[Action::Open, Action::ToggleDuty, Action::Filter, Action::ClearFilter, Action::CycleSort]
    }

    fn move_by(&self, s: &mut State, delta: isize, _fx: &mut Vec<Effect>) {
        s.workload_selected = step(s.workload_selected, s.workload_view.len(), delta);
    }

    fn on_action(&self, s: &mut State, a: &Action, fx: &mut Vec<Effect>) {
        match a {
            Action::Open => {
                // Enter on a mediator lists the open cases they lead.
                if let Some(m) = s.selected_mediator() {
                    let filter = CaseFilter { open: true, mediator_id: Some(m.mediator_id), ..CaseFilter::default() };
                    let title = m.name.to_string();
                    drill::open(s, title, DrillKind::Cases(Box::new(filter)), fx);
                }
                return;
            }
            Action::ToggleDuty => {
                if let Some(m) = s.selected_mediator() {
                    let on_duty = !m.on_duty;
                    let ask = if on_duty { s.strings.duty_on_confirm } else { s.strings.duty_off_confirm };
                    let text = format!("{} (#{}): {ask}", m.name, m.mediator_id);
                    let then = Box::new(Request::Duty { mediator_id: m.mediator_id, on_duty });
                    s.popup = Some(Popup::Confirm(ConfirmPopup { text, then }));
                } else {
                    s.message = Some(Message { ok: false, text: s.strings.nothing_selected.to_string() });
                }
                return;
            }
            Action::ClearFilter => s.workload_filter.clear(),
            Action::CycleSort => s.workload_sort = s.workload_sort.next(),
            _ => return,
        }
        recompute_views(s);
    }

    fn filter(&self, s: &State) -> Option<String> {
        Some(s.workload_filter.clone())
    }

    fn set_filter(&self, s: &mut State, text: String, _live: bool, _fx: &mut Vec<Effect>) {
        s.workload_filter = text;
        s.workload_selected = 0;
        recompute_views(s);
    }

    fn click(&self, s: &mut State, area: Rect, _x: u16, y: u16, fx: &mut Vec<Effect>) -> bool {
        let Some(d) = click_delta(area, 0, s.workload_selected, s.workload_view.len(), y) else { return false };
        self.move_by(s, d, fx);
        true
    }

    fn render(&self, frame: &mut Frame<'_>, area: Rect, state: &State, theme: &Theme) {
        draw(frame, area, state, theme);
    }
}

//! The Follow-ups pane: overdue follow-ups first with days overdue, then those due soon.

use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

use super::pane_block;
use super::widgets::{cell, page_start, span};
use crate::tui::state::{Pane, State};
use crate::tui::theme::Theme;

/// Draws the pane.
pub fn render(frame: &mut Frame<'_>, area: Rect, state: &State, theme: &Theme) {
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
    let (ref_w, days_w, med_w) = (14, 6, 8);
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
    let visible = usize::from(inner.height.saturating_sub(1));
    let start = page_start(state.followups_selected, visible);
    for (vi, &i) in state.followups_view.iter().enumerate().skip(start).take(visible) {
        let r = &snap.followups[i];
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
    frame.render_widget(Paragraph::new(lines), inner);
}

//! The statistics popup: the period's figures (this year to date); its content is drawn by
//! `report_lines`, to be replaced by the shared statistics view model.

use ratatui::crossterm::event::{KeyCode, KeyEvent};
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::Frame;

use super::frame::{big, block, draw};
use super::{PopupComponent, Step};
use crate::domain::Lang;
use crate::tui::action::Action;
use crate::tui::state::State;
use crate::tui::theme::Theme;
use crate::tui::ui::widgets::span;

/// The period's statistics; `None` while loading.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ReportPopup {
    /// The statistics.
    pub report: Option<Box<crate::domain::stats::Report>>,
    /// Lines scrolled.
    pub scroll: u16,
}

impl PopupComponent for ReportPopup {
    fn title(&self, state: &State) -> String {
        (if state.strings.lang == Lang::Zh { "本期统计" } else { "Statistics" }).into()
    }

    fn hint(&self, state: &State) -> String {
        state.strings.help_hint.into()
    }

    fn on_key(&mut self, state: &State, key: KeyEvent) -> Step {
        match (key.code, state.keymap.action_for(&key)) {
            (KeyCode::Esc | KeyCode::Enter, _) | (_, Some(Action::Report | Action::Quit)) => return Step::Close,
            (_, Some(Action::Down)) => self.scroll = self.scroll.saturating_add(1),
            (_, Some(Action::Up)) => self.scroll = self.scroll.saturating_sub(1),
            _ => {}
        }
        Step::Stay
    }

    fn render(&self, frame: &mut Frame<'_>, area: Rect, state: &State, theme: &Theme) {
        let lines = match &self.report {
            Some(r) => report_lines(state, theme, r),
            None => vec![Line::from(state.strings.loading)],
        };
        draw(frame, big(area), block(theme, self.title(state), &self.hint(state)), lines, self.scroll, false);
    }
}

fn report_lines<'a>(state: &State, theme: &Theme, r: &crate::domain::stats::Report) -> Vec<Line<'a>> {
    let lang = state.strings.lang;
    let zh = lang == Lang::Zh;
    let row = |en: &str, cn: &str, v: String| {
        Line::from(vec![span(if zh { cn } else { en }, 22, theme.title), Span::raw(" "), Span::raw(v)])
    };
    let mut lines = vec![
        Line::from(Span::styled(format!("{} … {}", r.from, r.to), theme.header)),
        row("Received", "受理", r.received.to_string()),
        row("Mediated", "调解", r.mediated.to_string()),
        row("Resolved", "调解成功", r.resolved.to_string()),
        row("Failed", "调解终止", r.failed.to_string()),
        row("Withdrawn", "撤回", r.withdrawn.to_string()),
        row("Success rate", "调解成功率", r.success_rate.clone()),
        row("Amount (10k yuan)", "涉及金额（万元）", r.amount_wan_yuan.clone()),
        row("Agreements (written)", "达成协议（书面）", format!("{} ({})", r.agreements, r.agreements_written)),
        row("Performed", "履行", r.performed.to_string()),
        row("Judicial confirmations", "司法确认", r.judicial_confirmations.to_string()),
        Line::from(vec![
            span(if zh { "在办 / 超期" } else { "Open / overdue now" }, 22, theme.title),
            Span::raw(" "),
            Span::raw(format!("{} / ", r.open_now)),
            Span::styled(r.overdue_now.to_string(), if r.overdue_now > 0 { theme.overdue } else { theme.muted }),
        ]),
        Line::from(""),
        Line::from(Span::styled(if zh { "按来源" } else { "By source" }, theme.header)),
    ];
    for s in &r.by_source {
        lines.push(row(s.class.en(), s.class.zh(), s.mediated.to_string()));
    }
    lines.push(Line::from(""));
    lines.push(Line::from(Span::styled(
        if zh { "按类别（调解 / 成功）" } else { "By category (mediated / resolved)" },
        theme.header,
    )));
    for c in r.by_category.iter().filter(|c| c.mediated > 0) {
        lines.push(row(c.category.en(), c.category.zh(), format!("{} / {}", c.mediated, c.resolved)));
    }
    lines
}

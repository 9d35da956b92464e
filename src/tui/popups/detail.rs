//! The case detail popup: one case in full; while it is open the case keys (assign, escalate,
//! transfer, follow-up, reveal and the later steps of its life) act on this case, and its hint
//! offers the steps the case's status allows. Its content is drawn by `detail_lines`, to be
//! replaced by the shared case-detail view model.

use ratatui::crossterm::event::{KeyCode, KeyEvent};
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::Frame;

use super::frame::{big, block, draw};
use super::{PopupComponent, Step};
use crate::domain::text::{mask_id, mask_phone, sanitize, yuan};
use crate::domain::{Lang, Party};
use crate::tui::action::Action;
use crate::tui::snapshot::CaseDetail;
use crate::tui::state::State;
use crate::tui::steps::CaseStep;
use crate::tui::theme::Theme;
use crate::tui::ui::widgets::span;

/// One case in full; `detail` is `None` while loading.
#[derive(Debug, Clone, PartialEq)]
pub struct DetailPopup {
    /// The case being shown.
    pub reference: String,
    /// The loaded detail.
    pub detail: Option<Box<CaseDetail>>,
    /// Lines scrolled.
    pub scroll: u16,
}

impl DetailPopup {
    /// The detail of `reference`, loading.
    pub fn loading(reference: String) -> DetailPopup {
        DetailPopup { reference, detail: None, scroll: 0 }
    }

    /// The keys that act on the shown case.
    pub const CASE_KEYS: &'static [Action] = &[
        Action::Assign,
        Action::Escalate,
        Action::Transfer,
        Action::RecordFollowup,
        Action::Reveal,
        Action::StartMediation,
        Action::RecordOutcome,
        Action::ExtendClock,
        Action::ApplyJudicial,
        Action::ReferOnward,
        Action::CloseCase,
        Action::RecordArrival,
    ];
}

impl PopupComponent for DetailPopup {
    fn title(&self, state: &State) -> String {
        format!("{} {}", state.strings.detail, self.reference)
    }

    /// The keys of what the shown case can take now (the lifecycle decides), then reveal.
    fn hint(&self, state: &State) -> String {
        let mut actions = Vec::new();
        if let Some(d) = &self.detail {
            if d.case.status.is_open() {
                actions.extend([Action::Assign, Action::Escalate]);
            }
            actions.extend(CaseStep::allowed_for(&d.case).iter().map(|s| s.action()));
        }
        actions.push(Action::Reveal);
        let mut parts: Vec<String> = actions
            .iter()
            .map(|a| format!("{} {}", state.keymap.first_key(a), state.strings.action_short(a)))
            .collect();
        parts.push("Esc".into());
        parts.join(" · ")
    }

    fn on_key(&mut self, state: &State, key: KeyEvent) -> Step {
        match (key.code, state.keymap.action_for(&key)) {
            (KeyCode::Esc | KeyCode::Enter, _) | (_, Some(Action::Quit)) => Step::Close,
            (_, Some(Action::Down)) => {
                self.scroll = self.scroll.saturating_add(1);
                Step::Stay
            }
            (_, Some(Action::Up)) => {
                self.scroll = self.scroll.saturating_sub(1);
                Step::Stay
            }
            (_, Some(a)) if Self::CASE_KEYS.contains(&a) => Step::Act(a),
            _ => Step::Stay,
        }
    }

    fn render(&self, frame: &mut Frame<'_>, area: Rect, state: &State, theme: &Theme) {
        let lines = match &self.detail {
            Some(d) => detail_lines(state, theme, d),
            None => vec![Line::from(state.strings.loading)],
        };
        draw(frame, big(area), block(theme, self.title(state), &self.hint(state)), lines, self.scroll, true);
    }
}

fn party_text(p: &Party, revealed: bool) -> String {
    let (phone, id) =
        if revealed { (p.phone.clone(), p.id_no.clone()) } else { (mask_phone(&p.phone), mask_id(&p.id_no)) };
    let mut t = sanitize(&p.name);
    if !phone.is_empty() {
        t.push_str(&format!("  ☎ {}", sanitize(&phone)));
    }
    if !id.is_empty() {
        t.push_str(&format!("  ID {}", sanitize(&id)));
    }
    t
}

fn detail_lines<'a>(state: &State, theme: &Theme, d: &CaseDetail) -> Vec<Line<'a>> {
    let s = state.strings;
    let lang = s.lang;
    let c = &d.case;
    let org = state.snap.as_ref().map(|x| x.org.clone()).unwrap_or_default();
    let name = |zh: &str, en: &str| sanitize(if lang == Lang::Zh { zh } else { en });
    let area = org.area(c.area_id).map(|a| name(&a.name_zh, &a.name_en)).unwrap_or_default();
    let committee = org.committee(c.committee_id).map(|k| name(&k.name_zh, &k.name_en)).unwrap_or_default();
    let lead = c
        .lead_mediator_id
        .and_then(|id| org.mediator(id))
        .map(|m| sanitize(&m.name))
        .unwrap_or_else(|| s.unassigned.to_string());
    let when = |t: chrono::DateTime<chrono::Utc>| state.tz.minutes(t);
    let row =
        |label: &str, value: String| Line::from(vec![span(label, 16, theme.title), Span::raw(" "), Span::raw(value)]);
    let mut risk = c.risk_level.label(lang).to_string();
    for (on, zh, en) in [
        (c.risk_flags.mass, "群体性", "mass"),
        (c.risk_flags.media, "舆情", "media"),
        (c.risk_flags.criminal, "民转刑", "criminal"),
    ] {
        if on {
            risk.push_str(&format!(" · {}", if lang == Lang::Zh { zh } else { en }));
        }
    }
    let clock = state.clocks.state(c.received_at, c.assign_due, state.now);
    let mut lines = vec![
        row(s.f_status, c.status.label(lang).to_string()),
        row(
            s.f_received,
            format!("{} · {} ({})", when(c.received_at), c.source.label(lang), c.source.class().label(lang)),
        ),
        row(s.f_category, format!("{} · {} · {}", c.category.label(lang), c.complexity.label(lang), area)),
        Line::from(vec![
            span(s.f_risk, 16, theme.title),
            Span::raw(" "),
            Span::styled(risk, crate::tui::ui::widgets::risk_style(theme, c.risk_level)),
        ]),
        row(
            s.f_route,
            format!(
                "{} → {committee}{}",
                c.tier.label(lang),
                if c.joint { format!(" · {}", s.joint) } else { String::new() }
            ),
        ),
        row(s.f_lead, lead),
        Line::from(vec![
            span(s.f_assign_due, 16, theme.title),
            Span::raw(" "),
            Span::styled(
                when(c.assign_due),
                if c.status == crate::domain::Status::Received {
                    crate::tui::ui::widgets::clock_style(theme, clock)
                } else {
                    theme.muted
                },
            ),
        ]),
    ];
    if let Some(m) = c.mediation_due {
        let st = state.clocks.state(c.assigned_at.unwrap_or(c.received_at), m, state.now);
        lines.push(Line::from(vec![
            span(s.f_mediation_due, 16, theme.title),
            Span::raw(" "),
            Span::styled(when(m), crate::tui::ui::widgets::clock_style(theme, st)),
        ]));
    }
    lines.push(row(s.f_amount, yuan(c.amount_fen)));
    lines.push(row(s.f_applicant, party_text(&c.applicant, d.revealed)));
    lines.push(row(s.f_respondent, party_text(&c.respondent, d.revealed)));
    if !c.partners.is_empty() {
        lines.push(row(s.f_partners, sanitize(&c.partners.join("、"))));
    }
    lines.push(Line::from(Span::styled(if d.revealed { s.revealed } else { s.masked_hint }, theme.muted)));
    lines.push(Line::from(""));
    lines.push(Line::from(Span::styled(s.f_summary, theme.header)));
    lines.push(Line::from(sanitize(&c.summary)));
    if !d.followups.is_empty() {
        lines.push(Line::from(""));
        lines.push(Line::from(Span::styled(state.strings.followups, theme.header)));
        for f in &d.followups {
            let status = match (f.done_at, f.outcome) {
                (Some(t), Some(o)) => format!("✓ {} {}", when(t), o.label(lang)),
                (Some(t), None) => format!("✓ {}", when(t)),
                (None, _) if f.due < state.now => format!("! {}", s.overdue_word),
                (None, _) => String::new(),
            };
            let style = if f.done_at.is_none() && f.due < state.now { theme.overdue } else { Style::default() };
            lines.push(Line::from(vec![
                Span::raw(format!("  {}  ", when(f.due))),
                Span::styled(status, style),
                Span::raw(format!(" {}", sanitize(&f.note))),
            ]));
        }
    }
    lines.push(Line::from(""));
    lines.push(Line::from(Span::styled(s.audit_trail, theme.header)));
    for e in d.audit.iter().rev().take(12) {
        lines.push(Line::from(Span::styled(
            format!("  {} {} {} {}", when(e.at), sanitize(&e.actor), sanitize(&e.action), sanitize(&e.detail)),
            theme.muted,
        )));
    }
    lines
}

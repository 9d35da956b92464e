//! Popups drawn over the panes: detail, assign, confirm, transfer, intake, follow-up, help,
//! palette and messages.

use ratatui::layout::{Constraint, Flex, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Clear, Paragraph, Wrap};
use ratatui::Frame;

use super::widgets::{cell, page_start, short_duration, span};
use crate::domain::suggest::Suggestion;
use crate::domain::text::{mask_id, mask_phone, sanitize, yuan};
use crate::domain::{Lang, Party};
use crate::tui::action::Action;
use crate::tui::snapshot::CaseDetail;
use crate::tui::state::{FieldKind, Form, Popup, State};
use crate::tui::theme::Theme;

fn centered(area: Rect, w: u16, h: u16) -> Rect {
    let [v] = Layout::vertical([Constraint::Length(h.min(area.height))]).flex(Flex::Center).areas(area);
    let [r] = Layout::horizontal([Constraint::Length(w.min(area.width))]).flex(Flex::Center).areas(v);
    r
}

fn frame_block<'a>(theme: &Theme, title: String, hint: &str) -> Block<'a> {
    Block::bordered()
        .border_type(BorderType::Double)
        .border_style(theme.border_focused)
        .title(Line::from(format!(" {} ", sanitize(&title))).style(theme.title_focused))
        .title_bottom(Line::from(format!(" {hint} ")).style(theme.muted).right_aligned())
}

/// Clears the popup's area, and blanks a wide (CJK) character cut in half by its left edge, so
/// the terminal does not swallow the popup's border.
fn clear(frame: &mut Frame<'_>, area: Rect) {
    use unicode_width::UnicodeWidthStr;
    if area.x > 0 {
        let buf = frame.buffer_mut();
        for y in area.top()..area.bottom() {
            let cell = &mut buf[(area.x - 1, y)];
            if cell.symbol().width() > 1 {
                cell.set_symbol(" ");
            }
        }
    }
    frame.render_widget(Clear, area);
}

fn draw(frame: &mut Frame<'_>, area: Rect, block: Block<'_>, lines: Vec<Line<'_>>, scroll: u16, wrap: bool) {
    clear(frame, area);
    let mut p = Paragraph::new(lines).block(block).scroll((scroll, 0));
    if wrap {
        p = p.wrap(Wrap { trim: false });
    }
    frame.render_widget(p, area);
}

/// Draws the open popup, if any.
pub fn render(frame: &mut Frame<'_>, area: Rect, state: &State, theme: &Theme) {
    let s = state.strings;
    let Some(popup) = &state.popup else { return };
    let big = centered(area, area.width.saturating_sub(8).min(100), area.height.saturating_sub(4));
    match popup {
        Popup::Message { ok, text } => {
            let r = centered(area, 64, 8);
            let title = if *ok { s.done_title } else { s.error_title };
            let style = if *ok { theme.success } else { theme.error };
            draw(
                frame,
                r,
                frame_block(theme, title.into(), s.close_hint),
                vec![Line::from(Span::styled(sanitize(text), style))],
                0,
                true,
            );
        }
        Popup::Confirm { text, .. } => {
            let r = centered(area, 64, 7);
            draw(
                frame,
                r,
                frame_block(theme, s.confirm_title.into(), s.confirm_hint),
                vec![Line::from(sanitize(text))],
                0,
                true,
            );
        }
        Popup::Help { scroll } => {
            let mut lines = Vec::new();
            for a in Action::BINDABLE {
                lines.push(Line::from(vec![
                    Span::styled(cell(&state.keymap.keys_for(a), 18), theme.key),
                    Span::raw(" "),
                    Span::raw(s.action_help(a)),
                ]));
            }
            draw(frame, big, frame_block(theme, s.help_title.into(), s.help_hint), lines, *scroll, false);
        }
        Popup::Report { report, scroll } => {
            let lines = match report {
                Some(r) => report_lines(state, theme, r),
                None => vec![Line::from(s.loading)],
            };
            let title = if s.lang == Lang::Zh { "本期统计" } else { "Statistics" };
            draw(frame, big, frame_block(theme, title.into(), s.help_hint), lines, *scroll, false);
        }
        Popup::Palette { text } => {
            let r = centered(area, area.width.saturating_sub(10).min(90), 5);
            let lines = vec![
                Line::from(Span::styled(format!(":{}▏", sanitize(text)), theme.key)),
                Line::from(Span::styled(s.palette_hint, theme.muted)),
            ];
            draw(frame, r, frame_block(theme, s.palette_title.into(), "Esc"), lines, 0, true);
        }
        Popup::Detail { reference, detail, scroll } => {
            let lines = match detail {
                Some(d) => detail_lines(state, theme, d),
                None => vec![Line::from(s.loading)],
            };
            let hint = format!(
                "{} {} · {} {} · {} {} · Esc",
                state.keymap.first_key(&Action::Assign),
                s.action_short(&Action::Assign),
                state.keymap.first_key(&Action::Escalate),
                s.action_short(&Action::Escalate),
                state.keymap.first_key(&Action::Reveal),
                s.action_short(&Action::Reveal),
            );
            draw(frame, big, frame_block(theme, format!("{} {reference}", s.detail), &hint), lines, *scroll, true);
        }
        Popup::Assign { cases, list, filter, selected } => {
            let title = if cases.len() == 1 {
                format!("{} {}", s.assign_title, cases[0].0)
            } else {
                format!("{} {} × {}", s.assign_title, cases.len(), s.marked)
            };
            let inner_w = usize::from(big.width.saturating_sub(2));
            let mut lines = vec![Line::from(Span::styled(format!("> {}▏", sanitize(filter)), theme.key))];
            match list {
                None => lines.push(Line::from(Span::styled(s.loading_suggestions, theme.muted))),
                Some(l) => {
                    let view = Popup::assign_view(l, filter);
                    if view.is_empty() {
                        lines.push(Line::from(Span::styled(s.no_candidates, theme.muted)));
                    }
                    let visible = usize::from(big.height.saturating_sub(4));
                    let start = page_start(*selected, visible);
                    for (vi, &i) in view.iter().enumerate().skip(start).take(visible) {
                        let mut line = suggestion_line(state, theme, &l[i], inner_w);
                        if vi == *selected {
                            line = line.patch_style(theme.selected);
                        }
                        lines.push(line);
                    }
                }
            }
            draw(frame, big, frame_block(theme, title, s.assign_hint), lines, 0, false);
        }
        Popup::Transfer { case, options, filter, selected } => {
            let mut lines = vec![Line::from(Span::styled(format!("> {}▏", sanitize(filter)), theme.key))];
            let view = Popup::transfer_view(options, filter);
            let visible = usize::from(big.height.saturating_sub(4));
            let start = page_start(*selected, visible);
            for (vi, &i) in view.iter().enumerate().skip(start).take(visible) {
                let (code, label) = &options[i];
                let mut line = Line::from(vec![span(code, 18, theme.key), Span::raw(" "), Span::raw(sanitize(label))]);
                if vi == *selected {
                    line = line.patch_style(theme.selected);
                }
                lines.push(line);
            }
            draw(
                frame,
                big,
                frame_block(theme, format!("{} {}", s.transfer_title, case.0), s.transfer_hint),
                lines,
                0,
                false,
            );
        }
        Popup::Intake(form) => {
            let lines = form_lines(theme, form, usize::from(big.width.saturating_sub(2)));
            draw(frame, big, frame_block(theme, s.intake_title.into(), s.intake_hint), lines, 0, false);
        }
        Popup::Followup { reference, form } => {
            let r = centered(area, 72, 12);
            let lines = form_lines(theme, form, 70);
            draw(
                frame,
                r,
                frame_block(theme, format!("{} {reference}", s.followup_title), s.followup_hint),
                lines,
                0,
                false,
            );
        }
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

fn form_lines<'a>(theme: &Theme, form: &Form, width: usize) -> Vec<Line<'a>> {
    let label_w = 16;
    let mut lines = Vec::new();
    for (i, f) in form.fields.iter().enumerate() {
        let focused = i == form.focus;
        let mut value = sanitize(&f.display());
        if focused && matches!(f.kind, FieldKind::Text(_)) {
            value.push('▏');
        }
        let style = if focused { theme.selected } else { Style::default() };
        lines.push(Line::from(vec![
            span(f.label, label_w, if focused { theme.key } else { theme.title }),
            Span::raw(" "),
            span(&value, width.saturating_sub(label_w + 1), style),
        ]));
        if let Some(e) = &f.error {
            lines.push(Line::from(vec![
                Span::raw(" ".repeat(label_w + 1)),
                Span::styled(format!("✗ {}", sanitize(e)), theme.error),
            ]));
        }
    }
    lines
}

fn suggestion_line<'a>(state: &State, theme: &Theme, sug: &Suggestion, width: usize) -> Line<'a> {
    let s = state.strings;
    let mut reasons = vec![if sug.on_duty { s.reasons_on_duty.to_string() } else { s.reasons_off_duty.to_string() }];
    if sug.specialty_match {
        reasons.push(s.reasons_specialty.into());
    }
    if sug.village_grid_worker {
        reasons.push(s.reasons_grid.into());
    }
    reasons.push(format!("{} {}/{}", s.reasons_load, sug.open, sug.capacity));
    if sug.overdue > 0 {
        reasons.push(format!("{} {}", s.reasons_overdue, sug.overdue));
    }
    reasons.push(match sug.last_assigned {
        Some(t) => format!("{} {}", s.reasons_last, short_duration((state.now - t).num_seconds())),
        None => s.reasons_never.into(),
    });
    let full = sug.would_exceed_capacity();
    Line::from(vec![
        span(&sug.name, 10, if full { theme.bar_full } else { Style::default() }),
        Span::raw(" "),
        span(&reasons.join(" · "), width.saturating_sub(11), if sug.on_duty { theme.muted } else { theme.due_soon }),
    ])
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
    let when = |t: chrono::DateTime<chrono::Utc>| t.with_timezone(&state.tz).format("%Y-%m-%d %H:%M").to_string();
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
            Span::styled(risk, super::widgets::risk_style(theme, c.risk_level)),
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
                    super::widgets::clock_style(theme, clock)
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
            Span::styled(when(m), super::widgets::clock_style(theme, st)),
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

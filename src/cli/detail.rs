//! The human view of one case for `show`: its fields, follow-ups and audit trail, every piece of
//! database text sanitised, phones and id numbers masked unless revealed.

use super::cases::tr;
use super::output::{field, local_time, opt_time};
use crate::domain::text::{mask_id, mask_phone, sanitize, yuan};
use crate::domain::{Case, Lang, Org, Party, RiskFlags};
use crate::error::Result;
use crate::store::Store;

const LABEL: usize = 16;

/// The lines of the detail view.
pub fn case_detail(store: &Store, case: &Case, lang: Lang, reveal: bool) -> Result<Vec<String>> {
    let org = store.org();
    let l = lang;
    let mut v = Vec::new();
    v.push(format!("{}  {}", sanitize(&case.reference), case.status.label(l)));
    v.push(field(
        tr(l, "Received", "受理时间"),
        LABEL,
        &format!("{}  ({})", local_time(case.received_at), case.source.label(l)),
    ));
    v.push(field(tr(l, "Category", "类别"), LABEL, case.category.label(l)));
    v.push(field(tr(l, "Area", "地区"), LABEL, &area_text(org, case.area_id, l)));
    v.push(field(tr(l, "Routed to", "分流"), LABEL, &route_text(org, case, l)));
    let lead = case.lead_mediator_id.and_then(|id| org.mediator(id)).map(|m| m.name.as_str()).unwrap_or("-");
    v.push(field(tr(l, "Lead mediator", "承办调解员"), LABEL, lead));
    v.push(field(tr(l, "Complexity", "复杂程度"), LABEL, case.complexity.label(l)));
    let mut risk = case.risk_level.label(l).to_string();
    if case.risk_flags.any() {
        risk.push_str(&format!("  ({})", flags_text(case.risk_flags, l)));
    }
    v.push(field(tr(l, "Risk", "风险"), LABEL, &risk));
    v.push(field(tr(l, "Applicant", "申请人"), LABEL, &party_text(&case.applicant, reveal)));
    v.push(field(tr(l, "Respondent", "被申请人"), LABEL, &party_text(&case.respondent, reveal)));
    v.push(field(tr(l, "Amount", "涉及金额"), LABEL, &format!("{} 元", yuan(case.amount_fen))));
    if !case.partners.is_empty() {
        v.push(field(tr(l, "Partners", "联合调解"), LABEL, &case.partners.join("; ")));
    }
    v.push(field(tr(l, "Assign by", "分派时限"), LABEL, &local_time(case.assign_due)));
    v.push(field(tr(l, "Mediate by", "调解时限"), LABEL, &opt_time(case.mediation_due)));
    if let Some(done) = case.finished_at {
        let mut text = local_time(done);
        if let Some(a) = case.agreement {
            text.push_str(&format!("  {}", a.label(l)));
        }
        v.push(field(tr(l, "Finished", "办结"), LABEL, &text));
        if case.performance_due.is_some() {
            v.push(field(tr(l, "Perform by", "履行期限"), LABEL, &opt_time(case.performance_due)));
        }
        let yes_no = |b: bool| {
            if b {
                tr(l, "yes", "是")
            } else {
                tr(l, "no", "否")
            }
        };
        v.push(field(tr(l, "Performed", "已履行"), LABEL, yes_no(case.performed)));
        v.push(field(tr(l, "Judicial conf.", "司法确认"), LABEL, yes_no(case.judicial_confirmation)));
    }
    if !case.outcome_note.is_empty() {
        v.push(field(tr(l, "Outcome note", "结果备注"), LABEL, &case.outcome_note));
    }
    v.push(format!("{}:", tr(l, "Summary", "摘要")));
    for line in case.summary.lines() {
        v.push(format!("  {}", sanitize(line)));
    }
    v.push(format!("{}:", tr(l, "Follow-ups", "回访")));
    let followups = store.followups_of(case.id)?;
    if followups.is_empty() {
        v.push("  -".into());
    }
    for f in followups {
        let mut line = format!("  {} {}", tr(l, "due", "应回访"), local_time(f.due));
        match f.done_at {
            Some(done) => {
                line.push_str(&format!("  {} {}", tr(l, "done", "已回访"), local_time(done)));
                if let Some(c) = f.channel {
                    line.push_str(&format!("  {}", c.label(l)));
                }
                if let Some(o) = f.outcome {
                    line.push_str(&format!("  {}", o.label(l)));
                }
                if !f.note.is_empty() {
                    line.push_str(&format!("  {}", sanitize(&f.note)));
                }
            }
            None => line.push_str(&format!("  {}", tr(l, "pending", "待回访"))),
        }
        v.push(line);
    }
    v.push(format!("{}:", tr(l, "Audit trail", "操作记录")));
    let trail = store.audit_of(case.id)?;
    if trail.is_empty() {
        v.push("  -".into());
    }
    for e in trail {
        v.push(format!(
            "  {}  {}  {}  {}",
            local_time(e.at),
            sanitize(&e.actor),
            sanitize(&e.action),
            sanitize(&e.detail)
        ));
    }
    Ok(v)
}

/// The area and its ancestors below the city, e.g. `海勃湾区 新华街道 团结社区 (WH-HBW-01-01)`.
fn area_text(org: &Org, area_id: i64, lang: Lang) -> String {
    let Some(area) = org.area(area_id) else {
        return format!("#{area_id}");
    };
    let mut names: Vec<&str> = org
        .chain(&area.code)
        .into_iter()
        .filter(|a| a.parent.is_some())
        .map(|a| if lang == Lang::Zh { a.name_zh.as_str() } else { a.name_en.as_str() })
        .collect();
    names.reverse();
    format!("{} ({})", names.join(" "), area.code)
}

fn route_text(org: &Org, case: &Case, lang: Lang) -> String {
    let committee = org
        .committee(case.committee_id)
        .map(|c| format!("{} ({})", if lang == Lang::Zh { &c.name_zh } else { &c.name_en }, c.code))
        .unwrap_or_else(|| format!("#{}", case.committee_id));
    let mut s = format!("{} · {committee}", case.tier.label(lang));
    if case.joint {
        s.push_str(tr(lang, " · joint office (四所一庭)", " · 四所一庭联合调解"));
    }
    s
}

fn flags_text(f: RiskFlags, lang: Lang) -> String {
    let mut v = Vec::new();
    if f.mass {
        v.push(tr(lang, "mass incident", "群体性"));
    }
    if f.media {
        v.push(tr(lang, "media", "舆情"));
    }
    if f.criminal {
        v.push(tr(lang, "turning criminal", "民转刑"));
    }
    v.join(", ")
}

/// Name, phone and id number of a party; the last two masked unless revealed.
fn party_text(p: &Party, reveal: bool) -> String {
    if p.name.is_empty() && p.phone.is_empty() && p.id_no.is_empty() {
        return "-".into();
    }
    let mut parts = vec![p.name.clone()];
    if !p.phone.is_empty() {
        parts.push(if reveal { p.phone.clone() } else { mask_phone(&p.phone) });
    }
    if !p.id_no.is_empty() {
        parts.push(if reveal { p.id_no.clone() } else { mask_id(&p.id_no) });
    }
    parts.join("  ")
}

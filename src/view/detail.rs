//! The case detail as a [`View`]: its fields, follow-ups and audit trail; phones and id numbers
//! masked unless revealed.

use chrono::{DateTime, Utc};

use super::{Block, Term, View};
use crate::domain::audit::AuditEvent;
use crate::domain::case::Followup;
use crate::domain::text::{mask_id, mask_phone, sanitize, yuan};
use crate::domain::{Case, Lang, Org, Party, RiskFlags};

/// What the detail shows besides the case itself.
#[derive(Debug, Clone, Copy)]
pub struct DetailInput<'a> {
    /// The organisation (areas, committees, mediators).
    pub org: &'a Org,
    /// The case's follow-ups, in due order.
    pub followups: &'a [Followup],
    /// The case's audit trail, oldest first.
    pub trail: &'a [AuditEvent],
    /// Language.
    pub lang: Lang,
    /// Show phones and id numbers in full.
    pub reveal: bool,
}

/// Builds the detail of `case`; `when` formats a time (local time, to the minute).
pub fn case_detail(case: &Case, input: DetailInput<'_>, when: &dyn Fn(DateTime<Utc>) -> String) -> View {
    let DetailInput { org, followups, trail, lang: l, reveal } = input;
    let mut v = View::default();
    v.blocks.push(Block::Title(format!("{}  {}", sanitize(&case.reference), case.status.label(l))));
    v.field(Term::Received, format!("{}  ({})", when(case.received_at), case.source.label(l)));
    v.field(Term::Category, case.category.label(l));
    v.field(Term::Area, area_text(org, case.area_id, l));
    v.field(Term::Route, route_text(org, case, l));
    let lead = case.lead_mediator_id.and_then(|id| org.mediator(id)).map(|m| m.name.as_str()).unwrap_or("-");
    v.field(Term::Lead, lead);
    v.field(Term::Complexity, case.complexity.label(l));
    let mut risk = case.risk_level.label(l).to_string();
    if case.risk_flags.any() {
        risk.push_str(&format!("  ({})", flags_text(case.risk_flags, l)));
    }
    v.field(Term::Risk, risk);
    v.field(Term::Applicant, party_text(&case.applicant, reveal));
    v.field(Term::Respondent, party_text(&case.respondent, reveal));
    v.field(Term::Amount, format!("{} {}", yuan(case.amount_fen), Term::Yuan.word(l)));
    if !case.partners.is_empty() {
        v.field(Term::Partners, case.partners.join("; "));
    }
    v.field(Term::AssignDue, when(case.assign_due));
    v.field(Term::MediationDue, case.mediation_due.map(when).unwrap_or_else(|| "-".into()));
    if let Some(at) = case.mediation_started_at {
        v.field(Term::MediationStarted, format!("{}  {}  {}", when(at), case.session_place, case.session_mediators));
    }
    if case.extended_days > 0 {
        v.field(Term::Extended, format!("{} {}", case.extended_days, Term::Days.word(l)));
    }
    if let Some(done) = case.finished_at {
        let mut text = when(done);
        if let Some(a) = case.agreement {
            text.push_str(&format!("  {}", a.label(l)));
        }
        v.field(Term::Finished, text);
        if let Some(due) = case.performance_due {
            v.field(Term::PerformanceDue, when(due));
        }
        let yes_no = |b: bool| if b { Term::Yes.word(l) } else { Term::No.word(l) };
        v.field(Term::Performed, yes_no(case.performed));
        let mut jc = yes_no(case.judicial_confirmation).to_string();
        if let Some(at) = case.judicial_applied_at {
            jc.push_str(&format!("  {}  {}", when(at), case.judicial_court));
        }
        v.field(Term::JudicialConfirmation, jc);
        if let Some(fen) = case.amount_agreed_fen {
            v.field(Term::AmountAgreed, format!("{} {}", yuan(fen), Term::Yuan.word(l)));
        }
        if let Some(r) = case.told_route {
            v.field(Term::ToldRoute, r.label(l));
        }
        if let (Some(kind), Some(at)) = (case.referred_to, case.referred_at) {
            v.field(Term::Referred, format!("{}  {}  {}", kind.label(l), case.referred_body, when(at)));
        }
    }
    if !case.outcome_note.is_empty() {
        v.field(Term::OutcomeNote, &case.outcome_note);
    }
    v.section(Term::Summary);
    for line in case.summary.lines() {
        v.item(line);
    }
    v.section(Term::Followups);
    if followups.is_empty() {
        v.item("-");
    }
    for f in followups {
        let mut line = format!("{} {}", Term::FollowupDue.word(l), when(f.due));
        match f.done_at {
            Some(done) => {
                line.push_str(&format!("  {} {}", Term::FollowupDone.word(l), when(done)));
                if let Some(c) = f.channel {
                    line.push_str(&format!("  {}", c.label(l)));
                }
                if let Some(o) = f.outcome {
                    line.push_str(&format!("  {}", o.label(l)));
                }
                if !f.note.is_empty() {
                    line.push_str(&format!("  {}", f.note));
                }
            }
            None => line.push_str(&format!("  {}", Term::FollowupPending.word(l))),
        }
        v.item(line);
    }
    v.blocks.extend(super::audit::trail(org, trail, l, when).blocks);
    v
}

/// The area and its ancestors below the city, e.g. `海勃湾区 新华街道 团结社区 (WH-HBW-01-01)`.
pub fn area_text(org: &Org, area_id: i64, lang: Lang) -> String {
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

/// The tier and committee a case is routed to, and whether the joint office takes it.
pub fn route_text(org: &Org, case: &Case, lang: Lang) -> String {
    let committee = org
        .committee(case.committee_id)
        .map(|c| format!("{} ({})", if lang == Lang::Zh { &c.name_zh } else { &c.name_en }, c.code))
        .unwrap_or_else(|| format!("#{}", case.committee_id));
    let mut s = format!("{} · {committee}", case.tier.label(lang));
    if case.joint {
        s.push_str(&format!(" · {}", Term::JointOffice.word(lang)));
    }
    s
}

fn flags_text(f: RiskFlags, lang: Lang) -> String {
    let zh = lang == Lang::Zh;
    let mut v = Vec::new();
    if f.mass {
        v.push(if zh { "群体性" } else { "mass incident" });
    }
    if f.media {
        v.push(if zh { "舆情" } else { "media" });
    }
    if f.criminal {
        v.push(if zh { "民转刑" } else { "turning criminal" });
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

//! Write commands on one case: `assign`, `escalate`, `transfer`, `followup` (the life-cycle
//! commands are in `life.rs`).

use chrono::Utc;

use super::args::{AssignArgs, EscalateArgs, FollowupArgs, TransferArgs};
use super::output::Out;
use super::Context;
use crate::domain::aftercare::ItemStatus;
use crate::domain::bounds;
use crate::domain::text::sanitize;
use crate::domain::{Case, Lang, Org};
use crate::error::{Error, Result};
use crate::ingest::record::CaseRecord;
use crate::msg;
use crate::store::{Expect, FollowupRecord, Store};

fn say(line: &str) -> Result<()> {
    let mut out = Out::new();
    out.line(line)?;
    out.flush()
}

/// The outcome of a write: the case as one JSON record (masked) with `--json`, else the line.
fn done(json: bool, case: &Case, store: &Store, line: impl FnOnce() -> String) -> Result<()> {
    if !json {
        return say(&line());
    }
    let mut out = Out::new();
    out.json_pretty(&CaseRecord::from_case(case, store.org()?, store.policy().office.time_zone, false))?;
    out.flush()
}

/// `tier · committee name (code)` of where a case now sits.
fn place(org: &Org, case: &Case, lang: Lang) -> String {
    let committee = org
        .committee(case.committee_id)
        .map(|c| format!("{} ({})", if lang == Lang::Zh { &c.name_zh } else { &c.name_en }, c.code))
        .unwrap_or_default();
    sanitize(&format!("{} · {committee}", case.tier.label(lang)))
}

/// `assign REF MEDIATOR [--if-unassigned] [--force]`.
pub fn assign(ctx: &Context, a: &AssignArgs) -> Result<()> {
    let mut store = ctx.open_for_write()?;
    let mediator = store.find_mediator(&a.mediator)?.clone();
    let expect = if a.if_unassigned { Expect::Unassigned } else { Expect::Latest };
    let case = store.assign(&a.reference, mediator.id, expect, a.force, Utc::now())?;
    done(a.json, &case, &store, || {
        let (r, name, id) = (sanitize(&case.reference), sanitize(&mediator.name), mediator.id);
        let by = super::output::opt_time(store.policy().office.time_zone, case.mediation_due);
        msg!("{r}: assigned to {name} (#{id}), mediate by {by}", "{r}：已分派给 {name}（#{id}），调解截止 {by}")
            .get(ctx.lang)
            .to_string()
    })
}

/// `escalate REF --reason TEXT`.
pub fn escalate(ctx: &Context, a: &EscalateArgs) -> Result<()> {
    let mut store = ctx.open_for_write()?;
    let case = store.escalate(&a.reference, &a.reason, Expect::Latest, Utc::now())?;
    let org = store.org()?;
    done(a.json, &case, &store, || {
        let (r, to) = (sanitize(&case.reference), place(org, &case, ctx.lang));
        msg!("{r}: escalated to {to}; unassigned", "{r}：已上报至 {to}；待分派").get(ctx.lang).to_string()
    })
}

/// `transfer REF COMMITTEE`.
pub fn transfer(ctx: &Context, a: &TransferArgs) -> Result<()> {
    let mut store = ctx.open_for_write()?;
    let case = store.transfer(&a.reference, &a.committee, Expect::Latest, Utc::now())?;
    let org = store.org()?;
    done(a.json, &case, &store, || {
        let (r, to) = (sanitize(&case.reference), place(org, &case, ctx.lang));
        msg!("{r}: transferred to {to}; unassigned", "{r}：已转至 {to}；待分派").get(ctx.lang).to_string()
    })
}

/// `followup REF --outcome ... [--channel ...] [--by NAME] [--note ...]`: says what the visit
/// scheduled (the next visit, a rectification item) and whether the case closed.
pub fn followup(ctx: &Context, a: &FollowupArgs) -> Result<()> {
    if let Some(e) = bounds::check_note("note", &a.note) {
        return Err(Error::Invalid(
            crate::error::Msg::from(&e).then(crate::msg!("; nothing was changed", "；未作任何更改")),
        ));
    }
    let mut store = ctx.open_for_write()?;
    let record =
        FollowupRecord { channel: a.channel, outcome: a.outcome, note: a.note.clone(), visitor: a.visitor.clone() };
    let seen = Expect::Version(store.case_by_ref(&a.reference)?.version);
    let case = store.record_followup(&a.reference, &record, seen, Utc::now())?;
    let l = ctx.lang;
    let (r, outcome, status) = (sanitize(&case.reference), a.outcome.label(l), case.status.label(l));
    let mut line =
        msg!("{r}: follow-up recorded ({outcome}); status {status}", "{r}：已记录回访（{outcome}）；状态 {status}")
            .get(l)
            .to_string();
    let tz = store.policy().office.time_zone;
    if let Some(next) = store.followups_of(case.id)?.iter().find(|f| f.done_at.is_none()) {
        let due = tz.minutes(next.due);
        line.push_str(msg!("; next visit {due}", "；下次回访 {due}").get(l));
    }
    for item in store.rectify_items_of(case.id)?.iter().filter(|i| i.status == ItemStatus::Open) {
        let (id, due) = (item.id, tz.minutes(item.due));
        line.push_str(msg!("; rectification item #{id} open, due {due}", "；整改事项 #{id} 待办，期限 {due}").get(l));
    }
    done(a.json, &case, &store, || line)
}

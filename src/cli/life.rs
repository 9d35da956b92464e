//! The life-cycle commands: `mediate`, `fail`, `withdraw`, `extend`, `judicial`, `refer`,
//! `close` (and the richer `resolve`). Each reads the case's version first (or takes
//! `--if-version V`), so a change by someone else in between is a conflict (exit 3); each prints
//! one line, or the case record with `--json`.

use chrono::Utc;

use super::args::{
    CloseArgs, ExtendArgs, FailArgs, JudicialArgs, MediateArgs, ReferArgs, ResolveArgs, WithdrawArgs, WriteOpts,
};
use super::output::{opt_time, typed_time, Out};
use super::Context;
use crate::domain::text::sanitize;
use crate::domain::{Case, Status};
use crate::error::Result;
use crate::ingest::record::{parse_partners, CaseRecord};
use crate::msg;
use crate::store::{Expect, OutcomeRecord, Referral, Session, Store};

/// The version the write expects: `--if-version`, else the one read now.
fn expect(store: &Store, reference: &str, w: &WriteOpts) -> Result<Expect> {
    Ok(Expect::Version(match w.if_version {
        Some(v) => v,
        None => store.case_by_ref(reference)?.version,
    }))
}

/// Prints the case as a record (`--json`) or `REF: line`.
fn done(store: &Store, case: &Case, w: &WriteOpts, line: &str) -> Result<()> {
    let mut out = Out::new();
    if w.json {
        out.json_pretty(&CaseRecord::from_case(case, store.org()?, store.policy().office.time_zone, false))?;
    } else {
        out.line(&format!("{}: {}", sanitize(&case.reference), sanitize(line)))?;
    }
    out.flush()
}

/// `mediate REF --place P [--date D] [--mediators A;B]`.
pub fn mediate(ctx: &Context, a: &MediateArgs) -> Result<()> {
    let mut store = ctx.open_for_write()?;
    let seen = expect(&store, &a.reference, &a.write)?;
    let now = Utc::now();
    let at = typed_time(store.policy().office.time_zone, a.date.as_deref(), "--date")?;
    let session = Session { at: at.unwrap_or(now), place: a.place.clone(), mediators: parse_partners(&a.mediators) };
    let case = store.start_mediation(&a.reference, &session, seen, now)?;
    let line = format!("{} ({}, {})", case.status.label(ctx.lang), case.session_place, case.session_mediators);
    done(&store, &case, &a.write, &line)
}

/// `resolve REF --outcome resolved|failed|withdrawn [...]`.
pub fn resolve(ctx: &Context, a: &ResolveArgs) -> Result<()> {
    let tz = ctx.open()?.policy().office.time_zone;
    let outcome = OutcomeRecord {
        agreement: a.agreement,
        amount_agreed_fen: a.amount_agreed,
        performance_due: typed_time(tz, a.performance_due.as_deref(), "--performance-due")?,
        on_the_spot: a.on_the_spot,
        told_route: a.route,
        ..OutcomeRecord::plain(a.outcome, &a.note)
    };
    finish(ctx, &a.reference, &outcome, &a.write)
}

/// `fail REF --reason TEXT --route ROUTE`.
pub fn fail(ctx: &Context, a: &FailArgs) -> Result<()> {
    if a.reason.trim().is_empty() {
        return Err(crate::error::Error::refused("reason", crate::msg!("is required", "必须填写")));
    }
    let outcome = OutcomeRecord { told_route: Some(a.route), ..OutcomeRecord::plain(Status::Failed, &a.reason) };
    finish(ctx, &a.reference, &outcome, &a.write)
}

/// `withdraw REF [--note TEXT]`.
pub fn withdraw(ctx: &Context, a: &WithdrawArgs) -> Result<()> {
    finish(ctx, &a.reference, &OutcomeRecord::plain(Status::Withdrawn, &a.note), &a.write)
}

fn finish(ctx: &Context, reference: &str, outcome: &OutcomeRecord, w: &WriteOpts) -> Result<()> {
    let mut store = ctx.open_for_write()?;
    let seen = expect(&store, reference, w)?;
    let case = store.record_outcome(reference, outcome, seen, Utc::now())?;
    let followups = store.followups_of(case.id)?.iter().filter(|f| f.done_at.is_none()).count();
    let mut line = case.status.label(ctx.lang).to_string();
    if let Some(agreement) = case.agreement {
        line.push_str(&format!(" ({})", agreement.label(ctx.lang)));
    }
    let l = ctx.lang;
    if outcome.on_the_spot {
        line.push_str(msg!("; performed on the spot", "；已当场履行").get(l));
    }
    if let Some(route) = case.told_route {
        let route = route.label(l);
        line.push_str(msg!("; parties told: {route}", "；已告知当事人：{route}").get(l));
    }
    if followups > 0 {
        line.push_str(msg!("; {followups} follow-up(s) scheduled", "；已安排 {followups} 次回访").get(l));
    }
    done(&store, &case, w, &line)
}

/// `extend REF --consent parties|court --days N`.
pub fn extend(ctx: &Context, a: &ExtendArgs) -> Result<()> {
    let mut store = ctx.open_for_write()?;
    let seen = expect(&store, &a.reference, &a.write)?;
    let case = store.extend(&a.reference, a.consent, a.days, seen, Utc::now())?;
    let by = opt_time(store.policy().office.time_zone, case.mediation_due);
    let line = match ctx.lang {
        crate::domain::Lang::Zh => format!("调解期限延长{}天（{}）；调解截止 {by}", a.days, a.consent.label(ctx.lang)),
        crate::domain::Lang::En => {
            format!("mediation clock extended by {} day(s) ({}); mediate by {by}", a.days, a.consent.label(ctx.lang))
        }
    };
    done(&store, &case, &a.write, &line)
}

/// `judicial REF --court NAME [--date D]`.
pub fn judicial(ctx: &Context, a: &JudicialArgs) -> Result<()> {
    let mut store = ctx.open_for_write()?;
    let seen = expect(&store, &a.reference, &a.write)?;
    let now = Utc::now();
    let at = typed_time(store.policy().office.time_zone, a.date.as_deref(), "--date")?;
    let case = store.apply_judicial(&a.reference, at.unwrap_or(now), &a.court, seen, now)?;
    let (court, when) = (&case.judicial_court, opt_time(store.policy().office.time_zone, case.judicial_applied_at));
    let line = msg!("judicial confirmation applied for at {court} ({when})", "已向{court}申请司法确认（{when}）")
        .get(ctx.lang)
        .to_string();
    done(&store, &case, &a.write, &line)
}

/// `refer REF --to KIND --body NAME [--date D]`.
pub fn refer(ctx: &Context, a: &ReferArgs) -> Result<()> {
    let mut store = ctx.open_for_write()?;
    let seen = expect(&store, &a.reference, &a.write)?;
    let now = Utc::now();
    let at = typed_time(store.policy().office.time_zone, a.date.as_deref(), "--date")?;
    let referral = Referral { kind: a.to, body: a.body.clone(), at: at.unwrap_or(now) };
    let case = store.refer(&a.reference, &referral, seen, now)?;
    let (body, kind) = (&case.referred_body, a.to.label(ctx.lang));
    let line = msg!("referred to {body} ({kind})", "已移送{body}（{kind}）").get(ctx.lang).to_string();
    done(&store, &case, &a.write, &line)
}

/// `close REF`.
pub fn close(ctx: &Context, a: &CloseArgs) -> Result<()> {
    let mut store = ctx.open_for_write()?;
    let seen = expect(&store, &a.reference, &a.write)?;
    let case = store.close(&a.reference, seen, Utc::now())?;
    done(&store, &case, &a.write, case.status.label(ctx.lang))
}

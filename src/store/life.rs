//! The rest of a case's life as store commands (issue 8): start mediation, record the outcome,
//! extend the mediation clock, apply for judicial confirmation, refer a failed case onward and
//! close. Each is one IMMEDIATE transaction: the case is read, the expected version checked, the
//! event checked against `domain::lifecycle::TRANSITIONS` (an illegal one says what is allowed),
//! the guard checked, `UPDATE … WHERE id = ? AND version = ?` (0 rows = conflict) and one audit
//! event appended.

use chrono::{DateTime, Duration, Utc};
use rusqlite::params;
use serde_json::json;

use super::commands::{audit, load_for_update, step, Expect};
use super::sql::ts;
use super::{Store, WriteTx};
use crate::domain::lifecycle::{finishing_event, rule};
use crate::domain::text::find_hostile;
use crate::domain::{AgreementForm, Case, Event, ExtensionConsent, ReferralKind, Status, ToldRoute};
use crate::error::{Error, Result};

/// How far into the future a typed date may be (clock skew between desks).
const SKEW_MINUTES: i64 = 5;

/// The first mediation session, as `mediate REF` or the desk's form records it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    /// When it was held.
    pub at: DateTime<Utc>,
    /// Where.
    pub place: String,
    /// The mediators present (names).
    pub mediators: Vec<String>,
}

/// How mediation ended, as `resolve`/`fail`/`withdraw` or the desk's outcome form records it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutcomeRecord {
    /// Resolved, failed or withdrawn.
    pub status: Status,
    /// The agreement's form when resolved (written when not given).
    pub agreement: Option<AgreementForm>,
    /// The amount agreed, in fen, when resolved.
    pub amount_agreed_fen: Option<i64>,
    /// The agreed performance date, when resolved.
    pub performance_due: Option<DateTime<Utc>>,
    /// Performed on the spot (no performance date), when resolved.
    pub on_the_spot: bool,
    /// The route the parties were told, when failed.
    pub told_route: Option<ToldRoute>,
    /// The note; for a failure, the reason.
    pub note: String,
}

impl OutcomeRecord {
    /// Just the status and a note (the older `resolve --outcome` contract).
    pub fn plain(status: Status, note: &str) -> OutcomeRecord {
        OutcomeRecord {
            status,
            agreement: None,
            amount_agreed_fen: None,
            performance_due: None,
            on_the_spot: false,
            told_route: None,
            note: note.to_string(),
        }
    }

    /// The first thing that does not fit the outcome, if any.
    fn check(&self) -> Result<()> {
        // The note goes through the one free-text validator, whatever entry wrote it.
        if let Some(e) = crate::domain::bounds::check_note("note", &self.note) {
            return Err(Error::Invalid(
                crate::error::Msg::from(&e).then(crate::msg!("; nothing was changed", "；未作任何更改")),
            ));
        }
        let resolved = self.status == Status::Resolved;
        let bad = |field: &str, why: crate::error::Msg| Err(Error::refused(field, why));
        if !resolved && (self.agreement.is_some() || self.amount_agreed_fen.is_some() || self.on_the_spot) {
            return bad(
                "agreement",
                crate::msg!(
                    "only an agreement (outcome resolved) has a form, an amount or performance",
                    "只有达成协议（结果为调解成功）才有协议形式、金额或履行"
                ),
            );
        }
        if !resolved && self.performance_due.is_some() {
            return bad(
                "performance_due",
                crate::msg!(
                    "only an agreement (outcome resolved) has a performance date",
                    "只有达成协议（结果为调解成功）才有履行期限"
                ),
            );
        }
        if self.on_the_spot && self.performance_due.is_some() {
            return bad(
                "on_the_spot",
                crate::msg!(
                    "an agreement performed on the spot has no later performance date",
                    "当场履行的协议没有之后的履行期限"
                ),
            );
        }
        if self.amount_agreed_fen.is_some_and(|a| a < 0) {
            return bad("amount_agreed", crate::msg!("cannot be negative", "不能为负数"));
        }
        if self.status != Status::Failed && self.told_route.is_some() {
            return bad(
                "route",
                crate::msg!(
                    "only a failure (outcome failed) tells the parties a route",
                    "只有调解不成（结果为调解失败）才告知当事人其他途径"
                ),
            );
        }
        text_ok("note", &self.note, true)
    }
}

/// An onward referral of a failed case, as `refer REF` or the desk's form records it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Referral {
    /// The kind of receiving body.
    pub kind: ReferralKind,
    /// Its name.
    pub body: String,
    /// When the case was handed over.
    pub at: DateTime<Utc>,
}

/// Refuses control characters (and, unless `multiline`, line breaks) in a typed text.
fn text_ok(field: &str, value: &str, multiline: bool) -> Result<()> {
    match find_hostile(value, multiline) {
        Some(c) => Err(Error::refused(
            field,
            crate::msg!("contains the control character U+{:04X}", "含有控制字符 U+{:04X}"; c as u32),
        )),
        None => Ok(()),
    }
}

/// Refuses an empty (or blank) required text.
fn required(field: &str, value: &str) -> Result<()> {
    if value.trim().is_empty() {
        return Err(Error::refused(field, crate::msg!("is required", "必须填写")));
    }
    text_ok(field, value, false)
}

/// Refuses a date in the future or before `not_before` (named `since`).
/// `since` names what `not_before` is, (English, Chinese).
fn date_ok(
    field: &str,
    at: DateTime<Utc>,
    not_before: DateTime<Utc>,
    since: (&str, &str),
    now: DateTime<Utc>,
) -> Result<()> {
    if at > now + Duration::minutes(SKEW_MINUTES) {
        return Err(Error::refused(field, crate::msg!("is in the future", "在将来")));
    }
    if at < not_before {
        let ((en, zh), at) = (since, not_before.format("%Y-%m-%d %H:%M UTC"));
        return Err(Error::refused(field, crate::msg!("is before {en} ({at})", "早于{zh}（{at}）")));
    }
    Ok(())
}

/// The conflict when the guarded UPDATE touched no row.
fn updated(n: usize, case: &Case) -> Result<()> {
    if n == 0 {
        return Err(Error::Conflict(crate::msg!(
            "{} was changed by someone else; nothing was overwritten",
            "{} 已被他人修改；未覆盖任何内容";
            case.reference
        )));
    }
    Ok(())
}

impl Store {
    /// Ends a life-cycle command: its audit event `action` with `detail`, the commit, and the
    /// case as it is now.
    fn commit_event(
        &self,
        tx: WriteTx<'_>,
        case: &Case,
        action: &str,
        detail: serde_json::Value,
        now: DateTime<Utc>,
    ) -> Result<Case> {
        audit(&tx, now, &self.actor, action, Some(case.id), &detail)?;
        tx.commit()?;
        self.case_by_id(case.id)
    }

    /// Opens the transaction, reads the case, checks the expected version and the event against
    /// the life-cycle table; returns the transaction, the case and the status it moves to.
    fn begin_event(&self, reference: &str, expect: Expect, event: Event) -> Result<(WriteTx<'_>, Case, Status)> {
        self.writable()?;
        let tx = self.begin()?;
        let case = load_for_update(&tx, reference)?;
        self.check_expect(&tx, &case, expect)?;
        let to = step(&case, event)?;
        Ok((tx, case, to))
    }

    /// Records the first mediation session: the case becomes mediating.
    pub fn start_mediation(
        &mut self,
        reference: &str,
        session: &Session,
        expect: Expect,
        now: DateTime<Utc>,
    ) -> Result<Case> {
        required("place", &session.place)?;
        for m in &session.mediators {
            text_ok("mediators", m, false)?;
        }
        let (tx, case, to) = self.begin_event(reference, expect, Event::StartMediation)?;
        date_ok("date", session.at, case.received_at, ("the case was received", "收案"), now)?;
        let lead = self.mediator_name(case.lead_mediator_id)?;
        let mut present: Vec<String> = session.mediators.iter().map(|m| m.trim().to_string()).collect();
        present.retain(|m| !m.is_empty());
        if present.is_empty() {
            present.extend(lead.clone());
        }
        let n = tx.execute(
            "UPDATE cases SET status = ?1, mediation_started_at = ?2, session_place = ?3, session_mediators = ?4, \
             version = version + 1 WHERE id = ?5 AND version = ?6",
            params![to.code(), ts(session.at), session.place.trim(), present.join(";"), case.id, case.version],
        )?;
        updated(n, &case)?;
        self.commit_event(
            tx,
            &case,
            "mediate",
            json!({"at": ts(session.at), "place": session.place.trim(), "mediators": present}),
            now,
        )
    }

    /// Records how mediation ended: an agreement (form, amount, performance date or performed on
    /// the spot), a failure (reason, the route the parties were told) or a withdrawal. An
    /// agreement gets its follow-ups scheduled.
    pub fn record_outcome(
        &mut self,
        reference: &str,
        outcome: &OutcomeRecord,
        expect: Expect,
        now: DateTime<Utc>,
    ) -> Result<Case> {
        let Some(event) = finishing_event(outcome.status) else {
            return Err(Error::Usage(crate::msg!(
                "an outcome is resolved, failed or withdrawn",
                "结果只能是 resolved（成功）、failed（不成）或 withdrawn（撤回）"
            )));
        };
        outcome.check()?;
        let (tx, case, status) = self.begin_event(reference, expect, event)?;
        if case.lead_mediator_id.is_none() && rule(status).led {
            return Err(Error::Invalid(crate::msg!(
                "{} has no lead mediator yet; assign it first",
                "{} 尚无主办调解员；请先分派";
                case.reference
            )));
        }
        let resolved = status == Status::Resolved;
        let agreement = resolved.then(|| outcome.agreement.unwrap_or(AgreementForm::Written));
        let n = tx.execute(
            "UPDATE cases SET status = ?1, finished_at = ?2, agreement = ?3, performance_due = ?4, \
             outcome_note = ?5, amount_agreed_fen = ?6, performed = ?7, told_route = ?8, \
             version = version + 1 WHERE id = ?9 AND version = ?10",
            params![
                status.code(),
                ts(now),
                agreement.map(|a| a.code()),
                outcome.performance_due.map(ts),
                outcome.note,
                outcome.amount_agreed_fen,
                case.performed || outcome.on_the_spot,
                outcome.told_route.map(|r| r.code()),
                case.id,
                case.version
            ],
        )?;
        updated(n, &case)?;
        if resolved {
            for due in self.policy.clocks.followups(now, outcome.performance_due, case.complexity) {
                tx.execute("INSERT INTO followups (case_id, due) VALUES (?1, ?2)", params![case.id, ts(due)])?;
            }
        }
        self.commit_event(
            tx,
            &case,
            "finish",
            json!({
                "status": status.code(), "agreement": agreement.map(|a| a.code()),
                "amount_agreed_fen": outcome.amount_agreed_fen, "on_the_spot": outcome.on_the_spot,
                "route": outcome.told_route.map(|r| r.code()),
                "performance_due": outcome.performance_due.map(ts),
            }),
            now,
        )
    }

    /// Extends the mediation clock by `days` with `consent`, within the statutory limits
    /// ([`crate::domain::Clocks::extend`]).
    pub fn extend(
        &mut self,
        reference: &str,
        consent: ExtensionConsent,
        days: i64,
        expect: Expect,
        now: DateTime<Utc>,
    ) -> Result<Case> {
        let (tx, case, to) = self.begin_event(reference, expect, Event::Extend)?;
        let current = case.mediation_due.ok_or_else(|| {
            Error::Invalid(crate::msg!(
                "{} has no mediation clock running; nothing was changed",
                "{} 没有正在计时的调解期限；未作任何更改";
                case.reference
            ))
        })?;
        let due = self
            .policy
            .clocks
            .extend(case.received_at, current, case.source, consent, days, case.extended_days)
            .map_err(|e| Error::refused("days", crate::msg!("{e}; nothing was changed", "{e}；未作任何更改")))?;
        let n = tx.execute(
            "UPDATE cases SET status = ?1, mediation_due = ?2, extended_days = extended_days + ?3, \
             version = version + 1 WHERE id = ?4 AND version = ?5",
            params![to.code(), ts(due), days, case.id, case.version],
        )?;
        updated(n, &case)?;
        self.commit_event(
            tx,
            &case,
            "extend",
            json!({"consent": consent.code(), "days": days, "from": ts(current), "to": ts(due)}),
            now,
        )
    }

    /// Records the parties' application for judicial confirmation (司法确认) of the agreement:
    /// at most once, within the window after the agreement.
    pub fn apply_judicial(
        &mut self,
        reference: &str,
        at: DateTime<Utc>,
        court: &str,
        expect: Expect,
        now: DateTime<Utc>,
    ) -> Result<Case> {
        required("court", court)?;
        let (tx, case, to) = self.begin_event(reference, expect, Event::ApplyJudicial)?;
        if let Some(applied) = case.judicial_applied_at.filter(|_| case.judicial_confirmation) {
            return Err(Error::Invalid(crate::msg!(
                "{} already has an application for judicial confirmation ({}); nothing was changed",
                "{} 已申请司法确认（{}）；未作任何更改";
                case.reference,
                applied.format("%Y-%m-%d")
            )));
        }
        let agreed = case.finished_at.unwrap_or(case.received_at);
        date_ok("date", at, agreed, ("the agreement", "达成协议"), now)?;
        let window = self.policy.clocks.judicial_confirmation_due(agreed);
        if at > window {
            return Err(Error::refused(
                "date",
                crate::msg!(
                    "the {}-day window for judicial confirmation closed on {}; nothing was changed",
                    "申请司法确认的 {} 天期限已于 {} 届满；未作任何更改";
                    self.policy.clocks.judicial_confirmation_days,
                    window.format("%Y-%m-%d %H:%M UTC")
                ),
            ));
        }
        let n = tx.execute(
            "UPDATE cases SET status = ?1, judicial_confirmation = 1, judicial_applied_at = ?2, judicial_court = ?3, \
             version = version + 1 WHERE id = ?4 AND version = ?5",
            params![to.code(), ts(at), court.trim(), case.id, case.version],
        )?;
        updated(n, &case)?;
        self.commit_event(tx, &case, "judicial", json!({"at": ts(at), "court": court.trim()}), now)
    }

    /// Refers a failed case onward to a receiving body (court, arbitration, police,
    /// administrative); once.
    pub fn refer(&mut self, reference: &str, referral: &Referral, expect: Expect, now: DateTime<Utc>) -> Result<Case> {
        required("body", &referral.body)?;
        let (tx, case, to) = self.begin_event(reference, expect, Event::Refer)?;
        if let Some(kind) = case.referred_to {
            let (en, zh) = (kind.en().to_lowercase(), kind.zh());
            return Err(Error::Invalid(crate::msg!(
                "{} was already referred to {} ({en}); nothing was changed",
                "{} 已移送至{}（{zh}）；未作任何更改";
                case.reference,
                case.referred_body
            )));
        }
        let failed_at = case.finished_at.unwrap_or(case.received_at);
        date_ok("date", referral.at, failed_at, ("mediation ended", "调解终止"), now)?;
        let n = tx.execute(
            "UPDATE cases SET status = ?1, referred_to = ?2, referred_body = ?3, referred_at = ?4, \
             version = version + 1 WHERE id = ?5 AND version = ?6",
            params![to.code(), referral.kind.code(), referral.body.trim(), ts(referral.at), case.id, case.version],
        )?;
        updated(n, &case)?;
        self.commit_event(
            tx,
            &case,
            "refer",
            json!({"to": referral.kind.code(), "body": referral.body.trim(), "at": ts(referral.at)}),
            now,
        )
    }

    /// Closes a resolved case once performance is confirmed, the visits are done and no
    /// rectification item is open: the one closing rule, `domain::aftercare::may_close`.
    pub fn close(&mut self, reference: &str, expect: Expect, now: DateTime<Utc>) -> Result<Case> {
        let (tx, case, to) = self.begin_event(reference, expect, Event::Close)?;
        if let Err(why) = crate::domain::aftercare::may_close(super::aftercare::closure_of(&tx, &case)?) {
            let (r, why_zh) = (&case.reference, why.zh());
            return Err(Error::Invalid(crate::msg!(
                "{r} cannot close yet: {why}; nothing was changed",
                "{r} 尚不能结案：{why_zh}；未作任何更改"
            )));
        }
        let n = tx.execute(
            "UPDATE cases SET status = ?1, version = version + 1 WHERE id = ?2 AND version = ?3",
            params![to.code(), case.id, case.version],
        )?;
        updated(n, &case)?;
        self.commit_event(tx, &case, "close", json!({}), now)
    }
}

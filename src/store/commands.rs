//! Writes as commands: each one IMMEDIATE transaction, a version check and its audit event.

use chrono::{DateTime, Utc};
use rusqlite::{params, OptionalExtension, Transaction};
use serde_json::json;

use super::sql::{case_from_row, from_ts, insert_case, insert_case_sql, status_in, ts, CASE_COLUMNS};
use super::Store;
use crate::domain::lifecycle::next;
use crate::domain::routing::escalate as route_up;
use crate::domain::{
    AgreementForm, Case, Event, Followup, FollowupChannel, FollowupOutcome, NewCase, OfficeTz, Status, StatusSet,
};
use crate::error::{Error, Msg, Result};
use crate::msg;

/// What the writer believes about the case, checked inside the transaction.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Expect {
    /// The case still has this version (the desk's view); otherwise a conflict.
    Version(i64),
    /// Nobody leads the case yet (`--if-unassigned`); otherwise a conflict.
    Unassigned,
    /// Whatever the case is now (a script acting on the latest state).
    Latest,
}

/// A follow-up visit's result, as recorded by `f` or `duty-desk followup`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FollowupRecord {
    /// How the visit was made.
    pub channel: FollowupChannel,
    /// What it found.
    pub outcome: FollowupOutcome,
    /// Free-text note.
    pub note: String,
    /// Who made the visit (a name; may be empty).
    pub visitor: String,
}

/// Appends one audit event inside the caller's transaction, stamped with the command's `now`
/// (the same clock as the change it records).
pub(crate) fn audit(
    tx: &Transaction<'_>,
    at: DateTime<Utc>,
    actor: &str,
    action: &str,
    case_id: Option<i64>,
    detail: &serde_json::Value,
) -> Result<()> {
    tx.execute(
        "INSERT INTO audit (at, actor, action, case_id, detail) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![ts(at), actor, action, case_id, detail.to_string()],
    )?;
    Ok(())
}

pub(super) fn next_ref(tx: &Transaction<'_>, city: &str, year: i32) -> Result<String> {
    let seq: i64 = tx.query_row(
        "INSERT INTO ref_seq (year, last) VALUES (?1, 1) \
         ON CONFLICT(year) DO UPDATE SET last = last + 1 RETURNING last",
        [year],
        |r| r.get(0),
    )?;
    Ok(format!("{city}-{year}-{seq:05}"))
}

/// The year and sequence number of a ref like `WH-2023-04085`.
pub(super) fn ref_year_seq(reference: &str) -> Option<(i64, i64)> {
    let mut parts = reference.rsplitn(3, '-');
    let seq = parts.next()?.parse().ok()?;
    let year = parts.next()?.parse().ok()?;
    Some((year, seq))
}

/// The status `event` leads to from the case's, by the life-cycle table.
pub(super) fn step(case: &Case, event: Event) -> Result<Status> {
    next(case.status, event).map_err(|_| Error::NotAllowed {
        case_ref: case.reference.clone(),
        status: case.status,
        event,
    })
}

pub(super) fn load_for_update(tx: &Transaction<'_>, reference: &str) -> Result<Case> {
    let sql = format!("SELECT {CASE_COLUMNS} FROM cases c WHERE c.ref = ?1");
    tx.query_row(&sql, [reference.trim()], case_from_row)
        .optional()?
        .ok_or_else(|| Error::missing(crate::error::Thing::Case, reference.trim()))
}

/// "by alice (assign, 2023-05-01 22:02 +08:00)" for the case's latest audit event, in office time.
fn last_change(tx: &Transaction<'_>, case_id: i64, tz: OfficeTz) -> Result<Option<crate::error::LastChange>> {
    let row: Option<(String, String, i64)> = tx
        .query_row("SELECT actor, action, at FROM audit WHERE case_id = ?1 ORDER BY id DESC LIMIT 1", [case_id], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?))
        })
        .optional()?;
    Ok(row.map(|(actor, action, at)| crate::error::LastChange {
        actor,
        action,
        at: tz.local(from_ts(at)).fixed_offset(),
    }))
}

impl Store {
    pub(super) fn check_expect(&self, tx: &Transaction<'_>, case: &Case, expect: Expect) -> Result<()> {
        match expect {
            Expect::Version(v) if case.version != v => {
                // Worded as the typed `Stale`; kept a `Conflict` for the callers that match on it.
                let stale = Error::Stale {
                    case_ref: case.reference.clone(),
                    by: last_change(tx, case.id, self.policy.office.time_zone)?,
                    lead: self.mediator_name(case.lead_mediator_id)?,
                };
                Err(Error::Conflict(Msg::of(&stale)))
            }
            Expect::Unassigned if case.lead_mediator_id.is_some() || !StatusSet::Unassigned.contains(case.status) => {
                let who = self.mediator_name(case.lead_mediator_id)?.unwrap_or_else(|| case.status.en().to_lowercase());
                let taken = Error::Taken {
                    case_ref: case.reference.clone(),
                    lead: who,
                    by: last_change(tx, case.id, self.policy.office.time_zone)?,
                };
                Err(Error::Conflict(Msg::of(&taken)))
            }
            _ => Ok(()),
        }
    }

    /// Refuses a case that is not open; `doing` is what was tried, (English, Chinese).
    fn require_open(case: &Case, doing: (&str, &str)) -> Result<()> {
        if StatusSet::Open.contains(case.status) {
            Ok(())
        } else {
            let (en, zh) = doing;
            Err(Error::Invalid(msg!(
                "{} is {}; only open cases can be {en}",
                "{} 当前为“{}”；只有在办案件才能{zh}";
                case.reference,
                case.status.en().to_lowercase(),
            )))
        }
    }

    /// Stores a new case: validates it, routes it, gives it a ref; one audit event `add`.
    pub fn add_case(&mut self, new: &NewCase, now: DateTime<Utc>) -> Result<Case> {
        let refs = self.add_cases(std::slice::from_ref(new), now, "add")?;
        let reference = refs.first().ok_or_else(|| Error::Db(msg!("the case was not stored", "案件未保存")))?;
        self.case_by_ref(reference)
    }

    /// Stores many new cases all or nothing (one transaction); returns their refs.
    /// Every record is validated first; the first bad one stops everything.
    pub fn add_cases(&mut self, new: &[NewCase], now: DateTime<Utc>, action: &str) -> Result<Vec<String>> {
        self.writable()?;
        let mut cases = Vec::with_capacity(new.len());
        for (i, n) in new.iter().enumerate() {
            let errs = n.validate(self.org()?, now);
            if let Some(e) = errs.first() {
                let at = match new.len() > 1 {
                    true => msg!("record {}: ", "第 {} 条记录："; i + 1),
                    false => msg!("", ""),
                };
                return Err(Error::Invalid(
                    at.then(Msg::from(e)).then(msg!("; nothing was stored", "；未保存任何内容")),
                ));
            }
            cases.push(self.intake(n)?);
        }
        let tz = self.policy.office.time_zone;
        let tx = self.begin()?;
        let mut refs = Vec::with_capacity(cases.len());
        {
            let mut stmt = tx.prepare_cached(insert_case_sql())?;
            for mut c in cases {
                c.reference = next_ref(&tx, &self.org()?.city_code, tz.year_of(c.received_at))?;
                let id = insert_case(&mut stmt, &c)?;
                audit(
                    &tx,
                    now,
                    &self.actor,
                    action,
                    Some(id),
                    &json!({
                        "ref": c.reference, "committee": self.org()?.committee(c.committee_id).map(|k| k.code.as_str()),
                        "tier": c.tier.code()
                    }),
                )?;
                refs.push(c.reference);
            }
        }
        tx.commit()?;
        Ok(refs)
    }

    /// A validated intake record made into a routed, received case (no id or ref yet).
    pub(super) fn intake(&self, n: &NewCase) -> Result<Case> {
        let route = self
            .policy
            .routing
            .route(self.org()?, n.source, &n.area, n.category, n.complexity, n.risk_level, n.risk_flags)
            .map_err(|e| Error::Invalid(msg!("cannot route the case: ", "无法分流该案件：").then(e.0)))?;
        let area_id = self.org()?.area_by_code(&n.area).map(|a| a.id).unwrap_or_default();
        Ok(n.clone().into_received(area_id, route, &self.policy.clocks))
    }

    /// Inserts fully formed cases (the demo/bench generator) in one transaction, with one audit
    /// event for the batch; refs are taken as given and the ref counters moved past them.
    pub fn insert_generated(
        &mut self,
        cases: impl Iterator<Item = (Case, Vec<Followup>)> + Send,
        label: &str,
        now: DateTime<Utc>,
    ) -> Result<u64> {
        self.writable()?;
        let rows = cases.size_hint().0 as u64;
        // A large batch into a file nobody else has open: written once, under the rollback
        // journal, as the database's own write (the checked stamp follows it) (store::bulk).
        if super::bulk::leave_wal(&self.conn, &self.path, rows)? {
            let path = self.path.clone();
            return super::stamp::around_checkpoint(&path, || {
                let n = self.insert_generated_tx(cases, rows, label, now);
                let back = super::bulk::back_to_wal(&self.conn);
                let n = n?;
                back.map(|()| n)
            });
        }
        self.insert_generated_tx(cases, rows, label, now)
    }

    fn insert_generated_tx(
        &mut self,
        cases: impl Iterator<Item = (Case, Vec<Followup>)> + Send,
        rows: u64,
        label: &str,
        now: DateTime<Utc>,
    ) -> Result<u64> {
        // The connection set up for the load (a large cache, sort threads, a memory map, no cell
        // checks), and set back when this goes, after the transaction (store::bulk::LoadSettings).
        let _settings = super::bulk::LoadSettings::apply(&self.conn)?;
        // Foreign keys checked in Rust for the load (store::bulk::Parents); SQLite's own
        // enforcement can only be switched outside a transaction, and is switched back after.
        let parents = super::bulk::Parents::read(&self.conn)?;
        let enforced: bool = self.conn.query_row("PRAGMA foreign_keys", [], |r| r.get(0))?;
        if parents.is_some() && enforced {
            self.conn.execute_batch("PRAGMA foreign_keys = OFF")?;
        }
        // A large load's follow-ups built on the second core in a scratch file (store::bulk::Scratch).
        // Whatever fails, the enforcement is switched back on below.
        let scratch = match parents.is_some() {
            true => super::bulk::Scratch::attach(&self.conn, &self.path, rows),
            false => Ok(None),
        };
        let n = scratch.and_then(|scratch| {
            let n = self.insert_generated_in_tx(cases, rows, label, now, parents.as_ref(), scratch.as_ref());
            if let Some(s) = scratch {
                s.detach(&self.conn);
            }
            n
        });
        if parents.is_some() && enforced {
            self.conn.execute_batch("PRAGMA foreign_keys = ON")?;
        }
        n
    }

    fn insert_generated_in_tx(
        &self,
        cases: impl Iterator<Item = (Case, Vec<Followup>)> + Send,
        rows: u64,
        label: &str,
        now: DateTime<Utc>,
        parents: Option<&super::bulk::Parents>,
        scratch: Option<&super::bulk::Scratch>,
    ) -> Result<u64> {
        let tx = match scratch {
            Some(_) => super::bulk::Scratch::begin(&self.conn)?,
            None => self.begin()?,
        };
        // Row triggers (and, for a batch as large as the table, indexes) set aside, their work
        // done once for the batch; the cases generated and counted on a thread of their own
        // while this one inserts them (store::bulk).
        let mut bulk = super::bulk::Bulk::start(&tx, rows, scratch)?;
        let (n, last_seq, counts) = super::bulk::insert(&tx, cases, parents, &mut bulk)?;
        for (year, last) in &last_seq {
            tx.execute(
                "INSERT INTO ref_seq (year, last) VALUES (?1, ?2) \
                 ON CONFLICT(year) DO UPDATE SET last = max(last, excluded.last)",
                params![year, last],
            )?;
        }
        bulk.finish(&tx, counts)?;
        audit(&tx, now, &self.actor, "generate", None, &json!({ "cases": n, "label": label }))?;
        tx.commit()?;
        Ok(n)
    }

    /// Assigns a case to a lead mediator. `force` allows going over the mediator's capacity.
    pub fn assign(
        &mut self,
        reference: &str,
        mediator_id: i64,
        expect: Expect,
        force: bool,
        now: DateTime<Utc>,
    ) -> Result<Case> {
        self.writable()?;
        let mediator = self.mediator(mediator_id)?.ok_or_else(|| {
            Error::NotFound(msg!("no mediator with id {mediator_id}", "没有编号为 {mediator_id} 的调解员"))
        })?;
        let tx = self.begin()?;
        let case = load_for_update(&tx, reference)?;
        self.check_expect(&tx, &case, expect)?;
        Self::require_open(&case, ("assigned", "分派"))?;
        if case.lead_mediator_id == Some(mediator_id) {
            return Err(Error::Invalid(msg!(
                "{} is already led by {}",
                "{} 已由{}主办";
                case.reference,
                mediator.name
            )));
        }
        let open: u32 = tx.query_row(
            &format!("SELECT count(*) FROM cases WHERE lead_mediator_id = ?1 AND {}", status_in("", StatusSet::Led)),
            [mediator_id],
            |r| r.get(0),
        )?;
        if open >= mediator.capacity && !force {
            return Err(Error::Invalid(msg!(
                "{} is at capacity ({open}/{}); confirm to assign anyway (--force)",
                "{} 已满额（{open}/{}）；确认后仍可分派（--force）";
                mediator.name,
                mediator.capacity
            )));
        }
        let mediation_due = case
            .mediation_due
            .unwrap_or_else(|| self.policy.clocks.mediation_due(case.received_at, now, case.complexity, case.source));
        let status = step(&case, Event::Assign)?;
        let n = tx.execute(
            "UPDATE cases SET status = ?1, lead_mediator_id = ?2, assigned_at = ?3, mediation_due = ?4, \
             version = version + 1 WHERE id = ?5 AND version = ?6",
            params![status.code(), mediator_id, ts(now), ts(mediation_due), case.id, case.version],
        )?;
        if n == 0 {
            return Err(Error::Conflict(msg!(
                "{} was changed by someone else; nothing was overwritten",
                "{} 已被他人修改；未覆盖任何内容";
                case.reference
            )));
        }
        tx.execute("UPDATE mediators SET last_assigned_at = ?1 WHERE id = ?2", params![ts(now), mediator_id])?;
        let previous = self.mediator_name(case.lead_mediator_id)?;
        audit(
            &tx,
            now,
            &self.actor,
            "assign",
            Some(case.id),
            &json!({
                "mediator_id": mediator_id, "mediator": mediator.name, "previous": previous,
                "over_capacity": open >= mediator.capacity
            }),
        )?;
        tx.commit()?;
        self.case_by_id(case.id)
    }

    /// Moves a case one tier up, keeping its committee kind where the higher tier has one (else
    /// the geographic committee); it lands unassigned in that queue. `reason` is required free
    /// text; the audit records from → to and the reason.
    pub fn escalate(&mut self, reference: &str, reason: &str, expect: Expect, now: DateTime<Utc>) -> Result<Case> {
        self.writable()?;
        let reason = check_reason(reason)?;
        let tx = self.begin()?;
        let case = load_for_update(&tx, reference)?;
        self.check_expect(&tx, &case, expect)?;
        Self::require_open(&case, ("escalated", "升级"))?;
        let area = self.org()?.area(case.area_id).map(|a| a.code.clone()).unwrap_or_default();
        let from = self.org()?.committee(case.committee_id);
        let kind = from.map(|c| c.kind).unwrap_or(crate::domain::CommitteeKind::Geographic);
        let route = route_up(self.org()?, &area, case.tier, kind, case.complexity, case.joint)
            .map_err(|e| Error::Invalid(msg!("{}: ", "{}："; case.reference).then(e.0)))?;
        self.reroute(&tx, &case, route.tier, route.committee_id, now)?;
        if route.joint != case.joint {
            tx.execute("UPDATE cases SET joint = ?1 WHERE id = ?2", params![route.joint, case.id])?;
        }
        audit(
            &tx,
            now,
            &self.actor,
            "escalate",
            Some(case.id),
            &json!({
                "from_tier": case.tier.code(), "to_tier": route.tier.code(),
                "from_committee": from.map(|c| c.code.as_str()),
                "to_committee": self.org()?.committee(route.committee_id).map(|c| c.code.as_str()),
                "joint": route.joint, "reason": reason
            }),
        )?;
        tx.commit()?;
        self.case_by_id(case.id)
    }

    /// Re-routes a case to another committee that covers its area; it lands unassigned.
    pub fn transfer(
        &mut self,
        reference: &str,
        committee_code: &str,
        expect: Expect,
        now: DateTime<Utc>,
    ) -> Result<Case> {
        self.writable()?;
        let committee = self
            .org()?
            .committee_by_code(committee_code.trim())
            .cloned()
            .ok_or_else(|| Error::missing(crate::error::Thing::Committee, committee_code.trim()))?;
        let tier = self
            .org()?
            .committee_tier(&committee)
            .ok_or_else(|| Error::Db(msg!("committee {} has no area", "调委会 {} 没有所属地区"; committee.code)))?;
        let tx = self.begin()?;
        let case = load_for_update(&tx, reference)?;
        self.check_expect(&tx, &case, expect)?;
        Self::require_open(&case, ("transferred", "移交"))?;
        let area = self.org()?.area(case.area_id).map(|a| a.code.clone()).unwrap_or_default();
        if !self.org()?.covers(&committee, &area) {
            return Err(Error::Invalid(msg!(
                "{} does not cover the case's area {area}; nothing was changed",
                "{} 不负责该案件所在的地区 {area}；未作任何更改";
                committee.code
            )));
        }
        if committee.id == case.committee_id {
            return Err(Error::Invalid(msg!(
                "{} is already with {}",
                "{} 已在 {}";
                case.reference,
                committee.code
            )));
        }
        self.reroute(&tx, &case, tier, committee.id, now)?;
        audit(
            &tx,
            now,
            &self.actor,
            "transfer",
            Some(case.id),
            &json!({
                "from_committee": self.org()?.committee(case.committee_id).map(|c| c.code.as_str()),
                "to_committee": committee.code
            }),
        )?;
        tx.commit()?;
        self.case_by_id(case.id)
    }

    fn reroute(
        &self,
        tx: &Transaction<'_>,
        case: &Case,
        tier: crate::domain::Tier,
        committee_id: i64,
        now: DateTime<Utc>,
    ) -> Result<()> {
        let assign_due = self.policy.clocks.assign_due_for(now, case.complexity, case.risk_level, case.risk_flags);
        let status = step(case, Event::Reroute)?;
        let n = tx.execute(
            "UPDATE cases SET status = ?6, tier = ?1, committee_id = ?2, lead_mediator_id = NULL, \
             assigned_at = NULL, mediation_due = NULL, assign_due = ?3, version = version + 1 \
             WHERE id = ?4 AND version = ?5",
            params![tier.code(), committee_id, ts(assign_due), case.id, case.version, status.code()],
        )?;
        if n == 0 {
            return Err(Error::Conflict(msg!(
                "{} was changed by someone else; nothing was overwritten",
                "{} 已被他人修改；未覆盖任何内容";
                case.reference
            )));
        }
        Ok(())
    }

    /// Records how mediation ended: resolved (with its agreement form), failed or withdrawn.
    /// A resolved case gets its follow-ups scheduled. The full form is
    /// [`Store::record_outcome`](super::Store::record_outcome).
    #[allow(clippy::too_many_arguments)]
    pub fn finish(
        &mut self,
        reference: &str,
        status: Status,
        agreement: Option<AgreementForm>,
        performance_due: Option<DateTime<Utc>>,
        note: &str,
        expect: Expect,
        now: DateTime<Utc>,
    ) -> Result<Case> {
        let outcome = super::OutcomeRecord { agreement, performance_due, ..super::OutcomeRecord::plain(status, note) };
        self.record_outcome(reference, &outcome, expect, now)
    }

    /// Records the earliest pending follow-up of a case as done, with what its outcome leads to
    /// (`domain::aftercare::consequence`): the next visit, a rectification item, performance.
    /// The case closes when the closing rule allows it (`domain::aftercare::may_close`).
    /// `expect` is what the caller saw (the desk's snapshot, or the version the CLI read first);
    /// a stale one is a conflict and nothing changes.
    pub fn record_followup(
        &mut self,
        reference: &str,
        record: &FollowupRecord,
        expect: Expect,
        now: DateTime<Utc>,
    ) -> Result<Case> {
        self.writable()?;
        for (field, text) in [("note", &record.note), ("visitor", &record.visitor)] {
            if let Some(c) = crate::domain::text::find_hostile(text, field == "note") {
                return Err(Error::Invalid(msg!(
                    "field {field}: contains the control character U+{:04X}",
                    "字段 {field}：含有控制字符 U+{:04X}";
                    c as u32
                )));
            }
        }
        let tx = self.begin()?;
        let case = load_for_update(&tx, reference)?;
        self.check_expect(&tx, &case, expect)?;
        let pending: Option<i64> = tx
            .query_row(
                "SELECT id FROM followups WHERE case_id = ?1 AND done_at IS NULL ORDER BY due, id LIMIT 1",
                [case.id],
                |r| r.get(0),
            )
            .optional()?;
        let fid = pending
            .ok_or_else(|| Error::Invalid(msg!("{} has no follow-up due", "{} 没有待做的回访"; case.reference)))?;
        tx.execute(
            "UPDATE followups SET done_at = ?1, channel = ?2, outcome = ?3, note = ?4, visitor = ?5 \
             WHERE id = ?6 AND done_at IS NULL",
            params![ts(now), record.channel.code(), record.outcome.code(), record.note, record.visitor.trim(), fid],
        )?;
        let then = crate::domain::aftercare::consequence(record.outcome, now, &self.policy.clocks);
        let performed = then.performed.unwrap_or(case.performed);
        if let Some(due) = then.next_visit {
            tx.execute("INSERT INTO followups (case_id, due) VALUES (?1, ?2)", params![case.id, ts(due)])?;
        }
        let item = match then.rectification_due {
            Some(due) => {
                let finding = super::aftercare::finding(record);
                Some(super::aftercare::open_item(&tx, &case, Some(fid), &finding, due, now)?)
            }
            None => None,
        };
        let closure = super::aftercare::Closure { performed, ..super::aftercare::closure_of(&tx, &case)? };
        let status = match next(case.status, Event::Close) {
            Ok(closed) if crate::domain::aftercare::may_close(closure).is_ok() => closed,
            _ => case.status,
        };
        let n = tx.execute(
            "UPDATE cases SET performed = ?1, status = ?2, version = version + 1, \
             performed_at = coalesce(performed_at, CASE WHEN ?1 THEN ?5 END) WHERE id = ?3 AND version = ?4",
            params![performed, status.code(), case.id, case.version, ts(now)],
        )?;
        if n == 0 {
            return Err(Error::Conflict(msg!(
                "{} was changed by someone else; nothing was overwritten",
                "{} 已被他人修改；未覆盖任何内容";
                case.reference
            )));
        }
        audit(
            &tx,
            now,
            &self.actor,
            "followup",
            Some(case.id),
            &json!({
                "followup_id": fid, "channel": record.channel.code(), "outcome": record.outcome.code(),
                "visitor": record.visitor.trim(), "rectification": item, "next_visit": then.next_visit.map(ts),
                "closed": status != case.status
            }),
        )?;
        tx.commit()?;
        self.case_by_id(case.id)
    }

    /// Records that personal data of a case was revealed to this user.
    pub fn log_reveal(&mut self, reference: &str, now: DateTime<Utc>) -> Result<()> {
        self.writable()?;
        let tx = self.begin()?;
        let case = load_for_update(&tx, reference)?;
        audit(&tx, now, &self.actor, "reveal", Some(case.id), &json!({}))?;
        tx.commit()?;
        Ok(())
    }

    /// Records that personal data of several cases was revealed (a `list --reveal`): one
    /// `reveal` event per case, all in one transaction.
    pub fn log_reveals(&mut self, references: &[String], now: DateTime<Utc>) -> Result<()> {
        self.writable()?;
        let tx = self.begin()?;
        for reference in references {
            let case = load_for_update(&tx, reference)?;
            audit(&tx, now, &self.actor, "reveal", Some(case.id), &json!({ "via": "list" }))?;
        }
        tx.commit()?;
        Ok(())
    }
}

/// The escalation reason: required, one line of at most 500 characters, nothing a terminal would
/// act on.
fn check_reason(reason: &str) -> Result<String> {
    let reason = reason.trim();
    if reason.is_empty() {
        return Err(Error::Invalid(msg!(
            "a reason is required to escalate (--reason TEXT)",
            "升级须说明理由（--reason TEXT）"
        )));
    }
    if reason.chars().count() > 500 {
        return Err(Error::Invalid(msg!(
            "the escalation reason is longer than 500 characters",
            "升级理由超过 500 个字符"
        )));
    }
    if let Some(c) = crate::domain::text::find_hostile(reason, false) {
        return Err(Error::Invalid(msg!(
            "the escalation reason contains a control character {:?}",
            "升级理由含有控制字符 {:?}";
            c
        )));
    }
    Ok(reason.to_string())
}

//! After the agreement, in SQL: the closing rule's inputs ([`closure_of`]), the rectification
//! list (整改清单: open, list, assign, close, reopen as a new mediation round) and the time the
//! lead mediator reported on site (到场) with its median over a period.

use chrono::{DateTime, Utc};
use rusqlite::{params, Connection, OptionalExtension, Transaction};
use serde_json::json;

use super::commands::{audit, load_for_update, step, Expect, FollowupRecord};
use super::sql::{from_ts, opt_ts, ts};
use super::Store;
use crate::domain::aftercare::{may_close, CloseBlocker, ItemStatus, RectifyItem};
use crate::domain::lifecycle::next;
use crate::domain::{Case, Event};
use crate::error::{Error, Result};

pub use crate::domain::aftercare::Closure;

/// What the closing rule looks at for `case`, as stored now (inside the caller's transaction).
pub fn closure_of(conn: &Connection, case: &Case) -> Result<Closure> {
    let (pending, open): (i64, i64) = conn.query_row(
        "SELECT (SELECT count(*) FROM followups WHERE case_id = ?1 AND done_at IS NULL), \
                (SELECT count(*) FROM rectifications WHERE case_id = ?1 AND status = 'open')",
        [case.id],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    Ok(Closure {
        performed: case.performed,
        pending_followups: u64::try_from(pending).unwrap_or(0),
        open_items: u64::try_from(open).unwrap_or(0),
    })
}

/// The finding a follow-up records on the rectification list: its outcome and note.
pub(super) fn finding(record: &FollowupRecord) -> String {
    let note = record.note.trim();
    if note.is_empty() {
        record.outcome.en().to_string()
    } else {
        format!("{}: {note}", record.outcome.en())
    }
}

/// Opens a rectification item on `case`, owned by its lead mediator; returns the item's id.
pub(super) fn open_item(
    tx: &Transaction<'_>,
    case: &Case,
    followup_id: Option<i64>,
    finding: &str,
    due: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<i64> {
    tx.execute(
        "INSERT INTO rectifications (case_id, followup_id, finding, owner_mediator_id, due, status, created_at) \
         VALUES (?1, ?2, ?3, ?4, ?5, 'open', ?6)",
        params![case.id, followup_id, finding, case.lead_mediator_id, ts(due), ts(now)],
    )?;
    Ok(tx.last_insert_rowid())
}

const ITEM_SELECT: &str = "SELECT r.id, c.ref, r.finding, r.owner_mediator_id, r.owner_committee_id, r.due, r.status, \
     r.note, r.created_at, r.closed_at, r.case_id FROM rectifications r JOIN cases c ON c.id = r.case_id";

/// Which rectification items to list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ItemFilter {
    /// Only open items past their due date.
    pub overdue_only: bool,
    /// Only open items.
    pub open_only: bool,
}

impl Store {
    fn item_from_row(org: &crate::domain::Org, r: &rusqlite::Row<'_>) -> rusqlite::Result<RectifyItem> {
        let owner_mediator_id: Option<i64> = r.get(3)?;
        let owner_committee_id: Option<i64> = r.get(4)?;
        let owner = match (owner_mediator_id, owner_committee_id) {
            (Some(m), _) => org.mediator(m).map(|m| m.name.clone()).unwrap_or_default(),
            (None, Some(c)) => org.committee(c).map(|c| c.code.clone()).unwrap_or_default(),
            (None, None) => String::new(),
        };
        Ok(RectifyItem {
            id: r.get(0)?,
            case_ref: r.get(1)?,
            finding: r.get(2)?,
            owner_mediator_id,
            owner_committee_id,
            owner,
            due: from_ts(r.get(5)?),
            status: super::sql::coded(r, 6)?,
            note: r.get(7)?,
            created_at: from_ts(r.get(8)?),
            closed_at: opt_ts(r, 9)?,
        })
    }

    /// Rectification items, overdue first then by due date; at most `limit`.
    pub fn rectify_items(&self, filter: ItemFilter, now: DateTime<Utc>, limit: usize) -> Result<Vec<RectifyItem>> {
        let cond = if filter.overdue_only {
            " WHERE r.status = 'open' AND r.due < ?1"
        } else if filter.open_only {
            " WHERE r.status = 'open' AND ?1 IS NOT NULL"
        } else {
            " WHERE ?1 IS NOT NULL"
        };
        let sql = format!("{ITEM_SELECT}{cond} ORDER BY r.status <> 'open', r.due, r.id {}", super::sql::limit(limit));
        let mut stmt = self.conn.prepare(&sql)?;
        let org = self.org()?;
        let rows = stmt.query_map([ts(now)], |r| Self::item_from_row(org, r))?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }

    /// The rectification items of one case, oldest first.
    pub fn rectify_items_of(&self, case_id: i64) -> Result<Vec<RectifyItem>> {
        let sql = format!("{ITEM_SELECT} WHERE r.case_id = ?1 ORDER BY r.id");
        let mut stmt = self.conn.prepare(&sql)?;
        let org = self.org()?;
        let rows = stmt.query_map([case_id], |r| Self::item_from_row(org, r))?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }

    /// Whether the case may close now, by the one closing rule; `Err` says why not.
    pub fn may_close(&self, reference: &str) -> Result<std::result::Result<(), CloseBlocker>> {
        let case = self.case_by_ref(reference)?;
        Ok(may_close(closure_of(&self.conn, &case)?))
    }

    fn load_item(tx: &Transaction<'_>, item: i64) -> Result<(i64, ItemStatus)> {
        let row: Option<(i64, String)> = tx
            .query_row("SELECT case_id, status FROM rectifications WHERE id = ?1", [item], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .optional()?;
        let (case_id, status) = row.ok_or_else(|| {
            Error::NotFound(crate::msg!("no rectification item {item}", "没有编号为 {item} 的整改事项"))
        })?;
        Ok((case_id, status.parse().map_err(|e| Error::Db(crate::msg!("{e}", "整改事项状态无效：{e}")))?))
    }

    fn require_open_item(item: i64, status: ItemStatus) -> Result<()> {
        if status == ItemStatus::Open {
            Ok(())
        } else {
            Err(Error::Conflict(crate::msg!(
                "rectification item {item} is already {}; nothing was changed",
                "整改事项 {item} 已是 {}；未作任何更改";
                status.code()
            )))
        }
    }

    fn case_ref_tx(tx: &Transaction<'_>, case_id: i64) -> Result<String> {
        Ok(tx.query_row("SELECT ref FROM cases WHERE id = ?1", [case_id], |r| r.get(0))?)
    }

    /// Gives an open item to a mediator (id or exact name) or, failing that, a committee (code).
    pub fn rectify_assign(&mut self, item: i64, owner: &str, now: DateTime<Utc>) -> Result<RectifyItem> {
        self.writable()?;
        let (mediator, committee) = match self.find_mediator(owner) {
            Ok(m) => (Some(m.id), None),
            Err(_) => match self.org()?.committee_by_code(owner.trim()) {
                Some(c) => (None, Some(c.id)),
                None => {
                    return Err(Error::NotFound(crate::msg!(
                        "no mediator or committee {:?} (a mediator's id or exact name, or a committee code)",
                        "没有调解员或调委会“{}”（应为调解员的编号或全名，或调委会代码）";
                        owner.trim()
                    )))
                }
            },
        };
        let tx = self.begin()?;
        let (case_id, status) = Self::load_item(&tx, item)?;
        Self::require_open_item(item, status)?;
        tx.execute(
            "UPDATE rectifications SET owner_mediator_id = ?1, owner_committee_id = ?2 WHERE id = ?3",
            params![mediator, committee, item],
        )?;
        audit(
            &tx,
            now,
            &self.actor,
            "rectify_assign",
            Some(case_id),
            &json!({"item": item, "mediator": mediator, "committee": committee}),
        )?;
        tx.commit()?;
        self.rectify_item(item)
    }

    /// One rectification item.
    pub fn rectify_item(&self, item: i64) -> Result<RectifyItem> {
        let sql = format!("{ITEM_SELECT} WHERE r.id = ?1");
        let org = self.org()?;
        self.conn
            .query_row(&sql, [item], |r| Self::item_from_row(org, r))
            .optional()?
            .ok_or_else(|| Error::NotFound(crate::msg!("no rectification item {item}", "没有编号为 {item} 的整改事项")))
    }

    /// Marks an open item done with its closing note; the case then closes if the closing rule
    /// allows it.
    pub fn rectify_close(&mut self, item: i64, note: &str, now: DateTime<Utc>) -> Result<RectifyItem> {
        self.writable()?;
        if note.trim().is_empty() {
            return Err(Error::Usage(crate::msg!(
                "a closing note is required (--note TEXT)",
                "须填写办结说明（--note TEXT）"
            )));
        }
        if let Some(c) = crate::domain::text::find_hostile(note, true) {
            return Err(Error::Invalid(crate::msg!(
                "field note: contains the control character U+{:04X}",
                "字段 note：含有控制字符 U+{:04X}";
                c as u32
            )));
        }
        let tx = self.begin()?;
        let (case_id, status) = Self::load_item(&tx, item)?;
        Self::require_open_item(item, status)?;
        tx.execute(
            "UPDATE rectifications SET status = 'done', note = ?1, closed_at = ?2 WHERE id = ?3",
            params![note.trim(), ts(now), item],
        )?;
        let case = load_for_update(&tx, &Self::case_ref_tx(&tx, case_id)?)?;
        let closed = match next(case.status, Event::Close) {
            Ok(to) if may_close(closure_of(&tx, &case)?).is_ok() => {
                tx.execute(
                    "UPDATE cases SET status = ?1, version = version + 1 WHERE id = ?2 AND version = ?3",
                    params![to.code(), case.id, case.version],
                )?;
                true
            }
            _ => false,
        };
        audit(&tx, now, &self.actor, "rectify_close", Some(case_id), &json!({"item": item, "closed": closed}))?;
        tx.commit()?;
        self.rectify_item(item)
    }

    /// Turns an open item into a new mediation round: the case (resolved or closed) reopens as
    /// mediating with a fresh mediation clock; visits still pending are dropped; the item is
    /// marked escalated. The audit event keeps what the case was (status, agreement, finished).
    pub fn rectify_reopen(&mut self, item: i64, now: DateTime<Utc>) -> Result<Case> {
        self.writable()?;
        let tx = self.begin()?;
        let (case_id, status) = Self::load_item(&tx, item)?;
        Self::require_open_item(item, status)?;
        let case = load_for_update(&tx, &Self::case_ref_tx(&tx, case_id)?)?;
        let to = step(&case, Event::Reopen)?;
        if case.lead_mediator_id.is_none() {
            return Err(Error::Invalid(crate::msg!(
                "{} has no lead mediator; nothing was changed",
                "{} 没有主办调解员；未作任何更改";
                case.reference
            )));
        }
        let due = self.policy.clocks.mediation_due(now, now, case.complexity, case.source);
        tx.execute(
            "UPDATE cases SET status = ?1, mediation_due = ?2, finished_at = NULL, performed = 0, \
             version = version + 1 WHERE id = ?3 AND version = ?4",
            params![to.code(), ts(due), case.id, case.version],
        )?;
        let dropped = tx.execute("DELETE FROM followups WHERE case_id = ?1 AND done_at IS NULL", [case.id])?;
        tx.execute(
            "UPDATE rectifications SET status = 'escalated', note = 'reopened for a new mediation round', \
             closed_at = ?1 WHERE id = ?2",
            params![ts(now), item],
        )?;
        audit(
            &tx,
            now,
            &self.actor,
            "reopen",
            Some(case.id),
            &json!({
                "item": item, "from": case.status.code(), "agreement": case.agreement.map(|a| a.code()),
                "finished_at": case.finished_at.map(ts), "performed": case.performed,
                "followups_dropped": dropped, "mediation_due": ts(due)
            }),
        )?;
        tx.commit()?;
        self.case_by_id(case.id)
    }

    /// Records when the lead mediator reported on site (到场). `at` may not precede the case's
    /// receipt nor lie in the future; a case records one arrival.
    pub fn record_arrival(
        &mut self,
        reference: &str,
        at: DateTime<Utc>,
        expect: Expect,
        now: DateTime<Utc>,
    ) -> Result<Case> {
        self.writable()?;
        let tx = self.begin()?;
        let case = load_for_update(&tx, reference)?;
        self.check_expect(&tx, &case, expect)?;
        if case.lead_mediator_id.is_none() {
            return Err(Error::Invalid(crate::msg!(
                "{} has no lead mediator yet; assign it first",
                "{} 尚无主办调解员；请先分派";
                case.reference
            )));
        }
        if let Some(t) = case.arrived_at {
            return Err(Error::Invalid(crate::msg!(
                "{}: arrival already recorded at {}; nothing was changed",
                "{}：已于 {} 登记到场；未作任何更改";
                case.reference,
                self.policy.office.time_zone.minutes(t)
            )));
        }
        if at < case.received_at || at > now {
            return Err(Error::Invalid(crate::msg!(
                "{}: the arrival time must lie between receipt ({}) and now; nothing was changed",
                "{}：到场时间须在收案（{}）与现在之间；未作任何更改";
                case.reference,
                self.policy.office.time_zone.minutes(case.received_at)
            )));
        }
        let n = tx.execute(
            "UPDATE cases SET arrived_at = ?1, version = version + 1 WHERE id = ?2 AND version = ?3",
            params![ts(at), case.id, case.version],
        )?;
        if n == 0 {
            return Err(Error::Conflict(crate::msg!(
                "{} was changed by someone else; nothing was overwritten",
                "{} 已被他人修改；未覆盖任何内容";
                case.reference
            )));
        }
        audit(&tx, now, &self.actor, "arrive", Some(case.id), &json!({"at": ts(at)}))?;
        tx.commit()?;
        self.case_by_id(case.id)
    }

    /// The median time, in whole minutes, from whistle (received) to arrival on site, over the
    /// cases received in `[from, to)` that have an arrival recorded; `None` when there are none.
    /// The median is the statistics' one ([`crate::domain::stats::median_minutes`]).
    pub fn median_arrival_minutes(&self, from: DateTime<Utc>, to: DateTime<Utc>) -> Result<Option<i64>> {
        let mut stmt = self.conn.prepare(
            "SELECT arrived_at - received_at FROM cases \
             WHERE arrived_at IS NOT NULL AND received_at >= ?1 AND received_at < ?2",
        )?;
        let secs: Vec<i64> =
            stmt.query_map(params![ts(from), ts(to)], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?;
        Ok(crate::domain::stats::median_minutes(secs))
    }
}

/// What the Follow-ups pane shows besides the visits: overdue rectification items and the
/// screening duties due and overdue.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Board {
    /// Open items past their due date, most overdue first.
    pub items_overdue: Vec<RectifyItem>,
    /// Screening duties open now, by tier, overdue first.
    pub screenings: Vec<crate::domain::screening::Duty>,
    /// Agreements whose judicial-confirmation window closes within the warning days with no
    /// application yet (`list --jc-due`): ref and when the window closes, soonest first.
    pub judicial_due: Vec<(String, DateTime<Utc>)>,
    /// How many agreements that is in all (the list holds at most the pane's rows).
    pub judicial_due_total: u64,
}

impl Store {
    /// The Follow-ups pane's extras at `now` (at most `limit` overdue items).
    pub fn aftercare_board(&self, now: DateTime<Utc>, limit: usize) -> Result<Board> {
        Ok(Board {
            items_overdue: self.rectify_items(ItemFilter { overdue_only: true, open_only: true }, now, limit)?,
            screenings: self.screening_duties(now)?,
            judicial_due: self.judicial_due(now, limit)?,
            judicial_due_total: self.judicial_due_count(now)?,
        })
    }

    /// The agreements whose judicial-confirmation window closes within `judicial_warn_days`
    /// with no application yet, soonest first (at most `limit`).
    pub fn judicial_due(&self, now: DateTime<Utc>, limit: usize) -> Result<Vec<(String, DateTime<Utc>)>> {
        let (from, [a, b]) = self.judicial_from(now);
        let window = chrono::Duration::days(self.policy.clocks.judicial_confirmation_days);
        let sql =
            format!("SELECT c.ref, c.finished_at {from} ORDER BY c.finished_at, c.id {}", super::sql::limit(limit));
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let rows = stmt.query_map(params![a, b], |r| Ok((r.get::<_, String>(0)?, from_ts(r.get(1)?) + window)))?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }

    /// How many agreements [`Store::judicial_due`] would list without a limit.
    pub fn judicial_due_count(&self, now: DateTime<Utc>) -> Result<u64> {
        let (from, range) = self.judicial_from(now);
        Ok(self.conn.prepare_cached(&format!("SELECT count(*) {from}"))?.query_row(range, |r| r.get(0))?)
    }

    /// The FROM … WHERE of those agreements under the office's clocks, and its parameters, read
    /// from the partial index that holds exactly them (named: without statistics the planner
    /// would take the status index and walk every resolved case).
    fn judicial_from(&self, now: DateTime<Utc>) -> (String, [i64; 2]) {
        let c = &self.policy.clocks;
        let (clause, range) = super::sql::judicial_due_clause(c.judicial_confirmation_days, c.judicial_warn_days, now);
        (format!("FROM cases c INDEXED BY cases_judicial_window WHERE {clause}"), range)
    }
}

//! The change feed: every write to cases, follow-ups and the organisation leaves a row in
//! `changes` (written by triggers, in the same transaction, so raw imports and the generator are
//! covered too), keyed by a monotonically increasing sequence. A desk remembers the last sequence
//! it saw and reads only what came after it, plus the changed cases' compact open-case rows.

use std::collections::BTreeSet;

use chrono::{DateTime, Utc};
use rusqlite::{params_from_iter, types::Value};

use super::panes::PaneSql;
use super::sql::{case_from_row, coded, from_ts, status_in, CASE_COLUMNS};
use super::Store;
use crate::domain::lifecycle::{rule, Clock};
use crate::domain::{Case, Category, Status, StatusSet, Tier};
use crate::error::Result;

/// How many feed rows are kept; older ones are pruned (a desk further behind reads everything).
pub const FEED_KEEP: i64 = 65_536;
/// Pruning runs when the sequence reaches a multiple of this.
const FEED_PRUNE_EVERY: i64 = 1_024;

/// The feed table and its triggers (the schema migration that adds them).
pub fn feed_schema() -> String {
    let mut sql = String::from(
        "CREATE TABLE changes (seq INTEGER PRIMARY KEY AUTOINCREMENT, kind TEXT NOT NULL, case_id INTEGER);\n",
    );
    for op in ["INSERT", "UPDATE", "DELETE"] {
        let row = if op == "DELETE" { "OLD" } else { "NEW" };
        sql.push_str(&format!(
            "CREATE TRIGGER changes_cases_{op} AFTER {op} ON cases BEGIN \
             INSERT INTO changes (kind, case_id) VALUES ('case', {row}.id); END;\n\
             CREATE TRIGGER changes_followups_{op} AFTER {op} ON followups BEGIN \
             INSERT INTO changes (kind, case_id) VALUES ('followup', {row}.case_id); END;\n"
        ));
        for table in ["areas", "committees", "mediator_committees"] {
            sql.push_str(&format!(
                "CREATE TRIGGER changes_{table}_{op} AFTER {op} ON {table} BEGIN \
                 INSERT INTO changes (kind) VALUES ('org'); END;\n"
            ));
        }
    }
    // `last_assigned_at` changes with every assignment and is not part of the organisation.
    sql.push_str(
        "CREATE TRIGGER changes_mediators_INSERT AFTER INSERT ON mediators BEGIN \
         INSERT INTO changes (kind) VALUES ('org'); END;\n\
         CREATE TRIGGER changes_mediators_DELETE AFTER DELETE ON mediators BEGIN \
         INSERT INTO changes (kind) VALUES ('org'); END;\n\
         CREATE TRIGGER changes_mediators_UPDATE AFTER UPDATE OF name, phone, grid_worker, specialties, \
         capacity, on_duty ON mediators BEGIN INSERT INTO changes (kind) VALUES ('org'); END;\n",
    );
    sql.push_str(&format!(
        "CREATE TRIGGER changes_prune AFTER INSERT ON changes WHEN NEW.seq % {FEED_PRUNE_EVERY} = 0 BEGIN \
         DELETE FROM changes WHERE seq <= NEW.seq - {FEED_KEEP}; END;\n"
    ));
    sql
}

/// What changed, as a desk needs to know it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ChangeSet {
    /// Cases written (inserted, updated, deleted).
    pub cases: BTreeSet<i64>,
    /// Cases whose follow-ups were written.
    pub followups: BTreeSet<i64>,
    /// The organisation changed (areas, committees, mediators as the desk shows them).
    pub org: bool,
    /// The last sequence read.
    pub last_seq: i64,
}

/// The answer to "what changed since sequence N".
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Since {
    /// The changes (possibly none).
    Changes(ChangeSet),
    /// The feed no longer holds everything since N (pruned), or there is too much to patch:
    /// read everything.
    Behind,
}

/// One open case, only the columns the Routing matrix, Workload and Incoming membership need.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OpenCase {
    /// Case id.
    pub id: i64,
    /// Status (one of [`StatusSet::Open`]).
    pub status: Status,
    /// Routed tier.
    pub tier: Tier,
    /// Routed committee.
    pub committee_id: i64,
    /// Lead mediator.
    pub lead_mediator_id: Option<i64>,
    /// Assignment deadline.
    pub assign_due: DateTime<Utc>,
    /// Mediation deadline.
    pub mediation_due: Option<DateTime<Utc>>,
    /// When it was received.
    pub received_at: DateTime<Utc>,
    /// Its category.
    pub category: Category,
    /// Risk rank (`sql::risk_rank`): colour, complexity, any flag.
    pub risk_rank: i64,
    /// Any risk flag set (routing's rule 3).
    pub flagged: bool,
}

impl OpenCase {
    /// The overdue rule of `domain::lifecycle` on the compact row: the clock running in the
    /// status has passed `now`.
    pub fn is_overdue(&self, now: DateTime<Utc>) -> bool {
        self.late_at(now) == Some(true)
    }

    /// Whether the clock running in the status had passed at `t`, as SQL's overdue term says
    /// it ([`super::sql::overdue`]): `None` (SQL's NULL) for a running clock without a deadline.
    pub fn late_at(&self, t: DateTime<Utc>) -> Option<bool> {
        match rule(self.status).clock {
            Some(Clock::Assign) => Some(self.assign_due < t),
            Some(Clock::Mediation) => self.mediation_due.map(|d| d < t),
            None => Some(false),
        }
    }

    /// The deadline of the clock running in the status, if one runs.
    pub fn running_due(&self) -> Option<DateTime<Utc>> {
        match rule(self.status).clock {
            Some(Clock::Assign) => Some(self.assign_due),
            Some(Clock::Mediation) => self.mediation_due,
            None => None,
        }
    }
}

const OPEN_COLUMNS: &str =
    "c.id, c.status, c.tier, c.committee_id, c.lead_mediator_id, c.assign_due, c.mediation_due, \
     c.received_at, c.category, c.risk_rank, c.risk_flags <> ''";

fn open_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<OpenCase> {
    Ok(OpenCase {
        id: r.get(0)?,
        status: coded(r, 1)?,
        tier: coded(r, 2)?,
        committee_id: r.get(3)?,
        lead_mediator_id: r.get(4)?,
        assign_due: from_ts(r.get(5)?),
        mediation_due: r.get::<_, Option<i64>>(6)?.map(from_ts),
        received_at: from_ts(r.get(7)?),
        category: coded(r, 8)?,
        risk_rank: r.get(9)?,
        flagged: r.get(10)?,
    })
}

/// The SQL reading every open case's compact row (what a desk reads in full).
pub fn all_open_sql() -> String {
    format!("SELECT {OPEN_COLUMNS} FROM cases c WHERE {}", status_in("c.", StatusSet::Open))
}

/// The first `n` changes after `?1`, oldest first.
fn changes_after_sql(n: usize) -> String {
    format!("SELECT seq, kind, case_id FROM changes WHERE seq > ?1 ORDER BY seq {}", super::sql::limit(n))
}

/// Whole cases with one of `n` ids.
fn cases_by_ids_sql(n: usize) -> String {
    format!("SELECT {CASE_COLUMNS} FROM cases c WHERE c.id IN ({})", vec!["?"; n].join(","))
}

/// The compact rows of the open cases with one of `n` ids.
fn open_among_sql(n: usize) -> String {
    format!(
        "SELECT {OPEN_COLUMNS} FROM cases c WHERE c.id IN ({}) AND {}",
        vec!["?"; n].join(","),
        status_in("c.", StatusSet::Open)
    )
}

impl Store {
    /// The last sequence in the feed (0 when empty).
    pub fn feed_seq(&self) -> Result<i64> {
        Ok(self.conn.prepare_cached("SELECT coalesce(max(seq), 0) FROM changes")?.query_row([], |r| r.get(0))?)
    }

    /// `PRAGMA schema_version`: changes whenever any process changes the schema.
    pub fn schema_version(&self) -> Result<i64> {
        Ok(self.conn.prepare_cached("PRAGMA schema_version")?.query_row([], |r| r.get(0))?)
    }

    /// What changed after sequence `after`; [`Since::Behind`] when rows after it were pruned or
    /// more than `max` rows came since.
    pub fn changes_since(&self, after: i64, max: usize) -> Result<Since> {
        let oldest: Option<i64> =
            self.conn.prepare_cached("SELECT min(seq) FROM changes")?.query_row([], |r| r.get(0))?;
        if oldest.is_some_and(|o| o > after + 1) {
            return Ok(Since::Behind);
        }
        let mut stmt = self.conn.prepare_cached(&changes_after_sql(max + 1))?;
        let mut rows = stmt.query([after])?;
        let mut set = ChangeSet { last_seq: after, ..ChangeSet::default() };
        let mut n = 0;
        while let Some(r) = rows.next()? {
            n += 1;
            if n > max {
                return Ok(Since::Behind);
            }
            set.last_seq = r.get(0)?;
            let kind: String = r.get(1)?;
            let case_id: Option<i64> = r.get(2)?;
            match (kind.as_str(), case_id) {
                ("case", Some(id)) => {
                    set.cases.insert(id);
                }
                ("followup", Some(id)) => {
                    set.followups.insert(id);
                }
                ("org", _) => set.org = true,
                // A kind this build does not know (a newer writer): read everything.
                _ => return Ok(Since::Behind),
            }
        }
        Ok(Since::Changes(set))
    }

    /// The ids of one Incoming page, in order.
    pub fn incoming_ids(&self, q: &PaneSql) -> Result<Vec<i64>> {
        let mut stmt = self.conn.prepare_cached(&q.sql)?;
        let rows = stmt.query_map(params_from_iter(q.params.iter()), |r| r.get(0))?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }

    /// Whether the case `reference` is in Incoming under `filter` (one lookup by ref).
    pub fn incoming_holds(&self, filter: &super::CaseFilter, reference: &str, now: DateTime<Utc>) -> Result<bool> {
        let f = super::CaseFilter { unassigned: true, status: None, ..filter.clone() };
        let (clause, mut params) = f.to_sql(now);
        let sql = if clause.is_empty() {
            "SELECT count(*) FROM cases c WHERE c.ref = ?".to_string()
        } else {
            format!("SELECT count(*) FROM cases c {clause} AND c.ref = ?")
        };
        params.push(Value::Text(reference.to_string()));
        let n: i64 = self.conn.prepare_cached(&sql)?.query_row(params_from_iter(params), |r| r.get(0))?;
        Ok(n > 0)
    }

    /// The number of cases a count statement counts.
    pub fn count_of(&self, q: &PaneSql) -> Result<u64> {
        Ok(self.conn.prepare_cached(&q.sql)?.query_row(params_from_iter(q.params.iter()), |r| r.get(0))?)
    }

    /// Whole cases by id (those that exist), in no particular order.
    pub fn cases_by_ids(&self, ids: &[i64]) -> Result<Vec<Case>> {
        let mut out = Vec::with_capacity(ids.len());
        for chunk in ids.chunks(500) {
            // Cached: a desk patching its page asks for the same one or two ids' shape again.
            let mut stmt = self.conn.prepare_cached(&cases_by_ids_sql(chunk.len()))?;
            let rows = stmt.query_map(params_from_iter(chunk.iter()), case_from_row)?;
            out.extend(rows.collect::<rusqlite::Result<Vec<_>>>()?);
        }
        Ok(out)
    }

    /// Every open case's compact row.
    pub fn all_open(&self) -> Result<Vec<OpenCase>> {
        let mut stmt = self.conn.prepare_cached(&all_open_sql())?;
        let rows = stmt.query_map([], open_from_row)?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }

    /// The compact rows of those of `ids` that are open now (closed or deleted ones are absent).
    pub fn open_among(&self, ids: &BTreeSet<i64>) -> Result<Vec<OpenCase>> {
        let mut out = Vec::new();
        let list: Vec<i64> = ids.iter().copied().collect();
        for chunk in list.chunks(500) {
            let mut stmt = self.conn.prepare_cached(&open_among_sql(chunk.len()))?;
            let rows = stmt.query_map(params_from_iter(chunk.iter().map(|&i| Value::Integer(i))), open_from_row)?;
            out.extend(rows.collect::<rusqlite::Result<Vec<_>>>()?);
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::testing::TestResult;
    use rusqlite::StatementStatus;

    /// A statement a desk runs on every change is compiled once: run again with new values, it
    /// is not prepared again (a bound `LIMIT ?`, for one, would be; see [`super::super::sql::limit`]).
    #[test]
    fn the_statements_a_desk_runs_per_change_are_compiled_once() -> TestResult {
        let mut conn = rusqlite::Connection::open_in_memory()?;
        crate::store::schema::migrate(&mut conn)?;
        let now = chrono::Utc::now();
        let mut statements: Vec<(String, PaneSql)> = super::super::panes::pane_queries(now, 20, 7, 10)
            .into_iter()
            .map(|(pane, name, q)| (format!("{pane}: {name}"), q))
            .collect();
        let ids = || vec![Value::Integer(1), Value::Integer(2)];
        statements.extend([
            ("the change feed".into(), PaneSql { sql: changes_after_sql(4096), params: vec![Value::Integer(0)] }),
            ("changed cases".into(), PaneSql { sql: cases_by_ids_sql(2), params: ids() }),
            ("changed open cases".into(), PaneSql { sql: open_among_sql(2), params: ids() }),
        ]);
        for (name, q) in statements {
            let mut stmt = conn.prepare(&q.sql)?;
            for _ in 0..3 {
                let mut rows = stmt.query(params_from_iter(q.params.iter()))?;
                while rows.next()?.is_some() {}
            }
            assert_eq!(stmt.get_status(StatementStatus::RePrepare), 0, "{name} was compiled again: {}", q.sql);
        }
        Ok(())
    }
}

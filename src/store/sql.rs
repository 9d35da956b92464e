//! Row mapping helpers (timestamps, coded enums, the risk rank) and the SQL fragments of the life
//! cycle (status sets, the overdue rule) generated from [`crate::domain::lifecycle`]. The case
//! row itself is described in `case_row`.

use std::str::FromStr;

use chrono::{DateTime, Utc};
use rusqlite::types::Type;
use rusqlite::Row;

use crate::domain::lifecycle::{Clock, StatusSet};
use crate::domain::Case;

pub use super::case_row::{case_from_row, insert_case, insert_case_sql, CASE_COLUMNS};

/// A `LIMIT` clause with the count written into the text. A bound `LIMIT ?` costs a compile on
/// every run: SQLite folds a bound limit into the plan as a constant, so binding it (even the
/// same value, even the first time) expires the statement and the next step prepares it again.
/// The count is ours (a page size, a batch, `usize::MAX` for all), never typed text; past
/// SQLite's largest integer it is that integer (a larger literal would be read as a real number,
/// which `LIMIT` refuses).
pub fn limit(n: usize) -> String {
    format!("LIMIT {}", i64::try_from(n).unwrap_or(i64::MAX))
}

/// The column holding each clock's deadline (a checked mapping: every clock has one).
pub fn clock_column(clock: Clock) -> &'static str {
    match clock {
        Clock::Assign => "assign_due",
        Clock::Mediation => "mediation_due",
    }
}

/// The agreements with no application for judicial confirmation whose window (`window_days`
/// after the finish) closes between `now` and `warn_days` later: the clause on `c` (two `?`, the
/// finish times) and its parameters. Written to match the partial index `cases_judicial_window`
/// (literal status, a range on `finished_at`), which holds exactly those agreements.
pub fn judicial_due_clause(window_days: i64, warn_days: i64, now: DateTime<Utc>) -> (String, [i64; 2]) {
    let clause = format!(
        "c.status = '{}' AND c.judicial_applied_at IS NULL AND c.finished_at >= ? AND c.finished_at <= ?",
        crate::domain::Status::Resolved.code()
    );
    let window = window_days * 86_400;
    (clause, [ts(now) - window, ts(now) + warn_days * 86_400 - window])
}

/// `{alias}status IN ('a','b')` (or `= 'a'`, or `0` for an empty set) for a named status set.
/// Status codes are lower-case identifiers (checked by the lifecycle tests), safe to quote.
pub fn status_in(alias: &str, set: StatusSet) -> String {
    let codes: Vec<String> = set.statuses().iter().map(|s| format!("'{}'", s.code())).collect();
    match codes.as_slice() {
        [] => "0".to_string(),
        [one] => format!("{alias}status = {one}"),
        many => format!("{alias}status IN ({})", many.join(",")),
    }
}

/// The overdue rule as SQL: the clock running in the case's status has passed `now`, bound as
/// `param` (e.g. `?1`). Returns the fragment and how many times `param` occurs in it.
pub fn overdue(alias: &str, param: &str) -> (String, usize) {
    let terms: Vec<String> = Clock::ALL
        .iter()
        .filter(|&&c| !StatusSet::ClockRuns(c).statuses().is_empty())
        .map(|&c| format!("({} AND {alias}{} < {param})", status_in(alias, StatusSet::ClockRuns(c)), clock_column(c)))
        .collect();
    if terms.is_empty() {
        ("0".to_string(), 0)
    } else {
        (format!("({})", terms.join(" OR ")), terms.len())
    }
}

/// Seconds since the epoch, as stored.
pub fn ts(t: DateTime<Utc>) -> i64 {
    t.timestamp()
}

/// Back from stored seconds.
pub fn from_ts(s: i64) -> DateTime<Utc> {
    DateTime::from_timestamp(s, 0).unwrap_or_default()
}

/// Reads a coded enum column.
pub fn coded<T: FromStr<Err = String>>(row: &Row<'_>, idx: usize) -> rusqlite::Result<T> {
    let s: String = row.get(idx)?;
    s.parse().map_err(|e: String| rusqlite::Error::FromSqlConversionFailure(idx, Type::Text, e.into()))
}

/// Reads an optional timestamp column.
pub fn opt_ts(row: &Row<'_>, idx: usize) -> rusqlite::Result<Option<DateTime<Utc>>> {
    Ok(row.get::<_, Option<i64>>(idx)?.map(from_ts))
}

/// Urgency rank used by the Incoming order: risk colour, then critical complexity, then flags.
pub fn risk_rank(c: &Case) -> i64 {
    use crate::domain::{Complexity, RiskLevel};
    let colour = match c.risk_level {
        RiskLevel::Red => 30,
        RiskLevel::Orange => 20,
        RiskLevel::Yellow => 10,
        RiskLevel::None => 0,
    };
    let cx = match c.complexity {
        Complexity::Critical => 3,
        Complexity::Major => 2,
        _ => 0,
    };
    colour + cx + i64::from(c.risk_flags.any())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::testing::TestResult;
    use crate::domain::Status;

    #[test]
    fn every_limit_is_one_sqlite_takes() -> TestResult {
        let conn = rusqlite::Connection::open_in_memory()?;
        for n in [0, 1, 120, usize::MAX] {
            let rows: i64 =
                conn.query_row(&format!("SELECT count(*) FROM (SELECT 1 {})", limit(n)), [], |r| r.get(0))?;
            assert_eq!(rows, i64::from(n > 0), "{}", limit(n));
        }
        Ok(())
    }

    #[test]
    fn the_generated_fragments_can_use_the_generated_partial_indexes() -> TestResult {
        let mut conn = rusqlite::Connection::open_in_memory()?;
        crate::store::schema::migrate(&mut conn)?;
        // `INDEXED BY` fails to prepare when the query's WHERE does not imply the index's.
        for (index, filter) in [
            ("cases_incoming", status_in("c.", StatusSet::Unassigned)),
            ("cases_open_by_mediator", format!("c.lead_mediator_id = 1 AND {}", status_in("c.", StatusSet::Led))),
            ("cases_open_by_committee", format!("c.committee_id = 1 AND {}", status_in("c.", StatusSet::Open))),
        ] {
            let sql = format!("SELECT c.id FROM cases c INDEXED BY {index} WHERE {filter}");
            conn.prepare(&sql).map_err(|e| format!("{index} is not usable by {filter}: {e}"))?;
        }
        let (late, uses) = overdue("c.", "?1");
        assert_eq!(uses, 2);
        // The fragment names the statuses by their codes, from the life-cycle table.
        let (r, a, m) = (Status::Received.code(), Status::Assigned.code(), Status::Mediating.code());
        assert_eq!(
            late,
            format!(
                "((c.status = '{r}' AND c.assign_due < ?1) OR \
                 (c.status IN ('{a}','{m}') AND c.mediation_due < ?1))"
            )
        );
        Ok(())
    }
}

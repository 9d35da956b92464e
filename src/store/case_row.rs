//! The `cases` row described once: [`CASE_ROW`] lists every column with its SQL type and how it
//! is written from and read into a [`Case`]. The SELECT column list ([`CASE_COLUMNS`]), the row
//! mapping ([`case_from_row`], by the column's place in that generated list — no hand-kept
//! indexes) and the INSERT ([`insert_case_sql`], [`insert_case`]) are all derived from it.
//!
//! A new case column: the field on `Case` (and its value in `Case::placeholder` and wherever a case
//! is made new), one [`Column`] entry here, and a migration `ALTER TABLE cases ADD COLUMN …` in
//! `schema.rs`. If the JSON/CSV record shows it, one entry in `ingest::record::RECORD` too.

use std::fmt;
use std::sync::OnceLock;

use rusqlite::types::{ToSqlOutput, Type, Value, ValueRef};
use rusqlite::Row;

use super::sql::{from_ts, risk_rank, ts};
use crate::domain::{Case, RiskFlags};

/// How a column is written: from the case (its text borrowed, not copied, where the case holds
/// it), or not at all (the row id SQLite assigns).
type Write = Option<fn(&Case) -> ToSqlOutput<'_>>;
/// How a column is read back into the case being built; `None` for derived columns.
type Read = Option<fn(&mut Case, &Row<'_>, usize) -> rusqlite::Result<()>>;

/// One column of the `cases` table.
pub struct Column {
    /// The column name.
    pub name: &'static str,
    /// Its SQL type as declared (the tests check it against the table).
    #[cfg_attr(not(test), allow(dead_code))]
    pub sql_type: &'static str,
    /// Its value when a case is inserted.
    write: Write,
    /// How it is read back.
    read: Read,
}

fn text(s: &str) -> ToSqlOutput<'_> {
    ToSqlOutput::Borrowed(ValueRef::Text(s.as_bytes()))
}

fn owned_text(s: String) -> ToSqlOutput<'static> {
    ToSqlOutput::Owned(Value::Text(s))
}

fn int(i: i64) -> ToSqlOutput<'static> {
    ToSqlOutput::Owned(Value::Integer(i))
}

fn null() -> ToSqlOutput<'static> {
    ToSqlOutput::Owned(Value::Null)
}

fn opt_int(i: Option<i64>) -> ToSqlOutput<'static> {
    i.map_or(null(), int)
}

fn opt_time(t: Option<chrono::DateTime<chrono::Utc>>) -> ToSqlOutput<'static> {
    opt_int(t.map(ts))
}

fn coded<T: std::str::FromStr<Err = String>>(r: &Row<'_>, i: usize) -> rusqlite::Result<T> {
    super::sql::coded(r, i)
}

fn conversion(i: usize, e: String) -> rusqlite::Error {
    rusqlite::Error::FromSqlConversionFailure(i, Type::Text, e.into())
}

macro_rules! col {
    ($name:literal, $ty:literal, |$c:ident| $w:expr, |$m:ident, $r:ident, $i:ident| $rd:expr) => {
        Column {
            name: $name,
            sql_type: $ty,
            write: Some(|$c: &Case| $w),
            read: Some(|$m: &mut Case, $r: &Row<'_>, $i: usize| {
                $rd;
                Ok(())
            }),
        }
    };
}

/// Every column of the `cases` table, in SELECT order.
pub const CASE_ROW: &[Column] = &[
    Column {
        name: "id",
        sql_type: "INTEGER PRIMARY KEY",
        write: None,
        read: Some(|m, r, i| {
            m.id = r.get(i)?;
            Ok(())
        }),
    },
    col!("ref", "TEXT", |c| text(&c.reference), |m, r, i| m.reference = r.get(i)?),
    col!("received_at", "INTEGER", |c| int(ts(c.received_at)), |m, r, i| m.received_at = from_ts(r.get(i)?)),
    col!("source", "TEXT", |c| text(c.source.code()), |m, r, i| m.source = coded(r, i)?),
    col!("category", "TEXT", |c| text(c.category.code()), |m, r, i| m.category = coded(r, i)?),
    col!("applicant_name", "TEXT", |c| text(&c.applicant.name), |m, r, i| m.applicant.name = r.get(i)?),
    col!("applicant_phone", "TEXT", |c| text(&c.applicant.phone), |m, r, i| m.applicant.phone = r.get(i)?),
    col!("applicant_id_no", "TEXT", |c| text(&c.applicant.id_no), |m, r, i| m.applicant.id_no = r.get(i)?),
    col!("respondent_name", "TEXT", |c| text(&c.respondent.name), |m, r, i| m.respondent.name = r.get(i)?),
    col!("respondent_phone", "TEXT", |c| text(&c.respondent.phone), |m, r, i| m.respondent.phone = r.get(i)?),
    col!("respondent_id_no", "TEXT", |c| text(&c.respondent.id_no), |m, r, i| m.respondent.id_no = r.get(i)?),
    col!("summary", "TEXT", |c| text(&c.summary), |m, r, i| m.summary = r.get(i)?),
    col!("amount_fen", "INTEGER", |c| int(c.amount_fen), |m, r, i| m.amount_fen = r.get(i)?),
    col!("area_id", "INTEGER", |c| int(c.area_id), |m, r, i| m.area_id = r.get(i)?),
    col!("complexity", "TEXT", |c| text(c.complexity.code()), |m, r, i| m.complexity = coded(r, i)?),
    col!("risk_flags", "TEXT", |c| owned_text(c.risk_flags.to_codes()), |m, r, i| m.risk_flags =
        RiskFlags::parse(&r.get::<_, String>(i)?).map_err(|e| conversion(i, e))?),
    col!("risk_level", "TEXT", |c| text(c.risk_level.code()), |m, r, i| m.risk_level = coded(r, i)?),
    // Derived from the risk fields for the Incoming order; written, never read back.
    Column { name: "risk_rank", sql_type: "INTEGER", write: Some(|c| int(risk_rank(c))), read: None },
    col!("status", "TEXT", |c| text(c.status.code()), |m, r, i| m.status = coded(r, i)?),
    col!("tier", "TEXT", |c| text(c.tier.code()), |m, r, i| m.tier = coded(r, i)?),
    col!("committee_id", "INTEGER", |c| int(c.committee_id), |m, r, i| m.committee_id = r.get(i)?),
    col!("joint", "INTEGER", |c| int(i64::from(c.joint)), |m, r, i| m.joint = r.get(i)?),
    col!("lead_mediator_id", "INTEGER", |c| opt_int(c.lead_mediator_id), |m, r, i| m.lead_mediator_id = r.get(i)?),
    col!("partners", "TEXT", |c| owned_text(c.partners.join(",")), |m, r, i| m.partners =
        r.get::<_, String>(i)?.split(',').filter(|p| !p.is_empty()).map(str::to_string).collect()),
    col!("assign_due", "INTEGER", |c| int(ts(c.assign_due)), |m, r, i| m.assign_due = from_ts(r.get(i)?)),
    col!("mediation_due", "INTEGER", |c| opt_time(c.mediation_due), |m, r, i| m.mediation_due =
        super::sql::opt_ts(r, i)?),
    col!("assigned_at", "INTEGER", |c| opt_time(c.assigned_at), |m, r, i| m.assigned_at = super::sql::opt_ts(r, i)?),
    col!("finished_at", "INTEGER", |c| opt_time(c.finished_at), |m, r, i| m.finished_at = super::sql::opt_ts(r, i)?),
    col!("agreement", "TEXT", |c| c.agreement.map_or(null(), |a| text(a.code())), |m, r, i| m.agreement =
        r.get::<_, Option<String>>(i)?.map(|a| a.parse()).transpose().map_err(|e| conversion(i, e))?),
    col!("performance_due", "INTEGER", |c| opt_time(c.performance_due), |m, r, i| m.performance_due =
        super::sql::opt_ts(r, i)?),
    col!("performed", "INTEGER", |c| int(i64::from(c.performed)), |m, r, i| m.performed = r.get(i)?),
    col!("judicial_confirmation", "INTEGER", |c| int(i64::from(c.judicial_confirmation)), |m, r, i| m
        .judicial_confirmation =
        r.get(i)?),
    col!("outcome_note", "TEXT", |c| text(&c.outcome_note), |m, r, i| m.outcome_note = r.get(i)?),
    col!("version", "INTEGER", |c| int(c.version), |m, r, i| m.version = r.get(i)?),
    col!("arrived_at", "INTEGER", |c| opt_time(c.arrived_at), |m, r, i| m.arrived_at = super::sql::opt_ts(r, i)?),
    col!("mediation_started_at", "INTEGER", |c| opt_time(c.mediation_started_at), |m, r, i| m.mediation_started_at =
        super::sql::opt_ts(r, i)?),
    col!("session_place", "TEXT", |c| text(&c.session_place), |m, r, i| m.session_place = r.get(i)?),
    col!("session_mediators", "TEXT", |c| text(&c.session_mediators), |m, r, i| m.session_mediators = r.get(i)?),
    col!("extended_days", "INTEGER", |c| int(c.extended_days), |m, r, i| m.extended_days = r.get(i)?),
    col!("amount_agreed_fen", "INTEGER", |c| opt_int(c.amount_agreed_fen), |m, r, i| m.amount_agreed_fen = r.get(i)?),
    col!("told_route", "TEXT", |c| c.told_route.map_or(null(), |a| text(a.code())), |m, r, i| m.told_route =
        r.get::<_, Option<String>>(i)?.map(|a| a.parse()).transpose().map_err(|e| conversion(i, e))?),
    col!("judicial_applied_at", "INTEGER", |c| opt_time(c.judicial_applied_at), |m, r, i| m.judicial_applied_at =
        super::sql::opt_ts(r, i)?),
    col!("judicial_court", "TEXT", |c| text(&c.judicial_court), |m, r, i| m.judicial_court = r.get(i)?),
    col!("referred_to", "TEXT", |c| c.referred_to.map_or(null(), |a| text(a.code())), |m, r, i| m.referred_to =
        r.get::<_, Option<String>>(i)?.map(|a| a.parse()).transpose().map_err(|e| conversion(i, e))?),
    col!("referred_body", "TEXT", |c| text(&c.referred_body), |m, r, i| m.referred_body = r.get(i)?),
    col!("referred_at", "INTEGER", |c| opt_time(c.referred_at), |m, r, i| m.referred_at = super::sql::opt_ts(r, i)?),
    col!("performed_at", "INTEGER", |c| opt_time(c.performed_at), |m, r, i| m.performed_at = super::sql::opt_ts(r, i)?),
];

/// The SELECT column list of [`CASE_ROW`], qualified with the `c.` alias; use it as
/// `format!("SELECT {CASE_COLUMNS} FROM cases c …")` and map rows with [`case_from_row`].
pub struct CaseColumns;

/// The one instance of [`CaseColumns`].
pub const CASE_COLUMNS: CaseColumns = CaseColumns;

impl fmt::Display for CaseColumns {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        static LIST: OnceLock<String> = OnceLock::new();
        f.write_str(
            LIST.get_or_init(|| CASE_ROW.iter().map(|c| format!("c.{}", c.name)).collect::<Vec<_>>().join(", ")),
        )
    }
}

/// Maps a row selected with [`CASE_COLUMNS`]: each column is read at its place in [`CASE_ROW`].
pub fn case_from_row(r: &Row<'_>) -> rusqlite::Result<Case> {
    let mut case = Case::placeholder();
    for (i, col) in CASE_ROW.iter().enumerate() {
        if let Some(read) = col.read {
            read(&mut case, r, i)?;
        }
    }
    Ok(case)
}

/// The INSERT of a whole case row: every written column of [`CASE_ROW`].
pub fn insert_case_sql() -> &'static str {
    static SQL: OnceLock<String> = OnceLock::new();
    SQL.get_or_init(|| {
        let cols: Vec<&str> = CASE_ROW.iter().filter(|c| c.write.is_some()).map(|c| c.name).collect();
        let marks: Vec<String> = (1..=cols.len()).map(|i| format!("?{i}")).collect();
        format!("INSERT INTO cases ({}) VALUES ({})", cols.join(", "), marks.join(", "))
    })
}

/// The INSERT of `rows` whole case rows in one statement: every written column of [`CASE_ROW`],
/// per row (a bulk load, [`bind_case_at`]). `OR FAIL`, and no id given (SQLite gives the largest
/// so far plus one): a failed constraint stops the statement without undoing its earlier rows,
/// so SQLite keeps no statement journal (a copy of every page the statement changes) for it —
/// an explicit id would bring one back (its integer check may abort) — and the load that fails
/// rolls its whole transaction back.
pub fn insert_cases_many_sql(rows: usize) -> String {
    let cols: Vec<&str> = CASE_ROW.iter().filter(|c| c.write.is_some()).map(|c| c.name).collect();
    let row = format!("({})", vec!["?"; cols.len()].join(", "));
    format!("INSERT OR FAIL INTO cases ({}) VALUES {}", cols.join(", "), vec![row; rows].join(", "))
}

/// How many values [`bind_case_at`] binds for a row.
pub fn case_values_per_row() -> usize {
    CASE_ROW.iter().filter(|c| c.write.is_some()).count()
}

/// Binds the row `c` of [`insert_cases_many_sql`] from parameter `first` on.
pub fn bind_case_at(stmt: &mut rusqlite::Statement<'_>, first: usize, c: &Case) -> rusqlite::Result<()> {
    for (i, write) in CASE_ROW.iter().filter_map(|col| col.write).enumerate() {
        stmt.raw_bind_parameter(first + i, write(c))?;
    }
    Ok(())
}

/// Executes [`insert_case_sql`] for `c` on a prepared statement; returns the new id.
pub fn insert_case(stmt: &mut rusqlite::Statement<'_>, c: &Case) -> rusqlite::Result<i64> {
    stmt.insert(rusqlite::params_from_iter(CASE_ROW.iter().filter_map(|col| col.write.map(|w| w(c)))))
}

/// The values [`insert_case`] binds for `c`, in [`insert_case_sql`]'s order (a staged import
/// keeps them until it publishes).
pub fn case_values(c: &Case) -> Vec<Value> {
    CASE_ROW
        .iter()
        .filter_map(|col| col.write.map(|w| w(c)))
        .map(|v| match v {
            // Borrowed text is a `&str` of the case: always UTF-8, never refused.
            ToSqlOutput::Borrowed(v) => Value::try_from(v).unwrap_or(Value::Null),
            ToSqlOutput::Owned(v) => v,
            // The columns above write only these two.
            _ => Value::Null,
        })
        .collect()
}

/// The place of column `name` among the values of [`case_values`].
pub fn value_index(name: &str) -> Option<usize> {
    CASE_ROW.iter().filter(|c| c.write.is_some()).position(|c| c.name == name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_column_of_the_table_is_described_once() -> crate::domain::testing::TestResult {
        let mut conn = rusqlite::Connection::open_in_memory()?;
        crate::store::schema::migrate(&mut conn)?;
        let mut stmt = conn.prepare("SELECT name, type FROM pragma_table_info('cases') ORDER BY cid")?;
        let table: Vec<(String, String)> =
            stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?.collect::<rusqlite::Result<_>>()?;
        let described: Vec<(String, String)> = CASE_ROW
            .iter()
            .map(|c| (c.name.to_string(), c.sql_type.split(' ').next().unwrap_or_default().to_string()))
            .collect();
        assert_eq!(described, table);
        Ok(())
    }
}

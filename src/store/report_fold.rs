//! The rows the statistics triggers logged (`report_blocks::pending_schema`) summed into
//! `stats_blocks` just before each commit of a duty-desk write (issue 13: an `assign` under
//! 10 ms), in Rust: each row's contributions read exactly as the counts' SQL reads them
//! (`report_blocks::dim_columns`: the same dates, keys and nine values, SQL's three-valued logic
//! for NULL), summed per block and key, and only the sums that change something written with the
//! counts' upsert. A process that writes one case compiles no statement of the counts' SQL. A
//! value of a type that SQL would convert on its own terms (text in a date column, a real
//! amount, a NULL key) sends that log to the counts' own SQL (`report_blocks::fold_sql`), so
//! any writer's rows are counted as the triggers would have counted them. The tests compare the
//! two over random logged rows.

use std::collections::BTreeMap;

use rusqlite::types::{Value, ValueRef};
use rusqlite::Connection;

use super::report_blocks::{bind_counts, fold_sql, insert_counts_sql, Dim, Log, ADD_ON_CONFLICT, DAY, LOGS, SPANS};
use crate::domain::{AgreementForm, StatusSet};

/// A key of `stats_blocks`: an integer or a code (SQLite orders integers before text).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum Key {
    Int(i64),
    Text(String),
}

impl Key {
    fn value(&self) -> ValueRef<'_> {
        match self {
            Key::Int(v) => ValueRef::Integer(*v),
            Key::Text(t) => ValueRef::Text(t.as_bytes()),
        }
    }
}

/// The sums per (dimension, block length, block, keys), in the table's key order.
type Sums = BTreeMap<(i64, i64, i64, [Key; 3]), [i64; 9]>;

/// A value the counts' SQL would read by its own conversions: the log is counted by that SQL.
struct Unexpected;

/// One logged row: the log's columns, and the row's values after its sign.
struct Row<'a> {
    columns: &'a [&'a str],
    values: &'a [Value],
}

impl Row<'_> {
    fn value(&self, column: &str) -> Option<&Value> {
        self.columns.iter().position(|c| *c == column).and_then(|i| self.values.get(i + 1))
    }

    fn int(&self, column: &str) -> Result<Option<i64>, Unexpected> {
        match self.value(column) {
            Some(Value::Integer(i)) => Ok(Some(*i)),
            Some(Value::Null) => Ok(None),
            _ => Err(Unexpected),
        }
    }

    fn text(&self, column: &str) -> Result<Option<&str>, Unexpected> {
        match self.value(column) {
            Some(Value::Text(t)) => Ok(Some(t)),
            Some(Value::Null) => Ok(None),
            _ => Err(Unexpected),
        }
    }

    /// A key column (NOT NULL in `stats_blocks`).
    fn key_int(&self, column: &str) -> Result<Key, Unexpected> {
        self.int(column)?.map(Key::Int).ok_or(Unexpected)
    }

    fn key_text(&self, column: &str) -> Result<Key, Unexpected> {
        self.text(column)?.map(|t| Key::Text(t.to_string())).ok_or(Unexpected)
    }
}

/// SQL's `a AND b` over true, false and NULL.
fn and(a: Option<bool>, b: Option<bool>) -> Option<bool> {
    match (a, b) {
        (Some(false), _) | (_, Some(false)) => Some(false),
        (Some(true), Some(true)) => Some(true),
        _ => None,
    }
}

/// What a row adds to one dimension: the date it goes by (none: nothing), its keys and the nine
/// values.
type Contribution = (Option<i64>, [Key; 3], [i64; 9]);

/// What one dimension of the counts reads of a row, times `sign` (the twin of
/// `report_blocks::dim_columns`).
fn contribution(dim: Dim, r: &Row, sign: i64) -> Result<Contribution, Unexpected> {
    let zero = || Key::Int(0);
    let counted = [sign, 0, 0, 0, 0, 0, 0, 0, 0];
    Ok(match dim {
        Dim::Place | Dim::Kind | Dim::Mediator => {
            let keys = match dim {
                Dim::Place => [r.key_int("area_id")?, r.key_int("committee_id")?, zero()],
                Dim::Kind => [r.key_text("category")?, r.key_text("source")?, r.key_text("tier")?],
                _ => [Key::Int(r.int("lead_mediator_id")?.unwrap_or(0)), zero(), zero()],
            };
            (r.int("finished_at")?, keys, finished_values(r, sign)?)
        }
        Dim::Received => (r.int("received_at")?, [zero(), zero(), zero()], counted),
        Dim::WaitHour | Dim::WaitMinute => {
            let assigned_at = r.int("assigned_at")?;
            let minutes = match (assigned_at, r.int("received_at")?) {
                (None, _) => 0,
                (Some(a), Some(received)) => a.checked_sub(received).ok_or(Unexpected)? / 60,
                (Some(_), None) => return Err(Unexpected),
            };
            let key = if dim == Dim::WaitHour { minutes / 60 } else { minutes };
            (assigned_at, [Key::Int(key), zero(), zero()], counted)
        }
        Dim::VisitDone => (r.int("done_at")?, [zero(), zero(), zero()], counted),
        Dim::VisitDue => {
            let done = i64::from(r.int("done_at")?.is_some());
            (r.int("due")?, [zero(), zero(), zero()], [sign, 0, 0, 0, 0, sign * done, 0, 0, 0])
        }
    })
}

/// The nine values a finished case adds, times `sign`.
fn finished_values(r: &Row, sign: i64) -> Result<[i64; 9], Unexpected> {
    let status = r.text("status")?;
    let member = |set: StatusSet| status.map(|s| set.statuses().iter().any(|x| x.code() == s));
    let withdrawn = member(StatusSet::Withdrawn);
    let mediated = withdrawn.map(|w| !w);
    let ok = and(mediated, member(StatusSet::Success));
    let agreement = r.text("agreement")?;
    let performed_at = r.int("performed_at")?;
    let judicial = r.int("judicial_confirmation")?;
    let (finished_at, due) = (r.int("finished_at")?, r.int("mediation_due")?);
    let amount = r.int("amount_fen")?.unwrap_or(0);
    let late = match (finished_at, due) {
        (Some(f), Some(d)) => Some(f > d),
        _ => None,
    };
    let t = |x: Option<bool>| sign * i64::from(x == Some(true));
    Ok([
        0,
        t(mediated),
        t(ok),
        if mediated == Some(true) { sign.checked_mul(amount).ok_or(Unexpected)? } else { 0 },
        t(and(ok, agreement.map(|a| a == AgreementForm::Oral.code()))),
        t(and(ok, Some(performed_at.is_some()))),
        t(and(ok, judicial.map(|j| j != 0))),
        t(withdrawn),
        t(and(and(mediated, Some(due.is_some())), late)),
    ])
}

/// Adds the contributions of `rows` (sign first, then the log's columns) to `sums`.
fn sum(log: &Log, rows: &[Vec<Value>], sums: &mut Sums) -> Result<(), Unexpected> {
    let (_, _, columns, groups) = *log;
    for values in rows {
        let sign = match values.first() {
            Some(Value::Integer(s)) => *s,
            _ => return Err(Unexpected),
        };
        let row = Row { columns, values };
        for &dim in groups.iter().flat_map(|g| g.2.iter()) {
            let (time, keys, values) = contribution(dim, &row, sign)?;
            let Some(t) = time else { continue };
            for span in SPANS {
                let block = t.div_euclid(span * DAY);
                let into = sums.entry((dim as i64, span, block, keys.clone())).or_insert([0; 9]);
                for (s, v) in into.iter_mut().zip(values) {
                    *s = s.checked_add(v).ok_or(Unexpected)?;
                }
            }
        }
    }
    Ok(())
}

/// Sums the rows waiting in the logs into `stats_blocks` and empties the logs, inside the
/// caller's transaction (every write transaction of the store, just before its commit). A
/// transaction that wrote no case or visit costs one empty read per log and writes nothing. A
/// log whose sums would not fit in an integer (amounts written by another program) is left as
/// it is, its counts untouched, and the transaction still commits.
pub fn fold(conn: &Connection) -> rusqlite::Result<()> {
    for (i, log) in LOGS.iter().enumerate() {
        let pending = log.1;
        let rows: Vec<Vec<Value>> = {
            let mut stmt = conn.prepare_cached(&format!("SELECT * FROM {pending}"))?;
            let n = stmt.column_count();
            let rows = stmt.query_map([], |r| (0..n).map(|c| r.get::<_, Value>(c)).collect())?;
            rows.collect::<rusqlite::Result<_>>()?
        };
        if rows.is_empty() {
            continue;
        }
        conn.execute_batch("SAVEPOINT stats_fold")?;
        let mut sums = Sums::new();
        let added = match sum(log, &rows, &mut sums) {
            Ok(()) => write(conn, &sums),
            Err(Unexpected) => fold_sql(i).iter().try_for_each(|sql| conn.execute_batch(sql)),
        };
        match added {
            Ok(()) => {
                conn.prepare_cached(&format!("DELETE FROM {pending}"))?.execute([])?;
                conn.execute_batch("RELEASE stats_fold")?;
            }
            // Amounts another program wrote that no count can hold: this log's rows stay
            // uncounted (the report reads from the cases, and says so) and the write commits.
            Err(e) if too_large(&e) => conn.execute_batch("ROLLBACK TO stats_fold; RELEASE stats_fold")?,
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

/// Whether SQLite refused a sum too large for an integer.
fn too_large(e: &rusqlite::Error) -> bool {
    matches!(e, rusqlite::Error::SqliteFailure(f, Some(m))
        if f.code == rusqlite::ErrorCode::Unknown && m.contains("integer overflow"))
}

/// Adds the sums that are not all zero to `stats_blocks`.
fn write(conn: &Connection, sums: &Sums) -> rusqlite::Result<()> {
    let mut stmt = conn.prepare_cached(&insert_counts_sql(1, ADD_ON_CONFLICT))?;
    for ((dim, span, block, keys), values) in sums.iter().filter(|(_, v)| v.iter().any(|x| *x != 0)) {
        bind_counts(&mut stmt, 1, (*dim, *span, *block), keys.each_ref().map(Key::value), values)?;
        stmt.raw_execute()?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{Category, Source, Status, Tier};
    use proptest::prelude::*;

    /// A value for a logged column: mostly what duty-desk writes, sometimes NULL, now and then
    /// something only another writer would put there.
    fn value(column: &'static str) -> BoxedStrategy<Value> {
        // A few block edges (so two columns often hold the same time), or any second.
        let time = prop_oneof![
            2 => (-4i64..4).prop_map(|w| Value::Integer(w * 64 * 86_400 - 1 + w.rem_euclid(2))),
            2 => (-3_000_000_000i64..3_000_000_000).prop_map(Value::Integer),
            1 => Just(Value::Null),
        ];
        let codes = |all: Vec<&'static str>| {
            prop_oneof![
                8 => proptest::sample::select(all).prop_map(|c| Value::Text(c.to_string())),
                1 => Just(Value::Text("junk".to_string())),
            ]
        };
        match column {
            "status" => codes(Status::ALL.iter().map(|s| s.code()).collect()).boxed(),
            "category" => codes(Category::ALL.iter().map(|s| s.code()).collect()).boxed(),
            "source" => codes(Source::ALL.iter().map(|s| s.code()).collect()).boxed(),
            "tier" => codes(Tier::ALL.iter().map(|s| s.code()).collect()).boxed(),
            "agreement" => prop_oneof![
                Just(Value::Null),
                Just(Value::Text(AgreementForm::Oral.code().to_string())),
                Just(Value::Text(AgreementForm::Written.code().to_string())),
            ]
            .boxed(),
            "area_id" | "committee_id" => (1i64..6).prop_map(Value::Integer).boxed(),
            "lead_mediator_id" => prop_oneof![Just(Value::Null), (1i64..6).prop_map(Value::Integer)].boxed(),
            "judicial_confirmation" => prop_oneof![Just(Value::Null), (0i64..3).prop_map(Value::Integer)].boxed(),
            "amount_fen" => prop_oneof![
                8 => (0i64..10_000_000).prop_map(Value::Integer),
                1 => Just(Value::Real(12.5)),
                1 => Just(Value::Integer(i64::MIN)),
            ]
            .boxed(),
            "received_at" => (-3_000_000_000i64..3_000_000_000).prop_map(Value::Integer).boxed(),
            _ => time.boxed(),
        }
    }

    fn rows(log: usize, n: usize) -> impl Strategy<Value = Vec<Vec<Value>>> {
        let columns = LOGS[log].2;
        let row = (prop_oneof![Just(1i64), Just(-1i64)], columns.iter().map(|c| value(c)).collect::<Vec<_>>())
            .prop_map(|(sign, mut values)| {
                values.insert(0, Value::Integer(sign));
                values
            });
        prop::collection::vec(row, 0..n)
    }

    fn counts(conn: &Connection) -> rusqlite::Result<Vec<Vec<Value>>> {
        let mut stmt = conn.prepare(
            "SELECT * FROM stats_blocks WHERE n <> 0 OR mediated <> 0 OR successful <> 0 OR amount_fen <> 0 \
             OR oral <> 0 OR performed <> 0 OR judicial <> 0 OR withdrawn <> 0 OR over_clock <> 0 \
             ORDER BY dim, span, block, k1, k2, k3",
        )?;
        let n = stmt.column_count();
        let rows = stmt.query_map([], |r| (0..n).map(|i| r.get(i)).collect())?;
        rows.collect()
    }

    /// Writes `logged` (the rows of each log) into the logs.
    fn log(conn: &Connection, logged: &[Vec<Vec<Value>>]) -> rusqlite::Result<()> {
        for ((_, pending, columns, _), rows) in LOGS.iter().zip(logged) {
            let marks = vec!["?"; columns.len() + 1].join(", ");
            let mut stmt = conn.prepare(&format!("INSERT INTO {pending} VALUES ({marks})"))?;
            for row in rows {
                stmt.execute(rusqlite::params_from_iter(row))?;
            }
        }
        Ok(())
    }

    /// Logs `logged`, folds the logs with `fold` inside a transaction and returns the counts it
    /// left and the rows it left logged, or `None` when the fold failed (the transaction rolled
    /// back either way).
    fn folded(
        conn: &Connection,
        logged: &[Vec<Vec<Value>>],
        fold: impl Fn(&Connection) -> rusqlite::Result<()>,
    ) -> rusqlite::Result<Option<(Vec<Vec<Value>>, i64)>> {
        let tx = rusqlite::Transaction::new_unchecked(conn, rusqlite::TransactionBehavior::Immediate)?;
        log(&tx, logged)?;
        let out = match fold(&tx) {
            Ok(()) => Some((
                counts(&tx)?,
                tx.query_row(
                    "SELECT (SELECT count(*) FROM stats_pending_cases) + (SELECT count(*) FROM stats_pending_visits)",
                    [],
                    |r| r.get(0),
                )?,
            )),
            Err(_) => None,
        };
        tx.rollback()?;
        Ok(out)
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

        #[test]
        fn the_rust_fold_leaves_the_counts_the_sql_of_the_triggers_leaves(
            cases in rows(0, 24),
            visits in rows(1, 12),
            existing in rows(0, 6),
        ) {
            let dir = tempfile::TempDir::new()?;
            let path = dir.path().join("fold.db");
            drop(crate::store::Store::create(&path)?);
            let conn = Connection::open(&path)?;
            // Counts already there (the upsert adds onto them; rows whose sums overflow stay logged).
            log(&conn, &[existing, Vec::new()])?;
            fold(&conn)?;
            let logged = [cases, visits];
            // Equal counts, and the same rows left logged: those of a log whose sums overflow
            // (an amount another program wrote), its counts untouched.
            let by_rust = folded(&conn, &logged, fold)?;
            let by_sql = folded(&conn, &logged, |c| {
                for (i, (_, pending, ..)) in LOGS.iter().enumerate() {
                    c.execute_batch("SAVEPOINT by_sql")?;
                    match fold_sql(i).iter().try_for_each(|sql| c.execute_batch(sql)) {
                        Ok(()) => c.execute_batch(&format!("DELETE FROM {pending}; RELEASE by_sql"))?,
                        Err(e) if too_large(&e) => c.execute_batch("ROLLBACK TO by_sql; RELEASE by_sql")?,
                        Err(e) => return Err(e),
                    }
                }
                Ok(())
            })?;
            prop_assert!(by_rust.is_some(), "the Rust fold never stops the commit");
            prop_assert_eq!(by_rust, by_sql);
        }
    }
}

//! Pre-aggregated statistics (issue 10, "fast enough to browse"): the table `stats_blocks` holds,
//! per block of whole UTC days (1, 8 and 64 days long) and per breakdown key, the counts the
//! report sums — finished cases (by area × committee, by category × source × tier, by lead
//! mediator), received cases, and the assignment waits (by hour and by minute, for an exact
//! median). Every write keeps it right in its own transaction, the old row's contribution
//! subtracted and the new one's added: small triggers on `cases` and `followups` log the rows
//! ([`pending_schema`]) and each commit of the store sums the log (`report_fold`), so every
//! writer — CLI, desk, import, generator — keeps it right without knowing it exists. What a row
//! contributes is written here once, as SQL ([`contributions`]): the migrations' fills, the
//! rebuild, and the fold of a value of an unexpected type run it; `report_fold` and the
//! generator's `bulk::Counts` are its Rust twins, each compared with it by tests. (Until issue
//! 13 the triggers themselves ran it, 17 KB of SQL every process parsed at open.)
//!
//! A period's UTC range `[s, e)` is cut by [`cover`] into at most two partial days at its ends
//! (read from the cases through the covering indexes, exactly as before) and whole UTC days in
//! between (read as a handful of blocks), so any office time zone's day boundary stays exact.
//! Follow-up visits are counted the same way (done by day done, due by day due, a later
//! migration: [`visit_schema`]).
//!
//! What day counts cannot say — "performed by the period's end", which needs a second date — is
//! corrected from the few agreements finished inside the blocks and performed after the period's
//! end (index `cases_performed_late`, see [`LATE_SQL`]).

use super::sql::status_in;
use crate::domain::{AgreementForm, StatusSet};

/// Seconds in a UTC day.
pub const DAY: i64 = 86_400;

/// Block lengths in days, longest first; each divides the one before, the last is one day.
pub const SPANS: [i64; 3] = [64, 8, 1];

/// What a `stats_blocks` row counts (its `dim` column) and what its keys `k1, k2, k3` are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dim {
    /// Finished cases by (area, committee, 0), dated by `finished_at`.
    Place = 0,
    /// Finished cases by (category, source, tier) codes, dated by `finished_at`.
    Kind = 1,
    /// Finished cases by (lead mediator or 0, 0, 0), dated by `finished_at`.
    Mediator = 2,
    /// Received cases (`n`), key (0, 0, 0), dated by `received_at`.
    Received = 3,
    /// Assignments (`n`) by (whole minutes from receipt to assignment / 60, 0, 0), dated by
    /// `assigned_at`.
    WaitHour = 4,
    /// Assignments (`n`) by (whole minutes from receipt to assignment, 0, 0), dated by
    /// `assigned_at`.
    WaitMinute = 5,
    /// Follow-up visits done (`n`), key (0, 0, 0), dated by `done_at`.
    VisitDone = 6,
    /// Follow-up visits due (`n`) and, of those, done at any date (`performed`), key (0, 0, 0),
    /// dated by `due`.
    VisitDue = 7,
}

/// `floor(t / w)` for the trigger (SQLite's `/` truncates toward zero).
fn floor_sql(t: &str, w: impl std::fmt::Display) -> String {
    format!("(CASE WHEN {t} >= 0 THEN {t} / {w} ELSE ({t} + 1) / {w} - 1 END)")
}

/// What one dimension of the counts reads of a row `r`: the date it goes by, its three keys and
/// the nine counted values (times `sign`).
fn dim_columns(r: &str, sign: &str, dim: Dim) -> (String, [String; 3], [String; 9]) {
    let withdrawn = format!("({})", status_in(&format!("{r}."), StatusSet::Withdrawn));
    let success = format!("({})", status_in(&format!("{r}."), StatusSet::Success));
    let mediated = format!("(NOT {withdrawn})");
    let ok = format!("({mediated} AND {success})");
    let oral = AgreementForm::Oral.code();
    // Every truth value through coalesce: a NULL column counts as false, never as NULL.
    let t = |x: String| format!("{sign} * coalesce({x}, 0)");
    let finished = [
        format!("{sign} * 0"),
        t(mediated.clone()),
        t(ok.clone()),
        format!("{sign} * (CASE WHEN {mediated} THEN coalesce({r}.amount_fen, 0) ELSE 0 END)"),
        t(format!("({ok} AND {r}.agreement = '{oral}')")),
        t(format!("({ok} AND {r}.performed_at IS NOT NULL)")),
        t(format!("({ok} AND {r}.judicial_confirmation <> 0)")),
        t(withdrawn.clone()),
        t(format!("({mediated} AND {r}.mediation_due IS NOT NULL AND {r}.finished_at > {r}.mediation_due)")),
    ];
    let zero = || "0".to_string();
    let counted = [sign.to_string(), zero(), zero(), zero(), zero(), zero(), zero(), zero(), zero()];
    let due = [
        sign.to_string(),
        zero(),
        zero(),
        zero(),
        zero(),
        format!("{sign} * ({r}.done_at IS NOT NULL)"),
        zero(),
        zero(),
        zero(),
    ];
    let minutes = format!("(({r}.assigned_at - {r}.received_at) / 60)");
    let col = |c: &str| format!("{r}.{c}");
    let (time, keys, values) = match dim {
        Dim::Place => ("finished_at", [col("area_id"), col("committee_id"), zero()], finished),
        Dim::Kind => ("finished_at", [col("category"), col("source"), col("tier")], finished),
        Dim::Mediator => ("finished_at", [format!("coalesce({r}.lead_mediator_id, 0)"), zero(), zero()], finished),
        Dim::Received => ("received_at", [zero(), zero(), zero()], counted),
        Dim::WaitHour => ("assigned_at", [format!("{minutes} / 60"), zero(), zero()], counted),
        Dim::WaitMinute => ("assigned_at", [minutes, zero(), zero()], counted),
        Dim::VisitDone => ("done_at", [zero(), zero(), zero()], counted),
        Dim::VisitDue => ("due", [zero(), zero(), zero()], due),
    };
    (col(time), keys, values)
}

/// `(SELECT a AS name UNION ALL SELECT b …)`: a constant column to join with.
fn constants(name: &str, values: impl Iterator<Item = i64>) -> String {
    let selects: Vec<String> = values
        .enumerate()
        .map(|(i, v)| match i {
            0 => format!("SELECT {v} AS {name}"),
            _ => format!("SELECT {v}"),
        })
        .collect();
    format!("({})", selects.join(" UNION ALL "))
}

/// The rows one case row `r` (`NEW`, `OLD` or the alias `c` of `source`) adds to the counts of
/// `dims`, times `sign` (`1` or `-1`): one SELECT with the columns of [`COLUMNS`], a row per
/// dimension and block length of `spans` (joined with the constants `d.dim` and `s.span`). Where the
/// dimensions read different columns the SELECT picks by `d.dim`, so each expression is
/// written once: the triggers stay small enough that every write parses and compiles them fast.
fn contributions(r: &str, sign: &str, source: Option<&str>, dims: &[Dim], spans: &[i64]) -> String {
    let parts: Vec<(i64, Vec<String>)> = dims
        .iter()
        .map(|&d| {
            let (time, keys, values) = dim_columns(r, sign, d);
            (d as i64, [time].into_iter().chain(keys).chain(values).collect())
        })
        .collect();
    // One expression per column (the date, three keys, nine values): the common one, or a pick
    // by dimension.
    let picked: Vec<String> = (0..13)
        .map(|i| {
            let column = |c: &[String]| c.get(i).cloned().unwrap_or_default();
            let first = parts.first().map(|(_, c)| column(c)).unwrap_or_default();
            if parts.iter().all(|(_, c)| column(c) == first) {
                return first;
            }
            let arms: Vec<String> = parts.iter().map(|(d, c)| format!("WHEN {d} THEN {}", column(c))).collect();
            format!("(CASE d.dim {} END)", arms.join(" "))
        })
        .collect();
    let (time, keys, values) = (&picked[0], &picked[1..4], &picked[4..]);
    let (dim, mut from) = match parts.as_slice() {
        [(d, _)] => (d.to_string(), Vec::new()),
        _ => ("d.dim".to_string(), vec![format!("{} d", constants("dim", parts.iter().map(|(d, _)| *d)))]),
    };
    from.insert(0, format!("{} s", constants("span", spans.iter().copied())));
    if let Some(source) = source {
        from.insert(0, format!("{source} {r}"));
    }
    format!(
        "SELECT {dim}, s.span, {block}, {keys}, {values} FROM {from} WHERE {time} IS NOT NULL",
        block = floor_sql(time, format!("(s.span * {DAY})")),
        keys = keys.join(", "),
        values = values.join(", "),
        from = from.join(", "),
    )
}

/// The columns of `stats_blocks` after its key.
pub(super) const COLUMNS: &str =
    "dim, span, block, k1, k2, k3, n, mediated, successful, amount_fen, oral, performed, judicial, withdrawn, over_clock";

/// The INSERT of `rows` rows of counts given as values (the [`COLUMNS`], [`bind_counts`]), with
/// `conflict` after it ([`ADD_ON_CONFLICT`], or "" for an empty table).
pub(super) fn insert_counts_sql(rows: usize, conflict: &str) -> String {
    let row = format!("({})", vec!["?"; 15].join(", "));
    // VALUES without `WHERE true`: an upsert after VALUES parses without ambiguity.
    format!("INSERT INTO stats_blocks ({COLUMNS}) VALUES {} {conflict}", vec![row; rows].join(", "))
}

/// Binds one row of counts of [`insert_counts_sql`] from parameter `first` on: its dimension,
/// block length, block, three keys and nine values.
pub(super) fn bind_counts(
    stmt: &mut rusqlite::Statement<'_>,
    first: usize,
    (dim, span, block): (i64, i64, i64),
    keys: [rusqlite::types::ValueRef<'_>; 3],
    values: &[i64; 9],
) -> rusqlite::Result<()> {
    stmt.raw_bind_parameter(first, dim)?;
    stmt.raw_bind_parameter(first + 1, span)?;
    stmt.raw_bind_parameter(first + 2, block)?;
    for (j, k) in keys.into_iter().enumerate() {
        stmt.raw_bind_parameter(first + 3 + j, rusqlite::types::ToSqlOutput::Borrowed(k))?;
    }
    for (j, v) in values.iter().enumerate() {
        stmt.raw_bind_parameter(first + 6 + j, v)?;
    }
    Ok(())
}

/// An upsert's tail that adds the new counts to a row already there.
/// The amount is added by `sum()`, which fails on a sum too large for an integer: `+` would turn
/// it into a floating-point number that no later subtraction takes back exactly.
pub(super) const ADD_ON_CONFLICT: &str =
    "ON CONFLICT (dim, span, block, k1, k2, k3) DO UPDATE SET n = n + excluded.n, \
     mediated = mediated + excluded.mediated, successful = successful + excluded.successful, \
     amount_fen = (SELECT sum(a) FROM (SELECT amount_fen AS a UNION ALL SELECT excluded.amount_fen)), \
     oral = oral + excluded.oral, \
     performed = performed + excluded.performed, judicial = judicial + excluded.judicial, \
     withdrawn = withdrawn + excluded.withdrawn, over_clock = over_clock + excluded.over_clock";

/// What a trigger adds to the counts (rows of [`contributions`]) goes through this view: its
/// one `INSTEAD OF` trigger ([`add_view`]) holds the upsert, written once instead of in every
/// trigger (each process parses every trigger when it opens the file).
const ADD_VIEW: &str = "stats_add";

/// The view the triggers add their rows to, and its trigger adding each row to `stats_blocks`.
fn add_view() -> String {
    let new_values: Vec<String> = COLUMNS.split(", ").map(|c| format!("NEW.{c}")).collect();
    format!(
        "CREATE VIEW IF NOT EXISTS {ADD_VIEW} AS SELECT {COLUMNS} FROM stats_blocks WHERE 0;\n\
         DROP TRIGGER IF EXISTS {ADD_VIEW}_upsert;\n\
         CREATE TRIGGER {ADD_VIEW}_upsert INSTEAD OF INSERT ON {ADD_VIEW} BEGIN\n\
         INSERT INTO stats_blocks ({COLUMNS}) VALUES ({}) {ADD_ON_CONFLICT};\nEND;\n",
        new_values.join(", ")
    )
}

/// The statement of a trigger that adds rows (SELECTs of [`contributions`]) to the counts.
fn upsert(selects: &[String]) -> String {
    format!("INSERT INTO {ADD_VIEW} {};", selects.join(" UNION ALL "))
}

/// The sums of a group of rows, in the order of [`COLUMNS`]' counts.
const SUMS: &str = "sum(n), sum(mediated), sum(successful), sum(amount_fen), sum(oral), sum(performed), \
     sum(judicial), sum(withdrawn), sum(over_clock)";

/// The insert trigger of one group.
fn insert_trigger(&(name, table, dims, _, time): &Group) -> String {
    format!(
        "CREATE TRIGGER stats_{name}_insert AFTER INSERT ON {table} WHEN NEW.{time} IS NOT NULL BEGIN\n{}\nEND;\n",
        upsert(&[contributions("NEW", "1", None, dims, &SPANS)])
    )
}

/// Every column of `cases` a group of counts reads (what its log holds): the finished cases'
/// columns, then the received and assigned times.
const CASE_LOG_COLUMNS: [&str; 15] = [
    "finished_at",
    "status",
    "category",
    "source",
    "tier",
    "area_id",
    "committee_id",
    "lead_mediator_id",
    "amount_fen",
    "agreement",
    "performed_at",
    "judicial_confirmation",
    "mediation_due",
    "received_at",
    "assigned_at",
];

/// The case columns the finished cases' counts read (an update that changes none of them costs
/// nothing).
const FINISHED_COLUMNS: &[&str] = CASE_LOG_COLUMNS.split_at(13).0;

/// The groups of counts: trigger name, table, dims, the columns they read, the date they go by.
pub type Group = (&'static str, &'static str, &'static [Dim], &'static [&'static str], &'static str);
const GROUPS: [Group; 3] = [
    ("finished", "cases", &[Dim::Place, Dim::Kind, Dim::Mediator], FINISHED_COLUMNS, "finished_at"),
    ("received", "cases", &[Dim::Received], &["received_at"], "received_at"),
    ("assigned", "cases", &[Dim::WaitHour, Dim::WaitMinute], &["assigned_at", "received_at"], "assigned_at"),
];
/// The groups of the follow-up visits (a later migration).
const VISIT_GROUPS: [Group; 2] = [
    ("visit_done", "followups", &[Dim::VisitDone], &["done_at"], "done_at"),
    ("visit_due", "followups", &[Dim::VisitDue], &["due", "done_at"], "due"),
];

/// The migration: the table, its triggers, the index for the performed correction, and the
/// counts of the rows already there.
pub fn stats_schema() -> String {
    let mut sql = String::from(
        "CREATE TABLE stats_blocks (\n    dim INTEGER NOT NULL, span INTEGER NOT NULL, block INTEGER NOT NULL,\n    \
         k1 NOT NULL, k2 NOT NULL, k3 NOT NULL, n INTEGER NOT NULL, mediated INTEGER NOT NULL,\n    \
         successful INTEGER NOT NULL, amount_fen INTEGER NOT NULL, oral INTEGER NOT NULL, performed INTEGER NOT NULL,\n    \
         judicial INTEGER NOT NULL, withdrawn INTEGER NOT NULL, over_clock INTEGER NOT NULL,\n    \
         PRIMARY KEY (dim, span, block, k1, k2, k3)) WITHOUT ROWID;\n",
    );
    sql.push_str(
        "CREATE INDEX cases_performed_late ON cases(performed_at / 86400 - finished_at / 86400, finished_at, performed_at,\n    \
         status, area_id, committee_id, lead_mediator_id, category, source) WHERE performed_at > finished_at;\n",
    );
    sql.push_str(&add_view());
    sql.push_str(&triggers(&GROUPS));
    sql.push_str(&fill(&GROUPS));
    sql
}

/// The second migration: the follow-up visits' counts, their triggers and the index for the
/// overdue correction.
pub fn visit_schema() -> String {
    let mut sql = String::from(
        "CREATE INDEX followups_done_late ON followups(done_at / 86400 - due / 86400, due, done_at) WHERE done_at > due;\n",
    );
    sql.push_str(&triggers(&VISIT_GROUPS));
    sql.push_str(&fill(&VISIT_GROUPS));
    sql
}

/// The triggers written again in the compact form of [`contributions`], adding through the
/// view of [`add_view`] (databases made before carry one SELECT per dimension and block length
/// and the upsert in every trigger: ~64 KB of trigger SQL that every process parses at open and
/// every write to a case compiles). The counts are unchanged.
pub fn compact_triggers() -> String {
    let mut sql = add_view();
    for (name, ..) in GROUPS.iter().chain(VISIT_GROUPS.iter()) {
        for event in ["insert", "delete", "update"] {
            sql.push_str(&format!("DROP TRIGGER IF EXISTS stats_{name}_{event};\n"));
        }
    }
    sql + &triggers(&GROUPS) + &triggers(&VISIT_GROUPS)
}

/// The triggers of `groups`.
fn triggers(groups: &[Group]) -> String {
    let mut sql = String::new();
    for (name, table, dims, columns, time) in groups.iter().copied() {
        let changed: Vec<String> = columns.iter().map(|c| format!("OLD.{c} IS NOT NEW.{c}")).collect();
        sql.push_str(&insert_trigger(&(name, table, dims, columns, time)));
        sql.push_str(&format!(
            "CREATE TRIGGER stats_{name}_delete AFTER DELETE ON {table} WHEN OLD.{time} IS NOT NULL BEGIN\n{}\nEND;\n",
            upsert(&[contributions("OLD", "-1", None, dims, &SPANS)])
        ));
        let both = [contributions("OLD", "-1", None, dims, &SPANS), contributions("NEW", "1", None, dims, &SPANS)];
        sql.push_str(&format!(
            "CREATE TRIGGER stats_{name}_update AFTER UPDATE ON {table} \
             WHEN (OLD.{time} IS NOT NULL OR NEW.{time} IS NOT NULL) AND ({}) BEGIN\n{}\nEND;\n",
            changed.join(" OR "),
            upsert(&both)
        ));
    }
    sql
}

/// Empties the counts and the rows waiting to be counted, and sums the counts of the rows
/// there again from scratch.
pub fn refill_sql() -> String {
    let mut sql = String::from("DELETE FROM stats_blocks;\n");
    for (_, pending, _, _) in LOGS {
        sql.push_str(&format!("DELETE FROM {pending};\n"));
    }
    sql + &fill(&GROUPS) + &fill(&VISIT_GROUPS)
}

fn fill(groups: &[Group]) -> String {
    groups.iter().map(|g| sum_rows(g, g.1, "1", "", "")).collect()
}

/// Adds the counts of the rows of `source` (a table), each times `sign` (`1`, or the column
/// `c.sign`), to `stats_blocks`, one group's dimensions; `conflict` is "" for an empty table or
/// [`ADD_ON_CONFLICT`], `having` a condition on the sums (or "").
fn sum_rows(&(_, _, dims, _, _): &Group, source: &str, sign: &str, conflict: &str, having: &str) -> String {
    format!(
        "INSERT INTO stats_blocks ({COLUMNS}) SELECT dim, span, block, k1, k2, k3, {SUMS} FROM (\
         SELECT 0 AS dim, 0 AS span, 0 AS block, 0 AS k1, 0 AS k2, 0 AS k3, 0 AS n, 0 AS mediated, 0 AS successful, \
         0 AS amount_fen, 0 AS oral, 0 AS performed, 0 AS judicial, 0 AS withdrawn, 0 AS over_clock WHERE 0 \
         UNION ALL {}) WHERE true GROUP BY dim, span, block, k1, k2, k3 {having}{conflict};\n",
        contributions("c", sign, Some(source), dims, &SPANS)
    )
}

/// The rows waiting to be counted (issue 13: an `assign` under 10 ms): a table, the table it
/// logs, the columns the counts read of it, and its groups of counts.
pub type Log = (&'static str, &'static str, &'static [&'static str], &'static [Group]);

/// The two logs: the cases' rows and the follow-up visits' rows.
pub const LOGS: [Log; 2] = [
    ("cases", "stats_pending_cases", &CASE_LOG_COLUMNS, &GROUPS),
    ("followups", "stats_pending_visits", &["due", "done_at"], &VISIT_GROUPS),
];

/// The migration from counts kept by triggers to counts kept at each commit (issue 13).
///
/// The triggers that computed every row's contributions (17 KB of SQL that every process
/// parsed when it opened the file — half of an `assign`'s instructions — and that every
/// statement writing a case compiled) give way to triggers that only log the row: each insert
/// or delete, and each update of a column a count reads, adds the old row (sign −1) and the new
/// one (sign +1) to `stats_pending_cases` or `stats_pending_visits`; `report_fold::fold` sums
/// them into `stats_blocks` in the same transaction, just before the commit. The logging
/// triggers log every writer's rows: a write from outside duty-desk is counted at the next
/// commit of one, and until then the report reads its figures from the cases ([`pending_sql`]).
pub fn pending_schema() -> String {
    let mut sql = String::new();
    for (name, ..) in GROUPS.iter().chain(VISIT_GROUPS.iter()) {
        for event in ["insert", "delete", "update"] {
            sql.push_str(&format!("DROP TRIGGER IF EXISTS stats_{name}_{event};\n"));
        }
    }
    sql.push_str(&format!("DROP TRIGGER IF EXISTS {ADD_VIEW}_upsert;\nDROP VIEW IF EXISTS {ADD_VIEW};\n"));
    for (table, pending, columns, _) in LOGS {
        let row = |r: &str, sign: &str| {
            let values: Vec<String> = columns.iter().map(|c| format!("{r}.{c}")).collect();
            format!("({sign}, {})", values.join(", "))
        };
        let changed: Vec<String> = columns.iter().map(|c| format!("OLD.{c} IS NOT NEW.{c}")).collect();
        sql.push_str(&format!(
            "CREATE TABLE {pending} (sign INTEGER NOT NULL, {});\n\
             CREATE TRIGGER {pending}_insert AFTER INSERT ON {table} BEGIN INSERT INTO {pending} VALUES {}; END;\n\
             CREATE TRIGGER {pending}_delete AFTER DELETE ON {table} BEGIN INSERT INTO {pending} VALUES {}; END;\n\
             CREATE TRIGGER {pending}_update AFTER UPDATE ON {table} WHEN {} BEGIN \
             INSERT INTO {pending} VALUES {}, {}; END;\n",
            columns.join(", "),
            row("NEW", "1"),
            row("OLD", "-1"),
            changed.join(" OR "),
            row("OLD", "-1"),
            row("NEW", "1"),
        ));
    }
    sql
}

/// Whether any row waits to be counted (written outside duty-desk since its last commit).
pub fn pending_sql() -> String {
    let any: Vec<String> = LOGS.iter().map(|(_, pending, ..)| format!("EXISTS (SELECT 1 FROM {pending})")).collect();
    format!("SELECT {}", any.join(" OR "))
}

/// The SQL that adds the rows of log `log` (an index of [`LOGS`]) to the counts, one statement
/// per group, through the triggers' own [`contributions`]: only the sums that change something
/// (a case's old and new rows cancel in the groups whose columns did not change). What
/// `report_fold` does in Rust, and what it falls back to for a value of an unexpected type.
pub fn fold_sql(log: usize) -> Vec<String> {
    let nonzero = format!("HAVING {} ", SUMS.replace(", ", " <> 0 OR ") + " <> 0");
    LOGS.get(log)
        .map(|(_, pending, _, groups)| {
            groups.iter().map(|g| sum_rows(g, pending, "c.sign", ADD_ON_CONFLICT, &nonzero)).collect()
        })
        .unwrap_or_default()
}

/// The agreements finished in `[?2, ?3)` and performed at or after `?4` (the period's end) whose
/// performance came `?1` whole UTC days after their finish, with the keys they were counted under.
pub const LATE_SQL: &str = "SELECT status, area_id, committee_id, lead_mediator_id, category, source \
     FROM cases INDEXED BY cases_performed_late WHERE performed_at > finished_at \
     AND performed_at / 86400 - finished_at / 86400 = ?1 AND finished_at >= ?2 AND finished_at < ?3 \
     AND performed_at >= ?4";

/// The follow-up visits due in `[?2, ?3)` and done at or after `?4` (the period's end), done
/// `?1` whole UTC days after their due day.
pub const VISIT_LATE_SQL: &str = "SELECT count(*) FROM followups INDEXED BY followups_done_late \
     WHERE done_at > due AND done_at / 86400 - due / 86400 = ?1 AND due >= ?2 AND due < ?3 AND done_at >= ?4";

/// The longest wait in whole UTC days between a visit's due day and its doing.
pub const VISIT_LATE_MAX_SQL: &str = "SELECT done_at / 86400 - due / 86400 FROM followups \
     INDEXED BY followups_done_late WHERE done_at > due ORDER BY 1 DESC LIMIT 1";

/// The longest wait in whole UTC days between a finish and a later performance.
pub const LATE_MAX_SQL: &str = "SELECT performed_at / 86400 - finished_at / 86400 FROM cases \
     INDEXED BY cases_performed_late WHERE performed_at > finished_at ORDER BY 1 DESC LIMIT 1";

/// A period's UTC range `[s, e)` cut into what is read from the cases (at most the two partial
/// days at its ends) and the blocks read from `stats_blocks`: `(span, first block, end block)`
/// — whole UTC days `[first × span, end × span)`. Together they cover `[s, e)` exactly once.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Cover {
    /// Ranges of seconds read from the cases.
    pub raw: Vec<(i64, i64)>,
    /// Ranges of blocks read from the counts.
    pub blocks: Vec<(i64, i64, i64)>,
    /// The seconds the blocks cover, `[from, to)` (empty when there are no blocks).
    pub inner: (i64, i64),
}

/// Cuts `[s, e)` ([`Cover`]); `cases_only` reads all of it from the cases.
pub fn cover(s: i64, e: i64, cases_only: bool) -> Cover {
    if s >= e {
        return Cover::default();
    }
    if cases_only {
        return Cover { raw: vec![(s, e)], ..Cover::default() };
    }
    let a = -(-s).div_euclid(DAY);
    let b = e.div_euclid(DAY);
    if a >= b {
        return Cover { raw: vec![(s, e)], ..Cover::default() };
    }
    let mut c = Cover { inner: (a * DAY, b * DAY), ..Cover::default() };
    for r in [(s, a * DAY), (b * DAY, e)] {
        if r.0 < r.1 {
            c.raw.push(r);
        }
    }
    cover_days(a, b, &SPANS, &mut c.blocks);
    c
}

fn cover_days(a: i64, b: i64, spans: &[i64], out: &mut Vec<(i64, i64, i64)>) {
    let Some((&w, rest)) = spans.split_first() else { return };
    let first = -(-a).div_euclid(w);
    let last = b.div_euclid(w);
    if first < last {
        cover_days(a, first * w, rest, out);
        out.push((w, first, last));
        cover_days(last * w, b, rest, out);
    } else {
        cover_days(a, b, rest, out);
    }
}

/// The minutes `m` with `m / 60 == bin` (Rust's and SQLite's division truncates toward zero, so
/// bin 0 holds -59 … 59).
pub fn bin_minutes(bin: i64) -> (i64, i64) {
    match bin {
        0 => (-59, 59),
        b if b > 0 => (60 * b, 60 * b + 59),
        b => (60 * b - 59, 60 * b),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn days(c: &Cover) -> i64 {
        c.blocks.iter().map(|(w, a, b)| w * (b - a)).sum::<i64>() * DAY + c.raw.iter().map(|(a, b)| b - a).sum::<i64>()
    }

    #[test]
    fn each_trigger_writes_its_counts_in_one_select_written_once() {
        let sql = compact_triggers();
        // Every process parses the whole schema when it opens the file: the counts' triggers
        // were ~64 KB with a SELECT per dimension and block length and an upsert in each.
        assert!(sql.len() < 20 * 1024, "{} bytes of trigger SQL", sql.len());
        assert_eq!(sql.matches("ON CONFLICT").count(), 1, "one upsert, in the view's trigger");
        let insert = insert_trigger(&GROUPS[0]);
        // The one SELECT of the counts, and the constants of block lengths and dimensions.
        assert_eq!(insert.matches("SELECT").count(), 1 + SPANS.len() + 3, "{insert}");
        assert_eq!(insert.matches("NEW.agreement").count(), 1, "{insert}");
    }

    #[test]
    fn the_logging_triggers_are_small_and_log_every_column_a_count_reads() {
        let sql = pending_schema();
        let triggers: String = sql.lines().filter(|l| l.starts_with("CREATE TRIGGER")).collect();
        // Every process parses the whole schema when it opens the file, and every statement
        // writing a case compiles its triggers: the triggers that computed the counts were 17 KB.
        assert!(triggers.len() < 3 * 1024, "{} bytes of trigger SQL", triggers.len());
        assert!(!triggers.contains("stats_blocks"), "the triggers only log rows");
        for (i, (_, pending, columns, groups)) in LOGS.iter().enumerate() {
            assert_eq!(triggers.matches(&format!("INSERT INTO {pending} VALUES")).count(), 3);
            for (_, _, _, read, time) in groups.iter() {
                for c in read.iter().chain([time]) {
                    assert!(columns.contains(c), "{pending} logs {c}");
                }
            }
            assert_eq!(fold_sql(i).len(), groups.len());
            assert!(fold_sql(i).iter().all(|s| s.matches("ON CONFLICT").count() == 1 && s.contains("c.sign")));
        }
    }

    #[test]
    fn the_cover_is_exact_and_small() {
        for (s, e) in
            [(0, 1), (5, DAY * 400 + 7), (DAY * 3 - 1, DAY * 3 + 1), (DAY * 10, DAY * 74), (-DAY * 3 + 5, DAY * 2)]
        {
            let c = cover(s, e, false);
            assert_eq!(days(&c), e - s, "{s}..{e}: {c:?}");
            assert!(c.raw.len() <= 2);
            let mut at = c.inner.0;
            for (w, a, b) in &c.blocks {
                assert_eq!(a * w * DAY, at);
                at = b * w * DAY;
            }
            assert_eq!(at, c.inner.1);
        }
        // A year of office days from 16:00 UTC: two partial days and a few blocks.
        let c = cover(DAY * 19_000 - 8 * 3600, DAY * 19_365 - 8 * 3600, false);
        assert_eq!(c.raw.len(), 2);
        assert!(c.blocks.len() <= 5, "{c:?}");
        assert_eq!(cover(10, 10, false), Cover::default());
        assert_eq!(cover(5, DAY * 9, true).raw, [(5, DAY * 9)]);
    }

    #[test]
    fn bins_hold_their_minutes() {
        for m in -200..200_i64 {
            let (lo, hi) = bin_minutes(m / 60);
            assert!(lo <= m && m <= hi, "{m}");
        }
    }
}

//! Schema migrations on `PRAGMA user_version`, run once even when many processes start at once.
//!
//! The partial indexes over case statuses are generated from the life-cycle sets
//! ([`partial_indexes`]); a change to a named set in `domain::lifecycle` appends one
//! `Migration::Generated(partial_indexes)` entry so existing databases get the new predicates.
//! A new case column appends one `Migration::Sql("ALTER TABLE cases ADD COLUMN …")` entry.

use std::sync::OnceLock;

use rusqlite::{Connection, TransactionBehavior};

use super::sql::status_in;
use crate::domain::StatusSet;
use crate::error::{Error, Result};

/// One schema step.
enum Migration {
    /// Fixed SQL.
    Sql(&'static str),
    /// SQL built from the domain's definitions when the migration runs.
    Generated(fn() -> String),
}

/// The partial indexes over statuses, dropped and re-created from the life-cycle sets.
pub fn partial_indexes() -> String {
    let indexes = [
        ("cases_incoming", "cases(risk_rank DESC, assign_due)", StatusSet::Unassigned),
        ("cases_open_by_mediator", "cases(lead_mediator_id, mediation_due)", StatusSet::Led),
        ("cases_open_by_committee", "cases(committee_id, tier)", StatusSet::Open),
    ];
    indexes
        .iter()
        .map(|(name, on, set)| {
            format!("DROP INDEX IF EXISTS {name};\nCREATE INDEX {name} ON {on} WHERE {};\n", status_in("", *set))
        })
        .collect()
}

/// The index over agreements whose judicial-confirmation window is still open, its status from
/// the domain as the `--jc-due` filter names it.
pub fn judicial_window_index() -> String {
    format!(
        "CREATE INDEX cases_judicial_window ON cases(finished_at) WHERE status = '{}' AND judicial_applied_at IS NULL;",
        crate::domain::Status::Resolved.code()
    )
}

/// The migrations, in order; `user_version` = how many have run.
const MIGRATIONS: &[Migration] = &[
    Migration::Sql(
        r#"
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE areas (
    id INTEGER PRIMARY KEY, code TEXT NOT NULL UNIQUE, parent_id INTEGER REFERENCES areas(id),
    level TEXT NOT NULL, name_zh TEXT NOT NULL, name_en TEXT NOT NULL);
CREATE TABLE committees (
    id INTEGER PRIMARY KEY, code TEXT NOT NULL UNIQUE, kind TEXT NOT NULL,
    area_id INTEGER NOT NULL REFERENCES areas(id), name_zh TEXT NOT NULL, name_en TEXT NOT NULL);
CREATE TABLE mediators (
    id INTEGER PRIMARY KEY, name TEXT NOT NULL, phone TEXT NOT NULL DEFAULT '',
    grid_worker INTEGER NOT NULL DEFAULT 0, specialties TEXT NOT NULL DEFAULT '',
    capacity INTEGER NOT NULL, on_duty INTEGER NOT NULL DEFAULT 1, last_assigned_at INTEGER);
CREATE INDEX mediators_name ON mediators(name);
CREATE TABLE mediator_committees (
    mediator_id INTEGER NOT NULL REFERENCES mediators(id),
    committee_id INTEGER NOT NULL REFERENCES committees(id),
    PRIMARY KEY (mediator_id, committee_id)) WITHOUT ROWID;
CREATE TABLE ref_seq (year INTEGER PRIMARY KEY, last INTEGER NOT NULL);
CREATE TABLE cases (
    id INTEGER PRIMARY KEY, ref TEXT NOT NULL UNIQUE, received_at INTEGER NOT NULL,
    source TEXT NOT NULL, category TEXT NOT NULL,
    applicant_name TEXT NOT NULL, applicant_phone TEXT NOT NULL, applicant_id_no TEXT NOT NULL,
    respondent_name TEXT NOT NULL, respondent_phone TEXT NOT NULL, respondent_id_no TEXT NOT NULL,
    summary TEXT NOT NULL, amount_fen INTEGER NOT NULL, area_id INTEGER NOT NULL REFERENCES areas(id),
    complexity TEXT NOT NULL, risk_flags TEXT NOT NULL, risk_level TEXT NOT NULL, risk_rank INTEGER NOT NULL,
    status TEXT NOT NULL, tier TEXT NOT NULL, committee_id INTEGER NOT NULL REFERENCES committees(id),
    joint INTEGER NOT NULL, lead_mediator_id INTEGER REFERENCES mediators(id), partners TEXT NOT NULL,
    assign_due INTEGER NOT NULL, mediation_due INTEGER, assigned_at INTEGER, finished_at INTEGER,
    agreement TEXT, performance_due INTEGER, performed INTEGER NOT NULL DEFAULT 0,
    judicial_confirmation INTEGER NOT NULL DEFAULT 0, outcome_note TEXT NOT NULL DEFAULT '',
    version INTEGER NOT NULL);
CREATE INDEX cases_status ON cases(status, received_at);
CREATE INDEX cases_received ON cases(received_at);
CREATE INDEX cases_finished ON cases(finished_at) WHERE finished_at IS NOT NULL;
CREATE TABLE followups (
    id INTEGER PRIMARY KEY, case_id INTEGER NOT NULL REFERENCES cases(id), due INTEGER NOT NULL,
    done_at INTEGER, channel TEXT, outcome TEXT, note TEXT NOT NULL DEFAULT '');
CREATE INDEX followups_pending ON followups(due) WHERE done_at IS NULL;
CREATE INDEX followups_case ON followups(case_id);
CREATE TABLE audit (
    id INTEGER PRIMARY KEY, at INTEGER NOT NULL, actor TEXT NOT NULL, action TEXT NOT NULL,
    case_id INTEGER REFERENCES cases(id), detail TEXT NOT NULL DEFAULT '{}');
CREATE INDEX audit_case ON audit(case_id);
CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
    BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
    BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
"#,
    ),
    Migration::Sql(
        r#"
CREATE TABLE schema_history (
    version INTEGER PRIMARY KEY, applied_at INTEGER NOT NULL, actor TEXT NOT NULL);
CREATE INDEX audit_action ON audit(action, case_id);
"#,
    ),
    // `INSERT OR REPLACE` deletes the row it collides with without firing delete triggers
    // (recursive_triggers is off), so an existing audit id must be refused before the insert.
    Migration::Sql(
        r#"
CREATE TRIGGER audit_no_replace BEFORE INSERT ON audit
    WHEN EXISTS (SELECT 1 FROM audit WHERE id = NEW.id)
    BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
"#,
    ),
    // The partial indexes over statuses, generated from the life-cycle sets. Migration 1 of
    // earlier builds wrote the same predicates by hand; this drops and re-creates them.
    Migration::Generated(partial_indexes),
    // The change feed (`store::feed`): a `changes` row per write, by triggers.
    Migration::Generated(super::feed::feed_schema),
    // After the agreement (issue 9): who made a follow-up visit, the rectification list (整改清单),
    // the 三个一 screening records with the cases their findings became, and the time the lead
    // mediator reported on site (到场).
    Migration::Sql(
        r#"
ALTER TABLE followups ADD COLUMN visitor TEXT NOT NULL DEFAULT '';
CREATE TABLE rectifications (
    id INTEGER PRIMARY KEY, case_id INTEGER NOT NULL REFERENCES cases(id),
    followup_id INTEGER REFERENCES followups(id), finding TEXT NOT NULL,
    owner_mediator_id INTEGER REFERENCES mediators(id), owner_committee_id INTEGER REFERENCES committees(id),
    due INTEGER NOT NULL, status TEXT NOT NULL, note TEXT NOT NULL DEFAULT '',
    created_at INTEGER NOT NULL, closed_at INTEGER);
CREATE INDEX rectifications_open ON rectifications(due) WHERE status = 'open';
CREATE INDEX rectifications_case ON rectifications(case_id);
CREATE TABLE screenings (
    id INTEGER PRIMARY KEY, committee_id INTEGER NOT NULL REFERENCES committees(id),
    period TEXT NOT NULL, screened_on TEXT NOT NULL, screened_by TEXT NOT NULL,
    places TEXT NOT NULL DEFAULT '', disputes_found INTEGER NOT NULL, note TEXT NOT NULL DEFAULT '',
    recorded_at INTEGER NOT NULL);
CREATE INDEX screenings_committee ON screenings(committee_id, period);
CREATE TABLE screening_cases (
    screening_id INTEGER NOT NULL REFERENCES screenings(id), case_id INTEGER NOT NULL REFERENCES cases(id),
    PRIMARY KEY (screening_id, case_id)) WITHOUT ROWID;
ALTER TABLE cases ADD COLUMN arrived_at INTEGER;
CREATE INDEX cases_arrived ON cases(received_at) WHERE arrived_at IS NOT NULL;
CREATE TRIGGER changes_rectifications_INSERT AFTER INSERT ON rectifications BEGIN
    INSERT INTO changes (kind, case_id) VALUES ('followup', NEW.case_id); END;
CREATE TRIGGER changes_rectifications_UPDATE AFTER UPDATE ON rectifications BEGIN
    INSERT INTO changes (kind, case_id) VALUES ('followup', NEW.case_id); END;
CREATE TRIGGER changes_screenings_INSERT AFTER INSERT ON screenings BEGIN
    INSERT INTO changes (kind) VALUES ('org'); END;
"#,
    ),
    // The rest of the life (issue 8): first session, extensions, the agreed amount, the route
    // told on failure, judicial confirmation and onward referral.
    Migration::Sql(
        r#"
ALTER TABLE cases ADD COLUMN mediation_started_at INTEGER;
ALTER TABLE cases ADD COLUMN session_place TEXT NOT NULL DEFAULT '';
ALTER TABLE cases ADD COLUMN session_mediators TEXT NOT NULL DEFAULT '';
ALTER TABLE cases ADD COLUMN extended_days INTEGER NOT NULL DEFAULT 0;
ALTER TABLE cases ADD COLUMN amount_agreed_fen INTEGER;
ALTER TABLE cases ADD COLUMN told_route TEXT;
ALTER TABLE cases ADD COLUMN judicial_applied_at INTEGER;
ALTER TABLE cases ADD COLUMN judicial_court TEXT NOT NULL DEFAULT '';
ALTER TABLE cases ADD COLUMN referred_to TEXT;
ALTER TABLE cases ADD COLUMN referred_body TEXT NOT NULL DEFAULT '';
ALTER TABLE cases ADD COLUMN referred_at INTEGER;
"#,
    ),
    Migration::Generated(judicial_window_index),
    // Statistics (domain::stats): when an agreement was performed, so `performed` can be counted
    // as of a period's end (earlier rows: performed ones are dated at their finish); and a
    // covering index over the finished cases, so a period's figures read no table rows.
    Migration::Sql(
        r#"
ALTER TABLE cases ADD COLUMN performed_at INTEGER;
UPDATE cases SET performed_at = finished_at WHERE performed = 1;
CREATE INDEX cases_stats ON cases(finished_at, status, category, source, tier, area_id, committee_id,
    lead_mediator_id, amount_fen, agreement, performed_at, judicial_confirmation) WHERE finished_at IS NOT NULL;
CREATE INDEX cases_assigned ON cases(assigned_at, received_at) WHERE assigned_at IS NOT NULL;
"#,
    ),
    // Imports that share the database (issue 12, `store::staging`): an import stages its validated,
    // routed rows here in short transactions, then publishes them into `cases` in short batches;
    // `imports.state` is staging → publishing → published (or abandoned).
    Migration::Sql(
        r#"
CREATE TABLE imports (
    id INTEGER PRIMARY KEY, started_at INTEGER NOT NULL, actor TEXT NOT NULL, pid INTEGER NOT NULL,
    source TEXT NOT NULL, state TEXT NOT NULL, staged INTEGER NOT NULL DEFAULT 0,
    published INTEGER NOT NULL DEFAULT 0, first_ref TEXT, last_ref TEXT, finished_at INTEGER);
CREATE INDEX imports_unfinished ON imports(state) WHERE state IN ('staging', 'publishing');
CREATE TABLE import_rows (
    import_id INTEGER NOT NULL REFERENCES imports(id), seq INTEGER NOT NULL, year INTEGER NOT NULL,
    row TEXT NOT NULL, PRIMARY KEY (import_id, seq)) WITHOUT ROWID;
"#,
    ),
    // Statistics at scale (issue 10): `cases_stats` covers every column the tally reads (it
    // lacked the mediation clock, so each finished case of a period cost a table lookup), and
    // follow-ups done and due in a period are counted through indexes, not a table scan.
    Migration::Sql(
        r#"
DROP INDEX IF EXISTS cases_stats;
CREATE INDEX cases_stats ON cases(finished_at, status, category, source, tier, area_id, committee_id,
    lead_mediator_id, amount_fen, agreement, performed_at, judicial_confirmation, mediation_due)
    WHERE finished_at IS NOT NULL;
CREATE INDEX followups_done ON followups(done_at) WHERE done_at IS NOT NULL;
CREATE INDEX followups_due ON followups(due, done_at);
"#,
    ),
    // Statistics fast enough to browse (issue 10): per-block counts kept by triggers on `cases`
    // (`store::report_blocks`), filled from the rows already there.
    Migration::Generated(super::report_blocks::stats_schema),
    // The follow-up visits done and due, counted the same way (a year's overdue visits were a
    // scan of the year's visits).
    Migration::Generated(super::report_blocks::visit_schema),
    // The statistics triggers in their compact form (one SELECT per group instead of one per
    // dimension and block length): every process parses the schema at open, and every write to
    // a case compiles its triggers.
    Migration::Generated(super::report_blocks::compact_triggers),
    // The same triggers adding through one view whose INSTEAD OF trigger holds the upsert
    // (written once instead of fifteen times).
    Migration::Generated(super::report_blocks::compact_triggers),
    // Counts kept at each commit (issue 13): triggers that only log the rows a count reads,
    // summed into the counts just before the commit (`report_fold::fold`).
    Migration::Generated(super::report_blocks::pending_schema),
    // An index no query reads (issue 13): every range on `finished_at` is read through an index
    // that covers it (`cases_stats`, `cases_judicial_window`, `cases_performed_late`, named in
    // their queries), so `cases_finished` only cost each finished case a write and a bulk load
    // its build (7 s at 10 million cases). Checked by a query plan of every statement the test
    // suite runs (see the generator results of 2026-11-29).
    Migration::Sql("DROP INDEX IF EXISTS cases_finished;"),
];

/// The SQL of every migration, generated ones built once.
fn migration_texts() -> &'static [String] {
    static TEXTS: OnceLock<Vec<String>> = OnceLock::new();
    TEXTS.get_or_init(|| {
        MIGRATIONS
            .iter()
            .map(|m| match m {
                Migration::Sql(sql) => (*sql).to_string(),
                Migration::Generated(make) => make(),
            })
            .collect()
    })
}

/// The triggers that keep the audit log append-only; `check` reports any that is missing.
pub const AUDIT_TRIGGERS: [&str; 3] = ["audit_no_update", "audit_no_delete", "audit_no_replace"];

/// The SQL of one migration (1-based), for tests that build an older database.
pub fn migration_sql(version: i64) -> Option<&'static str> {
    usize::try_from(version)
        .ok()
        .and_then(|v| v.checked_sub(1))
        .and_then(|i| migration_texts().get(i))
        .map(String::as_str)
}

/// The schema version this build writes.
pub const SCHEMA_VERSION: i64 = MIGRATIONS.len() as i64;

fn user_version(conn: &Connection) -> Result<i64> {
    Ok(conn.query_row("PRAGMA user_version", [], |r| r.get(0))?)
}

/// Refuses a database written by a newer duty-desk.
pub fn check_version(conn: &Connection) -> Result<i64> {
    let v = user_version(conn)?;
    if v > SCHEMA_VERSION {
        return Err(Error::Db(crate::msg!(
            "the database has schema version {v}, newer than this duty-desk understands ({SCHEMA_VERSION}); \
             upgrade duty-desk — nothing was changed",
            "数据库结构版本为 {v}，高于本 duty-desk 能识别的版本（{SCHEMA_VERSION}）；请升级 duty-desk——未作任何更改"
        )));
    }
    Ok(v)
}

/// Brings the schema up to date. The version is read again inside an IMMEDIATE transaction, so
/// when several processes start at once exactly one runs each migration.
pub fn migrate(conn: &mut Connection) -> Result<()> {
    if check_version(conn)? == SCHEMA_VERSION {
        return Ok(());
    }
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let current = check_version(&tx)?;
    for (i, sql) in migration_texts().iter().enumerate().skip(current as usize) {
        tx.execute_batch(sql)
            .map_err(|e| Error::Db(crate::msg!("migration {} failed: {e}; nothing was changed", "第 {} 次迁移失败：{e}；未作任何更改"; i + 1)))?;
    }
    let now = chrono::Utc::now().timestamp();
    let actor = super::os_login();
    for v in current + 1..=SCHEMA_VERSION {
        tx.execute(
            "INSERT INTO schema_history (version, applied_at, actor) VALUES (?1, ?2, ?3)",
            rusqlite::params![v, now, actor],
        )?;
    }
    tx.pragma_update(None, "user_version", SCHEMA_VERSION)?;
    // A migration that rewrote cases had its rows logged: counted in the same transaction.
    super::report_fold::fold(&tx)?;
    tx.commit()?;
    Ok(())
}

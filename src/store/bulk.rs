//! A bulk insert inside one transaction (the generator): every row trigger on `cases` and
//! `followups` — the change feed's (a `changes` row per row, a prune every 1,024) and the
//! statistics counts' (~20 upserts a case) — is set aside while it inserts, and their work is
//! done once at the end: the statistics counts of the new rows summed in one grouped pass
//! ([`super::report_blocks::sum_inserted_sql`]), the triggers back exactly as `sqlite_schema`
//! held them. When the batch is at least as large as what the tables hold, their secondary
//! indexes are set aside too and built again at the end from `sqlite_schema`'s own SQL (one
//! sort per index instead of ~20 random-order b-tree inserts per row; any index added later is
//! covered the same way; the unique constraints' own indexes stay, so a duplicate still fails).
//! The change feed needs no rows: the schema changes, so every desk reads everything again.
//! Nothing else sees the gap: the transaction holds the write lock, readers see the state before
//! it, and nothing is ever committed without its counts, triggers and indexes.
//!
//! A large batch into a database no other connection has open ([`leave_wal`]: a new demo file)
//! runs under SQLite's rollback journal instead of the WAL, and the database goes back to WAL
//! after the commit. In WAL mode the whole batch is written twice (to the log, then checkpointed
//! into the file), and every page the index builds and the sums read back is looked up in a
//! log as large as the database (SQLite searches its hash tables one 4,096-frame segment at a
//! time, so at 10 million cases each page read costs more than the sort it feeds). With the
//! rollback journal the new pages are written once, straight into the file, and only the few
//! pages that existed before go to the journal: a crash rolls the file back to what it was
//! (never a half-written database that looks complete). A desk that opens the file during
//! such a load waits for the write lock and, after [`super::BUSY_TIMEOUT`], is told the
//! database is busy; a desk that had it open keeps the load in WAL mode, where it goes on
//! reading the state before the load.

use std::path::Path;

use rusqlite::{Connection, Transaction};

use crate::error::Result;

/// The page cache a bulk insert uses, KiB, for the database and for the temporary tables that
/// sum the counts: every index of `cases` left in place takes its rows in its own order, and a
/// cache that holds the indexes' working set saves re-reading pages from the OS (SQLite's default
/// is 2 MB); the sorts that build the indexes and sum the counts keep up to this much in memory
/// before they spill.
const BULK_CACHE_KIB: u32 = 128 * 1024;

/// SQLite's default page cache, set back afterwards (`-KiB`).
const DEFAULT_CACHE: &str = "-2000";

/// Threads a large sort may use (SQLite's helper threads merge spilled runs in parallel).
const SORT_THREADS: u32 = 2;

/// The tables whose row triggers (and, for a large batch, indexes) are set aside.
const TABLES: &str = "('cases', 'followups')";

/// A bulk insert in progress: where the new rows start, the triggers and indexes set aside.
pub struct Bulk {
    cases_after: i64,
    visits_after: i64,
    triggers: Vec<(String, String)>,
    indexes: Vec<(String, String)>,
}

impl Bulk {
    /// Before the inserts of about `rows` cases: remembers where the new rows start, drops the
    /// row triggers, and the secondary indexes when `rows` is at least the cases already there.
    pub fn start(tx: &Transaction<'_>, rows: u64) -> Result<Bulk> {
        let max = |t: &str| tx.query_row(&format!("SELECT coalesce(max(id), 0) FROM {t}"), [], |r| r.get::<_, i64>(0));
        let triggers = set_aside(tx, "trigger")?;
        let indexes = match large(tx, rows)? {
            true => set_aside(tx, "index")?,
            false => Vec::new(),
        };
        tx.execute_batch(&format!(
            "PRAGMA cache_size = -{BULK_CACHE_KIB}; PRAGMA temp.cache_size = -{BULK_CACHE_KIB}; \
             PRAGMA threads = {SORT_THREADS}"
        ))?;
        Ok(Bulk { cases_after: max("cases")?, visits_after: max("followups")?, triggers, indexes })
    }

    /// After the inserts, before the commit: the indexes and triggers back, the new rows counted.
    pub fn finish(self, tx: &Transaction<'_>) -> Result<()> {
        for (_, sql) in self.indexes.iter().chain(&self.triggers) {
            tx.execute_batch(sql)?;
        }
        tx.execute_batch(&super::report_blocks::sum_inserted_sql(self.cases_after, self.visits_after))?;
        tx.execute_batch(&format!(
            "PRAGMA cache_size = {DEFAULT_CACHE}; PRAGMA temp.cache_size = {DEFAULT_CACHE}; PRAGMA threads = 0"
        ))?;
        Ok(())
    }
}

/// Whether a batch of `rows` cases is large for the database: at least the cases already there.
fn large(conn: &Connection, rows: u64) -> Result<bool> {
    let existing: i64 = conn.query_row("SELECT count(*) FROM cases", [], |r| r.get(0))?;
    Ok(u64::try_from(existing).is_ok_and(|e| rows >= e))
}

/// Before a bulk insert of about `rows` cases, outside its transaction: when the batch is large
/// and no other connection has the database open, switches it from WAL to the rollback journal
/// (the log deleted, not kept), and says whether it did; [`back_to_wal`] after the commit or the
/// rollback. Another connection open makes SQLite refuse at once (SQLITE_BUSY, no waiting): the
/// load then stays in WAL mode.
/// The switch checkpoints the log into the file `path`, as the database's own checkpoint (the
/// checked stamp follows it).
pub fn leave_wal(conn: &Connection, path: &Path, rows: u64) -> Result<bool> {
    if !large(conn, rows)? {
        return Ok(false);
    }
    super::persist_wal(conn, false);
    let switched = super::stamp::around_checkpoint(path, || {
        conn.query_row("PRAGMA journal_mode = DELETE", [], |r| r.get::<_, String>(0))
    });
    match switched {
        Ok(mode) if mode.eq_ignore_ascii_case("delete") => Ok(true),
        Ok(_) => {
            super::persist_wal(conn, true);
            Ok(false)
        }
        Err(e) if e.sqlite_error_code() == Some(rusqlite::ErrorCode::DatabaseBusy) => {
            super::persist_wal(conn, true);
            Ok(false)
        }
        Err(e) => {
            super::persist_wal(conn, true);
            Err(e.into())
        }
    }
}

/// After a bulk insert that [`leave_wal`] took out of WAL mode: back to WAL, the log kept again
/// when the last connection closes (as every writable connection sets it).
pub fn back_to_wal(conn: &Connection) -> Result<()> {
    let mode = super::switch_to_wal(conn)?;
    super::persist_wal(conn, true);
    match mode.eq_ignore_ascii_case("wal") {
        true => Ok(()),
        false => Err(crate::error::Error::Db(crate::msg!(
            "could not switch the database back to WAL after the bulk load (got {mode})",
            "批量写入后无法把数据库切换回 WAL 模式（得到 {mode}）"
        ))),
    }
}

/// Drops every `kind` (trigger or index) of the tables that `sqlite_schema` holds SQL for (not the
/// indexes of UNIQUE and PRIMARY KEY constraints), in schema order; returns their names and SQL.
fn set_aside(tx: &Transaction<'_>, kind: &str) -> Result<Vec<(String, String)>> {
    let found = tx
        .prepare(&format!(
            "SELECT name, sql FROM sqlite_schema WHERE type = ?1 AND tbl_name IN {TABLES} AND sql IS NOT NULL \
             ORDER BY rowid"
        ))?
        .query_map([kind], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    for (name, _) in &found {
        tx.execute_batch(&format!("DROP {} \"{}\"", kind.to_uppercase(), name.replace('"', "\"\"")))?;
    }
    Ok(found)
}

//! A bulk insert inside one transaction (the generator): every row trigger on `cases` and
//! `followups` — the change feed's (a `changes` row per row, a prune every 1,024) and the
//! statistics counts' (~20 upserts a case) — is set aside while it inserts, and their work is
//! done once at the end: the statistics counts of the new rows summed in Rust while they were
//! generated ([`Counts`], the same contributions as the triggers' SQL, per one-day block in a hash
//! map, the longer blocks summed from those) and added to `stats_blocks` in its key order; the
//! triggers back exactly as `sqlite_schema` held them. When the batch is at least as large as
//! what the tables hold, their secondary indexes are set aside too and built again at the end
//! from `sqlite_schema`'s own SQL (one sort per index instead of a b-tree insert per row and
//! index; any index added later is covered the same way; the unique constraints' own indexes
//! stay, so a duplicate still fails) — except the few partial indexes that hold a small share of
//! the rows ([`KEPT_INDEXES`]), which cost a row little more than their WHERE while building one
//! again costs a scan of the whole table.
//! The change feed needs no rows: the schema changes, so every desk reads everything again.
//! Nothing else sees the gap: the transaction holds the write lock, readers see the state before
//! it, and nothing is ever committed without its counts, triggers and indexes.
//!
//! The cases are generated (and counted) on a thread of their own while this one inserts them
//! ([`insert`]: batches over a bounded channel, given back to be freed where they were made); the
//! rows are bound borrowed from the cases, not copied, [`ROWS`] rows a statement (its own cost —
//! cursors opened and closed, its program started and halted — shared by as many rows; `OR FAIL`
//! and no explicit id, so SQLite keeps no statement journal for them), each case's follow-ups
//! given the id SQLite gives the case (the largest so far plus one; checked after every
//! statement). SQLite's foreign key enforcement (a lookup
//! in each parent table per row) is off for the load and the same check made in Rust against the
//! parents' ids ([`Parents`]); a failing check fails the load as SQLite's would. A large load
//! into an empty `followups` builds the follow-ups and their indexes on a third thread, in a
//! scratch file with a connection of its own, while this one inserts the cases and builds their
//! indexes, and copies them in at the end with SQLite's transfer ([`Scratch`]). The connection
//! runs the load with settings of its own ([`LoadSettings`]: a large cache, sort threads, a memory
//! map, no cell checks), its usual ones back afterwards.
//!
//! A large batch into a database no other connection has open ([`leave_wal`]: a new demo file)
//! runs under SQLite's rollback journal instead of the WAL, and the database goes back to WAL
//! after the commit. In WAL mode the whole batch is written twice (to the log, then checkpointed
//! into the file), and every page the index builds read back is looked up in a log as large as
//! the database (SQLite searches its hash tables one 4,096-frame segment at a time, so at 10
//! million cases each page read costs more than the sort it feeds). With the rollback journal
//! the new pages are written once, straight into the file, and only the few pages that existed
//! before go to the journal: a crash rolls the file back to what it was (never a half-written
//! database that looks complete). A desk that opens the file during such a load waits for the
//! write lock and, after [`super::BUSY_TIMEOUT`], is told the database is busy; a desk that had
//! it open keeps the load in WAL mode, where it goes on reading the state before the load.

use std::collections::{BTreeMap, HashSet};
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;

use rusqlite::{Connection, Transaction};

use super::case_row::{bind_case_at, case_values_per_row, insert_cases_many_sql};
use super::sql::ts;
use crate::domain::{Case, Followup};
use crate::error::Result;

mod counts;
mod scratch;

pub use counts::Counts;
pub use scratch::Scratch;

/// Cases sent from the generating thread to the inserting one at a time.
const BATCH: usize = 1024;

/// Rows a bulk load's INSERT statement writes at once (the statement's own cost — cursors opened
/// and closed, its program started and halted — shared by as many rows).
const ROWS: usize = 32;

/// Batches the generating thread may run ahead of the inserts.
const BATCHES_AHEAD: usize = 8;

/// The page cache a bulk insert uses, KiB: every index of `cases` left in place takes its rows in
/// its own order, and a cache that holds the indexes' working set saves re-reading pages from the
/// OS (SQLite's default is 2 MB). The scratch file's sorts (the follow-ups' indexes, built while
/// this connection inserts and sorts the cases) keep up to this much in memory before they spill
/// (512 MiB is the most SQLite's sorter takes): that thread has no core to spare for helpers.
const BULK_CACHE_KIB: u32 = 512 * 1024;

/// The page cache while a bulk load builds its indexes again, KiB. SQLite's sorter fills a run up
/// to the cache's size before it sorts it and writes it out, and with [`LOAD_SETTINGS`]' helper
/// threads a full run is sorted on another core while this one goes on reading the table, the
/// runs merged at the end; one run as large as the whole cache is sorted on this thread alone,
/// by a merge sort whose list outgrows the processor's caches. Measured at 10 million cases, run
/// back to back: the cases' six indexes built in 50.6 s with 64 MiB runs against 53.7 s with
/// 512 MiB ones, beside the scratch thread's sorts (one index built alone in the `sqlite3`
/// shell: 8.7 against 13.4 s).
const SORT_RUN_KIB: u32 = 64 * 1024;

/// How much of the file a bulk load reads through a memory map, bytes (SQLite caps it at its
/// compile-time maximum, 2 GB): pages and the sorter's spilled runs read in place instead of
/// copied by a `read` call each.
const BULK_MMAP_BYTES: u64 = 1 << 31;

/// The connection's settings for a bulk load, and the values it runs with: a page cache and sorter
/// memory as above, helper threads for the sorts (merging spilled runs in parallel), the file read
/// through a memory map, and no `cell_size_check` (the store's connections check every page's
/// cells as they read it, a defence against a corrupt file; the pages a load reads are the ones
/// it has just written). Together about 5-10 % of a load's time at 1 million cases.
const LOAD_SETTINGS: [(&str, i64); 5] = [
    ("cache_size", -(BULK_CACHE_KIB as i64)),
    ("temp.cache_size", -(BULK_CACHE_KIB as i64)),
    ("threads", 2),
    ("mmap_size", BULK_MMAP_BYTES as i64),
    ("cell_size_check", 0),
];

/// [`LOAD_SETTINGS`] in force on a connection, and its own settings put back when this is
/// dropped — after the load's transaction committed or rolled back, whatever failed.
pub struct LoadSettings<'c> {
    conn: &'c Connection,
    saved: Vec<(&'static str, i64)>,
}

impl<'c> LoadSettings<'c> {
    /// Reads the connection's settings, then sets [`LOAD_SETTINGS`] (outside the transaction).
    pub fn apply(conn: &'c Connection) -> Result<LoadSettings<'c>> {
        let mut settings = LoadSettings { conn, saved: Vec::with_capacity(LOAD_SETTINGS.len()) };
        for (name, value) in LOAD_SETTINGS {
            let was: i64 = conn.query_row(&format!("PRAGMA {name}"), [], |r| r.get(0))?;
            settings.saved.push((name, was));
            conn.execute_batch(&format!("PRAGMA {name} = {value}"))?;
        }
        Ok(settings)
    }
}

impl Drop for LoadSettings<'_> {
    fn drop(&mut self) {
        for &(name, was) in self.saved.iter().rev() {
            // Nothing to report to: at worst the connection keeps a larger cache until it closes.
            let _ = self.conn.execute_batch(&format!("PRAGMA {name} = {was}"));
        }
    }
}

/// The partial indexes a large batch keeps in place: each holds a small share of a generated
/// history (open cases, agreements not yet taken to court, pending visits, arrivals), so a row
/// costs them little more than their WHERE, while building one again costs a scan of the whole
/// table (seconds at 10 million cases) for a few rows.
const KEPT_INDEXES: [&str; 6] = [
    "cases_incoming",
    "cases_open_by_mediator",
    "cases_open_by_committee",
    "cases_arrived",
    "cases_judicial_window",
    "followups_pending",
];

/// The tables whose row triggers (and, for a large batch, indexes) are set aside.
const TABLES: &str = "('cases', 'followups')";

/// A bulk insert in progress: the triggers and indexes set aside, and the scratch file that
/// builds the follow-ups when there is one.
pub struct Bulk<'s> {
    triggers: Vec<(String, String)>,
    indexes: Vec<(String, String)>,
    scratch: Option<&'s Scratch>,
}

impl<'s> Bulk<'s> {
    /// Before the inserts of about `rows` cases: drops the row triggers, and the secondary indexes
    /// (but [`KEPT_INDEXES`]) when `rows` is at least the cases already there — but the
    /// follow-ups' when `scratch` builds them (their table is empty: they cost nothing, and the
    /// transfer needs them in place).
    pub fn start(tx: &Transaction<'_>, rows: u64, scratch: Option<&'s Scratch>) -> Result<Bulk<'s>> {
        let triggers = set_aside(tx, "trigger", |_| true)?;
        let indexes = match large(tx, rows)? {
            true => set_aside(tx, "index", |name| !scratch.is_some_and(|s| s.has_index(name)))?,
            false => Vec::new(),
        };
        Ok(Bulk { triggers, indexes, scratch })
    }

    /// After the inserts ([`insert`] built the indexes again), before the commit: the triggers
    /// back, the new rows' `counts` added.
    pub fn finish(self, tx: &Transaction<'_>, counts: Counts) -> Result<()> {
        for (_, sql) in self.indexes.iter().chain(&self.triggers) {
            tx.execute_batch(sql)?;
        }
        counts.write(tx)?;
        Ok(())
    }

    /// The indexes set aside built again (each by one sort, in runs of [`SORT_RUN_KIB`]), from
    /// `sqlite_schema`'s own SQL; the page cache it had back after.
    fn build_indexes(&mut self, tx: &Transaction<'_>) -> Result<()> {
        let cache: i64 = tx.query_row("PRAGMA cache_size", [], |r| r.get(0))?;
        tx.execute_batch(&format!("PRAGMA cache_size = -{SORT_RUN_KIB}"))?;
        for (_, sql) in std::mem::take(&mut self.indexes) {
            tx.execute_batch(&sql)?;
        }
        tx.execute_batch(&format!("PRAGMA cache_size = {cache}"))?;
        Ok(())
    }
}

/// The inserts of a bulk load: `cases` generated (and counted, [`Counts`]) on a thread of their
/// own while this one inserts them, a bounded channel between, and the indexes `bulk` set aside
/// built again; returns the cases inserted, the last ref sequence per year among them, and their
/// counts. With a scratch file ([`Scratch`]) the follow-ups go to a third thread, which inserts
/// them there and builds their indexes while this one does the cases', and are then copied in.
/// An insert that fails on either side stops the others (their channels close) and its error is
/// returned.
pub fn insert<I>(
    tx: &Transaction<'_>,
    cases: I,
    parents: Option<&Parents>,
    bulk: &mut Bulk<'_>,
) -> Result<(u64, BTreeMap<i64, i64>, Counts)>
where
    I: Iterator<Item = (Case, Vec<Followup>)> + Send,
{
    // The ids SQLite gives the cases (the largest so far plus one: nothing else writes inside the
    // transaction), known before a case's statement runs so its follow-ups can name it; checked
    // after every statement.
    let first_id: i64 = tx.query_row("SELECT coalesce(max(id), 0) + 1 FROM cases", [], |r| r.get(0))?;
    let scratch = bulk.scratch;
    let failed = AtomicBool::new(false);
    std::thread::scope(|scope| {
        let (send, receive) = mpsc::sync_channel::<Batch>(BATCHES_AHEAD);
        // The batches come back once inserted, to be freed where they were allocated (freeing
        // on the other thread contends for the allocator's lock).
        let (give_back, take_back) = mpsc::channel::<Batch>();
        let (to_scratch, building) = match scratch {
            Some(s) => {
                let (send, receive) = mpsc::sync_channel::<Vec<Followup>>(BATCHES_AHEAD);
                let failed = &failed;
                (Some(send), Some(scope.spawn(move || s.build(receive, failed))))
            }
            None => (None, None),
        };
        let generating = scope.spawn(move || {
            let mut counts = Counts::default();
            let mut batch = Vec::with_capacity(BATCH);
            let mut visits: Vec<Followup> = Vec::new();
            for (id, (case, mut followups)) in (first_id..).zip(cases) {
                counts.case(&case);
                for f in &followups {
                    counts.followup(f);
                }
                if to_scratch.is_some() {
                    visits.extend(followups.drain(..).map(|f| Followup { case_id: id, ..f }));
                }
                batch.push((case, followups));
                if batch.len() == BATCH {
                    if let Some(to) = &to_scratch {
                        if to.send(std::mem::take(&mut visits)).is_err() {
                            return counts;
                        }
                    }
                    let mut next = take_back.try_recv().unwrap_or_else(|_| Vec::with_capacity(BATCH));
                    next.clear();
                    if send.send(std::mem::replace(&mut batch, next)).is_err() {
                        return counts;
                    }
                }
            }
            // A closed channel: that side failed, and says why.
            if let Some(to) = &to_scratch {
                let _ = to.send(visits);
            }
            if !batch.is_empty() {
                let _ = send.send(batch);
            }
            counts
        });
        let mut done = insert_batches(tx, receive, give_back, parents, first_id).and_then(|inserted| {
            bulk.build_indexes(tx)?;
            Ok(inserted)
        });
        if done.is_err() {
            failed.store(true, Ordering::Relaxed);
        }
        let counts = generating.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        if let (Some(building), Some(s)) = (building, scratch) {
            let built = building.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic));
            done = match (done, built) {
                (Ok(inserted), Ok(())) => s.transfer(tx).map(|()| inserted),
                (Err(e), _) | (Ok(_), Err(e)) => Err(e),
            };
        }
        let (n, last_seq) = done?;
        Ok((n, last_seq, counts))
    })
}

/// Cases with their follow-ups, on their way to the inserts.
type Batch = Vec<(Case, Vec<Followup>)>;

/// Inserts the batches `receive` brings until the generating side closes it, giving each back
/// once inserted; the first case gets the id `first_id`.
fn insert_batches(
    tx: &Transaction<'_>,
    receive: mpsc::Receiver<Batch>,
    give_back: mpsc::Sender<Batch>,
    parents: Option<&Parents>,
    first_id: i64,
) -> Result<(u64, BTreeMap<i64, i64>)> {
    let mut n = 0u64;
    let mut last_seq: BTreeMap<i64, i64> = BTreeMap::new();
    let mut next_id = first_id;
    let mut cases_many = tx.prepare(&insert_cases_many_sql(ROWS))?;
    let mut cases_one = tx.prepare(&insert_cases_many_sql(1))?;
    let per_case = case_values_per_row();
    let mut visit_stmts = FollowupStatements::prepare(tx)?;
    for batch in receive {
        let mut visits: Vec<(i64, &Followup)> = Vec::with_capacity(batch.len() * 2);
        for chunk in batch.chunks(ROWS) {
            let stmt = if chunk.len() == ROWS { &mut cases_many } else { &mut cases_one };
            for (i, (case, followups)) in chunk.iter().enumerate() {
                if let Some(p) = parents {
                    p.check(case)?;
                }
                if let Some((year, seq)) = super::commands::ref_year_seq(&case.reference) {
                    let e = last_seq.entry(year).or_insert(0);
                    *e = (*e).max(seq);
                }
                visits.extend(followups.iter().map(|f| (next_id, f)));
                let first = if chunk.len() == ROWS { per_case * i + 1 } else { 1 };
                bind_case_at(stmt, first, case)?;
                if chunk.len() != ROWS {
                    stmt.raw_execute()?;
                    expect_id(tx, next_id)?;
                }
                next_id += 1;
                n += 1;
            }
            if chunk.len() == ROWS {
                stmt.raw_execute()?;
                expect_id(tx, next_id - 1)?;
            }
        }
        insert_followups(&mut visit_stmts, &visits)?;
        // The generating side gone (it finished): the batch is freed here.
        let _ = give_back.send(batch);
    }
    Ok((n, last_seq))
}

/// The INSERTs of follow-ups: [`ROWS`] rows a statement, and one.
struct FollowupStatements<'c> {
    many: rusqlite::Statement<'c>,
    one: rusqlite::Statement<'c>,
}

impl<'c> FollowupStatements<'c> {
    fn prepare(conn: &'c Connection) -> Result<FollowupStatements<'c>> {
        let sql = |rows: usize| {
            format!(
                "INSERT OR FAIL INTO followups (case_id, due, done_at, channel, outcome, note) VALUES {}",
                vec!["(?, ?, ?, ?, ?, ?)"; rows].join(", ")
            )
        };
        Ok(FollowupStatements { many: conn.prepare(&sql(ROWS))?, one: conn.prepare(&sql(1))? })
    }
}

/// Inserts the follow-ups `visits` (each with its case's id).
fn insert_followups(stmts: &mut FollowupStatements<'_>, visits: &[(i64, &Followup)]) -> Result<()> {
    for chunk in visits.chunks(ROWS) {
        let stmt = if chunk.len() == ROWS { &mut stmts.many } else { &mut stmts.one };
        for (i, (case_id, f)) in chunk.iter().enumerate() {
            let first = if chunk.len() == ROWS { 6 * i + 1 } else { 1 };
            stmt.raw_bind_parameter(first, case_id)?;
            stmt.raw_bind_parameter(first + 1, ts(f.due))?;
            stmt.raw_bind_parameter(first + 2, f.done_at.map(ts))?;
            stmt.raw_bind_parameter(first + 3, f.channel.map(|c| c.code()))?;
            stmt.raw_bind_parameter(first + 4, f.outcome.map(|o| o.code()))?;
            stmt.raw_bind_parameter(first + 5, &f.note)?;
            if chunk.len() != ROWS {
                stmt.raw_execute()?;
            }
        }
        if chunk.len() == ROWS {
            stmt.raw_execute()?;
        }
    }
    Ok(())
}

/// That the last case inserted got the id `id` its follow-ups were given (SQLite's largest plus
/// one), or an error: the load fails rather than attach visits to the wrong case.
fn expect_id(tx: &Transaction<'_>, id: i64) -> Result<()> {
    match tx.last_insert_rowid() {
        got if got == id => Ok(()),
        got => Err(crate::error::Error::Db(crate::msg!(
            "the bulk load expected case id {id} and SQLite gave {got}; nothing was loaded",
            "批量写入预期案件编号 {id}，SQLite 给出 {got}；未写入任何数据"
        ))),
    }
}

/// The foreign keys of the rows a bulk load writes, as the schema declares them: (table,
/// column, parent table, parent column).
const FOREIGN_KEYS: [(&str, &str, &str, &str); 4] = [
    ("cases", "area_id", "areas", "id"),
    ("cases", "committee_id", "committees", "id"),
    ("cases", "lead_mediator_id", "mediators", "id"),
    ("followups", "case_id", "cases", "id"),
];

/// The parent ids a bulk load's cases may refer to, for checking its foreign keys in Rust while
/// SQLite's enforcement is off for the load (each row's check cost SQLite a lookup in each parent
/// table). A follow-up's case is the case just inserted, always there.
pub struct Parents {
    areas: HashSet<i64>,
    committees: HashSet<i64>,
    mediators: HashSet<i64>,
}

impl Parents {
    /// The parents' ids, when the foreign keys of `cases` and `followups` are exactly
    /// [`FOREIGN_KEYS`] (`None` otherwise: SQLite then checks them, as for any write).
    pub fn read(conn: &Connection) -> Result<Option<Parents>> {
        let mut declared: Vec<(String, String, String, String)> = conn
            .prepare(
                "SELECT m.name, f.\"from\", f.\"table\", coalesce(f.\"to\", '') FROM \
                 (SELECT 'cases' AS name UNION ALL SELECT 'followups') m, pragma_foreign_key_list(m.name) f",
            )?
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?
            .collect::<rusqlite::Result<_>>()?;
        declared.sort();
        let mut expected: Vec<(String, String, String, String)> = FOREIGN_KEYS
            .iter()
            .map(|(t, c, p, pc)| (t.to_string(), c.to_string(), p.to_string(), pc.to_string()))
            .collect();
        expected.sort();
        if declared != expected {
            return Ok(None);
        }
        let ids = |table: &str| -> Result<HashSet<i64>> {
            Ok(conn
                .prepare(&format!("SELECT id FROM {table}"))?
                .query_map([], |r| r.get(0))?
                .collect::<rusqlite::Result<_>>()?)
        };
        Ok(Some(Parents { areas: ids("areas")?, committees: ids("committees")?, mediators: ids("mediators")? }))
    }

    /// What SQLite's foreign key enforcement would say of the case row: its area, committee and
    /// lead mediator (when it has one) exist.
    fn check(&self, c: &Case) -> Result<()> {
        let ok = self.areas.contains(&c.area_id)
            && self.committees.contains(&c.committee_id)
            && c.lead_mediator_id.is_none_or(|m| self.mediators.contains(&m));
        match ok {
            true => Ok(()),
            false => Err(rusqlite::Error::SqliteFailure(
                rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_CONSTRAINT_FOREIGNKEY),
                Some(format!("FOREIGN KEY constraint failed (case {})", c.reference)),
            )
            .into()),
        }
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
/// indexes of UNIQUE and PRIMARY KEY constraints, nor [`KEPT_INDEXES`]) whose name `wanted`, in
/// schema order; returns their names and SQL.
fn set_aside(tx: &Transaction<'_>, kind: &str, wanted: impl Fn(&str) -> bool) -> Result<Vec<(String, String)>> {
    let found: Vec<(String, String)> = tx
        .prepare(&format!(
            "SELECT name, sql FROM sqlite_schema WHERE type = ?1 AND tbl_name IN {TABLES} AND sql IS NOT NULL \
             ORDER BY rowid"
        ))?
        .query_map([kind], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?
        .filter(|r| !matches!(r, Ok((name, _)) if KEPT_INDEXES.contains(&name.as_str()) || !wanted(name)))
        .collect::<rusqlite::Result<Vec<_>>>()?;
    for (name, _) in &found {
        tx.execute_batch(&format!("DROP {} \"{}\"", kind.to_uppercase(), name.replace('"', "\"\"")))?;
    }
    Ok(found)
}

#[cfg(test)]
mod tests {
    use tempfile::TempDir;

    use super::{LoadSettings, LOAD_SETTINGS};
    use crate::domain::testing::TestResult;
    use crate::store::Store;

    #[test]
    fn a_load_s_settings_hold_while_it_runs_and_the_connection_s_own_come_back_after() -> TestResult {
        let dir = TempDir::new()?;
        let store = Store::create(&dir.path().join("t.db"))?;
        let conn = &store.conn;
        let read = |name: &str| conn.query_row(&format!("PRAGMA {name}"), [], |r| r.get::<_, i64>(0));
        let all = || LOAD_SETTINGS.iter().map(|(name, _)| read(name)).collect::<rusqlite::Result<Vec<i64>>>();
        let own = all()?;
        assert_eq!(read("cell_size_check")?, 1, "the store's connections check cells");
        {
            let _settings = LoadSettings::apply(conn)?;
            for (name, value) in LOAD_SETTINGS {
                // SQLite caps the memory map at its compile-time maximum.
                match name {
                    "mmap_size" => assert!(read(name)? > 0, "{name}"),
                    _ => assert_eq!(read(name)?, value, "{name}"),
                }
            }
        }
        assert_eq!(all()?, own);
        Ok(())
    }
}

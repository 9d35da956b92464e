//! A large bulk load's follow-ups built on the second core (issue 13: the generator at scale):
//! SQLite writes a database from one thread, so while this connection inserts the cases, a
//! second connection on a thread of its own inserts the follow-ups into a scratch file beside
//! the database and builds their indexes there; at the end, inside the load's transaction, they
//! are copied in with SQLite's transfer optimisation (`INSERT INTO followups SELECT * FROM
//! scratch.followups` into an empty table with the same columns and indexes, no triggers and
//! foreign keys off copies the table and each index record by record in order: no sort, no
//! b-tree search).
//!
//! Only for a load into an empty `followups` that sets the indexes aside ([`super::Bulk`]) with
//! SQLite's foreign key enforcement off ([`super::Parents`]): any other load goes the plain way.
//! The follow-ups get the ids a plain load gives them (1, 2, … in the same order) and name their
//! cases by the ids SQLite gives the cases (checked as they are inserted). The scratch file is
//! created by [`files::create_new_file`] (never over an existing file), attached before the
//! transaction (SQLite attaches nothing inside one), and removed when the [`Scratch`] is dropped,
//! whatever happened; a failure on either side fails the load, whose transaction rolls back.
//! The load's transaction is begun deferred ([`Scratch::begin`]): an immediate one would take
//! the write lock on every attached file, the scratch file too, which the other connection
//! writes.

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;

use rusqlite::{Connection, Transaction, TransactionBehavior};

use super::super::{files, WriteTx};
use super::{insert_followups, FollowupStatements, BULK_CACHE_KIB, BULK_MMAP_BYTES, KEPT_INDEXES};
use crate::domain::Followup;
use crate::error::Result;

/// The name the scratch file is attached as.
const SCHEMA: &str = "bulk_scratch";

/// The scratch file of a load in progress: removed when dropped.
pub struct Scratch {
    path: PathBuf,
    /// `CREATE TABLE followups` as the database holds it.
    table: String,
    /// The follow-ups' indexes (name, SQL), in schema order.
    indexes: Vec<(String, String)>,
}

impl Scratch {
    /// Before the transaction of a load of about `rows` cases into the database at `path`, with
    /// SQLite's foreign key enforcement off: when `followups` is empty and the load is large,
    /// creates the scratch file beside the database and attaches it; `None` otherwise (also when
    /// the file cannot be created or its path is not UTF-8: the load then goes the plain way).
    pub fn attach(conn: &Connection, path: &Path, rows: u64) -> Result<Option<Scratch>> {
        let enforced: bool = conn.query_row("PRAGMA foreign_keys", [], |r| r.get(0))?;
        let empty: bool = conn.query_row("SELECT NOT EXISTS (SELECT 1 FROM followups)", [], |r| r.get(0))?;
        if enforced || !empty || !super::large(conn, rows)? {
            return Ok(None);
        }
        let table: String =
            conn.query_row("SELECT sql FROM sqlite_schema WHERE type = 'table' AND name = 'followups'", [], |r| {
                r.get(0)
            })?;
        let indexes: Vec<(String, String)> = conn
            .prepare(
                "SELECT name, sql FROM sqlite_schema WHERE type = 'index' AND tbl_name = 'followups' \
                 AND sql IS NOT NULL ORDER BY rowid",
            )?
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<_>>()?;
        let mut name = OsString::from(path.as_os_str());
        name.push(format!(".bulk-followups-{}", std::process::id()));
        let path = PathBuf::from(name);
        let Some(file) = path.to_str().map(str::to_owned) else {
            return Ok(None);
        };
        if files::create_new_file(&path).is_err() {
            return Ok(None);
        }
        // From here on the file is ours, removed when the scratch is dropped.
        let scratch = Scratch { path, table, indexes };
        // An optimisation only: when SQLite will not attach it, the load goes the plain way
        // (and the file is removed).
        match conn.execute(&format!("ATTACH DATABASE ?1 AS {SCHEMA}"), [file]) {
            Ok(_) => Ok(Some(scratch)),
            Err(_) => Ok(None),
        }
    }

    /// The load's transaction, deferred: its first write takes the write lock on the database
    /// (the scratch file, which the other connection writes, is only read at the end).
    pub(crate) fn begin(conn: &Connection) -> Result<WriteTx<'_>> {
        WriteTx::begin(conn, TransactionBehavior::Deferred)
    }

    /// After the load's transaction ended: detached, and the file removed (by the drop).
    pub fn detach(self, conn: &Connection) {
        let _ = conn.execute_batch(&format!("DETACH DATABASE {SCHEMA}"));
    }

    /// Whether `name` is one of the follow-ups' indexes (left in place in the database while
    /// the scratch file builds them).
    pub(super) fn has_index(&self, name: &str) -> bool {
        self.indexes.iter().any(|(n, _)| n == name)
    }

    /// The other connection's work, on a thread of its own: the follow-ups `receive` brings
    /// (each naming its case's id) inserted into the scratch file, then its indexes built. Stops
    /// without building them when `failed` says the load failed.
    pub(super) fn build(&self, receive: mpsc::Receiver<Vec<Followup>>, failed: &AtomicBool) -> Result<()> {
        let conn = Connection::open(&self.path)?;
        // Nothing here has to survive a crash: the load's transaction holds the real data. The
        // cases the follow-ups name are in the database, not here (their ids checked there).
        conn.query_row("PRAGMA journal_mode = OFF", [], |r| r.get::<_, String>(0))?;
        conn.execute_batch(&format!(
            "PRAGMA foreign_keys = OFF; PRAGMA synchronous = OFF; PRAGMA locking_mode = EXCLUSIVE; PRAGMA cache_size = -{BULK_CACHE_KIB}; \
             PRAGMA temp.cache_size = -{BULK_CACHE_KIB}; PRAGMA mmap_size = {BULK_MMAP_BYTES}"
        ))?;
        let tx = Transaction::new_unchecked(&conn, TransactionBehavior::Immediate)?;
        tx.execute_batch(&self.table)?;
        let (kept, later): (Vec<_>, Vec<_>) =
            self.indexes.iter().partition(|(name, _)| KEPT_INDEXES.contains(&name.as_str()));
        for (_, sql) in kept {
            tx.execute_batch(sql)?;
        }
        {
            let mut stmts = FollowupStatements::prepare(&tx)?;
            for batch in receive {
                insert_followups(&mut stmts, &batch.iter().map(|f| (f.case_id, f)).collect::<Vec<_>>())?;
            }
        }
        if failed.load(Ordering::Relaxed) {
            return Ok(());
        }
        for (_, sql) in later {
            tx.execute_batch(sql)?;
        }
        tx.commit()?;
        Ok(())
    }

    /// Inside the load's transaction, after [`Scratch::build`] finished: the follow-ups and their
    /// indexes copied in (SQLite's transfer optimisation: `followups` empty, the same indexes,
    /// no triggers, foreign keys off).
    pub(super) fn transfer(&self, tx: &Transaction<'_>) -> Result<()> {
        tx.execute(&Self::transfer_sql(), [])?;
        Ok(())
    }

    /// The statement [`Scratch::transfer`] runs (its program shows whether SQLite transfers).
    pub fn transfer_sql() -> String {
        format!("INSERT INTO main.followups SELECT * FROM {SCHEMA}.followups")
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.path);
    }
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;
    use std::sync::atomic::AtomicBool;
    use std::sync::mpsc;

    use tempfile::TempDir;

    use super::super::Bulk;
    use super::Scratch;
    use crate::domain::testing::TestResult;
    use crate::store::Store;

    /// A new database in a directory of its own (kept while the test runs), and its path.
    fn new_store() -> Result<(TempDir, PathBuf, Store), Box<dyn std::error::Error>> {
        let dir = TempDir::new()?;
        let path = dir.path().join("t.db");
        let store = Store::create(&path)?;
        Ok((dir, path, store))
    }

    #[test]
    fn the_follow_ups_are_copied_by_sqlites_transfer_and_the_scratch_file_is_removed() -> TestResult {
        let (_dir, path, store) = new_store()?;
        let conn = &store.conn;
        conn.execute_batch("PRAGMA foreign_keys = OFF")?;
        let scratch = Scratch::attach(conn, &path, 10)?.ok_or("an empty database takes the scratch path")?;
        let file = scratch.path.clone();
        assert!(file.exists());
        let (send, receive) = mpsc::sync_channel(1);
        drop(send);
        scratch.build(receive, &AtomicBool::new(false))?;
        {
            let tx = Scratch::begin(conn)?;
            let _bulk = Bulk::start(&tx, 10, Some(&scratch))?;
            let ops: Vec<String> = tx
                .prepare(&format!("EXPLAIN {}", Scratch::transfer_sql()))?
                .query_map([], |r| r.get(1))?
                .collect::<rusqlite::Result<_>>()?;
            // The transfer: each record copied as it is (RowCell for the table's, RowData for
            // every index's), in order; no row decoded into columns, nothing sorted.
            assert!(!ops.iter().any(|o| o == "Column" || o.starts_with("Sorter")), "{ops:?}");
            let copies = ops.iter().filter(|o| *o == "RowData" || *o == "RowCell").count();
            assert_eq!(copies, 1 + scratch.indexes.len(), "{ops:?}");
            assert_eq!(ops.iter().filter(|o| *o == "IdxInsert").count(), scratch.indexes.len(), "{ops:?}");
            assert!(scratch.indexes.len() >= 4, "every index of the follow-ups is there");
        }
        scratch.detach(conn);
        assert!(!file.exists(), "the scratch file is removed");
        Ok(())
    }

    #[test]
    fn a_table_with_follow_ups_or_with_foreign_keys_enforced_goes_the_plain_way() -> TestResult {
        let (dir, path, store) = new_store()?;
        let conn = &store.conn;
        conn.execute_batch("PRAGMA foreign_keys = ON")?;
        assert!(Scratch::attach(conn, &path, 10)?.is_none(), "foreign keys enforced");
        conn.execute_batch("PRAGMA foreign_keys = OFF")?;
        // Foreign keys off, but SQLite refuses the attachment (the name taken): the plain way,
        // and the file made for it removed.
        conn.execute_batch("PRAGMA foreign_keys = OFF; ATTACH ':memory:' AS bulk_scratch")?;
        assert!(Scratch::attach(conn, &path, 10)?.is_none(), "not attached");
        conn.execute_batch("DETACH bulk_scratch")?;
        // Foreign keys off (the load's own check), but a follow-up already there.
        conn.execute_batch("PRAGMA foreign_keys = OFF; INSERT INTO followups (case_id, due) VALUES (1, 0)")?;
        assert!(Scratch::attach(conn, &path, 10)?.is_none(), "follow-ups already there");
        let names = std::fs::read_dir(dir.path())?
            .map(|e| Ok(e?.file_name().to_string_lossy().into_owned()))
            .collect::<std::io::Result<Vec<String>>>()?;
        assert!(!names.iter().any(|n| n.contains("bulk-followups")), "{names:?}");
        Ok(())
    }
}

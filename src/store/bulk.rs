//! A bulk insert inside one transaction (the generator): every row trigger on `cases` and
//! `followups` — the change feed's (a `changes` row per row, a prune every 1,024) and the
//! statistics counts' (~20 upserts a case) — is set aside while it inserts, and their work is
//! done once at the end: the statistics counts of the new rows summed in one grouped pass
//! ([`super::report_blocks::sum_inserted_sql`]), the triggers back exactly as `sqlite_schema`
//! held them. The change feed needs no rows: the schema changes twice, so every desk reads
//! everything again. Nothing else sees the gap: the transaction holds the write lock, readers
//! see the state before it, and nothing is ever committed without its counts.

use rusqlite::Transaction;

use crate::error::Result;

/// The page cache a bulk insert uses, KiB: every index of `cases` takes its rows in its own
/// order, and a cache that holds the indexes' working set saves re-reading pages from the OS
/// (SQLite's default is 2 MB).
const BULK_CACHE_KIB: u32 = 128 * 1024;

/// SQLite's default page cache, set back afterwards (`-KiB`).
const DEFAULT_CACHE: &str = "-2000";

/// A bulk insert in progress: where the new rows start and the triggers set aside.
pub struct Bulk {
    cases_after: i64,
    visits_after: i64,
    triggers: Vec<(String, String)>,
}

impl Bulk {
    /// Before the inserts: remembers where the new rows start, drops the row triggers.
    pub fn start(tx: &Transaction<'_>) -> Result<Bulk> {
        let max = |t: &str| tx.query_row(&format!("SELECT coalesce(max(id), 0) FROM {t}"), [], |r| r.get::<_, i64>(0));
        let triggers = tx
            .prepare(
                "SELECT name, sql FROM sqlite_schema WHERE type = 'trigger' AND tbl_name IN ('cases', 'followups')",
            )?
            .query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        for (name, _) in &triggers {
            tx.execute_batch(&format!("DROP TRIGGER \"{}\"", name.replace('"', "\"\"")))?;
        }
        tx.execute_batch(&format!("PRAGMA cache_size = -{BULK_CACHE_KIB}"))?;
        Ok(Bulk { cases_after: max("cases")?, visits_after: max("followups")?, triggers })
    }

    /// After the inserts, before the commit: the triggers back, the new rows counted.
    pub fn finish(self, tx: &Transaction<'_>) -> Result<()> {
        tx.execute_batch(&format!("PRAGMA cache_size = {DEFAULT_CACHE}"))?;
        for (_, sql) in &self.triggers {
            tx.execute_batch(sql)?;
        }
        tx.execute_batch(&super::report_blocks::sum_inserted_sql(self.cases_after, self.visits_after))?;
        Ok(())
    }
}

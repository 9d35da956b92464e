//! Imports that share the database. A large import never holds the write lock for long:
//!
//! 1. **Stage**: an `imports` row (state `staging`, the importing process's pid) is written, then
//!    the validated, routed rows go to `import_rows` in batches of [`STAGE_BATCH`], each batch its
//!    own short IMMEDIATE transaction. Nothing in `cases` changes; no reader sees staged rows.
//! 2. If any record of the file is bad, the import is **abandoned**: the row's state becomes
//!    `abandoned` and its staged rows are deleted in short batches. Nothing was published.
//! 3. **Publish**: one short transaction sets the state to `publishing` — the commitment point:
//!    every row is valid and routed, so from here the import only goes forward. Then batches of
//!    [`PUBLISH_BATCH`] rows move from `import_rows` into `cases` (refs allocated in file order,
//!    one `import` audit event per case), each batch its own transaction; the last one sets the
//!    state to `published`. Other writers (desks, `add`, `assign`) take the lock between batches
//!    (the import pauses [`TURN`](super::wait::TURN) after each, so a waiting writer gets in).
//!
//! A crash while staging leaves an unpublished import: [`Store::repair_imports`] (run by the next
//! `import` and by `check --repair`) deletes its rows. A crash while publishing leaves an import
//! whose remaining rows are all valid: repair publishes the rest. `check` lists both
//! ([`Store::unfinished_imports`]). An import is taken for dead when its process (by pid, on
//! this machine) is gone. While an import publishes, readers see its cases arrive batch by
//! batch, as they would see a quick run of intake; publishing all of it in one transaction was
//! measured at ~44 s for a million rows (the cases table's indexes and change-feed trigger), far
//! over the second a writer may hold the lock.

use std::fmt;

use chrono::{DateTime, Utc};
use rusqlite::types::Value;
use rusqlite::{params, params_from_iter, OptionalExtension};
use serde_json::json;

use super::case_row::{case_values, insert_case_sql, value_index};
use super::commands::{audit, next_ref};
use super::sql::ts;
use super::Store;
use crate::domain::NewCase;
use crate::error::{Error, Result};

/// Rows staged per transaction.
pub const STAGE_BATCH: usize = 5_000;
/// Rows published per transaction: each inserts the cases with their index entries, change-feed
/// rows, refs and audit events (measured ~0.3 s for 2,500 in a debug build; less in release).
pub const PUBLISH_BATCH: usize = 2_500;
/// Staged rows of an abandoned import deleted per transaction.
const DISCARD_BATCH: usize = 20_000;

/// Where an import is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImportState {
    /// Rows are being validated and staged; nothing is visible.
    Staging,
    /// Every row was valid; they are moving into `cases` batch by batch.
    Publishing,
    /// Every row is a case.
    Published,
    /// A bad record (or a crash while staging): nothing was published.
    Abandoned,
}

impl ImportState {
    /// The stored code.
    pub fn code(self) -> &'static str {
        match self {
            ImportState::Staging => "staging",
            ImportState::Publishing => "publishing",
            ImportState::Published => "published",
            ImportState::Abandoned => "abandoned",
        }
    }

    fn parse(s: &str) -> Option<ImportState> {
        [ImportState::Staging, ImportState::Publishing, ImportState::Published, ImportState::Abandoned]
            .into_iter()
            .find(|st| st.code() == s)
    }
}

/// How far an import has come (for a progress line).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Progress {
    /// Rows validated and staged so far.
    Staged(u64),
    /// Cases published so far, of how many.
    Published(u64, u64),
}

/// A finished import.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Published {
    /// Its `imports` row.
    pub import_id: i64,
    /// Cases published.
    pub cases: u64,
    /// The first and last ref given (file order).
    pub first_ref: Option<String>,
    /// The last ref given.
    pub last_ref: Option<String>,
}

/// An import that has not finished (for `check`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unfinished {
    /// Its id.
    pub id: i64,
    /// The file it read.
    pub source: String,
    /// Who ran it.
    pub actor: String,
    /// Its process.
    pub pid: i64,
    /// Its state (staging, publishing, or abandoned with rows left to delete).
    pub state: ImportState,
    /// Rows staged.
    pub staged: u64,
    /// Cases published.
    pub published: u64,
    /// Its process is still running (it is not stuck, only busy).
    pub running: bool,
}

impl Unfinished {
    /// What it is and what to do about it, in both languages (English as its `Display`).
    pub fn words(&self) -> crate::error::Msg {
        let source = crate::domain::text::sanitize(&self.source);
        let actor = crate::domain::text::sanitize(&self.actor);
        let (id, pid, staged, published) = (self.id, self.pid, self.staged, self.published);
        let what = match (self.state, self.running) {
            (ImportState::Staging, true) => format!("进行中，已暂存 {staged} 行"),
            (ImportState::Publishing, true) => format!("进行中，已发布 {published}/{staged} 件案件"),
            (ImportState::Publishing, false) => {
                format!("发布中途停止（已发布 {published}/{staged} 件案件）；`duty-desk check --repair` 可发布其余部分")
            }
            (_, _) => {
                format!("发布前停止（已暂存 {staged} 行，未发布任何案件）；`duty-desk check --repair` 可将其清除")
            }
        };
        crate::error::Msg::new(self.to_string(), format!("导入 {id}（{source}，由 {actor} 运行，pid {pid}）：{what}"))
    }
}

impl fmt::Display for Unfinished {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let source = crate::domain::text::sanitize(&self.source);
        let actor = crate::domain::text::sanitize(&self.actor);
        write!(f, "import {} of {source} by {actor} (pid {}): ", self.id, self.pid)?;
        match (self.state, self.running) {
            (ImportState::Staging, true) => write!(f, "running, {} row(s) staged", self.staged),
            (ImportState::Publishing, true) => {
                write!(f, "running, {} of {} case(s) published", self.published, self.staged)
            }
            (ImportState::Publishing, false) => write!(
                f,
                "stopped while publishing ({} of {} case(s) published); `duty-desk check --repair` publishes the rest",
                self.published, self.staged
            ),
            (_, _) => write!(
                f,
                "stopped before publishing ({} row(s) staged, nothing published); `duty-desk check --repair` removes them",
                self.staged
            ),
        }
    }
}

/// True while process `pid` runs on this machine (and is not this process).
fn process_alive(pid: i64) -> bool {
    let Ok(raw) = i32::try_from(pid) else { return false };
    if raw <= 0 || raw == i32::try_from(std::process::id()).unwrap_or(0) {
        return false;
    }
    // Signal 0 only asks whether the process exists; EPERM means it exists under another user.
    match nix::sys::signal::kill(nix::unistd::Pid::from_raw(raw), None) {
        Ok(()) => true,
        Err(e) => e == nix::errno::Errno::EPERM,
    }
}

/// One staged row: the case's column values as a JSON array.
fn encode(values: &[Value]) -> String {
    let items: Vec<serde_json::Value> = values
        .iter()
        .map(|v| match v {
            Value::Integer(i) => json!(i),
            Value::Text(s) => json!(s),
            Value::Real(r) => json!(r),
            Value::Null | Value::Blob(_) => serde_json::Value::Null,
        })
        .collect();
    serde_json::Value::Array(items).to_string()
}

fn decode(row: &str) -> Result<Vec<Value>> {
    let bad = || {
        Error::Db(crate::msg!(
            "a staged import row is not readable; run `duty-desk check --repair`",
            "一条暂存的导入行无法读取；请运行 `duty-desk check --repair`"
        ))
    };
    let items: Vec<serde_json::Value> = serde_json::from_str(row).map_err(|_| bad())?;
    items
        .into_iter()
        .map(|v| match v {
            serde_json::Value::Null => Ok(Value::Null),
            serde_json::Value::String(s) => Ok(Value::Text(s)),
            serde_json::Value::Number(n) => n.as_i64().map(Value::Integer).ok_or_else(bad),
            _ => Err(bad()),
        })
        .collect()
}

/// An import being staged: rows are buffered and written [`STAGE_BATCH`] at a time.
pub struct Stager<'s> {
    store: &'s Store,
    id: i64,
    buf: Vec<(i32, String)>,
    next_seq: i64,
    progress: Box<dyn FnMut(Progress) + 's>,
}

impl Stager<'_> {
    /// The `imports` row.
    pub fn id(&self) -> i64 {
        self.id
    }

    /// Routes a validated record and stages it.
    pub fn push(&mut self, n: &NewCase) -> Result<()> {
        let case = self.store.intake(n)?;
        let year = self.store.policy.office.time_zone.year_of(case.received_at);
        self.buf.push((year, encode(&case_values(&case))));
        if self.buf.len() >= STAGE_BATCH {
            self.flush()?;
        }
        Ok(())
    }

    fn flush(&mut self) -> Result<()> {
        if self.buf.is_empty() {
            return Ok(());
        }
        let tx = self.store.begin()?;
        let n = i64::try_from(self.buf.len()).unwrap_or(i64::MAX);
        let still = tx.execute(
            "UPDATE imports SET staged = staged + ?1 WHERE id = ?2 AND state = 'staging'",
            params![n, self.id],
        )?;
        if still == 0 {
            return Err(Error::Db(crate::msg!(
                "import {} was abandoned by a repair; nothing was imported",
                "导入 {} 已被修复程序放弃；未导入任何内容";
                self.id
            )));
        }
        {
            let mut stmt =
                tx.prepare_cached("INSERT INTO import_rows (import_id, seq, year, row) VALUES (?1, ?2, ?3, ?4)")?;
            for (year, row) in self.buf.drain(..) {
                self.next_seq += 1;
                stmt.execute(params![self.id, self.next_seq, year, row])?;
            }
        }
        tx.commit()?;
        std::thread::sleep(super::wait::TURN);
        let staged = u64::try_from(self.next_seq).unwrap_or(0);
        (self.progress)(Progress::Staged(staged));
        Ok(())
    }

    /// Drops the import: nothing is published and its staged rows are deleted.
    pub fn abandon(self) -> Result<()> {
        self.store.abandon_import(self.id)
    }

    /// Stages what is buffered, then publishes every row (see the module doc). An error while
    /// publishing says that the import is left to be finished by a repair.
    pub fn publish(mut self, now: DateTime<Utc>) -> Result<Published> {
        self.flush()?;
        let mut progress = self.progress;
        self.store.publish_import(self.id, now, &mut *progress).map_err(|e| match e {
            Error::Db(m) => Error::Db(m.then(Self::left())),
            e @ Error::Sqlite(_) => Error::Db(crate::error::Msg::of(&e).then(Self::left())),
            other => other,
        })
    }

    /// What is left when publishing stopped, said after the failure.
    fn left() -> crate::error::Msg {
        crate::msg!(
            "; the import stopped while publishing: every row was valid, and \
             `duty-desk check --repair` (or the next import, once this one has ended) publishes the rest",
            "；导入在发布途中停止：每一行都有效，`duty-desk check --repair`（或本次结束后的下一次导入）会发布其余部分"
        )
    }
}

impl Store {
    /// Starts an import of `source`: an `imports` row in state `staging`. Rows are added with
    /// [`Stager::push`]; `progress` hears of every staged and published batch.
    pub fn start_import<'s>(
        &'s self,
        source: &str,
        now: DateTime<Utc>,
        progress: impl FnMut(Progress) + 's,
    ) -> Result<Stager<'s>> {
        self.writable()?;
        let tx = self.begin()?;
        let id: i64 = tx.query_row(
            "INSERT INTO imports (started_at, actor, pid, source, state) VALUES (?1, ?2, ?3, ?4, 'staging') RETURNING id",
            params![ts(now), self.actor, i64::from(std::process::id()), source],
            |r| r.get(0),
        )?;
        tx.commit()?;
        Ok(Stager { store: self, id, buf: Vec::new(), next_seq: 0, progress: Box::new(progress) })
    }

    /// Marks a staging import abandoned and deletes its staged rows, a batch at a time.
    fn abandon_import(&self, id: i64) -> Result<()> {
        let tx = self.begin()?;
        let state: Option<String> =
            tx.query_row("SELECT state FROM imports WHERE id = ?1", [id], |r| r.get(0)).optional()?;
        match state.as_deref().and_then(ImportState::parse) {
            Some(ImportState::Staging) => {
                tx.execute("UPDATE imports SET state = 'abandoned' WHERE id = ?1", [id])?;
            }
            Some(ImportState::Abandoned) => {}
            _ => {
                return Err(Error::Db(crate::msg!(
                    "import {id} is publishing; it cannot be abandoned",
                    "导入 {id} 正在发布；不能放弃"
                )))
            }
        }
        tx.commit()?;
        loop {
            let tx = self.begin()?;
            let n = tx.execute(
                &format!(
                    "DELETE FROM import_rows WHERE import_id = ?1 AND seq IN \
                     (SELECT seq FROM import_rows WHERE import_id = ?1 ORDER BY seq {})",
                    super::sql::limit(DISCARD_BATCH)
                ),
                [id],
            )?;
            if n == 0 {
                tx.execute(
                    "UPDATE imports SET finished_at = coalesce(finished_at, ?2) WHERE id = ?1",
                    params![id, ts(Utc::now())],
                )?;
            }
            tx.commit()?;
            if n == 0 {
                return Ok(());
            }
            std::thread::sleep(super::wait::TURN);
        }
    }

    /// Publishes the staged rows of import `id` in batches (see the module doc); also finishes
    /// an import whose process stopped while publishing.
    fn publish_import(&self, id: i64, now: DateTime<Utc>, progress: &mut dyn FnMut(Progress)) -> Result<Published> {
        let tx = self.begin()?;
        let n = tx.execute(
            "UPDATE imports SET state = 'publishing' WHERE id = ?1 AND state IN ('staging', 'publishing')",
            [id],
        )?;
        if n == 0 {
            return Err(Error::Db(crate::msg!("import {id} is not waiting to be published", "导入 {id} 不在等待发布")));
        }
        let (staged, mut published): (i64, i64) =
            tx.query_row("SELECT staged, published FROM imports WHERE id = ?1", [id], |r| Ok((r.get(0)?, r.get(1)?)))?;
        tx.commit()?;
        let (ref_at, committee_at, tier_at) =
            match (value_index("ref"), value_index("committee_id"), value_index("tier")) {
                (Some(r), Some(c), Some(t)) => (r, c, t),
                _ => {
                    return Err(Error::Db(crate::msg!(
                        "the case row has no ref, committee or tier column",
                        "案件行缺少编号、调委会或层级列"
                    )))
                }
            };
        loop {
            let tx = self.begin()?;
            let rows: Vec<(i64, i32, String)> = {
                let mut stmt = tx.prepare_cached(&format!(
                    "SELECT seq, year, row FROM import_rows WHERE import_id = ?1 ORDER BY seq {}",
                    super::sql::limit(PUBLISH_BATCH)
                ))?;
                let rows = stmt.query_map([id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
                rows.collect::<rusqlite::Result<_>>()?
            };
            let Some(last_seq) = rows.last().map(|r| r.0) else {
                tx.execute(
                    "UPDATE imports SET state = 'published', finished_at = ?2 WHERE id = ?1 AND state = 'publishing'",
                    params![id, ts(now)],
                )?;
                let refs: (i64, Option<String>, Option<String>) =
                    tx.query_row("SELECT published, first_ref, last_ref FROM imports WHERE id = ?1", [id], |r| {
                        Ok((r.get(0)?, r.get(1)?, r.get(2)?))
                    })?;
                tx.commit()?;
                return Ok(Published {
                    import_id: id,
                    cases: u64::try_from(refs.0).unwrap_or(0),
                    first_ref: refs.1,
                    last_ref: refs.2,
                });
            };
            let mut first = None;
            let mut last = None;
            {
                let mut stmt = tx.prepare_cached(insert_case_sql())?;
                for (_, year, row) in &rows {
                    let mut values = decode(row)?;
                    let reference = next_ref(&tx, &self.org()?.city_code, *year)?;
                    let committee = match values.get(committee_at) {
                        Some(Value::Integer(c)) => self.org()?.committee(*c).map(|k| k.code.clone()),
                        _ => None,
                    };
                    let tier = match values.get(tier_at) {
                        Some(Value::Text(t)) => t.clone(),
                        _ => String::new(),
                    };
                    match values.get_mut(ref_at) {
                        Some(slot) => *slot = Value::Text(reference.clone()),
                        None => {
                            return Err(Error::Db(crate::msg!(
                                "a staged import row is not readable",
                                "一条暂存的导入行无法读取"
                            )))
                        }
                    }
                    let case_id = stmt.insert(params_from_iter(values))?;
                    audit(
                        &tx,
                        now,
                        &self.actor,
                        "import",
                        Some(case_id),
                        &json!({ "ref": reference, "committee": committee, "tier": tier, "import": id }),
                    )?;
                    if first.is_none() {
                        first = Some(reference.clone());
                    }
                    last = Some(reference);
                }
            }
            tx.execute("DELETE FROM import_rows WHERE import_id = ?1 AND seq <= ?2", params![id, last_seq])?;
            let n = i64::try_from(rows.len()).unwrap_or(0);
            tx.execute(
                "UPDATE imports SET published = published + ?2, first_ref = coalesce(first_ref, ?3), last_ref = ?4 \
                 WHERE id = ?1",
                params![id, n, first, last],
            )?;
            tx.commit()?;
            std::thread::sleep(super::wait::TURN);
            published += n;
            progress(Progress::Published(u64::try_from(published).unwrap_or(0), u64::try_from(staged).unwrap_or(0)));
        }
    }

    /// Imports that have not finished: staging or publishing (running, or stopped by a crash),
    /// and abandoned ones whose rows are not all deleted yet.
    pub fn unfinished_imports(&self) -> Result<Vec<Unfinished>> {
        let mut stmt = self.conn.prepare(
            "SELECT id, source, actor, pid, state, staged, published FROM imports \
             WHERE state IN ('staging', 'publishing') \
                OR (state = 'abandoned' AND EXISTS (SELECT 1 FROM import_rows r WHERE r.import_id = imports.id)) \
             ORDER BY id",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, i64>(3)?,
                r.get::<_, String>(4)?,
                r.get::<_, i64>(5)?,
                r.get::<_, i64>(6)?,
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (id, source, actor, pid, state, staged, published) = row?;
            let state = ImportState::parse(&state).ok_or_else(|| {
                Error::Db(crate::msg!("import {id} has an unknown state {state:?}", "导入 {id} 的状态未知：{state:?}"))
            })?;
            let running = state != ImportState::Abandoned && process_alive(pid);
            out.push(Unfinished {
                id,
                source,
                actor,
                pid,
                state,
                staged: u64::try_from(staged).unwrap_or(0),
                published: u64::try_from(published).unwrap_or(0),
                running,
            });
        }
        Ok(out)
    }

    /// Finishes the imports whose process is gone: one stopped while staging is abandoned (its
    /// rows deleted, nothing published), one stopped while publishing is published to the end.
    /// Returns what was done, one line per import, in both languages.
    pub fn repair_imports(
        &self,
        now: DateTime<Utc>,
        progress: &mut dyn FnMut(Progress),
    ) -> Result<Vec<crate::error::Msg>> {
        let mut done = Vec::new();
        for u in self.unfinished_imports()? {
            if u.running {
                continue;
            }
            self.writable()?;
            let source = crate::domain::text::sanitize(&u.source);
            match u.state {
                ImportState::Publishing => {
                    let p = self.publish_import(u.id, now, progress)?;
                    let (id, cases) = (u.id, p.cases);
                    done.push(crate::msg!(
                        "import {id} of {source}: its process stopped while publishing; the rest was published \
                         ({cases} case(s) in all)",
                        "导入 {id}（{source}）：其进程在发布时中止；其余部分已发布（共 {cases} 件）"
                    ));
                }
                _ => {
                    self.abandon_import(u.id)?;
                    let (id, staged) = (u.id, u.staged);
                    done.push(crate::msg!(
                        "import {id} of {source}: its process stopped before publishing; its {staged} staged row(s) \
                         were removed, no case was published",
                        "导入 {id}（{source}）：其进程在发布前中止；已删除其暂存的 {staged} 行，未发布任何案件"
                    ));
                }
            }
        }
        Ok(done)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::testing::TestResult;

    #[test]
    fn a_staged_row_reads_back_as_the_values_it_was_made_of() -> TestResult {
        let values = vec![
            Value::Null,
            Value::Integer(-7),
            Value::Integer(i64::MAX),
            Value::Text("楼上漏水 \"quoted\" \\ ,".into()),
            Value::Text(String::new()),
        ];
        assert_eq!(decode(&encode(&values))?, values);
        assert!(decode("[1.5]").is_err(), "no real numbers in a case row");
        assert!(decode("{}").is_err());
        Ok(())
    }

    #[test]
    fn states_read_back_from_their_codes() {
        for s in [ImportState::Staging, ImportState::Publishing, ImportState::Published, ImportState::Abandoned] {
            assert_eq!(ImportState::parse(s.code()), Some(s));
        }
        assert_eq!(ImportState::parse("done"), None);
    }

    #[test]
    fn a_dead_process_is_not_running_and_this_one_is_not_taken_for_an_importer() {
        assert!(!process_alive(i64::from(std::process::id())));
        assert!(!process_alive(0));
        assert!(!process_alive(-1));
        assert!(!process_alive(i64::from(i32::MAX)));
    }
}

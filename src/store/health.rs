//! SQLite's own problem list for a database file that may be too damaged to open as a store,
//! the damage mark, and the quick check before writing:
//! - once any check (the desk's quick check on opening, a write's, `duty-desk check`) finds a
//!   database damaged, the file `<db>.damaged` beside it records the first problems, and every
//!   write from every process refuses the database until `check` finds it healthy again;
//! - the first write of a process to a database runs `PRAGMA quick_check` on it (once per
//!   process and database: the desk checks when it opens, a CLI write before it writes), unless
//!   the checked stamp vouches for the file as it is ([`super::stamp`]: a passing check less
//!   than an hour old, and nothing but duty-desk's own checkpoints has changed the file since).
//!   A database that fails is marked and nothing is written. The check reads the whole file:
//!   about a second per 200 MB (~1 GB, ~5 s at a million cases); with the stamp a CLI write
//!   pays it about once an hour, or after anything else touched the file.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use rusqlite::{Connection, OpenFlags};

use crate::error::{Error, Result};

/// Every line `PRAGMA integrity_check` gives for the file at `path` (empty when healthy); when
/// SQLite stops on a page it cannot read, the lines so far and why it stopped.
pub fn integrity_problems(path: &Path) -> Vec<String> {
    let mut flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let mut wal = path.as_os_str().to_owned();
    wal.push("-wal");
    // With no write-ahead log beside it, read the file as it is and create nothing beside it.
    let target = if Path::new(&wal).exists() {
        path.display().to_string()
    } else {
        flags |= OpenFlags::SQLITE_OPEN_URI;
        format!(
            "file:{}?immutable=1",
            path.display().to_string().replace('%', "%25").replace('?', "%3f").replace('#', "%23")
        )
    };
    let conn = match Connection::open_with_flags(&target, flags) {
        Ok(c) => c,
        Err(e) => return vec![format!("cannot open {}: {}", path.display(), Error::from(e))],
    };
    let mut problems = Vec::new();
    let mut stmt = match conn.prepare("PRAGMA integrity_check") {
        Ok(s) => s,
        Err(e) => return vec![format!("the check could not start: {}", Error::from(e))],
    };
    let rows = match stmt.query_map([], |r| r.get::<_, String>(0)) {
        Ok(rows) => rows,
        Err(e) => return vec![format!("the check could not start: {}", Error::from(e))],
    };
    for row in rows {
        match row {
            Ok(line) if line == "ok" => {}
            Ok(line) => problems.extend(line.lines().map(str::to_string)),
            Err(e) => {
                problems.push(format!("the check stopped: {}", Error::from(e)));
                break;
            }
        }
    }
    problems
}

/// The file beside `db` that marks it damaged: `<db>.damaged`.
pub fn damage_mark(db: &Path) -> PathBuf {
    let mut p = db.as_os_str().to_owned();
    p.push(".damaged");
    PathBuf::from(p)
}

/// Records that `db` failed a check, with its first problems (the mark is created new, 0660,
/// never through a symlink; an existing mark stays).
pub fn mark_damaged(db: &Path, problems: &[String]) {
    if let Ok(mut f) = super::files::create_new_file(&damage_mark(db)) {
        for p in problems.iter().take(20) {
            let _ = writeln!(f, "{p}");
        }
    }
}

/// Removes the mark: a full check found `db` healthy.
pub fn clear_damage_mark(db: &Path) {
    let _ = std::fs::remove_file(damage_mark(db));
}

/// Refuses a write to `db` while it is marked damaged.
pub fn refuse_if_damaged(db: &Path) -> Result<()> {
    let mark = damage_mark(db);
    if std::fs::symlink_metadata(&mark).is_err() {
        return Ok(());
    }
    Err(Error::Db(crate::msg!(
        "{} failed an integrity check ({} says where); writing is refused until `duty-desk check` \
         finds it healthy: restore a backup; nothing was changed",
        "{} 未通过完整性检查（详见 {}）；在 `duty-desk check` 确认其完好之前拒绝写入：请恢复备份；未作任何更改";
        db.display(),
        mark.display()
    )))
}

/// The databases this process found healthy by a quick check (so later writes skip it).
static CHECKED: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

fn checked(db: &Path) -> bool {
    CHECKED.lock().map(|c| c.iter().any(|p| p == db)).unwrap_or(false)
}

fn remember_checked(db: &Path) {
    if let Ok(mut c) = CHECKED.lock() {
        if !c.iter().any(|p| p == db) {
            c.push(db.to_path_buf());
        }
    }
}

/// `PRAGMA quick_check`'s problems on an open connection (empty when healthy).
fn quick_problems(conn: &Connection) -> Vec<String> {
    let mut problems = Vec::new();
    let mut stmt = match conn.prepare("PRAGMA quick_check") {
        Ok(s) => s,
        Err(e) => return vec![Error::from(e).to_string()],
    };
    let rows = match stmt.query_map([], |r| r.get::<_, String>(0)) {
        Ok(rows) => rows,
        Err(e) => return vec![Error::from(e).to_string()],
    };
    for row in rows {
        match row {
            Ok(line) if line == "ok" => {}
            Ok(line) => problems.extend(line.lines().map(str::to_string)),
            Err(e) => {
                problems.push(Error::from(e).to_string());
                break;
            }
        }
    }
    problems.retain(|l| !l.starts_with("***"));
    problems
}

impl super::Store {
    /// Runs `PRAGMA quick_check` now: a pass is remembered for this process; a failure marks the
    /// file damaged and gives SQLite's first problem.
    fn run_quick_check(&self) -> Option<String> {
        let (before, started) = (super::stamp::state(&self.path), chrono::Utc::now());
        let problems = quick_problems(&self.conn);
        match problems.first() {
            None => {
                remember_checked(&self.path);
                super::stamp::record_check(&self.path, before, started);
                None
            }
            Some(first) => {
                mark_damaged(&self.path, &problems);
                Some(first.clone())
            }
        }
    }

    /// `PRAGMA quick_check` on the open database, unless the checked stamp vouches for the
    /// file as it is. When it fails the store stops writing (every later write is refused) and
    /// the error gives SQLite's first problem.
    pub fn quick_check(&mut self) -> crate::error::Result<()> {
        if self.vouched_for() {
            return Ok(());
        }
        match self.run_quick_check() {
            None => Ok(()),
            Some(first) => {
                self.read_only = true;
                Err(Error::Db(crate::msg!(
                    "the database failed its quick check; writing stopped (run `duty-desk check`): {first}",
                    "数据库未通过快速检查；已停止写入（请运行 `duty-desk check`）：{first}"
                )))
            }
        }
    }

    /// A quick check in this process, or the checked stamp, vouches for the file as it is.
    fn vouched_for(&self) -> bool {
        if checked(&self.path) {
            return true;
        }
        let stamped = super::stamp::trusted(&self.path, chrono::Utc::now());
        if stamped {
            remember_checked(&self.path);
        }
        stamped
    }

    /// Refuses a write to a database that is marked damaged, or that fails its quick check (run
    /// on this process's first write to it; see the module doc).
    pub(super) fn refuse_if_unhealthy(&self) -> Result<()> {
        refuse_if_damaged(&self.path)?;
        if self.vouched_for() {
            return Ok(());
        }
        match self.run_quick_check() {
            None => Ok(()),
            Some(first) => Err(Error::Db(crate::msg!(
                "{} failed its quick check before this write ({} says where); writing is refused until \
                     `duty-desk check` finds it healthy: restore a backup; nothing was changed. SQLite says: {}",
                "{} 在本次写入前未通过快速检查（详见 {}）；在 `duty-desk check` 确认其完好之前拒绝写入：请恢复备份；\
                 未作任何更改。SQLite 报告：{}";
                self.path.display(),
                damage_mark(&self.path).display(),
                first
            ))),
        }
    }
}

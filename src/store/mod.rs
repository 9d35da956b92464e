//! The SQLite store: opening (WAL, foreign keys, busy timeout, synchronous=FULL), migrations,
//! the organisation, cases, write commands with audit events, pane queries and the change watcher.

mod aftercare;
mod bulk;
mod case_row;
mod cases;
mod commands;
mod drill;
pub mod feed;
pub mod files;
pub mod health;
mod life;
mod org;
mod panes;
mod report;
mod report_blocks;
mod report_fold;
pub mod schema;
mod screening;
mod sql;
pub mod staging;
pub mod stamp;
pub mod wait;

use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::{Connection, OpenFlags};

use crate::domain::{Org, Policy};
use crate::error::{Error, Result};

/// Sums the statistics log into the counts inside the caller's transaction (what every write
/// transaction of the store does before its commit), for a bench or test writing with plain SQL.
#[doc(hidden)]
pub use report_fold::fold as count_logged_rows_in;

pub use aftercare::{closure_of, Board, Closure, ItemFilter};
pub use cases::{CaseFilter, TextHits, CASE_PAGE_MAX};
pub use commands::{Expect, FollowupRecord};
pub use drill::{CaseListPage, CommitteeCount};
pub use life::{OutcomeRecord, Referral, Session};
pub use panes::{
    incoming_ids_sql, incoming_sql, order_minute, pane_queries, FollowupRow, IncomingPage, IncomingSort, PaneSql,
    RoutingMatrix, WorkloadRow, MATRIX_COLUMNS,
};
pub use screening::{ScreeningRecord, ScreeningRow};

/// How long a writer waits for another writer before giving up.
pub const BUSY_TIMEOUT: Duration = Duration::from_secs(30);

/// An open duty-desk database with its policy loaded; the organisation is read when first asked
/// for (a one-shot write such as `assign` needs one mediator, not the whole organisation).
pub struct Store {
    conn: Connection,
    path: PathBuf,
    org: std::cell::OnceCell<Org>,
    policy: Policy,
    actor: String,
    read_only: bool,
}

impl Drop for Store {
    /// Closes the connection through the checked stamp: the last connection to close
    /// checkpoints the log into the file.
    fn drop(&mut self) {
        if self.read_only {
            return;
        }
        if let Ok(spare) = Connection::open_in_memory() {
            let conn = std::mem::replace(&mut self.conn, spare);
            stamp::around_checkpoint(&self.path, || drop(conn));
        }
    }
}

/// The OS login of the user running this process, from the real uid (not from `$USER`).
pub fn os_login() -> String {
    let uid = nix::unistd::getuid();
    match nix::unistd::User::from_uid(uid) {
        Ok(Some(u)) => u.name,
        _ => format!("uid{}", uid.as_raw()),
    }
}

fn configure(conn: &mut Connection, path: &Path, writable: bool) -> Result<()> {
    wait::install(conn)?;
    // The desk's worker runs some thirty statements over and over (rusqlite keeps 16 by default).
    conn.set_prepared_statement_cache_capacity(64);
    conn.pragma_update(None, "foreign_keys", "ON")?;
    // Every b-tree page is checked more closely as it is read: a write that touches a damaged
    // page fails on SQLITE_CORRUPT (and rolls back) instead of spreading the damage.
    conn.pragma_update(None, "cell_size_check", "ON")?;
    if writable {
        let mode = switch_to_wal(conn)?;
        if !mode.eq_ignore_ascii_case("wal") {
            return Err(Error::Db(crate::msg!(
                "could not switch the database to WAL (got {mode})",
                "无法把数据库切换到 WAL 模式（得到 {mode}）"
            )));
        }
        conn.pragma_update(None, "synchronous", "FULL")?;
        conn.pragma_update(None, "journal_size_limit", 64 * 1024 * 1024)?;
        persist_wal(conn, true);
        // SQLite's automatic checkpoint, the same size, through the checked stamp.
        let db = path.to_path_buf();
        conn.wal_hook(Some(move |wal: &mut rusqlite::hooks::Wal, pages: std::ffi::c_int| {
            if pages >= stamp::AUTO_CHECKPOINT_PAGES {
                // As SQLite's own hook does, a checkpoint that cannot run now (another process
                // is checkpointing: SQLITE_BUSY) is left for a later commit. An error returned
                // here would fail the statement whose commit has already happened.
                let _ = stamp::around_checkpoint(&db, || wal.checkpoint());
            }
            Ok(())
        }))?;
    }
    Ok(())
}

/// `PRAGMA journal_mode=WAL`, retried for up to [`BUSY_TIMEOUT`]: while another process switches a
/// new file to WAL (racing `init`s), SQLite answers SQLITE_BUSY here without calling the busy
/// handler. Once that process is done the file is already in WAL mode and no lock is needed.
fn switch_to_wal(conn: &Connection) -> Result<String> {
    let start = std::time::Instant::now();
    loop {
        match conn.query_row("PRAGMA journal_mode=WAL", [], |r| r.get::<_, String>(0)) {
            Err(e)
                if e.sqlite_error_code() == Some(rusqlite::ErrorCode::DatabaseBusy)
                    && start.elapsed() < BUSY_TIMEOUT =>
            {
                std::thread::sleep(Duration::from_millis(10));
            }
            other => return Ok(other?),
        }
    }
}

/// Keeps the `-wal` and `-shm` files when the last writer closes, so officers with read-only
/// access can always open the database (SQLite cannot create them for a reader).
/// (`on` false: the log is deleted when WAL mode ends, [`bulk::leave_wal`].)
fn persist_wal(conn: &Connection, on: bool) {
    let mut on: std::ffi::c_int = on.into();
    // SAFETY: the handle is live for the duration of the call; SQLITE_FCNTL_PERSIST_WAL reads
    // and writes one c_int through the pointer, which points at `on`.
    unsafe {
        rusqlite::ffi::sqlite3_file_control(
            conn.handle(),
            c"main".as_ptr(),
            rusqlite::ffi::SQLITE_FCNTL_PERSIST_WAL,
            (&mut on as *mut std::ffi::c_int).cast(),
        );
    }
}

fn is_writable(path: &Path) -> bool {
    use nix::unistd::{access, AccessFlags};
    let dir = path.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
    access(path, AccessFlags::W_OK).is_ok() && access(dir, AccessFlags::W_OK | AccessFlags::X_OK).is_ok()
}

/// When this user may read the database but not its `-wal` or `-shm` file (SQLite then says
/// only "unable to open database file"), the error that names the file and the fix.
fn unreadable_side_file(path: &Path) -> Option<Error> {
    use nix::unistd::{access, AccessFlags};
    ["-wal", "-shm"].iter().find_map(|suffix| {
        let mut side = path.as_os_str().to_owned();
        side.push(suffix);
        let side = PathBuf::from(side);
        (side.exists() && access(&side, AccessFlags::R_OK).is_err()).then(|| {
            Error::ReadOnly(crate::msg!(
                "cannot read {}: an officer with read-only access needs read permission on the database \
                 and on its -wal and -shm files (the office group, or g+r/o+r on all three); nothing was changed",
                "无法读取 {}：只读访问的值班员需要对数据库及其 -wal、-shm 文件都有读权限\
                 （办公室用户组，或三者都设 g+r/o+r）；未作任何更改";
                side.display()
            ))
        })
    })
}

impl Store {
    /// Creates a new database file (mode 0660, group-shared) with the schema, or opens an
    /// existing one for writing and brings its schema up to date.
    pub fn create(path: &Path) -> Result<Store> {
        if !path.exists() {
            if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
                std::fs::create_dir_all(dir)
                    .map_err(|e| Error::Io(crate::msg!("cannot create {}: {e}", "无法创建 {}：{e}"; dir.display())))?;
            }
            create_shared_file(path)?;
        }
        Store::open_inner(path, false, true)
    }

    /// Opens an existing, initialised database. `read_only` (or a file this user cannot write)
    /// opens it for viewing; writes then fail with [`Error::ReadOnly`].
    pub fn open(path: &Path, read_only: bool) -> Result<Store> {
        if !path.exists() {
            return Err(Error::NotFound(crate::msg!(
                "no database at {0}; create one with `duty-desk --db {0} init` (or `demo`)",
                "{0} 处没有数据库；请用 `duty-desk --db {0} init`（或 `demo`）创建";
                path.display()
            )));
        }
        Store::open_inner(path, read_only || !is_writable(path), false)
    }

    fn open_inner(path: &Path, read_only: bool, allow_uninitialised: bool) -> Result<Store> {
        let flags = if read_only {
            OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX
        } else {
            OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX
        };
        let at_path = |err: Error| {
            let (en, zh) = (err.words(crate::domain::Lang::En), err.words(crate::domain::Lang::Zh));
            Error::Db(crate::msg!("{}: {en}", "{}：{zh}"; path.display()))
        };
        let ctx = |e: rusqlite::Error| at_path(Error::from(e));
        let mut conn = Connection::open_with_flags(path, flags).map_err(ctx)?;
        if !read_only {
            // Refuse a newer schema before `configure` could change the file (the switch to WAL).
            wait::install(&mut conn).map_err(ctx)?;
            schema::check_version(&conn).map_err(at_path)?;
        }
        configure(&mut conn, path, !read_only).map_err(at_path)?;
        let version = schema::check_version(&conn).map_err(|e| match e {
            Error::ReadOnly(_) if read_only => Error::ReadOnly(crate::msg!(
                "{} can only be read once a duty-desk with write access has opened it \
                 (its -wal and -shm files are missing); nothing was changed",
                "{} 须先由有写权限的 duty-desk 打开一次才能只读打开（缺少其 -wal 与 -shm 文件）；未作任何更改";
                path.display()
            )),
            other if read_only => unreadable_side_file(path).unwrap_or(other),
            other => other,
        })?;
        if version == 0 && !allow_uninitialised {
            let tables: i64 = conn.query_row("SELECT count(*) FROM sqlite_schema", [], |r| r.get(0)).map_err(ctx)?;
            return Err(Error::Db(if tables == 0 {
                crate::msg!("{} is empty; run `duty-desk init` first", "{} 是空的；请先运行 `duty-desk init`"; path.display())
            } else {
                crate::msg!("{} is not a duty-desk database", "{} 不是 duty-desk 数据库"; path.display())
            }));
        }
        if version < schema::SCHEMA_VERSION {
            if read_only {
                return Err(Error::ReadOnly(crate::msg!(
                    "{} needs a schema upgrade; open it once with write access",
                    "{} 需要升级数据库结构；请用写权限打开一次";
                    path.display()
                )));
            }
            schema::migrate(&mut conn)?;
        }
        let policy = org::load_policy(&conn)?;
        let org = std::cell::OnceCell::new();
        Ok(Store { conn, path: path.to_path_buf(), org, policy, actor: os_login(), read_only })
    }

    /// The organisation, read the first time it is asked for (or at the last
    /// [`Store::reload_org`]).
    pub fn org(&self) -> Result<&Org> {
        if let Some(org) = self.org.get() {
            return Ok(org);
        }
        let org = org::load_org(&self.conn)?;
        Ok(self.org.get_or_init(|| org))
    }

    /// The office policy (routing rules and clocks) stored in the database.
    pub fn policy(&self) -> &Policy {
        &self.policy
    }

    /// The OS login recorded in audit events.
    pub fn actor(&self) -> &str {
        &self.actor
    }

    /// True when writes are refused.
    pub fn is_read_only(&self) -> bool {
        self.read_only
    }

    /// The database file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// True once an organisation has been loaded into the database.
    pub fn is_initialised(&self) -> Result<bool> {
        Ok(self.conn.query_row("SELECT EXISTS (SELECT 1 FROM areas)", [], |r| r.get(0))?)
    }

    /// Re-reads the organisation (mediators go on and off duty).
    pub fn reload_org(&mut self) -> Result<()> {
        self.org = std::cell::OnceCell::from(org::load_org(&self.conn)?);
        Ok(())
    }

    /// SQLite's `data_version`: changes whenever another connection commits.
    pub fn data_version(&self) -> Result<i64> {
        // Cached: every desk asks four times a second.
        Ok(self.conn.prepare_cached("PRAGMA data_version")?.query_row([], |r| r.get(0))?)
    }

    /// `PRAGMA integrity_check` and `foreign_key_check`; the problems found, empty when healthy.
    pub fn check(&self) -> Result<Vec<String>> {
        // A pass reads every page, more than a write's quick check: it vouches for the file as
        // it was when the check began (the checked stamp), so the next write need not read it
        // all again.
        let (before, started) = (stamp::state(&self.path), chrono::Utc::now());
        let problems = self.problems()?;
        if problems.is_empty() {
            stamp::record_check(&self.path, before, started);
        }
        Ok(problems)
    }

    /// The problems `PRAGMA integrity_check`, `foreign_key_check` and the audit triggers find.
    fn problems(&self) -> Result<Vec<String>> {
        let mut problems = Vec::new();
        let mut stmt = self.conn.prepare("PRAGMA integrity_check")?;
        for row in stmt.query_map([], |r| r.get::<_, String>(0))? {
            match row {
                Ok(line) if line == "ok" => {}
                Ok(line) => problems.push(line),
                // SQLite lists what it found before it stops on a page it cannot read: keep
                // the list and say why it stopped.
                Err(e) => {
                    problems.push(format!("the check stopped: {}", Error::from(e)));
                    return Ok(problems);
                }
            }
        }
        let mut stmt = self.conn.prepare("PRAGMA foreign_key_check")?;
        for row in
            stmt.query_map([], |r| Ok(format!("foreign key: {} row {}", r.get::<_, String>(0)?, r.get::<_, i64>(1)?)))?
        {
            problems.push(row?);
        }
        for trigger in schema::AUDIT_TRIGGERS {
            let present: i64 = self.conn.query_row(
                "SELECT count(*) FROM sqlite_schema WHERE type = 'trigger' AND name = ?1",
                [trigger],
                |r| r.get(0),
            )?;
            if present == 0 {
                problems.push(format!("audit trigger {trigger} is missing: the audit log is no longer append-only"));
            }
        }
        Ok(problems)
    }

    /// Runs `read` inside one read transaction (`BEGIN DEFERRED` … `COMMIT`): every query it
    /// makes sees the same committed state, whatever other processes write meanwhile.
    pub fn read_consistent<T>(&self, read: impl FnOnce(&Store) -> Result<T>) -> Result<T> {
        let tx = rusqlite::Transaction::new_unchecked(&self.conn, rusqlite::TransactionBehavior::Deferred)?;
        let out = read(self)?;
        tx.commit()?;
        Ok(out)
    }

    fn writable(&self) -> Result<()> {
        if self.read_only {
            Err(Error::ReadOnly(crate::msg!(
                "{} is open read-only; nothing was changed",
                "{} 以只读方式打开；未作任何更改";
                self.path.display()
            )))
        } else {
            self.refuse_if_unhealthy()
        }
    }
}

/// Creates an empty database file through the one file creator ([`files::create_new_file`]).
fn create_shared_file(path: &Path) -> Result<()> {
    match files::create_new_file(path) {
        Ok(_) => Ok(()),
        // Another process (a racing `init`) created it since we looked: open theirs.
        Err(Error::Invalid(_)) if path.exists() => Ok(()),
        Err(e) => Err(e),
    }
}

impl Store {
    /// Starts an IMMEDIATE transaction: the write lock is taken up front (waiting up to
    /// [`BUSY_TIMEOUT`]), so reads inside it see the state the write will change.
    fn begin(&self) -> Result<WriteTx<'_>> {
        WriteTx::begin(&self.conn, rusqlite::TransactionBehavior::Immediate)
    }
}

/// A write transaction of the store ([`Store::begin`]). Its [`WriteTx::commit`] first counts the
/// rows the statistics logs hold ([`report_fold::fold`]), so every write leaves the counts
/// right in its own transaction; dropped uncommitted, it rolls back.
pub(crate) struct WriteTx<'c>(rusqlite::Transaction<'c>);

impl<'c> std::ops::Deref for WriteTx<'c> {
    type Target = rusqlite::Transaction<'c>;
    fn deref(&self) -> &Self::Target {
        &self.0
    }
}

impl WriteTx<'_> {
    /// Starts a write transaction on `conn` (`behavior`: IMMEDIATE for the store's writes), or
    /// refuses when the program is ending (a signal arrived: nothing new is started).
    pub(crate) fn begin(conn: &Connection, behavior: rusqlite::TransactionBehavior) -> Result<WriteTx<'_>> {
        if wait::stopping() {
            return Err(Error::Db(crate::msg!(
                "the program is ending; nothing was changed",
                "程序正在退出；未作任何更改"
            )));
        }
        Ok(WriteTx(rusqlite::Transaction::new_unchecked(conn, behavior)?))
    }

    /// Counts what the transaction logged, then commits.
    pub(crate) fn commit(self) -> Result<()> {
        report_fold::fold(&self.0)?;
        self.0.commit()?;
        Ok(())
    }
}

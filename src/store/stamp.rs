//! The checked stamp, `<db>.checked`: the database file's identity and modification state
//! (device, inode, size, mtime, ctime) as of its last passing quick check, and when that check
//! ran. A write from a new process trusts the stamp instead of reading the whole file again
//! (about 1.5 s at a million cases) while the file is exactly as stamped and the check is less
//! than [`TRUST`] old.
//!
//! In WAL mode committed writes go to the `-wal` file; the database file itself changes only
//! when a checkpoint copies pages back. Every checkpoint duty-desk runs (the automatic one after
//! a commit, [`AUTO_CHECKPOINT_PAGES`], and the one before a connection closes) goes through
//! [`around_checkpoint`]: when the file was as stamped just before, it is stamped again just
//! after. Anything else that changes the file (another program, a restore, an editor, a copy)
//! leaves the stamp behind, and the next write runs the full quick check. What the stamp cannot
//! see: damage that does not touch the file's metadata (a failing disk); that is what the
//! [`TRUST`] limit and SQLite's own checks on every page it reads (`cell_size_check`) are for.

use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Duration, Utc};

/// How long a passing quick check is trusted while the file changes only by duty-desk's own
/// checkpoints.
pub const TRUST: Duration = Duration::hours(1);

/// The WAL size (pages) after which a commit checkpoints: SQLite's own default.
pub const AUTO_CHECKPOINT_PAGES: i32 = 1000;

/// The database file as the file system describes it: what changes whenever its bytes do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FileState {
    dev: u64,
    ino: u64,
    size: u64,
    mtime: (i64, i64),
    ctime: (i64, i64),
}

/// The file's state now (`None` when it cannot be read).
pub fn state(db: &Path) -> Option<FileState> {
    let m = std::fs::metadata(db).ok()?;
    Some(FileState {
        dev: m.dev(),
        ino: m.ino(),
        size: m.size(),
        mtime: (m.mtime(), m.mtime_nsec()),
        ctime: (m.ctime(), m.ctime_nsec()),
    })
}

/// The stamp file beside `db`.
pub fn stamp_path(db: &Path) -> PathBuf {
    let mut p = db.as_os_str().to_owned();
    p.push(".checked");
    PathBuf::from(p)
}

/// A stamp as written: the file's state and when the check that vouches for it ran.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Stamp {
    state: FileState,
    checked_at: i64,
}

fn read(db: &Path) -> Option<Stamp> {
    let text = crate::files::reader::read_text(&stamp_path(db), 4096).ok()?;
    let v: Vec<i64> = text.split_whitespace().skip(1).map(str::parse).collect::<Result<_, _>>().ok()?;
    if !text.starts_with("v1 ") || v.len() != 10 {
        return None;
    }
    let u = |i: usize| u64::try_from(v[i]).ok();
    Some(Stamp {
        state: FileState { dev: u(0)?, ino: u(1)?, size: u(2)?, mtime: (v[3], v[4]), ctime: (v[5], v[6]) },
        checked_at: v[7].min(v[8]).min(v[9]),
    })
}

/// Writes the stamp: a new file beside it (the one file creator), renamed over the old one, so
/// a reader sees the old stamp or the new one, never half of one. Failing to write it only
/// costs the next write a quick check.
fn write(db: &Path, s: Stamp) {
    use std::io::Write;
    let target = stamp_path(db);
    let mut tmp = target.as_os_str().to_owned();
    tmp.push(format!(".{}", std::process::id()));
    let tmp = PathBuf::from(tmp);
    let f = &s.state;
    // `checked_at` three times: a torn or hand-edited stamp does not parse to a later time.
    let line = format!(
        "v1 {} {} {} {} {} {} {} {} {} {}\n",
        f.dev, f.ino, f.size, f.mtime.0, f.mtime.1, f.ctime.0, f.ctime.1, s.checked_at, s.checked_at, s.checked_at
    );
    let _ = std::fs::remove_file(&tmp);
    let written =
        crate::store::files::create_new_file(&tmp).is_ok_and(|mut file| file.write_all(line.as_bytes()).is_ok());
    if !(written && std::fs::rename(&tmp, &target).is_ok()) {
        let _ = std::fs::remove_file(&tmp);
    }
}

/// Whether a passing quick check vouches for the file as it is now.
pub fn trusted(db: &Path, now: DateTime<Utc>) -> bool {
    match (read(db), state(db)) {
        (Some(s), Some(now_state)) => {
            s.state == now_state && (0..TRUST.num_seconds()).contains(&(now.timestamp() - s.checked_at))
        }
        _ => false,
    }
}

/// Records a passing quick check that started when the file was in state `before`: stamped
/// only when the file is still in that state (nothing changed it while the check read it).
pub fn record_check(db: &Path, before: Option<FileState>, checked_at: DateTime<Utc>) {
    if let Some(before) = before {
        if state(db) == Some(before) {
            write(db, Stamp { state: before, checked_at: checked_at.timestamp() });
        }
    }
}

/// Runs a checkpoint (`run`); when the file was as stamped just before, stamps it again just
/// after, keeping the time of the check that vouched for it.
pub fn around_checkpoint<T>(db: &Path, run: impl FnOnce() -> T) -> T {
    let before = read(db).filter(|s| state(db) == Some(s.state));
    let out = run();
    if let (Some(old), Some(after)) = (before, state(db)) {
        if after != old.state {
            write(db, Stamp { state: after, checked_at: old.checked_at });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::testing::TestResult;

    fn file(dir: &tempfile::TempDir) -> std::io::Result<PathBuf> {
        let p = dir.path().join("x.db");
        std::fs::write(&p, b"one")?;
        Ok(p)
    }

    #[test]
    fn a_stamp_vouches_for_the_file_only_as_it_was_and_only_for_a_while() -> TestResult {
        let dir = tempfile::TempDir::new()?;
        let db = file(&dir)?;
        let now = Utc::now();
        assert!(!trusted(&db, now), "no stamp yet");
        record_check(&db, state(&db), now);
        assert!(trusted(&db, now));
        assert!(!trusted(&db, now + TRUST), "too old");
        assert!(!trusted(&db, now - Duration::seconds(5)), "from the future");
        // Another program rewrites it: the stamp no longer vouches for it.
        std::fs::write(&db, b"rewritten by another program")?;
        assert!(!trusted(&db, now));
        Ok(())
    }

    #[test]
    fn a_checkpoint_on_a_stamped_file_keeps_it_stamped_and_one_on_a_changed_file_does_not() -> TestResult {
        let dir = tempfile::TempDir::new()?;
        let db = file(&dir)?;
        let then = Utc::now() - Duration::minutes(10);
        record_check(&db, state(&db), then);
        around_checkpoint(&db, || std::fs::write(&db, b"checkpointed"))?;
        assert!(trusted(&db, Utc::now()), "our own checkpoint is vouched for");
        assert!(!trusted(&db, then + TRUST), "with the time of the check, not of the checkpoint");
        std::fs::write(&db, b"changed by someone else")?;
        around_checkpoint(&db, || std::fs::write(&db, b"checkpointed again"))?;
        assert!(!trusted(&db, Utc::now()), "a change nobody checked is never blessed");
        Ok(())
    }

    #[test]
    fn a_check_during_which_the_file_changed_stamps_nothing() -> TestResult {
        let dir = tempfile::TempDir::new()?;
        let db = file(&dir)?;
        let before = state(&db);
        std::fs::write(&db, b"changed while checking")?;
        record_check(&db, before, Utc::now());
        assert!(!trusted(&db, Utc::now()));
        assert!(!stamp_path(&db).exists());
        Ok(())
    }

    #[test]
    fn a_torn_or_foreign_stamp_is_not_trusted() -> TestResult {
        let dir = tempfile::TempDir::new()?;
        let db = file(&dir)?;
        for text in ["", "v1 1 2", "v2 0 0 0 0 0 0 0 0 0 0", "garbage"] {
            std::fs::write(stamp_path(&db), text)?;
            assert!(!trusted(&db, Utc::now()), "{text:?}");
        }
        Ok(())
    }
}

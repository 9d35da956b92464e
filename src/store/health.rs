//! SQLite's own problem list for a database file that may be too damaged to open as a store.

use std::path::Path;

use rusqlite::{Connection, OpenFlags};

use crate::error::Error;

/// Every line `PRAGMA integrity_check` gives for the file at `path` (empty when healthy); when
/// SQLite stops on a page it cannot read, the lines so far and why it stopped.
pub fn integrity_problems(path: &Path) -> Vec<String> {
    let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let conn = match Connection::open_with_flags(path, flags) {
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

//! Supervisor and maintenance commands: `report`, `check`, `backup`.

use chrono::{Datelike, NaiveDate, Utc};

use super::args::{BackupArgs, ReportArgs};
use super::output::{row, Out};
use super::Context;
use crate::error::{Error, Result};
use crate::view::stats::counts;
use crate::view::Term;

/// `report [--from DATE] [--to DATE] [--json]`: the period's statistics. The dates are office
/// days (the policy's time zone); by default from 1 January of the office's year to today.
pub fn report(ctx: &Context, a: &ReportArgs) -> Result<()> {
    let now = Utc::now();
    if let (Some(from), Some(to)) = (a.from, a.to) {
        if from > to {
            return Err(Error::Usage(format!("--from {from} is after --to {to}")));
        }
    }
    let store = ctx.open()?;
    let today = store.policy().office.time_zone.date_of(now);
    let from = a.from.unwrap_or_else(|| NaiveDate::from_ymd_opt(today.year(), 1, 1).unwrap_or(today));
    let to = a.to.unwrap_or(today);
    if from > to {
        return Err(Error::Usage(format!("--from {from} is after --to {to}")));
    }
    let r = store.report(from, to, now)?;
    let mut out = Out::new();
    if a.json {
        out.json_pretty(&r)?;
        return out.flush();
    }
    // Both languages side by side (a printed report is read by either); words from the
    // glossary, counts in the order of the shared statistics view.
    const W: [usize; 3] = [26, 18, 14];
    let title = Term::Statistics;
    out.line(&format!("{} {}  {} … {}", title.en(), title.zh(), r.from, r.to))?;
    out.line("")?;
    for (term, value) in counts(&r) {
        out.line(&row(&[(term.en(), W[0]), (term.zh(), W[1]), (&value, W[2])]))?;
    }
    out.line("")?;
    const C: [usize; 4] = [20, 12, 10, 10];
    let (m, s) = (Term::ColMediated, Term::ColResolved);
    out.line(&row(&[(Term::ByCategory.en(), C[0]), (Term::ByCategory.zh(), C[1]), (m.en(), C[2]), (s.en(), C[3])]))?;
    for c in &r.by_category {
        let (m, s) = (c.mediated.to_string(), c.resolved.to_string());
        out.line(&row(&[(c.category.en(), C[0]), (c.category.zh(), C[1]), (&m, C[2]), (&s, C[3])]))?;
    }
    out.line("")?;
    const S: [usize; 3] = [20, 18, 10];
    out.line(&row(&[(Term::BySource.en(), S[0]), (Term::BySource.zh(), S[1]), (m.en(), S[2])]))?;
    for s in &r.by_source {
        let m = s.mediated.to_string();
        out.line(&row(&[(s.class.en(), S[0]), (s.class.zh(), S[1]), (&m, S[2])]))?;
    }
    out.flush()
}

/// `check`: integrity and foreign keys; exit 1 when anything is wrong.
pub fn check(ctx: &Context) -> Result<()> {
    let problems = match ctx.open() {
        Ok(store) => store.check()?,
        // Too damaged to open as a store: SQLite's own list says where.
        Err(e) if damaged(&e) => {
            let mut p = vec![format!("cannot open: {}", e.message())];
            p.extend(crate::store::health::integrity_problems(&ctx.db));
            p
        }
        Err(e) => return Err(e),
    };
    if problems.is_empty() {
        crate::store::health::clear_damage_mark(&ctx.db);
        let mut out = Out::new();
        out.line("ok: integrity and foreign keys")?;
        return out.flush();
    }
    crate::store::health::mark_damaged(&ctx.db, &problems);
    Err(Error::Db(format!("{} problem(s) found:\n  {}", problems.len(), problems.join("\n  "))))
}

/// True when opening failed because the file is damaged (not for a missing file or a lock).
fn damaged(e: &Error) -> bool {
    match e {
        Error::Sqlite(s) => matches!(
            s.sqlite_error_code(),
            Some(
                rusqlite::ErrorCode::DatabaseCorrupt
                    | rusqlite::ErrorCode::NotADatabase
                    | rusqlite::ErrorCode::OutOfMemory
            )
        ),
        Error::Db(m) => ["corrupt", "malformed", "out of memory"].iter().any(|w| m.contains(w)),
        _ => false,
    }
}

/// `backup DEST`: a consistent copy made while desks may be running.
pub fn backup(ctx: &Context, a: &BackupArgs) -> Result<()> {
    let mut store = ctx.open_for_write()?;
    store.backup(&a.dest)?;
    let mut out = Out::new();
    out.line(&format!("backed up {} to {}", ctx.db.display(), a.dest.display()))?;
    out.flush()
}

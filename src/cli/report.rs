//! Supervisor and maintenance commands: `report`, `check`, `backup`.

use chrono::{Datelike, NaiveDate, Utc};

use super::args::{BackupArgs, CheckArgs, ReportArgs};
use super::detail::lines;
use super::output::{row, Out};
use super::Context;
use crate::domain::office_time::{Period, PeriodKind};
use crate::error::{Error, Result};
use crate::view::stats::{counts, csv, statistics};
use crate::view::{Block, View};

/// The period `report` was asked for, `today` being the office's date now.
pub fn period_of(a: &ReportArgs, today: NaiveDate) -> Result<Period> {
    let jan1 = |d: NaiveDate| NaiveDate::from_ymd_opt(d.year(), 1, 1).unwrap_or(d);
    if let Some(p) = a.period.as_deref() {
        let kind = match p.trim() {
            "month" => Some(PeriodKind::Month),
            "quarter" => Some(PeriodKind::Quarter),
            "year" => Some(PeriodKind::Year),
            "week" => Some(PeriodKind::Week),
            "ytd" => {
                return Period::range(jan1(today), today).map_err(|e| Error::Usage(crate::msg!("{e}", "期间无效：{e}")))
            }
            _ => None,
        };
        return match kind {
            Some(k) => Ok(Period::containing(k, today)),
            None => p.parse::<Period>().map_err(|e| {
                Error::Usage(crate::msg!(
                    "--period: {e}; or month, quarter, year, ytd",
                    "--period：“{p}”不是期间（应如 2026、2026-Q1、2026-01、2026-W05 或 2026-01-01..2026-03-31），或 month、quarter、year、ytd"
                ))
            }),
        };
    }
    let to = a.to.unwrap_or(today);
    let from = a.from.unwrap_or_else(|| jan1(to));
    Period::range(from, to).map_err(|e| {
        Error::Usage(crate::msg!("--from {from} is after --to {to}: {e}", "--from {from} 晚于 --to {to}：{e}"))
    })
}

/// `report [--period P | --from DATE --to DATE] [--by DIM…] [--json | --csv]`: the period's
/// statistics (definitions in `domain::stats`).
pub fn report(ctx: &Context, a: &ReportArgs) -> Result<()> {
    let store = ctx.open()?;
    let today = store.policy().office.time_zone.date_of(Utc::now());
    let period = period_of(a, today)?;
    let mut by = a.by.clone();
    by.dedup();
    let r = store.report(period, &by)?;
    let mut out = Out::new();
    if a.json {
        out.json_pretty(&r)?;
        return out.flush();
    }
    if a.csv {
        for l in csv(&r) {
            out.line(&l)?;
        }
        return out.flush();
    }
    // The headline in both languages side by side (a printed report is read by either), then
    // the tables of the shared statistics view in the chosen language.
    const W: [usize; 3] = [30, 20, 14];
    out.line(&format!("Statistics 统计报表  {} … {}  ({})", r.from, r.to, r.time_zone))?;
    out.line("")?;
    for (term, value) in counts(&r) {
        out.line(&row(&[(term.en(), W[0]), (term.zh(), W[1]), (&value, W[2])]))?;
    }
    let tables = View {
        blocks: statistics(&r, ctx.lang)
            .blocks
            .into_iter()
            .filter(|b| matches!(b, Block::Table { .. } | Block::Blank))
            .collect(),
    };
    for l in lines(&tables, ctx.lang) {
        out.line(&l)?;
    }
    out.flush()
}

/// `check`: integrity and foreign keys; exit 1 when anything is wrong.
pub fn check(ctx: &Context, a: &CheckArgs) -> Result<()> {
    // A file that does not even open as a database gets no mark beside it: every write refuses
    // it anyway, and a bad file is left exactly as it was.
    let (problems, opened) = match ctx.open() {
        Ok(store) => (store.check()?, true),
        // Too damaged to open as a store: SQLite's own list says where.
        Err(e) if damaged(&e) => {
            let w = e.words(ctx.lang);
            let mut p = vec![crate::msg!("cannot open: {w}", "无法打开：{w}").get(ctx.lang).to_string()];
            p.extend(crate::store::health::integrity_problems(&ctx.db));
            (p, false)
        }
        Err(e) => return Err(e),
    };
    if problems.is_empty() {
        crate::store::health::clear_damage_mark(&ctx.db);
        let mut out = Out::new();
        out.line(crate::msg!("ok: integrity and foreign keys", "正常：完整性与外键检查通过").get(ctx.lang))?;
        out.flush()?;
        return check_imports(ctx, a.repair);
    }
    if opened {
        crate::store::health::mark_damaged(&ctx.db, &problems);
    }
    let n = problems.len();
    Err(Error::Db(crate::msg!("{n} problem(s) found:", "发现 {n} 个问题：").with_lines(&problems)))
}

/// Lists the imports that have not finished (`store::staging`); with `repair`, first finishes
/// those whose process stopped. An import stopped midway is a problem (exit 1); one running is not.
fn check_imports(ctx: &Context, repair: bool) -> Result<()> {
    let mut out = Out::new();
    if repair {
        let store = ctx.open_for_write()?;
        for line in store.repair_imports(Utc::now(), &mut |_| {})? {
            out.line(&crate::domain::text::sanitize(crate::msg!("repaired: ", "已修复：").then(line).get(ctx.lang)))?;
        }
    }
    let unfinished = ctx.open()?.unfinished_imports()?;
    let (running, stopped): (Vec<_>, Vec<_>) = unfinished.into_iter().partition(|u| u.running);
    for u in &running {
        out.line(crate::msg!("note: ", "提示：").then(u.words()).get(ctx.lang))?;
    }
    out.flush()?;
    if stopped.is_empty() {
        return Ok(());
    }
    let list: Vec<crate::error::Msg> = stopped.iter().map(|u| u.words()).collect();
    let n = list.len();
    Err(Error::Db(crate::msg!("{n} unfinished import(s):", "{n} 个导入未完成：").with_each(&list)))
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
        Error::Db(m) => ["corrupt", "malformed", "out of memory"].iter().any(|w| m.en().contains(w)),
        _ => false,
    }
}

/// `backup DEST`: a consistent copy made while desks may be running.
pub fn backup(ctx: &Context, a: &BackupArgs) -> Result<()> {
    let mut store = ctx.open_for_write()?;
    store.backup(&a.dest)?;
    let mut out = Out::new();
    if a.json {
        let bytes = std::fs::metadata(&a.dest).map(|m| m.len()).ok();
        out.json_pretty(&serde_json::json!({
            "db": ctx.db.display().to_string(),
            "backup": a.dest.display().to_string(),
            "bytes": bytes,
        }))?;
        return out.flush();
    }
    let (db, dest) = (ctx.db.display(), a.dest.display());
    out.line(crate::msg!("backed up {db} to {dest}", "已将 {db} 备份到 {dest}").get(ctx.lang))?;
    out.flush()
}

//! Supervisor and maintenance commands: `report`, `check`, `backup`.

use chrono::{Datelike, Local, NaiveDate, Utc};

use super::args::{BackupArgs, ReportArgs};
use super::output::{row, Out};
use super::Context;
use crate::error::{Error, Result};

/// `report [--from DATE] [--to DATE] [--json]`: the period's statistics.
pub fn report(ctx: &Context, a: &ReportArgs) -> Result<()> {
    let today = Local::now().date_naive();
    let from = a.from.unwrap_or_else(|| NaiveDate::from_ymd_opt(today.year(), 1, 1).unwrap_or(today));
    let to = a.to.unwrap_or(today);
    if from > to {
        return Err(Error::Usage(format!("--from {from} is after --to {to}")));
    }
    let store = ctx.open()?;
    let r = store.report(from, to, Utc::now())?;
    let mut out = Out::new();
    if a.json {
        out.json_pretty(&r)?;
        return out.flush();
    }
    const W: [usize; 3] = [26, 16, 14];
    let line = |en: &str, zh: &str, v: String| row(&[(en, W[0]), (zh, W[1]), (&v, W[2])]);
    out.line(&format!("Report 统计报表  {} … {}", r.from, r.to))?;
    out.line("")?;
    for l in [
        line("Received", "受理", r.received.to_string()),
        line("Mediated", "调解", r.mediated.to_string()),
        line("Resolved", "调解成功", r.resolved.to_string()),
        line("Failed", "调解终止", r.failed.to_string()),
        line("Withdrawn", "撤回", r.withdrawn.to_string()),
        line("Success rate", "调解成功率", r.success_rate.clone()),
        line("Amount (10k yuan)", "涉及金额(万元)", r.amount_wan_yuan.clone()),
        line("Agreements", "达成协议", r.agreements.to_string()),
        line("  of which written", "其中书面", r.agreements_written.to_string()),
        line("Performed", "履行", r.performed.to_string()),
        line("Judicial confirmations", "司法确认", r.judicial_confirmations.to_string()),
        line("Open now", "在办", r.open_now.to_string()),
        line("Overdue now", "超期", r.overdue_now.to_string()),
    ] {
        out.line(&l)?;
    }
    out.line("")?;
    const C: [usize; 4] = [20, 12, 10, 10];
    out.line(&row(&[("By category", C[0]), ("按类别", C[1]), ("mediated", C[2]), ("resolved", C[3])]))?;
    for c in &r.by_category {
        let (m, s) = (c.mediated.to_string(), c.resolved.to_string());
        out.line(&row(&[(c.category.en(), C[0]), (c.category.zh(), C[1]), (&m, C[2]), (&s, C[3])]))?;
    }
    out.line("")?;
    const S: [usize; 3] = [20, 18, 10];
    out.line(&row(&[("By source", S[0]), ("按来源", S[1]), ("mediated", S[2])]))?;
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
        Err(Error::Db(e)) if ["corrupt", "malformed", "out of memory"].iter().any(|w| e.contains(w)) => {
            let mut p = vec![format!("cannot open: {e}")];
            p.extend(crate::store::health::integrity_problems(&ctx.db));
            p
        }
        Err(e) => return Err(e),
    };
    if problems.is_empty() {
        let mut out = Out::new();
        out.line("ok: integrity and foreign keys")?;
        return out.flush();
    }
    Err(Error::Db(format!("{} problem(s) found:\n  {}", problems.len(), problems.join("\n  "))))
}

/// `backup DEST`: a consistent copy made while desks may be running.
pub fn backup(ctx: &Context, a: &BackupArgs) -> Result<()> {
    let mut store = ctx.open_for_write()?;
    store.backup(&a.dest)?;
    let mut out = Out::new();
    out.line(&format!("backed up {} to {}", ctx.db.display(), a.dest.display()))?;
    out.flush()
}

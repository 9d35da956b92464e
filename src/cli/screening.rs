//! `screening due|record|list`: the screening duties (三个一) on the command line.

use std::path::PathBuf;

use chrono::{NaiveDate, Utc};
use clap::{Args, Subcommand};

use super::cases::tr;
use super::output::{row, Out};
use super::Context;
use crate::domain::NewCase;
use crate::error::{Error, Result};
use crate::ingest::record::new_case_from_json;
use crate::store::{ScreeningRecord, ScreeningRow};

/// `screening`.
#[derive(Debug, Args)]
pub struct ScreeningArgs {
    /// What to do
    #[command(subcommand)]
    pub command: ScreeningCommand,
}

/// The `screening` subcommands.
#[derive(Debug, Subcommand)]
pub enum ScreeningCommand {
    /// Screenings due this period and overdue from the last, by tier
    Due {
        /// Only overdue ones
        #[arg(long)]
        overdue: bool,
        /// Print JSON
        #[arg(long)]
        json: bool,
    },
    /// Record a screening; each case in --cases becomes a case with source screening, in the same step
    Record {
        /// The committee's code
        #[arg(long, value_name = "CODE")]
        committee: String,
        /// The day it was done, YYYY-MM-DD in office time [default: today]
        #[arg(long, value_name = "DATE", value_parser = super::args::cli_date)]
        date: Option<NaiveDate>,
        /// Who screened
        #[arg(long = "by", value_name = "NAME")]
        screened_by: String,
        /// Places visited
        #[arg(long, value_name = "TEXT", default_value = "")]
        places: String,
        /// Disputes found (at least the number of --cases records)
        #[arg(long, value_name = "N", default_value_t = 0)]
        found: u32,
        /// Note
        #[arg(long, value_name = "TEXT", default_value = "")]
        note: String,
        /// A JSON array of case records (the `add --json` shape) for the disputes found
        #[arg(long, value_name = "FILE")]
        cases: Option<PathBuf>,
        /// Print JSON
        #[arg(long)]
        json: bool,
    },
    /// Screening records, newest first
    List {
        /// Only this committee's (code)
        #[arg(long, value_name = "CODE")]
        committee: Option<String>,
        /// Print JSON
        #[arg(long)]
        json: bool,
    },
}

fn findings(path: &PathBuf, tz: crate::domain::OfficeTz) -> Result<Vec<NewCase>> {
    let name = path.display().to_string();
    let text =
        std::fs::read_to_string(path).map_err(|e| Error::refused(name.clone(), crate::msg!("{e}", "无法读取：{e}")))?;
    let value: serde_json::Value = serde_json::from_str(text.trim_start_matches('\u{feff}'))
        .map_err(|e| Error::refused(name.clone(), crate::msg!("not valid JSON: {e}", "不是有效的 JSON：{e}")))?;
    let items = match value {
        serde_json::Value::Array(items) => items,
        v => vec![v],
    };
    items
        .into_iter()
        .enumerate()
        .map(|(i, mut v)| {
            // A finding's source is screening whatever the record says; it need not say it.
            if let Some(o) = v.as_object_mut() {
                o.insert("source".into(), serde_json::Value::String("screening".into()));
            }
            new_case_from_json(&v, tz).map_err(|errs| {
                let words: Vec<crate::error::Msg> = errs.iter().map(crate::error::Msg::from).collect();
                let (en, zh): (Vec<&str>, Vec<&str>) =
                    words.iter().map(|w| (w.get(crate::domain::Lang::En), w.get(crate::domain::Lang::Zh))).unzip();
                let n = i + 1;
                let (en, zh) = (en.join("; "), zh.join("；"));
                Error::refused(name.clone(), crate::msg!("record {n}: {en}", "第 {n} 条记录：{zh}"))
            })
        })
        .collect()
}

/// A record as JSON: the [`ScreeningRow`] fields, `recorded_at` in RFC 3339 with the office's
/// offset (as every time the CLI prints as JSON).
fn row_json(r: &ScreeningRow, tz: crate::domain::OfficeTz) -> Result<serde_json::Value> {
    let mut v = serde_json::to_value(r).map_err(|e| Error::Db(crate::msg!("{e}", "无法输出 JSON：{e}")))?;
    v["recorded_at"] = serde_json::Value::String(tz.rfc3339(r.recorded_at));
    Ok(v)
}

/// `screening …`.
pub fn screening(ctx: &Context, a: &ScreeningArgs) -> Result<()> {
    let now = Utc::now();
    let l = ctx.lang;
    let mut out = Out::new();
    match &a.command {
        ScreeningCommand::Due { overdue, json } => {
            let store = ctx.open()?;
            let duties: Vec<_> = store.screening_duties(now)?.into_iter().filter(|d| d.overdue || !overdue).collect();
            if *json {
                out.json_pretty(&duties)?;
            } else if duties.is_empty() {
                out.line(tr(l, "no screening due", "没有待排查的任务"))?;
            } else {
                out.line(&row(&[
                    (tr(l, "TIER", "层级"), 10),
                    (tr(l, "COMMITTEE", "调委会"), 16),
                    (tr(l, "PERIOD", "周期"), 9),
                    (tr(l, "STATE", "状态"), 8),
                    (tr(l, "NAME", "名称"), 40),
                ]))?;
                for d in &duties {
                    let name = store
                        .org()?
                        .committee(d.committee_id)
                        .map(|c| if l == crate::domain::Lang::Zh { c.name_zh.clone() } else { c.name_en.clone() })
                        .unwrap_or_default();
                    let state = if d.overdue { tr(l, "overdue", "超期") } else { tr(l, "due", "待排查") };
                    out.line(&row(&[
                        (d.tier.label(l), 10),
                        (&d.committee, 16),
                        (&d.period, 9),
                        (state, 8),
                        (&name, 40),
                    ]))?;
                }
            }
        }
        ScreeningCommand::Record { committee, date, screened_by, places, found, note, cases, json } => {
            let mut store = ctx.open_for_write()?;
            let tz = store.policy().office.time_zone;
            let findings = match cases {
                Some(p) => findings(p, tz)?,
                None => Vec::new(),
            };
            let rec = ScreeningRecord {
                committee: committee.clone(),
                day: date.unwrap_or_else(|| tz.date_of(now)),
                screened_by: screened_by.clone(),
                places: places.clone(),
                found: *found,
                note: note.clone(),
            };
            let r = store.record_screening(&rec, &findings, now)?;
            if *json {
                out.json_pretty(&row_json(&r, tz)?)?;
            } else {
                let (id, c, p, n) = (r.id, &r.committee, &r.period, r.disputes_found);
                let mut line = match l {
                    crate::domain::Lang::En => format!("screening {id} recorded: {c} {p}, {n} dispute(s) found"),
                    crate::domain::Lang::Zh => format!("排查记录 {id} 已登记：{c} {p}，发现纠纷 {n} 件"),
                };
                if !r.cases.is_empty() {
                    line.push_str(&format!("{}{}", tr(l, "; cases ", "；立案 "), r.cases.join(", ")));
                }
                out.line(&crate::domain::text::sanitize(&line))?;
            }
        }
        ScreeningCommand::List { committee, json } => {
            let store = ctx.open()?;
            let rows = store.screenings(committee.as_deref())?;
            if *json {
                let tz = store.policy().office.time_zone;
                out.json_pretty(&rows.iter().map(|r| row_json(r, tz)).collect::<Result<Vec<_>>>()?)?;
            } else if rows.is_empty() {
                out.line(tr(l, "no screenings recorded", "没有排查记录"))?;
            } else {
                out.line(&row(&[
                    (tr(l, "ID", "编号"), 5),
                    (tr(l, "DATE", "日期"), 10),
                    (tr(l, "COMMITTEE", "调委会"), 16),
                    (tr(l, "PERIOD", "周期"), 9),
                    (tr(l, "FOUND", "发现"), 5),
                    (tr(l, "BY", "排查人"), 10),
                    (tr(l, "PLACES", "地点"), 30),
                ]))?;
                for r in &rows {
                    out.line(&row(&[
                        (&r.id.to_string(), 5),
                        (&r.date.to_string(), 10),
                        (&r.committee, 16),
                        (&r.period, 9),
                        (&r.disputes_found.to_string(), 5),
                        (&r.screened_by, 10),
                        (&r.places, 30),
                    ]))?;
                }
            }
        }
    }
    out.flush()
}

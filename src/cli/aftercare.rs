//! After the agreement on the command line: `rectify list|assign|close|reopen` (the
//! rectification list, 整改清单) and `arrive REF [--at TIME]` (the lead mediator on site, 到场).

use chrono::Utc;
use clap::{Args, Subcommand};
use serde_json::json;

use super::cases::tr;
use super::output::{row, Out};
use super::Context;
use crate::domain::aftercare::RectifyItem;
use crate::domain::text::sanitize;
use crate::domain::{Lang, OfficeTz};
use crate::error::Result;
use crate::store::{Expect, ItemFilter};

/// `rectify`.
#[derive(Debug, Args)]
pub struct RectifyArgs {
    /// What to do
    #[command(subcommand)]
    pub command: RectifyCommand,
}

/// The `rectify` subcommands.
#[derive(Debug, Subcommand)]
pub enum RectifyCommand {
    /// List items: open ones first, by due date
    List {
        /// Only open items past their due date
        #[arg(long)]
        overdue: bool,
        /// Only open items
        #[arg(long)]
        open: bool,
        /// Print JSON
        #[arg(long)]
        json: bool,
    },
    /// Give an open item to a mediator (id or exact name) or a committee (code)
    Assign {
        /// The item number
        #[arg(value_name = "ITEM")]
        item: i64,
        /// Mediator id or exact name, or committee code
        #[arg(value_name = "OWNER")]
        owner: String,
        /// Print JSON
        #[arg(long)]
        json: bool,
    },
    /// Mark an open item done, with a closing note; the case closes when nothing else is due
    Close {
        /// The item number
        #[arg(value_name = "ITEM")]
        item: i64,
        /// What was done
        #[arg(long, value_name = "TEXT")]
        note: String,
        /// Print JSON
        #[arg(long)]
        json: bool,
    },
    /// Turn an open item into a new mediation round: the case reopens (audited, history kept)
    Reopen {
        /// The item number
        #[arg(value_name = "ITEM")]
        item: i64,
        /// Print JSON
        #[arg(long)]
        json: bool,
    },
}

/// `arrive`.
#[derive(Debug, Args)]
pub struct ArriveArgs {
    /// The case's ref
    #[arg(value_name = "REF")]
    pub reference: String,
    /// When the mediator arrived, in office time (`YYYY-MM-DD HH:MM` or RFC 3339) [default: now]
    #[arg(long, value_name = "TIME")]
    pub at: Option<String>,
    /// Print JSON
    #[arg(long)]
    pub json: bool,
}

/// An item as JSON: the [`RectifyItem`] fields, its times in RFC 3339 with the office's offset
/// (as every time the CLI prints as JSON).
fn item_json(i: &RectifyItem, tz: OfficeTz) -> Result<serde_json::Value> {
    let mut v =
        serde_json::to_value(i).map_err(|e| crate::error::Error::Db(crate::msg!("{e}", "无法输出 JSON：{e}")))?;
    v["due"] = json!(tz.rfc3339(i.due));
    v["created_at"] = json!(tz.rfc3339(i.created_at));
    v["closed_at"] = json!(i.closed_at.map(|t| tz.rfc3339(t)));
    Ok(v)
}

/// An item's finding in `lang`: the visit's outcome, stored in English at its head
/// (`store::aftercare::finding`), told in the chosen language; the note as written.
fn finding_in(finding: &str, lang: Lang) -> String {
    for o in crate::domain::FollowupOutcome::ALL {
        if let Some(rest) = finding.strip_prefix(o.en()) {
            if rest.is_empty() || rest.starts_with(": ") {
                return format!("{}{rest}", o.label(lang));
            }
        }
    }
    finding.to_string()
}

/// `rectify …`.
pub fn rectify(ctx: &Context, a: &RectifyArgs) -> Result<()> {
    let now = Utc::now();
    let l = ctx.lang;
    let mut out = Out::new();
    match &a.command {
        RectifyCommand::List { overdue, open, json } => {
            let store = ctx.open()?;
            let tz = store.policy().office.time_zone;
            let items =
                store.rectify_items(ItemFilter { overdue_only: *overdue, open_only: *open }, now, usize::MAX)?;
            if *json {
                let items = items.iter().map(|i| item_json(i, tz)).collect::<Result<Vec<_>>>()?;
                out.json_pretty(&items)?;
            } else if items.is_empty() {
                out.line(tr(l, "no rectification items", "没有整改事项"))?;
            } else {
                out.line(&row(&[
                    (tr(l, "ITEM", "事项"), 6),
                    (tr(l, "CASE", "案件"), 15),
                    (tr(l, "STATUS", "状态"), 10),
                    (tr(l, "DUE", "整改期限"), 23),
                    (tr(l, "OWNER", "责任人"), 14),
                    (tr(l, "FINDING", "回访发现"), 40),
                ]))?;
                for i in &items {
                    let mut status = i.status.label(ctx.lang).to_string();
                    if i.is_overdue(now) {
                        status = format!("{status}!");
                    }
                    out.line(&row(&[
                        (&i.id.to_string(), 6),
                        (&i.case_ref, 15),
                        (&status, 10),
                        (&tz.minutes_with_offset(i.due), 23),
                        (&i.owner, 14),
                        (&finding_in(&i.finding, l), 40),
                    ]))?;
                }
            }
        }
        RectifyCommand::Assign { item, owner, json } => {
            let mut store = ctx.open_for_write()?;
            let i = store.rectify_assign(*item, owner, now)?;
            if *json {
                out.json_pretty(&item_json(&i, store.policy().office.time_zone)?)?;
            } else {
                let (r, owner) = (sanitize(&i.case_ref), sanitize(&i.owner));
                out.line(&match l {
                    Lang::En => format!("item {} ({r}): owner {owner}", i.id),
                    Lang::Zh => format!("整改事项 {}（{r}）：责任人 {owner}", i.id),
                })?;
            }
        }
        RectifyCommand::Close { item, note, json } => {
            let mut store = ctx.open_for_write()?;
            let i = store.rectify_close(*item, note, now)?;
            let case = store.case_by_ref(&i.case_ref)?;
            if *json {
                let item = item_json(&i, store.policy().office.time_zone)?;
                out.json_pretty(&json!({"item": item, "case_status": case.status}))?;
            } else {
                let (r, status) = (sanitize(&i.case_ref), case.status.label(l));
                out.line(&match l {
                    Lang::En => format!("item {} ({r}): done; case {status}", i.id),
                    Lang::Zh => format!("整改事项 {}（{r}）：已整改；案件{status}", i.id),
                })?;
            }
        }
        RectifyCommand::Reopen { item, json } => {
            let mut store = ctx.open_for_write()?;
            let case = store.rectify_reopen(*item, now)?;
            let tz = store.policy().office.time_zone;
            if *json {
                let due = case.mediation_due.map(|t| tz.rfc3339(t));
                out.json_pretty(
                    &json!({"item": item, "case": case.reference, "status": case.status, "mediation_due": due}),
                )?;
            } else {
                let due = case.mediation_due.map(|t| tz.minutes_with_offset(t)).unwrap_or_default();
                let (r, status) = (sanitize(&case.reference), case.status.label(l));
                out.line(&match l {
                    Lang::En => format!("{r}: reopened for a new mediation round ({status}), mediate by {due}"),
                    Lang::Zh => format!("{r}：转入新一轮调解（{status}），调解时限 {due}"),
                })?;
            }
        }
    }
    out.flush()
}

/// `arrive REF [--at TIME]`.
pub fn arrive(ctx: &Context, a: &ArriveArgs) -> Result<()> {
    let mut store = ctx.open_for_write()?;
    let tz = store.policy().office.time_zone;
    let now = Utc::now();
    let at = match a.at.as_deref() {
        Some(t) => tz.parse(t).map_err(|e| {
            crate::error::Error::Usage(crate::msg!(
                "{e}",
                "--at：“{t}”不是日期或时间（应如 2026-01-31 或 2026-01-31 14:30）"
            ))
        })?,
        None => now,
    };
    let seen = Expect::Version(store.case_by_ref(&a.reference)?.version);
    let case = store.record_arrival(&a.reference, at, seen, now)?;
    let minutes = (at - case.received_at).num_minutes();
    let mut out = Out::new();
    if a.json {
        out.json_pretty(&json!({
            "ref": case.reference, "arrived_at": tz.rfc3339(at), "minutes_from_received": minutes
        }))?;
    } else {
        let after = crate::view::duration::short_duration(minutes * 60, ctx.lang);
        let line = match ctx.lang {
            Lang::Zh => {
                format!("{}：{} 到场（吹哨后{after}）", sanitize(&case.reference), tz.minutes_with_offset(at))
            }
            Lang::En => {
                format!(
                    "{}: arrived on site {} ({after} after the whistle)",
                    sanitize(&case.reference),
                    tz.minutes_with_offset(at)
                )
            }
        };
        out.line(&line)?;
    }
    out.flush()
}

//! `duty MEDIATOR on|off`: puts a mediator on or off duty (audited); suggestions and auto-assign
//! skip mediators off duty.

use chrono::Utc;
use serde::Serialize;

use super::args::{DutyArgs, DutyState};
use super::cases::tr;
use super::output::Out;
use super::Context;
use crate::domain::text::sanitize;
use crate::error::Result;

/// What `duty --json` prints.
#[derive(Serialize)]
struct DutyRecord<'a> {
    id: i64,
    name: &'a str,
    on_duty: bool,
    changed: bool,
}

/// `duty MEDIATOR on|off [--json]`. Setting the state a mediator is already in changes nothing
/// and says so.
pub fn duty(ctx: &Context, a: &DutyArgs) -> Result<()> {
    let mut store = ctx.open_for_write()?;
    let mediator = store.find_mediator(&a.mediator)?.clone();
    let on_duty = a.state == DutyState::On;
    let changed = mediator.on_duty != on_duty;
    if changed {
        store.set_on_duty(mediator.id, on_duty, Utc::now())?;
    }
    let mut out = Out::new();
    if a.json {
        out.json_pretty(&DutyRecord { id: mediator.id, name: &mediator.name, on_duty, changed })?;
        return out.flush();
    }
    let l = ctx.lang;
    let state = match on_duty {
        true => tr(l, "on duty", "在岗"),
        false => tr(l, "off duty", "不在岗"),
    };
    let line = match changed {
        true => format!("{} (#{}): {state}", sanitize(&mediator.name), mediator.id),
        false => format!(
            "{} (#{}): {state} {}",
            sanitize(&mediator.name),
            mediator.id,
            tr(l, "already; nothing changed", "（未变）")
        ),
    };
    out.line(&line)?;
    out.flush()
}

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

/// What `duty --json` prints: the mediator as `mediators --json` prints one, after the change,
/// and whether anything changed.
#[derive(Serialize)]
struct DutyRecord {
    #[serde(flatten)]
    mediator: super::org::MediatorRecord,
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
        let record = super::org::mediator_records(&store, None)?.into_iter().find(|r| r.id == mediator.id);
        let Some(mediator) = record else {
            return Err(crate::error::Error::missing(crate::error::Thing::Mediator, mediator.id.to_string()));
        };
        out.json_pretty(&DutyRecord { mediator, changed })?;
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

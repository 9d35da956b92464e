//! The case's life cycle as one table: what each status means (open, led, finished, which clock
//! runs, how statistics count it), the transitions between statuses (event, from, to, guard), the
//! named status sets and the overdue rule. Everything else — the store's SQL and partial indexes,
//! `Case::is_overdue`, the report, the demo generator — is derived from here.
//!
//! A new status: one variant in [`Status`] (with its labels), one arm in [`rule`] (the compiler
//! insists), and the transitions that lead in and out of it as entries in [`TRANSITIONS`]. If it
//! changes a named set, append a migration that re-creates the partial indexes
//! (`store::schema`). A new transition is one [`Event`] variant plus its entries.

use chrono::{DateTime, Utc};

use super::case::{Case, Status};
use crate::labelled_enum;

/// The deadline that runs while a case is in a status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Clock {
    /// The assignment clock (`assign_due`): someone must take the case.
    Assign,
    /// The mediation clock (`mediation_due`): the lead must finish.
    Mediation,
}

impl Clock {
    /// Every clock.
    pub const ALL: [Clock; 2] = [Clock::Assign, Clock::Mediation];

    /// The deadline of this clock on `case`, if it has one.
    pub fn due(self, case: &Case) -> Option<DateTime<Utc>> {
        match self {
            Clock::Assign => Some(case.assign_due),
            Clock::Mediation => case.mediation_due,
        }
    }
}

/// How the statistics count a case that finished in a status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Outcome {
    /// Mediated successfully (an agreement): counts as mediated and resolved.
    Success,
    /// Mediated without agreement: counts as mediated and failed.
    Failure,
    /// Withdrawn by the parties: not counted as mediated.
    Withdrawn,
}

/// What one status means.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StatusRule {
    /// Still being worked: counts toward load, the routing matrix and `open_now`.
    pub open: bool,
    /// Has (while open) or needs (to end in it) a lead mediator.
    pub led: bool,
    /// The clock that runs (and can make the case overdue), if any.
    pub clock: Option<Clock>,
    /// How statistics count a case finished in this status; `None` while open.
    pub outcome: Option<Outcome>,
}

/// The rule of each status. Exhaustive on purpose: a new status does not compile until it is
/// classified here.
pub const fn rule(status: Status) -> StatusRule {
    const fn open(led: bool, clock: Clock) -> StatusRule {
        StatusRule { open: true, led, clock: Some(clock), outcome: None }
    }
    const fn done(led: bool, outcome: Outcome) -> StatusRule {
        StatusRule { open: false, led, clock: None, outcome: Some(outcome) }
    }
    match status {
        Status::Received => open(false, Clock::Assign),
        Status::Assigned => open(true, Clock::Mediation),
        Status::Mediating => open(true, Clock::Mediation),
        Status::Resolved => done(true, Outcome::Success),
        Status::Failed => done(true, Outcome::Failure),
        Status::Withdrawn => done(false, Outcome::Withdrawn),
        Status::Closed => done(true, Outcome::Success),
    }
}

/// A named set of statuses, defined by the status rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum StatusSet {
    /// Still being worked (received, assigned, mediating).
    Open,
    /// Open and waiting for a lead (the Incoming queue).
    Unassigned,
    /// Open with a lead mediator (counts toward the mediator's load).
    Led,
    /// Mediation ended, whatever the outcome.
    Finished,
    /// Finished with an agreement.
    Success,
    /// Finished without agreement.
    Failure,
    /// Withdrawn by the parties.
    Withdrawn,
    /// Open with this clock running.
    ClockRuns(Clock),
}

impl StatusSet {
    /// Every named set (the clock sets included), for tests and checks.
    pub const ALL: [StatusSet; 9] = [
        StatusSet::Open,
        StatusSet::Unassigned,
        StatusSet::Led,
        StatusSet::Finished,
        StatusSet::Success,
        StatusSet::Failure,
        StatusSet::Withdrawn,
        StatusSet::ClockRuns(Clock::Assign),
        StatusSet::ClockRuns(Clock::Mediation),
    ];

    /// True when `status` is in the set.
    pub fn contains(self, status: Status) -> bool {
        let r = rule(status);
        match self {
            StatusSet::Open => r.open,
            StatusSet::Unassigned => r.open && !r.led,
            StatusSet::Led => r.open && r.led,
            StatusSet::Finished => !r.open,
            StatusSet::Success => r.outcome == Some(Outcome::Success),
            StatusSet::Failure => r.outcome == Some(Outcome::Failure),
            StatusSet::Withdrawn => r.outcome == Some(Outcome::Withdrawn),
            StatusSet::ClockRuns(c) => r.open && r.clock == Some(c),
        }
    }

    /// The members, in [`Status::ALL`] order.
    pub fn statuses(self) -> Vec<Status> {
        Status::ALL.iter().copied().filter(|&s| self.contains(s)).collect()
    }
}

labelled_enum! {
    /// What happens to a case: each event moves it along [`TRANSITIONS`].
    pub enum Event {
        Assign = ("assign", "分派", "Assign"),
        StartMediation = ("start_mediation", "开始调解", "Start mediation"),
        Reroute = ("reroute", "改派", "Re-route"),
        Resolve = ("resolve", "调解成功", "Resolve"),
        Fail = ("fail", "调解终止", "Fail"),
        Withdraw = ("withdraw", "撤回", "Withdraw"),
        Close = ("close", "结案", "Close"),
        Reopen = ("reopen", "重新调解", "Reopen"),
        Extend = ("extend", "延长调解期限", "Extend the mediation clock"),
        ApplyJudicial = ("judicial", "申请司法确认", "Apply for judicial confirmation"),
        Refer = ("refer", "移交", "Refer onward"),
    }
}

/// One row of the transition table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Transition {
    /// What happens.
    pub event: Event,
    /// The statuses it may happen in.
    pub from: &'static [Status],
    /// The status it leads to.
    pub to: Status,
    /// What else must hold (checked by the command that applies it).
    pub guard: &'static str,
}

const fn t(event: Event, from: &'static [Status], to: Status, guard: &'static str) -> Transition {
    Transition { event, from, to, guard }
}

use Status::{Assigned, Closed, Failed, Mediating, Received, Resolved, Withdrawn};

const EXTEND_GUARD: &str =
    "the consent the source needs (the court's for a court referral, else both parties'), within the statutory limits";

/// Every transition. An (event, from) pair appears at most once.
pub const TRANSITIONS: &[Transition] = &[
    t(
        Event::Assign,
        &[Received, Assigned],
        Assigned,
        "a known mediator, within capacity unless forced, not already the lead",
    ),
    t(Event::Assign, &[Mediating], Mediating, "a known mediator, within capacity unless forced, not already the lead"),
    t(Event::StartMediation, &[Assigned], Mediating, "the lead has met the parties"),
    t(Event::Reroute, &[Received, Assigned, Mediating], Received, "the new committee covers the case's area"),
    t(Event::Resolve, &[Assigned, Mediating], Resolved, "a lead mediator; an agreement form"),
    t(Event::Fail, &[Assigned, Mediating], Failed, "a lead mediator"),
    t(Event::Withdraw, &[Received, Assigned, Mediating], Withdrawn, "none"),
    t(
        Event::Close,
        &[Resolved],
        Closed,
        "performance confirmed, every follow-up done and no rectification item open (domain::aftercare::may_close)",
    ),
    t(Event::Reopen, &[Resolved, Closed], Mediating, "an open rectification item turned into a new mediation round"),
    t(Event::Extend, &[Assigned], Assigned, EXTEND_GUARD),
    t(Event::Extend, &[Mediating], Mediating, EXTEND_GUARD),
    t(Event::ApplyJudicial, &[Resolved], Resolved, "within the judicial-confirmation window after the agreement; once"),
    t(Event::Refer, &[Failed], Failed, "not referred already"),
];

/// The events the table allows in `status`, in [`Event::ALL`] order.
pub fn allowed(status: Status) -> Vec<Event> {
    Event::ALL.iter().copied().filter(|&e| transition(status, e).is_some()).collect()
}

/// "assign, re-route, withdraw" (or "分派、改派、撤回"): the events allowed in `status`, worded.
pub fn allowed_words(status: Status, lang: crate::domain::Lang) -> String {
    let events = allowed(status);
    if events.is_empty() {
        return match lang {
            crate::domain::Lang::Zh => "无（已是终态）".into(),
            crate::domain::Lang::En => "nothing (a final status)".into(),
        };
    }
    let sep = if lang == crate::domain::Lang::Zh { "、" } else { ", " };
    events
        .iter()
        .map(|e| if lang == crate::domain::Lang::Zh { e.zh().to_string() } else { e.en().to_lowercase() })
        .collect::<Vec<_>>()
        .join(sep)
}

/// An event that the table does not allow in a status.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TransitionError {
    /// The event tried.
    pub event: Event,
    /// The status the case was in.
    pub from: Status,
}

impl std::fmt::Display for TransitionError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "a case that is {} cannot {}", self.from.en().to_lowercase(), self.event.en().to_lowercase())
    }
}

impl std::error::Error for TransitionError {}

/// The transition `event` takes from `from`, if the table has one.
pub fn transition(from: Status, event: Event) -> Option<&'static Transition> {
    TRANSITIONS.iter().find(|t| t.event == event && t.from.contains(&from))
}

/// The status `event` leads to from `from`.
pub fn next(from: Status, event: Event) -> Result<Status, TransitionError> {
    transition(from, event).map(|t| t.to).ok_or(TransitionError { event, from })
}

/// The event that finishes a case in `status` (resolved, failed, withdrawn), if it is an outcome.
pub fn finishing_event(status: Status) -> Option<Event> {
    TRANSITIONS
        .iter()
        .find(|t| t.to == status && rule(status).outcome.is_some() && t.from.iter().any(|&f| rule(f).open))
        .map(|t| t.event)
}

/// The overdue rule: the clock running in the case's status has passed `now`.
pub fn is_overdue(case: &Case, now: DateTime<Utc>) -> bool {
    rule(case.status).clock.and_then(|c| c.due(case)).is_some_and(|due| due < now)
}

impl Case {
    /// Applies `event` to the case's status by the table (no other field changes).
    pub fn apply(&mut self, event: Event) -> Result<Status, TransitionError> {
        self.status = next(self.status, event)?;
        Ok(self.status)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_status_is_open_or_finished_and_labelled() {
        for &s in Status::ALL {
            assert_ne!(StatusSet::Open.contains(s), StatusSet::Finished.contains(s), "{s:?}");
            assert!(!s.zh().is_empty() && !s.en().is_empty(), "{s:?} has no label");
            let r = rule(s);
            assert_eq!(r.open, r.clock.is_some(), "{s:?}: an open status runs a clock, a finished one none");
            assert_eq!(r.open, r.outcome.is_none(), "{s:?}: a finished status has an outcome");
            assert!(s.code().bytes().all(|b| b.is_ascii_lowercase() || b == b'_'), "{s:?}: code unsafe in SQL");
        }
    }

    #[test]
    fn every_status_is_reachable_and_every_open_status_can_end() {
        for &s in Status::ALL {
            if s != Status::Received {
                assert!(TRANSITIONS.iter().any(|t| t.to == s), "{s:?} cannot be reached");
            }
            if rule(s).open {
                assert!(TRANSITIONS.iter().any(|t| t.from.contains(&s) && !rule(t.to).open), "{s:?} never ends");
            }
        }
    }

    #[test]
    fn an_event_has_one_transition_per_status() {
        for &e in Event::ALL {
            for &s in Status::ALL {
                let n = TRANSITIONS.iter().filter(|t| t.event == e && t.from.contains(&s)).count();
                assert!(n <= 1, "{e:?} from {s:?} is ambiguous");
            }
            assert!(TRANSITIONS.iter().any(|t| t.event == e), "{e:?} has no transition");
        }
    }

    #[test]
    fn the_named_sets_are_as_documented() {
        assert_eq!(StatusSet::Open.statuses(), vec![Received, Assigned, Mediating]);
        assert_eq!(StatusSet::Led.statuses(), vec![Assigned, Mediating]);
        assert_eq!(StatusSet::Unassigned.statuses(), vec![Received]);
        assert_eq!(StatusSet::Finished.statuses(), vec![Resolved, Failed, Withdrawn, Closed]);
        assert_eq!(StatusSet::Success.statuses(), vec![Resolved, Closed]);
        for &s in Status::ALL {
            let outcomes = [StatusSet::Success, StatusSet::Failure, StatusSet::Withdrawn];
            let n = outcomes.iter().filter(|o| o.contains(s)).count();
            assert_eq!(n, usize::from(StatusSet::Finished.contains(s)), "{s:?} must have exactly one outcome");
        }
    }

    #[test]
    fn transitions_follow_the_table() {
        assert_eq!(next(Received, Event::Assign), Ok(Assigned));
        assert_eq!(next(Mediating, Event::Assign), Ok(Mediating));
        assert_eq!(next(Mediating, Event::Reroute), Ok(Received));
        assert_eq!(next(Resolved, Event::Close), Ok(Closed));
        assert!(next(Received, Event::Resolve).is_err());
        assert!(next(Closed, Event::Assign).is_err());
        assert_eq!(finishing_event(Resolved), Some(Event::Resolve));
        assert_eq!(finishing_event(Withdrawn), Some(Event::Withdraw));
        assert_eq!(finishing_event(Closed), None);
        assert_eq!(finishing_event(Failed), Some(Event::Fail));
    }

    #[test]
    fn what_is_allowed_is_read_from_the_table() {
        assert_eq!(allowed(Received), vec![Event::Assign, Event::Reroute, Event::Withdraw]);
        assert!(allowed(Assigned).contains(&Event::StartMediation) && allowed(Assigned).contains(&Event::Extend));
        assert!(!allowed(Mediating).contains(&Event::StartMediation));
        assert_eq!(allowed(Resolved), vec![Event::Close, Event::Reopen, Event::ApplyJudicial]);
        assert_eq!(allowed(Failed), vec![Event::Refer]);
        assert_eq!(allowed(Closed), vec![Event::Reopen]);
        assert!(allowed(Withdrawn).is_empty());
        assert_eq!(allowed_words(Received, crate::domain::Lang::Zh), "分派、改派、撤回");
        assert_eq!(next(Mediating, Event::Extend), Ok(Mediating));
        assert_eq!(next(Assigned, Event::Extend), Ok(Assigned));
    }
}

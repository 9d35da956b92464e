//! The steps of a case's life the desk records after assignment (start mediation, outcome,
//! extension, judicial confirmation, onward referral, close, arrival on site): which key opens
//! each, what it is called, and whether the case's status allows it (from the one lifecycle
//! table, `domain::lifecycle`).

use chrono::{DateTime, Utc};

use crate::domain::lifecycle::{allowed, allowed_words, Event};
use crate::domain::{Case, ExtensionConsent, Lang, ReferralKind};
use crate::error::Result;
use crate::store::{Expect, OutcomeRecord, Referral, Session, Store};
use crate::tui::action::Action;

/// What a step's form (or the close question) asks the worker to write. A time left empty in
/// the form is `None`: the worker writes its own now, so it never precedes the step before it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StepWrite {
    /// Start mediation with this first session.
    Mediate {
        /// When it was held (`None`: now).
        at: Option<DateTime<Utc>>,
        /// Where.
        place: String,
        /// The mediators present.
        mediators: Vec<String>,
    },
    /// Record this outcome.
    Outcome(OutcomeRecord),
    /// Extend the mediation clock by `days` with `consent`.
    Extend {
        /// Whose consent.
        consent: ExtensionConsent,
        /// By how many days.
        days: i64,
    },
    /// Applied for judicial confirmation at `court`.
    Judicial {
        /// When the application was made (`None`: now).
        at: Option<DateTime<Utc>>,
        /// The court.
        court: String,
    },
    /// Referred onward.
    Refer {
        /// The kind of receiving body.
        kind: ReferralKind,
        /// Its name.
        body: String,
        /// When the case was handed over (`None`: now).
        at: Option<DateTime<Utc>>,
    },
    /// Close.
    Close,
    /// The lead arrived on site.
    Arrive {
        /// When (`None`: now).
        at: Option<DateTime<Utc>>,
    },
}

/// One step the desk records with a form (or, for closing, a question).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CaseStep {
    /// The first mediation session: date, place, mediators present.
    Mediate,
    /// How mediation ended: agreement, failure or withdrawal.
    Outcome,
    /// Extend the mediation clock with the consent the source needs.
    Extend,
    /// Apply for judicial confirmation of the agreement.
    Judicial,
    /// Refer a failed case onward (court, arbitration, police, administrative body).
    Refer,
    /// Close the case (performance confirmed, no follow-up or rectification open).
    Close,
    /// The lead mediator reported on site (到场).
    Arrive,
}

impl CaseStep {
    /// Every step, in the order of a case's life (the detail popup's hint order).
    pub const ALL: &'static [CaseStep] = &[
        CaseStep::Arrive,
        CaseStep::Mediate,
        CaseStep::Extend,
        CaseStep::Outcome,
        CaseStep::Judicial,
        CaseStep::Refer,
        CaseStep::Close,
    ];

    /// The desk action (key) that opens it.
    pub fn action(self) -> Action {
        match self {
            CaseStep::Mediate => Action::StartMediation,
            CaseStep::Outcome => Action::RecordOutcome,
            CaseStep::Extend => Action::ExtendClock,
            CaseStep::Judicial => Action::ApplyJudicial,
            CaseStep::Refer => Action::ReferOnward,
            CaseStep::Close => Action::CloseCase,
            CaseStep::Arrive => Action::RecordArrival,
        }
    }

    /// The step an action opens, if it is one.
    pub fn of_action(a: &Action) -> Option<CaseStep> {
        CaseStep::ALL.iter().copied().find(|s| &s.action() == a)
    }

    /// The lifecycle events it records (any one allowed makes the step allowed); arrival is not
    /// a transition and has none.
    pub fn events(self) -> &'static [Event] {
        match self {
            CaseStep::Mediate => &[Event::StartMediation],
            CaseStep::Outcome => &[Event::Resolve, Event::Fail, Event::Withdraw],
            CaseStep::Extend => &[Event::Extend],
            CaseStep::Judicial => &[Event::ApplyJudicial],
            CaseStep::Refer => &[Event::Refer],
            CaseStep::Close => &[Event::Close],
            CaseStep::Arrive => &[],
        }
    }

    /// True when the case may take this step now: its status allows one of the step's events
    /// (the lifecycle table), and for what the table cannot see, the case's own record (arrival:
    /// a lead and none recorded yet; judicial: not applied yet; refer: not referred yet). The
    /// store checks the remaining guards (dates, windows, caps) when the step is saved.
    pub fn allowed(self, case: &Case) -> bool {
        let by_table = allowed(case.status).iter().any(|e| self.events().contains(e));
        match self {
            CaseStep::Arrive => case.lead_mediator_id.is_some() && case.arrived_at.is_none() && case.status.is_open(),
            CaseStep::Judicial => by_table && case.judicial_applied_at.is_none(),
            CaseStep::Refer => by_table && case.referred_to.is_none(),
            _ => by_table,
        }
    }

    /// The steps the case may take now.
    pub fn allowed_for(case: &Case) -> Vec<CaseStep> {
        CaseStep::ALL.iter().copied().filter(|s| s.allowed(case)).collect()
    }

    /// Its name (a popup's title, a hint).
    pub fn label(self, lang: Lang) -> &'static str {
        let (en, zh) = match self {
            CaseStep::Mediate => ("Start mediation", "开始调解"),
            CaseStep::Outcome => ("Record the outcome", "调解结果"),
            CaseStep::Extend => ("Extend the clock", "延长期限"),
            CaseStep::Judicial => ("Judicial confirmation", "申请司法确认"),
            CaseStep::Refer => ("Refer onward", "移送"),
            CaseStep::Close => ("Close", "结案"),
            CaseStep::Arrive => ("Arrived on site", "到场登记"),
        };
        if lang == Lang::Zh {
            zh
        } else {
            en
        }
    }

    /// The step as a verb phrase, for sentences ("cannot …", "press the key again to …"): the
    /// labels are titles, and some are nouns ("Judicial confirmation", 调解结果). A step that is
    /// one lifecycle event says what the CLI says of it (the event's own words).
    pub fn doing(self, lang: Lang) -> String {
        let (en, zh) = match (self, self.events()) {
            (CaseStep::Outcome, _) => ("record the outcome", "登记调解结果"),
            (CaseStep::Arrive, _) => ("record arrival on site", "登记到场"),
            (_, [event, ..]) => (event.en(), event.zh()),
            (_, []) => (self.label(Lang::En), self.label(Lang::Zh)),
        };
        match lang {
            Lang::Zh => zh.to_string(),
            Lang::En => en.to_lowercase(),
        }
    }

    /// Why the case cannot take this step, naming what it can take instead.
    pub fn refusal(self, case: &Case, lang: Lang) -> String {
        let zh = lang == Lang::Zh;
        let status = case.status.label(lang);
        let why = match self {
            CaseStep::Arrive if case.lead_mediator_id.is_none() => {
                if zh { "尚未分派调解员" } else { "it has no lead mediator yet" }.to_string()
            }
            CaseStep::Arrive if case.arrived_at.is_some() => {
                if zh { "到场时间已登记" } else { "its arrival is already recorded" }.to_string()
            }
            CaseStep::Judicial if case.judicial_applied_at.is_some() => {
                if zh { "已申请司法确认" } else { "judicial confirmation was already applied for" }.to_string()
            }
            CaseStep::Refer if case.referred_to.is_some() => {
                if zh { "已移送" } else { "it was already referred onward" }.to_string()
            }
            _ if zh => format!("当前状态为{status}"),
            _ => format!("its status is {}", status.to_lowercase()),
        };
        let steps = CaseStep::allowed_for(case);
        let now: Vec<String> = steps.iter().map(|s| s.doing(lang)).collect();
        if zh {
            let then = if now.is_empty() { allowed_words(case.status, lang) } else { now.join("、") };
            format!("{}：不能{}（{why}）；可以：{then}", case.reference, self.doing(lang))
        } else {
            let then = if now.is_empty() { allowed_words(case.status, lang) } else { now.join(", ") };
            format!("{}: cannot {} ({why}); allowed now: {then}", case.reference, self.doing(lang))
        }
    }
}

impl StepWrite {
    /// The step it records.
    pub fn step(&self) -> CaseStep {
        match self {
            StepWrite::Mediate { .. } => CaseStep::Mediate,
            StepWrite::Outcome(_) => CaseStep::Outcome,
            StepWrite::Extend { .. } => CaseStep::Extend,
            StepWrite::Judicial { .. } => CaseStep::Judicial,
            StepWrite::Refer { .. } => CaseStep::Refer,
            StepWrite::Close => CaseStep::Close,
            StepWrite::Arrive { .. } => CaseStep::Arrive,
        }
    }

    /// Writes it through the store's command for the step (the same one the CLI uses).
    pub fn apply(self, store: &mut Store, reference: &str, expect: Expect, now: DateTime<Utc>) -> Result<Case> {
        match self {
            StepWrite::Mediate { at, place, mediators } => {
                let session = Session { at: at.unwrap_or(now), place, mediators };
                store.start_mediation(reference, &session, expect, now)
            }
            StepWrite::Outcome(outcome) => store.record_outcome(reference, &outcome, expect, now),
            StepWrite::Extend { consent, days } => store.extend(reference, consent, days, expect, now),
            StepWrite::Judicial { at, court } => {
                store.apply_judicial(reference, at.unwrap_or(now), &court, expect, now)
            }
            StepWrite::Refer { kind, body, at } => {
                store.refer(reference, &Referral { kind, body, at: at.unwrap_or(now) }, expect, now)
            }
            StepWrite::Close => store.close(reference, expect, now),
            StepWrite::Arrive { at } => store.record_arrival(reference, at.unwrap_or(now), expect, now),
        }
    }
}

impl CaseStep {
    /// What the status line says once the step is recorded: the case, the step and what
    /// changed (its status, or the new clock).
    pub fn done_words(self, case: &Case, lang: Lang, tz: crate::domain::OfficeTz) -> String {
        let status = case.status.label(lang);
        let detail = match self {
            CaseStep::Extend => {
                let due = case.mediation_due.map(|d| tz.minutes(d)).unwrap_or_default();
                if lang == Lang::Zh {
                    format!("调解期限至 {due}")
                } else {
                    format!("mediate by {due}")
                }
            }
            CaseStep::Arrive => case.arrived_at.map(|t| tz.minutes(t)).unwrap_or_default(),
            CaseStep::Judicial => crate::domain::text::sanitize(&case.judicial_court),
            CaseStep::Refer => crate::domain::text::sanitize(&case.referred_body),
            _ => status.to_string(),
        };
        format!("{} ✓ {} · {detail}", case.reference, self.label(lang))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Status;

    #[test]
    fn every_step_has_its_own_action_and_back() {
        for s in CaseStep::ALL {
            assert_eq!(CaseStep::of_action(&s.action()), Some(*s));
        }
        assert_eq!(CaseStep::of_action(&Action::Assign), None);
    }

    #[test]
    fn the_table_decides_what_a_status_allows() {
        let mut case = Case { status: Status::Assigned, reference: "WH-2026-00001".into(), ..Case::placeholder() };
        let steps = CaseStep::allowed_for(&case);
        assert!(steps.contains(&CaseStep::Mediate) && steps.contains(&CaseStep::Outcome));
        assert!(!steps.contains(&CaseStep::Close) && !steps.contains(&CaseStep::Judicial));
        case.status = Status::Resolved;
        let steps = CaseStep::allowed_for(&case);
        assert!(steps.contains(&CaseStep::Close) && steps.contains(&CaseStep::Judicial));
        assert!(!steps.contains(&CaseStep::Mediate));
        let words = CaseStep::Mediate.refusal(&case, Lang::En);
        assert!(words.contains("cannot start mediation") && words.contains("close"), "{words}");
        case.status = Status::Closed;
        assert!(CaseStep::Close.refusal(&case, Lang::Zh).contains("不能结案"));
    }

    #[test]
    fn a_refusal_names_the_step_as_something_to_do() {
        let case = Case { status: Status::Received, reference: "WH-2026-00001".into(), ..Case::placeholder() };
        let en = |step: CaseStep| step.refusal(&case, Lang::En);
        assert!(
            en(CaseStep::Judicial).contains("cannot apply for judicial confirmation"),
            "{}",
            en(CaseStep::Judicial)
        );
        assert!(en(CaseStep::Arrive).contains("cannot record arrival on site"), "{}", en(CaseStep::Arrive));
        assert!(en(CaseStep::Close).contains("cannot close ("), "{}", en(CaseStep::Close));
        let zh = CaseStep::Outcome.refusal(&Case { status: Status::Closed, ..case.clone() }, Lang::Zh);
        assert!(zh.contains("不能登记调解结果"), "{zh}");
    }
}

//! The later steps of a case's life from the desk's keys: each form opens only when the
//! lifecycle allows it (else the refusal says what is allowed), its request names the version
//! seen, and the real worker writes it through the store's command on a real SQLite file.

mod tui_support;

use duty_desk::domain::{Lang, Status};
use duty_desk::error::Error;
use duty_desk::store::Expect;
use duty_desk::tui::action::Action;
use duty_desk::tui::snapshot::CaseDetail;
use duty_desk::tui::state::{update, Effect, Popup, State};
use duty_desk::tui::steps::{CaseStep, StepWrite};
use duty_desk::tui::worker::{Reply, Request};
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use tui_support::{desk, now, state, Desk};

fn key(c: KeyCode) -> Action {
    Action::Input(KeyEvent::new(c, KeyModifiers::NONE))
}

fn typed(s: &mut State, text: &str) {
    for c in text.chars() {
        update(s, key(KeyCode::Char(c)));
    }
}

fn sent(fx: Vec<Effect>) -> Vec<Request> {
    fx.into_iter().filter_map(Effect::request).collect()
}

/// Opens the detail of `reference` as the store has it now.
fn open_detail(d: &Desk, s: &mut State, reference: &str) {
    s.popup = None;
    let case = d.store.case_by_ref(reference).unwrap();
    s.popup = Some(Popup::Detail(duty_desk::tui::popups::DetailPopup::loading(reference.into())));
    let cd = CaseDetail { followups: Vec::new(), audit: Vec::new(), case, revealed: false };
    update(s, Action::Reply(Box::new(Reply::Detail(Box::new(cd)))));
}

/// Runs the requests through the real worker on the desk's file; returns its reply.
fn run(d: &Desk, requests: Vec<Request>) -> Box<Reply> {
    tui_support::run_worker(d, requests)
}

/// Presses `action` in the open detail, types into the form's fields (`(field index, text)`,
/// after moving there with Tab) and saves; returns what the desk sent.
fn fill(s: &mut State, action: Action, fields: &[(usize, &str)]) -> Vec<Request> {
    update(s, action);
    assert!(matches!(s.popup, Some(Popup::Step(_))), "no form opened: {:?}", s.message);
    for (i, text) in fields {
        if let Some(Popup::Step(p)) = s.popup.as_mut() {
            p.form.focus = *i;
        }
        typed(s, text);
    }
    sent(update(s, key(KeyCode::Enter)))
}

/// The first Incoming case, assigned by another officer. The desk's clock is set to the real
/// time from here on: the worker writes at the real time, and a typed-or-now date must not
/// precede the steps before it.
fn assigned_case(d: &mut Desk, s: &mut State) -> String {
    update(s, Action::Tick(chrono::Utc::now()));
    let case = s.selected_case().unwrap().clone();
    let m = d.store.suggestions(&case, now()).unwrap()[0].mediator_id;
    d.store.assign(&case.reference, m, Expect::Latest, true, now()).unwrap();
    case.reference
}

#[test]
fn a_case_goes_from_assignment_to_judicial_confirmation_by_keys() {
    let mut d = desk();
    let mut s = state(&d, Lang::En, (80, 24));
    let reference = assigned_case(&mut d, &mut s);

    // M: start mediation (place typed; the lead is filled in as present).
    open_detail(&d, &mut s, &reference);
    let version = d.store.case_by_ref(&reference).unwrap().version;
    let fx = fill(&mut s, Action::StartMediation, &[(1, "村委会调解室")]);
    match &fx[..] {
        [Request::Step { reference: r, expect, write: StepWrite::Mediate { at, place, mediators } }] => {
            assert_eq!((r, *expect), (&reference, Expect::Version(version)));
            assert_eq!(place, "村委会调解室");
            assert_eq!(mediators.len(), 1, "the lead is present by default");
            assert_eq!(*at, None, "an empty time is the write's now");
        }
        other => panic!("{other:?}"),
    }
    let reply = run(&d, fx);
    assert!(matches!(&*reply, Reply::Stepped { step: CaseStep::Mediate, .. }), "{reply:?}");
    update(&mut s, Action::Reply(reply));
    assert!(s.message.as_ref().is_some_and(|m| m.ok && m.text.contains(&reference)));
    assert_eq!(d.store.case_by_ref(&reference).unwrap().status, Status::Mediating);

    // X: extend by 10 days with both parties' consent.
    open_detail(&d, &mut s, &reference);
    let due = d.store.case_by_ref(&reference).unwrap().mediation_due.unwrap();
    let fx = fill(&mut s, Action::ExtendClock, &[(1, "10")]);
    update(&mut s, Action::Reply(run(&d, fx)));
    let extended = d.store.case_by_ref(&reference).unwrap();
    assert_eq!(extended.mediation_due, Some(due + chrono::Duration::days(10)));

    // R: an oral agreement performed on the spot.
    open_detail(&d, &mut s, &reference);
    update(&mut s, Action::RecordOutcome);
    update(&mut s, key(KeyCode::Tab));
    update(&mut s, key(KeyCode::Right));
    update(&mut s, key(KeyCode::Tab));
    update(&mut s, key(KeyCode::Tab));
    update(&mut s, key(KeyCode::Right));
    let fx = sent(update(&mut s, key(KeyCode::Enter)));
    match &fx[..] {
        [Request::Step { write: StepWrite::Outcome(o), .. }] => {
            assert_eq!(o.status, Status::Resolved);
            assert!(o.on_the_spot);
        }
        other => panic!("{other:?}"),
    }
    update(&mut s, Action::Reply(run(&d, fx)));
    let resolved = d.store.case_by_ref(&reference).unwrap();
    assert_eq!(resolved.status, Status::Resolved);
    assert_eq!(resolved.agreement, Some(duty_desk::domain::AgreementForm::Oral));

    // M again: refused, saying what the case can take now.
    open_detail(&d, &mut s, &reference);
    update(&mut s, Action::StartMediation);
    assert!(matches!(s.popup, Some(Popup::Detail(_))), "no form for an illegal step");
    let said = s.message.clone().unwrap();
    assert!(!said.ok && said.text.contains("cannot start mediation"), "{}", said.text);
    assert!(said.text.contains("judicial confirmation"), "{}", said.text);

    // J: judicial confirmation at a court.
    let fx = fill(&mut s, Action::ApplyJudicial, &[(1, "乌海市海勃湾区人民法院")]);
    update(&mut s, Action::Reply(run(&d, fx)));
    let confirmed = d.store.case_by_ref(&reference).unwrap();
    assert_eq!(confirmed.judicial_court, "乌海市海勃湾区人民法院");
    assert!(confirmed.judicial_applied_at.is_some());
}

#[test]
fn a_failed_case_is_referred_onward_and_a_second_referral_is_not_offered() {
    let mut d = desk();
    let mut s = state(&d, Lang::Zh, (80, 24));
    let reference = assigned_case(&mut d, &mut s);
    open_detail(&d, &mut s, &reference);
    // R, → failed, Enter with no reason: refused in the form, nothing sent.
    update(&mut s, Action::RecordOutcome);
    update(&mut s, key(KeyCode::Right));
    assert!(sent(update(&mut s, key(KeyCode::Enter))).is_empty());
    typed(&mut s, "双方分歧过大");
    let fx = sent(update(&mut s, key(KeyCode::Enter)));
    update(&mut s, Action::Reply(run(&d, fx)));
    assert_eq!(d.store.case_by_ref(&reference).unwrap().status, Status::Failed);

    open_detail(&d, &mut s, &reference);
    let fx = fill(&mut s, Action::ReferOnward, &[(1, "海勃湾区人民法院")]);
    update(&mut s, Action::Reply(run(&d, fx)));
    let referred = d.store.case_by_ref(&reference).unwrap();
    assert_eq!(referred.referred_to, Some(duty_desk::domain::ReferralKind::Court));

    open_detail(&d, &mut s, &reference);
    update(&mut s, Action::ReferOnward);
    let said = s.message.clone().unwrap();
    assert!(said.text.contains("已移送"), "{}", said.text);
}

#[test]
fn a_step_on_a_case_changed_since_is_a_conflict_and_closing_asks_first() {
    let mut d = desk();
    let mut s = state(&d, Lang::En, (80, 24));
    let reference = assigned_case(&mut d, &mut s);
    open_detail(&d, &mut s, &reference);
    let fx = fill(&mut s, Action::RecordArrival, &[]);
    // Someone else starts mediation in between.
    let session = duty_desk::store::Session { at: now(), place: "x".into(), mediators: Vec::new() };
    d.store.start_mediation(&reference, &session, Expect::Latest, now()).unwrap();
    let reply = run(&d, fx);
    assert!(matches!(&*reply, Reply::Failed(Error::Conflict(_))), "{reply:?}");
    update(&mut s, Action::Reply(reply));
    assert!(matches!(&s.popup, Some(Popup::Message(m)) if !m.ok));
    assert_eq!(d.store.case_by_ref(&reference).unwrap().arrived_at, None, "nothing written");

    // Close on a resolved case with follow-ups open: asks, then the store refuses and says why.
    let outcome = duty_desk::store::OutcomeRecord::plain(Status::Resolved, "达成协议");
    d.store.record_outcome(&reference, &outcome, Expect::Latest, now()).unwrap();
    open_detail(&d, &mut s, &reference);
    update(&mut s, Action::CloseCase);
    assert!(matches!(s.popup, Some(Popup::Confirm(_))));
    let fx = sent(update(&mut s, key(KeyCode::Char('y'))));
    let reply = run(&d, fx);
    match &*reply {
        Reply::Failed(e) => assert!(e.message().contains("cannot close yet"), "{}", e.message()),
        other => panic!("{other:?}"),
    }
    assert_eq!(d.store.case_by_ref(&reference).unwrap().status, Status::Resolved);
}

#[test]
fn the_screening_form_records_a_screening_for_the_chosen_committee() {
    let d = desk();
    let mut s = state(&d, Lang::En, (80, 24));
    update(&mut s, Action::RecordScreening);
    let committee = match &s.popup {
        Some(Popup::Screening(p)) => p.form.value("committee").to_string(),
        other => panic!("{other:?}"),
    };
    // Who screened is required.
    assert!(sent(update(&mut s, key(KeyCode::Enter))).is_empty());
    if let Some(Popup::Screening(p)) = s.popup.as_mut() {
        p.form.focus = 2;
    }
    typed(&mut s, "王芳");
    let fx = sent(update(&mut s, key(KeyCode::Enter)));
    let reply = run(&d, fx);
    assert!(matches!(&*reply, Reply::Done(t) if t.contains(&committee)), "{reply:?}");
    let rows = d.store.screenings(Some(&committee)).unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].screened_by, "王芳");
}

#[test]
fn steps_on_incoming_cases_follow_the_table_too() {
    let d = desk();
    let mut s = state(&d, Lang::En, (80, 24));
    // An unassigned case: no arrival (no lead), and the outcome form offers only withdrawal.
    update(&mut s, Action::RecordArrival);
    assert!(s.message.as_ref().is_some_and(|m| m.text.contains("no lead mediator")));
    update(&mut s, Action::RecordOutcome);
    match &s.popup {
        Some(Popup::Step(p)) => assert_eq!(p.form.outcomes(), [Status::Withdrawn]),
        other => panic!("{other:?}"),
    }
}

#[test]
fn an_agreement_near_its_judicial_deadline_is_warned_on_the_follow_ups_pane() {
    use std::sync::Arc;
    let mut d = desk();
    let s = state(&d, Lang::Zh, (120, 40));
    let reference = s.selected_case().unwrap().reference.clone();
    let m = d.store.suggestions(&d.store.case_by_ref(&reference).unwrap(), now()).unwrap()[0].mediator_id;
    let agreed = now() - chrono::Duration::days(27);
    d.store.assign(&reference, m, Expect::Latest, true, agreed - chrono::Duration::hours(1)).unwrap();
    let outcome = duty_desk::store::OutcomeRecord::plain(Status::Resolved, "达成协议");
    d.store.record_outcome(&reference, &outcome, Expect::Latest, agreed).unwrap();
    assert_eq!(
        d.store.judicial_due(now(), 50).unwrap(),
        vec![(reference.clone(), agreed + chrono::Duration::days(30))]
    );

    let mut s = state(&d, Lang::Zh, (120, 40));
    let snap =
        duty_desk::tui::snapshot::Snapshot::read(&d.store, &s.query, Arc::new(d.store.org().unwrap().clone()), now());
    update(&mut s, Action::Snapshot(Box::new(snap.unwrap())));
    let theme = duty_desk::tui::theme::Theme::load("default").unwrap();
    let screen = tui_support::screen(&s, &theme);
    assert!(screen.contains(&format!("司法确认将截止 1: {reference} (3天)")), "{screen}");
    // Once applied for, the warning goes.
    let court = "海勃湾区人民法院";
    d.store.apply_judicial(&reference, now(), court, Expect::Latest, now()).unwrap();
    assert!(d.store.judicial_due(now(), 50).unwrap().is_empty());
}

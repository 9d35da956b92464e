//! The life cycle is handled everywhere (issue 7, item 1): a case in every status, stored in a real
//! SQLite file, reads back through every store query, the desk snapshot and the report, and the
//! SQL overdue rule agrees with `Case::is_overdue`. A status added to `domain::lifecycle` that
//! the store, the report or the desk does not handle fails here.

mod common;
use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use duty_desk::domain::lifecycle::{rule, transition, Event, TRANSITIONS};
use duty_desk::domain::office_time::Period;
use duty_desk::domain::StatusSet;
use duty_desk::domain::{Case, Org, Policy, Status};
use duty_desk::store::{CaseFilter, IncomingSort, Store};
use duty_desk::tui::snapshot::{Snapshot, ViewQuery};
use tempfile::TempDir;

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2023, 5, 10, 1, 0, 0).unwrap()
}

fn demo_org() -> Org {
    serde_json::from_str(include_str!("../fixtures/demo-org.json")).unwrap()
}

/// A store with one case per status and clock state (overdue or not), all received on May 1st and
/// finished (when finished) on May 5th.
fn every_status() -> (TempDir, Store, Vec<Case>) {
    let dir = TempDir::new().unwrap();
    let mut store = Store::create(&dir.path().join("desk.db")).unwrap();
    store.init_org(&demo_org(), &Policy::default(), now()).unwrap();
    let intake = common::village_dispute(&store, now() - Duration::days(9));
    let template = store.add_case(&intake, now()).unwrap();
    let lead = store.org().unwrap().mediators.first().map(|m| m.id).unwrap();
    let mut cases = Vec::new();
    for (i, &status) in Status::ALL.iter().enumerate() {
        for (j, overdue) in [false, true].into_iter().enumerate() {
            let due = if overdue { now() - Duration::hours(1) } else { now() + Duration::days(3) };
            let mut c = template.clone();
            c.reference = format!("WH-2023-{:05}", 900 + i * 2 + j);
            c.status = status;
            c.assign_due = due;
            if rule(status).led {
                c.lead_mediator_id = Some(lead);
                c.assigned_at = Some(now() - Duration::days(8));
                c.mediation_due = Some(due);
            }
            if StatusSet::Finished.contains(status) {
                c.finished_at = Some(now() - Duration::days(5));
            }
            cases.push(c);
        }
    }
    let n = store.insert_generated(cases.clone().into_iter().map(|c| (c, Vec::new())), "test", now()).unwrap();
    assert_eq!(n as usize, cases.len());
    (dir, store, cases)
}

#[test]
fn every_status_reads_back_through_every_query() {
    let (_dir, store, cases) = every_status();
    let all = CaseFilter::default();
    for c in &cases {
        let back = store.case_by_ref(&c.reference).unwrap();
        assert_eq!(back.status, c.status);
        assert_eq!(back.is_overdue(now()), c.is_overdue(now()), "{}", c.reference);
        let only = CaseFilter { status: Some(c.status), ..CaseFilter::default() };
        assert!(store.list_cases(&only, 0, 100, now()).unwrap().iter().all(|x| x.status == c.status));
    }
    // The overdue rule: the SQL filter, the report and the matrix agree with `Case::is_overdue`.
    let stored: Vec<Case> = store.list_cases(&all, 0, 1000, now()).unwrap();
    let overdue_domain = stored.iter().filter(|c| c.is_overdue(now())).count() as u64;
    let open_domain = stored.iter().filter(|c| c.status.is_open()).count() as u64;
    let overdue = CaseFilter { overdue: true, ..CaseFilter::default() };
    assert_eq!(store.count_cases(&overdue, now()).unwrap(), overdue_domain);
    let late_made = cases.iter().filter(|c| c.is_overdue(now())).count();
    assert_eq!(late_made, StatusSet::Open.statuses().len(), "one overdue case per open status");

    let matrix = store.routing_matrix(now()).unwrap();
    let (open, late) = matrix.cells.iter().flatten().fold((0, 0), |(o, l), c| (o + c.0, l + c.1));
    assert_eq!((open, late), (open_domain, overdue_domain));

    let led = stored.iter().filter(|c| StatusSet::Led.contains(c.status)).collect::<Vec<_>>();
    let workload = store.workload(None, now()).unwrap();
    let (wl_open, wl_late) = workload.iter().fold((0, 0), |(o, l), w| (o + w.open, l + w.overdue));
    assert_eq!(wl_open as usize, led.len());
    assert_eq!(wl_late as usize, led.iter().filter(|c| c.is_overdue(now())).count());
    let lead = led[0].lead_mediator_id.unwrap();
    assert_eq!(store.open_cases_of(lead, 100).unwrap().len(), led.len());

    let incoming = store.incoming(&all, IncomingSort::Urgency, 0, 100, None, now()).unwrap();
    let unassigned = stored.iter().filter(|c| StatusSet::Unassigned.contains(c.status)).count();
    assert_eq!(incoming.total as usize, unassigned);
    for c in &stored {
        store.suggestions(c, now()).unwrap();
    }

    let period =
        Period::range(NaiveDate::from_ymd_opt(2023, 5, 1).unwrap(), NaiveDate::from_ymd_opt(2023, 5, 10).unwrap())
            .unwrap();
    let report = store.report(period, &[]).unwrap();
    let finished = stored.iter().filter(|c| StatusSet::Finished.contains(c.status)).count() as u64;
    assert_eq!(report.figures.mediated + report.withdrawn, finished, "every finished status is counted once");
    assert_eq!(report.figures.successful + report.failed, report.figures.mediated);
    let counted: u64 = store.status_counts().unwrap().iter().map(|(_, n)| n).sum();
    assert_eq!(counted, stored.len() as u64);

    let query = ViewQuery { incoming_limit: 50, ..ViewQuery::default() };
    let snap = Snapshot::read(&store, &query, std::sync::Arc::new(store.org().unwrap().clone()), now()).unwrap();
    assert_eq!(snap.incoming.total as usize, unassigned);
    assert_eq!(snap.matrix, matrix);
}

#[test]
fn every_status_has_a_label_and_a_way_in_and_out() {
    for &s in Status::ALL {
        assert!(!s.zh().is_empty() && !s.en().is_empty());
        assert_eq!(s.code().parse::<Status>(), Ok(s));
        let sets = [StatusSet::Open, StatusSet::Finished].iter().filter(|set| set.contains(s)).count();
        assert_eq!(sets, 1, "{s:?} is neither open nor finished (or both)");
        if s.is_open() {
            assert!(transition(s, Event::Withdraw).is_some(), "{s:?} cannot be withdrawn");
        }
    }
    assert!(!TRANSITIONS.is_empty());
}

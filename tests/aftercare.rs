//! After the agreement (issue 9), on a real SQLite file: each follow-up outcome and what it
//! schedules, the closing rule with rectification items open, reopening a case from an item, the
//! time to arrival on site and its median.

mod common;
use chrono::{DateTime, Duration, TimeZone, Utc};
use duty_desk::domain::aftercare::{CloseBlocker, ItemStatus};
use duty_desk::domain::{
    AgreementForm, Case, Category, Complexity, FollowupChannel, FollowupOutcome, NewCase, Org, Party, Policy,
    RiskFlags, RiskLevel, Source, Status, Tier,
};
use duty_desk::store::{Expect, FollowupRecord, ItemFilter, Store};
use tempfile::TempDir;

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2023, 5, 10, 1, 0, 0).unwrap()
}

fn demo_org() -> Org {
    serde_json::from_str(include_str!("../fixtures/demo-org.json")).unwrap()
}

fn store() -> (TempDir, Store) {
    let dir = TempDir::new().unwrap();
    let mut store = Store::create(&dir.path().join("desk.db")).unwrap();
    store.init_org(&demo_org(), &Policy::default(), now()).unwrap();
    (dir, store)
}

/// A general case, assigned and resolved at `now()` with no agreed performance date: one
/// follow-up due 15 days later.
fn resolved(store: &mut Store) -> Case {
    let intake = common::village_dispute(store, now() - Duration::days(3));
    let case = store.add_case(&intake, now() - Duration::days(3)).unwrap();
    let members: Vec<i64> = store.org().unwrap().mediators.iter().map(|m| m.id).collect();
    let case = members
        .iter()
        .find_map(|&m| store.assign(&case.reference, m, Expect::Latest, true, now() - Duration::days(2)).ok())
        .unwrap();
    store
        .finish(&case.reference, Status::Resolved, Some(AgreementForm::Written), None, "", Expect::Latest, now())
        .unwrap()
}

fn visit(outcome: FollowupOutcome) -> FollowupRecord {
    FollowupRecord { channel: FollowupChannel::Visit, outcome, note: "checked".into(), visitor: "李四".into() }
}

fn at(days: i64) -> DateTime<Utc> {
    now() + Duration::days(days)
}

#[test]
fn performed_closes_the_case_and_keeps_channel_visitor_and_note() {
    let (_d, mut store) = store();
    let case = resolved(&mut store);
    let c = store.record_followup(&case.reference, &visit(FollowupOutcome::Performed), Expect::Latest, at(15)).unwrap();
    assert_eq!(c.status, Status::Closed);
    assert!(c.performed);
    let f = store.followups_of(c.id).unwrap();
    assert_eq!(f.len(), 1);
    assert_eq!(f[0].channel, Some(FollowupChannel::Visit));
    assert_eq!(f[0].visitor, "李四");
    assert_eq!(f[0].note, "checked");
    assert!(store.rectify_items_of(c.id).unwrap().is_empty());
}

#[test]
fn partly_or_not_performed_schedules_the_next_visit_and_opens_an_item() {
    for outcome in [FollowupOutcome::Partial, FollowupOutcome::NotPerformed] {
        let (_d, mut store) = store();
        let case = resolved(&mut store);
        let c = store.record_followup(&case.reference, &visit(outcome), Expect::Latest, at(15)).unwrap();
        assert_eq!(c.status, Status::Resolved, "{outcome:?}");
        assert!(!c.performed);
        let pending: Vec<_> = store.followups_of(c.id).unwrap().into_iter().filter(|f| f.done_at.is_none()).collect();
        assert_eq!(pending.len(), 1, "{outcome:?}: the next visit");
        assert_eq!(pending[0].due, at(30));
        let items = store.rectify_items_of(c.id).unwrap();
        assert_eq!(items.len(), 1);
        assert_eq!(items[0].status, ItemStatus::Open);
        assert_eq!(items[0].due, at(30));
        assert_eq!(items[0].owner_mediator_id, c.lead_mediator_id, "owned by the lead mediator");
        assert!(items[0].finding.contains("checked"));
    }
}

#[test]
fn the_next_visit_follows_the_policy() {
    let dir = TempDir::new().unwrap();
    let mut store = Store::create(&dir.path().join("desk.db")).unwrap();
    let policy = Policy::from_toml("[clocks]\nfollowup_next_days = 7\nrectification_days = 3\n").unwrap();
    store.init_org(&demo_org(), &policy, now()).unwrap();
    let case = resolved(&mut store);
    let c =
        store.record_followup(&case.reference, &visit(FollowupOutcome::NotPerformed), Expect::Latest, at(15)).unwrap();
    let pending: Vec<_> = store.followups_of(c.id).unwrap().into_iter().filter(|f| f.done_at.is_none()).collect();
    assert_eq!(pending[0].due, at(22));
    assert_eq!(store.rectify_items_of(c.id).unwrap()[0].due, at(18));
    assert!(Policy::from_toml("[clocks]\nfollowup_next_days = 0\n").is_err(), "a zero-day visit is refused");
    assert!(Policy::from_toml("[clocks]\nrectification_days = -1\n").is_err());
}

#[test]
fn a_case_cannot_close_while_a_rectification_item_is_open() {
    let (_d, mut store) = store();
    let case = resolved(&mut store);
    // A recurrence risk: performance is confirmed, no visit is due, but one item is open.
    let c =
        store.record_followup(&case.reference, &visit(FollowupOutcome::Recurrence), Expect::Latest, at(15)).unwrap();
    assert_eq!(c.status, Status::Resolved, "an item is open");
    assert!(c.performed);
    let items = store.rectify_items_of(c.id).unwrap();
    assert_eq!(items.len(), 1);
    assert_eq!(store.may_close(&case.reference).unwrap(), Err(CloseBlocker::ItemsOpen(1)));
    assert!(store.followups_of(c.id).unwrap().iter().all(|f| f.done_at.is_some()), "nothing else scheduled");
    let done = store.rectify_close(items[0].id, "mediator talked to both sides", at(16)).unwrap();
    assert_eq!(done.status, ItemStatus::Done);
    assert_eq!(done.note, "mediator talked to both sides");
    assert_eq!(store.case_by_ref(&case.reference).unwrap().status, Status::Closed);

    // A case whose performance is confirmed but an item is open stays resolved until it is done.
    let case = resolved(&mut store);
    let c = store.record_followup(&case.reference, &visit(FollowupOutcome::Partial), Expect::Latest, at(15)).unwrap();
    let item = store.rectify_items_of(c.id).unwrap()[0].id;
    let c = store.record_followup(&case.reference, &visit(FollowupOutcome::Performed), Expect::Latest, at(30)).unwrap();
    assert!(c.performed);
    assert_eq!(c.status, Status::Resolved, "the item is still open");
    assert_eq!(store.may_close(&case.reference).unwrap(), Err(CloseBlocker::ItemsOpen(1)));
    assert!(store.rectify_close(item, "  ", at(31)).is_err(), "a closing note is required");
    store.rectify_close(item, "paid in full", at(31)).unwrap();
    assert_eq!(store.case_by_ref(&case.reference).unwrap().status, Status::Closed, "closes once the item is done");
    assert!(store.rectify_close(item, "again", at(32)).unwrap_err().is_conflict());
}

#[test]
fn reopening_from_an_item_starts_a_new_mediation_round_and_keeps_history() {
    let (_d, mut store) = store();
    let case = resolved(&mut store);
    let c =
        store.record_followup(&case.reference, &visit(FollowupOutcome::NotPerformed), Expect::Latest, at(15)).unwrap();
    let item = store.rectify_items_of(c.id).unwrap()[0].id;
    let reopened = store.rectify_reopen(item, at(16)).unwrap();
    assert_eq!(reopened.status, Status::Mediating);
    assert!(reopened.finished_at.is_none());
    assert!(reopened.mediation_due.unwrap() > at(16));
    assert!(reopened.version > c.version);
    let fu = store.followups_of(c.id).unwrap();
    assert_eq!(fu.len(), 1, "the done visit is kept, the pending one dropped");
    assert!(fu[0].done_at.is_some());
    assert_eq!(store.rectify_item(item).unwrap().status, ItemStatus::Escalated);
    let trail = store.audit_of(c.id).unwrap();
    assert!(trail.iter().any(|e| e.action == "reopen"), "audited");
    assert!(trail.iter().any(|e| e.action == "finish"), "history kept");
    assert!(store.rectify_reopen(item, at(17)).unwrap_err().is_conflict(), "an item reopens once");
    // The new round ends as any other.
    let again = store
        .finish(&case.reference, Status::Resolved, Some(AgreementForm::Oral), None, "", Expect::Latest, at(18))
        .unwrap();
    assert_eq!(again.status, Status::Resolved);
}

#[test]
fn rectify_assign_and_overdue_listing() {
    let (_d, mut store) = store();
    let case = resolved(&mut store);
    store.record_followup(&case.reference, &visit(FollowupOutcome::Recurrence), Expect::Latest, at(15)).unwrap();
    let item = store.rectify_items(ItemFilter::default(), at(15), 10).unwrap()[0].clone();
    assert!(store.rectify_items(ItemFilter { overdue_only: true, open_only: true }, at(29), 10).unwrap().is_empty());
    assert_eq!(store.rectify_items(ItemFilter { overdue_only: true, open_only: true }, at(31), 10).unwrap().len(), 1);
    assert!(item.is_overdue(at(31)) && !item.is_overdue(at(29)));
    let committee = store.org().unwrap().committees[0].code.clone();
    let c = store.rectify_assign(item.id, &committee, at(16)).unwrap();
    assert_eq!(c.owner, committee);
    assert!(c.owner_mediator_id.is_none() && c.owner_committee_id.is_some());
    let m = store.org().unwrap().mediators[1].clone();
    let c = store.rectify_assign(item.id, &m.id.to_string(), at(16)).unwrap();
    assert_eq!(c.owner_mediator_id, Some(m.id));
    assert!(store.rectify_assign(item.id, "nobody-such", at(16)).is_err());
    assert!(store.rectify_assign(999, &committee, at(16)).is_err());
}

#[test]
fn arrival_is_recorded_once_and_the_median_is_taken_over_the_period() {
    let (_d, mut store) = store();
    let a = resolved(&mut store);
    let b = resolved(&mut store);
    let c = resolved(&mut store);
    assert_eq!(store.median_arrival_minutes(at(-30), at(1)).unwrap(), None);
    store.record_arrival(&a.reference, a.received_at + Duration::minutes(30), Expect::Latest, now()).unwrap();
    store.record_arrival(&b.reference, b.received_at + Duration::minutes(90), Expect::Latest, now()).unwrap();
    store.record_arrival(&c.reference, c.received_at + Duration::minutes(40), Expect::Latest, now()).unwrap();
    assert_eq!(store.median_arrival_minutes(at(-30), at(1)).unwrap(), Some(40));
    assert_eq!(store.median_arrival_minutes(at(1), at(2)).unwrap(), None, "outside the period");
    let again = store.record_arrival(&a.reference, now(), Expect::Latest, now());
    assert!(again.is_err(), "one arrival per case");
    let d = resolved(&mut store);
    assert!(store.record_arrival(&d.reference, d.received_at - Duration::minutes(1), Expect::Latest, now()).is_err());
    assert!(store.record_arrival(&d.reference, now() + Duration::hours(1), Expect::Latest, now()).is_err());
    let stale = store.record_arrival(&d.reference, now(), Expect::Version(d.version - 1), now());
    assert!(stale.unwrap_err().is_conflict());
    assert_eq!(store.case_by_ref(&d.reference).unwrap().arrived_at, None, "nothing changed");
}

mod screening {
    use super::*;
    use chrono::NaiveDate;
    use duty_desk::domain::CommitteeKind;
    use duty_desk::store::ScreeningRecord;

    fn village_committee(store: &Store) -> String {
        let org = store.org().unwrap();
        org.committees
            .iter()
            .find(|c| c.kind == CommitteeKind::Geographic && org.committee_tier(c) == Some(Tier::Village))
            .map(|c| c.code.clone())
            .unwrap()
    }

    fn record(committee: &str, day: NaiveDate, found: u32) -> ScreeningRecord {
        ScreeningRecord {
            committee: committee.into(),
            day,
            screened_by: "王五".into(),
            places: "3 组, 5 组".into(),
            found,
            note: String::new(),
        }
    }

    #[test]
    fn duties_follow_the_office_calendar_and_a_record_clears_one() {
        let (_d, mut store) = store();
        // Sunday 17:00 UTC is already Monday 01:00 in Shanghai: the office is in 2023-W01.
        let sunday_utc = Utc.with_ymd_and_hms(2023, 1, 1, 17, 0, 0).unwrap();
        let code = village_committee(&store);
        let duties = store.screening_duties(sunday_utc).unwrap();
        let mine: Vec<_> = duties.iter().filter(|d| d.committee == code).collect();
        assert_eq!(mine.len(), 2);
        assert_eq!((mine[0].period.as_str(), mine[0].overdue), ("2022-W52", true), "last week's is overdue");
        assert_eq!((mine[1].period.as_str(), mine[1].overdue), ("2023-W01", false), "this week's is due");
        assert!(duties.iter().any(|d| d.tier == Tier::Town && d.period == "2023-01"), "towns monthly");
        assert!(duties.iter().any(|d| d.tier == Tier::Town && d.period == "2022-12" && d.overdue));
        assert!(duties.iter().any(|d| d.tier == Tier::District && d.period == "2023-Q1"), "districts quarterly");
        assert!(duties.iter().any(|d| d.tier == Tier::District && d.period == "2022-Q4" && d.overdue));
        assert!(duties.iter().all(|d| d.tier != Tier::City), "the city has no duty by default");
        let tiers: Vec<Tier> = duties.iter().map(|d| d.tier).collect();
        assert!(tiers.windows(2).all(|w| w[0] <= w[1]), "grouped by tier");

        // Recorded on the last day of 2022-W52 (a Sunday, office time): the overdue one clears.
        let r =
            store.record_screening(&record(&code, NaiveDate::from_ymd_opt(2023, 1, 1).unwrap(), 0), &[], sunday_utc);
        assert_eq!(r.unwrap().period, "2022-W52");
        let left: Vec<_> =
            store.screening_duties(sunday_utc).unwrap().into_iter().filter(|d| d.committee == code).collect();
        assert_eq!(left.len(), 1);
        assert!(!left[0].overdue);
    }

    #[test]
    fn a_finding_becomes_a_case_in_the_same_step_and_bad_input_stores_nothing() {
        let (_d, mut store) = store();
        let code = village_committee(&store);
        let village =
            store.org().unwrap().areas.iter().find(|a| a.level == Tier::Village).map(|a| a.code.clone()).unwrap();
        let finding = NewCase {
            received_at: now() - Duration::hours(2),
            source: Source::WalkIn,
            category: Category::Neighbour,
            applicant: Party { name: "赵六".into(), phone: "13812345678".into(), id_no: String::new() },
            respondent: Party::default(),
            summary: "排查发现宅基地边界争议".into(),
            amount_fen: 0,
            area: village,
            complexity: Complexity::Simple,
            risk_flags: RiskFlags::default(),
            risk_level: RiskLevel::None,
            partners: Vec::new(),
        };
        let day = NaiveDate::from_ymd_opt(2023, 5, 9).unwrap();
        let before = store.screenings(None).unwrap().len();
        let bad = NewCase { summary: String::new(), ..finding.clone() };
        assert!(store.record_screening(&record(&code, day, 2), &[finding.clone(), bad], now()).is_err());
        assert_eq!(store.screenings(None).unwrap().len(), before, "nothing stored");
        assert!(store.record_screening(&record("NO-SUCH", day, 0), &[], now()).is_err());
        assert!(store.record_screening(&record(&code, day + Duration::days(5), 0), &[], now()).is_err(), "future");

        let r = store.record_screening(&record(&code, day, 0), &[finding], now()).unwrap();
        assert_eq!(r.disputes_found, 1, "at least the findings given");
        assert_eq!(r.cases.len(), 1);
        let case = store.case_by_ref(&r.cases[0]).unwrap();
        assert_eq!(case.source, Source::Screening);
        assert_eq!(case.status, Status::Received);
        assert_eq!(store.screenings(Some(&code)).unwrap()[0].id, r.id);
    }

    fn committee_of(store: &Store, tier: Tier) -> String {
        let org = store.org().unwrap();
        org.committees
            .iter()
            .find(|c| c.kind == CommitteeKind::Geographic && org.committee_tier(c) == Some(tier))
            .map(|c| c.code.clone())
            .unwrap()
    }

    fn open_periods(store: &Store, code: &str, now: DateTime<Utc>) -> Vec<(String, bool)> {
        store
            .screening_duties(now)
            .unwrap()
            .into_iter()
            .filter(|d| d.committee == code)
            .map(|d| (d.period, d.overdue))
            .collect()
    }

    fn owned(v: &[(&str, bool)]) -> Vec<(String, bool)> {
        v.iter().map(|(p, o)| (p.to_string(), *o)).collect()
    }

    #[test]
    fn at_the_turn_of_the_year_every_tier_moves_on_office_midnight_not_utcs() {
        // A New York office: Sunday 31 December 2023 23:30 there is Monday 04:30 UTC.
        let dir = TempDir::new().unwrap();
        let mut store = Store::create(&dir.path().join("desk.db")).unwrap();
        let policy =
            Policy::from_toml("[office]\ntime_zone = \"America/New_York\"\n[screening]\ncity = \"year\"\n").unwrap();
        store.init_org(&demo_org(), &policy, now()).unwrap();
        let (village, town, district) = (
            committee_of(&store, Tier::Village),
            committee_of(&store, Tier::Town),
            committee_of(&store, Tier::District),
        );
        let city = committee_of(&store, Tier::City);
        let sunday_late = Utc.with_ymd_and_hms(2024, 1, 1, 4, 30, 0).unwrap();
        let monday_early = Utc.with_ymd_and_hms(2024, 1, 1, 5, 30, 0).unwrap();
        assert_eq!(open_periods(&store, &village, sunday_late), owned(&[("2023-W51", true), ("2023-W52", false)]));
        assert_eq!(open_periods(&store, &town, sunday_late), owned(&[("2023-11", true), ("2023-12", false)]));
        assert_eq!(open_periods(&store, &district, sunday_late), owned(&[("2023-Q3", true), ("2023-Q4", false)]));
        assert_eq!(open_periods(&store, &city, sunday_late), owned(&[("2022", true), ("2023", false)]));
        assert_eq!(open_periods(&store, &village, monday_early), owned(&[("2023-W52", true), ("2024-W01", false)]));
        assert_eq!(open_periods(&store, &town, monday_early), owned(&[("2023-12", true), ("2024-01", false)]));
        assert_eq!(open_periods(&store, &district, monday_early), owned(&[("2023-Q4", true), ("2024-Q1", false)]));
        assert_eq!(open_periods(&store, &city, monday_early), owned(&[("2023", true), ("2024", false)]));

        // Recorded on the office's Sunday (typed as that day, UTC already Monday): last year's
        // week, month, quarter and year; once the office's Monday comes they are not overdue.
        let sunday = NaiveDate::from_ymd_opt(2023, 12, 31).unwrap();
        for code in [&village, &town, &district, &city] {
            let r = store.record_screening(&record(code, sunday, 0), &[], sunday_late).unwrap();
            assert!(r.period.starts_with("2023"), "{code}: {}", r.period);
        }
        assert_eq!(open_periods(&store, &village, monday_early), owned(&[("2024-W01", false)]));
        assert_eq!(open_periods(&store, &town, monday_early), owned(&[("2024-01", false)]));
        assert_eq!(open_periods(&store, &district, monday_early), owned(&[("2024-Q1", false)]));
        assert_eq!(open_periods(&store, &city, monday_early), owned(&[("2024", false)]));
        // The office's Monday is not yet here at 04:30 UTC: a record dated Monday is in the future.
        let monday = NaiveDate::from_ymd_opt(2024, 1, 1).unwrap();
        assert!(store.record_screening(&record(&village, monday, 0), &[], sunday_late).is_err());
        assert_eq!(store.record_screening(&record(&village, monday, 0), &[], monday_early).unwrap().period, "2024-W01");
    }

    #[test]
    fn a_record_falls_in_the_period_holding_its_day() {
        let (_d, mut store) = store();
        let at = Utc.with_ymd_and_hms(2023, 6, 1, 0, 0, 0).unwrap();
        let d = |m, day| NaiveDate::from_ymd_opt(2023, m, day).unwrap();
        let (village, town, district) = (
            committee_of(&store, Tier::Village),
            committee_of(&store, Tier::Town),
            committee_of(&store, Tier::District),
        );
        for (code, day, period) in [
            (&district, d(3, 31), "2023-Q1"),
            (&district, d(4, 1), "2023-Q2"),
            (&town, d(1, 31), "2023-01"),
            (&town, d(2, 1), "2023-02"),
            (&village, d(4, 30), "2023-W17"), // a Sunday: the week that began Monday 24 April
            (&village, d(5, 1), "2023-W18"),
        ] {
            assert_eq!(store.record_screening(&record(code, day, 0), &[], at).unwrap().period, period, "{day}");
        }
    }
}

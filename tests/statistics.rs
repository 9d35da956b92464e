//! Every statistics definition (domain::stats, README "Statistics") checked on a small hand-made
//! fixture whose figures were worked out by hand, in a real SQLite file, with the office in
//! Asia/Shanghai (UTC+8). The period is September 2023 (`2023-09`).
//!
//! | case | received (local) | assigned after | finished (local)   | status    | tier     | source (class)      | category   | amount (fen) | agreement | performed at | judicial |
//! |------|------------------|----------------|--------------------|-----------|----------|---------------------|------------|--------------|-----------|--------------|----------|
//! | A    | 09-10 08:00      | 30 min         | 09-10 10:00        | resolved  | village  | walk-in (applied)   | neighbour  | 1,234,500    | written   | 09-10 10:00  | yes      |
//! | B    | 09-30 20:00      | 90 min         | 09-30 **23:30**    | closed    | town     | grid (self)         | marriage   | 5,000        | oral      | 09-30 23:30  | no       |
//! | C    | 09-01 09:00      | 10 min         | 09-20 (clock 09-15)| resolved  | village  | court (referred)    | contract   | 10,000,000   | written   | **10-05**    | no       |
//! | D    | 09-04 10:00      | 60 min         | 09-05              | failed    | district | phone (applied)     | damages    | 995,500      | —         | —            | no       |
//! | E    | 09-11 10:00      | 20 min         | 09-12              | withdrawn | village  | walk-in             | neighbour  | 7,000,000    | —         | —            | no       |
//! | F    | 09-29 10:00      | 40 min         | **10-01 00:30**    | resolved  | village  | walk-in             | neighbour  | 100          | written   | 10-01 00:30  | no       |
//! | G    | 08-30 10:00      | 40 min         | **08-31 23:30**    | resolved  | village  | walk-in             | neighbour  | 100          | written   | 08-31 23:30  | no       |
//! | H    | 09-25 10:00      | —              | open, escalated 09-26 | received | town  | walk-in             | neighbour  | 100          |           |              |          |
//!
//! By hand: received in September A B C D E F H = 7; mediated A B C D = 4 (E withdrawn, F in
//! October by 30 minutes, G in August by 30 minutes); successful A B C = 3; rate 3/4 = 75.00%;
//! amount 1,234,500 + 5,000 + 10,000,000 + 995,500 = 12,235,000 fen = 12.235 万元 → 12.24
//! (half-up); agreements 3 (written A C, oral B); performed by 09-30 end: A B = 2 (C on 10-05);
//! applications for judicial confirmation 1 (A); by class: applied A D = 2, self-initiated B = 1,
//! referred C = 1; by tier village A C, town B, district D → village share 2/4 = 50.00%;
//! escalations 1 (H); median minutes to assignment over A B C D E F (assigned in September; G in
//! August, H unassigned): 10 20 30 40 60 90 → lower middle 30; over their clock 1 (C);
//! follow-ups: A's due 09-15 done 09-14 (done), B's due 09-28 done 10-02 (overdue at the end),
//! C's due 09-25 not done (overdue), C's due 10-10 (not in the period) → done 1, overdue 2.

mod common;
use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use duty_desk::domain::office_time::Period;
use duty_desk::domain::stats::Dimension;
use duty_desk::domain::{AgreementForm, Case, Category, Followup, Org, Policy, Source, Status, Tier};
use duty_desk::store::{Expect, Store};
use tempfile::TempDir;

/// An office-local (UTC+8) time in 2023.
fn local(month: u32, day: u32, h: u32, m: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2023, month, day, h, m, 0).unwrap() - Duration::hours(8)
}

struct Spec {
    received: DateTime<Utc>,
    assigned_after: i64,
    finished: DateTime<Utc>,
    status: Status,
    tier: Tier,
    source: Source,
    category: Category,
    amount_fen: i64,
    agreement: Option<AgreementForm>,
    performed_at: Option<DateTime<Utc>>,
    judicial: bool,
    mediation_due: DateTime<Utc>,
}

fn fixture() -> (TempDir, Store) {
    let dir = TempDir::new().unwrap();
    let mut store = Store::create(&dir.path().join("desk.db")).unwrap();
    let org: Org = serde_json::from_str(include_str!("../fixtures/demo-org.json")).unwrap();
    let policy = Policy::default();
    assert_eq!(policy.office.time_zone.name(), "Asia/Shanghai");
    store.init_org(&org, &policy, local(8, 1, 0, 0)).unwrap();
    let intake = common::village_dispute(&store, local(9, 25, 10, 0));
    let h = store.add_case(&intake, local(9, 25, 10, 0)).unwrap(); // H
    let lead = store.org().unwrap().mediators.first().map(|m| m.id).unwrap();
    let far = local(12, 31, 0, 0);
    #[rustfmt::skip]
    let specs = [
        // A
        Spec { received: local(9, 10, 8, 0), assigned_after: 30, finished: local(9, 10, 10, 0), status: Status::Resolved, tier: Tier::Village, source: Source::WalkIn, category: Category::Neighbour, amount_fen: 1_234_500, agreement: Some(AgreementForm::Written), performed_at: Some(local(9, 10, 10, 0)), judicial: true, mediation_due: far },
        // B: finished at 23:30 on the period's last day
        Spec { received: local(9, 30, 20, 0), assigned_after: 90, finished: local(9, 30, 23, 30), status: Status::Closed, tier: Tier::Town, source: Source::GridReport, category: Category::MarriageFamily, amount_fen: 5_000, agreement: Some(AgreementForm::Oral), performed_at: Some(local(9, 30, 23, 30)), judicial: false, mediation_due: far },
        // C: over its clock, performed after the period
        Spec { received: local(9, 1, 9, 0), assigned_after: 10, finished: local(9, 20, 9, 0), status: Status::Resolved, tier: Tier::Village, source: Source::CourtReferral, category: Category::Contract, amount_fen: 10_000_000, agreement: Some(AgreementForm::Written), performed_at: Some(local(10, 5, 9, 0)), judicial: false, mediation_due: local(9, 15, 9, 0) },
        // D: failed
        Spec { received: local(9, 4, 10, 0), assigned_after: 60, finished: local(9, 5, 10, 0), status: Status::Failed, tier: Tier::District, source: Source::Phone, category: Category::Damages, amount_fen: 995_500, agreement: None, performed_at: None, judicial: false, mediation_due: far },
        // E: withdrawn
        Spec { received: local(9, 11, 10, 0), assigned_after: 20, finished: local(9, 12, 10, 0), status: Status::Withdrawn, tier: Tier::Village, source: Source::WalkIn, category: Category::Neighbour, amount_fen: 7_000_000, agreement: None, performed_at: None, judicial: false, mediation_due: far },
        // F: finished 30 minutes into October (office time)
        Spec { received: local(9, 29, 10, 0), assigned_after: 40, finished: local(10, 1, 0, 30), status: Status::Resolved, tier: Tier::Village, source: Source::WalkIn, category: Category::Neighbour, amount_fen: 100, agreement: Some(AgreementForm::Written), performed_at: Some(local(10, 1, 0, 30)), judicial: false, mediation_due: far },
        // G: finished at 23:30 on August 31st
        Spec { received: local(8, 30, 10, 0), assigned_after: 40, finished: local(8, 31, 23, 30), status: Status::Resolved, tier: Tier::Village, source: Source::WalkIn, category: Category::Neighbour, amount_fen: 100, agreement: Some(AgreementForm::Written), performed_at: Some(local(8, 31, 23, 30)), judicial: false, mediation_due: far },
    ];
    let followup = |due: DateTime<Utc>, done: Option<DateTime<Utc>>| Followup {
        id: 0,
        case_id: 0,
        due,
        done_at: done,
        channel: None,
        outcome: None,
        note: String::new(),
        visitor: String::new(),
    };
    let mut rows = Vec::new();
    for (i, s) in specs.iter().enumerate() {
        let mut c: Case = h.clone();
        c.reference = format!("WH-2023-{:05}", 100 + i);
        c.received_at = s.received;
        c.assigned_at = Some(s.received + Duration::minutes(s.assigned_after));
        c.lead_mediator_id = Some(lead);
        c.finished_at = Some(s.finished);
        c.mediation_due = Some(s.mediation_due);
        c.status = s.status;
        c.tier = s.tier;
        c.source = s.source;
        c.category = s.category;
        c.amount_fen = s.amount_fen;
        c.agreement = s.agreement;
        c.performed = s.performed_at.is_some();
        c.performed_at = s.performed_at;
        c.judicial_confirmation = s.judicial;
        let followups = match i {
            0 => vec![followup(local(9, 15, 10, 0), Some(local(9, 14, 10, 0)))],
            1 => vec![followup(local(9, 28, 10, 0), Some(local(10, 2, 10, 0)))],
            2 => vec![followup(local(9, 25, 10, 0), None), followup(local(10, 10, 10, 0), None)],
            _ => Vec::new(),
        };
        rows.push((c, followups));
    }
    store.insert_generated(rows.into_iter(), "statistics fixture", local(10, 20, 0, 0)).unwrap();
    store.escalate(&h.reference, "statistics test", Expect::Latest, local(9, 26, 10, 0)).unwrap();
    (dir, store)
}

fn september() -> Period {
    "2023-09".parse().unwrap()
}

#[test]
fn every_definition_matches_the_hand_worked_figures() {
    let (_dir, store) = fixture();
    let r = store.report(september(), &[]).unwrap();
    assert_eq!((r.from.as_str(), r.to.as_str(), r.period.as_str()), ("2023-09-01", "2023-09-30", "2023-09"));
    assert_eq!(r.received, 7);
    assert_eq!(r.figures.mediated, 4);
    assert_eq!(r.figures.successful, 3);
    assert_eq!(r.failed, 1);
    assert_eq!(r.withdrawn, 1);
    assert_eq!(r.success_rate, "75.00%");
    assert_eq!(r.figures.amount_fen, 12_235_000);
    assert_eq!(r.amount_wan_yuan, "12.24");
    assert_eq!(r.figures.agreements, 3);
    assert_eq!((r.agreements_written, r.agreements_oral), (2, 1));
    assert_eq!(r.figures.performed, 2);
    assert_eq!(r.figures.judicial_applications, 1);
    let class = |code: &str| r.by_source.iter().find(|c| c.code == code).map(|c| (c.mediated, c.successful));
    assert_eq!(class("applied"), Some((2, 1)));
    assert_eq!(class("self_initiated"), Some((1, 1)));
    assert_eq!(class("referred"), Some((1, 1)));
    let tier = |code: &str| r.by_tier.iter().find(|c| c.code == code).map(|c| c.mediated);
    assert_eq!((tier("village"), tier("town"), tier("district"), tier("city")), (Some(2), Some(1), Some(1), Some(0)));
    assert_eq!(r.village_share, "50.00%");
    let cat = |code: &str| r.by_category.iter().find(|c| c.code == code).map(|c| c.mediated);
    assert_eq!(
        (cat("neighbour"), cat("marriage_family"), cat("contract"), cat("damages")),
        (Some(1), Some(1), Some(1), Some(1))
    );
    assert_eq!(r.escalations, 1);
    assert_eq!(r.median_assign_minutes, Some(30));
    assert_eq!(r.over_clock, 1);
    assert_eq!((r.followups_done, r.followups_overdue), (1, 2));
}

#[test]
fn the_last_evening_of_a_period_counts_in_it_and_the_first_half_hour_after_does_not() {
    let (_dir, store) = fixture();
    let day = |m, d| NaiveDate::from_ymd_opt(2023, m, d).unwrap();
    // B alone: finished 23:30 office time on September 30th (15:30 UTC).
    let last_day = store.report(Period::range(day(9, 30), day(9, 30)).unwrap(), &[]).unwrap();
    assert_eq!((last_day.figures.mediated, last_day.figures.performed), (1, 1));
    // F alone: 00:30 office time on October 1st (still September 30th in UTC).
    let october = store.report("2023-10".parse().unwrap(), &[]).unwrap();
    assert_eq!(october.figures.mediated, 1);
    // G alone: 23:30 on August 31st.
    let august = store.report("2023-08".parse().unwrap(), &[]).unwrap();
    assert_eq!(august.figures.mediated, 1);
    // The quarter holds August and September; C was performed only in October.
    let q3 = store.report("2023-Q3".parse().unwrap(), &[]).unwrap();
    assert_eq!((q3.figures.mediated, q3.figures.performed), (5, 3));
}

#[test]
fn nothing_mediated_shows_a_dash_not_zero() {
    let (_dir, store) = fixture();
    let r = store.report("2022".parse().unwrap(), &[]).unwrap();
    assert_eq!(r.figures.mediated, 0);
    assert_eq!(r.success_rate, "—");
    assert_eq!(r.village_share, "—");
    assert_eq!(r.amount_wan_yuan, "0.00");
    assert_eq!(r.median_assign_minutes, None);
}

#[test]
fn breakdowns_add_up_to_the_headline() {
    let (_dir, store) = fixture();
    let r = store.report(september(), &Dimension::ALL).unwrap();
    assert_eq!(r.breakdowns.len(), Dimension::ALL.len());
    for b in &r.breakdowns {
        let mediated: u64 = b.rows.iter().map(|row| row.figures.mediated).sum();
        let amount: i64 = b.rows.iter().map(|row| row.figures.amount_fen).sum();
        let performed: u64 = b.rows.iter().map(|row| row.figures.performed).sum();
        assert_eq!((mediated, amount, performed), (4, 12_235_000, 2), "{:?}", b.by);
    }
    let district = &r.breakdowns[0];
    assert_eq!(district.rows.len(), 1);
    assert_eq!(district.rows[0].figures.amount_wan(), "12.24");
    let source = r.breakdowns.iter().find(|b| b.by == Dimension::Source).unwrap();
    let applied = source.rows.iter().find(|row| row.key == "applied").unwrap();
    assert_eq!((applied.figures.mediated, applied.figures.success_rate()), (2, "50.00%".to_string()));
    // The CSV carries the same figures.
    let csv = duty_desk::view::stats::csv(&r);
    assert!(csv[1].starts_with("total,2023-09,合计,Total,4,3,75.00%,12.24,3,2,1"), "{}", csv[1]);
    assert_eq!(csv.len(), 2 + r.breakdowns.iter().map(|b| b.rows.len()).sum::<usize>());
}

/// The fixture's case by its letter (A = `WH-2023-00100` … G = `WH-2023-00106`).
fn case_ref(letter: char) -> String {
    format!("WH-2023-{:05}", 100 + (letter as u32 - 'A' as u32))
}

#[test]
fn arrival_median_is_the_lower_middle_of_whole_minutes_over_cases_received_in_the_period() {
    let (_dir, mut store) = fixture();
    let after = |m: i64, s: i64| Duration::minutes(m) + Duration::seconds(s);
    // A 20 min, B 45 min 59 s (45 whole minutes), C 100 min, F 15 min: received in September.
    // G 5 min: received in August. D and E record no arrival.
    for (letter, wait) in
        [('A', after(20, 0)), ('B', after(45, 59)), ('C', after(100, 0)), ('F', after(15, 0)), ('G', after(5, 0))]
    {
        let c = store.case_by_ref(&case_ref(letter)).unwrap();
        store.record_arrival(&c.reference, c.received_at + wait, Expect::Latest, local(11, 1, 0, 0)).unwrap();
    }
    // 15 20 45 100 → the lower middle is 20 (the mean of the middle two would say 32).
    let r = store.report(september(), &[]).unwrap();
    assert_eq!(r.median_arrival_minutes, Some(20));
    assert_eq!(store.median_arrival_minutes(local(9, 1, 0, 0), local(10, 1, 0, 0)).unwrap(), Some(20));
    assert_eq!(store.report("2023-08".parse().unwrap(), &[]).unwrap().median_arrival_minutes, Some(5));
    assert_eq!(store.report("2023-10".parse().unwrap(), &[]).unwrap().median_arrival_minutes, None);
    let text = duty_desk::view::stats::counts(&store.report("2023-10".parse().unwrap(), &[]).unwrap());
    let shown = text.iter().find(|(t, _)| *t == duty_desk::view::Term::MedianArrival).map(|(_, v)| v.as_str());
    assert_eq!(shown, Some("—"));
}

#[test]
fn rectification_items_count_in_the_period_they_were_opened_and_closed() {
    use duty_desk::domain::{FollowupChannel, FollowupOutcome};
    use duty_desk::store::FollowupRecord;
    let (_dir, mut store) = fixture();
    let not_performed = FollowupRecord {
        channel: FollowupChannel::Visit,
        outcome: FollowupOutcome::NotPerformed,
        note: "未付款".into(),
        visitor: "李四".into(),
    };
    // C's visit due 09-25, done 09-26: not performed → an item opened 09-26, closed 09-28.
    let c = store.record_followup(&case_ref('C'), &not_performed, Expect::Latest, local(9, 26, 10, 0)).unwrap();
    let item = store.rectify_items_of(c.id).unwrap()[0].id;
    store.rectify_close(item, "已付清", local(9, 28, 10, 0)).unwrap();
    // Its next visit, done 10-12, finds it unpaid again: a second item opened in October.
    store.record_followup(&case_ref('C'), &not_performed, Expect::Latest, local(10, 12, 10, 0)).unwrap();
    let r = store.report(september(), &[]).unwrap();
    assert_eq!((r.rectifications_opened, r.rectifications_closed), (Some(1), Some(1)));
    let october = store.report("2023-10".parse().unwrap(), &[]).unwrap();
    assert_eq!((october.rectifications_opened, october.rectifications_closed), (Some(1), Some(0)));
    let august = store.report("2023-08".parse().unwrap(), &[]).unwrap();
    assert_eq!((august.rectifications_opened, august.rectifications_closed), (Some(0), Some(0)));
}

#[test]
fn screenings_on_time_count_the_duties_due_in_the_period_and_show_a_dash_when_none_fell_due() {
    use duty_desk::domain::CommitteeKind;
    use duty_desk::store::ScreeningRecord;
    let (_dir, mut store) = fixture();
    let org = store.org().unwrap().clone();
    let geographic = |tier: Tier| {
        org.committees
            .iter()
            .filter(|c| c.kind == CommitteeKind::Geographic && org.committee_tier(c) == Some(tier))
            .map(|c| c.code.clone())
            .collect::<Vec<_>>()
    };
    let (villages, towns) = (geographic(Tier::Village), geographic(Tier::Town));
    assert!(!villages.is_empty() && !towns.is_empty());
    let record = |store: &mut Store, committee: &str, day: NaiveDate| {
        let rec = ScreeningRecord {
            committee: committee.into(),
            day,
            screened_by: "王芳".into(),
            places: "村委会".into(),
            found: 0,
            note: String::new(),
        };
        store.record_screening(&rec, &[], local(10, 20, 0, 0)).unwrap();
    };
    let day = |m, d| NaiveDate::from_ymd_opt(2023, m, d).unwrap();
    // One village committee screened in the week 09-11…09-17 and one town committee in September;
    // another village committee screened in the week 08-28…09-03 (ends in September, on time),
    // and in the week 09-25…10-01 (ends in October: not due in September).
    record(&mut store, &villages[0], day(9, 12));
    record(&mut store, &towns[0], day(9, 20));
    record(&mut store, &villages[1], day(8, 29));
    record(&mut store, &villages[1], day(9, 27));
    let r = store.report(september(), &[]).unwrap();
    assert_eq!(r.screenings_on_time, Some(3));
    // Two weekdays in the middle of a week and a month: no duty falls due, so "—".
    let midweek = store.report(Period::range(day(9, 5), day(9, 6)).unwrap(), &[]).unwrap();
    assert_eq!(midweek.screenings_on_time, None);
    let shown = duty_desk::view::stats::counts(&midweek);
    let cell = shown.iter().find(|(t, _)| *t == duty_desk::view::Term::ScreeningsOnTime).map(|(_, v)| v.as_str());
    assert_eq!(cell, Some("—"));
    // October holds the week ending 10-01.
    assert_eq!(store.report("2023-10".parse().unwrap(), &[]).unwrap().screenings_on_time, Some(1));
}

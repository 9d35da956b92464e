//! The change feed (issue 13, item 2): a desk patched from the feed always equals a desk that
//! read everything, over random sequences of writes from several connections to one real SQLite
//! file; a desk that fell behind the feed (pruned) or saw the schema change reads everything.

use chrono::{DateTime, Duration, TimeZone, Utc};
use duty_desk::domain::{
    AgreementForm, Category, Complexity, FollowupChannel, FollowupOutcome, NewCase, Org, Party, Policy, RiskFlags,
    RiskLevel, Source, Status, Tier,
};
use duty_desk::store::{CaseFilter, Expect, FollowupRecord, IncomingSort, Store};
use duty_desk::tui::live::Live;
use duty_desk::tui::snapshot::{Snapshot, ViewQuery};
use proptest::prelude::*;
use tempfile::TempDir;

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2023, 5, 10, 1, 0, 0).unwrap()
}

fn demo_org() -> Org {
    serde_json::from_str(include_str!("../fixtures/demo-org.json")).unwrap()
}

/// One write, with indexes into the known cases / mediators / committees (taken modulo).
#[derive(Debug, Clone)]
enum Op {
    Add { complexity: u8, risk: bool, category: u8, area: usize },
    Assign { case: usize, mediator: usize },
    Escalate { case: usize },
    Transfer { case: usize, committee: usize },
    Finish { case: usize, how: u8 },
    Followup { case: usize, outcome: u8 },
    Duty { mediator: usize, on: bool },
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        (0u8..4, any::<bool>(), 0u8..15, 0usize..1000).prop_map(|(complexity, risk, category, area)| Op::Add {
            complexity,
            risk,
            category,
            area
        }),
        (0usize..1000, 0usize..1000).prop_map(|(case, mediator)| Op::Assign { case, mediator }),
        (0usize..1000).prop_map(|case| Op::Escalate { case }),
        (0usize..1000, 0usize..1000).prop_map(|(case, committee)| Op::Transfer { case, committee }),
        (0usize..1000, 0u8..3).prop_map(|(case, how)| Op::Finish { case, how }),
        (0usize..1000, 0u8..4).prop_map(|(case, outcome)| Op::Followup { case, outcome }),
        (0usize..1000, any::<bool>()).prop_map(|(mediator, on)| Op::Duty { mediator, on }),
    ]
}

struct World {
    _dir: TempDir,
    writers: Vec<Store>,
    refs: Vec<String>,
    villages: Vec<String>,
}

fn world(writers: usize) -> World {
    let dir = TempDir::new().unwrap();
    let path = dir.path().join("desk.db");
    let mut first = Store::create(&path).unwrap();
    first.init_org(&demo_org(), &Policy::default(), now()).unwrap();
    let villages =
        first.org().unwrap().areas.iter().filter(|a| a.level == Tier::Village).map(|a| a.code.clone()).collect();
    let mut all = vec![first];
    for _ in 1..writers {
        all.push(Store::open(&path, false).unwrap());
    }
    World { _dir: dir, writers: all, refs: Vec::new(), villages }
}

fn intake(w: &World, complexity: u8, risk: bool, category: u8, area: usize, at: DateTime<Utc>) -> NewCase {
    NewCase {
        received_at: at,
        source: Source::WalkIn,
        category: Category::ALL[category as usize % Category::ALL.len()],
        applicant: Party { name: "张三".into(), phone: "13812345678".into(), id_no: String::new() },
        respondent: Party::default(),
        summary: "噪音纠纷".into(),
        amount_fen: 100,
        area: w.villages[area % w.villages.len()].clone(),
        complexity: [Complexity::Simple, Complexity::General, Complexity::Major, Complexity::Critical]
            [complexity as usize % 4],
        // Every third area's cases are flagged (urgent without being red).
        risk_flags: RiskFlags { media: area.is_multiple_of(3), ..RiskFlags::default() },
        risk_level: if risk { RiskLevel::Red } else { RiskLevel::None },
        partners: Vec::new(),
    }
}

/// Runs one write on writer `who` at time `at`; failures (a transition the status does not
/// allow, a committee that does not cover the area) change nothing and are ignored.
fn apply(w: &mut World, who: usize, op: &Op, at: DateTime<Utc>) {
    let pick = |refs: &[String], i: usize| refs.get(i % refs.len().max(1)).cloned();
    let n = w.writers.len();
    let new = match op {
        Op::Add { complexity, risk, category, area } => Some(intake(w, *complexity, *risk, *category, *area, at)),
        _ => None,
    };
    let refs = w.refs.clone();
    let s = &mut w.writers[who % n];
    let org = s.org().unwrap().clone();
    match op {
        Op::Add { .. } => {
            if let Some(c) = new.and_then(|n| s.add_case(&n, at).ok()) {
                w.refs.push(c.reference);
            }
        }
        Op::Assign { case, mediator } => {
            if let (Some(r), Some(m)) = (pick(&refs, *case), org.mediators.get(mediator % org.mediators.len())) {
                let _ = s.assign(&r, m.id, Expect::Latest, true, at);
            }
        }
        Op::Escalate { case } => {
            if let Some(r) = pick(&refs, *case) {
                let _ = s.escalate(&r, "feed test", Expect::Latest, at);
            }
        }
        Op::Transfer { case, committee } => {
            if let (Some(r), Some(k)) = (pick(&refs, *case), org.committees.get(committee % org.committees.len())) {
                let _ = s.transfer(&r, &k.code, Expect::Latest, at);
            }
        }
        Op::Finish { case, how } => {
            if let Some(r) = pick(&refs, *case) {
                let (status, form) = match how {
                    0 => (Status::Resolved, Some(AgreementForm::Written)),
                    1 => (Status::Failed, None),
                    _ => (Status::Withdrawn, None),
                };
                let _ = s.finish(&r, status, form, None, "", Expect::Latest, at);
            }
        }
        Op::Followup { case, outcome } => {
            if let Some(r) = pick(&refs, *case) {
                let record = FollowupRecord {
                    channel: FollowupChannel::Phone,
                    outcome: FollowupOutcome::ALL[*outcome as usize % FollowupOutcome::ALL.len()],
                    note: String::new(),
                    visitor: String::new(),
                };
                let _ = s.record_followup(&r, &record, Expect::Latest, at);
            }
        }
        Op::Duty { mediator, on } => {
            if let Some(m) = org.mediators.get(mediator % org.mediators.len()) {
                let _ = s.set_on_duty(m.id, *on, at);
            }
        }
    }
}

fn queries() -> Vec<ViewQuery> {
    let base = ViewQuery { incoming_limit: 4, ..ViewQuery::default() };
    vec![
        base.clone(),
        ViewQuery { incoming: CaseFilter { overdue: true, ..CaseFilter::default() }, ..base.clone() },
        ViewQuery { incoming: CaseFilter { tier: Some(Tier::Town), ..CaseFilter::default() }, ..base.clone() },
        ViewQuery { incoming_offset: 2, ..base.clone() },
        // Every order (a desk without a filter pages its held cases in memory).
        ViewQuery { incoming_sort: IncomingSort::Oldest, ..base.clone() },
        ViewQuery { incoming_sort: IncomingSort::Category, incoming_offset: 1, ..base.clone() },
        // The cursor's case, which the writes may take off the list.
        ViewQuery { incoming_anchor: Some("WH-2023-00002".into()), ..base },
    ]
}

/// What a desk shows, the read time aside.
fn shown(s: &Snapshot) -> impl PartialEq + std::fmt::Debug + '_ {
    (&s.incoming, &s.matrix, &s.workload, s.followups_overdue, &s.followups, &*s.org)
}

/// The patched desk equals both a desk that read everything through the feed's full read and
/// the store's own aggregate queries (`Snapshot::read`).
fn assert_same(desk: &mut Live, path: &std::path::Path, query: &ViewQuery, at: DateTime<Utc>) {
    let mut fresh = Store::open(path, true).unwrap();
    let full = Live::read(&mut fresh, query, at).unwrap().snapshot(at);
    let sql = Snapshot::read(&fresh, query, std::sync::Arc::new(fresh.org().unwrap().clone()), at).unwrap();
    let patched = desk.snapshot(at);
    assert_eq!(shown(&patched), shown(&full), "patched desk differs from a full read");
    assert_eq!(shown(&patched), shown(&sql), "patched desk differs from the store's aggregate queries");
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    #[test]
    fn a_desk_patched_from_the_feed_equals_a_desk_that_read_everything(
        seed_cases in 0usize..6,
        steps in prop::collection::vec((0usize..3, op(), 0i64..72, any::<bool>()), 1..40),
        q in 0usize..7,
    ) {
        let mut w = world(3);
        let path = w._dir.path().join("desk.db");
        for i in 0..seed_cases {
            apply(&mut w, i, &Op::Add { complexity: i as u8, risk: i % 2 == 0, category: i as u8, area: i }, now() - Duration::days(2));
        }
        let query = queries()[q].clone();
        let mut desk_store = Store::open(&path, true).unwrap();
        let mut desk = Live::read(&mut desk_store, &query, now()).unwrap();
        for (who, op, hours_ago, look) in &steps {
            apply(&mut w, *who, op, now() - Duration::hours(*hours_ago));
            // Sometimes several writes land before the desk looks.
            if *look {
                let patch = desk.catch_up(&mut desk_store, now()).unwrap();
                prop_assert!(!patch.full, "a desk that keeps up never needs a full read");
                assert_same(&mut desk, &path, &query, now());
            }
        }
        desk.catch_up(&mut desk_store, now()).unwrap();
        assert_same(&mut desk, &path, &query, now());
        // Time passing alone: what depends on it is re-read, the counts are recounted once a
        // clock has run out since the last count (and reused before).
        for hours in [1, 2, 5, 13, 30, 72] {
            let later = now() + Duration::hours(hours);
            desk.refresh_time(&desk_store, later).unwrap();
            assert_same(&mut desk, &path, &query, later);
        }
    }
}

#[test]
fn a_desk_behind_the_pruned_feed_reads_everything() {
    let mut w = world(2);
    let path = w._dir.path().join("desk.db");
    apply(&mut w, 0, &Op::Add { complexity: 1, risk: false, category: 0, area: 0 }, now());
    let query = queries()[0].clone();
    let mut desk_store = Store::open(&path, true).unwrap();
    let mut desk = Live::read(&mut desk_store, &query, now()).unwrap();
    for i in 0..5 {
        apply(&mut w, 1, &Op::Add { complexity: 2, risk: true, category: i, area: i as usize }, now());
    }
    apply(&mut w, 0, &Op::Assign { case: 0, mediator: 3 }, now());
    // Prune as the feed's trigger does, past the desk's sequence.
    let conn = rusqlite::Connection::open(&path).unwrap();
    conn.execute("DELETE FROM changes WHERE seq <= ?1", [desk.seq() + 2]).unwrap();
    let patch = desk.catch_up(&mut desk_store, now()).unwrap();
    assert!(patch.full, "{patch:?}");
    assert_same(&mut desk, &path, &query, now());
    // The schema changed under the desk: it reads everything again.
    conn.execute_batch("CREATE INDEX test_extra ON cases(amount_fen)").unwrap();
    let patch = desk.catch_up(&mut desk_store, now()).unwrap();
    assert!(patch.full, "{patch:?}");
    // And with nothing new it reads nothing.
    let patch = desk.catch_up(&mut desk_store, now()).unwrap();
    assert!(patch.idle, "{patch:?}");
}

#[test]
fn every_write_leaves_a_feed_row_in_its_transaction_and_assign_touches_only_its_case() {
    let mut w = world(1);
    let path = w._dir.path().join("desk.db");
    apply(&mut w, 0, &Op::Add { complexity: 1, risk: false, category: 0, area: 0 }, now());
    let mut desk_store = Store::open(&path, true).unwrap();
    let mut desk = Live::read(&mut desk_store, &queries()[0], now()).unwrap();
    apply(&mut w, 0, &Op::Assign { case: 0, mediator: 0 }, now());
    let patch = desk.catch_up(&mut desk_store, now()).unwrap();
    // The mediator's last-assigned time is not part of the organisation: no org reload.
    assert_eq!((patch.cases, patch.org, patch.full, patch.incoming), (1, false, false, true), "{patch:?}");
    apply(&mut w, 0, &Op::Duty { mediator: 0, on: false }, now());
    let patch = desk.catch_up(&mut desk_store, now()).unwrap();
    assert!(patch.org && patch.cases == 0, "{patch:?}");
    assert_same(&mut desk, &path, &queries()[0], now());
}

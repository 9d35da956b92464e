//! Benchmarks of what the desk does on every refresh and every keypress, on a generated
//! database (`DUTY_DESK_BENCH_CASES`, default 200,000; try 1000000), and of the period's
//! statistics at 1,000,000 cases (`DUTY_DESK_BENCH_STATS_CASES`, default 1000000), printed with
//! their 100 ms target. Each database is built once per size in the target dir and reused.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::Utc;
use criterion::{criterion_group, criterion_main, Criterion};
use duty_desk::domain::office_time::{Period, PeriodKind};
use duty_desk::domain::stats::Dimension;
use duty_desk::domain::{Org, Policy};
use duty_desk::ingest::generate::generate;
use duty_desk::store::{CaseFilter, IncomingSort, Store};
use duty_desk::tui::snapshot::{Snapshot, ViewQuery};

fn cases() -> usize {
    std::env::var("DUTY_DESK_BENCH_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(200_000)
}

/// The size of the statistics benchmark's database: the target is at 1,000,000 cases.
fn stats_cases() -> usize {
    std::env::var("DUTY_DESK_BENCH_STATS_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(1_000_000)
}

/// The target for any period's figures with a breakdown (issue 10).
const STATS_TARGET: Duration = Duration::from_millis(100);

fn database() -> PathBuf {
    database_of(cases())
}

fn database_of(n: usize) -> PathBuf {
    let path = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("bench-{n}.db"));
    if !path.exists() {
        let org: Org = serde_json::from_str(include_str!("../fixtures/demo-org.json")).expect("demo org");
        let mut store = Store::create(&path).expect("create");
        store.init_org(&org, &Policy::default(), Utc::now()).expect("init");
        let org = store.org().unwrap().clone();
        let policy = store.policy().clone();
        store
            .insert_generated(
                generate(&org, &policy, 2023, n, Utc::now()).map(|g| (g.case, g.followups)),
                "bench",
                Utc::now(),
            )
            .expect("fill");
    }
    // A database cached by an older build gets this build's migrations before it is read.
    drop(Store::open(&path, false).expect("open to upgrade"));
    path
}

/// Whether the command line's filters (criterion's positional arguments) leave `group` to run:
/// a group filtered out is not even set up (no database is built for it).
fn wanted(group: &str) -> bool {
    let filters: Vec<String> = std::env::args().skip(1).filter(|a| !a.starts_with('-')).collect();
    filters.is_empty() || filters.iter().any(|f| f.contains(group) || group.contains(f.as_str()))
}

fn panes(c: &mut Criterion) {
    if !wanted("panes") {
        return;
    }
    let path = database();
    let store = Store::open(&path, true).expect("open");
    let org = Arc::new(store.org().unwrap().clone());
    let now = Utc::now();
    let query = ViewQuery { incoming_limit: 300, ..ViewQuery::default() };
    let n = cases();
    let mut g = c.benchmark_group(format!("panes/{n}"));
    g.bench_function("snapshot (all four panes)", |b| {
        b.iter(|| Snapshot::read(&store, &query, org.clone(), now).expect("snapshot"))
    });
    g.bench_function("incoming first page", |b| {
        b.iter(|| store.incoming(&CaseFilter::default(), IncomingSort::Urgency, 0, 300, None, now).expect("incoming"))
    });
    g.bench_function("incoming text filter", |b| {
        let f = CaseFilter { text: Some("宅基地".into()), ..CaseFilter::default() };
        b.iter(|| store.incoming(&f, IncomingSort::Urgency, 0, 300, None, now).expect("incoming"))
    });
    g.bench_function("routing matrix", |b| b.iter(|| store.routing_matrix(now).expect("matrix")));
    g.bench_function("workload", |b| b.iter(|| store.workload(None, now).expect("workload")));
    g.bench_function("follow-ups due", |b| b.iter(|| store.followups_due(now, 7, 500).expect("followups")));
    g.bench_function("data_version poll", |b| b.iter(|| store.data_version().expect("version")));
    let case = store.incoming(&CaseFilter::default(), IncomingSort::Urgency, 0, 1, None, now).expect("incoming").rows;
    if let Some(case) = case.first() {
        g.bench_function("assignment suggestions", |b| b.iter(|| store.suggestions(case, now).expect("suggest")));
    }
    g.finish();
}

/// The period's statistics at 1,000,000 cases (by default): a year's and a month's figures with a
/// breakdown, and everything the desk's Statistics screen asks for a year; then one line per
/// figure with its median and the 100 ms target. Design: per-block counts kept at each commit
/// (`store::report_blocks`) for a period's whole UTC days, the cases themselves for its partial
/// days; README "Statistics" says why. Then what the counts cost the writers: the generator
/// and `assign` with and without them.
fn statistics(c: &mut Criterion) {
    if !wanted("statistics") {
        return;
    }
    let n = stats_cases();
    let path = database_of(n);
    let store = Store::open(&path, true).expect("open");
    let tz = store.policy().office.time_zone;
    let today = tz.date_of(Utc::now());
    // The generator spreads cases over the two years before now: the last twelve months hold
    // about half of them, a month about a twenty-fourth.
    let year = Period::range(today - chrono::Duration::days(364), today).expect("period");
    let month = Period::containing(PeriodKind::Month, today).prev();
    let by = [Dimension::District];
    let mut g = c.benchmark_group(format!("statistics/{n}"));
    g.sample_size(10);
    g.bench_function("a year's figures with a breakdown by district (target < 100 ms)", |b| {
        b.iter(|| store.report(year, &by).expect("report"))
    });
    g.bench_function("a month's figures with a breakdown by district (target < 100 ms)", |b| {
        b.iter(|| store.report(month, &by).expect("report"))
    });
    g.bench_function("the desk's Statistics screen for a year (figures, area tree, trend)", |b| {
        b.iter(|| store.overview(year).expect("overview"))
    });
    g.finish();
    let median = |f: &dyn Fn()| {
        let mut t: Vec<Duration> = (0..7)
            .map(|_| {
                let start = Instant::now();
                f();
                start.elapsed()
            })
            .collect();
        t.sort();
        t[t.len() / 2]
    };
    let mediated = store.report(year, &[]).expect("report").figures.mediated;
    println!("\nstatistics at {n} cases (period figures with a breakdown; target < {} ms; design: per-block counts kept at each commit + the partial days from the cases):", STATS_TARGET.as_millis());
    for (what, took) in [
        (
            format!("a year ({mediated} mediated), by district"),
            median(&|| drop(store.report(year, &by).expect("report"))),
        ),
        ("a month, by district".to_string(), median(&|| drop(store.report(month, &by).expect("report")))),
        ("the desk's screen for a year".to_string(), median(&|| drop(store.overview(year).expect("overview")))),
    ] {
        let verdict = if took <= STATS_TARGET { "ok" } else { "OVER TARGET" };
        println!(
            "  {what:<40} median {:>8.1} ms   target < {} ms   {verdict}",
            took.as_secs_f64() * 1e3,
            STATS_TARGET.as_millis()
        );
    }

    let exact = median(&|| drop(store.report_from_cases(year, &by).expect("report")));
    println!(
        "  {:<40} median {:>8.1} ms   (the same year read from the cases alone, for comparison)",
        "a year, by district, without the counts",
        exact.as_secs_f64() * 1e3
    );
    trigger_cost();
}

/// What the statistics counts cost the writers: the generator filling a fresh database, and
/// `assign` one case at a time, each with the triggers that log the rows a count reads and with
/// them dropped (the log then stays empty and each commit's count of it finds nothing).
fn trigger_cost() {
    let n: usize = std::env::var("DUTY_DESK_BENCH_TRIGGER_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(100_000);
    let org: Org = serde_json::from_str(include_str!("../fixtures/demo-org.json")).expect("demo org");
    println!("\nwhat the statistics counts cost the writers ({n} generated cases, their counts summed once; then up to 300 assignments of its unassigned cases and 300 updates of finished cases, each in its own transaction, with the triggers that log the rows a count reads (summed at each commit) and with them dropped):");
    for triggers in [true, false] {
        let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("bench-triggers-{triggers}.db"));
        let _ = std::fs::remove_file(&dir);
        let mut store = Store::create(&dir).expect("create");
        store.init_org(&org, &Policy::default(), Utc::now()).expect("init");
        let (org2, policy) = (store.org().unwrap().clone(), store.policy().clone());
        let start = Instant::now();
        store
            .insert_generated(
                generate(&org2, &policy, 7, n, Utc::now()).map(|g| (g.case, g.followups)),
                "bench",
                Utc::now(),
            )
            .expect("fill");
        let fill = start.elapsed();
        // The generator sums its batch's counts once (store::bulk::Bulk) either way;
        // the writes below run with the triggers, or with them dropped.
        if !triggers {
            let conn = rusqlite::Connection::open(&dir).expect("open");
            for t in ["cases", "visits"] {
                for w in ["insert", "update", "delete"] {
                    conn.execute_batch(&format!("DROP TRIGGER stats_pending_{t}_{w};")).expect("drop");
                }
            }
        }
        let now = Utc::now();
        let open =
            store.incoming(&CaseFilter::default(), IncomingSort::Urgency, 0, 300, None, now).expect("incoming").rows;
        let mediator = store.org().unwrap().mediators.first().map(|m| m.id).expect("a mediator");
        let start = Instant::now();
        let mut done = 0u32;
        for c in &open {
            if store.assign(&c.reference, mediator, duty_desk::store::Expect::Latest, true, now).is_ok() {
                done += 1;
            }
        }
        let per = start.elapsed() / done.max(1);
        // The heaviest trigger: a finished case's figures change (its performance recorded, as a
        // follow-up visit does), one transaction per write like the desk's.
        let conn = rusqlite::Connection::open(&dir).expect("open");
        let ids: Vec<i64> = conn
            .prepare("SELECT id FROM cases WHERE finished_at IS NOT NULL ORDER BY id LIMIT 300")
            .expect("prepare")
            .query_map([], |r| r.get(0))
            .expect("ids")
            .map(|r| r.expect("id"))
            .collect();
        let start = Instant::now();
        for id in &ids {
            let tx =
                rusqlite::Transaction::new_unchecked(&conn, rusqlite::TransactionBehavior::Immediate).expect("begin");
            tx.execute(
                "UPDATE cases SET performed_at = finished_at + 86400 * 3, version = version + 1 WHERE id = ?1",
                [id],
            )
            .expect("update");
            // What every write transaction of the store does before its commit.
            duty_desk::store::count_logged_rows_in(&tx).expect("count");
            tx.commit().expect("commit");
        }
        let finish = start.elapsed() / (ids.len().max(1) as u32);
        println!(
            "  {:<16} generate {:>7.2} s   assign {:>6.2} ms each ({done})   a finished case's update {:>6.2} ms each ({})",
            if triggers { "with triggers" } else { "without triggers" },
            fill.as_secs_f64(),
            per.as_secs_f64() * 1e3,
            finish.as_secs_f64() * 1e3,
            ids.len()
        );
        drop(store);
        let _ = std::fs::remove_file(&dir);
    }
}

criterion_group!(benches, panes, statistics);
criterion_main!(benches);

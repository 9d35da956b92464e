//! Benchmarks of what the desk does on every refresh and every keypress, on a generated
//! database (`DUTY_DESK_BENCH_CASES`, default 200,000; try 1000000). The database is built
//! once per size in the target dir and reused.

use std::path::PathBuf;
use std::sync::Arc;

use chrono::Utc;
use criterion::{criterion_group, criterion_main, Criterion};
use duty_desk::domain::{Org, Policy};
use duty_desk::ingest::generate::generate;
use duty_desk::store::{CaseFilter, IncomingSort, Store};
use duty_desk::tui::snapshot::{Snapshot, ViewQuery};

fn cases() -> usize {
    std::env::var("DUTY_DESK_BENCH_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(200_000)
}

fn database() -> PathBuf {
    let n = cases();
    let path = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("bench-{n}.db"));
    if !path.exists() {
        let org: Org = serde_json::from_str(include_str!("../fixtures/demo-org.json")).expect("demo org");
        let mut store = Store::create(&path).expect("create");
        store.init_org(&org, &Policy::default(), Utc::now()).expect("init");
        let org = store.org().clone();
        let policy = store.policy().clone();
        store
            .insert_generated(
                generate(&org, &policy, 2023, n, Utc::now()).map(|g| (g.case, g.followups)),
                "bench",
                Utc::now(),
            )
            .expect("fill");
    }
    path
}

fn panes(c: &mut Criterion) {
    let path = database();
    let store = Store::open(&path, true).expect("open");
    let org = Arc::new(store.org().clone());
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
    let mut g = c.benchmark_group(format!("report/{n}"));
    g.sample_size(10);
    let from = (now - chrono::Duration::days(365)).date_naive();
    let year = duty_desk::domain::office_time::Period::range(from, now.date_naive()).expect("period");
    g.bench_function("one year", |b| b.iter(|| store.report(year, &[]).expect("report")));
    g.finish();
}

criterion_group!(benches, panes);
criterion_main!(benches);

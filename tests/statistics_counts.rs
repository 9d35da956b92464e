//! The pre-aggregated statistics counts (`store::report_blocks`: rows logged by triggers on
//! `cases` and `followups`, summed into the counts at each commit) agree with the cases: over
//! random writes to a real SQLite file — generated cases, then random changes of every column a
//! figure reads (follow-up visits too), deletions and more inserts, written with plain SQL as a
//! writer outside duty-desk would — the report and the desk's overview of random periods equal
//! the same ones read from the cases alone, both while those rows wait to be counted and after a
//! commit counted them, and the counts kept equal the counts summed again from scratch (what
//! the migration does).

use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use duty_desk::domain::office_time::{Period, PeriodKind};
use duty_desk::domain::stats::Dimension;
use duty_desk::domain::{AgreementForm, Category, Org, Policy, Source, Status, Tier};
use duty_desk::ingest::generate::generate;
use duty_desk::store::Store;
use proptest::prelude::*;
use tempfile::TempDir;

/// One random write, applied with plain SQL (every writer goes through the same logging
/// triggers).
#[derive(Debug, Clone)]
enum Write {
    /// Sets one column of a case (picked by index) to a value drawn from `v`.
    Set { case: usize, column: usize, v: i64 },
    /// Deletes a case (and its follow-ups).
    Delete { case: usize },
    /// Inserts a copy of a case under a new ref.
    Insert { case: usize },
    /// Sets a follow-up visit's due time or the time it was done (or not done).
    Visit { visit: usize, due: bool, v: i64 },
}

fn write() -> impl Strategy<Value = Write> {
    prop_oneof![
        6 => (0usize..400, 0usize..13, any::<i64>()).prop_map(|(case, column, v)| Write::Set { case, column, v }),
        1 => (0usize..400).prop_map(|case| Write::Delete { case }),
        1 => (0usize..400).prop_map(|case| Write::Insert { case }),
        2 => (0usize..400, any::<bool>(), any::<i64>()).prop_map(|(visit, due, v)| Write::Visit { visit, due, v }),
    ]
}

/// The office's midnight (16:00 UTC), a UTC midnight, or any second, in 2023.
fn time_of(v: i64) -> i64 {
    let base = Utc.with_ymd_and_hms(2023, 1, 1, 0, 0, 0).unwrap().timestamp();
    let day = v.rem_euclid(365);
    match v.rem_euclid(4) {
        0 => base + day * 86_400 - 8 * 3600,
        1 => base + day * 86_400,
        _ => base + v.rem_euclid(365 * 86_400),
    }
}

fn apply(store: &Store, conn: &rusqlite::Connection, w: &Write) {
    let ids: Vec<i64> = conn
        .prepare("SELECT id FROM cases ORDER BY id")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(|r| r.unwrap())
        .collect();
    let pick = |case: usize| ids.get(case % ids.len().max(1)).copied();
    match w {
        Write::Set { case, column, v } => {
            let Some(id) = pick(*case) else { return };
            let org = store.org().unwrap();
            let code = |all: &[&str]| all[v.rem_euclid(all.len() as i64) as usize].to_string();
            let (col, value): (&str, rusqlite::types::Value) = match column {
                0 => ("finished_at", if v % 5 == 0 { rusqlite::types::Value::Null } else { time_of(*v).into() }),
                1 => ("status", code(&Status::ALL.iter().map(|s| s.code()).collect::<Vec<_>>()).into()),
                2 => ("category", code(&Category::ALL.iter().map(|s| s.code()).collect::<Vec<_>>()).into()),
                3 => ("source", code(&Source::ALL.iter().map(|s| s.code()).collect::<Vec<_>>()).into()),
                4 => ("tier", code(&Tier::ALL.iter().map(|s| s.code()).collect::<Vec<_>>()).into()),
                5 => ("area_id", org.areas[v.rem_euclid(org.areas.len() as i64) as usize].id.into()),
                6 => ("committee_id", org.committees[v.rem_euclid(org.committees.len() as i64) as usize].id.into()),
                7 => (
                    "lead_mediator_id",
                    if v % 4 == 0 {
                        rusqlite::types::Value::Null
                    } else {
                        org.mediators[v.rem_euclid(org.mediators.len() as i64) as usize].id.into()
                    },
                ),
                8 => ("amount_fen", (v.rem_euclid(10_000_000)).into()),
                9 => (
                    "agreement",
                    match v.rem_euclid(3) {
                        0 => rusqlite::types::Value::Null,
                        1 => AgreementForm::Oral.code().to_string().into(),
                        _ => AgreementForm::Written.code().to_string().into(),
                    },
                ),
                10 => {
                    // Performed on the spot, some days after the finish, or never.
                    let f: Option<i64> =
                        conn.query_row("SELECT finished_at FROM cases WHERE id = ?1", [id], |r| r.get(0)).unwrap();
                    let value = match (f, v.rem_euclid(4)) {
                        (_, 0) | (None, _) => rusqlite::types::Value::Null,
                        (Some(f), 1) => f.into(),
                        (Some(f), _) => (f + v.rem_euclid(90 * 86_400)).into(),
                    };
                    ("performed_at", value)
                }
                11 => ("mediation_due", time_of(v.wrapping_add(7)).into()),
                _ => {
                    if v % 2 == 0 {
                        ("received_at", time_of(*v).into())
                    } else {
                        let r: i64 =
                            conn.query_row("SELECT received_at FROM cases WHERE id = ?1", [id], |r| r.get(0)).unwrap();
                        ("assigned_at", (r + v.rem_euclid(3 * 86_400)).into())
                    }
                }
            };
            let judicial = v % 3 == 0;
            conn.execute(&format!("UPDATE cases SET {col} = ?1 WHERE id = ?2"), rusqlite::params![value, id]).unwrap();
            if *column == 9 {
                conn.execute(
                    "UPDATE cases SET judicial_confirmation = ?1 WHERE id = ?2",
                    rusqlite::params![judicial, id],
                )
                .unwrap();
            }
        }
        Write::Delete { case } => {
            let Some(id) = pick(*case) else { return };
            let tx = conn.unchecked_transaction().unwrap();
            tx.execute("DELETE FROM followups WHERE case_id = ?1", [id]).unwrap();
            tx.execute("DELETE FROM changes WHERE case_id = ?1", [id]).ok();
            if tx.execute("DELETE FROM cases WHERE id = ?1", [id]).is_ok() {
                tx.commit().unwrap();
            }
        }
        Write::Visit { visit, due, v } => {
            let ids: Vec<i64> = conn
                .prepare("SELECT id FROM followups ORDER BY id")
                .unwrap()
                .query_map([], |r| r.get(0))
                .unwrap()
                .map(|r| r.unwrap())
                .collect();
            let Some(id) = ids.get(visit % ids.len().max(1)).copied() else { return };
            let value = if !due && v % 3 == 0 { rusqlite::types::Value::Null } else { time_of(*v).into() };
            let col = if *due { "due" } else { "done_at" };
            conn.execute(&format!("UPDATE followups SET {col} = ?1 WHERE id = ?2"), rusqlite::params![value, id])
                .unwrap();
        }
        Write::Insert { case } => {
            let Some(id) = pick(*case) else { return };
            let columns: Vec<String> = conn
                .prepare("SELECT name FROM pragma_table_info('cases') WHERE name NOT IN ('id', 'ref')")
                .unwrap()
                .query_map([], |r| r.get(0))
                .unwrap()
                .map(|r| r.unwrap())
                .collect();
            let columns = columns.join(", ");
            conn.execute(
                &format!("INSERT INTO cases (ref, {columns}) SELECT ref || '-copy-' || (SELECT max(id) FROM cases), {columns} FROM cases WHERE id = ?1"),
                [id],
            )
            .unwrap();
        }
    }
}

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2024, 1, 10, 0, 0, 0).unwrap()
}

/// A new database in `dir` with the demo organisation and 300 generated cases (`seed`), and a
/// second connection to it (the other program that writes around duty-desk).
fn filled_store(dir: &TempDir, seed: u64) -> (Store, rusqlite::Connection) {
    let path = dir.path().join("desk.db");
    let mut store = Store::create(&path).unwrap();
    let org: Org = serde_json::from_str(include_str!("../fixtures/demo-org.json")).unwrap();
    store.init_org(&org, &Policy::default(), Utc.with_ymd_and_hms(2021, 1, 1, 0, 0, 0).unwrap()).unwrap();
    fill(&mut store, 300, seed);
    let conn = rusqlite::Connection::open(&path).unwrap();
    (store, conn)
}

fn fill(store: &mut Store, n: usize, seed: u64) {
    let org = store.org().unwrap().clone();
    let policy = store.policy().clone();
    store
        .insert_generated(generate(&org, &policy, seed, n, now()).map(|g| (g.case, g.followups)), "test", now())
        .unwrap();
}

fn periods(days: &[(i64, i64)]) -> Vec<Period> {
    let d0 = NaiveDate::from_ymd_opt(2023, 1, 1).unwrap();
    let mut out = vec![
        Period::containing(PeriodKind::Year, d0),
        Period::containing(PeriodKind::Quarter, d0 + Duration::days(200)),
        Period::containing(PeriodKind::Month, d0 + Duration::days(40)),
        Period::containing(PeriodKind::Week, d0 + Duration::days(100)),
    ];
    for &(a, len) in days {
        let first = d0 + Duration::days(a);
        out.push(Period::range(first, first + Duration::days(len)).unwrap());
    }
    out
}

fn check(store: &Store, periods: &[Period]) -> Result<(), TestCaseError> {
    for &p in periods {
        let fast = store.report(p, &Dimension::ALL).unwrap();
        let slow = store.report_from_cases(p, &Dimension::ALL).unwrap();
        prop_assert_eq!(&fast, &slow, "period {}", p.code());
        let fast = store.overview(p).unwrap();
        let slow = store.overview_from_cases(p).unwrap();
        prop_assert_eq!(&fast, &slow, "overview {}", p.code());
    }
    Ok(())
}

/// The rows the logging triggers wrote that no commit has counted yet.
fn pending(conn: &rusqlite::Connection) -> i64 {
    conn.query_row(
        "SELECT (SELECT count(*) FROM stats_pending_cases) + (SELECT count(*) FROM stats_pending_visits)",
        [],
        |r| r.get(0),
    )
    .unwrap()
}

/// The counts' rows that are not all zero, in key order.
fn counts(conn: &rusqlite::Connection) -> Vec<Vec<rusqlite::types::Value>> {
    let mut stmt = conn
        .prepare(
            "SELECT * FROM stats_blocks WHERE n <> 0 OR mediated <> 0 OR successful <> 0 OR amount_fen <> 0 \
             OR oral <> 0 OR performed <> 0 OR judicial <> 0 OR withdrawn <> 0 OR over_clock <> 0 \
             ORDER BY dim, span, block, k1, k2, k3",
        )
        .unwrap();
    let n = stmt.column_count();
    stmt.query_map([], |r| (0..n).map(|i| r.get::<_, rusqlite::types::Value>(i)).collect())
        .unwrap()
        .map(|r| r.unwrap())
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 16, ..ProptestConfig::default() })]

    #[test]
    fn the_counts_agree_with_the_cases_over_random_writes(
        seed in any::<u64>(),
        writes in prop::collection::vec(write(), 0..60),
        days in prop::collection::vec((0i64..360, 0i64..120), 1..4),
    ) {
        let dir = TempDir::new().unwrap();
        let (mut store, conn) = filled_store(&dir, seed);
        let periods = periods(&days);
        check(&store, &periods)?;
        for w in &writes {
            apply(&store, &conn, w);
        }
        // Rows written outside duty-desk and not yet counted: the figures come from the cases.
        check(&store, &periods)?;
        // The next commit of a duty-desk write counts them.
        store.count_logged_rows().unwrap();
        prop_assert_eq!(pending(&conn), 0, "the commit counted every logged row");
        check(&store, &periods)?;
        // A second bulk insert (the generator sums its batch once, without the insert
        // triggers) onto counts already there.
        conn.execute("UPDATE cases SET ref = ref || '-first'", []).unwrap();
        fill(&mut store, 60, seed.wrapping_add(1));
        check(&store, &periods)?;
        let triggers: i64 = conn
            .query_row("SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'stats_%' \
                 AND tbl_name IN ('cases', 'followups')", [], |r| r.get(0))
            .unwrap();
        prop_assert_eq!(triggers, 6, "every statistics trigger is back after a bulk insert");
        apply(&store, &conn, &Write::Insert { case: 3 });
        check(&store, &periods)?;
        store.count_logged_rows().unwrap();
        check(&store, &periods)?;
        let kept = counts(&conn);
        store.rebuild_statistics_counts().unwrap();
        prop_assert_eq!(kept, counts(&conn), "the counts kept equal the counts summed from scratch");
    }
}

/// Amounts another program wrote that no sum can hold (two cases of `i64::MAX` fen finished on
/// the same day): duty-desk's writes still commit (the rows stay logged, uncounted), and the
/// report says what it cannot add up instead of panicking or printing a wrapped-around sum.
#[test]
fn amounts_too_large_to_add_up_stop_no_write_and_the_report_says_so() {
    let dir = TempDir::new().unwrap();
    let (mut store, conn) = filled_store(&dir, 7);
    let day = Utc.with_ymd_and_hms(2023, 6, 1, 2, 0, 0).unwrap().timestamp();
    conn.execute(
        "UPDATE cases SET amount_fen = ?1, finished_at = ?2, status = 'resolved' \
         WHERE id IN (SELECT id FROM cases WHERE finished_at IS NOT NULL ORDER BY id LIMIT 2)",
        rusqlite::params![i64::MAX, day],
    )
    .unwrap();
    assert!(pending(&conn) > 0);
    // A duty-desk write commits, whatever the logged rows hold.
    store.count_logged_rows().expect("a duty-desk commit is not stopped by rows it cannot count");
    let (open, lead): (String, Option<i64>) = conn
        .query_row(
            "SELECT ref, lead_mediator_id FROM cases WHERE status IN ('received', 'assigned', 'mediating') \
             ORDER BY id LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    let mediator = store.org().unwrap().mediators.iter().map(|m| m.id).find(|&m| Some(m) != lead).unwrap();
    store
        .assign(&open, mediator, duty_desk::store::Expect::Latest, true, now())
        .expect("an assignment commits beside rows that cannot be counted");
    let year = Period::containing(PeriodKind::Year, NaiveDate::from_ymd_opt(2023, 6, 1).unwrap());
    let err = store.report(year, &Dimension::ALL).expect_err("the sum does not fit");
    assert!(err.to_string().contains("add up to more than can be counted"), "{err}");
    // Put right, the rows are counted at the next commit and the figures agree again.
    conn.execute("UPDATE cases SET amount_fen = 100 WHERE amount_fen = ?1", [i64::MAX]).unwrap();
    store.count_logged_rows().unwrap();
    assert_eq!(pending(&conn), 0, "every row counted once the amounts fit");
    check(&store, &periods(&[(150, 3)])).unwrap();
}

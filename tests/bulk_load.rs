//! The generator's bulk load (issue 13: the generator at scale) sets the row triggers aside and
//! does their work once at the end (and, for a batch as large as the table, the indexes too): the
//! statistics counts it leaves equal the counts the triggers log row by row and a commit sums,
//! and every trigger and index is back afterwards.

use chrono::{TimeZone, Utc};
use duty_desk::domain::{Org, Policy};
use duty_desk::ingest::generate::generate;
use duty_desk::store::{stamp, Store};
use tempfile::TempDir;

type Row = Vec<rusqlite::types::Value>;

/// A new database at `path` with the demo organisation, and the organisation and policy it
/// stored (what the generator draws from).
fn demo_store(path: &std::path::Path, now: chrono::DateTime<Utc>) -> (Store, Org, Policy) {
    let mut store = Store::create(path).unwrap();
    let org: Org = serde_json::from_str(include_str!("../fixtures/demo-org.json")).unwrap();
    store.init_org(&org, &Policy::default(), now).unwrap();
    let (org, policy) = (store.org().unwrap().clone(), store.policy().clone());
    (store, org, policy)
}

fn counts(conn: &rusqlite::Connection) -> Vec<Row> {
    let mut stmt = conn
        .prepare(
            "SELECT dim, span, block, k1, k2, k3, n, mediated, successful, amount_fen, oral, performed, judicial, \
             withdrawn, over_clock FROM stats_blocks WHERE n <> 0 OR mediated <> 0 OR amount_fen <> 0 \
             OR performed <> 0 OR over_clock <> 0 ORDER BY dim, span, block, k1, k2, k3",
        )
        .unwrap();
    let rows = stmt
        .query_map([], |r| (0..15).map(|i| r.get::<_, rusqlite::types::Value>(i)).collect::<rusqlite::Result<Row>>());
    rows.unwrap().map(Result::unwrap).collect()
}

fn triggers(conn: &rusqlite::Connection) -> Vec<(String, String)> {
    schema(conn, "trigger")
}

fn indexes(conn: &rusqlite::Connection) -> Vec<(String, String)> {
    schema(conn, "index")
}

/// Every `kind` in the schema: name, table and SQL (NULL for a constraint's own index).
fn schema(conn: &rusqlite::Connection, kind: &str) -> Vec<(String, String)> {
    let mut stmt = conn
        .prepare("SELECT name, tbl_name || ': ' || coalesce(sql, '') FROM sqlite_schema WHERE type = ?1 ORDER BY name")
        .unwrap();
    let rows = stmt.query_map([kind], |r| Ok((r.get(0)?, r.get(1)?))).unwrap();
    rows.map(Result::unwrap).collect()
}

#[test]
fn a_bulk_load_into_a_file_nobody_else_has_open_leaves_the_counts_the_triggers_would_have_and_every_trigger_and_index_in_place(
) {
    load_and_compare(false);
}

#[test]
fn a_bulk_load_beside_an_open_reader_stays_in_wal_and_leaves_the_same() {
    load_and_compare(true);
}

/// Generates 3,000 cases into a new database (`reader`: with another connection open on it, so
/// the load stays in WAL mode) and compares what it left with what the triggers build.
fn load_and_compare(reader: bool) {
    let dir = TempDir::new().unwrap();
    let path = dir.path().join("bulk.db");
    let now = Utc.with_ymd_and_hms(2026, 11, 20, 6, 30, 0).unwrap();
    let before = {
        let (mut store, org, policy) = demo_store(&path, now);
        let conn = rusqlite::Connection::open(&path).unwrap();
        let before = (triggers(&conn), indexes(&conn));
        assert!(before.1.iter().any(|(name, _)| name == "cases_stats"), "the cases' indexes are there");
        let open = if reader { Some(conn) } else { None };
        assert!(stamp::trusted(&path, Utc::now()), "the new file was checked and stamped");
        let cases = generate(&org, &policy, 7, 3_000, now).map(|g| (g.case, g.followups));
        assert_eq!(store.insert_generated(cases, "bulk test", now).unwrap(), 3_000);
        if let Some(conn) = open {
            let n: i64 = conn.query_row("SELECT count(*) FROM cases", [], |r| r.get(0)).unwrap();
            assert_eq!(n, 3_000, "the reader sees the load once it is committed");
        }
        before
    };
    assert!(stamp::trusted(&path, Utc::now()), "the load is the database's own write: still stamped");
    for side in ["-wal", "-shm"] {
        let mut p = path.clone().into_os_string();
        p.push(side);
        assert!(std::path::Path::new(&p).exists(), "{side} is kept for read-only desks");
    }
    let conn = rusqlite::Connection::open(&path).unwrap();
    let mode: String = conn.query_row("PRAGMA journal_mode", [], |r| r.get(0)).unwrap();
    assert_eq!(mode, "wal", "the database is back in WAL mode");
    assert_eq!(triggers(&conn), before.0, "every trigger is back, as it was");
    assert_eq!(indexes(&conn), before.1, "every index is back, as it was");
    assert_eq!(
        conn.query_row("PRAGMA integrity_check", [], |r| r.get::<_, String>(0)).unwrap(),
        "ok",
        "the indexes rebuilt hold every row"
    );
    let bulk = counts(&conn);
    assert!(bulk.len() > 100, "the load was counted: {} rows", bulk.len());

    // The same rows again, one by one through the triggers.
    conn.execute_batch(
        "CREATE TEMP TABLE c AS SELECT * FROM cases; CREATE TEMP TABLE f AS SELECT * FROM followups;
         DELETE FROM followups; DELETE FROM cases;
         DELETE FROM stats_blocks; DELETE FROM stats_pending_cases; DELETE FROM stats_pending_visits;
         INSERT INTO cases SELECT * FROM temp.c; INSERT INTO followups SELECT * FROM temp.f;",
    )
    .unwrap();
    Store::open(&path, false).unwrap().count_logged_rows().unwrap();
    assert_eq!(counts(&conn), bulk, "the bulk load's counts differ from the triggers' row by row");
}

#[test]
fn a_second_load_into_a_database_with_cases_adds_its_counts_to_those_already_there() {
    // A batch smaller than the table keeps the indexes in place and adds its counts onto rows
    // the first load left (the same blocks and keys): the sums must equal a recount by the
    // triggers, row by row.
    let dir = TempDir::new().unwrap();
    let path = dir.path().join("twice.db");
    let now = Utc.with_ymd_and_hms(2026, 11, 20, 6, 30, 0).unwrap();
    {
        let (mut store, org, policy) = demo_store(&path, now);
        let first = generate(&org, &policy, 3, 2_000, now).map(|g| (g.case, g.followups));
        assert_eq!(store.insert_generated(first, "first", now).unwrap(), 2_000);
        // Other refs (another city code), the same days and keys.
        let mut org2 = org.clone();
        org2.city_code = "WX".to_string();
        let second = generate(&org2, &policy, 4, 1_500, now).map(|g| (g.case, g.followups));
        assert_eq!(store.insert_generated(second, "second", now).unwrap(), 1_500);
    }
    let conn = rusqlite::Connection::open(&path).unwrap();
    assert_eq!(conn.query_row("PRAGMA integrity_check", [], |r| r.get::<_, String>(0)).unwrap(), "ok");
    let bulk = counts(&conn);
    conn.execute_batch(
        "CREATE TEMP TABLE c AS SELECT * FROM cases; CREATE TEMP TABLE f AS SELECT * FROM followups;
         DELETE FROM followups; DELETE FROM cases;
         DELETE FROM stats_blocks; DELETE FROM stats_pending_cases; DELETE FROM stats_pending_visits;
         INSERT INTO cases SELECT * FROM temp.c; INSERT INTO followups SELECT * FROM temp.f;",
    )
    .unwrap();
    Store::open(&path, false).unwrap().count_logged_rows().unwrap();
    assert_eq!(counts(&conn), bulk, "two loads' counts differ from the triggers' row by row");
}

#[test]
fn a_case_whose_committee_does_not_exist_is_refused_as_the_foreign_key_would_and_nothing_is_loaded() {
    // The load checks the cases' foreign keys itself (SQLite's enforcement is off while it runs):
    // a case naming a committee that is not there fails the whole load, as it did before.
    let dir = TempDir::new().unwrap();
    let path = dir.path().join("fk.db");
    let now = Utc.with_ymd_and_hms(2026, 11, 20, 6, 30, 0).unwrap();
    let (mut store, org, policy) = demo_store(&path, now);
    let mut cases: Vec<_> = generate(&org, &policy, 5, 500, now).map(|g| (g.case, g.followups)).collect();
    cases[250].0.committee_id = 999_999;
    let err = store.insert_generated(cases.clone().into_iter(), "bad", now).unwrap_err();
    assert!(format!("{err}").contains("FOREIGN KEY"), "{err}");
    assert!(!files_in(&dir).iter().any(|n| n.contains("bulk")), "no scratch file left: {:?}", files_in(&dir));
    let conn = rusqlite::Connection::open(&path).unwrap();
    let n: i64 = conn.query_row("SELECT count(*) FROM cases", [], |r| r.get(0)).unwrap();
    assert_eq!(n, 0, "nothing of the refused load is there");
    let stats: i64 = conn.query_row("SELECT count(*) FROM stats_blocks", [], |r| r.get(0)).unwrap();
    assert_eq!(stats, 0, "nor any of its counts");
    drop(conn);
    // The store's own foreign keys are enforced again afterwards, and a good load goes in.
    cases[250].0.committee_id = cases[249].0.committee_id;
    cases[250].0.tier = cases[249].0.tier;
    assert_eq!(store.insert_generated(cases.into_iter(), "good", now).unwrap(), 500);
    let conn = rusqlite::Connection::open(&path).unwrap();
    let bad: i64 = conn.query_row("SELECT count(*) FROM pragma_foreign_key_check", [], |r| r.get(0)).unwrap();
    assert_eq!(bad, 0);
}

/// The files in `dir`, by name.
fn files_in(dir: &TempDir) -> Vec<String> {
    let mut names: Vec<String> =
        std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    names.sort();
    names
}

#[test]
fn a_new_files_follow_ups_built_in_a_scratch_file_are_exactly_those_generated_and_the_file_is_gone() {
    // A load into an empty follow-ups table builds them on a second connection in a scratch file
    // beside the database and copies them in (store::bulk::Scratch): the same rows, ids and
    // cases as a plain load writes (1, 2, ... in generated order, each naming its case), every
    // index holding them, and no scratch file left.
    let dir = TempDir::new().unwrap();
    let path = dir.path().join("scratch.db");
    let now = Utc.with_ymd_and_hms(2026, 11, 20, 6, 30, 0).unwrap();
    let (mut store, org, policy) = demo_store(&path, now);
    let generated: Vec<_> = generate(&org, &policy, 11, 2_500, now).map(|g| (g.case, g.followups)).collect();
    assert_eq!(store.insert_generated(generated.clone().into_iter(), "scratch", now).unwrap(), 2_500);
    drop(store);
    assert!(!files_in(&dir).iter().any(|n| n.contains("bulk")), "no scratch file left: {:?}", files_in(&dir));

    type Visit = (i64, i64, i64, Option<i64>, Option<String>, Option<String>, String);
    let expected: Vec<Visit> = generated
        .iter()
        .enumerate()
        .flat_map(|(i, (_, fs))| fs.iter().map(move |f| (i as i64 + 1, f)))
        .enumerate()
        .map(|(j, (case_id, f))| {
            (
                j as i64 + 1,
                case_id,
                f.due.timestamp(),
                f.done_at.map(|t| t.timestamp()),
                f.channel.map(|c| c.code().to_string()),
                f.outcome.map(|o| o.code().to_string()),
                f.note.clone(),
            )
        })
        .collect();
    assert!(expected.len() > 1_000, "the load had follow-ups: {}", expected.len());
    let conn = rusqlite::Connection::open(&path).unwrap();
    let stored: Vec<Visit> = conn
        .prepare("SELECT id, case_id, due, done_at, channel, outcome, note FROM followups ORDER BY id")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?, r.get(6)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert!(stored == expected, "the follow-ups differ from those generated");
    let refs: Vec<(i64, String)> = conn
        .prepare("SELECT id, ref FROM cases ORDER BY id")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    let want: Vec<(i64, String)> =
        generated.iter().enumerate().map(|(i, (c, _))| (i as i64 + 1, c.reference.clone())).collect();
    assert_eq!(refs, want, "the cases got the ids their follow-ups name");
    assert_eq!(conn.query_row("PRAGMA integrity_check", [], |r| r.get::<_, String>(0)).unwrap(), "ok");
    let bad: i64 = conn.query_row("SELECT count(*) FROM pragma_foreign_key_check", [], |r| r.get(0)).unwrap();
    assert_eq!(bad, 0);
}

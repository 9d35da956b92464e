//! Every CLI write refuses a database that fails its quick check (issue 12, item 14), without a
//! `check` run first: a page in the middle of a real database file is overwritten, then each kind
//! of write runs against it and must exit 1 with a clear error, leaving the file's bytes as
//! they were.

mod common;

use std::path::Path;

use common::{just_now, open_ro, record, Db};

/// The database and write-ahead log bytes (what a write would change).
fn snapshot(db: &Path) -> (Vec<u8>, Vec<u8>) {
    let mut wal = db.as_os_str().to_owned();
    wal.push("-wal");
    (std::fs::read(db).unwrap(), std::fs::read(wal).unwrap_or_default())
}

fn one(db: &Db, sql: &str) -> String {
    open_ro(&db.path).query_row(sql, [], |r| r.get(0)).unwrap_or_else(|e| panic!("{sql}: {e}"))
}

#[test]
fn every_kind_of_cli_write_refuses_a_database_with_a_damaged_page() {
    let db = Db::demo(400);
    // Cases in the states the writes below need, read while the file is healthy.
    let add = |name: &str| {
        let (code, out, err) = db.run_with_stdin(&["add", "--json", "-"], &record(&just_now(), name).to_string());
        assert_eq!(code, 0, "{err}");
        let v: serde_json::Value = serde_json::from_str(&out).unwrap();
        v["ref"].as_str().unwrap().to_string()
    };
    let received = add("张三");
    let assigned = add("李四");
    let lead = one(
        &db,
        &format!(
            "SELECT m.name FROM mediators m JOIN mediator_committees mc ON mc.mediator_id = m.id \
             JOIN cases c ON c.committee_id = mc.committee_id WHERE c.ref = '{assigned}' ORDER BY m.id LIMIT 1"
        ),
    );
    db.ok(&["assign", &assigned, &lead, "--force"]);
    // A case in mediation made here: whether the generated history holds one depends on the
    // hour the demo is generated (it ends at the current time).
    let mediating = add("王五");
    db.ok(&["assign", &mediating, &lead, "--force"]);
    db.ok(&["mediate", &mediating, "--place", "村委会"]);
    let visited = one(
        &db,
        "SELECT c.ref FROM cases c WHERE c.status = 'resolved' AND EXISTS \
         (SELECT 1 FROM followups f WHERE f.case_id = c.id AND f.done_at IS NULL) ORDER BY c.id LIMIT 1",
    );
    let mediator = one(&db, "SELECT name FROM mediators ORDER BY id LIMIT 1");
    let committee = one(&db, "SELECT code FROM committees WHERE kind <> 'geographic' ORDER BY id LIMIT 1");
    let import = db.file("more.jsonl", format!("{}\n", record(&just_now(), "导入")).as_bytes());
    let backup = db.dir.path().join("copy.db");
    {
        let conn = rusqlite::Connection::open(&db.path).unwrap();
        conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(())).unwrap();
    }
    // The followups leaf page nearest the middle of the file: 40 bytes of its header overwritten.
    let pages: Vec<i64> = {
        let conn = open_ro(&db.path);
        let mut stmt =
            conn.prepare("SELECT pageno FROM dbstat WHERE name = 'followups' AND pagetype = 'leaf'").unwrap();
        stmt.query_map([], |r| r.get(0)).unwrap().map(Result::unwrap).collect()
    };
    let total = i64::try_from(std::fs::metadata(&db.path).unwrap().len() / 4096).unwrap();
    let page = *pages.iter().min_by_key(|p| (**p - total / 2).abs()).unwrap();
    assert!(page > 1, "not the header page");
    let mut bytes = std::fs::read(&db.path).unwrap();
    let at = usize::try_from(page - 1).unwrap() * 4096;
    bytes[at..at + 40].fill(0xff);
    std::fs::write(&db.path, &bytes).unwrap();
    let before = snapshot(&db.path);
    let mark = db.dir.path().join("desk.db.damaged");

    let writes: Vec<(&str, Vec<String>, Option<String>)> = vec![
        ("add", vec!["add".into(), "--json".into(), "-".into()], Some(record(&just_now(), "王五").to_string())),
        ("import", vec!["import".into(), import.display().to_string()], None),
        ("assign", vec!["assign".into(), received.clone(), mediator.clone(), "--force".into()], None),
        ("escalate", vec!["escalate".into(), received.clone(), "--reason".into(), "升级".into()], None),
        ("transfer", vec!["transfer".into(), received.clone(), committee], None),
        ("mediate", vec!["mediate".into(), assigned.clone(), "--place".into(), "村委会".into()], None),
        ("arrive", vec!["arrive".into(), assigned], None),
        ("withdraw", vec!["withdraw".into(), mediating.clone()], None),
        (
            "extend",
            vec!["extend".into(), mediating.clone(), "--consent".into(), "parties".into(), "--days".into(), "5".into()],
            None,
        ),
        ("followup", vec!["followup".into(), visited.clone(), "--outcome".into(), "performed".into()], None),
        ("close", vec!["close".into(), visited.clone()], None),
        ("duty", vec!["duty".into(), mediator.clone(), "off".into()], None),
        ("show --reveal", vec!["show".into(), visited, "--reveal".into()], None),
        ("backup", vec!["backup".into(), backup.display().to_string()], None),
    ];
    for (name, args, stdin) in &writes {
        // No mark from an earlier refusal: each write finds the damage by its own quick check.
        let _ = std::fs::remove_file(&mark);
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let (code, out, err) = db.run_with_stdin(&args, stdin.as_deref().unwrap_or(""));
        assert_eq!(code, 1, "{name} on a damaged database: exit 1 (stdout {out:?}, stderr {err:?})");
        assert!(
            err.contains("failed its quick check") && err.contains("nothing was changed"),
            "{name}: a clear error: {err}"
        );
        assert!(snapshot(&db.path) == before, "{name} changed the database file");
        assert!(mark.exists(), "{name}: the damage is marked for the other processes");
    }
    assert!(!backup.exists(), "no copy of a damaged database is written");
    // Once marked, every process refuses at once, saying where the problems are listed.
    let (code, _, err) = db.run(&["duty", &mediator, "off"]);
    assert_eq!(code, 1);
    assert!(err.contains("failed an integrity check"), "{err}");
    assert!(snapshot(&db.path) == before);
}

/// The stamp line's file state (everything but the check time) and the check time.
fn stamp_of(db: &Path) -> Option<(String, String)> {
    let mut p = db.as_os_str().to_owned();
    p.push(".checked");
    let text = std::fs::read_to_string(p).ok()?;
    let words: Vec<&str> = text.split_whitespace().collect();
    Some((words[1..8].join(" "), words[8].to_string()))
}

/// The database file's state as the stamp writes it.
fn file_state(db: &Path) -> String {
    use std::os::unix::fs::MetadataExt;
    let m = std::fs::metadata(db).unwrap();
    format!("{} {} {} {} {} {} {}", m.dev(), m.ino(), m.size(), m.mtime(), m.mtime_nsec(), m.ctime(), m.ctime_nsec())
}

#[test]
fn a_passing_check_is_stamped_for_the_next_writes_and_a_file_changed_behind_its_back_is_checked_again() {
    let db = Db::demo(50);
    db.ok(&["duty", "1", "off"]);
    let (state, checked_at) = stamp_of(&db.path).expect("a write leaves the checked stamp");
    assert_eq!(state, file_state(&db.path), "the stamp describes the file as the write left it");
    // The next write trusts it and leaves it vouching for the file, with the same check time.
    db.ok(&["duty", "1", "on"]);
    let (state2, checked_at2) = stamp_of(&db.path).unwrap();
    assert_eq!(state2, file_state(&db.path));
    assert_eq!(checked_at2, checked_at, "no new check: the stamp vouched for the file");
    // Another program rewrites the file (same bytes): the stamp no longer matches, so the next
    // write checks the file again before writing, and stamps what it checked.
    {
        let conn = rusqlite::Connection::open(&db.path).unwrap();
        conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(())).unwrap();
    }
    let bytes = std::fs::read(&db.path).unwrap();
    // File times tick coarsely (a few ms): rewrite until the times show it.
    for _ in 0..1000 {
        std::fs::write(&db.path, &bytes).unwrap();
        if stamp_of(&db.path).unwrap().0 != file_state(&db.path) {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(1));
    }
    assert_ne!(stamp_of(&db.path).unwrap().0, file_state(&db.path), "the rewrite left the stamp behind");
    db.ok(&["duty", "1", "off"]);
    assert_eq!(stamp_of(&db.path).unwrap().0, file_state(&db.path), "checked and stamped again");
}

#[test]
fn a_passing_full_check_stamps_the_file_so_the_next_write_need_not_check_it_again() {
    let db = Db::demo(50);
    db.ok(&["duty", "1", "off"]);
    // The file changes behind the stamp's back (a copy, a restore): nothing vouches for it.
    let mut stamp = db.path.as_os_str().to_owned();
    stamp.push(".checked");
    std::fs::remove_file(&stamp).unwrap();
    // `check` reads every page (integrity and foreign keys): a pass vouches for the file as it
    // is, as a write's quick check would (README "Upgrades": run `check` once before the desks
    // open; the first write then does not read the whole file again).
    db.ok(&["check"]);
    let (state, _) = stamp_of(&db.path).expect("a passing check leaves the checked stamp");
    assert_eq!(state, file_state(&db.path));
}

#[test]
fn a_freshly_generated_file_is_vouched_for_as_the_load_left_it() {
    // The demo's bulk load runs under the rollback journal and goes back to WAL: the check it
    // made of the file stays valid only if the stamp follows the file through that switch.
    // Otherwise the next process's first write reads the whole file again (minutes at 10M).
    let db = Db::demo(300);
    let (state, _) = stamp_of(&db.path).expect("the generated file is stamped");
    assert_eq!(state, file_state(&db.path), "the stamp describes the file as the load left it");
}

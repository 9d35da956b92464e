//! Large imports share the database (issue 12, item 8; `store::staging`): real processes on a
//! real SQLite file.
//!
//! - while an import of a large file runs, other processes' writes commit between its batches
//!   (an `add` lands between the import's first and last case), and afterwards every imported
//!   case is there, the import `published`, nothing left staged;
//! - a bad record at the end of a large file publishes nothing (the staged rows are removed);
//! - a CLI write that waits for the lock says so on stderr, then commits;
//! - an import killed while publishing is reported by `check` and finished by `check --repair`;
//!   one killed while staging is reported, and the next import removes its rows.
//!
//! The row count is `DUTY_DESK_IMPORT_ROWS` (default 40,000, which keeps each test well under a
//! minute in a debug build; the issue's million works too, given the time).

mod common;

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command as StdCommand, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use common::{just_now, open_ro, record, Db};

fn rows() -> usize {
    std::env::var("DUTY_DESK_IMPORT_ROWS").ok().and_then(|s| s.parse().ok()).unwrap_or(40_000)
}

/// Writes `n` valid JSON Lines records (applicants `导入{i}`), then `tail` as the last line.
fn write_jsonl(db: &Db, name: &str, n: usize, tail: Option<&str>) -> PathBuf {
    let path = db.dir.path().join(name);
    let mut f = std::io::BufWriter::new(std::fs::File::create(&path).unwrap());
    let now = just_now();
    let mut r = record(&now, "x");
    r["risk_flags"] = "".into();
    r["risk_level"] = "none".into();
    for i in 0..n {
        r["applicant_name"] = format!("导入{i}").into();
        r["summary"] = format!("楼上漏水纠纷 第{i}件").into();
        writeln!(f, "{r}").unwrap();
    }
    if let Some(t) = tail {
        writeln!(f, "{t}").unwrap();
    }
    f.flush().unwrap();
    path
}

fn bin(db: &Path) -> StdCommand {
    let mut c = StdCommand::new(assert_cmd::cargo::cargo_bin("duty-desk"));
    c.env_remove("DUTY_DESK_DB").env("LANG", "C").env_remove("LC_ALL").env_remove("LC_MESSAGES");
    c.arg("--db").arg(db);
    c
}

/// Starts `import --progress FILE` with stderr piped.
fn start_import(db: &Db, file: &Path) -> Child {
    let mut c = bin(&db.path);
    c.arg("import").arg("--progress").arg(file);
    c.stdin(Stdio::null()).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap()
}

/// (count, state, staged, published) of the imports row for `source`, and staged rows left.
fn import_row(db: &Db, source: &str) -> (String, i64, i64, i64) {
    let conn = open_ro(&db.path);
    let (state, staged, published): (String, i64, i64) = conn
        .query_row(
            "SELECT state, staged, published FROM imports WHERE source LIKE '%' || ?1 ORDER BY id DESC LIMIT 1",
            [source],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .unwrap();
    let left: i64 = conn.query_row("SELECT count(*) FROM import_rows", [], |r| r.get(0)).unwrap();
    (state, staged, published, left)
}

fn imported_cases(db: &Db) -> i64 {
    open_ro(&db.path)
        .query_row("SELECT count(*) FROM cases WHERE applicant_name LIKE '导入%'", [], |r| r.get(0))
        .unwrap()
}

#[test]
fn writers_commit_between_the_batches_of_a_large_import() {
    let db = Db::demo(20);
    let n = rows();
    let file = write_jsonl(&db, "big.jsonl", n, None);
    let mut import = start_import(&db, &file);
    let stderr = import.stderr.take().unwrap();
    let progress = std::thread::spawn(move || BufReader::new(stderr).lines().map_while(Result::ok).collect::<Vec<_>>());
    // Two writers add cases in a loop until the import is over.
    let done = Arc::new(AtomicBool::new(false));
    let writers: Vec<_> = (0..2)
        .map(|w| {
            let (done, path) = (done.clone(), db.path.clone());
            std::thread::spawn(move || {
                let mut codes = Vec::new();
                let mut i = 0;
                while !done.load(Ordering::SeqCst) {
                    let mut c = bin(&path);
                    c.args(["add", "--json", "-"]).stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped());
                    let mut child = c.spawn().unwrap();
                    let rec = record(&just_now(), &format!("并发{w}-{i}"));
                    child.stdin.take().unwrap().write_all(rec.to_string().as_bytes()).unwrap();
                    let out = child.wait_with_output().unwrap();
                    codes.push((out.status.code(), String::from_utf8_lossy(&out.stderr).into_owned()));
                    i += 1;
                }
                codes
            })
        })
        .collect();
    let status = import.wait().unwrap();
    done.store(true, Ordering::SeqCst);
    let progress = progress.join().unwrap();
    let mut out = String::new();
    std::io::Read::read_to_string(&mut import.stdout.take().unwrap(), &mut out).unwrap();
    assert!(status.success(), "import failed: {}", progress.join("\n"));
    assert!(out.contains(&format!("imported {n} case(s)")), "{out}");
    assert!(progress.iter().any(|l| l.contains("staged")), "progress shows rows staged: {progress:?}");
    assert!(progress.iter().any(|l| l.contains(&format!("{n} of {n} case(s) published"))), "{progress:?}");
    for w in writers {
        for (code, err) in w.join().unwrap() {
            assert_eq!(code, Some(0), "a write during the import failed: {err}");
        }
    }

    // Every imported case is there, once, with its audit event; nothing is left staged.
    assert_eq!(imported_cases(&db), i64::try_from(n).unwrap());
    let (state, staged, published, left) = import_row(&db, "big.jsonl");
    assert_eq!((state.as_str(), staged, published, left), ("published", n as i64, n as i64, 0));
    let conn = open_ro(&db.path);
    let (events, first, last): (i64, i64, i64) = conn
        .query_row("SELECT count(*), min(id), max(id) FROM audit WHERE action = 'import'", [], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?))
        })
        .unwrap();
    assert_eq!(events, n as i64);
    // Refs in file order: the applicant numbers rise with the refs.
    let out_of_order: i64 = conn
        .query_row(
            "SELECT count(*) FROM (SELECT applicant_name AS a, lag(applicant_name) OVER (ORDER BY ref) AS p \
             FROM cases WHERE applicant_name LIKE '导入%') \
             WHERE p IS NOT NULL AND CAST(substr(a, 3) AS INTEGER) <= CAST(substr(p, 3) AS INTEGER)",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(out_of_order, 0, "refs follow the file's order");
    // The point: some write committed while the import was publishing, between its first and its
    // last case (one long transaction would make the import's events one unbroken run).
    let between: i64 = conn
        .query_row("SELECT count(*) FROM audit WHERE action = 'add' AND id > ?1 AND id < ?2", [first, last], |r| {
            r.get(0)
        })
        .unwrap();
    assert!(between > 0, "no write committed between the import's first case (audit {first}) and its last ({last})");
    assert_eq!(conn.query_row("PRAGMA integrity_check", [], |r| r.get::<_, String>(0)).unwrap(), "ok");
}

#[test]
fn a_bad_record_at_the_end_of_a_large_file_publishes_nothing() {
    let db = Db::demo(20);
    let before = db.case_count();
    let n = rows().min(12_000);
    let file = write_jsonl(&db, "bad-end.jsonl", n, Some(r#"{"received_at": "not a time"}"#));
    let (code, out, err) = db.run(&["import", "--progress", file.to_str().unwrap()]);
    assert_eq!(code, 1, "{out}{err}");
    assert!(err.contains(&format!("line {}", n + 1)), "the error names the last line: {err}");
    assert!(err.contains("nothing was imported"), "{err}");
    assert!(err.contains("staged"), "rows were staged before the bad one was read: {err}");
    assert_eq!(db.case_count(), before, "nothing was published");
    let (state, staged, published, left) = import_row(&db, "bad-end.jsonl");
    assert_eq!((state.as_str(), published, left), ("abandoned", 0, 0), "staged {staged}");
    assert!(staged > 0);
    let (code, _, err) = db.run(&["check"]);
    assert_eq!(code, 0, "{err}");
}

/// Starts an import and kills it (SIGKILL) once its progress shows `word`.
fn kill_import_at(db: &Db, file: &Path, word: &str) {
    let mut import = start_import(db, file);
    let mut lines = BufReader::new(import.stderr.take().unwrap()).lines();
    let seen = lines.by_ref().map_while(Result::ok).any(|l| l.contains(word));
    assert!(seen, "the import never showed {word:?}");
    import.kill().unwrap();
    import.wait().unwrap();
}

#[test]
fn an_import_killed_while_publishing_is_reported_and_finished_by_check_repair() {
    let db = Db::demo(20);
    let n = rows().min(30_000);
    let file = write_jsonl(&db, "killed.jsonl", n, None);
    kill_import_at(&db, &file, "published");
    let (state, staged, published, _) = import_row(&db, "killed.jsonl");
    assert_eq!((state.as_str(), staged), ("publishing", n as i64));
    assert!(published > 0 && published < n as i64, "killed midway: {published} of {n}");

    let (code, _, err) = db.run(&["check"]);
    assert_eq!(code, 1, "check reports the stopped import: {err}");
    assert!(err.contains("stopped while publishing") && err.contains("check --repair"), "{err}");
    let (code, out, err) = db.run(&["check", "--repair"]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("the rest was published"), "{out}");
    assert_eq!(imported_cases(&db), n as i64);
    let (state, _, published, left) = import_row(&db, "killed.jsonl");
    assert_eq!((state.as_str(), published, left), ("published", n as i64, 0));
    let refs: i64 = open_ro(&db.path)
        .query_row("SELECT count(DISTINCT ref) FROM cases WHERE applicant_name LIKE '导入%'", [], |r| r.get(0))
        .unwrap();
    assert_eq!(refs, n as i64);
    let (code, _, err) = db.run(&["check"]);
    assert_eq!(code, 0, "{err}");
}

#[test]
fn an_import_killed_while_staging_publishes_nothing_and_the_next_import_cleans_up() {
    let db = Db::demo(20);
    let before = db.case_count();
    let n = rows().min(30_000);
    let file = write_jsonl(&db, "staged.jsonl", n, None);
    kill_import_at(&db, &file, "staged");
    let (state, staged, _, left) = import_row(&db, "staged.jsonl");
    assert_eq!(state, "staging");
    assert!(staged > 0 && left == staged, "{staged} staged, {left} rows");
    assert_eq!(db.case_count(), before, "nothing is visible");
    let (code, _, err) = db.run(&["check"]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("stopped before publishing"), "{err}");

    let small = write_jsonl(&db, "small.jsonl", 3, None);
    let (code, out, err) = db.run(&["import", small.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("imported 3 case(s)"), "{out}");
    assert!(err.contains("stopped before publishing"), "the import says what it cleaned: {err}");
    let (state, _, published, left) = import_row(&db, "staged.jsonl");
    assert_eq!((state.as_str(), published, left), ("abandoned", 0, 0));
    assert_eq!(db.case_count(), before + 3);
    let (code, _, err) = db.run(&["check"]);
    assert_eq!(code, 0, "{err}");
}

#[test]
fn a_cli_write_that_waits_for_the_lock_says_so_then_commits() {
    let db = Db::demo(20);
    let before = db.case_count();
    let conn = rusqlite::Connection::open(&db.path).unwrap();
    conn.execute_batch("BEGIN IMMEDIATE").unwrap();
    let mut c = bin(&db.path);
    c.args(["add", "--json", "-"]).stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped());
    let mut child = c.spawn().unwrap();
    child.stdin.take().unwrap().write_all(record(&just_now(), "等锁").to_string().as_bytes()).unwrap();
    // The lock is held until the waiting command has said that it waits.
    let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
    let said = lines.by_ref().map_while(Result::ok).any(|l| l.contains("waiting for the database"));
    conn.execute_batch("COMMIT").unwrap();
    assert!(said, "the waiting write said nothing");
    assert!(child.wait().unwrap().success());
    assert_eq!(db.case_count(), before + 1);
}

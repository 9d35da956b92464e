//! Crashes and hostile files (issue 4, item 2): `kill -9` of an import and of a desk mid-write,
//! processes migrating or initialising the same file at once, databases from a newer duty-desk
//! or corrupt files, and an online backup while writers run. Real binary, real SQLite files in
//! temp dirs, every check made directly with rusqlite.

mod common;
#[path = "common/pty.rs"]
mod pty;

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread;
use std::time::{Duration, Instant};

use duty_desk::store::schema::{migration_sql, SCHEMA_VERSION};
use rand::{Rng, RngCore, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rusqlite::Connection;
use tempfile::TempDir;

use common::column;
use pty::{base_env, lists_load, Desk};

fn cli(db: &Path, args: &[&str]) -> Command {
    let mut c = Command::new(assert_cmd::cargo::cargo_bin("duty-desk"));
    c.env_remove("DUTY_DESK_DB").env_remove("LC_ALL").env_remove("LC_MESSAGES").env("LANG", "C");
    c.arg("--db").arg(db).args(args);
    c.stdin(Stdio::null()).stdout(Stdio::piped()).stderr(Stdio::piped());
    c
}

fn run(db: &Path, args: &[&str]) -> (i32, String, String) {
    let out = cli(db, args).output().unwrap();
    split(out)
}

fn split(out: Output) -> (i32, String, String) {
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn ok(db: &Path, args: &[&str]) -> String {
    let (code, stdout, stderr) = run(db, args);
    assert_eq!(code, 0, "{args:?} failed: {stderr}");
    stdout
}

/// A demo database (`demo --no-tui --cases N`) in `dir`.
fn demo(dir: &Path, name: &str, cases: usize) -> PathBuf {
    let db = dir.join(name);
    ok(&db, &["demo", "--no-tui", "--cases", &cases.to_string()]);
    db
}

fn integrity(conn: &Connection) -> String {
    conn.query_row("PRAGMA integrity_check", [], |r| r.get(0)).unwrap()
}

fn count(conn: &Connection, sql: &str) -> i64 {
    conn.query_row(sql, [], |r| r.get(0)).unwrap()
}

/// `duty-desk check` exits 0, and so do SQLite's own checks.
fn assert_healthy(db: &Path) {
    let conn = Connection::open(db).unwrap();
    assert_eq!(integrity(&conn), "ok", "{}", db.display());
    assert_eq!(count(&conn, "SELECT count(*) FROM pragma_foreign_key_check"), 0, "{}", db.display());
    drop(conn);
    let (code, stdout, stderr) = run(db, &["check"]);
    assert_eq!(code, 0, "check on {}: {stderr}", db.display());
    assert!(stdout.starts_with("ok"), "{stdout}");
}

fn villages(db: &Path) -> Vec<String> {
    let conn = Connection::open(db).unwrap();
    let mut stmt = conn.prepare("SELECT code FROM areas WHERE level = 'village' ORDER BY id").unwrap();
    stmt.query_map([], |r| r.get(0)).unwrap().collect::<Result<_, _>>().unwrap()
}

/// A fresh seed for the random moments (printed by each test; `CRASH_SEED=N` repeats a run).
fn seed() -> u64 {
    std::env::var("CRASH_SEED").ok().and_then(|s| s.parse().ok()).unwrap_or_else(|| {
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos() as u64
    })
}

fn no_panic(stderr: &str) {
    assert!(!stderr.contains("panicked"), "a panic: {stderr}");
}

const IMPORT_ROWS: usize = 200_000;
const IMPORT_YEAR: i64 = 2025;

/// 200,000 valid CSV rows, varied in category, source, complexity, risk and area, all received
/// in 2025 (so their refs are `WH-2025-…`).
fn big_csv(villages: &[String]) -> String {
    const CATEGORIES: [&str; 6] = ["neighbour", "marriage_family", "contract", "damages", "housing_homestead", "other"];
    const SOURCES: [&str; 4] = ["walk_in", "phone", "grid_report", "screening"];
    const COMPLEXITY: [&str; 3] = ["simple", "general", "major"];
    const RISK: [&str; 3] = ["none", "none", "yellow"];
    let mut csv = String::with_capacity(IMPORT_ROWS * 140);
    csv.push_str(
        "received_at,source,category,applicant_name,applicant_phone,respondent_name,summary,amount_fen,area,\
         complexity,risk_level\n",
    );
    for i in 0..IMPORT_ROWS {
        let day = 1 + i % 28;
        let month = 1 + (i / 28) % 12;
        writeln!(
            csv,
            "2025-{month:02}-{day:02}T{:02}:{:02}:00Z,{},{},申请人{i},138{:08},被申请人{},纠纷{i}：双方协商未果,{},{},{},{}",
            i % 24,
            i % 60,
            SOURCES[i % SOURCES.len()],
            CATEGORIES[i % CATEGORIES.len()],
            i % 100_000_000,
            i % 977,
            (i % 1000) * 100,
            villages[i % villages.len()],
            COMPLEXITY[i % COMPLEXITY.len()],
            RISK[i % RISK.len()],
        )
        .unwrap();
    }
    csv
}

fn file_len(p: &Path) -> u64 {
    std::fs::metadata(p).map(|m| m.len()).unwrap_or(0)
}

fn wal_of(db: &Path) -> PathBuf {
    let mut s = db.as_os_str().to_owned();
    s.push("-wal");
    PathBuf::from(s)
}

/// Waits for `child` to exit by itself, up to `limit`; returns whether it did.
fn exited_within(child: &mut Child, limit: Duration) -> bool {
    let start = Instant::now();
    while start.elapsed() < limit {
        if child.try_wait().unwrap().is_some() {
            return true;
        }
        thread::sleep(Duration::from_millis(2));
    }
    child.try_wait().unwrap().is_some()
}

/// How one import round ended.
#[derive(Debug)]
struct Round {
    how: String,
    killed_running: bool,
    wal_at_kill: u64,
    added: i64,
}

/// `kill -9` of an import of 200,000 rows at a random moment leaves none or all of them, once
/// the next duty-desk has finished what the killed one left (`check --repair`, as the next
/// `import` would; `store::staging`).
///
/// The import validates and stages the file in short transactions, then publishes it in short
/// batches. Round 1 kills it once the `-wal` file has grown past 4 MiB, which happens only
/// while it writes, so that kill certainly lands mid-write. Rounds 2 and 3 kill after a random
/// delay between 50 ms and 6 s (the seed is printed); whatever the moment, after the repair the
/// count must have moved by 0 (killed while staging) or by 200,000 (killed while publishing, or
/// after the end).
#[test]
fn killed_import_leaves_all_or_nothing() {
    let started = Instant::now();
    let dir = TempDir::new().unwrap();
    let db = demo(dir.path(), "desk.db", 0);
    let csv = dir.path().join("big.csv");
    std::fs::write(&csv, big_csv(&villages(&db))).unwrap();
    let seed = seed();
    eprintln!("killed_import_leaves_all_or_nothing: seed {seed}");
    let mut rng = ChaCha8Rng::seed_from_u64(seed);

    let mut rounds = Vec::new();
    let mut imported = 0i64;
    for round in 0..3 {
        let before = count(&Connection::open(&db).unwrap(), "SELECT count(*) FROM cases");
        let mut child = cli(&db, &["import", csv.to_str().unwrap()]).spawn().unwrap();
        let how;
        let exited = if round == 0 {
            how = "once the WAL passed 4 MiB".to_string();
            let start = Instant::now();
            loop {
                if child.try_wait().unwrap().is_some() {
                    break true;
                }
                if file_len(&wal_of(&db)) > 4 << 20 {
                    break false;
                }
                assert!(start.elapsed() < Duration::from_secs(60), "the import neither grew the WAL nor ended");
                thread::sleep(Duration::from_millis(2));
            }
        } else {
            let delay = Duration::from_millis(rng.random_range(50..6000));
            how = format!("after {delay:?}");
            exited_within(&mut child, delay)
        };
        let wal_at_kill = file_len(&wal_of(&db));
        child.kill().unwrap(); // SIGKILL
        let out = child.wait_with_output().unwrap();
        let (code, _, stderr) = split(out);
        no_panic(&stderr);
        if exited {
            assert_eq!(code, 0, "round {round}: the import failed on its own: {stderr}");
        }

        // The next duty-desk finishes (or removes) what the killed import left.
        let (code, _, stderr) = run(&db, &["check", "--repair"]);
        assert_eq!(code, 0, "round {round}: check --repair: {stderr}");
        let conn = Connection::open(&db).unwrap();
        let after = count(&conn, "SELECT count(*) FROM cases");
        let added = after - before;
        rounds.push(Round { how, killed_running: !exited, wal_at_kill, added });
        assert!(
            added == 0 || added == IMPORT_ROWS as i64,
            "round {round}: {added} cases were stored; an import is all or nothing: {rounds:?}"
        );
        imported += added;
        assert_eq!(integrity(&conn), "ok", "round {round}");
        let (events, last_seq, year_cases): (i64, Option<i64>, i64) = conn
            .query_row(
                "SELECT (SELECT count(*) FROM audit WHERE action = 'import'),
                        (SELECT last FROM ref_seq WHERE year = ?1),
                        (SELECT count(*) FROM cases WHERE ref LIKE 'WH-' || ?1 || '-%')",
                [IMPORT_YEAR],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .unwrap();
        assert_eq!(events, imported, "round {round}: one audit event per imported case, no more, no less");
        assert_eq!(year_cases, imported, "round {round}");
        assert_eq!(
            last_seq.unwrap_or(0),
            imported,
            "round {round}: the ref counter moved with the cases, or not at all"
        );
        drop(conn);
        let (code, _, stderr) = run(&db, &["check"]);
        assert_eq!(code, 0, "round {round}: check: {stderr}");
    }
    for r in &rounds {
        eprintln!(
            "killed_import_leaves_all_or_nothing: killed {} ({}), WAL {} bytes, {} cases stored",
            r.how,
            if r.killed_running { "while running" } else { "after it ended" },
            r.wal_at_kill,
            r.added
        );
    }
    eprintln!("killed_import_leaves_all_or_nothing took {:?}", started.elapsed());
    assert!(
        rounds.iter().any(|r| r.killed_running && r.wal_at_kill > 4 << 20),
        "no round killed the import while it was writing: {rounds:?}"
    );
    // The database still takes new work after the crashes.
    ok(
        &db,
        &[
            "add",
            "--category",
            "neighbour",
            "--area",
            "WH-HBW-01-01",
            "--applicant-name",
            "崩溃后",
            "--summary",
            "恢复",
        ],
    );
    assert_healthy(&db);
}

/// For anything that follows a key press.
const REACT: Duration = Duration::from_secs(8);

fn sigkill(pid: u32) {
    use nix::sys::signal::{kill, Signal};
    kill(nix::unistd::Pid::from_raw(pid as i32), Signal::SIGKILL).unwrap();
}

/// What an assignment could have touched, read directly.
#[derive(Debug, PartialEq, Eq)]
struct CaseState {
    status: String,
    lead: Option<i64>,
    version: i64,
    assign_events: i64,
    audit_rows: i64,
}

fn case_state(db: &Path, reference: &str) -> CaseState {
    let conn = Connection::open(db).unwrap();
    conn.query_row(
        "SELECT c.status, c.lead_mediator_id, c.version,
                (SELECT count(*) FROM audit a WHERE a.case_id = c.id AND a.action = 'assign'),
                (SELECT count(*) FROM audit)
         FROM cases c WHERE c.ref = ?1",
        [reference],
        |r| {
            Ok(CaseState {
                status: r.get(0)?,
                lead: r.get(1)?,
                version: r.get(2)?,
                assign_events: r.get(3)?,
                audit_rows: r.get(4)?,
            })
        },
    )
    .unwrap()
}

/// A desk is `kill -9`ed right around the moment its assignment is written, over and over: the
/// case is either assigned with exactly one audit event or untouched with none, and the
/// database is intact and opens again.
///
/// The kill comes a delay after Enter. The write takes a few ms from the key, so the delay is
/// bisected towards the moment where the outcome flips from "not written" to "written": after
/// the first rounds every kill lands within a fraction of a millisecond of the commit, inside
/// the transaction or just after it (the list printed at the end shows where they fell).
#[test]
fn desk_killed_mid_write_leaves_a_consistent_db() {
    const ROUNDS: usize = 24;
    let dir = TempDir::new().unwrap();
    let db = demo(dir.path(), "desk.db", 0);
    let received = (chrono::Utc::now() - chrono::Duration::hours(1)).to_rfc3339();
    let mut csv = String::from("received_at,source,category,applicant_name,summary,area\n");
    for i in 0..ROUNDS {
        writeln!(csv, "{received},walk_in,neighbour,甲{i},值班台崩溃,WH-HBW-01-01").unwrap();
    }
    let file = dir.path().join("cases.csv");
    std::fs::write(&file, csv).unwrap();
    ok(&db, &["import", file.to_str().unwrap()]);

    let (mut lo, mut hi) = (Duration::ZERO, Duration::from_millis(16));
    let mut kills = Vec::new();
    for round in 0..ROUNDS {
        let first: String = Connection::open(&db)
            .unwrap()
            .query_row(
                "SELECT ref FROM cases WHERE status='received' ORDER BY risk_rank DESC, assign_due, id LIMIT 1",
                [],
                |r| r.get(0),
            )
            .unwrap();
        let before = case_state(&db, &first);
        assert_eq!((before.status.as_str(), before.lead, before.assign_events), ("received", None, 0));

        let mut desk = Desk::spawn(80, 24, &["--db", db.to_str().unwrap()], &base_env(dir.path()), dir.path());
        let screen = desk.wait_live();
        assert!(screen.contains(&first), "round {round}: {first} is not on screen:\n{screen}");
        desk.send("a");
        desk.wait_for("the assign popup listing candidates", REACT, |s| lists_load(s, "load"));
        let pid = desk.pid();
        let delay = (lo + hi) / 2;
        let killer = thread::spawn(move || {
            thread::sleep(delay);
            sigkill(pid);
        });
        desk.send("\r");
        killer.join().unwrap();
        let status = desk.wait_exit(Duration::from_secs(5)).expect("the desk survived kill -9");
        assert!(!status.success(), "round {round}: {status:?}");

        let after = case_state(&db, &first);
        let written = after.lead.is_some();
        if written {
            assert_eq!(after.status, "assigned", "round {round}: {after:?}");
            assert_eq!(after.version, before.version + 1, "round {round}");
            assert_eq!(after.assign_events, 1, "round {round}: assign audit events");
            assert_eq!(after.audit_rows, before.audit_rows + 1, "round {round}: audit rows");
            hi = delay;
        } else {
            assert_eq!(after, before, "round {round}: a half-written assignment");
            lo = delay;
            if !kills.iter().any(|k: &(Duration, bool)| k.1) {
                // Nothing written yet: on a loaded machine the write may come later than 16 ms.
                hi = hi.max(delay * 2);
            }
        }
        // Keep a little room around the flip: the moment moves by a fraction of a ms per run.
        if hi - lo < Duration::from_micros(400) {
            (lo, hi) = (lo.saturating_sub(Duration::from_micros(300)), hi + Duration::from_micros(300));
        }
        kills.push((delay, written));
        assert_healthy(&db);
    }
    eprintln!("desk_killed_mid_write_leaves_a_consistent_db: (delay after Enter, written) {kills:?}");
    assert!(kills.iter().any(|k| k.1) && kills.iter().any(|k| !k.1), "every kill fell on one side: {kills:?}");
}

/// Runs `duty-desk --db DB ARGS` for each of `runs`, every process released at the same instant:
/// each waits in `sh` for a line from a FIFO, and the test writes all the lines at once.
fn all_at_once(db: &Path, runs: &[Vec<&str>], scratch: &Path) -> Vec<(i32, String, String)> {
    use std::io::Write;
    let gate = scratch.join("gate");
    let _ = std::fs::remove_file(&gate);
    nix::unistd::mkfifo(&gate, nix::sys::stat::Mode::from_bits_truncate(0o600)).unwrap();
    // Held open for reading and writing: no reader blocks in open, and none can miss its line.
    let mut lines = std::fs::OpenOptions::new().read(true).write(true).open(&gate).unwrap();
    let children: Vec<Child> = runs
        .iter()
        .map(|args| {
            let mut c = Command::new("sh");
            c.arg("-c").arg(r#"read _ < "$0" && exec "$@""#).arg(&gate);
            c.arg(assert_cmd::cargo::cargo_bin("duty-desk")).arg("--db").arg(db).args(args);
            c.env_remove("DUTY_DESK_DB").env_remove("LC_ALL").env_remove("LC_MESSAGES").env("LANG", "C");
            c.stdin(Stdio::null()).stdout(Stdio::piped()).stderr(Stdio::piped());
            c.spawn().unwrap()
        })
        .collect();
    // Let every shell reach its `read`, then release them all with one write.
    thread::sleep(Duration::from_millis(100));
    lines.write_all("\n".repeat(runs.len()).as_bytes()).unwrap();
    let outcomes = children.into_iter().map(|c| split(c.wait_with_output().unwrap())).collect();
    drop(lines);
    std::fs::remove_file(&gate).unwrap();
    outcomes
}

/// Makes `dest` look like a database written by the first release (schema version 1) holding
/// the data of `src`: the first migration's SQL, then every row of its tables copied over.
fn as_version_1(src: &Path, dest: &Path) {
    let conn = Connection::open(dest).unwrap();
    conn.execute_batch(migration_sql(1).unwrap()).unwrap();
    let tables: Vec<String> = column(&conn, "SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY rowid");
    conn.execute("ATTACH DATABASE ?1 AS full", [src.to_str().unwrap()]).unwrap();
    for t in tables {
        let cols: Vec<String> = column(&conn, &format!("SELECT name FROM pragma_table_info('{t}')"));
        let cols = cols.join(", ");
        conn.execute(&format!("INSERT INTO main.{t} ({cols}) SELECT {cols} FROM full.{t}"), []).unwrap();
    }
    conn.execute("DETACH DATABASE full", []).unwrap();
    conn.pragma_update(None, "user_version", 1).unwrap();
    let mode: String = conn.query_row("PRAGMA journal_mode=WAL", [], |r| r.get(0)).unwrap();
    assert_eq!(mode, "wal");
}

/// The names of the tables, indexes and triggers of a database.
fn schema_objects(db: &Path) -> Vec<String> {
    let conn = Connection::open(db).unwrap();
    let mut stmt = conn
        .prepare("SELECT type || ' ' || name FROM sqlite_schema WHERE name NOT LIKE 'sqlite_%' ORDER BY 1")
        .unwrap();
    stmt.query_map([], |r| r.get(0)).unwrap().collect::<Result<_, _>>().unwrap()
}

/// Eight processes start at once on a schema-version-1 database: every one of them works, and
/// each pending migration ran exactly once.
#[test]
fn simultaneous_first_starts_migrate_once() {
    let dir = TempDir::new().unwrap();
    let src = demo(dir.path(), "current.db", 200);
    let current_objects = schema_objects(&src);
    let src_cases = count(&Connection::open(&src).unwrap(), "SELECT count(*) FROM cases");
    let reference: String = Connection::open(&src)
        .unwrap()
        .query_row("SELECT ref FROM cases ORDER BY id LIMIT 1", [], |r| r.get(0))
        .unwrap();
    const COMMANDS: [&[&str]; 4] = [&["list", "--json"], &["mediators"], &["report"], &["show", "REF"]];
    for round in 0..4 {
        let db = dir.path().join(format!("v1-{round}.db"));
        as_version_1(&src, &db);
        let runs: Vec<Vec<&str>> = (0..8)
            .map(|i| {
                COMMANDS[i % COMMANDS.len()].iter().map(|a| if *a == "REF" { reference.as_str() } else { a }).collect()
            })
            .collect();
        for ((code, _, stderr), args) in all_at_once(&db, &runs, dir.path()).iter().zip(&runs) {
            assert_eq!((*code, stderr.as_str()), (0, ""), "round {round}: {args:?}");
        }
        let conn = Connection::open(&db).unwrap();
        let version: i64 = count(&conn, "PRAGMA user_version");
        assert_eq!(version, SCHEMA_VERSION, "round {round}");
        let history: BTreeMap<i64, i64> = conn
            .prepare("SELECT version, count(*) FROM schema_history GROUP BY version")
            .unwrap()
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        let expected: BTreeMap<i64, i64> = (2..=SCHEMA_VERSION).map(|v| (v, 1)).collect();
        assert_eq!(history, expected, "round {round}: migrations recorded in schema_history");
        assert_eq!(count(&conn, "SELECT count(*) FROM cases"), src_cases, "round {round}");
        assert_eq!(integrity(&conn), "ok");
        drop(conn);
        assert_eq!(schema_objects(&db), current_objects, "round {round}: the migrated schema differs from a new one");
    }
}

/// Eight `init`s race to create the same new database: exactly one initialises it, the others
/// are told it already holds an organisation.
#[test]
fn racing_inits_initialise_once() {
    let dir = TempDir::new().unwrap();
    let reference = dir.path().join("reference.db");
    ok(&reference, &["init"]);
    let (areas, committees, mediators) = {
        let conn = Connection::open(&reference).unwrap();
        (
            count(&conn, "SELECT count(*) FROM areas"),
            count(&conn, "SELECT count(*) FROM committees"),
            count(&conn, "SELECT count(*) FROM mediators"),
        )
    };
    // The races are microseconds wide; 20 rounds of 8 processes released together hit them often
    // enough to catch a regression. Before the fixes in `Store::create` and `configure`, a run
    // failed reliably: "cannot create …: File exists" (another process created the file between
    // the existence check and the create) in about one round in five, and "the database stayed
    // busy" (`PRAGMA journal_mode=WAL` answers SQLITE_BUSY without calling the busy handler
    // while another process switches the new file to WAL) in a few rounds more.
    for round in 0..20 {
        let db = dir.path().join(format!("office-{round}")).join("desk.db");
        let outcomes = all_at_once(&db, &vec![vec!["init"]; 8], dir.path());
        let winners = outcomes.iter().filter(|o| o.0 == 0).count();
        assert_eq!(winners, 1, "round {round}: {outcomes:?}");
        for (code, _, stderr) in outcomes.iter().filter(|o| o.0 != 0) {
            assert_eq!(*code, 1, "round {round}: {stderr}");
            assert!(stderr.contains("already holds an organisation"), "round {round}: {stderr}");
        }
        let conn = Connection::open(&db).unwrap();
        assert_eq!(
            (
                count(&conn, "SELECT count(*) FROM areas"),
                count(&conn, "SELECT count(*) FROM committees"),
                count(&conn, "SELECT count(*) FROM mediators")
            ),
            (areas, committees, mediators),
            "round {round}"
        );
        let history: BTreeMap<i64, i64> = conn
            .prepare("SELECT version, count(*) FROM schema_history GROUP BY version")
            .unwrap()
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        let expected: BTreeMap<i64, i64> = (1..=SCHEMA_VERSION).map(|v| (v, 1)).collect();
        assert_eq!(history, expected, "round {round}");
        assert_eq!(count(&conn, "PRAGMA user_version"), SCHEMA_VERSION);
        assert_eq!(count(&conn, "SELECT count(*) FROM audit WHERE action = 'init'"), 1, "round {round}");
        drop(conn);
        assert_healthy(&db);
    }
}

/// The main file's bytes and the names of the files beside it.
fn snapshot(db: &Path) -> (Vec<u8>, Vec<String>) {
    let mut names: Vec<String> = std::fs::read_dir(db.parent().unwrap())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    (std::fs::read(db).unwrap(), names)
}

/// Every command on `db` exits 1 with a message containing one of `words`, panics nowhere and
/// leaves the file (and the files beside it) exactly as they were.
fn refused_unchanged(db: &Path, what: &str, words: &[&str], import: &Path) {
    let before = snapshot(db);
    let backup = db.parent().unwrap().join("never-written.db");
    let commands: [&[&str]; 12] = [
        &["list"],
        &["list", "--json"],
        &["show", "WH-2025-00001"],
        &["mediators"],
        &["report"],
        &["check"],
        &["backup", backup.to_str().unwrap()],
        &["add", "--category", "neighbour", "--area", "WH-HBW-01-01", "--applicant-name", "乙", "--summary", "x"],
        &["assign", "WH-2025-00001", "1", "--if-unassigned"],
        &["import", import.to_str().unwrap()],
        &["init"],
        &["demo", "--no-tui", "--cases", "5"],
    ];
    for args in commands {
        let (code, _, stderr) = run(db, args);
        no_panic(&stderr);
        assert_eq!(code, 1, "{what}: {args:?}: {stderr}");
        assert!(words.iter().any(|w| stderr.contains(w)), "{what}: {args:?}: expected one of {words:?}: {stderr}");
        let now = snapshot(db);
        assert!(now.0 == before.0, "{what}: {args:?} changed the file's bytes");
        assert_eq!(now.1, before.1, "{what}: {args:?} left files beside the database");
    }
    assert!(!backup.exists(), "{what}: a backup was written");
}

/// A database from a newer duty-desk (user_version 99), in WAL mode as duty-desk leaves it
/// and in rollback mode as a copy may be, and files that are not databases or are cut short:
/// every command refuses with a clear message and changes nothing.
#[test]
fn newer_schema_and_corrupt_files_are_refused_without_change() {
    let dir = TempDir::new().unwrap();
    let src = demo(dir.path(), "source.db", 300);
    let import = dir.path().join("one.csv");
    std::fs::write(
        &import,
        "received_at,source,category,applicant_name,summary,area\n2025-03-01T08:00:00Z,walk_in,neighbour,丙,x,WH-HBW-01-01\n",
    )
    .unwrap();
    Connection::open(&src).unwrap().execute_batch("PRAGMA wal_checkpoint(TRUNCATE)").unwrap();

    for mode in ["wal", "delete"] {
        let sub = dir.path().join(format!("newer-{mode}"));
        std::fs::create_dir(&sub).unwrap();
        let db = sub.join("desk.db");
        let conn = Connection::open(&src).unwrap();
        conn.execute("VACUUM INTO ?1", [db.to_str().unwrap()]).unwrap();
        drop(conn);
        let conn = Connection::open(&db).unwrap();
        let set: String = conn.query_row(&format!("PRAGMA journal_mode={mode}"), [], |r| r.get(0)).unwrap();
        assert_eq!(set, mode);
        conn.pragma_update(None, "user_version", 99).unwrap();
        drop(conn);
        refused_unchanged(&db, &format!("user_version 99 ({mode})"), &["newer"], &import);
    }

    let sub = dir.path().join("random");
    std::fs::create_dir(&sub).unwrap();
    let db = sub.join("desk.db");
    let mut noise = vec![0u8; 64 * 1024];
    ChaCha8Rng::seed_from_u64(99).fill_bytes(&mut noise);
    std::fs::write(&db, &noise).unwrap();
    refused_unchanged(&db, "random bytes", &["not a duty-desk database", "corrupt"], &import);

    let whole = std::fs::read(&src).unwrap();
    assert!(whole.len() > 64 * 1024, "the source database is too small to cut: {}", whole.len());
    for (name, len) in [("half", whole.len() / 2), ("one-page-short", whole.len() - 4096), ("header-only", 100)] {
        let sub = dir.path().join(name);
        std::fs::create_dir(&sub).unwrap();
        let db = sub.join("desk.db");
        std::fs::write(&db, &whole[..len]).unwrap();
        refused_unchanged(&db, &format!("truncated ({name})"), &["not a duty-desk database", "corrupt"], &import);
    }
}

/// Backups taken while one process after another adds and assigns cases (and a desk is open):
/// each copy is intact, passes `check`, and holds a state that really existed — between the
/// counts before and after, every added case with its audit event.
#[test]
fn backup_while_writers_run_is_consistent() {
    let dir = TempDir::new().unwrap();
    let db = demo(dir.path(), "desk.db", 300);
    let mut desk = Desk::spawn(80, 24, &["--db", db.to_str().unwrap()], &base_env(dir.path()), dir.path());
    desk.wait_live();

    let stop = Arc::new(AtomicBool::new(false));
    let writer = {
        let (db, stop) = (db.clone(), stop.clone());
        thread::spawn(move || {
            let mut n = 0;
            while !stop.load(Ordering::Relaxed) || n < 10 {
                let reference = ok(
                    &db,
                    &[
                        "add",
                        "--category",
                        "neighbour",
                        "--area",
                        "WH-HBW-01-01",
                        "--applicant-name",
                        &format!("备份{n}"),
                        "--summary",
                        "备份期间新增",
                    ],
                )
                .trim()
                .to_string();
                if n % 2 == 0 {
                    ok(&db, &["assign", &reference, "1", "--force"]);
                }
                n += 1;
            }
            n
        })
    };
    let cases = |p: &Path| count(&Connection::open(p).unwrap(), "SELECT count(*) FROM cases");
    let start = cases(&db);
    let mut checked = Vec::new();
    for i in 0..3 {
        let deadline = Instant::now() + Duration::from_secs(20);
        while cases(&db) < start + 2 + 2 * i64::from(i) {
            assert!(Instant::now() < deadline, "the writer is not adding cases");
            thread::sleep(Duration::from_millis(10));
        }
        let dest = dir.path().join(format!("backup-{i}.db"));
        let before = cases(&db);
        let (code, _, stderr) = run(&db, &["backup", dest.to_str().unwrap()]);
        let after = cases(&db);
        assert_eq!(code, 0, "backup {i}: {stderr}");
        checked.push((dest, before, after));
    }
    stop.store(true, Ordering::Relaxed);
    let adds = writer.join().unwrap();
    assert!(desk.is_running(), "the desk died during the backups");
    desk.send("q");
    desk.wait_exit(Duration::from_secs(5)).expect("the desk did not exit after q");

    for (dest, before, after) in &checked {
        assert_healthy(dest);
        let conn = Connection::open(dest).unwrap();
        let n = count(&conn, "SELECT count(*) FROM cases");
        assert!(*before <= n && n <= *after, "{}: {n} cases, not between {before} and {after}", dest.display());
        // A state that existed: each added case with exactly its add event, each assigned one
        // with exactly its assign event, and the ref counter past every ref.
        let added = count(&conn, "SELECT count(*) FROM cases WHERE applicant_name LIKE '备份%'");
        assert_eq!(n, 300 + added);
        assert_eq!(count(&conn, "SELECT count(*) FROM audit WHERE action = 'add'"), added);
        let torn = count(
            &conn,
            "SELECT count(*) FROM cases c WHERE c.applicant_name LIKE '备份%' AND
               (c.lead_mediator_id IS NOT NULL) <>
               ((SELECT count(*) FROM audit a WHERE a.case_id = c.id AND a.action = 'assign') = 1)",
        );
        assert_eq!(torn, 0, "{}: assignments without their audit event or the reverse", dest.display());
        let behind = count(
            &conn,
            "SELECT count(*) FROM cases c WHERE CAST(substr(c.ref, 9) AS INTEGER) >
               (SELECT last FROM ref_seq WHERE year = CAST(substr(c.ref, 4, 4) AS INTEGER))",
        );
        assert_eq!(behind, 0, "{}: a ref beyond its counter", dest.display());
    }
    assert!(adds >= 10);
    assert_healthy(&db);
}

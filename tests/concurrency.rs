//! Many officers writing one SQLite file at once (issue 4, item 1): real `duty-desk` processes
//! racing on the same cases, and two real desks in pseudo-terminals assigning the same case.
//! Every check reads the database directly with rusqlite.

mod common;
#[path = "common/pty.rs"]
mod pty;

use std::collections::{HashMap, HashSet};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::thread;
use std::time::{Duration, Instant};

use rand::seq::SliceRandom;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use rusqlite::Connection;
use tempfile::TempDir;

use common::column;
use pty::{base_env, lists_load, os_login, Desk};

/// A temp dir holding `desk.db`, made with `demo --no-tui --cases 0` (the demo organisation, no
/// cases).
struct Fixture {
    dir: TempDir,
    db: PathBuf,
}

impl Fixture {
    fn empty_demo() -> Fixture {
        let dir = TempDir::new().unwrap();
        let db = dir.path().join("desk.db");
        let f = Fixture { dir, db };
        f.ok(&["demo", "--no-tui", "--cases", "0"]);
        f
    }

    /// `duty-desk --db DB ARGS` with an English locale and no inherited database.
    fn cmd(&self, args: &[&str]) -> Command {
        cli(&self.db, args)
    }

    fn ok(&self, args: &[&str]) -> String {
        let out = self.cmd(args).output().unwrap();
        assert!(
            out.status.success(),
            "{args:?} failed ({:?}): {}",
            out.status.code(),
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    }

    fn conn(&self) -> Connection {
        Connection::open(&self.db).unwrap()
    }

    fn villages(&self) -> Vec<String> {
        let conn = self.conn();
        let mut stmt = conn.prepare("SELECT code FROM areas WHERE level = 'village' ORDER BY id").unwrap();
        stmt.query_map([], |r| r.get(0)).unwrap().collect::<Result<_, _>>().unwrap()
    }
}

fn cli(db: &Path, args: &[&str]) -> Command {
    let mut c = Command::new(assert_cmd::cargo::cargo_bin("duty-desk"));
    c.env_remove("DUTY_DESK_DB").env_remove("LC_ALL").env_remove("LC_MESSAGES").env("LANG", "C");
    c.arg("--db").arg(db).args(args);
    c.stdin(Stdio::null()).stdout(Stdio::piped()).stderr(Stdio::piped());
    c
}

/// `n` valid CSV records (neighbour disputes, general complexity, no risk: routed to the village
/// committee of their area), received an hour ago.
fn cases_csv(n: usize, villages: &[String], tag: &str) -> String {
    let received = (chrono::Utc::now() - chrono::Duration::hours(1)).to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    let mut csv = String::from(
        "received_at,source,category,applicant_name,applicant_phone,respondent_name,summary,amount_fen,area,\
         complexity,risk_level\n",
    );
    for i in 0..n {
        let area = &villages[i % villages.len()];
        writeln!(
            csv,
            "{received},walk_in,neighbour,{tag}申请人{i},13812345678,李四,{tag}楼上漏水纠纷{i},{},{area},general,none",
            i * 100
        )
        .unwrap();
    }
    csv
}

fn integrity(conn: &Connection) -> String {
    conn.query_row("PRAGMA integrity_check", [], |r| r.get(0)).unwrap()
}

/// One finished command: which ref, which worker, its exit code and stderr.
struct Outcome {
    reference: String,
    worker: usize,
    code: i32,
    stdout: String,
    stderr: String,
}

fn outcome(reference: &str, worker: usize, out: Output) -> Outcome {
    Outcome {
        reference: reference.to_string(),
        worker,
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

const RACERS: usize = 16;
const RACED: usize = 200;
/// Cases only the two escalating workers touch (each escalates every one of them once).
const ESCALATED: usize = 16;
/// Cases each escalating worker adds while the race runs.
const ADDS_PER_WORKER: usize = 12;

/// Sixteen workers, each its own mediator, race `assign --if-unassigned --force` over the same
/// 200 cases, one real process per attempt (3200 processes), while two more workers escalate a
/// disjoint set of cases (both escalate each of them once: village → town → district) and add
/// new cases.
///
/// Every worker attempts every case: measured on this 2-core machine the whole race takes
/// about 15–25 s in the debug build, well inside the budget, so no sampling was needed. Half
/// the racers walk the refs upward and half downward, each order shuffled within windows of 8,
/// so at any moment up to 8 processes contend for the same case (real collisions inside the
/// write lock, not just late losers), and the two directions meet in the middle.
///
/// The escalations touch only cases nobody assigns: an escalation puts a case back to
/// `received`, unassigned, and a later `--if-unassigned` would then rightly win a second time,
/// which would make "exactly one winner" depend on timing. Keeping the sets disjoint makes every
/// invariant exact. `--force` keeps mediators' capacity out of it (a mediator wins ~12 cases;
/// capacities are 5–10), so an assign can only succeed (0) or lose the race (3).
#[test]
fn sixteen_processes_race_without_lost_updates() {
    let started = Instant::now();
    let f = Fixture::empty_demo();
    let villages = f.villages();
    let file = f.dir.path().join("cases.csv");
    std::fs::write(&file, cases_csv(RACED + ESCALATED, &villages, "")).unwrap();
    f.ok(&["import", file.to_str().unwrap()]);

    let conn = f.conn();
    let refs: Vec<String> = column(&conn, "SELECT ref FROM cases ORDER BY id");
    assert_eq!(refs.len(), RACED + ESCALATED);
    let (raced, escalated) = refs.split_at(RACED);
    let tiers: Vec<String> = column(&conn, "SELECT DISTINCT tier FROM cases");
    assert_eq!(tiers, ["village"], "the imported cases should all start at the village tier");

    // Sixteen mediators with unique names, none a part of another's (so "names the winner" is
    // exact).
    let all: Vec<(i64, String)> = conn
        .prepare("SELECT id, name FROM mediators WHERE name IN (SELECT name FROM mediators GROUP BY name HAVING count(*) = 1) ORDER BY id")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    let mut mediators: Vec<(i64, String)> = Vec::new();
    for (id, name) in all {
        if mediators.iter().all(|(_, n)| !n.contains(&name) && !name.contains(n.as_str())) {
            mediators.push((id, name));
        }
        if mediators.len() == RACERS {
            break;
        }
    }
    assert_eq!(mediators.len(), RACERS);
    drop(conn);

    let db = f.db.clone();
    let racers: Vec<_> = (0..RACERS)
        .map(|w| {
            let db = db.clone();
            let name = mediators[w].1.clone();
            let mut order: Vec<String> = raced.to_vec();
            if w % 2 == 1 {
                order.reverse();
            }
            let mut rng = ChaCha8Rng::seed_from_u64(4085 + w as u64);
            for window in order.chunks_mut(8) {
                window.shuffle(&mut rng);
            }
            thread::spawn(move || {
                order
                    .iter()
                    .map(|r| {
                        let out = cli(&db, &["assign", r, &name, "--if-unassigned", "--force"]).output().unwrap();
                        outcome(r, w, out)
                    })
                    .collect::<Vec<_>>()
            })
        })
        .collect();
    let villages_for_adds = villages.clone();
    let others: Vec<_> = (0..2)
        .map(|w| {
            let db = db.clone();
            let mut order: Vec<String> = escalated.to_vec();
            if w == 1 {
                order.reverse();
            }
            let villages = villages_for_adds.clone();
            thread::spawn(move || {
                let mut escalates = Vec::new();
                let mut adds = Vec::new();
                for (i, r) in order.iter().enumerate() {
                    let out = cli(&db, &["escalate", r, "--reason", "race"]).output().unwrap();
                    escalates.push(outcome(r, RACERS + w, out));
                    if i < ADDS_PER_WORKER {
                        let applicant = format!("加塞{w}-{i}");
                        let area = &villages[(w * 31 + i * 7) % villages.len()];
                        let out = cli(
                            &db,
                            &[
                                "add",
                                "--category",
                                "neighbour",
                                "--area",
                                area,
                                "--applicant-name",
                                &applicant,
                                "--summary",
                                "并发新增",
                            ],
                        )
                        .output()
                        .unwrap();
                        adds.push(outcome(&applicant, RACERS + w, out));
                    }
                }
                (escalates, adds)
            })
        })
        .collect();
    let assigns: Vec<Outcome> = racers.into_iter().flat_map(|t| t.join().unwrap()).collect();
    let (escalates, adds): (Vec<Vec<Outcome>>, Vec<Vec<Outcome>>) =
        others.into_iter().map(|t| t.join().unwrap()).unzip();
    let escalates: Vec<Outcome> = escalates.into_iter().flatten().collect();
    let adds: Vec<Outcome> = adds.into_iter().flatten().collect();
    let race_time = started.elapsed();
    eprintln!("{} processes raced in {race_time:?}", assigns.len() + escalates.len() + adds.len());

    // No process failed for want of the lock, and none panicked.
    for o in assigns.iter().chain(&escalates).chain(&adds) {
        let lower = o.stderr.to_lowercase();
        assert!(
            !lower.contains("locked") && !lower.contains("busy") && !lower.contains("panicked"),
            "worker {} on {}: {}",
            o.worker,
            o.reference,
            o.stderr
        );
    }
    for o in &assigns {
        assert!(
            o.code == 0 || o.code == 3,
            "assign {} by worker {} exited {}: {}",
            o.reference,
            o.worker,
            o.code,
            o.stderr
        );
    }

    let conn = f.conn();
    let mut winners: HashMap<&str, Vec<usize>> = HashMap::new();
    for o in assigns.iter().filter(|o| o.code == 0) {
        winners.entry(o.reference.as_str()).or_default().push(o.worker);
    }
    let mut assign_events_total = 0;
    for r in raced {
        let won = winners.get(r.as_str()).cloned().unwrap_or_default();
        assert_eq!(won.len(), 1, "{r}: exit-0 assigns by workers {won:?} (exactly one must win)");
        let (winner_id, winner_name) = &mediators[won[0]];
        let (status, lead, version): (String, Option<i64>, i64) = conn
            .query_row("SELECT status, lead_mediator_id, version FROM cases WHERE ref = ?1", [r], |row| {
                Ok((row.get(0)?, row.get(1)?, row.get(2)?))
            })
            .unwrap();
        assert_eq!((status.as_str(), lead, version), ("assigned", Some(*winner_id), 2), "{r}");
        let events: Vec<i64> = conn
            .prepare(
                "SELECT json_extract(a.detail, '$.mediator_id') FROM audit a JOIN cases c ON c.id = a.case_id \
                 WHERE c.ref = ?1 AND a.action = 'assign'",
            )
            .unwrap()
            .query_map([r], |row| row.get(0))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        assert_eq!(events, vec![*winner_id], "{r}: assign audit events (one per successful assign)");
        assign_events_total += events.len();
        for o in assigns.iter().filter(|o| &o.reference == r && o.code == 3) {
            assert!(
                o.stderr.contains(winner_name.as_str()) && o.stderr.contains("already assigned"),
                "{r}: the loser (worker {}) must name the winner {winner_name}: {}",
                o.worker,
                o.stderr
            );
        }
        assert_eq!(assigns.iter().filter(|o| &o.reference == r).count(), RACERS);
    }
    let all_assign_events: i64 =
        conn.query_row("SELECT count(*) FROM audit WHERE action = 'assign'", [], |r| r.get(0)).unwrap();
    assert_eq!(all_assign_events as usize, assign_events_total);
    assert_eq!(assign_events_total, RACED);

    // Both escalations of each case landed, one after the other: none was lost.
    for o in &escalates {
        assert_eq!(o.code, 0, "escalate {} by worker {}: {}", o.reference, o.worker, o.stderr);
    }
    for r in escalated {
        let (status, tier, lead, version): (String, String, Option<i64>, i64) = conn
            .query_row("SELECT status, tier, lead_mediator_id, version FROM cases WHERE ref = ?1", [r], |row| {
                Ok((row.get(0)?, row.get(1)?, row.get(2)?, row.get(3)?))
            })
            .unwrap();
        assert_eq!((status.as_str(), tier.as_str(), lead, version), ("received", "district", None, 3), "{r}");
        let events: Vec<(String, String)> = conn
            .prepare(
                "SELECT a.action, json_extract(a.detail, '$.to_tier') FROM audit a JOIN cases c ON c.id = a.case_id \
                 WHERE c.ref = ?1 AND a.action <> 'import' ORDER BY a.id",
            )
            .unwrap()
            .query_map([r], |row| Ok((row.get(0)?, row.get(1)?)))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        let expected = [("escalate".to_string(), "town".to_string()), ("escalate".to_string(), "district".to_string())];
        assert_eq!(events, expected, "{r}");
    }

    // Every add got its own ref and its own audit event.
    for o in &adds {
        assert_eq!(o.code, 0, "add {} by worker {}: {}", o.reference, o.worker, o.stderr);
    }
    let added: HashSet<String> = adds.iter().map(|o| o.stdout.trim().to_string()).collect();
    assert_eq!(added.len(), 2 * ADDS_PER_WORKER, "refs printed by add: {added:?}");
    for r in &added {
        let (applicant, events): (String, i64) = conn
            .query_row(
                "SELECT c.applicant_name, (SELECT count(*) FROM audit a WHERE a.case_id = c.id) FROM cases c WHERE c.ref = ?1",
                [r],
                |row| Ok((row.get(0)?, row.get(1)?)),
            )
            .unwrap_or_else(|e| panic!("add printed {r}, which is not in the database: {e}"));
        assert!(applicant.starts_with("加塞"), "{r} is {applicant}");
        assert_eq!(events, 1, "{r}: audit events");
    }
    let (cases, add_events, import_events): (i64, i64, i64) = conn
        .query_row(
            "SELECT (SELECT count(*) FROM cases), (SELECT count(*) FROM audit WHERE action = 'add'),
                    (SELECT count(*) FROM audit WHERE action = 'import')",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .unwrap();
    assert_eq!(cases as usize, RACED + ESCALATED + 2 * ADDS_PER_WORKER);
    assert_eq!((add_events as usize, import_events as usize), (2 * ADDS_PER_WORKER, RACED + ESCALATED));

    assert_eq!(integrity(&conn), "ok");
    let fk: i64 = conn.query_row("SELECT count(*) FROM pragma_foreign_key_check", [], |r| r.get(0)).unwrap();
    assert_eq!(fk, 0);
    drop(conn);
    let check = f.cmd(&["check"]).output().unwrap();
    assert!(check.status.success(), "check: {}", String::from_utf8_lossy(&check.stderr));
    eprintln!("sixteen_processes_race_without_lost_updates took {:?}", started.elapsed());
}

/// For anything that follows a key press.
const REACT: Duration = Duration::from_secs(8);

/// Two officers open the assign popup on the same Incoming case. A confirms first; B, whose
/// popup still holds the version it saw, then picks a *different* mediator and confirms: B
/// must be told the case changed (naming who changed it), and the database must keep A's
/// choice with exactly one assign event.
#[test]
fn two_desks_assigning_the_same_case_conflict_visibly() {
    let f = Fixture::empty_demo();
    let add = |risk: &str, complexity: &str, applicant: &str| {
        f.ok(&[
            "add",
            "--category",
            "neighbour",
            "--area",
            "WH-HBW-01-01",
            "--applicant-name",
            applicant,
            "--summary",
            "两个值班台抢同一案件",
            "--risk-level",
            risk,
            "--complexity",
            complexity,
        ])
        .trim()
        .to_string()
    };
    add("yellow", "general", "王五");
    add("orange", "major", "周九");
    let conn = f.conn();
    let (first, case_id, committee): (String, i64, String) = conn
        .query_row(
            "SELECT c.ref, c.id, k.code FROM cases c JOIN committees k ON k.id = c.committee_id WHERE c.status='received' \
             ORDER BY c.risk_rank DESC, c.assign_due, c.id LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .unwrap();
    drop(conn);

    let desk = |_: &str| Desk::spawn(80, 24, &["--db", f.db.to_str().unwrap()], &base_env(f.dir.path()), f.dir.path());
    let mut a = desk("A");
    let mut b = desk("B");
    let screen = a.wait_live();
    assert!(screen.contains(&first), "desk A does not show {first}:\n{screen}");
    let screen = b.wait_live();
    assert!(screen.contains(&first), "desk B does not show {first}:\n{screen}");

    a.send("a");
    a.wait_for("A's assign popup listing candidates", REACT, |s| lists_load(s, "load"));
    b.send("a");
    b.wait_for("B's assign popup listing candidates", REACT, |s| lists_load(s, "load"));

    a.send("\r");
    let done = format!("{first} →");
    let (screen, _) =
        a.wait_for("A's assignment or its confirm", REACT, |s| s.contains(&done) || s.contains("Confirm"));
    if !screen.contains(&done) {
        a.send("y");
    }
    a.wait_for_text(&done, REACT);
    let conn = f.conn();
    let (a_id, a_name, version): (i64, String, i64) = conn
        .query_row(
            "SELECT m.id, m.name, c.version FROM cases c JOIN mediators m ON m.id = c.lead_mediator_id WHERE c.id = ?1",
            [case_id],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .unwrap();
    drop(conn);

    // B filters its (stale) candidate list down to another mediator of the committee.
    let others = f.ok(&["mediators", "--committee", &committee, "--json"]);
    let others: serde_json::Value = serde_json::from_str(&others).unwrap();
    let b_name = others
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["on_duty"].as_bool() == Some(true))
        .filter_map(|m| m["name"].as_str())
        .find(|n| !a_name.contains(n) && !n.contains(a_name.as_str()))
        .expect("a second mediator on the committee")
        .to_string();
    b.send(&b_name);
    b.wait_for("B's filtered candidate list", REACT, |s| s.contains(&b_name) && lists_load(s, "load"));
    b.send("\r");
    let (screen, _) = b.wait_for("B's conflict or its confirm", REACT, |s| {
        s.contains("Confirm") || s.contains("already") || s.contains("changed")
    });
    let screen = if screen.contains("Confirm") {
        b.send("y");
        b.wait_for("B's conflict", REACT, |s| s.contains("already") || s.contains("changed"))
    } else {
        (screen, Duration::ZERO)
    }
    .0;
    eprintln!("B sees:\n{screen}");
    let login = os_login();
    assert!(
        screen.contains(&a_name) || screen.contains(&login),
        "B's conflict message names neither A's mediator {a_name} nor the login {login}:\n{screen}"
    );
    assert!(!screen.contains(&format!("{first} → {b_name}")), "B claims the assignment:\n{screen}");

    let conn = f.conn();
    let (lead, version_after): (Option<i64>, i64) = conn
        .query_row("SELECT lead_mediator_id, version FROM cases WHERE id = ?1", [case_id], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .unwrap();
    assert_eq!((lead, version_after), (Some(a_id), version), "B overwrote A's assignment");
    let events: i64 = conn
        .query_row("SELECT count(*) FROM audit WHERE case_id = ?1 AND action = 'assign'", [case_id], |r| r.get(0))
        .unwrap();
    assert_eq!(events, 1, "assign audit events of {first}");
    assert_eq!(integrity(&conn), "ok");

    for d in [&mut a, &mut b] {
        d.send("\x1b");
        d.send("q");
        let status = d.wait_exit(Duration::from_secs(5)).expect("the desk did not exit after q");
        assert!(status.success(), "the desk exited with {status:?}");
    }
}

/// Two officers' connections on one database file made through the library, with one resolved
/// case (follow-ups scheduled) that both have looked at. Times are fixed.
mod stale_writes {
    use chrono::{DateTime, Duration, TimeZone, Utc};
    use duty_desk::domain::{AgreementForm, FollowupChannel, FollowupOutcome, NewCase, Org, Policy, Status};
    use duty_desk::error::Error;
    use duty_desk::store::{CaseFilter, Expect, FollowupRecord, Store};
    use tempfile::TempDir;

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2023, 5, 10, 1, 0, 0).unwrap()
    }

    fn intake(store: &Store) -> NewCase {
        crate::common::village_dispute(store, now() - Duration::days(20))
    }

    /// (dir, officer A, officer B, the case's ref, two mediators of its committee).
    fn two_officers() -> (TempDir, Store, Store, String, Vec<i64>) {
        let dir = TempDir::new().unwrap();
        let path = dir.path().join("desk.db");
        let mut a = Store::create(&path).unwrap();
        let org: Org = serde_json::from_str(include_str!("../fixtures/demo-org.json")).unwrap();
        a.init_org(&org, &Policy::default(), now()).unwrap();
        let case = a.add_case(&intake(&a), now() - Duration::days(20)).unwrap();
        let code = a.org().unwrap().committee(case.committee_id).map(|c| c.code.clone()).unwrap();
        let members: Vec<i64> =
            a.org().unwrap().mediators.iter().filter(|m| m.committees.contains(&code)).map(|m| m.id).collect();
        assert!(members.len() >= 2, "the demo committee {code} has two mediators");
        let b = Store::open(&path, false).unwrap();
        (dir, a, b, case.reference, members)
    }

    fn record(outcome: FollowupOutcome, note: &str) -> FollowupRecord {
        FollowupRecord { channel: FollowupChannel::Phone, outcome, note: note.into(), visitor: String::new() }
    }

    #[test]
    fn a_stale_followup_is_a_conflict_and_changes_nothing() {
        let (_dir, mut a, mut b, reference, members) = two_officers();
        a.assign(&reference, members[0], Expect::Latest, true, now() - Duration::days(19)).unwrap();
        let at = now() - Duration::days(10);
        a.finish(&reference, Status::Resolved, Some(AgreementForm::Written), None, "", Expect::Latest, at).unwrap();
        // Both officers look at the case.
        let seen = b.case_by_ref(&reference).unwrap().version;
        assert_eq!(a.case_by_ref(&reference).unwrap().version, seen);

        let first = a.record_followup(&reference, &record(FollowupOutcome::Partial, "A"), Expect::Version(seen), now());
        let after_a = first.unwrap();
        assert_eq!(after_a.version, seen + 1);
        let followups_after_a = a.followups_of(after_a.id).unwrap();
        let audit_after_a = a.audit_of(after_a.id).unwrap();
        // The audit row carries the command's clock, not the wall clock.
        assert_eq!(audit_after_a.last().map(|e| (e.action.as_str(), e.at)), Some(("followup", now())));

        let second =
            b.record_followup(&reference, &record(FollowupOutcome::Performed, "B"), Expect::Version(seen), now());
        let err = second.unwrap_err();
        assert!(matches!(err, Error::Conflict(_)), "{err:?}");
        assert_eq!(err.exit_code(), 3);
        // Nothing changed: the case, its follow-ups and its audit trail are as A left them.
        assert_eq!(b.case_by_ref(&reference).unwrap(), after_a);
        assert_eq!(b.followups_of(after_a.id).unwrap(), followups_after_a);
        assert_eq!(b.audit_of(after_a.id).unwrap(), audit_after_a);
    }

    #[test]
    fn a_stale_assign_is_a_conflict_and_keeps_the_first_lead() {
        let (_dir, mut a, mut b, reference, members) = two_officers();
        let seen = b.case_by_ref(&reference).unwrap().version;
        a.assign(&reference, members[0], Expect::Version(seen), true, now()).unwrap();
        let err = b.assign(&reference, members[1], Expect::Version(seen), true, now()).unwrap_err();
        assert!(matches!(err, Error::Conflict(_)), "{err:?}");
        assert_eq!(b.case_by_ref(&reference).unwrap().lead_mediator_id, Some(members[0]));
    }

    #[test]
    fn a_read_transaction_sees_one_state_while_another_officer_writes() {
        let (_dir, a, mut b, _reference, _members) = two_officers();
        let all = CaseFilter::default();
        let new = intake(&b);
        let (before, inside) = a
            .read_consistent(|s| {
                let before = s.count_cases(&all, now())?;
                b.add_case(&new, now())?;
                Ok((before, s.count_cases(&all, now())?))
            })
            .unwrap();
        assert_eq!(before, inside, "a write by another officer showed up inside one snapshot");
        assert_eq!(a.count_cases(&all, now()).unwrap(), before + 1, "and shows up in the next one");
    }
}

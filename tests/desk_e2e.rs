//! End-to-end tests of the desk (issue 3, "Done when"): the real binary in a pseudo-terminal on
//! a temp demo database, driven by keys, read back through a terminal emulator and checked in
//! SQLite.

#[path = "common/pty.rs"]
mod pty;

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use chrono::Timelike;
use pty::{base_env, lists_load, os_login, Desk, PANES_EN};
use rusqlite::{Connection, OpenFlags};
use tempfile::TempDir;

/// Generous: a debug build on a loaded machine opens the DB and draws the first frame.
const STARTUP: Duration = Duration::from_secs(10);
/// For anything that follows a key press.
const REACT: Duration = Duration::from_secs(5);
/// How long the desk may take to exit after `q` or a signal.
const EXIT: Duration = Duration::from_secs(5);

/// A temp dir with a fresh demo database (`demo --no-tui --cases N --seed S`).
struct Fixture {
    dir: TempDir,
    db: PathBuf,
}

impl Fixture {
    fn demo(cases: usize, seed: u64) -> Fixture {
        let dir = TempDir::new().unwrap();
        let db = dir.path().join("desk.db");
        let f = Fixture { dir, db };
        let out = f.cli(&["demo", "--no-tui", "--cases", &cases.to_string(), "--seed", &seed.to_string()], None);
        assert!(out.status.success(), "demo failed: {}", String::from_utf8_lossy(&out.stderr));
        f
    }

    fn db_arg(&self) -> &str {
        self.db.to_str().unwrap()
    }

    /// Runs a scripting command in another process.
    fn cli(&self, args: &[&str], stdin: Option<&str>) -> std::process::Output {
        let mut cmd = Command::new(assert_cmd::cargo::cargo_bin("duty-desk"));
        cmd.arg("--db").arg(&self.db).args(args);
        cmd.env_remove("DUTY_DESK_DB").env_remove("LC_ALL").env_remove("LC_MESSAGES").env("LANG", "C.UTF-8");
        cmd.stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped());
        let mut child = cmd.spawn().unwrap();
        let mut pipe = child.stdin.take().unwrap();
        pipe.write_all(stdin.unwrap_or("").as_bytes()).unwrap();
        drop(pipe);
        child.wait_with_output().unwrap()
    }

    /// `duty-desk add --json -` in another process; returns the new case's ref.
    fn add(&self, risk_level: &str, complexity: &str, applicant: &str) -> String {
        let record = serde_json::json!({
            "received_at": (chrono::Utc::now() - chrono::Duration::minutes(1))
                .to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            "source": "walk_in",
            "category": "neighbour",
            "applicant_name": applicant,
            "applicant_phone": "13812345678",
            "respondent_name": "李四",
            "summary": "楼上漏水纠纷，双方协商未果",
            "amount_fen": 350000,
            "area": "WH-HBW-01-01",
            "complexity": complexity,
            "risk_level": risk_level,
        });
        let out = self.cli(&["add", "--json", "-"], Some(&record.to_string()));
        assert!(out.status.success(), "add failed: {}", String::from_utf8_lossy(&out.stderr));
        let printed: serde_json::Value = serde_json::from_slice(&out.stdout)
            .unwrap_or_else(|e| panic!("add --json printed no JSON ({e}): {}", String::from_utf8_lossy(&out.stdout)));
        printed["ref"].as_str().unwrap_or_else(|| panic!("no ref in {printed}")).to_string()
    }

    fn conn(&self) -> Connection {
        Connection::open_with_flags(&self.db, OpenFlags::SQLITE_OPEN_READ_ONLY).unwrap()
    }

    /// The first case of the Incoming pane, as the desk orders it.
    fn first_incoming(&self) -> String {
        self.conn()
            .query_row(
                "SELECT ref FROM cases WHERE status='received' ORDER BY \
                 (risk_rank >= 30 OR assign_due < CAST(strftime('%s','now') AS INTEGER)) DESC, \
                 risk_rank DESC, assign_due, id LIMIT 1",
                [],
                |r| r.get(0),
            )
            .expect("an unassigned case")
    }

    /// Everything a write could change, summed up.
    fn digest(&self) -> (i64, i64, i64, i64, i64) {
        self.conn()
            .query_row(
                "SELECT (SELECT count(*) FROM cases), (SELECT total(version) FROM cases),
                        (SELECT count(*) FROM cases WHERE status='received'),
                        (SELECT count(*) FROM audit), (SELECT ifnull(max(id), 0) FROM audit)",
                [],
                |r| Ok((r.get(0)?, r.get::<_, f64>(1)? as i64, r.get(2)?, r.get(3)?, r.get(4)?)),
            )
            .unwrap()
    }

    /// The desk on this database in a `cols`×`rows` pty, with `args` after `--db PATH`.
    fn desk(&self, cols: u16, rows: u16, args: &[&str]) -> Desk {
        let mut all = vec!["--db", self.db_arg()];
        all.extend_from_slice(args);
        Desk::spawn(cols, rows, &all, &base_env(self.dir.path()), self.dir.path())
    }
}

fn find(hay: &[u8], needle: &[u8]) -> Vec<usize> {
    hay.windows(needle.len()).enumerate().filter(|(_, w)| *w == needle).map(|(i, _)| i).collect()
}

const SYNC_BEGIN: &[u8] = b"\x1b[?2026h";
const SYNC_END: &[u8] = b"\x1b[?2026l";
const ALT_ENTER: &[u8] = b"\x1b[?1049h";
const ALT_LEAVE: &[u8] = b"\x1b[?1049l";
const CURSOR_HIDE: &[u8] = b"\x1b[?25l";
const CURSOR_SHOW: &[u8] = b"\x1b[?25h";
/// Bracketed paste on and off (pasted text is typed, never read as keys).
const PASTE_ON: &[u8] = b"\x1b[?2004h";
const PASTE_OFF: &[u8] = b"\x1b[?2004l";
/// Mouse reporting on (presses and the wheel, SGR coordinates) and off (every mouse mode).
const MOUSE_ON: &[u8] = b"\x1b[?1000h\x1b[?1006h";
const MOUSE_OFF: &[u8] = b"\x1b[?1006l\x1b[?1015l\x1b[?1003l\x1b[?1002l\x1b[?1000l";

/// The desk left the terminal as it found it: the emulated terminal is back on the main
/// screen with the cursor shown, and the output ends by leaving the alternate screen and
/// showing the cursor, with no frame written after that.
fn assert_restored(desk: &mut Desk) {
    let out = desk.output();
    assert!(!desk.on_alternate_screen(), "the terminal is still on the alternate screen");
    assert!(desk.cursor_visible(), "the cursor is still hidden");
    let left = find(&out, ALT_LEAVE).last().copied().expect("the desk never left the alternate screen");
    let tail = &out[left..];
    assert!(
        find(tail, SYNC_BEGIN).is_empty() && (out.ends_with(ALT_LEAVE) || out.ends_with(CURSOR_SHOW)),
        "the output does not end with the restore codes: something was written after leaving the \
         alternate screen; tail: {:?}",
        String::from_utf8_lossy(tail)
    );
    assert!(!find(tail, CURSOR_SHOW).is_empty(), "the cursor was not shown after leaving the alternate screen");
}

/// Every frame is wrapped in synchronized-update codes (properly paired, never nested), and
/// nothing but the terminal-mode switches is written outside a frame.
fn assert_frames_synchronized(out: &[u8]) {
    let mut outside = Vec::new();
    let mut rest = out;
    let mut frames = 0;
    while let Some(b) = find(rest, SYNC_BEGIN).first().copied() {
        outside.extend_from_slice(&rest[..b]);
        let body = &rest[b + SYNC_BEGIN.len()..];
        let e = *find(body, SYNC_END).first().expect("a frame that never ends");
        assert!(find(&body[..e], SYNC_BEGIN).is_empty(), "nested synchronized updates");
        frames += 1;
        rest = &body[e + SYNC_END.len()..];
    }
    outside.extend_from_slice(rest);
    assert!(frames > 0, "no synchronized frame at all");
    let mut left = outside.clone();
    for code in [ALT_ENTER, ALT_LEAVE, CURSOR_HIDE, CURSOR_SHOW, PASTE_ON, PASTE_OFF, MOUSE_ON, MOUSE_OFF] {
        while let Some(i) = find(&left, code).first().copied() {
            left.drain(i..i + code.len());
        }
    }
    assert!(left.is_empty(), "written outside a synchronized frame: {:?}", String::from_utf8_lossy(&left));
}

#[test]
fn assign_first_incoming_case_from_the_keyboard() {
    let f = Fixture::demo(300, 7);
    // 300 cases spread over two years rarely leave one unassigned "now": put two in the queue,
    // the more urgent one added last, so the desk must order them (not take the newest or the
    // oldest id); the demo's own unassigned cases, if any, compete too.
    let ordinary = f.add("yellow", "general", "王五");
    f.add("orange", "major", "周九");
    let first = f.first_incoming();
    assert_ne!(first, ordinary, "the SQL order put the yellow case first");
    let before = f.digest();

    let mut desk = f.desk(80, 24, &[]);
    let screen = desk.wait_live();
    assert!(screen.contains(&first), "the first Incoming case {first} is not on screen:\n{screen}");

    desk.send("a");
    let (popup, _) = desk.wait_for("the assign popup listing candidates", REACT, |s| lists_load(s, "load"));
    assert!(popup.contains("Assign"), "no Assign popup:\n{popup}");
    desk.send("\r");
    let done = format!("{first} →");
    let (screen, _) =
        desk.wait_for("the assignment or its confirm", REACT, |s| s.contains(&done) || s.contains("Confirm"));
    if !screen.contains(&done) {
        desk.send("y");
    }
    let screen = desk.wait_for_text(&done, REACT);
    desk.send("q");
    let status = desk.wait_exit(EXIT).expect("the desk did not exit after q");
    assert!(status.success(), "the desk exited with {status:?}");

    let conn = f.conn();
    let (id, status, lead, lead_name): (i64, String, Option<i64>, Option<String>) = conn
        .query_row(
            "SELECT c.id, c.status, c.lead_mediator_id, m.name FROM cases c
             LEFT JOIN mediators m ON m.id = c.lead_mediator_id WHERE c.ref = ?1",
            [&first],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )
        .unwrap();
    assert_eq!(status, "assigned");
    assert!(lead.is_some(), "{first} has no lead mediator");
    let name = lead_name.unwrap();
    assert!(screen.contains(&format!("{first} → {name}")), "the status bar does not name {name}:\n{screen}");
    let audits: Vec<String> = conn
        .prepare("SELECT actor FROM audit WHERE case_id = ?1 AND action = 'assign'")
        .unwrap()
        .query_map([id], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(audits, vec![os_login()], "assign audit rows of {first}");
    // Nothing else was written: one case changed, one audit row added.
    let after = f.digest();
    assert_eq!((after.0, after.2, after.3), (before.0, before.2 - 1, before.3 + 1));

    assert_frames_synchronized(&desk.output());
    assert_restored(&mut desk);
}

#[test]
fn case_added_by_another_process_shows_within_a_second() {
    let f = Fixture::demo(300, 7);
    let mut desk = f.desk(80, 24, &[]);
    desk.wait_live();
    let reference = f.add("red", "critical", "赵六");
    let added = Instant::now();
    let (screen, _) = desk.wait_for("the new case on screen", Duration::from_secs(5), |s| s.contains(&reference));
    let elapsed = added.elapsed();
    eprintln!("{reference} showed {elapsed:?} after `add` returned");
    assert!(elapsed < Duration::from_secs(1), "{reference} took {elapsed:?} to show (limit 1 s):\n{screen}");
    desk.send("q");
    assert!(desk.wait_exit(EXIT).expect("the desk did not exit after q").success());
    assert_restored(&mut desk);
}

#[test]
fn idle_desk_writes_nothing() {
    let f = Fixture::demo(300, 7);
    f.add("orange", "major", "钱七");
    let mut desk = f.desk(80, 24, &[]);
    desk.wait_live();
    std::thread::sleep(Duration::from_millis(1500));
    // The status bar shows the clock to the minute: keep the 10 s window off a minute boundary
    // (and clear of the redraw just after one).
    while !(2..45).contains(&chrono::Local::now().second()) {
        std::thread::sleep(Duration::from_millis(100));
    }
    let start = desk.bytes_len();
    let screen = desk.screen();
    std::thread::sleep(Duration::from_secs(10));
    let written = desk.bytes_len() - start;
    assert_eq!(
        written,
        0,
        "the idle desk wrote {written} bytes in 10 s; screen before:\n{screen}\nafter:\n{}",
        desk.screen()
    );
    assert!(desk.is_running());
    desk.send("q");
    assert!(desk.wait_exit(EXIT).expect("the desk did not exit after q").success());
    assert_restored(&mut desk);
}

#[test]
fn too_small_terminal_says_so_and_recovers() {
    let f = Fixture::demo(300, 7);
    let mut desk = f.desk(60, 20, &[]);
    let screen = desk.wait_for_text("terminal too small", STARTUP);
    assert!(!screen.contains("Incoming"), "panes drawn below 80×24:\n{screen}");

    desk.resize(80, 24);
    let screen = desk.wait_live();
    assert!(!screen.contains("too small"), "still says too small at 80×24:\n{screen}");

    desk.resize(200, 50);
    desk.wait_for("the panes at 200×50", REACT, |s| PANES_EN.iter().all(|p| s.contains(p)) && s.lines().count() > 30);

    desk.resize(79, 24);
    desk.wait_for_text("terminal too small", REACT);

    desk.resize(80, 24);
    desk.wait_live();
    desk.send("q");
    assert!(desk.wait_exit(EXIT).expect("the desk did not exit after q").success());
    assert_restored(&mut desk);
}

#[test]
fn quits_cleanly_in_chinese_and_read_only() {
    let f = Fixture::demo(300, 7);
    // A case in the queue, so `a` has something it would assign.
    let reference = f.add("red", "critical", "孙八");
    let before = f.digest();
    let mut desk = f.desk(80, 24, &["--lang", "zh", "--read-only"]);
    let screen = desk.wait_live_in(&["待分派", "分流", "工作量", "回访"], "实时");
    assert!(screen.contains("只读"), "no read-only marker:\n{screen}");
    assert!(screen.contains(&reference), "{reference} not in 待分派:\n{screen}");

    desk.send("a");
    let screen = desk.wait_for_text("只读模式", REACT);
    assert!(!lists_load(&screen, "负荷"), "an assign popup opened read-only:\n{screen}");
    desk.send("q");
    let status = desk.wait_exit(EXIT).expect("the desk did not exit after q");
    assert!(status.success(), "the desk exited with {status:?}");
    assert_eq!(f.digest(), before, "the read-only desk changed the database");
    assert_restored(&mut desk);
}

#[test]
fn sighup_restores_and_exits() {
    use nix::sys::signal::{kill, Signal};
    use nix::unistd::Pid;

    let f = Fixture::demo(300, 7);
    let mut desk = f.desk(80, 24, &[]);
    desk.wait_live();
    let pid = Pid::from_raw(i32::try_from(desk.pid()).unwrap());
    let sent = Instant::now();
    kill(pid, Signal::SIGHUP).unwrap();
    let status = desk.wait_exit(Duration::from_secs(2));
    assert!(status.is_some(), "still running {:?} after SIGHUP", sent.elapsed());
    eprintln!("exited {:?} after SIGHUP with {status:?}", sent.elapsed());
    assert_restored(&mut desk);
}

/// Issue 7: the desk shows a case; another process assigns it, and the desk's refresh takes it
/// off the screen; the officer's palette `:assign` names the version the desk showed, so it gets
/// the conflict, and the other assignment stays.
#[test]
fn a_stale_palette_assign_shows_the_conflict_and_overwrites_nothing() {
    let f = Fixture::demo(300, 7);
    let reference = f.add("red", "critical", "赵六");
    let mediators: Vec<(i64, String)> = f
        .conn()
        .prepare("SELECT id, name FROM mediators ORDER BY id LIMIT 2")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    let ((theirs, their_name), (ours, _)) = (mediators[0].clone(), mediators[1].clone());

    let mut desk = f.desk(100, 30, &[]);
    let screen = desk.wait_live();
    assert!(screen.contains(&reference), "{reference} is not on screen:\n{screen}");

    let out = f.cli(&["assign", &reference, &theirs.to_string(), "--force"], None);
    assert!(out.status.success(), "the other assign failed: {}", String::from_utf8_lossy(&out.stderr));
    // The status line may name the case ("… left the list"): look at the Incoming pane only.
    desk.wait_for("the refresh that takes the case off Incoming", REACT, |s| {
        !s.lines().take_while(|l| !l.contains("Workload")).any(|l| l.contains(&reference))
    });

    desk.send(&format!(":assign {reference} {ours}\r"));
    let (screen, _) = desk.wait_for("the conflict", REACT, |s| s.contains("overwritten"));
    assert!(screen.contains(&their_name), "the conflict does not say who leads it now:\n{screen}");
    desk.send("\x1b");
    desk.send("q");
    assert!(desk.wait_exit(EXIT).expect("the desk did not exit after q").success());

    let lead: i64 =
        f.conn().query_row("SELECT lead_mediator_id FROM cases WHERE ref = ?1", [&reference], |r| r.get(0)).unwrap();
    assert_eq!(lead, theirs, "the other process's assignment was overwritten");
    assert_restored(&mut desk);
}

//! End-to-end tests of issue 11's intake form and palette: the real binary in a pseudo-terminal
//! on a temp demo database, driven by keys and checked in SQLite.

#[path = "common/pty.rs"]
mod pty;

use std::path::PathBuf;
use std::process::Command;
use std::time::Duration;

use pty::{base_env, Desk};
use rusqlite::{Connection, OpenFlags};
use tempfile::TempDir;

/// For anything that follows a key press.
const REACT: Duration = Duration::from_secs(5);
/// How long the desk may take to exit after `q`.
const EXIT: Duration = Duration::from_secs(5);

struct Fixture {
    dir: TempDir,
    db: PathBuf,
}

impl Fixture {
    fn demo() -> Fixture {
        let dir = TempDir::new().unwrap();
        let db = dir.path().join("desk.db");
        let out = Command::new(assert_cmd::cargo::cargo_bin("duty-desk"))
            .arg("--db")
            .arg(&db)
            .args(["demo", "--no-tui", "--cases", "200", "--seed", "7"])
            .env_remove("DUTY_DESK_DB")
            .output()
            .unwrap();
        assert!(out.status.success(), "demo failed: {}", String::from_utf8_lossy(&out.stderr));
        Fixture { dir, db }
    }

    fn conn(&self) -> Connection {
        Connection::open_with_flags(&self.db, OpenFlags::SQLITE_OPEN_READ_ONLY).unwrap()
    }

    fn desk(&self) -> Desk {
        let args = ["--db", self.db.to_str().unwrap()];
        Desk::spawn(100, 40, &args, &base_env(self.dir.path()), self.dir.path())
    }

    fn count(&self, sql: &str) -> i64 {
        self.conn().query_row(sql, [], |r| r.get(0)).unwrap()
    }
}

/// Moves the form's focus down `n` fields.
fn tabs(desk: &mut Desk, n: usize) {
    desk.send(&"\t".repeat(n));
}

#[test]
fn the_form_refuses_a_bad_id_number_and_accepts_full_width_digits() {
    let f = Fixture::demo();
    let before = f.count("SELECT count(*) FROM cases");
    let mut desk = f.desk();
    desk.wait_live();

    // Esc on a filled form asks first; n goes back to it.
    desk.send("n");
    desk.wait_for_text("Received", REACT);
    tabs(&mut desk, 3); // received_at, source, category → applicant_name
    desk.send("测试甲乙");
    desk.send("\x1b");
    desk.wait_for_text("Discard", REACT);
    desk.send("n");
    desk.wait_for("the form again", REACT, |s| !s.contains("Discard") && s.contains("测试甲乙"));

    tabs(&mut desk, 1);
    desk.send("１３８１２３４５６７８");
    tabs(&mut desk, 1);
    desk.send("110105194912310021"); // wrong check digit
    tabs(&mut desk, 4); // respondent name, phone, id → summary
    desk.send("楼上漏水");
    tabs(&mut desk, 1);
    desk.send("１２００");
    desk.send("\r");
    let (screen, _) = desk.wait_for("the id number refused", REACT, |s| s.contains("check digit"));
    assert!(screen.contains("Applicant ID"), "the error is not under its field:\n{screen}");
    assert_eq!(f.count("SELECT count(*) FROM cases"), before, "a refused form wrote a case");

    // The focus is on the id number now: clear it, type a good one in full width, save.
    desk.send("\x15");
    desk.send("１１０１０５１９４９１２３１００２Ｘ");
    desk.send("\r");
    desk.wait_for("the form to close", REACT, |s| !s.contains("check digit") && !s.contains("Applicant ID"));
    let mut stored = None;
    for _ in 0..50 {
        stored = f
            .conn()
            .query_row(
                "SELECT applicant_phone, applicant_id_no, amount_fen FROM cases WHERE applicant_name = '测试甲乙'
                 ORDER BY id DESC LIMIT 1",
                [],
                |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, i64>(2)?)),
            )
            .ok();
        if stored.is_some() {
            break;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    let (phone, id_no, amount) = stored.expect("the case was not stored");
    assert_eq!((phone.as_str(), id_no.as_str(), amount), ("13812345678", "11010519491231002X", 120_000));

    desk.send("q");
    assert!(desk.wait_exit(EXIT).expect("the desk did not exit after q").success());
}

/// Issue 11: `:assign` to a mediator at capacity asks, like the assign keys; yes assigns.
#[test]
fn the_palette_confirms_an_assignment_to_a_full_mediator() {
    let f = Fixture::demo();
    let record = serde_json::json!({
        "received_at": (chrono::Utc::now() - chrono::Duration::minutes(1)).to_rfc3339(),
        "source": "walk_in", "category": "neighbour", "applicant_name": "测试丙丁",
        "summary": "楼上漏水纠纷", "area": "WH-HBW-01-01", "complexity": "critical", "risk_level": "red",
    });
    let mut cmd = Command::new(assert_cmd::cargo::cargo_bin("duty-desk"));
    cmd.arg("--db").arg(&f.db).args(["add", "--json", "-"]).env_remove("DUTY_DESK_DB");
    cmd.stdin(std::process::Stdio::piped()).stdout(std::process::Stdio::piped());
    let mut child = cmd.spawn().unwrap();
    std::io::Write::write_all(&mut child.stdin.take().unwrap(), record.to_string().as_bytes()).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success());
    let added: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let reference = added["ref"].as_str().unwrap().to_string();
    // A mediator with no room at all.
    let id: i64 = f.conn().query_row("SELECT min(id) FROM mediators", [], |r| r.get(0)).unwrap();
    Connection::open(&f.db).unwrap().execute("UPDATE mediators SET capacity = 0 WHERE id = ?1", [id]).unwrap();

    let mut desk = f.desk();
    let screen = desk.wait_live();
    assert!(screen.contains(&reference), "{reference} is not on screen:\n{screen}");
    desk.send(&format!(":assign {reference} {id}\r"));
    let (screen, _) = desk.wait_for("the capacity question", REACT, |s| s.contains("at capacity"));
    assert!(screen.contains("assign anyway"), "no question:\n{screen}");
    let lead = || -> Option<i64> {
        f.conn().query_row("SELECT lead_mediator_id FROM cases WHERE ref = ?1", [&reference], |r| r.get(0)).unwrap()
    };
    assert_eq!(lead(), None, "assigned before the confirm");
    desk.send("y");
    let mut got = None;
    for _ in 0..50 {
        got = lead();
        if got.is_some() {
            break;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    assert_eq!(got, Some(id), "the confirmed assignment was not written");
    desk.send("q");
    assert!(desk.wait_exit(EXIT).expect("the desk did not exit after q").success());
}

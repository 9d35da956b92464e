//! Every later step of a case's life through the real desk in a pseudo-terminal: the detail
//! offers the step's key, the key opens its form, Enter writes it, the status line says so, and
//! the database (read back by the CLI in another process) holds it.

mod common;
#[path = "common/pty.rs"]
mod pty;

use std::time::Duration;

use common::{s, Db};
use pty::{base_env, Desk};

const REACT: Duration = Duration::from_secs(8);

/// Adds a case through the CLI and assigns it to the first mediator; returns its ref.
fn assigned(db: &Db, applicant: &str) -> String {
    let record = serde_json::json!({
        "received_at": common::just_now(),
        "source": "walk_in",
        "category": "neighbour",
        "applicant_name": applicant,
        "summary": "楼上漏水纠纷",
        "area": "WH-HBW-01-01",
        "complexity": "general",
        "risk_level": "none",
    });
    let (code, out, err) = db.run_with_stdin(&["add", "--json", "-"], &record.to_string());
    assert_eq!(code, 0, "add failed: {err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let reference = s(&v, "ref").to_string();
    let mediator: i64 = common::open_ro(&db.path)
        .query_row(
            "SELECT x.mediator_id FROM mediator_committees x JOIN cases c ON c.committee_id = x.committee_id WHERE c.ref = ?1 LIMIT 1",
            [&reference],
            |r| r.get(0),
        )
        .unwrap();
    db.ok(&["assign", &reference, &mediator.to_string(), "--force"]);
    reference
}

/// Opens the case's detail through the palette and waits for it to load with `hint` offered.
fn show(desk: &mut Desk, reference: &str, hint: &str) {
    desk.send(&format!(":show {reference}\r"));
    desk.wait_for(&format!("the detail of {reference} offering {hint}"), REACT, |s| s.contains(hint));
}

/// Presses `key`, waits for the form titled `title`, types `keys` and saves; waits for the
/// status line to say the step was recorded.
fn step(desk: &mut Desk, key: &str, title: &str, keys: &str) -> String {
    desk.send(key);
    desk.wait_for_text(title, REACT);
    desk.send(keys);
    desk.send("\r");
    let (screen, _) = desk.wait_for(&format!("{title} recorded"), REACT, |s| s.contains(&format!("✓ {title}")));
    screen
}

#[test]
fn each_later_step_has_a_key_and_a_form_on_the_desk() {
    let db = Db::demo(0);
    let a = assigned(&db, "张三");
    let b = assigned(&db, "李四");
    let home = db.dir.path();
    let mut desk = Desk::spawn(100, 30, &["--db", db.path.to_str().unwrap()], &base_env(home), home);
    desk.wait_live();

    show(&mut desk, &a, "W arrived");
    step(&mut desk, "W", "Arrived on site", "");
    show(&mut desk, &a, "M mediate");
    step(&mut desk, "M", "Start mediation", "\t村委会调解室");
    show(&mut desk, &a, "X extend");
    step(&mut desk, "X", "Extend the clock", "\t15");
    show(&mut desk, &a, "R outcome");
    step(&mut desk, "R", "Record the outcome", "");
    show(&mut desk, &a, "J judicial");
    step(&mut desk, "J", "Judicial confirmation", "\t海勃湾区人民法院");
    // Closing asks first; with follow-ups still open the store refuses and the desk says why.
    show(&mut desk, &a, "C close");
    desk.send("C");
    desk.wait_for_text("Close?", REACT);
    desk.send("y");
    desk.wait_for_text("cannot close yet", REACT);
    desk.send("\x1b");

    // A failure needs its reason; then the case can be referred onward once.
    show(&mut desk, &b, "R outcome");
    desk.send("R");
    desk.wait_for_text("Record the outcome", REACT);
    desk.send_raw(b"\x1b[C");
    desk.wait_for_text("Parties told", REACT);
    desk.send("\t\t双方分歧过大\r");
    desk.wait_for_text("✓ Record the outcome", REACT);
    show(&mut desk, &b, "H refer");
    step(&mut desk, "H", "Refer onward", "\t海勃湾区人民法院");
    show(&mut desk, &b, "v reveal");
    let screen = desk.screen();
    assert!(!screen.contains("H refer"), "a referred case is offered a second referral:\n{screen}");
    desk.send("\x1b");

    // Escalation asks for its reason; the audit trail keeps it.
    let c = assigned(&db, "王五");
    show(&mut desk, &c, "e escalate");
    desk.send("e");
    desk.wait_for_text("Escalate", REACT);
    desk.send("\r");
    desk.wait_for_text("is required", REACT);
    desk.send("涉及两个村，需镇里协调\r");
    desk.wait_for_text(&format!("{c} ↑ town"), REACT);

    // A screening for the first committee with a duty open.
    desk.send("S");
    desk.wait_for_text("Record screening", REACT);
    desk.send("\t\t王芳\r");
    desk.wait_for("the screening recorded", REACT, |s| s.contains(" ✓ "));
    desk.send("q");
    assert!(desk.wait_exit(REACT).is_some_and(|st| st.success()));

    let case = db.json(&["show", &a, "--json"]);
    assert_eq!(s(&case, "status"), "resolved");
    assert_eq!(s(&case, "judicial_court"), "海勃湾区人民法院");
    assert_eq!(s(&case, "session_place"), "村委会调解室");
    assert!(!s(&case, "arrived_at").is_empty(), "{case}");
    let failed = db.json(&["show", &b, "--json"]);
    assert_eq!((s(&failed, "status"), s(&failed, "referred_to")), ("failed", "court"));
    let trail = db.ok(&["show", &c]);
    assert!(trail.contains("涉及两个村，需镇里协调"), "{trail}");
    let screenings = db.json(&["screening", "list", "--json"]);
    assert_eq!(screenings.as_array().map(Vec::len), Some(1), "{screenings}");
}

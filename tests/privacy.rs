//! Personal data (issue 4, item 5), on the real binary and real SQLite files:
//! - phones and id numbers are masked (138****5678) in `list`/`show`, JSON too, and in every
//!   pane and the detail popup of the desk — neither the screen nor the bytes written to the
//!   terminal hold a raw value — until `--reveal` / `v`, each of which is one audit event per
//!   case naming the OS login;
//! - `--reveal` output goes back in through `add --json -` and `import` as an equal case, while
//!   masked output is refused with an error naming the field, and nothing is written.

mod common;
#[path = "common/pty.rs"]
mod pty;

use std::time::{Duration, Instant};

use common::{just_now, open_ro, record, records, s, Db};
use pty::{base_env, os_login, Desk};
use serde_json::Value;

const PHONE: &str = "13812345678";
const ID_NO: &str = "150302199001011231";
const RESPONDENT_PHONE: &str = "13987654321";
const PHONE_MASKED: &str = "138****5678";
const ID_MASKED: &str = "150302********1231";
const RESPONDENT_MASKED: &str = "139****4321";

/// The fields the desk sets itself: ignored on input (the one list, from the record).
use duty_desk::ingest::record::DESK_SET;

const STARTUP: Duration = Duration::from_secs(10);
const REACT: Duration = Duration::from_secs(5);

/// A demo database with one known case (the common record, made red and critical so it heads
/// the Incoming queue); returns the database and the case's ref.
fn fixture() -> (Db, String) {
    let db = Db::demo(30);
    let mut rec = record(&just_now(), "张三");
    rec["risk_level"] = "red".into();
    rec["complexity"] = "critical".into();
    let added = db.json_with_stdin(&["add", "--json", "-"], &rec.to_string());
    let reference = s(&added, "ref").to_string();
    for raw in [PHONE, ID_NO, RESPONDENT_PHONE] {
        assert!(!added.to_string().contains(raw), "add --json printed {raw} unmasked: {added}");
    }
    (db, reference)
}

trait DbExt {
    fn json_with_stdin(&self, args: &[&str], stdin: &str) -> Value;
    fn secrets(&self) -> Vec<String>;
    fn reveals(&self) -> Vec<(String, String)>;
    fn audit_count(&self) -> i64;
}

impl DbExt for Db {
    fn json_with_stdin(&self, args: &[&str], stdin: &str) -> Value {
        let (code, out, err) = self.run_with_stdin(args, stdin);
        assert_eq!(code, 0, "{args:?} failed: {err}");
        serde_json::from_str(&out).unwrap_or_else(|e| panic!("{args:?}: not JSON ({e}): {out}"))
    }

    /// Every phone and id number stored (the parties' of the known case and of the demo's, and
    /// the mediators'), as they must never be printed unless revealed.
    fn secrets(&self) -> Vec<String> {
        let conn = open_ro(&self.path);
        let mut stmt = conn
            .prepare(
                "SELECT applicant_phone FROM cases UNION SELECT applicant_id_no FROM cases
                 UNION SELECT respondent_phone FROM cases UNION SELECT respondent_id_no FROM cases
                 UNION SELECT phone FROM mediators",
            )
            .unwrap();
        let mut all: Vec<String> = stmt
            .query_map([], |r| r.get::<_, String>(0))
            .unwrap()
            .collect::<Result<Vec<_>, _>>()
            .unwrap()
            .into_iter()
            .filter(|v| !v.is_empty())
            .collect();
        for v in [PHONE, ID_NO, RESPONDENT_PHONE] {
            assert!(all.iter().any(|a| a == v), "{v} is not stored");
        }
        all.sort();
        all
    }

    /// (case ref, actor) of every reveal event, in order.
    fn reveals(&self) -> Vec<(String, String)> {
        let conn = open_ro(&self.path);
        let mut stmt = conn
            .prepare("SELECT c.ref, a.actor FROM audit a JOIN cases c ON c.id = a.case_id WHERE a.action = 'reveal' ORDER BY a.id")
            .unwrap();
        stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?))).unwrap().collect::<Result<_, _>>().unwrap()
    }

    fn audit_count(&self) -> i64 {
        open_ro(&self.path).query_row("SELECT count(*) FROM audit", [], |r| r.get(0)).unwrap()
    }
}

fn assert_no_secret(what: &str, text: &str, secrets: &[String]) {
    for v in secrets {
        assert!(!text.contains(v.as_str()), "{what} shows {v} unmasked:\n{text}");
    }
}

fn find(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}

#[test]
fn list_and_show_mask_personal_data_by_default() {
    let (db, reference) = fixture();
    let secrets = db.secrets();
    for args in [
        &["list"][..],
        &["list", "--limit", "0"],
        &["list", "--json"],
        &["list", "--json", "--limit", "0"],
        &["list", "--json", "--unassigned"],
        &["show", &reference],
        &["show", &reference, "--json"],
        &["--lang", "zh", "show", &reference],
        &["mediators"],
        &["mediators", "--json"],
    ] {
        let out = db.ok(args);
        assert_no_secret(&format!("{args:?}"), &out, &secrets);
    }
    // Every demo case's own detail and record, too.
    for rec in records(&db.json(&["list", "--json", "--limit", "0"])) {
        let r = s(rec, "ref");
        assert_no_secret(&format!("show {r}"), &db.ok(&["show", r]), &secrets);
        assert_no_secret(&format!("show {r} --json"), &db.ok(&["show", r, "--json"]), &secrets);
    }

    let shown = db.ok(&["show", &reference]);
    assert!(shown.contains(PHONE_MASKED) && shown.contains(ID_MASKED), "show does not show the masks:\n{shown}");
    let rec = db.json(&["show", &reference, "--json"]);
    assert_eq!(
        (s(&rec, "applicant_phone"), s(&rec, "applicant_id_no"), s(&rec, "respondent_phone")),
        (PHONE_MASKED, ID_MASKED, RESPONDENT_MASKED)
    );
    let listed = db.json(&["list", "--json", "--limit", "0"]);
    let mine = records(&listed).iter().find(|r| s(r, "ref") == reference).expect("the case in list --json");
    assert_eq!(s(mine, "applicant_phone"), PHONE_MASKED);
    assert_eq!(s(mine, "applicant_id_no"), ID_MASKED);
    assert!(db.reveals().is_empty(), "masked output was audited as a reveal: {:?}", db.reveals());
}

#[test]
fn desk_masks_every_pane_and_the_detail_until_v_which_is_audited_once() {
    let (db, reference) = fixture();
    let secrets = db.secrets();
    let dir = db.dir.path();
    let mut desk = Desk::spawn(120, 40, &["--db", db.path.to_str().unwrap()], &base_env(dir), dir);
    let screen = desk
        .wait_for("the panes and the live indicator", STARTUP, |s| {
            ["Incoming", "Routing", "Workload", "Follow-ups"].iter().all(|p| s.contains(p)) && s.contains("● live ")
        })
        .0;
    assert_no_secret("the desk", &screen, &secrets);

    // Browse every pane: jump, move, page, sort, help.
    for keys in ["2", "jjl", "3", "jjG", "s", "4", "j", "\t", "1", "G", "g", "?"] {
        desk.send(keys);
        std::thread::sleep(Duration::from_millis(150));
        assert_no_secret(&format!("the desk after {keys:?}"), &desk.screen(), &secrets);
    }
    // Filter Incoming down to the case and open its detail: masked, and not audited.
    desk.send("\x1b1/");
    desk.send(&reference);
    desk.send("\r");
    desk.wait_for("the case alone in Incoming", REACT, |s| s.contains(&reference) && s.contains("1/1"));
    desk.send("\r");
    let screen = desk.wait_for_text(PHONE_MASKED, REACT);
    assert!(screen.contains(ID_MASKED), "the detail does not show the masked id:\n{screen}");
    assert!(screen.contains("v reveals"), "the detail does not say how to reveal:\n{screen}");
    assert_no_secret("the detail", &screen, &secrets);
    let before_reveal = desk.output();
    for v in &secrets {
        assert!(!find(&before_reveal, v.as_bytes()), "the desk wrote {v} unmasked to the terminal");
    }
    assert!(db.reveals().is_empty(), "opening the masked detail was audited as a reveal");

    // `v` asks first (issue 11), and nothing is revealed until yes; then it reveals this case,
    // and says so, with exactly one audit event naming the OS login.
    desk.send("v");
    desk.wait_for_text("audit log", REACT);
    assert!(db.reveals().is_empty(), "v revealed before the confirm");
    desk.send("y");
    let screen = desk.wait_for_text(PHONE, REACT);
    assert!(screen.contains(ID_NO) && screen.contains(RESPONDENT_PHONE), "not all revealed:\n{screen}");
    assert!(screen.contains("revealed (audited)"), "the detail does not say it is revealed:\n{screen}");
    let want = vec![(reference.clone(), os_login())];
    let start = Instant::now();
    while db.reveals().is_empty() && start.elapsed() < REACT {
        std::thread::sleep(Duration::from_millis(50));
    }
    // Give a double write the time to show up.
    std::thread::sleep(Duration::from_millis(500));
    assert_eq!(db.reveals(), want, "reveal events after one `v`");

    // Closed and reopened, the detail is masked again; the reveal is not repeated.
    desk.send("\x1b");
    desk.wait_for("the detail to close", REACT, |s| !s.contains(PHONE));
    desk.send("\r");
    let screen = desk.wait_for_text(PHONE_MASKED, REACT);
    assert!(!screen.contains(PHONE), "the reopened detail is still revealed:\n{screen}");
    desk.send("\x1bq");
    let status = desk.wait_exit(REACT).expect("the desk did not exit after q");
    assert!(status.success(), "the desk exited with {status:?}");
    assert_eq!(db.reveals(), want, "reveal events when the desk quit");
}

#[test]
fn reveal_prints_raw_values_and_audits_each_case_once() {
    let (db, reference) = fixture();
    let me = os_login();

    let shown = db.ok(&["show", &reference, "--reveal"]);
    for raw in [PHONE, ID_NO, RESPONDENT_PHONE] {
        assert!(shown.contains(raw), "show --reveal does not show {raw}:\n{shown}");
    }
    assert_eq!(db.reveals(), vec![(reference.clone(), me.clone())]);

    let rec = db.json(&["show", &reference, "--json", "--reveal"]);
    assert_eq!((s(&rec, "applicant_phone"), s(&rec, "applicant_id_no")), (PHONE, ID_NO));
    assert_eq!(db.reveals().len(), 2, "show --json --reveal was not audited");

    let before = db.reveals().len();
    let listed = db.json(&["list", "--json", "--reveal", "--limit", "7"]);
    let refs: Vec<&str> = records(&listed).iter().map(|r| s(r, "ref")).collect();
    assert_eq!(refs.len(), 7);
    let conn = open_ro(&db.path);
    for rec in records(&listed) {
        let stored: (String, String) = conn
            .query_row("SELECT applicant_phone, applicant_id_no FROM cases WHERE ref = ?1", [s(rec, "ref")], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .unwrap();
        assert_eq!((s(rec, "applicant_phone"), s(rec, "applicant_id_no")), (&*stored.0, &*stored.1), "list --reveal");
    }
    let added: Vec<(String, String)> = db.reveals()[before..].to_vec();
    let want: Vec<(String, String)> = refs.iter().map(|r| (r.to_string(), me.clone())).collect();
    let mut got = added.clone();
    got.sort();
    let mut want_sorted = want.clone();
    want_sorted.sort();
    assert_eq!(got, want_sorted, "list --reveal should add one reveal event per listed case");
}

/// A record without the fields the desk sets itself.
fn input_part(rec: &Value) -> serde_json::Map<String, Value> {
    let mut m = rec.as_object().unwrap_or_else(|| panic!("not an object: {rec}")).clone();
    for k in DESK_SET {
        assert!(m.remove(*k).is_some(), "the record has no {k}: {rec}");
    }
    m
}

/// A mediator id (as text) of the committee a case is routed to.
fn mediator_for(db: &Db, reference: &str) -> String {
    open_ro(&db.path)
        .query_row(
            "SELECT mc.mediator_id FROM mediator_committees mc JOIN cases c ON c.committee_id = mc.committee_id
             WHERE c.ref = ?1 ORDER BY mc.mediator_id LIMIT 1",
            [reference],
            |r| r.get::<_, i64>(0),
        )
        .unwrap()
        .to_string()
}

#[test]
fn revealed_output_round_trips_and_masked_output_is_refused() {
    let (db, reference) = fixture();
    // Assigned first, so the desk-set fields of the output differ from a new case's.
    db.ok(&["assign", &reference, &mediator_for(&db, &reference), "--force"]);
    let original = db.json(&["show", &reference, "--json", "--reveal"]);
    assert_eq!(s(&original, "status"), "assigned");

    let added = db.json_with_stdin(&["add", "--json", "-"], &original.to_string());
    let copy_ref = s(&added, "ref").to_string();
    assert_ne!(copy_ref, reference);
    let copy = db.json(&["show", &copy_ref, "--json", "--reveal"]);
    assert_eq!(
        (s(&copy, "status"), s(&copy, "lead_mediator")),
        ("received", ""),
        "desk-set fields were taken from input"
    );
    assert_eq!(input_part(&copy), input_part(&original), "the revealed record did not round-trip");

    // Masked output is refused, naming each masked field, and nothing is written.
    let cases = db.case_count();
    let audits = db.audit_count();
    let masked = db.ok(&["show", &reference, "--json"]);
    let (code, out, err) = db.run_with_stdin(&["add", "--json", "-"], &masked);
    assert_eq!(code, 1, "add of a masked record: stdout {out} stderr {err}");
    for field in ["applicant_phone", "applicant_id_no", "respondent_phone"] {
        assert!(err.lines().any(|l| l.contains(field) && l.contains("masked")), "{field} not named as masked: {err}");
    }
    assert_eq!((db.case_count(), db.audit_count()), (cases, audits), "a refused add wrote something");

    // Same through import: a masked list --json, and a CSV whose second row has a masked phone.
    let masked_list = db.ok(&["list", "--json", "--limit", "3"]);
    let file = db.file("masked.json", masked_list.as_bytes());
    let (code, _, err) = db.run(&["import", file.to_str().unwrap()]);
    assert_eq!(code, 1, "import of masked JSON: {err}");
    assert!(err.contains("applicant_phone") && err.contains("masked"), "the field is not named: {err}");
    assert_eq!((db.case_count(), db.audit_count()), (cases, audits), "a refused JSON import wrote something");

    let header = "received_at,source,category,applicant_name,applicant_phone,summary,area";
    let now = just_now();
    let csv = format!(
        "{header}\n{now},walk_in,neighbour,王五,13700001111,噪音纠纷,WH-HBW-01-01\n\
         {now},walk_in,neighbour,赵六,{PHONE_MASKED},噪音纠纷,WH-HBW-01-01\n"
    );
    let file = db.file("masked.csv", csv.as_bytes());
    let (code, _, err) = db.run(&["import", file.to_str().unwrap()]);
    assert_eq!(code, 1, "import of a CSV with a masked phone: {err}");
    assert!(
        err.lines().any(|l| l.contains("line 3") && l.contains("applicant_phone") && l.contains("masked")),
        "the error does not name line 3 and the masked field: {err}"
    );
    assert_eq!((db.case_count(), db.audit_count()), (cases, audits), "a refused CSV import wrote something");

    // Revealed list output imports as equal cases.
    let revealed = db.json(&["list", "--json", "--reveal", "--limit", "3"]);
    let old_refs: Vec<String> =
        records(&db.json(&["list", "--json", "--limit", "0"])).iter().map(|r| s(r, "ref").to_string()).collect();
    let file = db.file("revealed.json", revealed.to_string().as_bytes());
    db.ok(&["import", file.to_str().unwrap()]);
    assert_eq!(db.case_count(), cases + 3);
    let all = db.json(&["list", "--json", "--reveal", "--limit", "10000"]);
    let mut imported: Vec<serde_json::Map<String, Value>> =
        records(&all).iter().filter(|r| !old_refs.iter().any(|o| o == s(r, "ref"))).map(input_part).collect();
    let mut want: Vec<serde_json::Map<String, Value>> = records(&revealed).iter().map(input_part).collect();
    let key = |m: &serde_json::Map<String, Value>| Value::Object(m.clone()).to_string();
    imported.sort_by_key(key);
    want.sort_by_key(key);
    assert_eq!(imported, want, "the imported cases are not the revealed ones");
}

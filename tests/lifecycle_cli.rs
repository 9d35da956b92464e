//! Every life-cycle transition from the CLI (issue 8): `mediate`, `resolve`/`fail`/`withdraw`,
//! `extend`, `judicial`, `refer`, `close` — legal ones change the case and write their audit
//! event; illegal ones exit 1, say what is allowed (en and zh) and change nothing; a stale
//! `--if-version` exits 3.

mod common;

use common::{just_now, record, s, Db};
use serde_json::Value;

/// A demo organisation with no generated cases.
fn empty() -> Db {
    Db::demo(0)
}

/// Adds one case (with these extra record fields) and returns its ref.
fn add(db: &Db, extra: &[(&str, &str)]) -> String {
    let mut r = record(&just_now(), "张三");
    for (k, v) in extra {
        r[*k] = Value::String((*v).to_string());
    }
    let (code, out, err) = db.run_with_stdin(&["add", "--json", "-"], &r.to_string());
    assert_eq!(code, 0, "{err}");
    let added: Value = serde_json::from_str(&out).unwrap();
    s(&added, "ref").to_string()
}

/// Assigns the case to a member of its committee with room.
fn assign(db: &Db, reference: &str) {
    let shown = db.json(&["show", reference, "--json"]);
    let mediators = db.json(&["mediators", "--committee", s(&shown, "committee"), "--json"]);
    let m = mediators
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["open"].as_u64() < m["capacity"].as_u64())
        .expect("a mediator with room");
    db.ok(&["assign", reference, s(m, "name")]);
}

fn show(db: &Db, reference: &str) -> Value {
    db.json(&["show", reference, "--json"])
}

/// Runs a command that must be refused with exit `code`; returns stderr and checks the case's
/// version did not move.
fn refused(db: &Db, reference: &str, args: &[&str], code: i32) -> String {
    let before = show(db, reference)["version"].clone();
    let (got, _, err) = db.run(args);
    assert_eq!(got, code, "{args:?}: {err}");
    assert_eq!(show(db, reference)["version"], before, "{args:?} changed the case");
    err
}

/// Runs SQL on the database (to age a case past a window without waiting).
fn sql(db: &Db, statement: &str) {
    let conn = rusqlite::Connection::open(&db.path).unwrap();
    conn.execute_batch(statement).unwrap();
}

fn audit_actions(db: &Db, reference: &str) -> Vec<String> {
    let conn = common::open_ro(&db.path);
    common::column(
        &conn,
        &format!(
            "SELECT a.action FROM audit a JOIN cases c ON c.id = a.case_id WHERE c.ref = '{reference}' ORDER BY a.id"
        ),
    )
}

#[test]
fn a_case_lives_from_mediation_to_close() {
    let db = empty();
    let r = add(&db, &[]);
    // Received: mediation cannot start; the message says what is allowed, in en and zh.
    let err = refused(&db, &r, &["mediate", &r, "--place", "村委会"], 1);
    assert!(err.contains("cannot start mediation") && err.contains("allowed now: assign, re-route, withdraw"), "{err}");
    let (_, _, zh) = db.run(&["--lang", "zh", "mediate", &r, "--place", "村委会"]);
    assert!(zh.contains("不能开始调解") && zh.contains("现可：分派、改派、撤回"), "{zh}");
    for args in [
        vec!["judicial", &r, "--court", "海勃湾区人民法院"],
        vec!["refer", &r, "--to", "court", "--body", "海勃湾区人民法院"],
        vec!["close", &r],
        vec!["extend", &r, "--consent", "parties", "--days", "5"],
        vec!["fail", &r, "--reason", "x", "--route", "litigation"],
    ] {
        refused(&db, &r, &args, 1);
    }

    assign(&db, &r);
    let v = show(&db, &r)["version"].as_i64().unwrap();
    // A stale version is a conflict (exit 3).
    refused(&db, &r, &["mediate", &r, "--place", "村委会", "--if-version", &(v - 1).to_string()], 3);
    // A place is required.
    refused(&db, &r, &["mediate", &r, "--place", " "], 1);
    let m = db.json(&["mediate", &r, "--place", "村委会调解室", "--mediators", "王五;赵六", "--json"]);
    assert_eq!(s(&m, "status"), "mediating");
    assert_eq!(s(&m, "session_place"), "村委会调解室");
    assert_eq!(s(&m, "session_mediators"), "王五;赵六");
    assert!(!s(&m, "mediation_started_at").is_empty());
    // Mediating: not again.
    let err = refused(&db, &r, &["mediate", &r, "--place", "x"], 1);
    assert!(err.contains("is mediating") && err.contains("extend"), "{err}");

    // Extension: the consent must fit the source; within the cap.
    refused(&db, &r, &["extend", &r, "--consent", "court", "--days", "5"], 1);
    refused(&db, &r, &["extend", &r, "--consent", "parties", "--days", "31"], 1);
    refused(&db, &r, &["extend", &r, "--consent", "parties", "--days", "0"], 1);
    let e = db.json(&["extend", &r, "--consent", "parties", "--days", "10", "--json"]);
    assert_eq!(e["extended_days"].as_i64(), Some(10));
    assert!(s(&e, "mediation_due") > s(&m, "mediation_due"));
    let err = refused(&db, &r, &["extend", &r, "--consent", "parties", "--days", "21"], 1);
    assert!(err.contains("at most 30 days"), "{err}");

    // Resolve on the spot with an amount agreed.
    refused(&db, &r, &["resolve", &r, "--outcome", "failed", "--amount-agreed", "100"], 1);
    let done =
        db.json(&["resolve", &r, "--outcome", "resolved", "--on-the-spot", "--amount-agreed", "1200.50", "--json"]);
    assert_eq!(s(&done, "status"), "resolved");
    assert_eq!(done["amount_agreed_fen"].as_i64(), Some(120_050));
    assert_eq!(done["performed"].as_bool(), Some(true));
    assert_eq!(s(&done, "agreement"), "written");

    // Judicial confirmation: once, within the window.
    let j = db.json(&["judicial", &r, "--court", "海勃湾区人民法院", "--json"]);
    assert_eq!(s(&j, "judicial_court"), "海勃湾区人民法院");
    assert!(!s(&j, "judicial_applied_at").is_empty());
    refused(&db, &r, &["judicial", &r, "--court", "海勃湾区人民法院"], 1);

    // Close: refused while a visit is pending; allowed once it is done.
    let err = refused(&db, &r, &["close", &r], 1);
    assert!(err.contains("follow-up visit(s) still due"), "{err}");
    sql(&db, &format!("UPDATE followups SET done_at = 1 WHERE case_id = (SELECT id FROM cases WHERE ref = '{r}')"));
    let closed = db.json(&["close", &r, "--json"]);
    assert_eq!(s(&closed, "status"), "closed");
    let err = refused(&db, &r, &["close", &r], 1);
    assert!(err.contains("allowed now: reopen"), "{err}");

    assert_eq!(audit_actions(&db, &r), ["add", "assign", "mediate", "extend", "finish", "judicial", "close"]);
    let human = db.ok(&["show", &r]);
    assert!(human.contains("First session") && human.contains("Amount agreed"), "{human}");
}

#[test]
fn a_failed_case_is_referred_onward_once() {
    let db = empty();
    let r = add(&db, &[]);
    assign(&db, &r);
    // fail needs a reason and a route.
    let (code, _, _) = db.run(&["fail", &r, "--route", "litigation"]);
    assert_eq!(code, 2);
    refused(&db, &r, &["fail", &r, "--reason", " ", "--route", "litigation"], 1);
    let f = db.json(&["fail", &r, "--reason", "双方分歧过大", "--route", "litigation", "--json"]);
    assert_eq!(s(&f, "status"), "failed");
    assert_eq!(s(&f, "told_route"), "litigation");
    assert_eq!(s(&f, "outcome_note"), "双方分歧过大");
    let err = refused(&db, &r, &["close", &r], 1);
    assert!(err.contains("allowed now: refer onward"), "{err}");
    refused(&db, &r, &["refer", &r, "--to", "court", "--body", " "], 1);
    refused(&db, &r, &["refer", &r, "--to", "court", "--body", "法院", "--date", "2001-01-01"], 1);
    let x = db.json(&["refer", &r, "--to", "court", "--body", "海勃湾区人民法院", "--json"]);
    assert_eq!(s(&x, "referred_to"), "court");
    assert_eq!(s(&x, "referred_body"), "海勃湾区人民法院");
    refused(&db, &r, &["refer", &r, "--to", "police", "--body", "派出所"], 1);
    assert_eq!(audit_actions(&db, &r), ["add", "assign", "finish", "refer"]);
}

#[test]
fn withdrawal_and_the_older_resolve_contract_still_work() {
    let db = empty();
    let r = add(&db, &[]);
    let w = db.json(&["withdraw", &r, "--json"]);
    assert_eq!(s(&w, "status"), "withdrawn");
    refused(&db, &r, &["withdraw", &r], 1);
    let r2 = add(&db, &[]);
    assign(&db, &r2);
    let out = db.ok(&["resolve", &r2, "--outcome", "failed", "--note", "no agreement"]);
    assert!(out.contains(&r2), "{out}");
    let r3 = add(&db, &[]);
    assign(&db, &r3);
    let out =
        db.ok(&["resolve", &r3, "--outcome", "resolved", "--agreement", "oral", "--performance-due", "2099-01-01"]);
    assert!(out.contains("follow-up(s) scheduled"), "{out}");
    let (code, _, _) =
        db.run(&["resolve", &r3, "--outcome", "resolved", "--on-the-spot", "--performance-due", "2099-01-01"]);
    assert_eq!(code, 2, "--on-the-spot conflicts with --performance-due");
}

#[test]
fn a_court_referral_is_extended_once_with_the_courts_consent() {
    let db = empty();
    let r = add(&db, &[("source", "court_referral")]);
    assign(&db, &r);
    refused(&db, &r, &["extend", &r, "--consent", "parties", "--days", "5"], 1);
    let e = db.json(&["extend", &r, "--consent", "court", "--days", "30", "--json"]);
    assert_eq!(e["extended_days"].as_i64(), Some(30));
    let err = refused(&db, &r, &["extend", &r, "--consent", "court", "--days", "1"], 1);
    assert!(err.contains("extended once"), "{err}");
}

#[test]
fn judicial_confirmation_is_refused_past_its_window_and_warned_before() {
    let db = empty();
    let late = add(&db, &[]);
    let soon = add(&db, &[]);
    let fresh = add(&db, &[]);
    for r in [&late, &soon, &fresh] {
        assign(&db, r);
        db.ok(&["resolve", r, "--outcome", "resolved"]);
    }
    let day = 86_400;
    sql(&db, &format!("UPDATE cases SET finished_at = finished_at - 31 * {day} WHERE ref = '{late}'"));
    sql(&db, &format!("UPDATE cases SET finished_at = finished_at - 27 * {day} WHERE ref = '{soon}'"));
    let due: Vec<String> =
        db.json(&["list", "--jc-due", "--json"]).as_array().unwrap().iter().map(|c| s(c, "ref").to_string()).collect();
    assert_eq!(due, vec![soon.clone()], "only the agreement whose window closes within 5 days");
    let err = refused(&db, &late, &["judicial", &late, "--court", "海勃湾区人民法院"], 1);
    assert!(err.contains("window for judicial confirmation closed"), "{err}");
    db.ok(&["judicial", &soon, "--court", "海勃湾区人民法院"]);
    assert!(db.json(&["list", "--jc-due", "--json"]).as_array().unwrap().is_empty());
}

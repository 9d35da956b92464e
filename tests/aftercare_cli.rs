//! After the agreement on the command line (issue 9), the real binary on a demo database in a
//! temp dir: `followup` outcomes and what they schedule, `rectify list|assign|close|reopen`,
//! `screening due|record|list` (a finding becomes a case in the same step; a bad one stores
//! nothing) and `arrive`. Exit codes per the contract (0 ok, 1 error, 2 usage, 3 conflict),
//! one-line messages, JSON shapes pinned; day boundaries in the office's zone whatever `TZ` says.

mod common;

use chrono::{DateTime, Duration, SecondsFormat, Utc};
use common::{record, s, Db};
use duty_desk::domain::Policy;
use serde_json::Value;

const DAY: i64 = 86_400;

/// Adds one case received at `received_at` (RFC 3339) and returns its ref.
fn add_at(db: &Db, received_at: &str) -> String {
    let (code, out, err) = db.run_with_stdin(&["add", "--json", "-"], &record(received_at, "张三").to_string());
    assert_eq!(code, 0, "{err}");
    let v: Value = serde_json::from_str(&out).unwrap();
    s(&v, "ref").to_string()
}

fn ago(d: Duration) -> String {
    (Utc::now() - d).to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// Assigns the case to a member of its committee; returns the mediator's name.
fn assign(db: &Db, reference: &str) -> String {
    let shown = db.json(&["show", reference, "--json"]);
    let mediators = db.json(&["mediators", "--committee", s(&shown, "committee"), "--json"]);
    let name = s(&mediators[0], "name").to_string();
    db.ok(&["assign", reference, &name, "--force"]);
    name
}

/// A case resolved now with no performance date: one visit due in 15 days.
fn resolved(db: &Db) -> (String, String) {
    let r = add_at(db, &ago(Duration::days(2)));
    let lead = assign(db, &r);
    db.ok(&["resolve", &r, "--outcome", "resolved"]);
    (r, lead)
}

fn show(db: &Db, reference: &str) -> Value {
    db.json(&["show", reference, "--json"])
}

/// Runs a command that must fail with `code` and a one-line message on stderr, nothing on stdout
/// (a usage error clap finds keeps clap's own layout: its message, then a hint).
fn fails(db: &Db, args: &[&str], code: i32) -> String {
    let (got, out, err) = db.run(args);
    assert_eq!(got, code, "{args:?}: {err}");
    assert!(out.is_empty(), "{args:?} printed {out}");
    if !err.starts_with("error: ") {
        assert_eq!(err.trim_end().lines().count(), 1, "{args:?}: not one line: {err}");
    }
    err
}

fn sql(db: &Db, statement: &str) {
    let conn = rusqlite::Connection::open(&db.path).unwrap();
    conn.execute_batch(statement).unwrap();
}

fn count(db: &Db, table: &str) -> i64 {
    let conn = common::open_ro(&db.path);
    conn.query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0)).unwrap()
}

fn keys(v: &Value) -> Vec<String> {
    let mut k: Vec<String> = v.as_object().unwrap_or_else(|| panic!("not an object: {v}")).keys().cloned().collect();
    k.sort();
    k
}

fn sorted(k: &[&str]) -> Vec<String> {
    let mut k: Vec<String> = k.iter().map(|s| s.to_string()).collect();
    k.sort();
    k
}

/// A time in RFC 3339 with the demo office's offset (Asia/Shanghai).
fn office_rfc3339(v: &Value) -> DateTime<Utc> {
    let t = v.as_str().unwrap_or_else(|| panic!("not a time: {v}"));
    assert!(t.ends_with("+08:00"), "{t}: not in office time");
    DateTime::parse_from_rfc3339(t).unwrap().with_timezone(&Utc)
}

const ITEM_KEYS: [&str; 11] = [
    "id",
    "case",
    "finding",
    "owner_mediator_id",
    "owner_committee_id",
    "owner",
    "due",
    "status",
    "note",
    "created_at",
    "closed_at",
];

fn items(db: &Db, extra: &[&str]) -> Vec<Value> {
    let mut args = vec!["rectify", "list", "--json"];
    args.extend_from_slice(extra);
    db.json(&args).as_array().unwrap().clone()
}

fn item_of<'a>(all: &'a [Value], reference: &str) -> Vec<&'a Value> {
    all.iter().filter(|i| s(i, "case") == reference).collect()
}

fn pending_visits(db: &Db, reference: &str) -> Vec<i64> {
    let conn = common::open_ro(&db.path);
    let mut stmt = conn
        .prepare(
            "SELECT f.due FROM followups f JOIN cases c ON c.id = f.case_id WHERE c.ref = ?1 AND f.done_at IS NULL",
        )
        .unwrap();
    stmt.query_map([reference], |r| r.get(0)).unwrap().collect::<Result<_, _>>().unwrap()
}

#[test]
fn each_followup_outcome_schedules_what_the_design_says() {
    let db = Db::demo(0);
    assert_eq!(db.ok(&["rectify", "list"]).trim(), "no rectification items");
    assert!(items(&db, &[]).is_empty());

    // Performed: confirmed, nothing scheduled, the case closes.
    let (r, _) = resolved(&db);
    let v = db.json(&["followup", &r, "--outcome", "performed", "--channel", "visit", "--by", "李四", "--json"]);
    assert_eq!((s(&v, "status"), v["performed"].as_bool()), ("closed", Some(true)));
    assert!(pending_visits(&db, &r).is_empty() && item_of(&items(&db, &[]), &r).is_empty());

    // Partly and not performed: the next visit in 15 days and an item due in 15 days.
    for outcome in ["partial", "not_performed"] {
        let (r, lead) = resolved(&db);
        let before = Utc::now();
        let out = db.ok(&["followup", &r, "--outcome", outcome, "--channel", "online", "--note", "尚欠两千元"]);
        assert_eq!(out.lines().count(), 1, "{out}");
        assert!(out.contains("next visit") && out.contains("rectification item #"), "{outcome}: {out}");
        let shown = show(&db, &r);
        assert_eq!((s(&shown, "status"), shown["performed"].as_bool()), ("resolved", Some(false)), "{outcome}");
        let visits = pending_visits(&db, &r);
        assert_eq!(visits.len(), 1, "{outcome}: the next visit");
        let next = visits[0] - before.timestamp();
        assert!((15 * DAY - 5..=15 * DAY + 120).contains(&next), "{outcome}: next visit in {next}s");
        let all = items(&db, &[]);
        let mine = item_of(&all, &r);
        assert_eq!(mine.len(), 1, "{outcome}");
        let item = mine[0];
        assert_eq!(keys(item), sorted(&ITEM_KEYS), "{item}");
        assert_eq!(s(item, "status"), "open");
        assert_eq!(s(item, "owner"), lead, "owned by the lead mediator");
        assert!(s(item, "finding").contains("尚欠两千元"), "{item}");
        let due = office_rfc3339(&item["due"]) - before;
        assert!(due >= Duration::days(15) - Duration::seconds(5) && due < Duration::days(15) + Duration::minutes(2));
        office_rfc3339(&item["created_at"]);
        assert!(item["closed_at"].is_null());
    }

    // Recurrence risk: performance confirmed, no visit, an item; the case cannot close.
    let (r, _) = resolved(&db);
    db.ok(&["followup", &r, "--outcome", "recurrence"]);
    let shown = show(&db, &r);
    assert_eq!((s(&shown, "status"), shown["performed"].as_bool()), ("resolved", Some(true)));
    assert!(pending_visits(&db, &r).is_empty());
    let all = items(&db, &[]);
    let item = item_of(&all, &r)[0]["id"].as_i64().unwrap().to_string();
    let err = fails(&db, &["close", &r], 1);
    assert!(err.contains("rectification item(s) still open"), "{err}");
    assert_eq!(s(&show(&db, &r), "status"), "resolved");
    let v = db.json(&["rectify", "close", &item, "--note", "双方已和好", "--json"]);
    assert_eq!(keys(&v), sorted(&["item", "case_status"]));
    assert_eq!(s(&v, "case_status"), "closed", "the last open item closes the case");
    assert_eq!((s(&v["item"], "status"), s(&v["item"], "note")), ("done", "双方已和好"));
    office_rfc3339(&v["item"]["closed_at"]);
    assert_eq!(s(&show(&db, &r), "status"), "closed");
}

#[test]
fn rectify_assign_close_and_reopen_follow_the_contract() {
    let db = Db::demo(0);
    let (r, _) = resolved(&db);
    db.ok(&["followup", &r, "--outcome", "partial"]);
    let item = item_of(&items(&db, &[]), &r)[0].clone();
    let id = item["id"].as_i64().unwrap().to_string();

    // Overdue: none yet; aged past its due date it is listed, marked, in text and JSON.
    assert!(items(&db, &["--overdue"]).is_empty());
    sql(&db, &format!("UPDATE rectifications SET due = due - 20 * {DAY} WHERE id = {id}"));
    let overdue = items(&db, &["--overdue"]);
    assert_eq!(overdue.len(), 1);
    assert_eq!(overdue[0]["id"], item["id"]);
    let text = db.ok(&["rectify", "list", "--overdue"]);
    assert!(text.starts_with("ITEM") && text.contains(&r) && text.contains("Open!"), "{text}");
    assert_eq!(items(&db, &["--open"]).len(), 1);

    // Assign: to a committee (code) or a mediator (id or exact name); unknown ones refused.
    let committee = s(&show(&db, &r), "committee").to_string();
    let v = db.json(&["rectify", "assign", &id, &committee, "--json"]);
    assert_eq!(keys(&v), sorted(&ITEM_KEYS));
    assert_eq!(s(&v, "owner"), committee);
    assert!(v["owner_mediator_id"].is_null() && v["owner_committee_id"].is_i64(), "{v}");
    let mediators = db.json(&["mediators", "--committee", &committee, "--json"]);
    let (m_id, m_name) = (mediators[1]["id"].as_i64().unwrap(), s(&mediators[1], "name").to_string());
    let out = db.ok(&["rectify", "assign", &id, &m_id.to_string()]);
    assert_eq!(out.trim(), format!("item {id} ({r}): owner {m_name}"));
    let err = fails(&db, &["rectify", "assign", &id, "没有此人"], 1);
    assert!(err.contains("no mediator or committee"), "{err}");
    fails(&db, &["rectify", "assign", "9999", &committee], 1);
    fails(&db, &["rectify", "assign", "one", &committee], 2);
    assert_eq!(item_of(&items(&db, &[]), &r)[0]["owner_mediator_id"].as_i64(), Some(m_id), "refusals changed nothing");

    // Close: a note is required; a visit is still due, so the case stays resolved.
    fails(&db, &["rectify", "close", &id], 2);
    fails(&db, &["rectify", "close", &id, "--note", "  "], 2);
    fails(&db, &["rectify", "close", &id, "--note", "bad\u{1b}[2J"], 1);
    assert_eq!(s(item_of(&items(&db, &[]), &r)[0], "status"), "open", "refusals changed nothing");
    let out = db.ok(&["rectify", "close", &id, "--note", "已付清"]);
    assert_eq!(out.trim(), format!("item {id} ({r}): done; case Resolved"));
    assert_eq!(s(&show(&db, &r), "status"), "resolved", "a visit is still due");
    // A done item is neither closed, reassigned nor reopened again (exit 3: someone got there first).
    fails(&db, &["rectify", "close", &id, "--note", "again"], 3);
    fails(&db, &["rectify", "assign", &id, &committee], 3);
    fails(&db, &["rectify", "reopen", &id], 3);
    fails(&db, &["rectify", "reopen", "9999"], 1);

    // Reopen: the next visit finds it not performed again; the item becomes a new mediation round.
    db.ok(&["followup", &r, "--outcome", "not_performed"]);
    let all = items(&db, &["--open"]);
    let id2 = item_of(&all, &r)[0]["id"].as_i64().unwrap().to_string();
    let version = show(&db, &r)["version"].as_i64().unwrap();
    let v = db.json(&["rectify", "reopen", &id2, "--json"]);
    assert_eq!(keys(&v), sorted(&["item", "case", "status", "mediation_due"]));
    assert_eq!((s(&v, "case"), s(&v, "status")), (r.as_str(), "mediating"));
    assert_eq!(v["item"].to_string(), id2);
    assert!(office_rfc3339(&v["mediation_due"]) > Utc::now(), "a fresh mediation clock");
    let shown = show(&db, &r);
    assert_eq!(s(&shown, "status"), "mediating");
    assert!(shown["version"].as_i64().unwrap() > version);
    assert!(pending_visits(&db, &r).is_empty(), "visits still pending are dropped");
    let all = items(&db, &[]);
    let states: Vec<&str> = item_of(&all, &r).iter().map(|i| s(i, "status")).collect();
    assert_eq!(states, ["done", "escalated"], "history kept: {all:?}");
    fails(&db, &["rectify", "reopen", &id2], 3);
    let conn = common::open_ro(&db.path);
    let trail = common::column(
        &conn,
        &format!("SELECT a.action FROM audit a JOIN cases c ON c.id = a.case_id WHERE c.ref = '{r}' ORDER BY a.id"),
    );
    assert_eq!(
        trail,
        [
            "add",
            "assign",
            "finish",
            "followup",
            "rectify_assign",
            "rectify_assign",
            "rectify_close",
            "followup",
            "reopen"
        ],
        "every step audited, the history kept"
    );
    let human = db.ok(&["show", &r]);
    assert!(human.contains(&r), "{human}");
    // The new round ends as any other.
    db.ok(&["resolve", &r, "--outcome", "resolved", "--on-the-spot"]);
    assert_eq!(s(&show(&db, &r), "status"), "resolved");
}

const DUTY_KEYS: [&str; 7] = ["committee_id", "committee", "tier", "period", "first", "last", "overdue"];
const ROW_KEYS: [&str; 11] = [
    "id",
    "committee",
    "tier",
    "period",
    "date",
    "screened_by",
    "places",
    "disputes_found",
    "note",
    "cases",
    "recorded_at",
];

fn duties(db: &Db, extra: &[&str]) -> Vec<Value> {
    let mut args = vec!["screening", "due", "--json"];
    args.extend_from_slice(extra);
    db.json(&args).as_array().unwrap().clone()
}

/// A finding: a case record in the `add --json` shape.
fn finding(summary: &str) -> Value {
    let mut r = record(&ago(Duration::hours(3)), "刘洋");
    r["summary"] = Value::String(summary.into());
    r
}

#[test]
fn screening_due_record_and_list_follow_the_contract() {
    let db = Db::demo(0);
    // Nothing recorded yet: every duty of this period is due and of the last overdue.
    let all = duties(&db, &[]);
    assert!(!all.is_empty());
    for d in &all {
        assert_eq!(keys(d), sorted(&DUTY_KEYS), "{d}");
    }
    let tiers: Vec<&str> = all.iter().map(|d| s(d, "tier")).collect();
    let rank = |t: &str| ["village", "town", "district", "city"].iter().position(|x| *x == t).unwrap();
    assert!(tiers.windows(2).all(|w| rank(w[0]) <= rank(w[1])), "grouped by tier: {tiers:?}");
    assert!(!tiers.contains(&"city"), "the city has no duty");
    let overdue = duties(&db, &["--overdue"]);
    assert!(overdue.iter().all(|d| d["overdue"] == true));
    assert_eq!(overdue.len() * 2, all.len(), "one overdue and one due per committee");
    let text = db.ok(&["screening", "due"]);
    assert!(text.starts_with("TIER") && text.contains("overdue") && text.contains("due"), "{text}");
    assert_eq!(db.ok(&["screening", "list"]).trim(), "no screenings recorded");
    assert!(db.json(&["screening", "list", "--json"]).as_array().unwrap().is_empty());

    let due = all.iter().find(|d| s(d, "tier") == "village" && d["overdue"] == false).unwrap();
    let committee = s(due, "committee").to_string();
    let period = s(due, "period").to_string();

    // Refusals: exit 1 for what the store refuses, 2 for the command line; nothing stored.
    let future = (Utc::now() + Duration::days(3)).format("%Y-%m-%d").to_string();
    for (args, code) in [
        (vec!["--committee", "NO-SUCH", "--by", "王芳"], 1),
        (vec!["--committee", &committee, "--by", "王芳", "--date", &future], 1),
        (vec!["--committee", "TRAFFIC-WH", "--by", "王芳"], 1),
        (vec!["--committee", "G-WH", "--by", "王芳"], 1),
        (vec!["--committee", &committee, "--by", "王芳", "--date", "2026-13-01"], 2),
        (vec!["--committee", &committee], 2),
        (vec!["--committee", &committee, "--by", "  "], 2),
        (vec!["--committee", &committee, "--by", "王芳", "--note", "a\u{7}b"], 1),
    ] {
        let mut all = vec!["screening", "record"];
        all.extend_from_slice(&args);
        fails(&db, &all, code);
    }
    // A bad finding (the second has no summary), a file that is not JSON, a missing file:
    // nothing is stored, neither the screening nor the good finding's case.
    let cases_before = db.case_count();
    let bad = db.file("bad.json", Value::Array(vec![finding("宅前堆放杂物"), finding("")]).to_string().as_bytes());
    let err = fails(
        &db,
        &["screening", "record", "--committee", &committee, "--by", "王芳", "--cases", bad.to_str().unwrap()],
        1,
    );
    assert!(err.contains("record 2") || err.contains("finding 2"), "{err}");
    let junk = db.file("junk.json", b"[{\"summary\": ");
    fails(
        &db,
        &["screening", "record", "--committee", &committee, "--by", "王芳", "--cases", junk.to_str().unwrap()],
        1,
    );
    fails(
        &db,
        &["screening", "record", "--committee", &committee, "--by", "王芳", "--cases", "/nonexistent/x.json"],
        1,
    );
    assert_eq!((count(&db, "screenings"), db.case_count()), (0, cases_before), "nothing stored");

    // A plain record today clears this period's duty.
    let v = db.json(&[
        "screening",
        "record",
        "--committee",
        &committee,
        "--by",
        "王芳",
        "--places",
        "3组,5组",
        "--found",
        "2",
        "--json",
    ]);
    assert_eq!(keys(&v), sorted(&ROW_KEYS), "{v}");
    assert_eq!((s(&v, "committee"), s(&v, "period"), s(&v, "tier")), (committee.as_str(), period.as_str(), "village"));
    assert_eq!((v["disputes_found"].as_u64(), s(&v, "places"), s(&v, "screened_by")), (Some(2), "3组,5组", "王芳"));
    assert_eq!(v["cases"], Value::Array(vec![]));
    office_rfc3339(&v["recorded_at"]);
    assert!(!duties(&db, &[]).iter().any(|d| s(d, "committee") == committee && s(d, "period") == period));
    assert!(duties(&db, &[]).iter().any(|d| s(d, "committee") == committee && d["overdue"] == true), "last one still");

    // Findings become cases with source screening in the same step.
    // The second says no source: a finding's is screening whatever it says.
    let mut quiet = finding("排水沟堵塞");
    quiet.as_object_mut().unwrap().remove("source");
    let good = db.file("found.json", Value::Array(vec![finding("宅前堆放杂物"), quiet]).to_string().as_bytes());
    let out =
        db.ok(&["screening", "record", "--committee", &committee, "--by", "李娜", "--cases", good.to_str().unwrap()]);
    assert_eq!(out.lines().count(), 1, "{out}");
    assert!(out.contains("2 dispute(s) found") && out.contains("; cases WH-"), "{out}");
    let rows = db.json(&["screening", "list", "--committee", &committee, "--json"]);
    let rows = rows.as_array().unwrap();
    assert_eq!(rows.len(), 2);
    assert_eq!(keys(&rows[0]), sorted(&ROW_KEYS));
    assert_eq!(s(&rows[0], "screened_by"), "李娜", "newest first");
    let refs: Vec<String> =
        rows[0]["cases"].as_array().unwrap().iter().map(|c| c.as_str().unwrap().to_string()).collect();
    assert_eq!(refs.len(), 2);
    assert_eq!(db.case_count(), cases_before + 2);
    for r in &refs {
        let c = show(&db, r);
        assert_eq!((s(&c, "source"), s(&c, "status")), ("screening", "received"), "{c}");
    }
    let text = db.ok(&["screening", "list"]);
    assert!(text.starts_with("ID") && text.contains(&committee), "{text}");
    fails(&db, &["screening", "list", "--committee", "NO-SUCH"], 1);
}

#[test]
fn arrive_follows_the_contract() {
    let db = Db::demo(0);
    let received = (Utc::now() - Duration::hours(3)).format("%Y-%m-%dT%H:%M:00Z").to_string();
    let r = add_at(&db, &received);
    let err = fails(&db, &["arrive", &r], 1);
    assert!(err.contains("no lead mediator"), "{err}");
    assign(&db, &r);
    let version = show(&db, &r)["version"].clone();
    let received_at: DateTime<Utc> = received.parse().unwrap();
    let office = |t: DateTime<Utc>| (t + Duration::hours(8)).format("%Y-%m-%d %H:%M").to_string();
    fails(&db, &["arrive", &r, "--at", &office(received_at - Duration::minutes(1))], 1);
    fails(&db, &["arrive", &r, "--at", &office(Utc::now() + Duration::hours(1))], 1);
    fails(&db, &["arrive", &r, "--at", "yesterday-ish"], 2);
    fails(&db, &["arrive", "WH-1999-99999"], 1);
    assert_eq!(show(&db, &r)["version"], version, "refusals changed nothing");

    // Typed in office wall time (+08:00): 25 minutes after the whistle.
    let v = db.json(&["arrive", &r, "--at", &office(received_at + Duration::minutes(25)), "--json"]);
    assert_eq!(keys(&v), sorted(&["ref", "arrived_at", "minutes_from_received"]));
    assert_eq!(s(&v, "ref"), r);
    assert_eq!(office_rfc3339(&v["arrived_at"]), received_at + Duration::minutes(25));
    assert_eq!(v["minutes_from_received"].as_i64(), Some(25));
    assert_eq!(office_rfc3339(&show(&db, &r)["arrived_at"]), received_at + Duration::minutes(25));
    let err = fails(&db, &["arrive", &r], 1);
    assert!(err.contains("already recorded"), "{err}");

    // Human text says the offset; with an RFC 3339 time it keeps that time's offset.
    let r2 = add_at(&db, &received);
    assign(&db, &r2);
    let at = (received_at + Duration::minutes(90)).to_rfc3339_opts(SecondsFormat::Secs, true);
    let out = db.ok(&["arrive", &r2, "--at", &at]);
    assert_eq!(out.lines().count(), 1);
    assert!(out.contains(&format!("{} +08:00", office(received_at + Duration::minutes(90)))), "{out}");
    assert!(out.contains("arrived on site") && out.contains("after the whistle"), "{out}");
}

/// The office's "today" and typed times follow the office zone, not the server's `TZ`. The
/// office is on Kiritimati (UTC+14) and the server on UTC−12: their dates always differ.
#[test]
fn the_office_day_and_typed_times_ignore_the_servers_tz() {
    let dir = tempfile::TempDir::new().unwrap();
    let rules_text = "[office]\ntime_zone = \"Pacific/Kiritimati\"\n";
    let rules = dir.path().join("rules.toml");
    std::fs::write(&rules, rules_text).unwrap();
    let db = Db { path: dir.path().join("desk.db"), dir };
    db.ok(&["init", "--rules", rules.to_str().unwrap()]);
    let tz = Policy::from_toml(rules_text).unwrap().office.time_zone;
    let with_tz = |zone: &str, args: &[&str]| {
        let out = db.cmd(args).env("TZ", zone).output().unwrap();
        assert!(out.status.success(), "TZ={zone} {args:?}: {}", String::from_utf8_lossy(&out.stderr));
        serde_json::from_slice::<Value>(&out.stdout).unwrap()
    };
    let due_before = db.json(&["screening", "due", "--json"]);
    let committee = s(&due_before[0], "committee").to_string();
    for zone in ["UTC", "America/New_York", "Etc/GMT+12"] {
        let before = tz.date_of(Utc::now()).to_string();
        let v = with_tz(zone, &["screening", "record", "--committee", &committee, "--by", "王芳", "--json"]);
        let after = tz.date_of(Utc::now()).to_string();
        assert!(s(&v, "date") == before || s(&v, "date") == after, "TZ={zone}: {v} (office day {before})");
        assert!(s(&v, "recorded_at").ends_with("+14:00"), "{v}");
        // The due list is the same whatever the server's zone.
        let d1 = with_tz(zone, &["screening", "due", "--json"]);
        let d2 = with_tz("Asia/Shanghai", &["screening", "due", "--json"]);
        if tz.date_of(Utc::now()).to_string() == after {
            assert_eq!(d1, d2, "TZ={zone}");
        }
    }

    // A typed wall time is office time.
    let received = (Utc::now() - Duration::hours(5)).format("%Y-%m-%dT%H:%M:00Z").to_string();
    let (code, out, err) = db.run_with_stdin(&["add", "--json", "-"], &record(&received, "张三").to_string());
    assert_eq!(code, 0, "{err}");
    let r = s(&serde_json::from_str::<Value>(&out).unwrap(), "ref").to_string();
    assign(&db, &r);
    let received: DateTime<Utc> = received.parse().unwrap();
    let wall = (received + Duration::hours(14) + Duration::minutes(40)).format("%Y-%m-%d %H:%M").to_string();
    let v = with_tz("America/New_York", &["arrive", &r, "--at", &wall, "--json"]);
    assert_eq!(v["minutes_from_received"].as_i64(), Some(40), "{v}");
    assert!(s(&v, "arrived_at").ends_with("+14:00"), "{v}");
}

/// The demo has screenings, some duties done and some overdue; the report gives the median
/// time from whistle to arrival over the period.
#[test]
fn the_demo_screens_and_the_report_gives_the_median_time_to_arrival() {
    let db = Db::demo(40);
    let rows = db.json(&["screening", "list", "--json"]);
    let rows = rows.as_array().unwrap();
    assert!(!rows.is_empty(), "the demo records screenings");
    let overdue = duties(&db, &["--overdue"]);
    let committees = {
        let all = duties(&db, &[]);
        let mut c: Vec<&str> = all.iter().map(|d| s(d, "committee")).collect();
        c.sort_unstable();
        c.dedup();
        c.len()
    };
    assert!(!overdue.is_empty(), "some duties are overdue");
    let last_period_done = rows
        .iter()
        .any(|r| !overdue.iter().any(|d| s(d, "committee") == s(r, "committee") && s(d, "period") == s(r, "period")));
    assert!(last_period_done && overdue.len() < committees.max(1) * 2, "and some are done");

    // The median, on a database without generated arrivals.
    let db = Db::demo(0);
    let received = Utc::now() - Duration::hours(4);
    let received_text = received.format("%Y-%m-%dT%H:%M:00Z").to_string();
    let received: DateTime<Utc> = received_text.parse().unwrap();
    let day = (received + Duration::hours(8)).format("%Y-%m-%d").to_string();
    let period = ["report", "--from", &day, "--to", &day, "--json"];
    let base = db.json(&period)["median_arrival_minutes"].clone();
    assert!(base.is_null(), "no arrival recorded that day yet: {base}");
    for minutes in [20, 70, 30] {
        let r = add_at(&db, &received_text);
        assign(&db, &r);
        let at = (received + Duration::minutes(minutes)).to_rfc3339_opts(SecondsFormat::Secs, true);
        db.ok(&["arrive", &r, "--at", &at]);
    }
    assert_eq!(db.json(&period)["median_arrival_minutes"].as_i64(), Some(30));
}

/// The text output speaks the chosen language: headers, states and messages.
#[test]
fn rectify_and_screening_text_follow_the_language() {
    let db = Db::demo(0);
    let zh = |args: &[&str]| {
        let mut all = vec!["--lang", "zh"];
        all.extend_from_slice(args);
        db.ok(&all)
    };
    assert_eq!(zh(&["rectify", "list"]).trim(), "没有整改事项");
    assert_eq!(zh(&["screening", "list"]).trim(), "没有排查记录");
    let (r, _) = resolved(&db);
    db.ok(&["followup", &r, "--outcome", "partial"]);
    let id = item_of(&items(&db, &[]), &r)[0]["id"].as_i64().unwrap().to_string();
    let list = zh(&["rectify", "list"]);
    assert!(list.starts_with("事项") && list.contains("待整改") && list.contains("+08:00"), "{list}");
    assert!(list.contains("部分履行") && !list.contains("Partly"), "the finding's outcome in zh: {list}");
    let en = db.ok(&["rectify", "list"]);
    assert!(en.starts_with("ITEM") && en.contains(" +08:00 "), "CLI text says the offset: {en}");
    let out = zh(&["rectify", "close", &id, "--note", "已付清"]);
    assert!(out.contains("整改事项") && out.contains("已整改") && !out.contains("已结案"), "{out}");
    let due = zh(&["screening", "due"]);
    assert!(due.starts_with("层级") && due.contains("超期") && due.contains("待排查"), "{due}");
    assert!(!due.contains("overdue") && !due.contains("TIER"), "{due}");
    let committee = s(&duties(&db, &[])[0], "committee").to_string();
    let out = zh(&["screening", "record", "--committee", &committee, "--by", "王芳", "--found", "1"]);
    assert!(out.starts_with("排查记录") && out.contains("发现纠纷 1 件"), "{out}");
    let list = zh(&["screening", "list"]);
    assert!(list.starts_with("编号") && list.contains("排查人") && list.contains("王芳"), "{list}");
}

/// Two officers act on one item at once: one wins, the other is told it was already done
/// (exit 3) and changes nothing, whichever order the writes come in.
#[test]
fn two_writes_on_one_item_at_once_one_exit_0_one_exit_3() {
    let db = Db::demo(0);
    for (first, second) in [
        (vec!["--note", "甲已处理"], vec!["--note", "乙已处理"]),
        (vec!["--note", "甲已处理"], vec![]), // close against reopen
    ] {
        let (r, _) = resolved(&db);
        db.ok(&["followup", &r, "--outcome", "not_performed"]);
        let id = item_of(&items(&db, &["--open"]), &r)[0]["id"].as_i64().unwrap().to_string();
        let args = |extra: &[&str]| {
            let mut a: Vec<String> = if extra.is_empty() {
                vec!["rectify".into(), "reopen".into(), id.clone()]
            } else {
                vec!["rectify".into(), "close".into(), id.clone()]
            };
            a.extend(extra.iter().map(|s| s.to_string()));
            a
        };
        let spawn = |a: Vec<String>| {
            let mut c = std::process::Command::new(assert_cmd::cargo::cargo_bin("duty-desk"));
            c.env_remove("DUTY_DESK_DB").env("LANG", "C").arg("--db").arg(&db.path).args(a);
            c.stdout(std::process::Stdio::piped()).stderr(std::process::Stdio::piped()).spawn().unwrap()
        };
        let (a, b) = (spawn(args(&first)), spawn(args(&second)));
        let mut codes: Vec<i32> =
            [a, b].into_iter().map(|c| c.wait_with_output().unwrap().status.code().unwrap_or(-1)).collect();
        codes.sort_unstable();
        assert_eq!(codes, vec![0, 3], "{first:?} against {second:?}");
        let all = items(&db, &[]);
        let item = item_of(&all, &r)[0];
        assert_ne!(s(item, "status"), "open", "{item}");
        let conn = common::open_ro(&db.path);
        let writes: i64 = conn
            .query_row(
                "SELECT count(*) FROM audit a JOIN cases c ON c.id = a.case_id WHERE c.ref = ?1 \
                 AND a.action IN ('rectify_close', 'reopen')",
                [&r],
                |x| x.get(0),
            )
            .unwrap();
        assert_eq!(writes, 1, "one write, one audit event");
    }
}

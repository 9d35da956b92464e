//! Every write command takes `--json` and prints what it changed as JSON: the case record (the
//! `show --json` shape) for case writes, the mediator (the `mediators --json` shape) for `duty`,
//! the item, screening or import it made for the others. The real binary on a temp demo database.

mod common;

use common::{s, Db};
use serde_json::Value;

const AREA: &str = "WH-HBW-01-01";

fn add(db: &Db, name: &str) -> String {
    let v = db.json(&[
        "add",
        "--json",
        "--category",
        "neighbour",
        "--applicant-name",
        name,
        "--summary",
        "噪音纠纷",
        "--area",
        AREA,
    ]);
    s(&v, "ref").to_string()
}

/// Runs a write with `--json` and checks it printed the case record of `reference` in `status`.
fn case_write(db: &Db, args: &[&str], reference: &str, status: &str) -> Value {
    let mut all = args.to_vec();
    all.push("--json");
    let v = db.json(&all);
    assert_eq!(s(&v, "ref"), reference, "{args:?}: {v}");
    assert_eq!(s(&v, "status"), status, "{args:?}: {v}");
    assert!(v["version"].as_i64().is_some(), "{args:?}: {v}");
    v
}

#[test]
fn every_write_command_prints_what_it_changed_as_json() {
    let db = Db::demo(0);
    let r = add(&db, "张三");
    let shown = db.json(&["show", &r, "--json"]);
    let committee = s(&shown, "committee").to_string();
    let mediators = db.json(&["mediators", "--committee", &committee, "--json"]);
    let m = s(&mediators[0], "name").to_string();
    let id = mediators[0]["id"].as_i64().unwrap();

    let v = case_write(&db, &["assign", &r, &m, "--force"], &r, "assigned");
    assert_eq!(s(&v, "lead_mediator"), m);
    let v = db.json(&["arrive", &r, "--json"]);
    assert_eq!(s(&v, "ref"), r);
    assert!(v["arrived_at"].is_string());
    case_write(&db, &["mediate", &r, "--place", "调解室"], &r, "mediating");
    case_write(&db, &["extend", &r, "--consent", "parties", "--days", "3"], &r, "mediating");
    case_write(&db, &["resolve", &r, "--outcome", "resolved", "--performance-due", "2020-01-01"], &r, "resolved");
    let v = case_write(&db, &["judicial", &r, "--court", "海勃湾区人民法院"], &r, "resolved");
    assert_eq!(s(&v, "judicial_court"), "海勃湾区人民法院");
    case_write(&db, &["followup", &r, "--outcome", "not_performed"], &r, "resolved");

    // The rectification item the visit opened.
    let items = db.json(&["rectify", "list", "--json"]);
    let item = items[0]["id"].as_i64().unwrap().to_string();
    let v = db.json(&["rectify", "assign", &item, &m, "--json"]);
    assert!(v.to_string().contains(&m), "{v}");
    let v = db.json(&["rectify", "reopen", &item, "--json"]);
    assert!(v.is_object(), "{v}");

    // Escalate, transfer, withdraw, fail and refer.
    let r2 = add(&db, "李四");
    case_write(&db, &["transfer", &r2, "G-WH-HBW-01"], &r2, "received");
    case_write(&db, &["escalate", &r2, "--reason", "案情复杂"], &r2, "received");
    let r3 = add(&db, "王五");
    case_write(&db, &["withdraw", &r3], &r3, "withdrawn");
    let r4 = add(&db, "赵六");
    db.ok(&["assign", &r4, &m, "--force"]);
    db.ok(&["mediate", &r4, "--place", "调解室"]);
    case_write(&db, &["fail", &r4, "--reason", "双方分歧大", "--route", "litigation"], &r4, "failed");
    case_write(&db, &["refer", &r4, "--to", "court", "--body", "海勃湾区人民法院"], &r4, "failed");

    // duty prints the mediator as `mediators --json` does, with whether it changed.
    let v = db.json(&["duty", &m, "off", "--json"]);
    assert_eq!(v["id"].as_i64(), Some(id));
    assert_eq!(v["on_duty"].as_bool(), Some(false));
    assert_eq!(v["changed"].as_bool(), Some(true));
    for key in ["committees", "open", "capacity", "overdue"] {
        assert!(v.get(key).is_some(), "duty --json lacks {key}: {v}");
    }

    let v = db.json(&["screening", "record", "--committee", &committee, "--by", "张三", "--json"]);
    assert_eq!(s(&v, "committee"), committee);

    // import --json: the first and last refs it stored.
    let record = common::record(&common::just_now(), "孙八");
    let file = db.file("cases.json", format!("[{record}]").as_bytes());
    let v = db.json(&["import", file.to_str().unwrap(), "--json"]);
    assert_eq!(v["records"].as_u64(), Some(1));
    assert_eq!(v["stored"].as_bool(), Some(true));
    let imported = v["first_ref"].as_str().unwrap();
    assert_eq!(v["last_ref"].as_str(), Some(imported));
    assert_eq!(s(&db.json(&["show", imported, "--json"]), "applicant_name"), "孙八");
    let v = db.json(&["import", file.to_str().unwrap(), "--dry-run", "--json"]);
    assert_eq!(v["stored"].as_bool(), Some(false));
}

#[test]
fn init_demo_and_backup_print_what_they_made_as_json() {
    let dir = tempfile::TempDir::new().unwrap();
    let run = |db: &std::path::Path, args: &[&str]| -> Value {
        let out = assert_cmd::Command::cargo_bin("duty-desk")
            .unwrap()
            .env_remove("DUTY_DESK_DB")
            .env("LANG", "C")
            .env_remove("LC_ALL")
            .env_remove("LC_MESSAGES")
            .arg("--db")
            .arg(db)
            .args(args)
            .output()
            .unwrap();
        assert!(out.status.success(), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
        let text = String::from_utf8(out.stdout).unwrap();
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("{args:?}: not JSON ({e}): {text}"))
    };

    // init --json: the organisation it loaded.
    let fresh = dir.path().join("init.db");
    let v = run(&fresh, &["init", "--json"]);
    assert_eq!(s(&v, "db"), fresh.to_str().unwrap());
    for key in ["areas", "committees", "mediators"] {
        assert!(v[key].as_u64().unwrap() > 0, "init --json {key}: {v}");
    }

    // demo --json: what it added, and no desk opened (the command returns).
    let demo = dir.path().join("demo.db");
    let v = run(&demo, &["demo", "--cases", "5", "--seed", "3", "--json"]);
    assert_eq!(v["existing"].as_u64(), Some(0), "{v}");
    assert_eq!(v["cases_added"].as_u64(), Some(5), "{v}");
    assert!(v["screenings_added"].as_u64().is_some(), "{v}");
    assert_eq!(v["seed"].as_u64(), Some(3), "{v}");
    // Again: nothing added, the cases already there counted.
    let v = run(&demo, &["demo", "--no-tui", "--json"]);
    assert_eq!(v["existing"].as_u64(), Some(5), "{v}");
    assert_eq!(v["cases_added"].as_u64(), Some(0), "{v}");

    // backup --json: the copy and its size.
    let copy = dir.path().join("copy.db");
    let v = run(&demo, &["backup", copy.to_str().unwrap(), "--json"]);
    assert_eq!(s(&v, "backup"), copy.to_str().unwrap());
    assert_eq!(v["bytes"].as_u64(), Some(std::fs::metadata(&copy).unwrap().len()));
}

//! Escalation keeps the specialist and says why: the real binary on a demo database — a district
//! traffic case goes to the city traffic committee, a village case to the town geographic one,
//! a reason is required, critical cases get the joint team, and the audit trail shows the reason.

mod common;

use common::{s, Db};
use serde_json::Value;

fn add(db: &Db, category: &str, extra: &[&str]) -> String {
    let mut args =
        vec!["add", "--category", category, "--area", "WH-HBW-01-01", "--applicant-name", "赵六", "--summary", "纠纷"];
    args.extend_from_slice(extra);
    db.ok(&args).trim().to_string()
}

fn show(db: &Db, reference: &str) -> Value {
    db.json(&["show", reference, "--json"])
}

#[test]
fn a_district_traffic_case_goes_to_the_city_traffic_committee() {
    let db = Db::demo(0);
    let r = add(&db, "traffic_accident", &[]);
    let before = show(&db, &r);
    assert_eq!((s(&before, "tier"), s(&before, "committee")), ("district", "TRAFFIC-WH-HBW"));
    db.ok(&["escalate", &r, "--reason", "两区交界，需市里协调"]);
    let after = show(&db, &r);
    assert_eq!((s(&after, "tier"), s(&after, "committee")), ("city", "TRAFFIC-WH"));
    let en = db.ok(&["show", &r]);
    assert!(en.contains("reason: 两区交界，需市里协调"), "{en}");
    let zh = db.ok(&["--lang", "zh", "show", &r]);
    assert!(zh.contains("理由：两区交界，需市里协调"), "{zh}");
}

#[test]
fn a_village_case_goes_to_the_town_geographic_committee() {
    let db = Db::demo(0);
    let r = add(&db, "neighbour", &[]);
    assert_eq!(s(&show(&db, &r), "tier"), "village");
    db.ok(&["escalate", &r, "--reason", "村里调不下来"]);
    let after = show(&db, &r);
    assert_eq!(s(&after, "tier"), "town");
    assert!(s(&after, "committee").starts_with("G-"), "{after}");
}

#[test]
fn a_reason_is_required_and_nothing_changes_without_one() {
    let db = Db::demo(0);
    let r = add(&db, "neighbour", &[]);
    let before = show(&db, &r);
    let (code, _, err) = db.run(&["escalate", &r]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("--reason"), "{err}");
    let (code, _, err) = db.run(&["escalate", &r, "--reason", "   "]);
    assert_ne!(code, 0, "{err}");
    assert!(err.contains("reason is required"), "{err}");
    let (code, _, err) = db.run(&["escalate", &r, "--reason", "bad\u{1b}[2J"]);
    assert_ne!(code, 0, "{err}");
    assert_eq!(show(&db, &r), before, "nothing changed");
}

#[test]
fn critical_cases_escalated_get_the_joint_team() {
    let db = Db::demo(0);
    let r = add(&db, "neighbour", &["--complexity", "critical"]);
    db.ok(&["escalate", &r, "--reason", "重大"]);
    let after = show(&db, &r);
    assert_eq!(s(&after, "tier"), "district");
    assert_eq!(after["joint"], Value::Bool(true), "{after}");
    let en = db.ok(&["show", &r]);
    assert!(en.contains("joint team"), "{en}");
}

#[test]
fn a_flagged_case_routes_to_town_with_the_joint_team() {
    let db = Db::demo(0);
    let r = add(&db, "neighbour", &["--risk-flags", "media"]);
    let c = show(&db, &r);
    assert_eq!(s(&c, "tier"), "town");
    assert_eq!(c["joint"], Value::Bool(true), "{c}");
}

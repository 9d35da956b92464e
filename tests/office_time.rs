//! Office time end to end: the real binary under different server `TZ`s gives the same refs, due
//! dates, `show` output and report figures; the office's own zone (the policy) moves the day
//! boundaries; clock arithmetic across month ends and leap days.

mod common;

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use chrono::{DateTime, NaiveDate, Utc};
use duty_desk::domain::{Clocks, Complexity, OfficeTz, Source};
use serde_json::Value;
use tempfile::TempDir;

/// A database made with `init` (the embedded demo organisation, no cases), run under one `TZ`.
struct Office {
    _dir: TempDir,
    path: PathBuf,
    tz: &'static str,
}

impl Office {
    /// `init`, with a rules file when `rules` is given.
    fn new(tz: &'static str, rules: Option<&str>) -> Office {
        let dir = TempDir::new().unwrap();
        let path = dir.path().join("desk.db");
        let office = Office { path, tz, _dir: dir };
        let mut args = vec!["init".to_string()];
        if let Some(text) = rules {
            let p = office.path.with_file_name("rules.toml");
            std::fs::write(&p, text).unwrap();
            args.extend(["--rules".to_string(), p.display().to_string()]);
        }
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        office.ok(&args);
        office
    }

    fn cmd(&self, args: &[&str]) -> Command {
        let mut c = Command::cargo_bin("duty-desk").unwrap();
        c.env_remove("DUTY_DESK_DB").env("LANG", "C").env_remove("LC_ALL").env_remove("LC_MESSAGES");
        c.env("TZ", self.tz);
        c.arg("--db").arg(&self.path).args(args);
        c
    }

    fn run(&self, args: &[&str], stdin: &str) -> (i32, String, String) {
        let out = self.cmd(args).write_stdin(stdin.to_string()).output().unwrap();
        (
            out.status.code().unwrap_or(-1),
            String::from_utf8(out.stdout).unwrap(),
            String::from_utf8(out.stderr).unwrap(),
        )
    }

    fn ok(&self, args: &[&str]) -> String {
        let (code, out, err) = self.run(args, "");
        assert_eq!(code, 0, "{args:?} under TZ={}: {err}", self.tz);
        out
    }

    fn json(&self, args: &[&str]) -> Value {
        let out = self.ok(args);
        serde_json::from_str(&out).unwrap_or_else(|e| panic!("{args:?}: not JSON ({e}): {out}"))
    }

    /// `add --json -` of a record received at `received_at`; the stored record.
    fn add(&self, received_at: &str, applicant: &str) -> Value {
        let (code, out, err) = self.run(&["add", "--json", "-"], &common::record(received_at, applicant).to_string());
        assert_eq!(code, 0, "add {received_at} under TZ={}: {err}", self.tz);
        serde_json::from_str(&out).unwrap()
    }

    fn path(&self) -> &Path {
        &self.path
    }
}

/// What a run under one `TZ` produces for the same input.
#[derive(Debug, PartialEq)]
struct Seen {
    refs: Vec<String>,
    records: Vec<Value>,
    show: String,
    mediation_due: String,
    report_2026: Value,
    report_new_year_eve: Value,
}

fn same_input(tz: &'static str) -> Seen {
    let o = Office::new(tz, None);
    let a = o.add("2026-01-01T05:00:00+08:00", "张三");
    let b = o.add("2025-12-31T21:30:00Z", "李明"); // 2026-01-01 05:30 in the office
    let c = o.add("2025-12-31 23:59", "王五"); // office wall time: still 2025
    let flag = o.ok(&[
        "add",
        "--received-at",
        "2026-01-01",
        "--category",
        "neighbour",
        "--area",
        "WH-HBW-01-01",
        "--applicant-name",
        "赵六",
        "--summary",
        "噪音",
    ]);
    let refs: Vec<String> =
        [&a, &b, &c].iter().map(|r| common::s(r, "ref").to_string()).chain([flag.trim().to_string()]).collect();
    let records: Vec<Value> = refs.iter().map(|r| o.json(&["show", r, "--json"])).collect();
    // Assign the first one (the only member of its committee with room is whoever comes first).
    let committee = common::s(&a, "committee").to_string();
    let mediators = o.json(&["mediators", "--committee", &committee, "--json"]);
    let name = common::s(&common::records(&mediators)[0], "name").to_string();
    o.ok(&["assign", &refs[0], &name]);
    let mediation_due = common::s(&o.json(&["show", &refs[0], "--json"]), "mediation_due").to_string();
    let show = o.ok(&["show", &refs[2]]);
    // The audit trail says when things were done (now): keep the case's own lines.
    let show = show.lines().take_while(|l| !l.to_lowercase().contains("audit")).collect::<Vec<_>>().join("\n");
    let mut report_2026 = o.json(&["report", "--json", "--from", "2026-01-01", "--to", "2026-12-31"]);
    // The one assignment happened now (the wall clock): its wait in minutes differs between two
    // runs a minute boundary apart, whatever the zone. It is there; the rest must be identical.
    let wait = report_2026.as_object_mut().and_then(|r| r.remove("median_assign_minutes"));
    assert!(wait.as_ref().and_then(Value::as_i64).is_some_and(|m| m > 0), "{wait:?}");
    let report_new_year_eve = o.json(&["report", "--json", "--from", "2025-12-31", "--to", "2025-12-31"]);
    let _ = o.path();
    Seen { refs, records, show, mediation_due, report_2026, report_new_year_eve }
}

#[test]
fn the_server_tz_changes_nothing() {
    let shanghai = same_input("Asia/Shanghai");
    assert_eq!(shanghai.refs[0], "WH-2026-00001", "received 2026-01-01 05:00 +08:00 belongs to 2026");
    assert_eq!(shanghai.refs[1], "WH-2026-00002");
    assert_eq!(shanghai.refs[2], "WH-2025-00001", "23:59 on New Year's Eve is 2025");
    assert_eq!(shanghai.refs[3], "WH-2026-00003", "a bare date is the office's midnight");
    assert_eq!(common::s(&shanghai.records[0], "received_at"), "2026-01-01T05:00:00+08:00");
    assert_eq!(common::s(&shanghai.records[1], "received_at"), "2026-01-01T05:30:00+08:00");
    assert_eq!(common::s(&shanghai.records[2], "received_at"), "2025-12-31T23:59:00+08:00");
    assert_eq!(common::s(&shanghai.records[3], "received_at"), "2026-01-01T00:00:00+08:00");
    assert!(common::s(&shanghai.records[0], "assign_due").ends_with("+08:00"));
    assert!(shanghai.mediation_due.ends_with("+08:00"), "{}", shanghai.mediation_due);
    assert!(shanghai.show.contains("2025-12-31 23:59 +08:00"), "{}", shanghai.show);
    assert_eq!(shanghai.report_2026["received"].as_u64(), Some(3), "{}", shanghai.report_2026);
    assert_eq!(shanghai.report_new_year_eve["received"].as_u64(), Some(1));
    for tz in ["UTC", "America/New_York"] {
        let other = same_input(tz);
        assert_eq!(other, shanghai, "TZ={tz} differs from TZ=Asia/Shanghai");
    }
}

#[test]
fn show_json_round_trips_through_add_and_offsets_are_accepted() {
    let o = Office::new("America/New_York", None);
    let first = o.add("2026-01-01T05:00:00+08:00", "张三");
    let shown = o.ok(&["show", common::s(&first, "ref"), "--json", "--reveal"]);
    let (code, out, err) = o.run(&["add", "--json", "-"], &shown);
    assert_eq!(code, 0, "{err}");
    let again: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(common::s(&again, "received_at"), "2026-01-01T05:00:00+08:00");
    assert_eq!(common::s(&again, "ref"), "WH-2026-00002");
    let z = o.add("2025-12-31T21:00:00Z", "李明");
    assert_eq!(common::s(&z, "received_at"), "2026-01-01T05:00:00+08:00");
    let list = o.ok(&["list"]);
    assert!(list.contains("2026-01-01 05:00 +08:00"), "list says the offset: {list}");
}

#[test]
fn an_office_in_new_york_moves_the_boundaries() {
    let o = Office::new("Asia/Shanghai", Some("[office]\ntime_zone = \"America/New_York\"\n"));
    let a = o.add("2026-01-01T05:00:00+08:00", "张三"); // 2025-12-31 16:00 in New York
    assert_eq!(common::s(&a, "ref"), "WH-2025-00001");
    assert_eq!(common::s(&a, "received_at"), "2025-12-31T16:00:00-05:00");
    let b = o.add("2026-01-01", "李明"); // New York's midnight
    assert_eq!(common::s(&b, "ref"), "WH-2026-00001");
    assert_eq!(common::s(&b, "received_at"), "2026-01-01T00:00:00-05:00");
    let eve = o.json(&["report", "--json", "--from", "2025-12-31", "--to", "2025-12-31"]);
    assert_eq!(eve["received"].as_u64(), Some(1), "{eve}");
    let day = o.json(&["report", "--json", "--from", "2026-01-01", "--to", "2026-01-01"]);
    assert_eq!(day["received"].as_u64(), Some(1), "{day}");
    let shown = o.ok(&["show", "WH-2025-00001"]);
    assert!(shown.contains("2025-12-31 16:00 -05:00"), "{shown}");
    // Summer time: the offset follows the zone.
    let c = o.add("2026-07-01 09:00", "王五");
    assert_eq!(common::s(&c, "received_at"), "2026-07-01T09:00:00-04:00");
}

#[test]
fn a_bad_office_zone_is_refused() {
    let dir = TempDir::new().unwrap();
    let rules = dir.path().join("rules.toml");
    std::fs::write(&rules, "[office]\ntime_zone = \"Mars/Olympus\"\n").unwrap();
    let mut c = Command::cargo_bin("duty-desk").unwrap();
    c.env("LANG", "C").arg("--db").arg(dir.path().join("d.db")).arg("init").arg("--rules").arg(&rules);
    let out = c.output().unwrap();
    assert_ne!(out.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&out.stderr).contains("Mars/Olympus"));
}

// ---- clock arithmetic ---------------------------------------------------------------------------

fn at(s: &str) -> DateTime<Utc> {
    OfficeTz::default().parse(s).unwrap()
}

fn day(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

#[test]
fn clocks_cross_month_ends_and_leap_days() {
    let tz = OfficeTz::default();
    let c = Clocks::default();
    // 20 days from 20 February 2024 (a leap year) is 11 March; in 2023 it is 12 March.
    let due = c.mediation_due(at("2024-02-20 10:00"), at("2024-02-20 10:00"), Complexity::Major, Source::WalkIn);
    assert_eq!(tz.minutes(due), "2024-03-11 10:00");
    let due = c.mediation_due(at("2023-02-20 10:00"), at("2023-02-20 10:00"), Complexity::Major, Source::WalkIn);
    assert_eq!(tz.minutes(due), "2023-03-12 10:00");
    // The statutory month: received 31 January 2024, 30 days later is 1 March (29 February exists).
    let due = c.mediation_due(at("2024-01-31 09:00"), at("2024-02-25 09:00"), Complexity::Major, Source::WalkIn);
    assert_eq!(tz.minutes(due), "2024-03-01 09:00");
    // A general case assigned late on 31 January is due 7 February; a simple one on 1 February.
    let due = c.mediation_due(at("2026-01-31 23:30"), at("2026-01-31 23:30"), Complexity::General, Source::WalkIn);
    assert_eq!(tz.minutes(due), "2026-02-07 23:30");
    let due = c.mediation_due(at("2026-01-31 23:30"), at("2026-01-31 23:30"), Complexity::Simple, Source::WalkIn);
    assert_eq!(tz.date_of(due), day("2026-02-01"));
    // The 24-hour assignment clock of a case received at 23:00 on 28 February 2024 ends on the 29th.
    let due = c.assign_due(at("2024-02-28 23:00"), Complexity::General);
    assert_eq!(tz.date_of(due), day("2024-02-29"));
    // Follow-up 15 days after an agreement on 20 December lands in the next year.
    let f = c.followups(at("2025-12-20 15:00"), None, Complexity::Major);
    assert_eq!(tz.date_of(f[0]), day("2026-01-04"));
    assert_eq!(tz.date_of(f[1]), day("2026-03-20"), "90 days");
    // Judicial confirmation: 30 days from 30 January 2024 is 29 February.
    assert_eq!(tz.date_of(c.judicial_confirmation_due(at("2024-01-30 12:00"))), day("2024-02-29"));
}

#[test]
fn office_days_are_whole_days_in_the_office_zone() {
    let tz = OfficeTz::default();
    let (start, end) = tz.days_range(day("2024-02-29"), day("2024-02-29"));
    assert_eq!(start.to_rfc3339(), "2024-02-28T16:00:00+00:00");
    assert_eq!((end - start).num_hours(), 24);
    let (start, end) = tz.days_range(day("2024-02-01"), day("2024-02-29"));
    assert_eq!((end - start).num_days(), 29, "February 2024 has 29 days");
    // New York in spring: the day summer time begins has 23 hours.
    let ny: OfficeTz = "America/New_York".parse().unwrap();
    let (start, end) = ny.days_range(day("2026-03-08"), day("2026-03-08"));
    assert_eq!((end - start).num_hours(), 23);
    assert_eq!(ny.year_of(at("2026-01-01 05:00")), 2025, "05:00 in Shanghai is still New Year's Eve there");
    assert_eq!(tz.year_of(at("2026-01-01 05:00")), 2026);
}

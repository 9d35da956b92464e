//! The Statistics screen end to end: the real desk in a pseudo-terminal on a real demo database
//! opens the screen with `r`, switches the period with `p`, exports the view with `x`; the CSV
//! file exists in the desk's working directory with the `report --csv` header, and its path is
//! shown.

#[path = "common/pty.rs"]
mod pty;

use std::process::Command;
use std::time::Duration;

use chrono::{Datelike, Duration as Days, NaiveDate, Utc};
use pty::{base_env, Desk, STARTUP};

/// For anything that follows a key press (a debug build on a loaded machine).
const REACT: Duration = Duration::from_secs(10);

/// The first and last day of the month before the one holding `d`.
fn last_month(d: NaiveDate) -> (NaiveDate, NaiveDate) {
    let first_this = NaiveDate::from_ymd_opt(d.year(), d.month(), 1).unwrap();
    let last = first_this - Days::days(1);
    (NaiveDate::from_ymd_opt(last.year(), last.month(), 1).unwrap(), last)
}

#[test]
fn r_opens_statistics_p_switches_the_period_x_exports_csv() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("desk.db");
    let out = Command::new(assert_cmd::cargo::cargo_bin("duty-desk"))
        .arg("--db")
        .arg(&db)
        .args(["demo", "--no-tui", "--cases", "400", "--seed", "7"])
        .env_remove("DUTY_DESK_DB")
        .output()
        .unwrap();
    assert!(out.status.success(), "demo failed: {}", String::from_utf8_lossy(&out.stderr));

    let args = ["--db", db.to_str().unwrap(), "--lang", "en"];
    let mut desk = Desk::spawn(80, 24, &args, &base_env(dir.path()), dir.path());
    desk.wait_for_text("Incoming", STARTUP);
    desk.send("r");
    desk.wait_for("the statistics screen with figures", REACT, |s| {
        s.contains("Statistics ·") && s.contains("Success rate")
    });

    // The office's day (Asia/Shanghai, the demo's zone) decides which month is "last month"; a
    // test run across an office midnight at a month's end could see either.
    let today = (Utc::now() + Days::hours(8)).date_naive();
    let (first, last) = last_month(today);
    desk.send("p");
    let days = format!("{first} … {last}");
    desk.wait_for(&days, REACT, |s| s.contains(&days) && s.contains("Success rate"));

    desk.send("x");
    let screen = desk.wait_for_text("CSV saved:", REACT);
    let files: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "csv"))
        .collect();
    assert_eq!(files.len(), 1, "one export: {files:?}");
    let name = files[0].file_name().unwrap().to_str().unwrap().to_string();
    assert!(name.starts_with(&format!("statistics-{}-{:02}-district-", first.year(), first.month())), "{name}");
    assert!(screen.contains(&name), "the path is shown:\n{screen}");
    let text = std::fs::read_to_string(&files[0]).unwrap();
    assert_eq!(text.lines().next(), Some(duty_desk::view::stats::CSV_HEADER));
    assert!(text.lines().nth(1).is_some_and(|l| l.starts_with(&format!(
        "total,{}-{:02},",
        first.year(),
        first.month()
    ))));

    desk.send("q");
    desk.wait_for("the desk again", REACT, |s| s.contains("Incoming") && !s.contains("Statistics ·"));
    desk.send("q");
    assert!(desk.wait_exit(REACT).is_some_and(|s| s.success()));
}

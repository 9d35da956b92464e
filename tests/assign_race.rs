//! Two `assign --if-unassigned` processes racing on one case: exactly one wins, the other exits
//! 3 naming the winner, and the audit log holds exactly one assignment for the case.

mod common;

use std::process::{Command, Stdio};

use common::{records, s, Db};

#[test]
fn exactly_one_of_two_racing_assigns_wins() {
    let db = Db::demo(5000);
    let bin = assert_cmd::cargo::cargo_bin("duty-desk");
    for round in 0..6 {
        let reference = db
            .ok(&[
                "add",
                "--category",
                "neighbour",
                "--area",
                "WH-HBW-01-01",
                "--applicant-name",
                &format!("申请人{round}"),
                "--summary",
                "争抢分派测试",
            ])
            .trim()
            .to_string();
        let committee = s(&db.json(&["show", &reference, "--json"]), "committee").to_string();
        let mediators = db.json(&["mediators", "--committee", &committee, "--json"]);
        let names: Vec<String> = records(&mediators).iter().map(|m| s(m, "name").to_string()).collect();
        assert!(names.len() >= 2, "{names:?}");
        let contenders = [&names[0], &names[1]];

        let children: Vec<_> = contenders
            .iter()
            .map(|name| {
                Command::new(&bin)
                    .env("LANG", "C")
                    .arg("--db")
                    .arg(&db.path)
                    .args(["assign", &reference, name, "--if-unassigned", "--force"])
                    .stdout(Stdio::piped())
                    .stderr(Stdio::piped())
                    .spawn()
                    .unwrap()
            })
            .collect();
        let outcomes: Vec<_> = children.into_iter().map(|c| c.wait_with_output().unwrap()).collect();
        let codes: Vec<i32> = outcomes.iter().map(|o| o.status.code().unwrap_or(-1)).collect();
        let winner = codes.iter().position(|&c| c == 0).unwrap_or_else(|| {
            panic!(
                "round {round}: nobody won: {codes:?} {:?}",
                outcomes.iter().map(|o| String::from_utf8_lossy(&o.stderr)).collect::<Vec<_>>()
            )
        });
        let loser = 1 - winner;
        assert_eq!(codes[loser], 3, "round {round}: {codes:?}: {}", String::from_utf8_lossy(&outcomes[loser].stderr));
        let err = String::from_utf8_lossy(&outcomes[loser].stderr);
        assert!(err.contains(contenders[winner].as_str()), "round {round}: the loser must name the winner: {err}");

        let shown = db.json(&["show", &reference, "--json"]);
        assert_eq!(s(&shown, "lead_mediator"), contenders[winner].as_str());
        let conn = common::open_ro(&db.path);
        let assigns: i64 = conn
            .query_row(
                "SELECT count(*) FROM audit a JOIN cases c ON c.id = a.case_id WHERE c.ref = ?1 AND a.action = 'assign'",
                [&reference],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(assigns, 1, "round {round}");
    }
}

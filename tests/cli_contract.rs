//! The scripting contract end to end: the real binary on real SQLite files — add, list, assign,
//! report and show agree with each other; records round-trip; exit codes are 0/1/2/3.

mod common;

use common::{just_now, record, records, s, Db};
use serde_json::Value;

/// Records `list --json --limit 0` with these extra arguments.
fn all(db: &Db, extra: &[&str]) -> Vec<Value> {
    let mut args = vec!["list", "--json", "--limit", "0"];
    args.extend_from_slice(extra);
    records(&db.json(&args)).clone()
}

#[test]
fn add_list_assign_and_report_agree() {
    let db = Db::demo(5000);
    assert_eq!(db.case_count(), 5000);

    // add --json -: one record in, the stored record out.
    let (code, out, err) = db.run_with_stdin(&["add", "--json", "-"], &record(&just_now(), "张三").to_string());
    assert_eq!(code, 0, "{err}");
    let added: Value = serde_json::from_str(&out).unwrap();
    let reference = s(&added, "ref").to_string();
    assert_eq!(s(&added, "status"), "received");
    assert_eq!(s(&added, "applicant_phone"), "138****5678", "phones are masked on output");
    assert!(!s(&added, "committee").is_empty(), "routed at intake");

    // list --unassigned --json holds it.
    let unassigned = all(&db, &["--unassigned"]);
    assert!(unassigned.iter().any(|r| s(r, "ref") == reference));
    assert!(unassigned.iter().all(|r| s(r, "status") == "received"));

    // Assign it to a member of its committee with room.
    let committee = s(&added, "committee");
    let mediators = db.json(&["mediators", "--committee", committee, "--json"]);
    let m =
        records(&mediators).iter().find(|m| m["open"].as_u64() < m["capacity"].as_u64()).expect("a mediator with room");
    let name = s(m, "name").to_string();
    let out = db.ok(&["assign", &reference, &name, "--if-unassigned"]);
    assert!(out.contains(&reference) && out.contains(&name), "{out}");
    let shown = db.json(&["show", &reference, "--json"]);
    assert_eq!(s(&shown, "status"), "assigned");
    assert_eq!(s(&shown, "lead_mediator"), name);
    assert!(!all(&db, &["--unassigned"]).iter().any(|r| s(r, "ref") == reference));
    let after: Vec<Value> = records(&db.json(&["mediators", "--committee", committee, "--json"]))
        .iter()
        .filter(|x| x["id"] == m["id"])
        .cloned()
        .collect();
    assert_eq!(after[0]["open"].as_u64(), m["open"].as_u64().map(|o| o + 1));

    // report --json agrees with list.
    let report = db.json(&["report", "--json", "--from", "2000-01-01", "--to", "2100-01-01"]);
    let every = all(&db, &[]);
    assert_eq!(every.len(), 5001);
    assert_eq!(report["received"].as_u64(), Some(every.len() as u64));
    let mediated: Vec<&Value> =
        every.iter().filter(|r| !s(r, "finished_at").is_empty() && s(r, "status") != "withdrawn").collect();
    assert_eq!(report["mediated"].as_u64(), Some(mediated.len() as u64));
    let resolved = mediated.iter().filter(|r| ["resolved", "closed"].contains(&s(r, "status"))).count();
    assert_eq!(report["successful"].as_u64(), Some(resolved as u64));
    let amount: i64 = mediated.iter().map(|r| r["amount_fen"].as_i64().unwrap()).sum();
    assert_eq!(report["amount_fen"].as_i64(), Some(amount));
    let by_category: u64 =
        report["by_category"].as_array().unwrap().iter().map(|c| c["mediated"].as_u64().unwrap()).sum();
    assert_eq!(by_category, mediated.len() as u64);

    // The human report and list run too.
    let human = db.ok(&["report"]);
    assert!(human.contains("Success rate") && human.contains("成功率"), "{human}");
    let table = db.ok(&["list", "--limit", "5"]);
    assert_eq!(table.lines().count(), 6, "{table}");
}

#[test]
fn show_reveal_round_trips_through_add() {
    let db = Db::demo(300);
    let pick = all(&db, &[])
        .into_iter()
        .find(|r| !s(r, "applicant_phone").is_empty() && !s(r, "applicant_id_no").is_empty())
        .expect("a case with a phone and id number");
    let reference = s(&pick, "ref").to_string();
    let original = db.json(&["show", &reference, "--json", "--reveal"]);
    assert!(!s(&original, "applicant_phone").contains('*'), "revealed");

    let (code, out, err) = db.run_with_stdin(&["add", "--json", "-"], &original.to_string());
    assert_eq!(code, 0, "{err}");
    let new_ref = s(&serde_json::from_str::<Value>(&out).unwrap(), "ref").to_string();
    assert_ne!(new_ref, reference);
    let copy = db.json(&["show", &new_ref, "--json", "--reveal"]);
    for field in [
        "received_at",
        "source",
        "category",
        "applicant_name",
        "applicant_phone",
        "applicant_id_no",
        "respondent_name",
        "respondent_phone",
        "respondent_id_no",
        "summary",
        "amount_fen",
        "area",
        "complexity",
        "risk_flags",
        "risk_level",
        "partners",
    ] {
        assert_eq!(copy[field], original[field], "field {field}");
    }

    // A masked record (what show prints without --reveal) is refused, naming the fields.
    let masked = db.json(&["show", &reference, "--json"]);
    let (code, _, err) = db.run_with_stdin(&["add", "--json", "-"], &masked.to_string());
    assert_eq!(code, 1);
    assert!(err.contains("field applicant_phone") && err.contains("masked"), "{err}");

    // Each reveal is in the audit trail.
    let conn = common::open_ro(&db.path);
    let reveals: i64 = conn
        .query_row(
            "SELECT count(*) FROM audit a JOIN cases c ON c.id = a.case_id WHERE c.ref = ?1 AND a.action = 'reveal'",
            [&reference],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(reveals, 1);
    let human = db.ok(&["show", &reference]);
    assert!(human.contains("Audit trail") && human.contains("reveal"), "{human}");
}

#[test]
fn add_with_flags_prints_the_ref() {
    let db = Db::demo(0);
    let out = db.ok(&[
        "add",
        "--category",
        "邻里",
        "--area",
        "WH-HBW-01-01",
        "--applicant-name",
        "王五",
        "--summary",
        "院墙纠纷",
        "--amount",
        "1200.50",
        "--risk-level",
        "red",
    ]);
    let reference = out.trim();
    assert!(reference.starts_with("WH-") && reference.len() == "WH-2023-00001".len(), "{out}");
    let shown = db.json(&["show", reference, "--json"]);
    assert_eq!(shown["amount_fen"].as_i64(), Some(120_050));
    assert_eq!(s(&shown, "category"), "neighbour");
    assert_eq!(shown["joint"], Value::Bool(true), "red risk goes joint");
    assert_ne!(s(&shown, "tier"), "village", "red risk never routes below town");
}

#[test]
fn exit_codes_follow_the_contract() {
    let db = Db::demo(0);
    // 2: usage.
    assert_eq!(db.run(&["list", "--bogus"]).0, 2);
    assert_eq!(db.run(&["list", "--status", "sleeping"]).0, 2);
    assert_eq!(db.run(&["assign", "WH-2023-00001"]).0, 2);
    assert_eq!(db.run(&["add", "--area", "WH-HBW-01-01"]).0, 2, "required flags missing");
    assert_eq!(db.run(&["add", "--amount", "12a", "--category", "other"]).0, 2);
    assert_eq!(db.run(&["nonsense"]).0, 2);
    // 0: help.
    let (code, out, _) = db.run(&["assign", "--help"]);
    assert_eq!(code, 0);
    assert!(out.contains("--if-unassigned"), "{out}");

    let reference = db
        .ok(&[
            "add",
            "--category",
            "contract",
            "--area",
            "WH-HBW-01-01",
            "--applicant-name",
            "赵六",
            "--summary",
            "欠款",
        ])
        .trim()
        .to_string();
    // 1: not found, unknown mediator, bad input.
    let (code, _, err) = db.run(&["show", "WH-1999-99999"]);
    assert_eq!(code, 1);
    assert!(err.starts_with("duty-desk: ") && err.contains("WH-1999-99999"), "{err}");
    let (code, _, err) = db.run(&["assign", &reference, "无此人"]);
    assert_eq!(code, 1);
    assert!(err.contains("无此人"), "{err}");
    assert_eq!(db.run(&["transfer", &reference, "NO-SUCH-COMMITTEE"]).0, 1);
    let (code, _, err) =
        db.run(&["add", "--category", "other", "--area", "NOWHERE", "--applicant-name", "x", "--summary", "y"]);
    assert_eq!(code, 1);
    assert!(err.contains("field area"), "{err}");
    let (code, _, err) = db.run(&[
        "add",
        "--category",
        "other",
        "--area",
        "WH-HBW-01-01",
        "--applicant-name",
        "x",
        "--summary",
        "y",
        "--applicant-phone",
        "138****5678",
    ]);
    assert_eq!(code, 1);
    assert!(err.contains("applicant_phone"), "{err}");

    // 3: conflict, naming the winner.
    let committee = s(&db.json(&["show", &reference, "--json"]), "committee").to_string();
    let mediators = db.json(&["mediators", "--committee", &committee, "--json"]);
    let names: Vec<&str> = records(&mediators).iter().map(|m| s(m, "name")).collect();
    assert!(names.len() >= 2, "{names:?}");
    db.ok(&["assign", &reference, names[0], "--if-unassigned"]);
    let (code, _, err) = db.run(&["assign", &reference, names[1], "--if-unassigned"]);
    assert_eq!(code, 3, "{err}");
    assert!(err.contains(names[0]), "{err}");
    // Without --if-unassigned a re-assignment is allowed (latest state).
    db.ok(&["assign", &reference, names[1]]);

    // Read-only refuses writes, reads work.
    let (code, _, err) = db.run(&["--read-only", "escalate", &reference, "--reason", "test"]);
    assert_eq!(code, 1);
    assert!(err.contains("read-only"), "{err}");
    assert_eq!(db.run(&["--read-only", "show", &reference, "--reveal"]).0, 1);
    db.ok(&["--read-only", "show", &reference]);

    // No database: a clear error.
    let out = assert_cmd::Command::cargo_bin("duty-desk")
        .unwrap()
        .args(["--db", "/nonexistent/dir/x.db", "list"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no database"));
}

#[test]
fn the_database_comes_from_the_environment_and_check_and_backup_work() {
    let db = Db::demo(200);
    let mut c = assert_cmd::Command::cargo_bin("duty-desk").unwrap();
    let out = c.env("DUTY_DESK_DB", &db.path).args(["list", "--json", "--limit", "3"]).output().unwrap();
    assert!(out.status.success());
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(records(&v).len(), 3);

    assert_eq!(db.ok(&["check"]).trim(), "ok: integrity and foreign keys");
    let copy = db.dir.path().join("copy.db");
    db.ok(&["backup", copy.to_str().unwrap()]);
    assert_eq!(
        common::open_ro(&copy).query_row("SELECT count(*) FROM cases", [], |r| r.get::<_, i64>(0)).unwrap(),
        200
    );
    assert_eq!(db.run(&["backup", copy.to_str().unwrap()]).0, 1, "an existing file is not overwritten");
}

#[test]
fn the_case_life_cycle_runs_from_the_command_line() {
    let db = Db::demo(0);
    let reference = db
        .ok(&[
            "add",
            "--category",
            "neighbour",
            "--area",
            "WH-HBW-01-01",
            "--applicant-name",
            "钱七",
            "--summary",
            "占道",
        ])
        .trim()
        .to_string();
    let out = db.ok(&["escalate", &reference, "--reason", "跨村纠纷"]);
    assert!(out.contains("escalated"), "{out}");
    let shown = db.json(&["show", &reference, "--json"]);
    assert_eq!(s(&shown, "tier"), "town");
    let committee = s(&shown, "committee").to_string();
    let mediators = db.json(&["mediators", "--committee", &committee, "--json"]);
    let name = s(&records(&mediators)[0], "name").to_string();
    db.ok(&["assign", &reference, &name, "--force"]);
    db.ok(&["resolve", &reference, "--outcome", "resolved", "--agreement", "oral", "--note", "当场和解"]);
    let shown = db.json(&["show", &reference, "--json"]);
    assert_eq!(s(&shown, "status"), "resolved");
    assert_eq!(s(&shown, "agreement"), "oral");
    db.ok(&["followup", &reference, "--outcome", "performed", "--channel", "visit"]);
    assert_eq!(s(&db.json(&["show", &reference, "--json"]), "status"), "closed");
    assert_eq!(db.run(&["followup", &reference, "--outcome", "performed"]).0, 1, "no follow-up left");
    assert_eq!(db.run(&["resolve", &reference, "--outcome", "closed"]).0, 2);
    let human = db.ok(&["--lang", "zh", "show", &reference]);
    assert!(human.contains("回访") && human.contains("已结案"), "{human}");
}

#[test]
fn show_uses_the_desk_glossary_and_tells_the_audit_trail_in_words() {
    let db = Db::demo(0);
    let reference = db
        .ok(&["add", "--category", "other", "--area", "WH-HBW-01-01", "--applicant-name", "赵六", "--summary", "欠款"])
        .trim()
        .to_string();
    db.ok(&["escalate", &reference, "--reason", "跨村纠纷"]);
    let zh = db.ok(&["--lang", "zh", "show", &reference]);
    for term in ["收案时间", "主办调解员", "难易程度", "操作记录", "上报 "] {
        assert!(zh.contains(term), "zh show lacks {term:?}:\n{zh}");
    }
    for old in ["受理时间", "承办调解员", "复杂程度", "{\"", "from_tier"] {
        assert!(!zh.contains(old), "zh show still says {old:?}:\n{zh}");
    }
    let en = db.ok(&["show", &reference]);
    assert!(en.contains("escalated ") && en.contains(" → ") && !en.contains("from_tier"), "{en}");
}

#[test]
fn errors_are_worded_in_the_chosen_language_with_exit_codes_by_kind() {
    let db = Db::demo(0);
    let (code, _, err) = db.run(&["--lang", "zh", "list", "--committee", "NO-SUCH"]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("没有调解委员会") && err.contains("NO-SUCH"), "{err}");
    let (code, _, err) = db.run(&["list", "--committee", "NO-SUCH"]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("no committee \"NO-SUCH\""), "{err}");
    // Value lists come from the labelled enums: the code, the English or the Chinese label.
    assert_eq!(db.run(&["list", "--status", "nonsense"]).0, 2);
    db.ok(&["list", "--status", "Received", "--limit", "1"]);
    db.ok(&["list", "--status", "待分派", "--limit", "1"]);
    let help = db.ok(&["add", "--help"]);
    assert!(help.contains("marriage_family") && help.contains("walk_in"), "{help}");
}

#[test]
fn durations_in_cli_text_follow_the_language() {
    let db = Db::demo(50);
    let (code, out, err) = db.run_with_stdin(&["add", "--json", "-"], &record(&just_now(), "张三").to_string());
    assert_eq!(code, 0, "{err}");
    let added: Value = serde_json::from_str(&out).unwrap();
    let reference = s(&added, "ref").to_string();
    let mediators = db.json(&["mediators", "--committee", s(&added, "committee"), "--json"]);
    let m = s(&records(&mediators)[0], "name").to_string();
    db.ok(&["assign", &reference, &m, "--force"]);
    let zh = db.ok(&["--lang", "zh", "arrive", &reference]);
    assert!(zh.contains("吹哨后") && zh.contains("分钟"), "{zh}");
    assert!(!zh.contains(" min"), "{zh}");
    db.ok(&["mediate", &reference, "--place", "调解室"]);
    let zh = db.ok(&["--lang", "zh", "extend", &reference, "--consent", "parties", "--days", "3"]);
    assert!(zh.contains("延长3天"), "{zh}");
    let en = db.ok(&["extend", &reference, "--consent", "parties", "--days", "2"]);
    assert!(en.contains("extended by 2 day(s)"), "{en}");
}

/// Runs `args` with the locale `lang` (the `LANG` variable); returns (exit code, stdout, stderr).
fn with_locale(db: &Db, lang: &str, args: &[&str]) -> (i32, String, String) {
    let out = db.cmd(args).env("LANG", lang).output().unwrap();
    (out.status.code().unwrap_or(-1), String::from_utf8(out.stdout).unwrap(), String::from_utf8(out.stderr).unwrap())
}

#[test]
fn help_follows_the_language() {
    let db = Db::demo(0);
    for (how, args) in [("--lang zh", vec!["--lang", "zh", "list", "--help"]), ("a zh locale", vec!["list", "--help"])]
    {
        let locale = if how == "--lang zh" { "C" } else { "zh_CN.UTF-8" };
        let (code, out, err) = with_locale(&db, locale, &args);
        assert_eq!(code, 0, "{how}: {err}");
        assert!(out.contains("列出案件，最新的在前"), "{how}: {out}");
        assert!(out.contains("用法：duty-desk list [选项]"), "{how}: {out}");
        assert!(out.contains("只列出尚未分派的案件") && out.contains("全局选项"), "{how}: {out}");
        for english in ["Usage:", "Print help", "Only cases nobody", "Options:"] {
            assert!(!out.contains(english), "{how}: {english:?} in {out}");
        }
    }
    let (code, out, _) = with_locale(&db, "zh_CN.UTF-8", &["duty", "--help"]);
    assert_eq!(code, 0);
    assert!(out.contains("- on: 在岗：出现在推荐与自动分派中") && out.contains("可选值："), "{out}");
    assert!(!out.contains("On duty") && !out.contains("Possible values"), "{out}");
    let (code, out, _) = with_locale(&db, "zh_CN.UTF-8", &["--help"]);
    assert_eq!(code, 0);
    assert!(out.contains("命令") && out.contains("退出码：0 成功"), "{out}");
    // English stays English, and --lang en wins over a zh locale.
    for (locale, args) in [("C", vec!["list", "--help"]), ("zh_CN.UTF-8", vec!["--lang", "en", "list", "--help"])] {
        let (_, out, _) = with_locale(&db, locale, &args);
        assert!(out.contains("Usage: duty-desk list") && out.contains("Only cases nobody"), "{out}");
    }
}

#[test]
fn usage_and_run_errors_follow_the_language() {
    let db = Db::demo(0);
    let cases: [(&[&str], i32, &str); 5] = [
        (&["arrive"], 2, "缺少必需的参数：<REF>"),
        (&["list", "--status", "bogus"], 2, "参数 --status <S> 的值“bogus”无效"),
        (&["lsit"], 2, "未知子命令“lsit”"),
        (&["list", "--bogus"], 2, "未知参数“--bogus”"),
        (&["show", "WH-1999-99999"], 1, "没有"),
    ];
    for (args, want, words) in cases {
        for (locale, lang) in [("zh_CN.UTF-8", None), ("C", Some("zh"))] {
            let mut all: Vec<&str> = lang.map(|l| vec!["--lang", l]).unwrap_or_default();
            all.extend_from_slice(args);
            let (code, out, err) = with_locale(&db, locale, &all);
            assert_eq!(code, want, "{all:?}: {err}");
            assert!(out.is_empty(), "{all:?}: {out}");
            assert!(err.contains(words), "{all:?}: {err}");
            assert!(!err.contains("error:") && !err.contains("Usage:"), "{all:?}: {err}");
        }
        let (code, _, err) = with_locale(&db, "C", args);
        assert_eq!(code, want);
        assert!(!err.contains(words), "English stays English: {err}");
    }
}

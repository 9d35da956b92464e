//! The desk as officers use it all day (issue 11): the cursor stays on its case while other
//! processes add cases, and every open case is reachable. The real binary in a pseudo-terminal
//! on a temp demo database, driven by keys.

#[path = "common/pty.rs"]
mod pty;

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::Duration;

use pty::{base_env, Desk};
use tempfile::TempDir;

/// For anything that follows a key press (a debug build on a loaded machine).
const REACT: Duration = Duration::from_secs(10);

struct Fixture {
    dir: TempDir,
    db: PathBuf,
}

impl Fixture {
    fn demo(cases: usize, seed: u64) -> Fixture {
        let dir = TempDir::new().unwrap();
        let db = dir.path().join("desk.db");
        let f = Fixture { dir, db };
        let out = f.cli(&["demo", "--no-tui", "--cases", &cases.to_string(), "--seed", &seed.to_string()], None);
        assert!(out.status.success(), "demo failed: {}", String::from_utf8_lossy(&out.stderr));
        f
    }

    fn cli(&self, args: &[&str], stdin: Option<&str>) -> std::process::Output {
        let mut cmd = Command::new(assert_cmd::cargo::cargo_bin("duty-desk"));
        cmd.arg("--db").arg(&self.db).args(args);
        cmd.env_remove("DUTY_DESK_DB").env_remove("LC_ALL").env_remove("LC_MESSAGES").env("LANG", "C.UTF-8");
        cmd.stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped());
        let mut child = cmd.spawn().unwrap();
        let mut pipe = child.stdin.take().unwrap();
        pipe.write_all(stdin.unwrap_or("").as_bytes()).unwrap();
        drop(pipe);
        child.wait_with_output().unwrap()
    }

    /// `duty-desk add --json -` in another process; returns the new case's ref.
    fn add(&self, risk_level: &str, complexity: &str, applicant: &str) -> String {
        self.add_received(risk_level, complexity, applicant, 1)
    }

    /// As [`Fixture::add`], received `minutes_ago`.
    fn add_received(&self, risk_level: &str, complexity: &str, applicant: &str, minutes_ago: i64) -> String {
        self.add_with(risk_level, complexity, applicant, minutes_ago, "neighbour")
    }

    /// As [`Fixture::add_received`], of a category.
    fn add_with(
        &self,
        risk_level: &str,
        complexity: &str,
        applicant: &str,
        minutes_ago: i64,
        category: &str,
    ) -> String {
        let record = serde_json::json!({
            "received_at": (chrono::Utc::now() - chrono::Duration::minutes(minutes_ago))
                .to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            "source": "walk_in",
            "category": category,
            "applicant_name": applicant,
            "applicant_phone": "13812345678",
            "respondent_name": "李四",
            "summary": "楼上漏水纠纷，双方协商未果",
            "amount_fen": 350000,
            "area": "WH-HBW-01-01",
            "complexity": complexity,
            "risk_level": risk_level,
        });
        let out = self.cli(&["add", "--json", "-"], Some(&record.to_string()));
        assert!(out.status.success(), "add failed: {}", String::from_utf8_lossy(&out.stderr));
        let printed: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        printed["ref"].as_str().unwrap().to_string()
    }

    fn desk(&self, cols: u16, rows: u16, args: &[&str]) -> Desk {
        let mut all = vec!["--db", self.db.to_str().unwrap()];
        all.extend_from_slice(args);
        Desk::spawn(cols, rows, &all, &base_env(self.dir.path()), self.dir.path())
    }
}

/// The ref the assign popup names ("Assign WH-…"): the case under the cursor.
fn assign_target(desk: &mut Desk) -> String {
    desk.send("a");
    let (screen, _) = desk.wait_for("the assign popup", REACT, |s| s.contains("Assign WH-"));
    desk.send("\x1b");
    desk.wait_for("the assign popup closed", REACT, |s| !s.contains("Assign WH-"));
    let at = screen.find("Assign WH-").unwrap() + "Assign ".len();
    screen[at..].split_whitespace().next().unwrap().trim_end_matches(['─', '┐', '│']).to_string()
}

#[test]
fn the_cursor_stays_on_its_case_while_another_process_adds_a_more_urgent_one() {
    let f = Fixture::demo(200, 11);
    f.add("yellow", "general", "王五");
    f.add("yellow", "general", "赵六");
    let mut desk = f.desk(120, 30, &[]);
    desk.wait_live();
    desk.send("j");
    let before = assign_target(&mut desk);
    // A red critical case goes to the top of the queue, above the cursor's case.
    let urgent = f.add("red", "critical", "钱七");
    desk.wait_for_text(&urgent, REACT);
    let after = assign_target(&mut desk);
    assert_eq!(after, before, "the cursor moved off its case when {urgent} arrived");
    desk.send("q");
    desk.wait_exit(REACT).expect("the desk did not exit after q");
}

/// How many open cases are past a clock, as `list --overdue` counts them.
fn overdue_count(f: &Fixture) -> usize {
    let out = f.cli(&["list", "--overdue", "--limit", "0", "--json"], None);
    assert!(out.status.success(), "list failed: {}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8_lossy(&out.stdout);
    match serde_json::from_str::<serde_json::Value>(&text) {
        Ok(serde_json::Value::Array(v)) => v.len(),
        _ => text.lines().filter(|l| l.trim_start().starts_with('{')).count(),
    }
}

#[test]
fn the_overdue_view_lists_every_overdue_case_and_the_case_keys_work_from_it() {
    let f = Fixture::demo(400, 5);
    // Three cases days past their assignment clock, whatever the demo holds.
    for name in ["王五", "赵六", "钱七"] {
        f.add_received("yellow", "general", name, 3 * 24 * 60);
    }
    let n = overdue_count(&f);
    assert!(n > 0, "the demo has no overdue case");
    let mut desk = f.desk(120, 30, &[]);
    desk.wait_live();
    desk.send("O");
    let want = format!("1/{n} ");
    let (screen, _) =
        desk.wait_for("the Overdue view", REACT, |s| s.contains("Overdue: every open case") && s.contains(&want));
    assert!(screen.contains("WH-"), "no case listed:\n{screen}");
    // The case keys act on the list's selected case.
    desk.send("a");
    desk.wait_for("the assign popup", REACT, |s| s.contains("Assign WH-"));
    desk.send("\x1b");
    desk.wait_for("back on the list", REACT, |s| !s.contains("Assign WH-") && s.contains("Overdue: every"));
    desk.send("\r");
    desk.wait_for("the case's detail", REACT, |s| s.contains("Audit") || s.contains("audit"));
    desk.send("\x1b");
    desk.send("\x1b");
    desk.wait_for("the panes again", REACT, |s| !s.contains("Overdue: every") && s.contains("Incoming"));
    // The palette opens it too.
    desk.send(":overdue\r");
    desk.wait_for("the Overdue view from the palette", REACT, |s| s.contains("Overdue: every") && s.contains(&want));
    desk.send("q");
    desk.wait_exit(REACT).expect("the desk did not exit after q");
}

/// The count the Routing pane shows for its selected cell or row ("Village × Geographic: 7 ·").
fn routing_here(screen: &str, label: &str) -> usize {
    let at = screen.find(label).unwrap_or_else(|| panic!("no {label:?} on screen:\n{screen}")) + label.len();
    screen[at..].trim_start().split(|c: char| !c.is_ascii_digit()).next().unwrap().parse().unwrap()
}

#[test]
fn routing_cells_tiers_committees_and_mediators_drill_down_to_their_open_cases() {
    let f = Fixture::demo(400, 5);
    // A small demo may hold no open case at all at some hours of the office day; this one routes
    // to a village geographic committee whenever the test runs.
    f.add("yellow", "general", "王五");
    let mut desk = f.desk(120, 30, &[]);
    desk.wait_live();
    // A cell: every open case of Village × Geographic (assigned ones too).
    desk.send("2");
    let (screen, _) = desk.wait_for("the Routing cell line", REACT, |s| s.contains("Village × Geographic:"));
    let n = routing_here(&screen, "Village × Geographic:");
    assert!(n > 0, "the demo has no open village geographic case:\n{screen}");
    desk.send("\r");
    let want = format!("1/{n} ");
    desk.wait_for("the cell's cases", REACT, |s| s.contains(" Village × Geographic ") && s.contains(&want));
    desk.send("\x1b");
    // A tier row: its committees, then one committee's cases.
    for _ in 0..6 {
        desk.send("h");
    }
    desk.wait_for("the tier row selected", REACT, |s| s.contains("Enter: its committees"));
    desk.send("\r");
    let (screen, _) = desk.wait_for("the tier's committees", REACT, |s| s.contains("Committee") && s.contains("/"));
    assert!(screen.contains("open"), "no open column:\n{screen}");
    desk.send("\r");
    desk.wait_for("one committee's cases", REACT, |s| s.contains(" Village · ") && s.contains("WH-"));
    desk.send("\x1b");
    desk.wait_for("back on the committees", REACT, |s| s.contains("Committee") && !s.contains(" Village · "));
    desk.send("\x1b");
    // A mediator: the cases they lead.
    desk.send("3");
    desk.send("s");
    desk.send("\r");
    desk.wait_for("the mediator's cases", REACT, |s| {
        s.contains("Esc back") && (s.contains("WH-") || s.contains("No open cases"))
    });
    desk.send("\x1b");
    desk.send("q");
    desk.wait_exit(REACT).expect("the desk did not exit after q");
}

/// The last line of the screen: the status bar.
fn status_bar(screen: &str) -> &str {
    screen.lines().rfind(|l| !l.trim().is_empty()).unwrap_or("")
}

#[test]
fn search_by_a_category_label_in_chinese_narrows_incoming_and_help_stays_in_the_status_bar() {
    let f = Fixture::demo(200, 11);
    let labour = f.add_with("red", "critical", "孙八", 1, "labour");
    let neighbour = f.add("red", "critical", "王五");
    let mut desk = f.desk(80, 24, &["--lang", "zh"]);
    let (screen, _) = desk.wait_for("the zh desk live", REACT, |s| s.contains("待分派") && s.contains("● 实时 "));
    assert!(status_bar(&screen).contains("? 帮助") && status_bar(&screen).contains("q 退出"), "{screen}");
    desk.send("/邻里");
    let (screen, _) = desk.wait_for("Incoming narrowed to neighbour cases", REACT, |s| {
        s.contains("筛选: 邻里") && s.contains(&neighbour) && !s.contains(&labour)
    });
    assert!(screen.contains("邻里"), "{screen}");
    desk.send("\r");
    desk.send("/zzzz\r");
    desk.wait_for("the empty filter said so", REACT, |s| s.contains("没有符合筛选的案件"));
    desk.send("\x1b");
    desk.wait_for("the filter cleared", REACT, |s| s.contains(&labour));
    desk.send("q");
    desk.wait_exit(REACT).expect("the desk did not exit after q");
}

#[test]
fn help_and_quit_show_at_80_columns_in_english() {
    let f = Fixture::demo(50, 3);
    let mut desk = f.desk(80, 24, &[]);
    let screen = desk.wait_live();
    let bar = status_bar(&screen);
    assert!(bar.contains("? help") && bar.contains("q quit"), "status bar: {bar:?}");
    desk.send("q");
    desk.wait_exit(REACT).expect("the desk did not exit after q");
}

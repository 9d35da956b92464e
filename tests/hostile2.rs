//! The second round of hostile input and faults (issue 12): each test reproduces one reported
//! break and fails on the code before the fix.
//!
//! - 1: import reads its file once: a pipe whose first 4 KiB end at a record boundary, process
//!   substitution and a FIFO import every record.
//! - 9: every input file (keymap, theme, org, rules, one record, import) from `/dev/zero`, under a
//!   memory cap, gets a clear error naming the size limit, exit 1.
//! - 2: a masked value (`12****78`) cannot be taken back as data; every length hides enough.
//! - 4: two parallel follow-ups on one case: one wins, the other is a conflict (exit 3).
//! - 5: a bracketed paste holding newlines is typed into the form's field, never run as keys.
//! - 6: each policy key at its extremes is refused on load, naming the key.
//! - 7: a 65535×65535 terminal is not allocated for: "terminal too large", the desk lives on.
//! - 10: escape sequences in the organisation file are refused.
//! - 11: CSV with CRLF line endings: errors name the right line.
//! - 12: `resolve --note` goes through the free-text validator.
//! - 13: dates before 1949 are refused on every input.
//! - 16: a name of invisible characters only is empty.

mod common;
#[path = "common/pty.rs"]
mod pty;

use std::io::Write;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command as StdCommand, Stdio};
use std::time::Duration;

use common::{just_now, open_ro, record, Db};
use pty::{base_env, Desk};
use serde_json::Value;

const REACT: Duration = Duration::from_secs(5);

/// The binary with `--db` and an English locale, as a std command (for pipes and rlimits).
fn bin(db: &Path) -> StdCommand {
    let mut c = StdCommand::new(assert_cmd::cargo::cargo_bin("duty-desk"));
    c.env_remove("DUTY_DESK_DB").env("LANG", "C").env_remove("LC_ALL").env_remove("LC_MESSAGES");
    c.arg("--db").arg(db);
    c
}

/// (exit code, stdout, stderr) of a finished command.
fn run(mut c: StdCommand) -> (i32, String, String) {
    let out = c.stdin(Stdio::null()).output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Compact JSON Lines of `n` valid records whose first lines end exactly at byte 4096.
fn jsonl_with_boundary_at_4096(n: usize) -> Vec<u8> {
    let mut lines: Vec<String> = (0..n)
        .map(|i| {
            let mut r = record(&just_now(), &format!("申请人{i}"));
            r["summary"] = Value::String(format!("summary {i}"));
            r.to_string()
        })
        .collect();
    let mut total = 0;
    let mut k = 0;
    while total + lines[k].len() + 1 < 3600 {
        total += lines[k].len() + 1;
        k += 1;
    }
    // Pad line k so that lines 0..=k end exactly at byte 4096.
    let pad = 4096 - total - lines[k].len() - 1;
    let mut r: Value = serde_json::from_str(&lines[k]).unwrap();
    r["summary"] = Value::String(format!("{}{}", r["summary"].as_str().unwrap(), "x".repeat(pad)));
    lines[k] = r.to_string();
    let text = lines.join("\n") + "\n";
    assert_eq!(text.as_bytes()[4095], b'\n', "the first 4 KiB end at a line break");
    text.into_bytes()
}

/// A CSV of `n` valid records (header first) with `eol` line endings.
fn csv(n: usize, eol: &str) -> String {
    let r = record(&just_now(), "张三");
    let obj = r.as_object().unwrap();
    let names: Vec<&str> = obj.keys().map(String::as_str).collect();
    let mut out = names.join(",") + eol;
    for i in 0..n {
        let row: Vec<String> = names
            .iter()
            .map(|k| match (*k, &obj[*k]) {
                ("applicant_name", _) => format!("申请人{i}"),
                (_, Value::String(s)) => s.clone(),
                (_, v) => v.to_string(),
            })
            .collect();
        out.push_str(&(row.join(",") + eol));
    }
    out
}

#[test]
fn a_pipe_whose_first_4k_end_at_a_record_imports_every_record() {
    let db = Db::demo(0);
    let data = jsonl_with_boundary_at_4096(38);
    let file = db.file("cases.jsonl", &data);
    let dry = db.ok(&["import", "--dry-run", file.to_str().unwrap()]);
    assert!(dry.contains("38 "), "{dry}");
    let before = db.case_count();
    let mut cat = StdCommand::new("cat").arg(&file).stdout(Stdio::piped()).spawn().unwrap();
    let out = bin(&db.path).args(["import", "/dev/stdin"]).stdin(cat.stdout.take().unwrap()).output().unwrap();
    cat.wait().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout} {}", String::from_utf8_lossy(&out.stderr));
    assert!(stdout.contains("imported 38 case(s)"), "{stdout}");
    assert_eq!(db.case_count(), before + 38);
}

#[test]
fn process_substitution_and_fifos_import_every_record() {
    let db = Db::demo(0);
    for (name, n) in [("small.csv", 2usize), ("large.csv", 60)] {
        let file = db.file(name, csv(n, "\n").as_bytes());
        let before = db.case_count();
        let script = "exec \"$0\" --db \"$1\" import <(cat \"$2\")";
        let mut c = StdCommand::new("bash");
        c.args(["-c", script])
            .arg(assert_cmd::cargo::cargo_bin("duty-desk"))
            .arg(&db.path)
            .arg(&file)
            .env("LANG", "C")
            .env_remove("DUTY_DESK_DB");
        let (code, out, err) = run(c);
        assert_eq!(code, 0, "{name}: {out} {err}");
        assert!(out.contains(&format!("imported {n} case(s)")), "{name}: {out}");
        assert_eq!(db.case_count(), before + n as i64, "{name}");
    }
    // A FIFO: the writer opens it once; the import must not wait for a second writer.
    let fifo = db.dir.path().join("cases.fifo");
    nix::unistd::mkfifo(&fifo, nix::sys::stat::Mode::from_bits_truncate(0o600)).unwrap();
    let data = csv(5, "\n");
    let writer_path = fifo.clone();
    let writer = std::thread::spawn(move || {
        let mut f = std::fs::OpenOptions::new().write(true).open(writer_path).unwrap();
        f.write_all(data.as_bytes()).unwrap();
    });
    let before = db.case_count();
    let (code, out, err) = run({
        let mut c = bin(&db.path);
        c.arg("import").arg(&fifo);
        c
    });
    writer.join().unwrap();
    assert_eq!(code, 0, "{out} {err}");
    assert!(out.contains("imported 5 case(s)"), "{out}");
    assert_eq!(db.case_count(), before + 5);
}

/// The binary under a 1 GiB address-space limit, so an unbounded read fails rather than
/// exhausting the machine.
fn capped(db: &Path) -> StdCommand {
    let mut c = bin(db);
    // SAFETY: setrlimit is async-signal-safe; nothing else runs between fork and exec.
    unsafe {
        c.pre_exec(|| {
            let limit = nix::libc::rlimit { rlim_cur: 1 << 30, rlim_max: 1 << 30 };
            if nix::libc::setrlimit(nix::libc::RLIMIT_AS, &limit) == 0 {
                Ok(())
            } else {
                Err(std::io::Error::last_os_error())
            }
        });
    }
    c
}

#[test]
fn every_input_file_from_dev_zero_is_refused_at_its_size_limit() {
    let db = Db::demo(0);
    let fresh = db.dir.path().join("fresh.db");
    let cases: Vec<(&str, StdCommand)> = vec![
        ("keymap", {
            let mut c = capped(&db.path);
            c.env("DUTY_DESK_KEYMAP", "/dev/zero");
            c
        }),
        ("theme", {
            let mut c = capped(&db.path);
            c.args(["--theme", "/dev/zero"]);
            c
        }),
        ("org", {
            let mut c = capped(&fresh);
            c.args(["init", "--org", "/dev/zero"]);
            c
        }),
        ("rules", {
            let mut c = capped(&fresh);
            c.args(["init", "--rules", "/dev/zero"]);
            c
        }),
        ("add --json", {
            let mut c = capped(&db.path);
            c.args(["add", "--json", "/dev/zero"]);
            c
        }),
        ("import", {
            let mut c = capped(&db.path);
            c.args(["import", "/dev/zero"]);
            c
        }),
    ];
    for (what, c) in cases {
        let (code, _, err) = run(c);
        assert!(code == 1 || code == 2, "{what}: exit {code}: {err}");
        assert!(err.contains("limit") && err.contains("MiB"), "{what}: the error names the limit: {err}");
    }
}

#[test]
fn duplicate_keys_and_lists_for_text_fields_are_refused() {
    let db = Db::demo(0);
    let r = record(&just_now(), "王五");
    let before = db.case_count();
    // The same key twice: serde_json would keep the last one silently.
    let text = r.to_string();
    let doubled = format!("{{\"summary\": \"first\", {}", &text[1..]);
    assert!(doubled.matches("\"summary\"").count() == 2, "{doubled}");
    let (code, _, err) = db.run_with_stdin(&["add", "--json", "-"], &doubled);
    assert_eq!(code, 1, "a duplicate key is refused: {err}");
    assert!(err.contains("summary") && err.contains("more than once"), "{err}");
    // A list where one text is expected.
    let mut listed = r.clone();
    listed["applicant_name"] = serde_json::json!(["王五", "赵六"]);
    let (code, _, err) = db.run_with_stdin(&["add", "--json", "-"], &listed.to_string());
    assert_eq!(code, 1, "a list for a text field is refused: {err}");
    assert!(err.contains("applicant_name") && err.contains("list"), "{err}");
    // The same through import (JSON Lines and a JSON array).
    let file = db.dir.path().join("dup.jsonl");
    std::fs::write(&file, format!("{doubled}\n")).unwrap();
    let (code, _, err) = db.run(&["import", file.to_str().unwrap()]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("more than once"), "{err}");
    let file = db.dir.path().join("dup.json");
    std::fs::write(&file, format!("[{doubled}]")).unwrap();
    let (code, _, err) = db.run(&["import", file.to_str().unwrap()]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("more than once"), "{err}");
    assert_eq!(db.case_count(), before);
}

#[test]
fn masked_values_cannot_be_taken_for_data() {
    let db = Db::demo(0);
    let mut r = record(&just_now(), "王五");
    r["applicant_phone"] = Value::String("13812345678".into());
    r["applicant_id_no"] = Value::String("150302199001011231".into());
    let (code, out, err) = db.run_with_stdin(&["add", "--json", "-"], &r.to_string());
    assert_eq!(code, 0, "{err}");
    let added: Value = serde_json::from_str(&out).unwrap();
    let reference = common::s(&added, "ref").to_string();
    let shown = db.json(&["show", &reference, "--json"]);
    for key in ["applicant_phone", "applicant_id_no"] {
        let masked = common::s(&shown, key);
        assert!(masked.matches('*').count() >= 4, "{key}: at least four characters hidden: {masked}");
    }
    let before = db.case_count();
    let (code, _, err) = db.run_with_stdin(&["add", "--json", "-"], &shown.to_string());
    assert_eq!(code, 1, "a shown (masked) record is refused");
    assert!(err.contains("applicant_phone") && err.contains("masked"), "{err}");
    // The old mask of an 8-digit phone had a single star: any star is refused.
    let mut r = record(&just_now(), "赵六");
    r["applicant_phone"] = Value::String("123*5678".into());
    let (code, _, err) = db.run_with_stdin(&["add", "--json", "-"], &r.to_string());
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("applicant_phone"), "{err}");
    assert_eq!(db.case_count(), before);
}

const CLOCK_KEYS: [&str; 13] = [
    "assign_critical_hours",
    "assign_major_hours",
    "assign_general_hours",
    "assign_simple_hours",
    "mediate_simple_days",
    "mediate_general_days",
    "mediate_major_days",
    "mediate_critical_days",
    "statutory_days",
    "followup_days",
    "followup_major_days",
    "judicial_confirmation_days",
    "due_soon_percent",
];

#[test]
fn each_policy_key_at_its_extremes_is_refused_naming_the_key() {
    let dir = tempfile::TempDir::new().unwrap();
    for key in CLOCK_KEYS {
        for value in [i64::MAX, i64::MIN, -1, 0] {
            let rules = dir.path().join("rules.toml");
            std::fs::write(&rules, format!("[clocks]\n{key} = {value}\n")).unwrap();
            let db = dir.path().join(format!("{key}{value}.db"));
            let (code, _, err) = run({
                let mut c = bin(&db);
                c.arg("init").arg("--rules").arg(&rules);
                c
            });
            assert_eq!(code, 1, "{key} = {value}: {err}");
            assert!(err.contains(key) && err.contains("range"), "{key} = {value}: {err}");
            assert!(!err.contains("panicked"), "{err}");
        }
    }
    // The top of each range is accepted, and cases can be added under it.
    let rules = dir.path().join("rules.toml");
    std::fs::write(&rules, "[clocks]\nassign_major_hours = 720\nfollowup_major_days = 3650\n").unwrap();
    let db = dir.path().join("ok.db");
    let (code, _, err) = run({
        let mut c = bin(&db);
        c.arg("init").arg("--rules").arg(&rules);
        c
    });
    assert_eq!(code, 0, "{err}");
    let mut r = record(&just_now(), "钱七");
    r["complexity"] = Value::String("major".into());
    let out = bin(&db).args(["add", "--json", "-"]).stdin(Stdio::piped()).spawn().and_then(|mut ch| {
        ch.stdin.take().unwrap().write_all(r.to_string().as_bytes())?;
        ch.wait_with_output()
    });
    let out = out.unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
}

fn desk(db: &Db, cols: u16, rows: u16) -> Desk {
    let env = base_env(db.dir.path());
    Desk::spawn(cols, rows, &["--db", db.path.to_str().unwrap()], &env, db.dir.path())
}

#[test]
fn a_huge_terminal_is_not_allocated_for() {
    let db = Db::demo(20);
    let mut d = desk(&db, 100, 30);
    d.wait_live();
    let mark = d.bytes_len();
    d.resize_pty_only(65535, 65535);
    // The desk draws its "too large" notice (in a screen the emulator cannot hold, so look at
    // the bytes it wrote) and stays up.
    let start = std::time::Instant::now();
    while !String::from_utf8_lossy(&d.output()[mark..]).contains("terminal too large") {
        assert!(d.is_running(), "the desk died at 65535×65535");
        assert!(start.elapsed() < REACT, "no \"terminal too large\" at 65535×65535");
        std::thread::sleep(Duration::from_millis(50));
    }
    assert!(d.is_running(), "the desk died at 65535×65535");
    d.resize(1001, 30);
    d.wait_for_text("terminal too large", REACT);
    d.resize(100, 30);
    d.wait_live();
    assert!(d.is_running());
}

#[test]
fn sighup_while_a_desk_write_waits_ends_the_desk_and_the_write_never_commits() {
    use nix::sys::signal::{kill, Signal};
    let db = Db::demo(20);
    let (code, _, err) = db.run_with_stdin(&["add", "--json", "-"], &record(&just_now(), "王五").to_string());
    assert_eq!(code, 0, "{err}");
    let mut d = desk(&db, 160, 40);
    d.wait_live();
    let events = || -> i64 { open_ro(&db.path).query_row("SELECT count(*) FROM audit", [], |r| r.get(0)).unwrap() };
    let before = events();
    // Another program holds the write lock for as long as the test likes.
    let lock = rusqlite::Connection::open(&db.path).unwrap();
    lock.execute_batch("BEGIN IMMEDIATE").unwrap();
    d.send("a");
    d.wait_for("the assign popup", REACT, |s| pty::lists_load(s, "load"));
    d.send("\r");
    let waiting = "waiting for the database";
    let (screen, _) = d.wait_for("the wait or a confirm", REACT, |s| s.contains(waiting) || s.contains("Confirm"));
    if !screen.contains(waiting) {
        d.send("y");
        d.wait_for_text(waiting, REACT);
    }
    // The desk says it waits; now the terminal hangs up.
    kill(nix::unistd::Pid::from_raw(i32::try_from(d.pid()).unwrap()), Signal::SIGHUP).unwrap();
    assert!(d.wait_exit(REACT).is_some(), "the desk is still up after SIGHUP");
    lock.execute_batch("COMMIT").unwrap();
    drop(lock);
    assert_eq!(events(), before, "the write queued before the hang-up committed");
}

#[test]
fn a_desk_started_in_a_huge_terminal_says_so_and_stays_up() {
    let db = Db::demo(20);
    let env = base_env(db.dir.path());
    let args = ["--db", db.path.to_str().unwrap()];
    let mut d = Desk::spawn_with_screen((65535, 65535), (100, 30), &args, &env, db.dir.path());
    let start = std::time::Instant::now();
    while !String::from_utf8_lossy(&d.output()).contains("terminal too large") {
        assert!(d.is_running(), "the desk died starting at 65535×65535");
        assert!(start.elapsed() < REACT * 2, "no \"terminal too large\" at 65535×65535");
        std::thread::sleep(Duration::from_millis(50));
    }
    d.resize(100, 30);
    d.wait_live();
    assert!(d.is_running());
}

#[test]
fn a_bracketed_paste_is_typed_into_the_form_never_run_as_keys() {
    let db = Db::demo(20);
    let mut d = desk(&db, 120, 40);
    d.wait_live();
    let escalations = || -> i64 {
        open_ro(&db.path)
            .query_row("SELECT count(*) FROM audit WHERE action LIKE '%escalat%'", [], |r| r.get(0))
            .unwrap()
    };
    let before = (db.case_count(), escalations());
    d.send("n");
    d.wait_for_text("New case", REACT);
    d.send(&"\t".repeat(9)); // to the summary field
    d.send_raw("\x1b[200~楼上漏水\ne\nq\x1b[201~".as_bytes());
    let screen = d.wait_for_text("楼上漏水 e q", REACT);
    assert!(screen.contains("New case"), "the form is still open:\n{screen}");
    assert!(d.is_running(), "the paste quit the desk");
    assert_eq!((db.case_count(), escalations()), before, "the paste changed the database");
}

fn org_with(edit: impl FnOnce(&mut Value)) -> Value {
    let mut org: Value = serde_json::from_str(
        &std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/demo-org.json")).unwrap(),
    )
    .unwrap();
    edit(&mut org);
    org
}

#[test]
fn escape_sequences_in_the_organisation_file_are_refused() {
    let dir = tempfile::TempDir::new().unwrap();
    type Edit = Box<dyn FnOnce(&mut Value)>;
    let edits: Vec<(&str, Edit)> = vec![
        ("city_code", Box::new(|o: &mut Value| o["city_code"] = Value::String("W\x1b]0;CITY\x07H".into()))),
        ("name_zh", Box::new(|o: &mut Value| o["areas"][1]["name_zh"] = Value::String("乌达\u{202e}区".into()))),
        ("name_en", Box::new(|o: &mut Value| o["committees"][0]["name_en"] = Value::String("x\u{9b}31m".into()))),
    ];
    for (field, edit) in edits {
        let org = org_with(edit);
        let file = dir.path().join("org.json");
        std::fs::write(&file, org.to_string()).unwrap();
        let db = dir.path().join(format!("{field}.db"));
        let (code, out, err) = run({
            let mut c = bin(&db);
            c.arg("init").arg("--org").arg(&file);
            c
        });
        assert_eq!(code, 1, "{field}: {out} {err}");
        assert!(err.contains(field), "{field}: {err}");
        assert!(!err.contains('\x1b') && !err.contains('\u{202e}') && !err.contains('\u{9b}'), "{err:?}");
    }
}

#[test]
fn crlf_csv_errors_name_the_right_line() {
    let db = Db::demo(0);
    let text = csv(3, "\r\n").replacen("WH-HBW-01-01", "NO-SUCH-AREA", 3);
    // The header names `area` once; the three records each hold the code; the third is line 4.
    let text = {
        let mut lines: Vec<String> = text.split("\r\n").map(str::to_string).collect();
        for l in lines.iter_mut().skip(1).take(2) {
            *l = l.replace("NO-SUCH-AREA", "WH-HBW-01-01");
        }
        lines.join("\r\n")
    };
    let file = db.file("crlf.csv", text.as_bytes());
    let (code, _, err) = db.run(&["import", file.to_str().unwrap()]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("line 4, field area"), "{err}");
    assert!(!err.contains("line 3"), "{err}");
}

#[test]
fn resolve_note_goes_through_the_free_text_validator() {
    let db = Db::demo(30);
    // An open case, so that withdrawing it is allowed and only the note can be refused.
    let (code, out, err) = db.run(&[
        "add",
        "--category",
        "neighbour",
        "--area",
        "WH-HBW-01-01",
        "--applicant-name",
        "甲",
        "--summary",
        "楼上漏水",
    ]);
    assert_eq!(code, 0, "{err}");
    let reference = out.trim().to_string();
    let version = || -> i64 {
        open_ro(&db.path).query_row("SELECT version FROM cases WHERE ref = ?1", [&reference], |r| r.get(0)).unwrap()
    };
    let before = version();
    let long = "长".repeat(2000);
    for note in ["\x1b]0;PWNED\x07", "a\u{202e}b", long.as_str()] {
        let (code, _, err) = db.run(&["resolve", &reference, "--outcome", "withdrawn", "--note", note]);
        assert_eq!(code, 1, "{note:?}: {err}");
        assert!(err.contains("note"), "{err}");
    }
    assert_eq!(version(), before, "nothing changed");
}

#[test]
fn dates_before_1949_are_refused_on_every_input() {
    let db = Db::demo(0);
    let before = db.case_count();
    for at in ["0001-01-01T00:00:00Z", "1948-12-31T23:59:59Z"] {
        let r = record(at, "孙八");
        let (code, _, err) = db.run_with_stdin(&["add", "--json", "-"], &r.to_string());
        assert_eq!(code, 1, "{at}: {err}");
        assert!(err.contains("received_at") && err.contains("1949"), "{at}: {err}");
        let text = csv(1, "\n").replace(&just_now()[..10], &at[..10]);
        let lines: Vec<&str> = text.lines().collect();
        let header: Vec<&str> = lines[0].split(',').collect();
        let pos = header.iter().position(|h| *h == "received_at").unwrap();
        let mut row: Vec<String> = lines[1].split(',').map(str::to_string).collect();
        row[pos] = at.to_string();
        let file = db.file("old.csv", format!("{}\n{}\n", lines[0], row.join(",")).as_bytes());
        let (code, _, err) = db.run(&["import", file.to_str().unwrap()]);
        assert_eq!(code, 1, "{at}: {err}");
        assert!(err.contains("received_at"), "{err}");
    }
    let jsonl = db.file("neg.jsonl", record("-9999-01-01T00:00:00Z", "周九").to_string().as_bytes());
    let (code, _, err) = db.run(&["import", jsonl.to_str().unwrap()]);
    assert_eq!(code, 1, "{err}");
    assert_eq!(db.case_count(), before);
}

#[test]
fn a_name_of_invisible_characters_is_empty() {
    let db = Db::demo(0);
    for name in ["\u{200b}", "\u{fe0f}", "\u{e0041}\u{e0042}", " \u{200d} "] {
        let r = record(&just_now(), name);
        let (code, _, err) = db.run_with_stdin(&["add", "--json", "-"], &r.to_string());
        assert_eq!(code, 1, "{name:?}: {err}");
        assert!(err.contains("applicant_name") && err.contains("empty"), "{err}");
    }
}

/// The binary under umask `mask`.
fn with_umask(db: &Path, mask: u32) -> StdCommand {
    let mut c = bin(db);
    // SAFETY: umask is async-signal-safe; nothing else runs between fork and exec.
    unsafe {
        c.pre_exec(move || {
            nix::sys::stat::umask(nix::sys::stat::Mode::from_bits_truncate(mask));
            Ok(())
        });
    }
    c
}

fn backup_to(db: &Path, dest: &Path, extra: &[&str]) -> (i32, String, String) {
    let mut c = with_umask(db, 0o022);
    c.args(extra).arg("backup").arg(dest);
    run(c)
}

#[test]
fn backups_are_0660_audited_refuse_symlinks_and_need_write_access() {
    use std::os::unix::fs::PermissionsExt;
    let db = Db::demo(5);
    let audits = |action: &str| -> i64 {
        open_ro(&db.path).query_row("SELECT count(*) FROM audit WHERE action = ?1", [action], |r| r.get(0)).unwrap()
    };
    // Under umask 022 the copy is 0660 like the database, and the export is in the audit log.
    let dest = db.dir.path().join("copy.db");
    let (code, _, err) = backup_to(&db.path, &dest, &[]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(std::fs::metadata(&dest).unwrap().permissions().mode() & 0o777, 0o660);
    assert_eq!(audits("backup"), 1, "the backup is audited");
    // A dangling symlink planted at the target is not followed.
    let planted = db.dir.path().join("planted.db");
    let victim: PathBuf = db.dir.path().join("victim-target");
    std::os::unix::fs::symlink(&victim, &planted).unwrap();
    let (code, _, err) = backup_to(&db.path, &planted, &[]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("symlink") || err.contains("exists"), "{err}");
    assert!(!victim.exists(), "the symlink was followed");
    // A missing directory is named as such, not as a broken database.
    let (code, _, err) = backup_to(&db.path, &db.dir.path().join("no/such/dir/copy.db"), &[]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("does not exist") && !err.contains("unable to open database"), "{err}");
    // A read-only user makes no copy.
    let ro = db.dir.path().join("ro.db");
    let (code, _, err) = backup_to(&db.path, &ro, &["--read-only"]);
    assert_ne!(code, 0, "{err}");
    assert!(!ro.exists());
    assert_eq!(audits("backup"), 1);
}

/// A major case, assigned and resolved with an agreement: it has two follow-ups scheduled
/// (15 and 90 days on). Returns its ref.
fn case_with_two_followups(db: &Db) -> String {
    let mut r = record(&just_now(), "吴十");
    r["complexity"] = Value::String("major".into());
    let (code, out, err) = db.run_with_stdin(&["add", "--json", "-"], &r.to_string());
    assert_eq!(code, 0, "{err}");
    let added: Value = serde_json::from_str(&out).unwrap();
    let reference = common::s(&added, "ref").to_string();
    let shown = db.json(&["show", &reference, "--json"]);
    let committee = shown["committee"].as_str().unwrap_or_default().to_string();
    let mediators = db.json(&["mediators", "--committee", &committee, "--json"]);
    let name = common::s(&common::records(&mediators)[0], "name").to_string();
    db.ok(&["assign", &reference, &name, "--force"]);
    db.ok(&["resolve", &reference, "--outcome", "resolved"]);
    let due: i64 = open_ro(&db.path)
        .query_row(
            "SELECT count(*) FROM followups f JOIN cases c ON c.id = f.case_id WHERE c.ref = ?1 AND f.done_at IS NULL",
            [&reference],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(due, 2, "two follow-ups scheduled");
    reference
}

/// True when the process sleeps in the kernel (SQLite's busy handler waiting for the lock).
fn sleeping_in_busy_wait(pid: u32) -> bool {
    std::fs::read_to_string(format!("/proc/{pid}/syscall"))
        .ok()
        .and_then(|s| s.split_whitespace().next().map(str::to_string))
        .is_some_and(|n| n == "35" || n == "230")
}

#[test]
fn two_parallel_followups_one_exit_0_one_exit_3() {
    let db = Db::demo(0);
    let reference = case_with_two_followups(&db);
    // Hold the write lock so both commands read the case first and then queue for the lock.
    let lock = rusqlite::Connection::open(&db.path).unwrap();
    lock.execute_batch("BEGIN IMMEDIATE").unwrap();
    let spawn = || {
        bin(&db.path)
            .args(["followup", &reference, "--outcome", "performed"])
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap()
    };
    let (a, b) = (spawn(), spawn());
    let start = std::time::Instant::now();
    let mut settled = 0;
    while settled < 10 && start.elapsed() < Duration::from_secs(20) {
        settled = if sleeping_in_busy_wait(a.id()) && sleeping_in_busy_wait(b.id()) { settled + 1 } else { 0 };
        std::thread::sleep(Duration::from_millis(50));
    }
    lock.execute_batch("COMMIT").unwrap();
    let mut codes: Vec<i32> =
        [a, b].into_iter().map(|c| c.wait_with_output().unwrap().status.code().unwrap_or(-1)).collect();
    codes.sort();
    assert_eq!(codes, vec![0, 3], "one follow-up wins, the other is a conflict");
    let done: i64 = open_ro(&db.path)
        .query_row(
            "SELECT count(*) FROM followups f JOIN cases c ON c.id = f.case_id WHERE c.ref = ?1 AND f.done_at IS NOT NULL",
            [&reference],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(done, 1, "the visit due months later is still pending");
}

#[test]
fn a_replaced_database_file_stops_the_desk_writing() {
    let db = Db::demo(20);
    let other = Db::demo(5);
    let mut d = desk(&db, 220, 40);
    d.wait_live();
    std::fs::rename(&other.path, &db.path).unwrap();
    let screen = d.wait_for_text("replaced or deleted", REACT);
    assert!(!screen.contains("● live"), "{screen}");
    assert!(d.is_running());
}

/// SQLite's integrity-check lines for a file, as rusqlite sees them (errors end the list).
fn sqlite_problems(path: &Path) -> Vec<String> {
    pragma_problems(path, "integrity_check")
}

/// What `PRAGMA {check}` (integrity_check or quick_check) lists, "ok" left out.
fn pragma_problems(path: &Path, check: &str) -> Vec<String> {
    let conn = open_ro(path);
    let Ok(mut stmt) = conn.prepare(&format!("PRAGMA {check}")) else { return vec![] };
    let Ok(rows) = stmt.query_map([], |r| r.get::<_, String>(0)) else { return vec![] };
    rows.map_while(Result::ok).filter(|l| l != "ok").collect()
}

#[test]
fn check_prints_the_problems_sqlite_lists_for_a_corrupted_page() {
    let db = Db::demo(300);
    {
        let conn = rusqlite::Connection::open(&db.path).unwrap();
        conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(())).unwrap();
    }
    let clean = std::fs::read(&db.path).unwrap();
    let pages = clean.len() / 4096;
    let bad = db.dir.path().join("bad.db");
    // 40 bytes overwritten inside one page: the first page whose damage SQLite can name.
    let listed = (2..pages).find_map(|page| {
        let mut bytes = clean.clone();
        bytes[page * 4096 + 1000..page * 4096 + 1040].fill(0xff);
        std::fs::write(&bad, &bytes).unwrap();
        let lines = sqlite_problems(&bad);
        lines.iter().find(|l| l.contains("page")).cloned()
    });
    let line = listed.expect("some page's damage is listed by SQLite");
    let (code, _, err) = run({
        let mut c = bin(&bad);
        c.arg("check");
        c
    });
    assert_eq!(code, 1, "{err}");
    for l in line.lines() {
        assert!(err.contains(l.trim()), "check prints SQLite's list ({l:?}):\n{err}");
    }
}

#[test]
fn once_a_check_finds_damage_every_cli_write_refuses_until_check_finds_it_healthy() {
    let db = Db::demo(300);
    {
        let conn = rusqlite::Connection::open(&db.path).unwrap();
        conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(())).unwrap();
    }
    // A page of a table `add` never reads: its damage goes unseen by the write itself.
    let page: usize = open_ro(&db.path)
        .query_row("SELECT pageno FROM dbstat WHERE name = 'followups' AND pagetype = 'leaf' LIMIT 1", [], |r| {
            r.get::<_, i64>(0)
        })
        .map(|p| usize::try_from(p - 1).unwrap())
        .unwrap();
    let clean = std::fs::read(&db.path).unwrap();
    let mut damaged = clean.clone();
    damaged[page * 4096..page * 4096 + 40].fill(0xff);
    std::fs::write(&db.path, &damaged).unwrap();
    assert!(!sqlite_problems(&db.path).is_empty(), "SQLite sees the damage");
    std::fs::write(&db.path, &damaged).unwrap();
    let add = || db.run_with_stdin(&["add", "--json", "-"], &record(&just_now(), "王五").to_string());
    let (code, _, err) = db.run(&["check"]);
    assert_eq!(code, 1, "{err}");
    let (code, _, err) = add();
    assert_eq!(code, 1, "a write after a failed check is refused: {err}");
    assert!(err.contains("failed an integrity check"), "{err}");
    // Repaired (here: the clean file back), check says so and writing resumes.
    std::fs::write(&db.path, &clean).unwrap();
    let (code, _, err) = db.run(&["check"]);
    assert_eq!(code, 0, "{err}");
    let (code, _, err) = add();
    assert_eq!(code, 0, "{err}");
}

#[test]
fn a_desk_on_a_database_that_fails_its_quick_check_stops_writing() {
    let db = Db::demo(300);
    {
        let conn = rusqlite::Connection::open(&db.path).unwrap();
        conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(())).unwrap();
    }
    let clean = std::fs::read(&db.path).unwrap();
    let pages = clean.len() / 4096;
    // A page whose damage SQLite's quick check lists (the desk's opening check; a page only
    // the full integrity check sees, such as an index entry out of step with its table, passes
    // it) while the database still opens.
    let found = (2..pages).any(|page| {
        let mut bytes = clean.clone();
        bytes[page * 4096 + 1000..page * 4096 + 1040].fill(0xff);
        std::fs::write(&db.path, &bytes).unwrap();
        !pragma_problems(&db.path, "quick_check").is_empty()
            && db.run(&["mediators"]).0 == 0
            && db.run(&["list"]).0 == 0
    });
    assert!(found, "no page found whose damage leaves the database openable");
    let mut d = desk(&db, 220, 40);
    let screen = d.wait_for_text("failed its quick check", Duration::from_secs(15));
    assert!(!screen.contains("● live"), "{screen}");
    assert!(d.is_running());
}

#[test]
fn list_with_stderr_a_closed_pipe_exits_cleanly() {
    let db = Db::demo(30);
    let (mut reader, writer) = std::io::pipe().unwrap();
    drop(std::mem::replace(&mut reader, std::io::pipe().unwrap().0));
    let out = bin(&db.path).args(["list", "--limit", "5"]).stdin(Stdio::null()).stderr(writer).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stdout));
}

#[test]
fn json_array_errors_name_the_line_the_record_starts_on() {
    let db = Db::demo(0);
    let good = record(&just_now(), "郑一");
    let mut bad = record(&just_now(), "郑二");
    bad["area"] = Value::String("NO-SUCH-AREA".into());
    let text = serde_json::to_string_pretty(&Value::Array(vec![good, bad])).unwrap();
    let start = 1 + text.lines().skip(1).position(|l| l.trim() == "{").map(|i| i + 1).unwrap();
    let second = 1 + text.lines().enumerate().skip(start).position(|(_, l)| l.trim() == "{").unwrap() + start;
    let file = db.file("pretty.json", text.as_bytes());
    let (code, _, err) = db.run(&["import", file.to_str().unwrap()]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains(&format!("line {second}, record 2, field area")), "record 2 starts on line {second}:\n{err}");
}

//! Hostile text (issue 4, item 3): no byte from the data ever acts on the officer's terminal.
//!
//! - The records of `fixtures/hostile/` (OSC title and clipboard writes, screen clears, C1 CSI,
//!   DEL, bidi overrides, tabs in names) are refused by `import`, naming line/record and field,
//!   and nothing is stored.
//! - The same text put into a database with raw SQL (as an older version or a manual edit could
//!   leave it) is neutralised: the real desk in a pseudo-terminal shows it with every control
//!   removed (the raw bytes it wrote hold no OSC, BEL, C1 or bidi control, no screen clear from
//!   the data, and the layout stays intact), and `list` / `show` print it clean.
//! - Bad input (a 1 MB summary, invalid UTF-8, empty names, negative amounts, future dates) gets a
//!   clear error naming the field, exit 1, and changes nothing.

mod common;
#[path = "common/pty.rs"]
mod pty;

use std::path::Path;
use std::time::Duration;

use common::{just_now, open_ro, record, Db};
use pty::{base_env, Desk};
use serde_json::{json, Value};

const OSC_TITLE: &str = "\x1b]0;PWNED\x07";
const OSC_CLIPBOARD: &str = "\x1b]52;c;cm0gLXJmIH4=\x07";
const CLEAR_HOME: &str = "\x1b[2J\x1b[H";
const C1_CSI: &str = "\u{9b}31m";
const DEL: &str = "\x7f";
const RLO: &str = "\u{202e}";
const LRI: &str = "\u{2066}";

const STARTUP: Duration = Duration::from_secs(10);
const REACT: Duration = Duration::from_secs(5);

fn fixture(name: &str) -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/hostile").join(name)
}

/// (cases, audit rows, max audit id): what any write would change.
fn counts(db: &Db) -> (i64, i64, i64) {
    open_ro(&db.path)
        .query_row(
            "SELECT (SELECT count(*) FROM cases), (SELECT count(*) FROM audit), (SELECT ifnull(max(id),0) FROM audit)",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .unwrap()
}

/// Every character that must never reach a terminal from the data, with where it is.
fn hostile_chars(text: &str) -> Vec<(usize, char)> {
    text.char_indices()
        .filter(|&(_, c)| {
            let u = c as u32;
            (u < 0x20 && c != '\n')
                || (0x7f..=0x9f).contains(&u)
                || (0x202a..=0x202e).contains(&u)
                || (0x2066..=0x2069).contains(&u)
        })
        .collect()
}

fn assert_clean_text(what: &str, bytes: &[u8]) {
    let text = String::from_utf8_lossy(bytes);
    let bad = hostile_chars(&text);
    assert!(bad.is_empty(), "{what} holds hostile characters {:?}:\n{text}", &bad[..bad.len().min(10)]);
}

// ───────────────────────────── import refuses the fixtures ─────────────────────────────

#[test]
fn hostile_fixtures_are_refused_naming_line_and_field() {
    let db = Db::demo(20);
    let before = counts(&db);
    let expected: [(&str, &str, &str); 5] = [
        ("2", "summary", "U+001B"),
        ("3", "applicant_name", "U+009B"),
        ("5", "respondent_name", "U+007F"),
        ("6", "partners", "U+2066"),
        ("7", "applicant_name", "U+0009"),
    ];
    for (file, place) in [("cases.csv", "line"), ("cases.json", "record")] {
        for dry in [true, false] {
            let path = fixture(file);
            let mut args = vec!["import", path.to_str().unwrap()];
            if dry {
                args.push("--dry-run");
            }
            let out = db.cmd(&args).output().unwrap();
            let err = String::from_utf8_lossy(&out.stderr);
            assert_eq!(out.status.code(), Some(1), "{args:?} must fail with exit 1; stderr:\n{err}");
            assert!(err.contains("5 problems found; nothing was imported"), "{file}:\n{err}");
            for (n, field, ch) in expected {
                // JSON records count from 1 without the header: CSV line n is JSON record n-1.
                let at = if place == "line" { n.to_string() } else { (n.parse::<u32>().unwrap() - 1).to_string() };
                let want = format!("{place} {at}, field {field}: contains the control character {ch}");
                assert!(err.contains(&want), "{file}: expected {want:?} in:\n{err}");
            }
            let good = if place == "line" { "line 4," } else { "record 3," };
            assert!(!err.contains(good), "{file}: the good record was blamed:\n{err}");
            assert!(!err.contains("panicked"), "{file}: {err}");
            assert_clean_text(&format!("stderr of {args:?}"), &out.stderr);
            assert!(out.stdout.is_empty(), "{file}: printed {:?}", String::from_utf8_lossy(&out.stdout));
            assert_eq!(counts(&db), before, "{args:?} changed the database");
        }
    }
}

// ───────────────────────────── bad input changes nothing ─────────────────────────────

const CSV_FIELDS: [&str; 9] = [
    "received_at",
    "source",
    "category",
    "applicant_name",
    "applicant_phone",
    "respondent_name",
    "summary",
    "amount_fen",
    "area",
];

fn csv_cell(v: &Value) -> Vec<u8> {
    let s = match v {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    };
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\"")).into_bytes()
    } else {
        s.into_bytes()
    }
}

/// A CSV of the records under [`CSV_FIELDS`]; `raw` replaces one cell (line, field) with bytes.
fn csv_of(records: &[Value], raw: Option<(usize, &str, &[u8])>) -> Vec<u8> {
    let mut out = CSV_FIELDS.join(",").into_bytes();
    out.push(b'\n');
    for (i, r) in records.iter().enumerate() {
        let cells: Vec<Vec<u8>> = CSV_FIELDS
            .iter()
            .map(|f| match raw {
                Some((line, field, bytes)) if line == i + 2 && field == *f => bytes.to_vec(),
                _ => csv_cell(&r[*f]),
            })
            .collect();
        out.extend(cells.join(&b","[..]));
        out.push(b'\n');
    }
    out
}

fn good() -> Value {
    record(&just_now(), "张三")
}

fn with(field: &str, value: Value) -> Value {
    let mut r = good();
    r[field] = value;
    r
}

/// Runs `args` (with `stdin`), which must fail with exit 1 and `want` in stderr, writing nothing.
fn assert_refused(db: &Db, what: &str, args: &[&str], stdin: &[u8], want: &[String]) {
    let before = counts(db);
    let out = db.cmd(args).write_stdin(stdin.to_vec()).timeout(Duration::from_secs(30)).output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{what}: {args:?} must exit 1; stderr:\n{err}");
    for w in want {
        assert!(err.contains(w.as_str()), "{what}: expected {w:?} in stderr:\n{err}");
    }
    assert!(!err.contains("panicked"), "{what}: {err}");
    assert!(err.len() < 8_000, "{what}: the error echoes the input ({} bytes)", err.len());
    assert!(out.stdout.is_empty(), "{what}: printed {:?}", String::from_utf8_lossy(&out.stdout));
    assert_eq!(counts(db), before, "{what}: {args:?} changed the database");
}

#[test]
fn bad_input_gets_a_clear_error_naming_the_field_and_changes_nothing() {
    let db = Db::demo(20);
    let future = (chrono::Utc::now() + chrono::Duration::days(2)).to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    let mega = "纠纷".repeat(174_763); // 1 048 578 bytes
    let cases: Vec<(&str, Value, &str, &str)> = vec![
        ("a 1 MB summary", with("summary", json!(mega)), "summary", "is 1048578 bytes; at most 4000 allowed"),
        (
            "an empty applicant name",
            with("applicant_name", json!("")),
            "applicant_name",
            "is missing; it must not be empty",
        ),
        (
            "a blank applicant name",
            with("applicant_name", json!("   ")),
            "applicant_name",
            "is missing; it must not be empty",
        ),
        ("a negative amount", with("amount_fen", json!(-500)), "amount_fen", "must not be negative"),
        ("a received_at in the future", with("received_at", json!(future)), "received_at", "is in the future"),
    ];
    for (what, bad, field, message) in &cases {
        let records = [good(), bad.clone()];
        let csv = db.file("bad.csv", &csv_of(&records, None));
        assert_refused(
            &db,
            what,
            &["import", csv.to_str().unwrap()],
            b"",
            &[format!("line 3, field {field}: {message}"), "nothing was imported".into()],
        );
        let js = db.file("bad.json", serde_json::to_string_pretty(&records).unwrap().as_bytes());
        assert_refused(
            &db,
            what,
            &["import", js.to_str().unwrap()],
            b"",
            &[format!("record 2, field {field}: {message}"), "nothing was imported".into()],
        );
        assert_refused(
            &db,
            what,
            &["add", "--json", "-"],
            bad.to_string().as_bytes(),
            &[format!("field {field}: {message}"), "nothing was stored".into()],
        );
    }

    // Invalid UTF-8: a GBK-encoded name (张三 = D5 C5 C8 FD).
    let gbk: &[u8] = b"\xd5\xc5\xc8\xfd";
    let records = [good(), good()];
    let csv = db.file("gbk.csv", &csv_of(&records, Some((3, "applicant_name", gbk))));
    assert_refused(
        &db,
        "invalid UTF-8 in a CSV field",
        &["import", csv.to_str().unwrap()],
        b"",
        &["line 3, field applicant_name: is not valid UTF-8".into(), "iconv".into()],
    );
    let mut header = csv_of(&records, None);
    header.splice(0..0, b"\xb1\xe0\xba\xc5,".iter().copied()); // a GBK header name: 编号
    let csv = db.file("gbk-header.csv", &header);
    assert_refused(
        &db,
        "invalid UTF-8 in the CSV header",
        &["import", csv.to_str().unwrap()],
        b"",
        &["line 1: the header is not valid UTF-8".into()],
    );
    let mut js = serde_json::to_string_pretty(&records).unwrap().into_bytes();
    let at = js.windows(6).position(|w| w == "张三".as_bytes()).unwrap();
    js.splice(at..at + 6, gbk.iter().copied());
    let line = js[..at].iter().filter(|&&b| b == b'\n').count() + 1;
    let path = db.file("gbk.json", &js);
    assert_refused(
        &db,
        "invalid UTF-8 in a JSON file",
        &["import", path.to_str().unwrap()],
        b"",
        &[format!("line {line}: is not valid UTF-8")],
    );
    let mut one = good().to_string().into_bytes();
    let at = one.windows(6).position(|w| w == "张三".as_bytes()).unwrap();
    one.splice(at..at + 6, gbk.iter().copied());
    assert_refused(&db, "invalid UTF-8 on stdin", &["add", "--json", "-"], &one, &["line 1 is not valid UTF-8".into()]);
}

// ───────────────────────────── hostile text already in the database ─────────────────────────────

/// A demo database with one red, critical case first in Incoming whose text — and its area's,
/// its committee's and every mediator's name — carries hostile bytes, written with raw SQL.
struct Planted {
    db: Db,
    /// The ref as shown (the stored one ends with a bidi override, which `show` needs).
    reference: String,
    /// The ref as stored.
    stored_ref: String,
}

fn plant() -> Planted {
    let db = Db::demo(300);
    let mut rec = good();
    rec["risk_level"] = json!("red");
    rec["complexity"] = json!("critical");
    rec["partners"] = json!("派出所;法庭");
    let (code, out, err) = db.run_with_stdin(&["add", "--json", "-"], &rec.to_string());
    assert_eq!(code, 0, "add failed: {err}");
    let reference = serde_json::from_str::<Value>(&out).unwrap()["ref"].as_str().unwrap().to_string();

    let conn = rusqlite::Connection::open(&db.path).unwrap();
    let (case_id, area_id, committee_id): (i64, i64, i64) = conn
        .query_row("SELECT id, area_id, committee_id FROM cases WHERE ref = ?1", [&reference], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?))
        })
        .unwrap();
    conn.execute(
        "UPDATE cases SET summary = ?2, applicant_name = ?3, respondent_name = ?4, partners = ?5, outcome_note = ?6,
             assign_due = (SELECT min(assign_due) FROM cases WHERE status = 'received') - 60
         WHERE id = ?1",
        rusqlite::params![
            case_id,
            format!("{OSC_TITLE}漏水{OSC_CLIPBOARD}{CLEAR_HOME}楼上{C1_CSI}红{DEL}{RLO}gnp.exe{LRI} tab:\there"),
            format!("{C1_CSI}赵\t六{RLO}"),
            format!("{OSC_CLIPBOARD}李四"),
            format!("派出所,{LRI}法庭\t律所{RLO}"),
            format!("{OSC_TITLE}note"),
        ],
    )
    .unwrap();
    // A hand-edited ref: a bidi override at its end. The desk draws the ref in the detail
    // popup's title, a path where ratatui itself would pass a zero-width character through.
    let stored_ref = format!("{reference}{RLO}");
    conn.execute("UPDATE cases SET ref = ?2 WHERE id = ?1", rusqlite::params![case_id, stored_ref]).unwrap();
    conn.execute(
        "UPDATE areas SET name_en = ?2, name_zh = ?3 WHERE id = ?1",
        rusqlite::params![area_id, format!("{C1_CSI}Village{DEL}"), format!("{C1_CSI}社区{DEL}")],
    )
    .unwrap();
    conn.execute(
        "UPDATE committees SET name_en = ?2, name_zh = ?3 WHERE id = ?1",
        rusqlite::params![committee_id, format!("{OSC_TITLE}Committee{RLO}"), format!("{OSC_TITLE}调委会{LRI}")],
    )
    .unwrap();
    conn.execute("UPDATE mediators SET name = ?1 || 'M' || id", [format!("{C1_CSI}{CLEAR_HOME}")]).unwrap();
    conn.execute(
        "INSERT INTO followups (case_id, due, done_at, note)
         VALUES (?1, strftime('%s','now') - 86400, strftime('%s','now') - 3600, ?2)",
        rusqlite::params![case_id, format!("{OSC_CLIPBOARD}回访{CLEAR_HOME}备注\t完")],
    )
    .unwrap();
    let first: String = conn
        .query_row(
            "SELECT ref FROM cases WHERE status = 'received' ORDER BY risk_rank DESC, assign_due, id LIMIT 1",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(first, stored_ref, "the planted case is not first in Incoming");
    Planted { db, reference, stored_ref }
}

const BORDERS: &str = "│┃┌┐└┘┏┓┗┛";

/// The panes' outer borders are where they belong: every row but the status bar starts and
/// ends with a border character, the first row with the top corners.
fn assert_layout(screen: &str, rows: u16, what: &str) {
    let lines: Vec<&str> = screen.split('\n').collect();
    assert!(lines.len() >= usize::from(rows) - 1, "{what}: only {} rows:\n{screen}", lines.len());
    for (i, line) in lines.iter().take(usize::from(rows) - 1).enumerate() {
        let (first, last) = (line.chars().next(), line.chars().last());
        let ok = first.is_some_and(|c| BORDERS.contains(c)) && last.is_some_and(|c| BORDERS.contains(c));
        assert!(ok, "{what}: row {i} is not framed by pane borders: {line:?}\n{screen}");
    }
    let top = lines[0];
    assert!(top.starts_with(['┌', '┏']) && top.ends_with(['┐', '┓']), "{what}: top row {top:?}\n{screen}");
}

fn find(hay: &[u8], needle: &[u8]) -> Vec<usize> {
    hay.windows(needle.len()).enumerate().filter(|(_, w)| *w == needle).map(|(i, _)| i).collect()
}

/// The raw bytes the desk wrote hold nothing the data could have brought in.
fn assert_raw_output_clean(out: &[u8], what: &str) {
    let show = |i: usize| String::from_utf8_lossy(&out[i.saturating_sub(40)..(i + 40).min(out.len())]).into_owned();
    if let Some(&i) = find(out, b"\x1b]").first() {
        panic!("{what}: an OSC sequence at byte {i}: {:?}", show(i));
    }
    if let Some(i) = out.iter().position(|&b| b == 0x07) {
        panic!("{what}: a BEL at byte {i}: {:?}", show(i));
    }
    if let Some(i) = out.iter().position(|&b| b == 0x7f) {
        panic!("{what}: a DEL at byte {i}: {:?}", show(i));
    }
    let text = std::str::from_utf8(out).unwrap_or_else(|e| panic!("{what}: the output is not UTF-8: {e}"));
    for (i, c) in text.char_indices() {
        let u = c as u32;
        let bad = (0x80..=0x9f).contains(&u) || (0x202a..=0x202e).contains(&u) || (0x2066..=0x2069).contains(&u);
        assert!(!bad, "{what}: U+{u:04X} at byte {i}: {:?}", show(i));
    }
    // The desk's own cursor moves always name a position (`ESC [row;colH`); a bare home and a
    // screen clear after the first frame can only have come from the data.
    assert!(find(out, b"\x1b[H").is_empty(), "{what}: a bare cursor-home sequence");
    let first_frame_end = find(out, b"\x1b[?2026l").first().copied().expect("no frame at all");
    let clears = find(&out[first_frame_end..], b"\x1b[2J");
    assert!(
        clears.is_empty(),
        "{what}: a screen clear after the first frame at {:?}",
        show(first_frame_end + clears[0])
    );
    // The text was drawn, controls removed.
    assert!(!find(out, b"PWNED").is_empty(), "{what}: the hostile row was never drawn");
}

fn run_desk(p: &Planted, cols: u16, rows: u16, lang: &str) {
    let what = format!("{cols}x{rows} {lang}");
    let zh = lang == "zh";
    let panes: [&str; 4] = if zh {
        ["待分派", "分流", "工作量", "回访"]
    } else {
        ["Incoming", "Routing", "Workload", "Follow-ups"]
    };
    let live = if zh { "● 实时 " } else { "● live " };
    let dir = p.db.dir.path();
    let args = ["--db", p.db.path.to_str().unwrap(), "--lang", lang];
    let mut desk = Desk::spawn(cols, rows, &args, &base_env(dir), dir);
    let (screen, _) = desk.wait_for("the panes with the planted case", STARTUP, |s| {
        panes.iter().all(|t| s.contains(t)) && s.contains(live) && s.contains(&p.reference)
    });
    assert_layout(&screen, rows, &format!("{what} panes"));
    // Every mediator's name starts with C1 CSI + clear + home: shown as text, cut to the column.
    assert!(screen.contains("31m[2J["), "{what}: the mediators' names are not shown sanitised:\n{screen}");

    desk.send("\r");
    let title = format!("{} {}", if zh { "案件" } else { "Case" }, p.reference);
    let (screen, _) = desk.wait_for("the case detail", REACT, |s| s.contains(&title));
    assert_layout(&screen, rows, &format!("{what} detail"));
    // The detail is the case as `show` prints it, longer than a small screen: scroll it to the
    // end (its audit trail) and read every screen on the way.
    let mut seen = screen.clone();
    let trail = if zh { "操作记录" } else { "Audit trail" };
    for _ in 0..60 {
        desk.send("j");
        let now = desk.screen();
        assert_layout(&now, rows, &format!("{what} detail, scrolled"));
        seen.push_str(&now);
        if now.contains(trail) && seen.contains("]0;PWNED漏水") {
            break;
        }
    }
    let screen = seen;
    for shown in [
        "]52;c;cm0gLXJmIH4=[2J[H楼上31m红gnp.exe tab: here", // summary: tab → space, controls gone
        "31m赵 六",                                          // applicant
        "]52;c;cm0gLXJmIH4=李四",                            // respondent
        "法庭 律所",                                         // partners
        if zh { "31m社区" } else { "31mVillage" },           // area
        if zh { "]0;PWNED调委会" } else { "]0;PWNEDCommittee" }, // committee
    ] {
        assert!(screen.contains(shown), "{what}: {shown:?} not in the detail:\n{screen}");
    }
    if rows >= 40 {
        assert!(screen.contains("]52;c;cm0gLXJmIH4=回访[2J[H备注 完"), "{what}: follow-up note:\n{screen}");
    }

    desk.send("\x1b");
    desk.send("3");
    let (screen, _) = desk.wait_for("the Workload pane focused", REACT, |s| !s.contains("]0;PWNED漏水"));
    assert_layout(&screen, rows, &format!("{what} workload"));
    assert!(screen.contains("31m[2J["), "{what}: the mediators' names:\n{screen}");

    desk.send("1");
    desk.send("a");
    let title = if zh { "分派" } else { "Assign" };
    let (screen, _) = desk.wait_for("the assign popup", REACT, |s| {
        s.contains(&format!("{title} {}", p.reference)) && s.matches("31m[2J[").count() >= 2
    });
    assert_layout(&screen, rows, &format!("{what} assign"));
    desk.send("\x1b");
    desk.send("q");
    let status = desk.wait_exit(Duration::from_secs(5)).unwrap_or_else(|| panic!("{what}: the desk did not exit"));
    assert!(status.success(), "{what}: exited with {status:?}");
    assert_raw_output_clean(&desk.output(), &what);
}

#[test]
fn desk_neutralises_hostile_text_80x24_en() {
    run_desk(&plant(), 80, 24, "en");
}

#[test]
fn desk_neutralises_hostile_text_80x24_zh() {
    run_desk(&plant(), 80, 24, "zh");
}

#[test]
fn desk_neutralises_hostile_text_120x40_en() {
    run_desk(&plant(), 120, 40, "en");
}

#[test]
fn desk_neutralises_hostile_text_120x40_zh() {
    run_desk(&plant(), 120, 40, "zh");
}

#[test]
fn cli_prints_hostile_text_clean_and_json_escaped() {
    let p = plant();
    let db = &p.db;
    for lang in ["en", "zh"] {
        let list = db.cmd(&["--lang", lang, "list", "--unassigned", "--limit", "500"]).output().unwrap();
        assert!(list.status.success());
        assert_clean_text(&format!("list ({lang})"), &list.stdout);
        let text = String::from_utf8_lossy(&list.stdout);
        assert!(text.lines().any(|l| l.contains(&p.reference) && l.contains("]0;PWNED漏水")), "list ({lang}):\n{text}");

        let show = db.cmd(&["--lang", lang, "show", &p.stored_ref]).output().unwrap();
        assert!(show.status.success());
        assert_clean_text(&format!("show ({lang})"), &show.stdout);
        let text = String::from_utf8_lossy(&show.stdout);
        for shown in [
            "]0;PWNED漏水]52;c;cm0gLXJmIH4=[2J[H楼上31m红gnp.exe tab: here",
            "31m赵 六",
            "]52;c;cm0gLXJmIH4=李四",
            "]0;PWNEDnote",
            if lang == "zh" { "]0;PWNED调委会" } else { "]0;PWNEDCommittee" },
            if lang == "zh" { "31m社区" } else { "31mVillage" },
            "]52;c;cm0gLXJmIH4=回访[2J[H备注 完",
        ] {
            assert!(text.contains(shown), "show ({lang}): {shown:?} missing:\n{text}");
        }

        let med = db.cmd(&["--lang", lang, "mediators"]).output().unwrap();
        assert!(med.status.success());
        assert_clean_text(&format!("mediators ({lang})"), &med.stdout);
        assert!(String::from_utf8_lossy(&med.stdout).contains("31m[2J[HM"), "mediators ({lang})");
    }

    // JSON keeps the data exactly (it round-trips) but as escapes, never as raw control bytes.
    let conn = open_ro(&db.path);
    let (summary, applicant): (String, String) = conn
        .query_row("SELECT summary, applicant_name FROM cases WHERE ref = ?1", [&p.stored_ref], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .unwrap();
    for args in [
        vec!["show", "--json", p.stored_ref.as_str()],
        vec!["list", "--json", "--unassigned", "--limit", "500"],
        vec!["mediators", "--json"],
    ] {
        let out = db.cmd(&args).output().unwrap();
        assert!(out.status.success(), "{args:?}");
        let raw = String::from_utf8(out.stdout.clone()).unwrap();
        let bad: Vec<(usize, char)> = hostile_chars(&raw).into_iter().filter(|&(_, c)| c != '\n').collect();
        assert!(bad.is_empty(), "{args:?} printed raw hostile characters {:?}", &bad[..bad.len().min(10)]);
        assert!(raw.contains("\\u001b]0;PWNED\\u0007") || args[0] == "mediators", "{args:?}: no escaped OSC");
        let v: Value = serde_json::from_str(&raw).unwrap();
        if args[0] == "show" {
            assert_eq!(v["summary"].as_str(), Some(summary.as_str()), "show --json does not round-trip the summary");
            assert_eq!(v["applicant_name"].as_str(), Some(applicant.as_str()));
            assert_eq!(v["ref"].as_str(), Some(p.stored_ref.as_str()));
        }
    }
}

//! The mouse on the real desk: the binary in a pseudo-terminal on a temp demo database, sent the
//! raw SGR mouse sequences a terminal sends; and `--no-mouse` leaving mouse reporting off.

#[path = "common/pty.rs"]
mod pty;

use std::path::PathBuf;
use std::process::Command;
use std::time::Duration;

use pty::{base_env, Desk};
use tempfile::TempDir;

/// For anything that follows an input (a debug build on a loaded machine).
const REACT: Duration = Duration::from_secs(10);

/// What turns mouse reporting on (presses) and its SGR coordinates.
const MOUSE_ON: [&str; 2] = ["\x1b[?1000h", "\x1b[?1006h"];

fn demo() -> (TempDir, PathBuf) {
    let dir = TempDir::new().unwrap();
    let db = dir.path().join("desk.db");
    let out = Command::new(assert_cmd::cargo::cargo_bin("duty-desk"))
        .args(["--db", db.to_str().unwrap(), "demo", "--no-tui", "--cases", "100", "--seed", "5"])
        .env_remove("DUTY_DESK_DB")
        .output()
        .unwrap();
    assert!(out.status.success(), "demo failed: {}", String::from_utf8_lossy(&out.stderr));
    // Enough unassigned cases for the Incoming pane to have rows to click.
    for name in ["王一", "王二", "王三", "王四", "王五", "王六", "王七", "王八", "王九", "王十"] {
        let out = Command::new(assert_cmd::cargo::cargo_bin("duty-desk"))
            .args(["--db", db.to_str().unwrap(), "add", "--category", "neighbour", "--applicant-name", name])
            .args(["--summary", "楼上漏水纠纷", "--area", "WH-HBW-01-01"])
            .env_remove("DUTY_DESK_DB")
            .output()
            .unwrap();
        assert!(out.status.success(), "add failed: {}", String::from_utf8_lossy(&out.stderr));
    }
    (dir, db)
}

fn desk(dir: &TempDir, db: &std::path::Path, extra: &[&str]) -> Desk {
    let mut args = vec!["--db", db.to_str().unwrap()];
    args.extend_from_slice(extra);
    Desk::spawn(120, 30, &args, &base_env(dir.path()), dir.path())
}

/// The Incoming pane's "selected/total" title text.
fn position(screen: &str) -> String {
    let line = screen.lines().find(|l| l.contains("Incoming")).unwrap();
    line.split_whitespace()
        .find(|w| w.contains('/') && w.chars().next().is_some_and(|c| c.is_ascii_digit()))
        .unwrap_or("")
        .to_string()
}

/// The (column, row) of the `n`-th case ref (from 0) in the Incoming pane's rows, 1-based as
/// mouse reports count.
fn nth_row(screen: &str, n: usize) -> (usize, usize, String) {
    let mut seen = 0;
    for (y, line) in screen.lines().enumerate() {
        if let Some(at) = line.find("WH-") {
            // The Incoming pane is the left one: its rows start at the frame's left edge.
            if at > 6 {
                continue;
            }
            if seen == n {
                let x = line[..at].chars().count();
                let reference = line[at..].split_whitespace().next().unwrap().to_string();
                return (x + 2, y + 1, reference);
            }
            seen += 1;
        }
    }
    panic!("no row {n} in:\n{screen}");
}

fn has(bytes: &[u8], seq: &str) -> bool {
    bytes.windows(seq.len()).any(|w| w == seq.as_bytes())
}

#[test]
fn a_click_on_a_row_selects_it_and_a_double_click_opens_it() {
    let (dir, db) = demo();
    let mut desk = desk(&dir, &db, &[]);
    let screen = desk.wait_live();
    assert!(MOUSE_ON.iter().all(|s| has(&desk.output(), s)), "mouse reporting was not turned on");
    assert!(position(&screen).starts_with("1/"), "{screen}");
    let (x, y, reference) = nth_row(&screen, 3);
    desk.send_raw(format!("\x1b[<0;{x};{y}M").as_bytes());
    desk.send_raw(format!("\x1b[<0;{x};{y}m").as_bytes());
    let (screen, _) = desk.wait_for("the fourth row selected", REACT, |s| position(s).starts_with("4/"));
    assert!(screen.contains(&reference));
    // Give the double-click clock time to pass, then press twice quickly: the detail opens.
    std::thread::sleep(Duration::from_millis(500));
    desk.send_raw(format!("\x1b[<0;{x};{y}M\x1b[<0;{x};{y}m\x1b[<0;{x};{y}M\x1b[<0;{x};{y}m").as_bytes());
    desk.wait_for_text(&format!("Case {reference}"), REACT);
    desk.send("\x1b");
    desk.wait_for("the detail closed", REACT, |s| !s.contains(&format!("Case {reference}")));
    // The wheel over the pane moves the selection three rows.
    desk.send_raw(format!("\x1b[<65;{x};{y}M").as_bytes());
    desk.wait_for("three rows further", REACT, |s| position(s).starts_with("7/"));
    desk.send("q");
    desk.wait_exit(REACT).expect("the desk did not exit after q");
    assert!(has(&desk.output(), "\x1b[?1000l"), "mouse reporting was left on");
}

#[test]
fn no_mouse_leaves_mouse_reporting_off() {
    let (dir, db) = demo();
    let mut desk = desk(&dir, &db, &["--no-mouse"]);
    desk.wait_live();
    desk.send("q");
    desk.wait_exit(REACT).expect("the desk did not exit after q");
    let out = desk.output();
    for seq in MOUSE_ON {
        assert!(!has(&out, seq), "{seq:?} was sent with --no-mouse");
    }
    // And so does `mouse = false` in the keymap file.
    let keymap = dir.path().join("keymap.toml");
    std::fs::write(&keymap, "mouse = false\n").unwrap();
    let mut env = base_env(dir.path());
    env.retain(|(k, _)| k != "DUTY_DESK_KEYMAP");
    env.push(("DUTY_DESK_KEYMAP".into(), keymap.display().to_string()));
    let mut desk = Desk::spawn(120, 30, &["--db", db.to_str().unwrap()], &env, dir.path());
    desk.wait_live();
    desk.send("q");
    desk.wait_exit(REACT).expect("the desk did not exit after q");
    let out = desk.output();
    for seq in MOUSE_ON {
        assert!(!has(&out, seq), "{seq:?} was sent with mouse = false");
    }
}

#[test]
fn a_signal_turns_mouse_reporting_off_on_the_way_out() {
    let (dir, db) = demo();
    let mut desk = desk(&dir, &db, &[]);
    desk.wait_live();
    nix::sys::signal::kill(nix::unistd::Pid::from_raw(desk.pid() as i32), nix::sys::signal::Signal::SIGTERM).unwrap();
    desk.wait_exit(REACT).expect("the desk did not exit on SIGTERM");
    let out = desk.output();
    let on = out.windows(MOUSE_ON[0].len()).position(|w| w == MOUSE_ON[0].as_bytes()).unwrap();
    let off = out.windows(8).rposition(|w| w == b"\x1b[?1000l").expect("mouse reporting was left on");
    assert!(off > on);
    assert!(!desk.on_alternate_screen());
}

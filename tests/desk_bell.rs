//! Issue 8, point 3: a red or flagged case arriving rings the terminal bell once on every open
//! desk; an ordinary one does not; `bell = false` in the keymap file turns it off. The state
//! machine is checked on a real store, and the real desk in a pseudo-terminal for the byte.

mod common;
#[path = "common/pty.rs"]
mod pty;
mod tui_support;

use std::sync::Arc;
use std::time::Duration;

use duty_desk::domain::{Lang, RiskLevel};
use duty_desk::tui::action::Action;
use duty_desk::tui::keymap::Keymap;
use duty_desk::tui::snapshot::Snapshot;
use duty_desk::tui::state::{update, Effect, State};
use tui_support::{desk, now, state, Desk};

const REACT: Duration = Duration::from_secs(8);

/// Adds a case at `risk` from another connection, then hands the desk the next snapshot;
/// returns what the update asked for.
fn arrive(d: &mut Desk, s: &mut State, risk: RiskLevel, minutes_later: i64) -> Vec<Effect> {
    let at = now() + chrono::Duration::minutes(minutes_later);
    let mut n = common::village_dispute(&d.store, at);
    n.risk_level = risk;
    d.store.add_case(&n, at).unwrap();
    let snap = Snapshot::read(&d.store, &s.query, Arc::new(d.store.org().unwrap().clone()), at).unwrap();
    update(s, Action::Snapshot(Box::new(snap)))
}

#[test]
fn a_red_arrival_rings_once_and_an_ordinary_one_does_not() {
    let mut d = desk();
    let mut s = state(&d, Lang::En, (80, 24));
    let fx = arrive(&mut d, &mut s, RiskLevel::Red, 1);
    assert_eq!(fx.iter().filter(|e| **e == Effect::Bell).count(), 1, "{fx:?}");
    let fx = arrive(&mut d, &mut s, RiskLevel::Yellow, 2);
    assert!(!fx.contains(&Effect::Bell), "{fx:?}");
    // The same red case in the next snapshot is not new: no second ring.
    let snap = Snapshot::read(&d.store, &s.query, Arc::new(d.store.org().unwrap().clone()), now()).unwrap();
    assert!(!update(&mut s, Action::Snapshot(Box::new(snap))).contains(&Effect::Bell));
}

#[test]
fn bell_false_in_the_keymap_file_keeps_it_quiet() {
    let mut d = desk();
    let mut s = state(&d, Lang::En, (80, 24));
    s.keymap = Keymap::with_overrides(Some(("keymap.toml", "bell = false\n"))).unwrap();
    let fx = arrive(&mut d, &mut s, RiskLevel::Red, 1);
    assert!(!fx.contains(&Effect::Bell), "{fx:?}");
    assert!(Keymap::with_overrides(Some(("keymap.toml", "bell = 3\n"))).is_err(), "a bad value is refused");
}

/// The desk in a pty on a demo database (with its env, possibly a keymap file).
fn open_desk(db: &common::Db, keymap: Option<&str>) -> pty::Desk {
    let mut env = pty::base_env(db.dir.path());
    if let Some(text) = keymap {
        let path = db.dir.path().join("keymap.toml");
        std::fs::write(&path, text).unwrap();
        env.retain(|(k, _)| k != "DUTY_DESK_KEYMAP");
        env.push(("DUTY_DESK_KEYMAP".into(), path.display().to_string()));
    }
    let mut desk = pty::Desk::spawn(100, 30, &["--db", db.path.to_str().unwrap()], &env, db.dir.path());
    desk.wait_live();
    desk
}

/// `add` of a case at `risk` in another process; returns its ref.
fn add(db: &common::Db, risk: &str, name: &str) -> String {
    let record = serde_json::json!({
        "received_at": common::just_now(), "source": "walk_in", "category": "neighbour",
        "applicant_name": name, "summary": "楼上漏水纠纷", "area": "WH-HBW-01-01",
        "complexity": "general", "risk_level": risk,
    });
    let (code, out, err) = db.run_with_stdin(&["add", "--json", "-"], &record.to_string());
    assert_eq!(code, 0, "{err}");
    common::s(&serde_json::from_str(&out).unwrap(), "ref").to_string()
}

fn bells(out: &[u8]) -> usize {
    out.iter().filter(|b| **b == 0x07).count()
}

#[test]
fn two_open_desks_each_ring_for_a_red_case_from_another_process() {
    let db = common::Db::demo(0);
    let mut quiet = open_desk(&db, Some("bell = false\n"));
    let mut first = open_desk(&db, None);
    let mut second = open_desk(&db, None);
    let before = [bells(&first.output()), bells(&second.output())];

    let yellow = add(&db, "yellow", "王五");
    first.wait_for_text(&yellow, REACT);
    second.wait_for_text(&yellow, REACT);
    let red = add(&db, "red", "赵六");
    for desk in [&mut first, &mut second, &mut quiet] {
        desk.wait_for_text(&red, REACT);
    }
    // Drawn means the snapshot was taken, and the bell goes out with that update.
    assert_eq!(bells(&first.output()) - before[0], 1);
    assert_eq!(bells(&second.output()) - before[1], 1);
    assert_eq!(bells(&quiet.output()), 0, "bell = false rang");
    for desk in [&mut first, &mut second, &mut quiet] {
        desk.send("q");
        assert!(desk.wait_exit(REACT).is_some());
    }
}

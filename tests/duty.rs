//! On duty: `duty MEDIATOR on|off` from the CLI (audited), the Workload pane's key with its
//! confirm, and suggestions / auto-assign skipping mediators off duty.

mod common;
mod tui_support;

use common::{records, s, Db};
use duty_desk::domain::suggest::spread_by_load;
use duty_desk::domain::Lang;
use duty_desk::tui::action::Action;
use duty_desk::tui::state::{update, Effect, Pane, Popup};
use duty_desk::tui::worker::Request;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use serde_json::Value;
use tui_support::{desk, now, state};

/// The mediators of a committee as `mediators --json` lists them.
fn members(db: &Db, committee: &str) -> Vec<Value> {
    records(&db.json(&["mediators", "--committee", committee, "--json"])).clone()
}

#[test]
fn duty_on_and_off_from_the_command_line() {
    let db = Db::demo(0);
    let committee = "G-WH-HBW-01-01";
    let m = members(&db, committee).into_iter().find(|m| m["on_duty"] == true).expect("someone on duty");
    let id = m["id"].as_i64().unwrap().to_string();
    let name = s(&m, "name").to_string();

    let out = db.ok(&["duty", &id, "off"]);
    assert!(out.contains(&name) && out.contains("off duty"), "{out}");
    let now_off = members(&db, committee).into_iter().find(|x| x["id"] == m["id"]).unwrap();
    assert_eq!(now_off["on_duty"], false);

    // Again: nothing changes, and it says so; JSON tells the same.
    let again = db.json(&["duty", &id, "OFF", "--json"]);
    assert_eq!(again["on_duty"], false);
    assert_eq!(again["changed"], false);
    let back = db.json(&["duty", &id, "on", "--json"]);
    assert_eq!((back["on_duty"].clone(), back["changed"].clone()), (Value::Bool(true), Value::Bool(true)));

    // Both changes are in the audit trail.
    let conn = common::open_ro(&db.path);
    let n: i64 = conn.query_row("SELECT count(*) FROM audit WHERE action = 'duty'", [], |r| r.get(0)).unwrap();
    assert_eq!(n, 2);

    // Bad input changes nothing.
    let (code, _, err) = db.run(&["duty", "nobody-of-that-name", "off"]);
    assert_eq!(code, 1, "{err}");
    let (code, _, _) = db.run(&["duty", &id, "maybe"]);
    assert_eq!(code, 2);
    let n: i64 = conn.query_row("SELECT count(*) FROM audit WHERE action = 'duty'", [], |r| r.get(0)).unwrap();
    assert_eq!(n, 2);
}

#[test]
fn suggestions_and_auto_assign_skip_mediators_off_duty() {
    let mut d = desk();
    let case = d.store.case_by_ref(&d.refs[0]).unwrap();
    let before = d.store.suggestions(&case, now()).unwrap();
    assert!(before.len() >= 2, "{before:?}");
    let off = before[0].mediator_id;
    d.store.set_on_duty(off, false, now()).unwrap();
    let after = d.store.suggestions(&case, now()).unwrap();
    assert!(after.iter().all(|x| x.mediator_id != off && x.on_duty), "{after:?}");
    assert_eq!(after.len(), before.len() - 1);
    assert!(spread_by_load(&after, 5).iter().all(|&i| after[i].mediator_id != off));
    for x in &before {
        d.store.set_on_duty(x.mediator_id, false, now()).unwrap();
    }
    assert!(d.store.suggestions(&case, now()).unwrap().is_empty(), "no one on duty: no one offered");
}

#[test]
fn the_workload_key_asks_then_toggles_the_selected_mediator() {
    let d = desk();
    let mut s = state(&d, Lang::En, (100, 30));
    // Not on the Workload pane: nothing to toggle.
    assert!(update(&mut s, Action::ToggleDuty).is_empty());
    assert!(s.popup.is_none());
    update(&mut s, Action::FocusWorkload);
    assert_eq!(s.focus, Pane::Workload);
    let m = s.selected_mediator().unwrap().clone();
    let o = s.keymap.action_for(&KeyEvent::new(KeyCode::Char('o'), KeyModifiers::NONE)).unwrap();
    assert_eq!(o, Action::ToggleDuty, "o is the default key");
    let fx = update(&mut s, o);
    assert!(fx.is_empty(), "asks first");
    match &s.popup {
        Some(Popup::Confirm(c)) => assert!(c.text.contains(&*m.name), "{}", c.text),
        other => panic!("no confirm: {other:?}"),
    }
    let fx = update(&mut s, Action::Input(KeyEvent::new(KeyCode::Char('y'), KeyModifiers::NONE)));
    let sent: Vec<Request> = fx.into_iter().filter_map(Effect::request).collect();
    assert_eq!(sent, vec![Request::Duty { mediator_id: m.mediator_id, on_duty: !m.on_duty }]);

    // A read-only desk refuses it.
    let mut ro = state(&d, Lang::Zh, (100, 30));
    ro.read_only = true;
    update(&mut ro, Action::FocusWorkload);
    assert!(update(&mut ro, Action::ToggleDuty).is_empty());
    assert!(ro.popup.is_none());
}

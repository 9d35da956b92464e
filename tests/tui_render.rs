//! Snapshot tests of every pane and popup (TestBackend) at 80×24 and 120×40, in English and
//! Chinese, plus style checks on the buffer.

mod tui_support;

use duty_desk::domain::audit::AuditEvent;
use duty_desk::domain::{Lang, Status};
use duty_desk::error::Error;
use duty_desk::tui::action::Action;
use duty_desk::tui::snapshot::CaseDetail;
use duty_desk::tui::state::{update, Pane, State};
use duty_desk::tui::theme::Theme;
use duty_desk::tui::worker::Reply;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::style::{Color, Modifier};
use tui_support::{buffer, desk, find, now, screen, state, Desk};

fn key(c: KeyCode) -> Action {
    Action::Input(KeyEvent::new(c, KeyModifiers::NONE))
}

fn typed(s: &mut State, text: &str) {
    for c in text.chars() {
        update(s, key(KeyCode::Char(c)));
    }
}

fn detail(d: &Desk, reference: &str) -> Box<CaseDetail> {
    let case = d.store.case_by_ref(reference).unwrap();
    Box::new(CaseDetail {
        followups: d.store.followups_of(case.id).unwrap(),
        audit: vec![AuditEvent {
            id: 1,
            at: now(),
            actor: "officer1".into(),
            action: "add".into(),
            case_ref: Some(reference.into()),
            detail: "{}".into(),
        }],
        case,
        revealed: false,
    })
}

/// Opens one named screen on a fresh state.
fn open(d: &Desk, lang: Lang, size: (u16, u16), name: &str) -> State {
    let mut s = state(d, lang, size);
    match name {
        "panes" => {}
        "detail" => {
            update(&mut s, Action::Open);
            let r = s.selected_case().unwrap().reference.clone();
            update(&mut s, Action::Reply(Box::new(Reply::Detail(detail(d, &r)))));
        }
        "assign" => {
            update(&mut s, Action::Assign);
            let case = s.selected_case().unwrap().clone();
            let list = d.store.suggestions(&case, now()).unwrap();
            update(&mut s, Action::Reply(Box::new(Reply::Suggestions { refs: vec![case.reference], list })));
        }
        "confirm" => {
            update(&mut s, Action::Escalate);
        }
        "transfer" => {
            update(&mut s, Action::Transfer);
        }
        "intake" => {
            update(&mut s, Action::NewCase);
            update(&mut s, key(KeyCode::Enter));
        }
        "followup" => {
            update(&mut s, Action::FocusFollowups);
            update(&mut s, Action::RecordFollowup);
        }
        "help" => {
            update(&mut s, Action::Help);
        }
        "help_end" => {
            update(&mut s, Action::Help);
            update(&mut s, key(KeyCode::End));
        }
        "report" => {
            update(&mut s, Action::Report);
            let Some(duty_desk::tui::state::Popup::Stats(p)) = &s.popup else { panic!("no statistics screen") };
            let o = d.store.overview(p.period).unwrap();
            update(&mut s, Action::Reply(Box::new(Reply::Stats(Box::new(o)))));
        }
        "palette" => {
            update(&mut s, Action::Palette);
            typed(&mut s, "assign ");
        }
        "message" => {
            let e = Error::Conflict(duty_desk::msg!(
                "WH-2023-00003 is already assigned to 王芳, by alice (assign, 2023-05-10 00:58 UTC); nothing was changed",
                "WH-2023-00003 已分派给王芳（alice，assign，2023-05-10 00:58 UTC）；未作任何更改"
            ));
            update(&mut s, Action::Reply(Box::new(Reply::Failed(e))));
        }
        "mediate" => step(d, &mut s, Status::Assigned, Action::StartMediation),
        "outcome" => step(d, &mut s, Status::Mediating, Action::RecordOutcome),
        "outcome_failed" => {
            step(d, &mut s, Status::Mediating, Action::RecordOutcome);
            update(&mut s, key(KeyCode::Right));
            update(&mut s, key(KeyCode::Enter));
        }
        "extend" => step(d, &mut s, Status::Mediating, Action::ExtendClock),
        "judicial" => step(d, &mut s, Status::Resolved, Action::ApplyJudicial),
        "refer" => step(d, &mut s, Status::Failed, Action::ReferOnward),
        "close" => step(d, &mut s, Status::Resolved, Action::CloseCase),
        "arrive" => step(d, &mut s, Status::Assigned, Action::RecordArrival),
        "screening" => {
            update(&mut s, Action::RecordScreening);
        }
        other => panic!("no screen {other}"),
    }
    s
}

/// Opens the detail of the selected case as if it were in `status` with a lead, then presses the
/// step's key there.
fn step(d: &Desk, s: &mut State, status: Status, action: Action) {
    update(s, Action::Open);
    let r = s.selected_case().unwrap().reference.clone();
    let mut det = detail(d, &r);
    det.case.status = status;
    det.case.lead_mediator_id = d.store.org().unwrap().mediators.first().map(|m| m.id);
    update(s, Action::Reply(Box::new(Reply::Detail(det))));
    update(s, action);
}

const SCREENS: &[&str] = &[
    "panes",
    "detail",
    "assign",
    "confirm",
    "transfer",
    "intake",
    "followup",
    "help",
    "help_end",
    "report",
    "palette",
    "message",
    "mediate",
    "outcome",
    "outcome_failed",
    "extend",
    "judicial",
    "refer",
    "close",
    "arrive",
    "screening",
];

#[test]
fn every_pane_and_popup_in_both_languages_and_sizes() {
    let d = desk();
    let theme = Theme::load("default").unwrap();
    for lang in [Lang::En, Lang::Zh] {
        for size in [(80, 24), (120, 40)] {
            for name in SCREENS {
                let s = open(&d, lang, size, name);
                let lang_code = if lang == Lang::Zh { "zh" } else { "en" };
                insta::assert_snapshot!(format!("{name}_{lang_code}_{}x{}", size.0, size.1), screen(&s, &theme));
            }
        }
    }
}

#[test]
fn pane_titles_are_exact() {
    let d = desk();
    let theme = Theme::load("default").unwrap();
    let en = screen(&state(&d, Lang::En, (80, 24)), &theme);
    for t in ["Incoming", "Routing", "Workload", "Follow-ups"] {
        assert!(en.contains(t), "{t} missing:\n{en}");
    }
    let zh = screen(&state(&d, Lang::Zh, (80, 24)), &theme);
    for t in ["待分派", "分流", "工作量", "回访"] {
        assert!(zh.contains(t), "{t} missing:\n{zh}");
    }
}

#[test]
fn cjk_rows_keep_the_pane_borders_aligned() {
    let d = desk();
    let theme = Theme::load("default").unwrap();
    for size in [(80u16, 24u16), (120, 40)] {
        let buf = buffer(&state(&d, Lang::Zh, size), &theme);
        // The right border of the Incoming pane is in the same column on every row of the pane.
        let (x, _) = find(&buf, "┐").unwrap();
        for y in 1..size.1 / 2 - 1 {
            let sym = buf[(x, y)].symbol();
            assert!(sym == "│" || sym == "┃", "row {y} col {x} is {sym:?}\n{}", tui_support::text(&buf));
        }
    }
}

#[test]
fn overdue_and_due_soon_clocks_are_styled() {
    let d = desk();
    let theme = Theme::load("default").unwrap();
    let s = state(&d, Lang::En, (120, 40));
    let buf = buffer(&s, &theme);
    // The major family case was received 6 h ago on a 4 h assignment clock: 2 h overdue.
    let (x, y) = find(&buf, "!-2h").expect("an overdue clock");
    assert_eq!(buf[(x, y)].fg, Color::Red);
    assert!(buf[(x, y)].modifier.contains(Modifier::BOLD));
    // The traffic case has used 20 of its 24 h: due soon.
    let (x, y) = find(&buf, "~4h").expect("a due-soon clock");
    assert_eq!(buf[(x, y)].fg, Color::Yellow);
    // The follow-up due 5 days ago is overdue.
    let (x, y) = find(&buf, "!5d").expect("an overdue follow-up");
    assert_eq!(buf[(x, y)].fg, Color::Red);
}

#[test]
fn mono_theme_marks_overdue_without_colour() {
    let d = desk();
    let theme = Theme::load("mono").unwrap();
    let buf = buffer(&state(&d, Lang::En, (80, 24)), &theme);
    for cell in buf.content() {
        assert_eq!(cell.fg, Color::Reset, "mono drew a colour");
        assert_eq!(cell.bg, Color::Reset, "mono drew a colour");
    }
    let (x, y) = find(&buf, "!-2h").expect("the overdue marker is text");
    assert!(buf[(x, y)].modifier.contains(Modifier::BOLD));
}

#[test]
fn the_selected_row_is_highlighted_only_in_the_focused_pane() {
    let d = desk();
    let theme = Theme::load("default").unwrap();
    let mut s = state(&d, Lang::En, (80, 24));
    let first = s.selected_case().unwrap().reference.clone();
    let buf = buffer(&s, &theme);
    let (x, y) = find(&buf, &first).unwrap();
    assert!(buf[(x, y)].modifier.contains(Modifier::REVERSED));
    update(&mut s, Action::FocusWorkload);
    let buf = buffer(&s, &theme);
    let (x, y) = find(&buf, &first).unwrap();
    assert!(!buf[(x, y)].modifier.contains(Modifier::REVERSED));
    assert_eq!(s.focus, Pane::Workload);
}

#[test]
fn below_80x24_the_desk_only_says_it_is_too_small() {
    let d = desk();
    let theme = Theme::load("default").unwrap();
    for (size, lang, text) in [
        ((79, 24), Lang::En, "terminal too small (need 80×24)"),
        ((80, 23), Lang::Zh, "终端太小"),
        ((10, 3), Lang::En, "terminal"),
    ] {
        let s = state(&d, lang, size);
        let out = screen(&s, &theme);
        assert!(out.contains(text), "{out}");
        assert!(!out.contains("Incoming") && !out.contains("待分派"));
    }
}

#[test]
fn the_help_ends_with_the_mouse_and_scrolls_to_it_at_80x24() {
    let d = desk();
    let theme = Theme::load("default").unwrap();
    for (lang, words) in [
        (Lang::En, ["mouse click", "focus a pane, select a row", "double-click", "mouse wheel", "--no-mouse"]),
        (Lang::Zh, ["鼠标单击", "聚焦窗格、选中一行", "双击", "鼠标滚轮", "--no-mouse"]),
    ] {
        let s = open(&d, lang, (80, 24), "help");
        let top = screen(&s, &theme);
        assert!(!top.contains(words[0]), "the mouse is below the keys:\n{top}");
        let s = open(&d, lang, (80, 24), "help_end");
        let end = screen(&s, &theme);
        for w in words {
            assert!(end.contains(w), "{w} missing at the end of the help:\n{end}");
        }
        assert!(end.contains("/50 ↑"), "the indicator shows the last line:\n{end}");
    }
}

#[test]
fn a_province_sized_ref_is_shown_whole() {
    // Past 99,999 cases a year the sequence has more digits (`WH-2026-4270329`): the ref column
    // widens instead of cutting the digits an officer reads the case by.
    let d = desk();
    let long = "WH-2026-4270329";
    let conn = rusqlite::Connection::open(d.dir.path().join("desk.db")).unwrap();
    conn.execute("UPDATE cases SET ref = ?1 WHERE ref = ?2", [long, d.refs[0].as_str()]).unwrap();
    for lang in [Lang::En, Lang::Zh] {
        let s = state(&d, lang, (80, 24));
        let text = screen(&s, &Theme::default());
        assert!(text.contains(long), "{lang:?}: {text}");
    }
}

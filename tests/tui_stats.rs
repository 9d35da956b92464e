//! The Statistics screen (`r`) without a terminal: period keys change what is asked of the
//! worker, the area table drills down and back up, the export asks for the shown view's CSV and
//! the store writes it through the one file creator; snapshots in en and zh at 80×24 (each page)
//! and 200×50.

mod tui_support;

use std::os::unix::fs::PermissionsExt;

use duty_desk::domain::office_time::Period;
use duty_desk::domain::Lang;
use duty_desk::tui::action::Action;
use duty_desk::tui::popups::{Choice, StatsScreen};
use duty_desk::tui::state::{update, Effect, Popup, State};
use duty_desk::tui::theme::Theme;
use duty_desk::tui::worker::{Reply, Request};
use duty_desk::view::stats::CSV_HEADER;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use tui_support::{desk, screen, state, Desk};

fn key(c: KeyCode) -> Action {
    Action::Input(KeyEvent::new(c, KeyModifiers::NONE))
}

fn ch(c: char) -> Action {
    key(KeyCode::Char(c))
}

fn sent(fx: Vec<Effect>) -> Vec<Request> {
    fx.into_iter().filter_map(Effect::request).collect()
}

fn screen_of(s: &State) -> &StatsScreen {
    match &s.popup {
        Some(Popup::Stats(p)) => p,
        other => panic!("no statistics screen: {other:?}"),
    }
}

fn period(code: &str) -> Period {
    code.parse().unwrap()
}

/// Answers the screen's request as the worker would.
fn answer(d: &Desk, s: &mut State) {
    let o = d.store.overview(screen_of(s).period).unwrap();
    update(s, Action::Reply(Box::new(Reply::Stats(Box::new(o)))));
}

/// The screen opened on this year (the test desk's cases finished in April 2023), data loaded.
fn on_this_year(d: &Desk, lang: Lang, size: (u16, u16)) -> State {
    let mut s = state(d, lang, size);
    update(&mut s, Action::Report);
    for _ in 0..3 {
        update(&mut s, ch('p'));
    }
    assert_eq!(screen_of(&s).period, period("2023"));
    answer(d, &mut s);
    s
}

#[test]
fn period_keys_change_the_request() {
    let d = desk();
    let mut s = state(&d, Lang::En, (80, 24));
    assert_eq!(sent(update(&mut s, Action::Report)), [Request::Stats { period: period("2023-05") }]);
    let ytd = period("2023-01-01..2023-05-10");
    for want in [period("2023-04"), period("2023-Q2"), period("2023"), ytd, period("2023-05")] {
        assert_eq!(sent(update(&mut s, ch('p'))), [Request::Stats { period: want }]);
        assert_eq!(screen_of(&s).period, want);
        assert!(screen_of(&s).data.is_none(), "the old period's figures are not shown as the new one's");
    }
    assert_eq!(sent(update(&mut s, ch('['))), [Request::Stats { period: period("2023-04") }]);
    assert_eq!(screen_of(&s).choice, Choice::LastMonth);
    assert_eq!(sent(update(&mut s, ch(']'))), [Request::Stats { period: period("2023-05") }]);

    // A custom period typed in office days.
    assert!(sent(update(&mut s, ch('d'))).is_empty());
    update(&mut s, Action::Input(KeyEvent::new(KeyCode::Char('u'), KeyModifiers::CONTROL)));
    for c in "2023-01-01 2023-03-31".chars() {
        update(&mut s, ch(c));
    }
    assert_eq!(
        sent(update(&mut s, key(KeyCode::Enter))),
        [Request::Stats { period: period("2023-01-01..2023-03-31") }]
    );
    assert_eq!(screen_of(&s).typing, None);

    // A bad one is refused with a reason, asks nothing, and Esc leaves the line.
    update(&mut s, ch('d'));
    update(&mut s, Action::Input(KeyEvent::new(KeyCode::Char('u'), KeyModifiers::CONTROL)));
    for c in "2023-13-01".chars() {
        update(&mut s, ch(c));
    }
    assert!(sent(update(&mut s, key(KeyCode::Enter))).is_empty());
    assert!(screen_of(&s).error.as_deref().is_some_and(|e| e.contains("2023-13-01")), "{:?}", screen_of(&s).error);
    assert!(sent(update(&mut s, key(KeyCode::Esc))).is_empty());
    assert!(screen_of(&s).typing.is_none());
    assert_eq!(screen_of(&s).period, period("2023-01-01..2023-03-31"));

    // A reply for a period left since is dropped; the one asked for is kept.
    let stale = d.store.overview(period("2023-05")).unwrap();
    update(&mut s, Action::Reply(Box::new(Reply::Stats(Box::new(stale)))));
    assert!(screen_of(&s).data.is_none());
    answer(&d, &mut s);
    assert!(screen_of(&s).data.is_some());
}

#[test]
fn enter_drills_down_and_esc_or_backspace_go_up() {
    let d = desk();
    let mut s = on_this_year(&d, Lang::En, (80, 24));
    // At 80×24 the table has a page of its own: on the figures page Enter does nothing.
    update(&mut s, key(KeyCode::Enter));
    assert!(screen_of(&s).path.is_empty());
    update(&mut s, key(KeyCode::Tab));
    let districts = screen_of(&s).rows().to_vec();
    assert!(!districts.is_empty());
    let mediated: u64 = districts.iter().map(|n| n.row.figures.mediated).sum();
    assert_eq!(mediated, screen_of(&s).data.as_ref().unwrap().report.figures.mediated);
    let last = districts.len() - 1;
    update(&mut s, Action::Bottom);
    assert_eq!(screen_of(&s).selected, last);
    update(&mut s, key(KeyCode::Enter));
    assert_eq!(screen_of(&s).path, [districts[last].row.key.clone()]);
    assert_eq!(screen_of(&s).rows(), &districts[last].children[..]);
    update(&mut s, key(KeyCode::Enter));
    assert_eq!(screen_of(&s).path.len(), 2);
    let committees = screen_of(&s).rows().to_vec();
    assert!(committees.iter().all(|c| c.children.is_empty()));
    update(&mut s, key(KeyCode::Enter));
    assert_eq!(screen_of(&s).path.len(), 2, "a committee is the last level");
    update(&mut s, key(KeyCode::Backspace));
    assert_eq!(screen_of(&s).path.len(), 1);
    update(&mut s, key(KeyCode::Esc));
    assert!(screen_of(&s).path.is_empty());
    assert_eq!(screen_of(&s).selected, last, "back up, the cursor is on the district left");
    update(&mut s, key(KeyCode::Backspace));
    assert!(matches!(s.popup, Some(Popup::Stats(_))), "Backspace at the top does not close");
    update(&mut s, key(KeyCode::Esc));
    assert!(s.popup.is_none(), "Esc at the top closes the screen");
}

#[test]
fn x_exports_the_view_through_the_one_file_creator() {
    let d = desk();
    let mut s = on_this_year(&d, Lang::Zh, (80, 24));
    update(&mut s, key(KeyCode::Tab));
    update(&mut s, key(KeyCode::Enter));
    let fx = sent(update(&mut s, ch('x')));
    let [Request::ExportStats { stem, lines }] = &fx[..] else { panic!("no export asked: {fx:?}") };
    assert!(stem.starts_with("statistics-2023-town-"), "{stem}");
    assert_eq!(lines[0], CSV_HEADER);
    assert!(lines[1].starts_with("total,2023,合计,Total,"), "{}", lines[1]);
    assert!(lines.iter().any(|l| l.starts_with("category,damages,")));
    assert!(lines.iter().any(|l| l.starts_with("tier,village,")));
    assert!(lines.iter().any(|l| l.starts_with("town,")), "the table's level is exported");
    // The monthly trend: the twelve months ending with the period's, with the cases received.
    let trend: Vec<&String> = lines.iter().filter(|l| l.starts_with("trend,")).collect();
    let shown = &screen_of(&s).data.as_ref().unwrap().trend;
    assert_eq!(trend.len(), 12);
    for (line, m) in trend.iter().zip(shown) {
        assert_eq!(**line, format!("trend,{},受理,Received,,,,,,,,{}", m.month, m.received));
    }
    assert!(trend[11].starts_with("trend,2023-12,"));
    assert!(shown.iter().any(|m| m.received > 0));
    let total_received = screen_of(&s).data.as_ref().unwrap().report.received;
    assert!(lines[1].ends_with(&format!(",{total_received}")), "the headline carries the cases received: {}", lines[1]);
    assert!(matches!(s.popup, Some(Popup::Stats(_))), "the screen stays open");

    // The worker's part: a new 0660 file, never over an existing one.
    let first = d.store.export_statistics(d.dir.path(), stem, lines).unwrap();
    let second = d.store.export_statistics(d.dir.path(), stem, lines).unwrap();
    assert_ne!(first, second);
    assert!(second.display().to_string().ends_with("-2.csv"), "{}", second.display());
    let text = std::fs::read_to_string(&first).unwrap();
    assert_eq!(text.lines().next(), Some(CSV_HEADER));
    assert_eq!(std::fs::metadata(&first).unwrap().permissions().mode() & 0o777, 0o660);
    assert!(d.store.export_statistics(&d.dir.path().join("missing"), stem, lines).is_err());

    let path = first.display().to_string();
    update(&mut s, Action::Reply(Box::new(Reply::Exported { path: path.clone() })));
    assert_eq!(screen_of(&s).exported.as_deref(), Some(path.as_str()));
    assert!(s.message.as_ref().is_some_and(|m| m.ok && m.text.contains(&path)));
    assert!(screen(&s, &Theme::load("default").unwrap()).contains("statistics-2023-town-"));
}

#[test]
fn the_help_lists_the_statistics_keys_from_the_keymap() {
    let d = desk();
    let mut s = state(&d, Lang::En, (200, 50));
    update(&mut s, Action::Help);
    let text = screen(&s, &Theme::load("default").unwrap());
    for line in ["export the view to CSV", "next period", "custom period"] {
        assert!(text.contains(line), "{line} missing:\n{text}");
    }
}

#[test]
fn statistics_screens_in_both_languages_and_sizes() {
    let d = desk();
    let theme = Theme::load("default").unwrap();
    for lang in [Lang::En, Lang::Zh] {
        let code = if lang == Lang::Zh { "zh" } else { "en" };
        let mut s = on_this_year(&d, lang, (80, 24));
        for page in ["figures", "table", "charts"] {
            insta::assert_snapshot!(format!("stats_{code}_80x24_{page}"), screen(&s, &theme));
            update(&mut s, key(KeyCode::Tab));
        }
        let s = on_this_year(&d, lang, (200, 50));
        insta::assert_snapshot!(format!("stats_{code}_200x50"), screen(&s, &theme));
        // Loading, and a period with nothing mediated.
        let mut s = state(&d, lang, (80, 24));
        update(&mut s, Action::Report);
        insta::assert_snapshot!(format!("stats_{code}_80x24_loading"), screen(&s, &theme));
        answer(&d, &mut s);
        update(&mut s, key(KeyCode::Tab));
        insta::assert_snapshot!(format!("stats_{code}_80x24_empty"), screen(&s, &theme));
    }
}

#[test]
fn a_paste_goes_into_the_custom_period_line_only() {
    let d = desk();
    let mut s = state(&d, Lang::En, (80, 24));
    update(&mut s, Action::Report);
    assert!(!duty_desk::tui::paste::accepts_text(&s), "no text input open: a paste is dropped");
    update(&mut s, ch('d'));
    assert!(duty_desk::tui::paste::accepts_text(&s));
    update(&mut s, Action::Input(KeyEvent::new(KeyCode::Char('u'), KeyModifiers::CONTROL)));
    for k in duty_desk::tui::paste::as_typed("2023-01-01\n2023-03-31") {
        update(&mut s, Action::Input(k));
    }
    let fx = sent(update(&mut s, key(KeyCode::Enter)));
    assert_eq!(fx, [Request::Stats { period: period("2023-01-01..2023-03-31") }]);
}

#[test]
fn on_a_large_terminal_the_table_takes_enter_without_turning_a_page() {
    let d = desk();
    let mut s = on_this_year(&d, Lang::En, (200, 50));
    update(&mut s, key(KeyCode::Enter));
    assert_eq!(screen_of(&s).path.len(), 1);
    update(&mut s, key(KeyCode::Esc));
    update(&mut s, key(KeyCode::Esc));
    assert!(s.popup.is_none());
}

/// While the screen is open, another program's write makes the worker read the figures again and
/// send them (the same `data_version` signal the panes follow); the screen keeps its period and
/// drill-down and shows the new figures.
#[test]
fn the_open_screen_gets_new_figures_when_another_program_writes() {
    use duty_desk::tui::event::Event;
    use std::time::Duration;
    let d = desk();
    let mut s = on_this_year(&d, Lang::En, (200, 50));
    update(&mut s, key(KeyCode::Enter)); // into the first district
    let path = screen_of(&s).path.clone();
    assert_eq!(path.len(), 1);
    let before = screen_of(&s).data.as_ref().unwrap().report.figures;

    let db = d.dir.path().join("desk.db");
    let (tx, inbox) = std::sync::mpsc::channel();
    let (events, replies) = std::sync::mpsc::channel();
    let worker = duty_desk::tui::worker::spawn(
        duty_desk::store::Store::open(&db, false).unwrap(),
        inbox,
        events,
        Default::default(),
    );
    tx.send(Request::Stats { period: period("2023") }).unwrap();
    let next_stats = || loop {
        // Generous: a debug build on a loaded machine; the test fails only if nothing ever comes.
        match replies.recv_timeout(Duration::from_secs(120)).expect("a reply from the worker") {
            Event::Reply(r) => match *r {
                Reply::Stats(o) => break o,
                _ => continue,
            },
            _ => continue,
        }
    };
    let first = next_stats();
    assert_eq!(first.report.figures, before);

    // Another program adds 1 万元 to one of the year's finished cases.
    let conn = rusqlite::Connection::open(&db).unwrap();
    let changed = conn
        .execute(
            "UPDATE cases SET amount_fen = amount_fen + 1000000 WHERE id = \
             (SELECT min(id) FROM cases WHERE finished_at IS NOT NULL AND status IN ('resolved', 'closed', 'failed'))",
            [],
        )
        .unwrap();
    assert_eq!(changed, 1);
    let again = next_stats();
    assert_eq!(again.report.figures.amount_fen, before.amount_fen + 1_000_000);
    update(&mut s, Action::Reply(Box::new(Reply::Stats(again))));
    let shown = screen_of(&s);
    assert_eq!(shown.period, period("2023"));
    assert_eq!(shown.path, path, "the drill-down stays where it was");
    assert_eq!(shown.data.as_ref().unwrap().report.figures.amount_fen, before.amount_fen + 1_000_000);

    // Closing the screen tells the worker to stop.
    let closed = sent(update(&mut s, key(KeyCode::Esc)));
    assert!(closed.is_empty(), "Esc goes up a level first");
    assert_eq!(sent(update(&mut s, key(KeyCode::Esc))), [Request::StatsClosed]);
    assert!(s.popup.is_none());
    tx.send(Request::Shutdown).unwrap();
    worker.join().unwrap();
}

//! The mouse on the desk's state machine: a click focuses the pane under the pointer and selects
//! the row drawn there (found on the rendered screen, so the layout the mouse reads is the one the
//! renderer draws), the wheel scrolls the pane, list or popup under it, a double click opens.

mod tui_support;

use duty_desk::domain::Lang;
use duty_desk::store::CaseFilter;
use duty_desk::tui::action::Action;
use duty_desk::tui::panes::drill::{self, DrillKind};
use duty_desk::tui::state::{update, Effect, Pane, Popup, State};
use duty_desk::tui::theme::Theme;
use duty_desk::tui::worker::{Reply, Request};
use tui_support::{buffer, desk, find, now, state};

fn sent(fx: Vec<Effect>) -> Vec<Request> {
    fx.into_iter().filter_map(Effect::request).collect()
}

/// Where `needle` is drawn on the current screen.
fn at(s: &State, needle: &str) -> (u16, u16) {
    find(&buffer(s, &Theme::default()), needle).unwrap_or_else(|| panic!("{needle} is not on the screen"))
}

fn click_on(s: &mut State, needle: &str) -> Vec<Request> {
    let p = at(s, needle);
    click(s, p)
}

fn click(s: &mut State, (column, row): (u16, u16)) -> Vec<Request> {
    sent(update(s, Action::Click { column, row }))
}

#[test]
fn a_click_on_an_incoming_row_selects_that_case() {
    let d = desk();
    for (lang, size) in [(Lang::En, (80, 24)), (Lang::Zh, (120, 40))] {
        let mut s = state(&d, lang, size);
        let third = s.snap.as_ref().unwrap().incoming.rows[2].reference.clone();
        let fx = click_on(&mut s, &third);
        assert!(fx.is_empty(), "{fx:?}");
        assert_eq!(s.focus, Pane::Incoming);
        assert_eq!(s.incoming_selected, 2);
        assert_eq!(s.selected_case().map(|c| c.reference.clone()), Some(third.clone()));
        assert_eq!(s.incoming_ref.as_deref(), Some(third.as_str()), "the cursor follows the clicked case");
        // The header line and the frame select nothing.
        let (x, y) = at(&s, &third);
        update(&mut s, Action::Click { column: x, row: y - 3 });
        assert_eq!(s.incoming_selected, 2);
    }
}

#[test]
fn a_click_on_another_pane_focuses_it_and_selects_the_row() {
    let d = desk();
    let mut s = state(&d, Lang::En, (120, 40));
    let view = s.workload_view.clone();
    let second = s.snap.as_ref().unwrap().workload[view[1]].name.clone();
    click_on(&mut s, &second);
    assert_eq!(s.focus, Pane::Workload);
    assert_eq!(s.workload_selected, 1);
    // The Routing matrix: a tier's label selects the row label, a number its cell.
    let town = at(&s, "Town");
    click(&mut s, town);
    assert_eq!(s.focus, Pane::Routing);
    assert_eq!(s.routing_cell, (1, 6), "the town row's label");
    click(&mut s, (town.0 + 8, town.1 + 1));
    assert_eq!(s.routing_cell.0, 2, "the district row");
    assert!(s.routing_cell.1 < 6, "a cell: {:?}", s.routing_cell);
    // The status bar is no pane: nothing changes.
    click(&mut s, (5, 39));
    assert_eq!(s.focus, Pane::Routing);
}

#[test]
fn a_double_click_opens_like_enter() {
    let d = desk();
    let mut s = state(&d, Lang::En, (80, 24));
    let second = s.snap.as_ref().unwrap().incoming.rows[1].reference.clone();
    let (column, row) = at(&s, &second);
    click(&mut s, (column, row));
    let fx = sent(update(&mut s, Action::DoubleClick { column, row }));
    assert_eq!(fx, vec![Request::Detail { reference: second.clone(), reveal: false }]);
    assert!(matches!(&s.popup, Some(Popup::Detail(p)) if p.reference == second));
    // With a popup open, clicks do nothing behind it.
    let fx = sent(update(&mut s, Action::DoubleClick { column, row: row + 1 }));
    assert!(fx.is_empty());
    assert_eq!(s.incoming_selected, 1);
    // A double click on empty space opens nothing.
    let mut s = state(&d, Lang::En, (80, 24));
    let fx = sent(update(&mut s, Action::DoubleClick { column: 40, row: 0 }));
    assert!(fx.is_empty() && s.popup.is_none(), "{fx:?}");
}

#[test]
fn the_wheel_scrolls_the_pane_under_the_pointer() {
    let d = desk();
    let mut s = state(&d, Lang::En, (120, 40));
    let (wx, wy) = at(&s, "Workload");
    update(&mut s, Action::Scroll { column: wx, row: wy + 2, lines: 3 });
    assert_eq!(s.focus, Pane::Workload);
    assert_eq!(s.workload_selected, 3.min(s.workload_view.len() - 1));
    update(&mut s, Action::Scroll { column: wx, row: wy + 2, lines: -3 });
    assert_eq!(s.workload_selected, 0);
    // Incoming, from the top: three rows down.
    let (ix, iy) = at(&s, "Incoming");
    update(&mut s, Action::Scroll { column: ix, row: iy + 3, lines: 3 });
    assert_eq!((s.focus, s.incoming_selected), (Pane::Incoming, 3));
    // Routing moves one tier per row, never jumping.
    let (rx, ry) = at(&s, "Routing");
    s.routing_cell = (0, 0);
    update(&mut s, Action::Scroll { column: rx, row: ry + 2, lines: 1 });
    assert_eq!(s.routing_cell, (1, 0));
}

#[test]
fn the_wheel_scrolls_an_open_popup_and_a_drill_down_list() {
    let d = desk();
    let mut s = state(&d, Lang::En, (80, 24));
    update(&mut s, Action::Help);
    update(&mut s, Action::Scroll { column: 40, row: 12, lines: 3 });
    match &s.popup {
        Some(Popup::Help(h)) => assert_eq!(h.scroll, 3, "the help scrolled three lines"),
        other => panic!("{other:?}"),
    }
    update(&mut s, Action::Scroll { column: 40, row: 12, lines: -3 });
    assert!(matches!(&s.popup, Some(Popup::Help(h)) if h.scroll == 0));
    s.popup = None;
    // A drill-down list of every open case covers the panes: the wheel and clicks act on it.
    let mut fx = Vec::new();
    let every_open = CaseFilter { open: true, ..CaseFilter::default() };
    drill::open(&mut s, "open".into(), DrillKind::Cases(Box::new(every_open)), &mut fx);
    let fx = sent(fx);
    let [Request::CaseList { filter, offset, limit }] = &fx[..] else { panic!("{fx:?}") };
    let page = d.store.case_list(filter, *offset, *limit, now()).unwrap();
    assert!(page.total >= 3, "the fixed desk has open cases: {}", page.total);
    let rows: Vec<String> = page.rows.iter().map(|c| c.reference.clone()).collect();
    update(&mut s, Action::Reply(Box::new(Reply::CaseList { filter: filter.clone(), page })));
    update(&mut s, Action::Scroll { column: 40, row: 10, lines: 1 });
    assert_eq!(s.drill.as_ref().unwrap().selected, 1);
    click_on(&mut s, &rows[2]);
    assert_eq!(s.drill.as_ref().unwrap().selected, 2);
    assert_eq!(s.focus, Pane::Incoming, "the panes under the list are not clicked");
    let (column, row) = at(&s, &rows[0]);
    let fx = sent(update(&mut s, Action::DoubleClick { column, row }));
    assert_eq!(fx, vec![Request::Detail { reference: rows[0].clone(), reveal: false }]);
}

//! The desk's state machine without a terminal: actions in, state and effects out.

mod tui_support;

use duty_desk::domain::Lang;
use duty_desk::error::Error;
use duty_desk::store::Expect;
use duty_desk::tui::action::Action;
use duty_desk::tui::state::{update, Effect, Pane, Popup};
use duty_desk::tui::worker::{CaseWrite, Reply, Request};
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use tui_support::{desk, now, state};

fn key(c: KeyCode) -> Action {
    Action::Input(KeyEvent::new(c, KeyModifiers::NONE))
}

fn sent(fx: Vec<Effect>) -> Vec<Request> {
    fx.into_iter().filter_map(Effect::request).collect()
}

#[test]
fn tab_and_digits_move_the_focus() {
    let d = desk();
    let mut s = state(&d, Lang::En, (80, 24));
    assert_eq!(s.focus, Pane::Incoming);
    update(&mut s, Action::NextPane);
    assert_eq!(s.focus, Pane::Routing);
    update(&mut s, Action::PrevPane);
    update(&mut s, Action::PrevPane);
    assert_eq!(s.focus, Pane::Followups);
    update(&mut s, Action::FocusWorkload);
    assert_eq!(s.focus, Pane::Workload);
}

#[test]
fn assign_asks_for_suggestions_then_sends_the_version_seen() {
    let d = desk();
    let mut s = state(&d, Lang::En, (80, 24));
    let case = s.selected_case().unwrap().clone();
    let fx = sent(update(&mut s, Action::Assign));
    assert_eq!(fx, vec![Request::Suggest { refs: vec![case.reference.clone()] }]);
    assert!(matches!(&s.popup, Some(Popup::Assign(p)) if p.list.is_none()));
    let list = d.store.suggestions(&case, now()).unwrap();
    let top = list[0].mediator_id;
    update(&mut s, Action::Reply(Box::new(Reply::Suggestions { refs: vec![case.reference.clone()], list })));
    let fx = sent(update(&mut s, key(KeyCode::Enter)));
    assert_eq!(
        fx,
        vec![Request::Assign {
            cases: vec![(case.reference.clone(), Expect::Version(case.version))],
            mediator_id: top,
            force: false
        }]
    );
    assert!(s.popup.is_none());
}

#[test]
fn typing_in_the_assign_popup_filters_the_candidates() {
    let d = desk();
    let mut s = state(&d, Lang::En, (80, 24));
    let case = s.selected_case().unwrap().clone();
    update(&mut s, Action::Assign);
    let list = d.store.suggestions(&case, now()).unwrap();
    let last = list.last().unwrap().clone();
    update(&mut s, Action::Reply(Box::new(Reply::Suggestions { refs: vec![case.reference.clone()], list })));
    for c in last.name.chars() {
        update(&mut s, key(KeyCode::Char(c)));
    }
    let fx = sent(update(&mut s, key(KeyCode::Enter)));
    match &fx[..] {
        [Request::Assign { mediator_id, .. }] => assert_eq!(*mediator_id, last.mediator_id),
        [] => assert!(matches!(s.popup, Some(Popup::Confirm(_))), "over capacity asks first"),
        other => panic!("unexpected {other:?}"),
    }
}

#[test]
fn over_capacity_needs_a_confirm_that_reissues_with_force() {
    let d = desk();
    let mut s = state(&d, Lang::En, (80, 24));
    let case = s.selected_case().unwrap().clone();
    update(&mut s, Action::Assign);
    let mut list = d.store.suggestions(&case, now()).unwrap();
    list[0].open = list[0].capacity;
    let top = list[0].mediator_id;
    update(&mut s, Action::Reply(Box::new(Reply::Suggestions { refs: vec![case.reference.clone()], list })));
    assert!(sent(update(&mut s, key(KeyCode::Enter))).is_empty());
    assert!(matches!(s.popup, Some(Popup::Confirm(_))));
    let fx = sent(update(&mut s, key(KeyCode::Char('y'))));
    assert_eq!(
        fx,
        vec![Request::Assign {
            cases: vec![(case.reference, Expect::Version(case.version))],
            mediator_id: top,
            force: true
        }]
    );
}

#[test]
fn marked_cases_are_assigned_together_and_auto_assign_confirms() {
    let d = desk();
    let mut s = state(&d, Lang::En, (80, 24));
    update(&mut s, Action::ToggleMark);
    update(&mut s, Action::ToggleMark);
    assert_eq!(s.marked.len(), 2);
    let fx = sent(update(&mut s, Action::Assign));
    assert!(matches!(&fx[..], [Request::Suggest { refs }] if refs.len() == 2));
    update(&mut s, key(KeyCode::Esc));
    assert!(sent(update(&mut s, Action::AutoAssign)).is_empty());
    let fx = sent(update(&mut s, key(KeyCode::Enter)));
    assert!(matches!(&fx[..], [Request::AutoAssign { cases }] if cases.len() == 2));
    update(&mut s, Action::Reply(Box::new(Reply::Done("ok".into()))));
    assert!(s.marked.is_empty());
}

#[test]
fn escalate_asks_for_a_reason_and_esc_cancels() {
    let d = desk();
    let mut s = state(&d, Lang::En, (80, 24));
    let case = s.selected_case().unwrap().clone();
    update(&mut s, Action::Escalate);
    assert!(sent(update(&mut s, key(KeyCode::Esc))).is_empty());
    assert!(s.popup.is_none());
    update(&mut s, Action::Escalate);
    // No reason: refused in the form, nothing sent.
    assert!(sent(update(&mut s, key(KeyCode::Enter))).is_empty());
    assert!(matches!(&s.popup, Some(Popup::Escalate(p)) if p.form.fields[0].error.is_some()));
    for c in "需镇级协调".chars() {
        update(&mut s, key(KeyCode::Char(c)));
    }
    let fx = sent(update(&mut s, key(KeyCode::Enter)));
    assert_eq!(
        fx,
        vec![Request::Escalate {
            reference: case.reference,
            expect: Expect::Version(case.version),
            reason: "需镇级协调".into()
        }]
    );
}

#[test]
fn a_conflict_is_shown_to_the_officer() {
    let d = desk();
    let mut s = state(&d, Lang::En, (80, 24));
    let e = Error::Conflict(duty_desk::msg!(
        "WH-2023-00004 is already assigned to 王芳, by alice",
        "WH-2023-00004 已分派给王芳（alice）"
    ));
    update(&mut s, Action::Reply(Box::new(Reply::Failed(e))));
    match &s.popup {
        Some(Popup::Message(m)) if !m.ok => assert!(m.text.contains("alice")),
        other => panic!("expected an error popup, got {other:?}"),
    }
    update(&mut s, key(KeyCode::Esc));
    assert!(s.popup.is_none());
}

#[test]
fn read_only_refuses_writes_and_says_why() {
    let d = desk();
    let mut s = state(&d, Lang::En, (80, 24));
    s.read_only = true;
    for a in [
        Action::Assign,
        Action::AutoAssign,
        Action::Escalate,
        Action::Transfer,
        Action::NewCase,
        Action::RecordFollowup,
        Action::Reveal,
    ] {
        let fx = update(&mut s, a);
        assert!(fx.is_empty());
        assert!(s.popup.is_none());
        assert!(s.message.as_ref().is_some_and(|m| !m.ok && m.text.contains("read-only")));
    }
    // Viewing still works.
    let fx = sent(update(&mut s, Action::Open));
    assert!(matches!(&fx[..], [Request::Detail { reveal: false, .. }]));
}

#[test]
fn enter_on_a_routing_cell_lists_its_open_cases_and_esc_goes_back() {
    let d = desk();
    let mut s = state(&d, Lang::En, (80, 24));
    update(&mut s, Action::FocusRouting);
    update(&mut s, Action::Down); // town row
    let fx = sent(update(&mut s, Action::Open));
    match &fx[..] {
        [Request::CaseList { filter, offset: 0, .. }] => {
            assert!(filter.open && !filter.unassigned, "assigned cases are listed too");
            assert_eq!(filter.tier, Some(duty_desk::domain::Tier::Town));
            assert_eq!(filter.committee_kinds, vec![duty_desk::domain::CommitteeKind::Geographic]);
        }
        other => panic!("{other:?}"),
    }
    assert!(s.drill.is_some());
    update(&mut s, Action::ClearFilter);
    assert!(s.drill.is_none());
    assert_eq!(s.focus, Pane::Routing);
    let fx = sent(update(&mut s, Action::ClearFilter));
    assert!(matches!(&fx[..], [Request::View(q)] if q.incoming.tier.is_none()));
}

#[test]
fn slash_filters_workload_as_you_type_and_esc_clears() {
    let d = desk();
    let mut s = state(&d, Lang::En, (80, 24));
    update(&mut s, Action::FocusWorkload);
    let all = s.workload_view.len();
    update(&mut s, Action::Filter);
    for c in "TRAFFIC".chars() {
        update(&mut s, key(KeyCode::Char(c)));
    }
    assert!(s.workload_view.len() < all && !s.workload_view.is_empty());
    update(&mut s, key(KeyCode::Enter));
    assert!(s.filter_input.is_none());
    update(&mut s, Action::ClearFilter);
    assert_eq!(s.workload_view.len(), all);
}

#[test]
fn sort_cycles_and_intake_validates_per_field() {
    let d = desk();
    let mut s = state(&d, Lang::En, (80, 24));
    let fx = sent(update(&mut s, Action::CycleSort));
    assert!(matches!(&fx[..], [Request::View(q)] if q.incoming_sort == duty_desk::store::IncomingSort::Oldest));
    update(&mut s, Action::NewCase);
    assert!(sent(update(&mut s, key(KeyCode::Enter))).is_empty(), "an empty form is not sent");
    match &s.popup {
        Some(Popup::Intake(p)) => {
            let bad: Vec<_> = p.form.fields.iter().filter(|f| f.error.is_some()).map(|f| f.key).collect();
            assert!(bad.contains(&"applicant_name") && bad.contains(&"summary"), "{bad:?}");
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn palette_runs_commands_and_completes() {
    let d = desk();
    let mut s = state(&d, Lang::En, (80, 24));
    let case = s.selected_case().unwrap().clone();
    let reference = case.reference.clone();
    update(&mut s, Action::Palette);
    for c in "esc".chars() {
        update(&mut s, key(KeyCode::Char(c)));
    }
    update(&mut s, key(KeyCode::Tab));
    for c in format!("{reference} 跨村纠纷").chars() {
        update(&mut s, key(KeyCode::Char(c)));
    }
    let fx = sent(update(&mut s, key(KeyCode::Enter)));
    // The palette names the version the desk shows, like every other write.
    assert_eq!(
        fx,
        vec![Request::Escalate { reference, expect: Expect::Version(case.version), reason: "跨村纠纷".into() }]
    );
}

#[test]
fn idle_ticks_do_not_redraw_until_the_minute_changes() {
    let d = desk();
    let mut s = state(&d, Lang::En, (80, 24));
    s.dirty = false;
    update(&mut s, Action::Tick(now() + chrono::Duration::seconds(30)));
    assert!(!s.dirty);
    update(&mut s, Action::Tick(now() + chrono::Duration::seconds(61)));
    assert!(s.dirty);
}

#[test]
fn quit_sets_quit() {
    let d = desk();
    let mut s = state(&d, Lang::En, (80, 24));
    update(&mut s, Action::Quit);
    assert!(s.quit);
}

#[test]
fn r_asks_for_this_months_statistics() {
    let d = desk();
    let mut s = state(&d, Lang::En, (80, 24));
    let fx = sent(update(&mut s, Action::Report));
    let period = "2023-05".parse().unwrap();
    assert_eq!(fx, vec![Request::Stats { period }]);
    assert!(matches!(&s.popup, Some(Popup::Stats(p)) if p.data.is_none()));
}

fn palette(s: &mut duty_desk::tui::state::State, line: &str) -> Vec<Request> {
    update(s, Action::Palette);
    for c in line.chars() {
        update(s, key(KeyCode::Char(c)));
    }
    sent(update(s, key(KeyCode::Enter)))
}

#[test]
fn a_palette_write_on_a_case_in_no_snapshot_reads_its_version_first() {
    let d = desk();
    let mut s = state(&d, Lang::En, (80, 24));
    let rows = &s.snap.as_ref().unwrap().incoming.rows;
    let elsewhere = d.refs.iter().find(|r| !rows.iter().any(|c| &c.reference == *r)).unwrap().clone();
    let fx = palette(&mut s, &format!("escalate {elsewhere} 跨村纠纷"));
    let write = CaseWrite::Escalate { reason: "跨村纠纷".into() };
    assert_eq!(fx, vec![Request::Resolve { reference: elsewhere.clone(), write: write.clone() }]);
    // The worker answers with the version it read; the write names exactly that one.
    let reply = Reply::Resolved { reference: elsewhere.clone(), version: 7, write };
    let fx = sent(update(&mut s, Action::Reply(Box::new(reply))));
    assert_eq!(
        fx,
        vec![Request::Escalate { reference: elsewhere, expect: Expect::Version(7), reason: "跨村纠纷".into() }]
    );
}

#[test]
fn a_follow_up_row_has_no_version_so_its_writes_read_one_first() {
    let d = desk();
    let mut s = state(&d, Lang::En, (80, 24));
    update(&mut s, Action::FocusFollowups);
    let reference = s.selected_followup().unwrap().case_ref.clone();
    update(&mut s, Action::Escalate);
    for c in "x".chars() {
        update(&mut s, key(KeyCode::Char(c)));
    }
    let fx = sent(update(&mut s, key(KeyCode::Enter)));
    assert_eq!(fx, vec![Request::Resolve { reference, write: CaseWrite::Escalate { reason: "x".into() } }]);
}

/// Another process assigns the case after the desk saw it; the palette's assign then names the
/// version the desk saw, the worker refuses it, the officer sees the conflict, and the other
/// assignment stays.
#[test]
fn a_stale_palette_assign_shows_the_conflict_and_overwrites_nothing() {
    use duty_desk::store::Store;

    let d = desk();
    let mut s = state(&d, Lang::En, (80, 24));
    let case = s.selected_case().unwrap().clone();
    let ranked = d.store.suggestions(&case, now()).unwrap();
    let (theirs, ours) = (ranked[0].clone(), ranked[1].clone());
    let path = d.dir.path().join("desk.db");

    let mut other = Store::open(&path, false).unwrap();
    other.assign(&case.reference, theirs.mediator_id, Expect::Latest, true, now()).unwrap();

    let fx = palette(&mut s, &format!("assign {} {}", case.reference, ours.mediator_id));
    assert_eq!(
        fx,
        vec![Request::Assign {
            cases: vec![(case.reference.clone(), Expect::Version(case.version))],
            mediator_id: ours.mediator_id,
            force: false
        }]
    );

    // The real worker runs the request against the database.
    let reply = tui_support::run_worker(&d, fx);
    assert!(matches!(&*reply, Reply::Failed(Error::Conflict(_))), "{reply:?}");

    update(&mut s, Action::Reply(reply));
    match &s.popup {
        Some(Popup::Message(m)) => assert!(!m.ok && m.text.contains(&theirs.name), "{}", m.text),
        other => panic!("expected the conflict shown, got {other:?}"),
    }
    let now_in_db = d.store.case_by_ref(&case.reference).unwrap();
    assert_eq!(now_in_db.lead_mediator_id, Some(theirs.mediator_id), "the other assignment stays");
}

#[test]
fn the_pane_registry_drives_tab_order_digits_and_titles() {
    use duty_desk::tui::panes::PANES;
    let d = desk();
    let mut s = state(&d, Lang::En, (100, 30));
    let mut order = vec![s.focus];
    for _ in 1..PANES.len() {
        update(&mut s, Action::NextPane);
        order.push(s.focus);
    }
    assert_eq!(order, PANES.iter().map(|e| e.pane).collect::<Vec<_>>());
    update(&mut s, Action::NextPane);
    assert_eq!(s.focus, PANES[0].pane, "Tab wraps after the last registered pane");
    let screen = tui_support::screen(&s, &duty_desk::tui::theme::Theme::load("default").unwrap());
    for (i, e) in PANES.iter().enumerate() {
        let title = format!(" {} {} ", i + 1, e.pane.title(s.strings));
        assert!(screen.contains(&title), "{title:?} not drawn");
    }
}

#[test]
fn an_open_popup_takes_keys_before_the_panes() {
    let d = desk();
    let mut s = state(&d, Lang::En, (80, 24));
    update(&mut s, Action::Help);
    // `a` and `j` are desk keys, but the help popup is open: nothing is assigned, nothing moves.
    let fx = update(&mut s, key(KeyCode::Char('a')));
    assert!(fx.is_empty());
    assert!(matches!(s.popup, Some(Popup::Help(_))));
    update(&mut s, key(KeyCode::Char('j')));
    assert_eq!(s.incoming_selected, 0);
    assert!(matches!(&s.popup, Some(Popup::Help(h)) if h.scroll == 1));
    update(&mut s, key(KeyCode::Esc));
    assert!(s.popup.is_none());
}

#[test]
fn case_keys_in_the_detail_act_on_its_case() {
    let d = desk();
    let mut s = state(&d, Lang::En, (80, 24));
    let case = s.selected_case().unwrap().clone();
    update(&mut s, Action::Open);
    let detail = d.store.case_by_ref(&case.reference).unwrap();
    let cd = duty_desk::tui::snapshot::CaseDetail {
        followups: Vec::new(),
        audit: Vec::new(),
        case: detail.clone(),
        revealed: false,
    };
    update(&mut s, Action::Reply(Box::new(Reply::Detail(Box::new(cd)))));
    update(&mut s, key(KeyCode::Char('e')));
    for c in "why".chars() {
        update(&mut s, key(KeyCode::Char(c)));
    }
    let fx = sent(update(&mut s, key(KeyCode::Enter)));
    assert_eq!(
        fx,
        vec![Request::Escalate {
            reference: case.reference,
            expect: Expect::Version(detail.version),
            reason: "why".into()
        }]
    );
}

/// Issue 11, point 8: `q` with cases marked asks (yes quits); `v` asks before unmasking (yes
/// opens the detail revealed); `s` where nothing sorts says so.
#[test]
fn quit_with_marks_and_reveal_ask_first_and_routing_has_no_sort() {
    let d = desk();
    let mut s = state(&d, Lang::En, (80, 24));
    update(&mut s, Action::ToggleMark);
    assert_eq!(s.marked.len(), 1);
    update(&mut s, Action::Quit);
    assert!(!s.quit, "quit with a case marked, without asking");
    assert!(matches!(&s.popup, Some(Popup::Confirm(_))), "{:?}", s.popup);
    update(&mut s, key(KeyCode::Char('n')));
    assert!(!s.quit && s.popup.is_none());

    let reference = s.selected_case().unwrap().reference.clone();
    assert!(sent(update(&mut s, Action::Reveal)).is_empty(), "v revealed without asking");
    let fx = sent(update(&mut s, key(KeyCode::Char('y'))));
    assert_eq!(fx, vec![Request::Detail { reference, reveal: true }]);
    assert!(matches!(&s.popup, Some(Popup::Detail(_))));
    update(&mut s, key(KeyCode::Esc));

    update(&mut s, Action::FocusRouting);
    assert!(sent(update(&mut s, Action::CycleSort)).is_empty());
    assert_eq!(s.message.as_ref().map(|m| m.text.as_str()), Some("no sort here"));

    update(&mut s, Action::Quit);
    update(&mut s, key(KeyCode::Char('y')));
    assert!(s.quit, "yes did not quit");
}

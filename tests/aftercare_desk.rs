//! The Follow-ups pane's foot on the desk (issue 9): overdue rectification items and the
//! screening duties per tier, readable at 80×24 and 120×40 in English and Chinese (snapshots);
//! an item done or a screening recorded leaves the foot at the next snapshot.

mod tui_support;

use chrono::{Duration, NaiveDate};
use duty_desk::domain::{FollowupChannel, FollowupOutcome, Lang, Tier};
use duty_desk::store::{Expect, FollowupRecord, ScreeningRecord};
use duty_desk::tui::state::update;
use duty_desk::tui::theme::Theme;
use tui_support::{desk, now, screen, state, Desk};

use duty_desk::domain::aftercare::ItemStatus;
use duty_desk::tui::action::Action;
use duty_desk::tui::state::{Effect, Popup};
use duty_desk::tui::worker::{Reply, Request};
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

fn key(s: &mut duty_desk::tui::state::State, c: KeyCode) -> Vec<Effect> {
    update(s, Action::Input(KeyEvent::new(c, KeyModifiers::NONE)))
}

/// Runs the requests through the real worker on the desk's file; returns its reply.
fn run(d: &Desk, requests: Vec<Request>) -> Box<Reply> {
    tui_support::run_worker(d, requests)
}

/// The fixed desk with both resolved cases visited: one not performed, one at risk of
/// recurrence, each item aged past its due date.
fn desk_with_items() -> Desk {
    let mut d = desk();
    for (i, outcome) in [(7, FollowupOutcome::NotPerformed), (8, FollowupOutcome::Recurrence)] {
        let visit =
            FollowupRecord {
                channel: FollowupChannel::Visit, outcome, note: "回访".into(), visitor: "李四".into()
            };
        d.store.record_followup(&d.refs[i], &visit, Expect::Latest, now() - Duration::days(2)).unwrap();
    }
    let conn = rusqlite::Connection::open(d.dir.path().join("desk.db")).unwrap();
    conn.execute("UPDATE rectifications SET due = due - 20 * 86400", []).unwrap();
    d
}

fn followups_pane(d: &Desk, lang: Lang, size: (u16, u16)) -> String {
    let mut s = state(d, lang, size);
    update(&mut s, duty_desk::tui::action::Action::FocusFollowups);
    screen(&s, &Theme::load("default").unwrap())
}

#[test]
fn the_follow_ups_foot_shows_overdue_items_and_screening_duties() {
    let d = desk_with_items();
    for lang in [Lang::En, Lang::Zh] {
        for size in [(80, 24), (120, 40)] {
            let text = followups_pane(&d, lang, size);
            let code = if lang == Lang::En { "en" } else { "zh" };
            let head = if lang == Lang::En { "Items overdue 2" } else { "整改超期 2" };
            assert!(text.contains(head), "{code} {size:?}:\n{text}");
            // At 80×24 the first ref is whole; at 120×40 both refs show.
            assert!(text.contains(d.refs[7].as_str()), "{code} {size:?}\n{text}");
            if size.0 >= 120 {
                assert!(text.contains(&format!("{} {}", d.refs[7], d.refs[8])), "{code} {size:?}\n{text}");
            }
            insta::assert_snapshot!(format!("followups_items_{code}_{}x{}", size.0, size.1), text);
        }
    }
}

#[test]
fn a_done_item_and_a_recorded_screening_leave_the_foot() {
    let mut d = desk_with_items();
    let items = d.store.rectify_items_of(d.store.case_by_ref(&d.refs[7]).unwrap().id).unwrap();
    d.store.rectify_close(items[0].id, "已付清", now()).unwrap();
    let text = followups_pane(&d, Lang::En, (80, 24));
    assert!(text.contains("Items overdue 1"), "{text}");
    // Every district committee screens its quarter and the one before: the district line goes.
    let org = d.store.org().unwrap().clone();
    let today = NaiveDate::from_ymd_opt(2023, 5, 10).unwrap();
    for c in org.committees.iter().filter(|c| {
        c.kind == duty_desk::domain::CommitteeKind::Geographic && org.committee_tier(c) == Some(Tier::District)
    }) {
        for day in [today, today - Duration::days(60)] {
            let rec = ScreeningRecord {
                committee: c.code.clone(),
                day,
                screened_by: "王五".into(),
                places: String::new(),
                found: 0,
                note: String::new(),
            };
            d.store.record_screening(&rec, &[], now()).unwrap();
        }
    }
    let text = followups_pane(&d, Lang::En, (80, 24));
    assert!(text.contains("Village") && text.contains("Town"), "{text}");
    assert!(!text.contains("District "), "no district duty left:\n{text}");
}

/// `f` on the Follow-ups pane records the outcome, the channel, who visited and a note; a visit
/// that finds the agreement not performed schedules the next one and opens an item.
#[test]
fn f_records_the_outcome_channel_visitor_and_note() {
    let d = desk();
    let mut s = state(&d, Lang::En, (80, 24));
    update(&mut s, Action::FocusFollowups);
    let reference = s.selected_followup().unwrap().case_ref.clone();
    update(&mut s, Action::RecordFollowup);
    assert!(matches!(s.popup, Some(Popup::Followup(_))), "{:?}", s.message);
    let focus = |s: &mut duty_desk::tui::state::State, i: usize| {
        if let Some(Popup::Followup(p)) = s.popup.as_mut() {
            p.form.focus = i;
        }
    };
    key(&mut s, KeyCode::Right); // outcome: performed → partly performed
    key(&mut s, KeyCode::Right); // → not performed
    focus(&mut s, 1);
    key(&mut s, KeyCode::Right); // channel: visit → phone
    key(&mut s, KeyCode::Right); // → online
    for (i, text) in [(2, "李四"), (3, "尚欠两千元")] {
        focus(&mut s, i);
        for c in text.chars() {
            key(&mut s, KeyCode::Char(c));
        }
    }
    let fx: Vec<Request> = key(&mut s, KeyCode::Enter).into_iter().filter_map(Effect::request).collect();
    assert_eq!(fx.len(), 1, "{fx:?}");
    let reply = run(&d, fx);
    assert!(matches!(&*reply, Reply::Done(_)), "{reply:?}");
    let case = d.store.case_by_ref(&reference).unwrap();
    let visits = d.store.followups_of(case.id).unwrap();
    let done = visits.iter().find(|f| f.done_at.is_some()).unwrap();
    assert_eq!(done.outcome, Some(FollowupOutcome::NotPerformed));
    assert_eq!(done.channel, Some(FollowupChannel::Online));
    assert_eq!((done.visitor.as_str(), done.note.as_str()), ("李四", "尚欠两千元"));
    assert_eq!(visits.iter().filter(|f| f.done_at.is_none()).count(), 1, "the next visit");
    let items = d.store.rectify_items_of(case.id).unwrap();
    assert_eq!(items.len(), 1);
    assert_eq!(items[0].status, ItemStatus::Open);
    assert!(items[0].finding.contains("尚欠两千元"), "{:?}", items[0]);
}

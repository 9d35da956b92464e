//! `update(&mut State, Action) -> effects`: the only place the desk's state changes.

use chrono::{Datelike, Timelike};

use super::form::Form;
use super::popup::{matches, Popup};
use super::{FilterInput, Message, Pane, State, WorkloadSort, INCOMING_WINDOW};
use crate::domain::{CommitteeKind, Tier};
use crate::store::{Expect, MATRIX_COLUMNS};
use crate::tui::action::Action;
use crate::tui::snapshot::Snapshot;
use crate::tui::worker::{Reply, Request};

/// What the app loop must do after an update.
#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    /// Send a request to the worker.
    Send(Request),
}

/// Applies one action; returns the requests to send. Marks the state dirty when anything on
/// screen changed.
pub fn update(s: &mut State, action: Action) -> Vec<Effect> {
    let mut fx = Vec::new();
    match action {
        Action::Tick(now) => {
            let minute_changed = (now.hour(), now.minute()) != (s.now.hour(), s.now.minute());
            s.now = now;
            if minute_changed {
                s.dirty = true;
            }
            return fx;
        }
        Action::Resize(w, h) => s.size = (w, h),
        Action::Snapshot(snap) => apply_snapshot(s, snap),
        Action::Reply(reply) => apply_reply(s, *reply),
        Action::Input(key) => super::input::on_input(s, key, &mut fx),
        Action::DataError(e) => s.worker_error = Some(e),
        Action::Confirmed => {
            if let Some(Popup::Confirm { then, .. }) = s.popup.take() {
                fx.push(Effect::Send(*then));
            }
        }
        a if s.read_only && a.writes() => {
            s.message = Some(Message { ok: false, text: s.strings.refused_read_only.to_string() });
        }
        a => on_command(s, a, &mut fx),
    }
    s.dirty = true;
    fx
}

fn apply_snapshot(s: &mut State, snap: Box<Snapshot>) {
    s.last_change = Some(snap.taken_at);
    s.worker_error = None;
    s.snap = Some(snap);
    recompute_views(s);
}

/// Rebuilds the filtered/sorted Workload and Follow-ups views and clamps every selection.
pub(super) fn recompute_views(s: &mut State) {
    let Some(snap) = s.snap.as_ref() else { return };
    let f = s.workload_filter.clone();
    let mut view: Vec<usize> = snap
        .workload
        .iter()
        .enumerate()
        .filter(|(_, r)| {
            matches(&r.name, &f)
                || r.committees.iter().any(|code| {
                    matches(code, &f)
                        || snap
                            .org
                            .committee_by_code(code)
                            .is_some_and(|c| matches(&c.name_zh, &f) || matches(&c.name_en, &f))
                })
        })
        .map(|(i, _)| i)
        .collect();
    let rows = &snap.workload;
    match s.workload_sort {
        WorkloadSort::Load => view.sort_by_key(|&i| {
            (
                std::cmp::Reverse(u64::from(rows[i].open) * 1000 / u64::from(rows[i].capacity.max(1))),
                rows[i].mediator_id,
            )
        }),
        WorkloadSort::Overdue => view.sort_by_key(|&i| {
            (std::cmp::Reverse(rows[i].overdue), std::cmp::Reverse(rows[i].open), rows[i].mediator_id)
        }),
        WorkloadSort::Name => view.sort_by(|&a, &b| rows[a].name.cmp(&rows[b].name)),
        WorkloadSort::Committee => {
            view.sort_by(|&a, &b| rows[a].committees.cmp(&rows[b].committees).then(rows[a].name.cmp(&rows[b].name)))
        }
    }
    s.workload_view = view;
    let ff = s.followups_filter.clone();
    s.followups_view = snap
        .followups
        .iter()
        .enumerate()
        .filter(|(_, r)| matches(&r.case_ref, &ff) || matches(&r.mediator, &ff))
        .map(|(i, _)| i)
        .collect();
    s.workload_selected = s.workload_selected.min(s.workload_view.len().saturating_sub(1));
    s.followups_selected = s.followups_selected.min(s.followups_view.len().saturating_sub(1));
    let total = snap.incoming.total as usize;
    s.incoming_selected = s.incoming_selected.min(total.saturating_sub(1));
}

fn apply_reply(s: &mut State, reply: Reply) {
    match reply {
        Reply::Detail(d) => {
            if let Some(Popup::Detail { reference, detail, .. }) = s.popup.as_mut() {
                if *reference == d.case.reference {
                    *detail = Some(d);
                }
            }
        }
        Reply::Suggestions { refs, list: ranked } => {
            if let Some(Popup::Assign { cases, list, .. }) = s.popup.as_mut() {
                if cases.iter().map(|c| &c.0).eq(refs.iter()) {
                    *list = Some(ranked);
                }
            }
        }
        Reply::Report(r) => {
            if let Some(Popup::Report { report, .. }) = s.popup.as_mut() {
                *report = Some(r);
            }
        }
        Reply::Done(text) => {
            s.marked.clear();
            s.message = Some(Message { ok: true, text });
        }
        Reply::Failed(e) => {
            if matches!(s.popup, Some(Popup::Detail { detail: None, .. }) | Some(Popup::Assign { list: None, .. })) {
                s.popup = None;
            }
            s.popup = Some(Popup::Message { ok: false, text: e.message().to_string() });
        }
    }
}

/// The case an action applies to: the open detail's, else the focused pane's selection.
pub(super) fn target(s: &State) -> Option<(String, Expect)> {
    if let Some(Popup::Detail { detail: Some(d), .. }) = &s.popup {
        return Some((d.case.reference.clone(), Expect::Version(d.case.version)));
    }
    match s.focus {
        Pane::Incoming => s.selected_case().map(|c| (c.reference.clone(), Expect::Version(c.version))),
        Pane::Followups => s.selected_followup().map(|f| (f.case_ref.clone(), Expect::Latest)),
        _ => None,
    }
}

pub(super) fn say(s: &mut State, ok: bool, text: impl Into<String>) {
    s.message = Some(Message { ok, text: text.into() });
}

pub(super) fn send_view(s: &State, fx: &mut Vec<Effect>) {
    fx.push(Effect::Send(Request::View(s.query.clone())));
}

fn move_selection(s: &mut State, delta: isize, fx: &mut Vec<Effect>) {
    fn step(cur: usize, len: usize, delta: isize) -> usize {
        if len == 0 {
            return 0;
        }
        (cur as isize + delta).clamp(0, len as isize - 1) as usize
    }
    match s.focus {
        Pane::Incoming => {
            let total = s.snap.as_ref().map(|x| x.incoming.total as usize).unwrap_or(0);
            s.incoming_selected = step(s.incoming_selected, total, delta);
            ensure_incoming_window(s, fx);
        }
        Pane::Routing => {
            let (r, c) = s.routing_cell;
            if delta.unsigned_abs() > 1 {
                s.routing_cell.0 = if delta < 0 { 0 } else { 3 };
            } else {
                s.routing_cell = (step(r, 4, delta), c);
            }
        }
        Pane::Workload => s.workload_selected = step(s.workload_selected, s.workload_view.len(), delta),
        Pane::Followups => s.followups_selected = step(s.followups_selected, s.followups_view.len(), delta),
    }
}

/// Asks for another window of Incoming rows when the selection leaves the loaded one.
fn ensure_incoming_window(s: &mut State, fx: &mut Vec<Effect>) {
    let Some(snap) = s.snap.as_ref() else { return };
    let loaded = snap.incoming.offset..snap.incoming.offset + snap.incoming.rows.len();
    if !loaded.contains(&s.incoming_selected) && (s.incoming_selected as u64) < snap.incoming.total {
        s.query.incoming_offset = s.incoming_selected.saturating_sub(INCOMING_WINDOW / 3);
        send_view(s, fx);
    }
}

pub(super) fn on_command(s: &mut State, a: Action, fx: &mut Vec<Effect>) {
    let page = s.page_rows() as isize;
    match a {
        Action::Quit => s.quit = true,
        Action::NextPane | Action::PrevPane => {
            let i = Pane::ALL.iter().position(|p| *p == s.focus).unwrap_or(0);
            let n = if a == Action::NextPane { (i + 1) % 4 } else { (i + 3) % 4 };
            s.focus = Pane::ALL[n];
        }
        Action::FocusIncoming => s.focus = Pane::Incoming,
        Action::FocusRouting => s.focus = Pane::Routing,
        Action::FocusWorkload => s.focus = Pane::Workload,
        Action::FocusFollowups => s.focus = Pane::Followups,
        Action::Up => move_selection(s, -1, fx),
        Action::Down => move_selection(s, 1, fx),
        Action::PageUp => move_selection(s, -page, fx),
        Action::PageDown => move_selection(s, page, fx),
        Action::Top => move_selection(s, isize::MIN / 2, fx),
        Action::Bottom => move_selection(s, isize::MAX / 2, fx),
        Action::Left | Action::Right if s.focus == Pane::Routing => {
            let d: isize = if a == Action::Left { -1 } else { 1 };
            s.routing_cell.1 = (s.routing_cell.1 as isize + d).clamp(0, MATRIX_COLUMNS.len() as isize - 1) as usize;
        }
        Action::Left | Action::Right => {}
        Action::Open => open(s, fx),
        Action::ToggleMark => {
            if let Some(c) = s.selected_case().filter(|_| s.focus == Pane::Incoming) {
                let (r, v) = (c.reference.clone(), c.version);
                if s.marked.remove(&r).is_none() {
                    s.marked.insert(r, v);
                }
                move_selection(s, 1, fx);
            }
        }
        Action::Assign => start_assign(s, fx),
        Action::AutoAssign => {
            if s.marked.is_empty() {
                say(s, false, s.strings.nothing_selected);
            } else {
                let cases = s.marked.iter().map(|(r, v)| (r.clone(), Expect::Version(*v))).collect();
                s.popup = Some(Popup::Confirm {
                    text: format!("{} ({} {})", s.strings.auto_assign_confirm, s.marked.len(), s.strings.marked),
                    then: Box::new(Request::AutoAssign { cases }),
                });
            }
        }
        Action::Escalate => match target(s) {
            Some((reference, expect)) => {
                s.popup = Some(Popup::Confirm {
                    text: format!("{reference}: {}", s.strings.escalate_confirm),
                    then: Box::new(Request::Escalate { reference, expect }),
                })
            }
            None => say(s, false, s.strings.nothing_selected),
        },
        Action::Transfer => start_transfer(s),
        Action::NewCase => {
            if let Some(snap) = s.snap.as_ref() {
                s.popup = Some(Popup::Intake(Box::new(Form::intake(&snap.org, s.strings))));
            }
        }
        Action::RecordFollowup => {
            let reference = match (&s.popup, s.focus) {
                (Some(Popup::Detail { detail: Some(d), .. }), _) => Some(d.case.reference.clone()),
                (_, Pane::Followups) => s.selected_followup().map(|f| f.case_ref.clone()),
                _ => None,
            };
            match reference {
                Some(reference) => {
                    s.popup = Some(Popup::Followup { reference, form: Box::new(Form::followup(s.strings)) })
                }
                None => say(s, false, s.strings.no_pending_followup),
            }
        }
        Action::Filter if s.focus != Pane::Routing => {
            let text = match s.focus {
                Pane::Incoming => s.query.incoming.text.clone().unwrap_or_default(),
                Pane::Workload => s.workload_filter.clone(),
                _ => s.followups_filter.clone(),
            };
            s.filter_input = Some(FilterInput { pane: s.focus, text });
        }
        Action::ClearFilter => {
            s.message = None;
            match s.focus {
                Pane::Incoming | Pane::Routing => {
                    s.marked.clear();
                    s.incoming_cell = None;
                    s.query.incoming = Default::default();
                    s.query.incoming_offset = 0;
                    s.incoming_selected = 0;
                    send_view(s, fx);
                }
                Pane::Workload => s.workload_filter.clear(),
                Pane::Followups => s.followups_filter.clear(),
            }
            recompute_views(s);
        }
        Action::CycleSort => match s.focus {
            Pane::Incoming => {
                s.query.incoming_sort = s.query.incoming_sort.next();
                s.query.incoming_offset = 0;
                s.incoming_selected = 0;
                send_view(s, fx);
            }
            Pane::Workload => {
                s.workload_sort = s.workload_sort.next();
                recompute_views(s);
            }
            _ => {}
        },
        Action::Palette => s.popup = Some(Popup::Palette { text: String::new() }),
        Action::Reveal => match target(s) {
            Some((reference, _)) => {
                s.popup = Some(Popup::Detail { reference: reference.clone(), detail: None, scroll: 0 });
                fx.push(Effect::Send(Request::Detail { reference, reveal: true }));
            }
            None => say(s, false, s.strings.nothing_selected),
        },
        Action::Report => {
            let today = s.now.with_timezone(&s.tz).date_naive();
            let from = chrono::NaiveDate::from_ymd_opt(today.year(), 1, 1).unwrap_or(today);
            s.popup = Some(Popup::Report { report: None, scroll: 0 });
            fx.push(Effect::Send(Request::Report { from, to: today }));
        }
        Action::Help => s.popup = Some(Popup::Help { scroll: 0 }),
        _ => {}
    }
}

fn open(s: &mut State, fx: &mut Vec<Effect>) {
    match s.focus {
        Pane::Incoming | Pane::Followups => {
            if let Some((reference, _)) = target(s) {
                s.popup = Some(Popup::Detail { reference: reference.clone(), detail: None, scroll: 0 });
                fx.push(Effect::Send(Request::Detail { reference, reveal: false }));
            }
        }
        Pane::Routing => {
            let (row, col) = s.routing_cell;
            let tier = Tier::ALL[row.min(3)];
            let kinds: Vec<CommitteeKind> =
                CommitteeKind::ALL.iter().copied().filter(|k| k.matrix_column() == col).collect();
            s.incoming_cell = Some((row, col));
            s.query.incoming.tier = Some(tier);
            s.query.incoming.committee_kinds = kinds;
            s.query.incoming_offset = 0;
            s.incoming_selected = 0;
            s.focus = Pane::Incoming;
            send_view(s, fx);
        }
        Pane::Workload => {
            if let Some(m) = s.selected_mediator() {
                s.workload_filter = m.committees.first().cloned().unwrap_or_default();
                s.workload_selected = 0;
                recompute_views(s);
            }
        }
    }
}

fn start_assign(s: &mut State, fx: &mut Vec<Effect>) {
    let cases: Vec<(String, Expect)> = if !s.marked.is_empty() && s.popup.is_none() {
        s.marked.iter().map(|(r, v)| (r.clone(), Expect::Version(*v))).collect()
    } else {
        target(s).into_iter().collect()
    };
    if cases.is_empty() {
        say(s, false, s.strings.nothing_selected);
        return;
    }
    let refs = cases.iter().map(|c| c.0.clone()).collect();
    s.popup = Some(Popup::Assign { cases, list: None, filter: String::new(), selected: 0 });
    fx.push(Effect::Send(Request::Suggest { refs }));
}

fn start_transfer(s: &mut State) {
    let Some((reference, expect)) = target(s) else {
        say(s, false, s.strings.nothing_selected);
        return;
    };
    let Some(snap) = s.snap.as_ref() else { return };
    let case = snap.incoming.rows.iter().find(|c| c.reference == reference).cloned().or_else(|| match &s.popup {
        Some(Popup::Detail { detail: Some(d), .. }) => Some(d.case.clone()),
        _ => None,
    });
    let Some(case) = case else { return };
    let org = &snap.org;
    let area = org.area(case.area_id).map(|a| a.code.clone()).unwrap_or_default();
    let zh = s.strings.lang == crate::domain::Lang::Zh;
    let options = org
        .committees
        .iter()
        .filter(|c| c.id != case.committee_id && org.covers(c, &area))
        .map(|c| (c.code.clone(), if zh { c.name_zh.clone() } else { c.name_en.clone() }))
        .collect();
    s.popup = Some(Popup::Transfer { case: (reference, expect), options, filter: String::new(), selected: 0 });
}

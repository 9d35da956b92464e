//! `update(&mut State, Action) -> effects`: the only place the desk's state changes. Pane and
//! popup components are called from here (and only from here) to do their part.

use chrono::Timelike;

use super::form::Form;
use super::palette::{Command, FilterSpec};
use super::{Message, Pane, State, WorkloadSort};
use crate::domain::search::sort_key;
use crate::tui::action::Action;
use crate::tui::panes::{drill, PANES};
use crate::tui::popups::{
    matches, AssignPopup, ConfirmPopup, DetailPopup, EscalatePopup, FollowupPopup, HelpPopup, IntakePopup,
    MessagesPopup, PalettePopup, Popup, StatsScreen, TransferPopup,
};
use crate::tui::snapshot::Snapshot;
use crate::tui::steps::CaseStep;
use crate::tui::worker::{CaseWrite, Reply, Request};

/// What the app loop must do after an update.
// Bell carries nothing; boxing Request to even the sizes would buy nothing (effects are few).
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    /// Send a request to the worker.
    Send(Request),
    /// Ring the terminal bell once (a red or flagged case arrived; off with `bell = false`).
    Bell,
}

impl Effect {
    /// The request to send, if this effect is one.
    pub fn request(self) -> Option<Request> {
        match self {
            Effect::Send(r) => Some(r),
            Effect::Bell => None,
        }
    }
}

/// Applies one action; returns the requests to send. Marks the state dirty when anything on
/// screen changed.
pub fn update(s: &mut State, action: Action) -> Vec<Effect> {
    let mut fx = Vec::new();
    let said = s.message.clone();
    let shown = match &s.popup {
        Some(Popup::Message(m)) => Some(m.clone()),
        _ => None,
    };
    apply(s, action, &mut fx);
    if s.message != said {
        if let Some(m) = s.message.clone() {
            log(s, m.ok, m.text);
        }
    }
    if let Some(Popup::Message(m)) = &s.popup {
        if Some(m) != shown.as_ref() {
            let (ok, text) = (m.ok, m.text.clone());
            log(s, ok, text);
        }
    }
    fx
}

/// Adds to the day's message log (a new office day starts it afresh).
fn log(s: &mut State, ok: bool, text: String) {
    let tz = s.tz;
    let today = tz.date_of(s.now);
    s.log.retain(|e| tz.date_of(e.at) == today);
    if s.log.len() >= super::LOG_CAP {
        s.log.remove(0);
    }
    s.log.push(super::LogEntry { at: s.now, ok, text });
}

fn apply(s: &mut State, action: Action, fx: &mut Vec<Effect>) {
    match action {
        Action::Tick(now) => {
            let minute_changed = (now.hour(), now.minute()) != (s.now.hour(), s.now.minute());
            s.now = now;
            if super::follow::expire_arrivals(s) || minute_changed {
                s.dirty = true;
            }
            return;
        }
        Action::Resize(w, h) => s.size = (w, h),
        Action::Snapshot(snap) => apply_snapshot(s, snap, fx),
        Action::Reply(reply) => apply_reply(s, *reply, fx),
        Action::Input(key) => {
            if let Some(then) = super::input::on_input(s, key, fx) {
                apply(s, then, fx);
            }
        }
        Action::DataError(e) => s.worker_error = Some(e),
        a @ (Action::Click { .. } | Action::DoubleClick { .. } | Action::Scroll { .. }) => {
            if let Some(then) = super::mouse::on_mouse(s, &a, fx) {
                apply(s, then, fx);
            }
        }
        Action::Confirmed => {
            if let Some(Popup::Confirm(c)) = s.popup.take() {
                match *c.then {
                    // The quit question (cases still marked): yes quits.
                    Request::Shutdown => s.quit = true,
                    // The reveal question: yes opens the detail, unmasked.
                    Request::Detail { reference, reveal } => {
                        s.popup = Some(Popup::Detail(DetailPopup::loading(reference.clone())));
                        fx.push(Effect::Send(Request::Detail { reference, reveal }));
                    }
                    then => fx.push(Effect::Send(then)),
                }
            }
        }
        a if s.read_only && a.writes() => {
            s.message = Some(Message { ok: false, text: s.strings.refused_read_only.to_string() });
        }
        Action::RunCommand(cmd) => run_command(s, cmd, fx),
        a => on_command(s, a, fx),
    }
    s.dirty = true;
}

/// Rebuilds the filtered/sorted Workload and Follow-ups views and clamps every selection.
pub(crate) fn recompute_views(s: &mut State) {
    let Some(snap) = s.snap.as_ref() else { return };
    let f = s.workload_filter.clone();
    // Without a filter every row is shown: no row is matched (an officer seldom filters).
    let unfiltered = |f: &str| f.trim().is_empty();
    let mut view: Vec<usize> = snap
        .workload
        .iter()
        .enumerate()
        .filter(|(_, r)| {
            if unfiltered(&f) {
                return true;
            }
            use crate::domain::search::matches as pinyin_matches;
            pinyin_matches(&r.name, &f)
                || r.committees.iter().any(|code| {
                    matches(code, &f)
                        || snap
                            .org
                            .committee_by_code(code)
                            .is_some_and(|c| pinyin_matches(&c.name_zh, &f) || matches(&c.name_en, &f))
                })
        })
        .map(|(i, _)| i)
        .collect();
    let rows = &snap.workload;
    match s.workload_sort {
        // The mediator id ends each order: no ties, so the unstable sorts give the one order.
        WorkloadSort::Load => view.sort_unstable_by_key(|&i| {
            (
                std::cmp::Reverse(u64::from(rows[i].open) * 1000 / u64::from(rows[i].capacity.max(1))),
                rows[i].mediator_id,
            )
        }),
        WorkloadSort::Overdue => view.sort_unstable_by_key(|&i| {
            (std::cmp::Reverse(rows[i].overdue), std::cmp::Reverse(rows[i].open), rows[i].mediator_id)
        }),
        WorkloadSort::Name => view.sort_by_cached_key(|&i| sort_key(&rows[i].name)),
        WorkloadSort::Committee => view.sort_by_cached_key(|&i| (rows[i].committees.clone(), sort_key(&rows[i].name))),
    }
    s.workload_view = view;
    let ff = s.followups_filter.clone();
    s.followups_view = snap
        .followups
        .iter()
        .enumerate()
        .filter(|(_, r)| unfiltered(&ff) || matches(&r.case_ref, &ff) || matches(&r.mediator, &ff))
        .map(|(i, _)| i)
        .collect();
    s.workload_selected = s.workload_selected.min(s.workload_view.len().saturating_sub(1));
    s.followups_selected = s.followups_selected.min(s.followups_view.len().saturating_sub(1));
    clamp_incoming(s);
}

/// Keeps the Incoming cursor inside the list.
fn clamp_incoming(s: &mut State) {
    let total = s.snap.as_ref().map_or(0, |snap| snap.incoming.total as usize);
    s.incoming_selected = s.incoming_selected.min(total.saturating_sub(1));
}

/// At most this many cases are remembered as seen; past it, only the current snapshot's stay.
const SEEN_CAP: usize = 50_000;

fn apply_snapshot(s: &mut State, snap: Box<Snapshot>, fx: &mut Vec<Effect>) {
    let prev = s.snap.as_ref().map(|p| p.taken_at);
    if super::follow::note_arrivals(s, prev, &snap) && s.keymap.bell() {
        fx.push(Effect::Bell);
    }
    s.last_change = Some(snap.taken_at);
    s.worker_error = None;
    if s.seen.len() > SEEN_CAP {
        s.seen.clear();
    }
    for c in &snap.incoming.rows {
        // Only what is new or changed: most rows are as the last snapshot had them.
        if s.seen.get(&c.reference) != Some(&c.version) {
            s.seen.insert(c.reference.clone(), c.version);
        }
    }
    // The Workload and Follow-ups lists filtered and sorted again only when their rows are new
    // (the worker shares unchanged rows between snapshots).
    let same_lists = s.snap.as_ref().is_some_and(|old| {
        std::sync::Arc::ptr_eq(&old.workload, &snap.workload) && std::sync::Arc::ptr_eq(&old.followups, &snap.followups)
    });
    s.snap = Some(snap);
    if same_lists {
        clamp_incoming(s);
    } else {
        recompute_views(s);
    }
    super::follow::follow_incoming(s, fx);
    drill::refresh(s, fx);
}

fn apply_reply(s: &mut State, reply: Reply, fx: &mut Vec<Effect>) {
    match reply {
        Reply::Detail(d) => {
            s.seen.insert(d.case.reference.clone(), d.case.version);
            if let Some(Popup::Detail(p)) = s.popup.as_mut() {
                if p.reference == d.case.reference {
                    p.detail = Some(d);
                }
            }
        }
        Reply::Suggestions { refs, list } => {
            if let Some(Popup::Assign(p)) = s.popup.as_mut() {
                if p.cases.iter().map(|c| &c.0).eq(refs.iter()) {
                    p.list = Some(list);
                }
            }
        }
        Reply::CaseList { filter, page } => {
            for c in &page.rows {
                s.seen.insert(c.reference.clone(), c.version);
            }
            drill::on_cases(s, filter, page)
        }
        Reply::Committees { tier, rows } => drill::on_committees(s, tier, rows),
        Reply::Stats(o) => {
            if let Some(Popup::Stats(p)) = s.popup.as_mut() {
                p.on_data(o);
            }
        }
        Reply::Exported { path } => {
            if let Some(Popup::Stats(p)) = s.popup.as_mut() {
                p.exported = Some(path.clone());
            }
            let text = format!("{} {path}", s.strings.stats_exported());
            say(s, true, text);
        }
        Reply::Resolved { reference, version, write } => {
            fx.push(Effect::Send(write.at_version(reference, version)));
        }
        Reply::Done(text) => {
            s.marked.clear();
            s.message = Some(Message { ok: true, text });
        }
        Reply::Stepped { step, case } => {
            s.seen.insert(case.reference.clone(), case.version);
            let text = step.done_words(&case, s.strings.lang, s.tz);
            s.message = Some(Message { ok: true, text });
        }
        Reply::Failed(e) => s.popup = Some(Popup::error(e.words(s.strings.lang))),
    }
}

/// The case an action applies to, with the version the officer saw: the open detail's, else
/// the focused pane's selection (`None` version: the pane does not show it, read it first).
pub(super) fn target(s: &State) -> Option<(String, Option<i64>)> {
    if let Some(Popup::Detail(DetailPopup { detail: Some(d), .. })) = &s.popup {
        return Some((d.case.reference.clone(), Some(d.case.version)));
    }
    if let Some(d) = &s.drill {
        return d.selected_case().map(|c| (c.reference.clone(), Some(c.version)));
    }
    s.focus.component().target(s)
}

pub(super) fn say(s: &mut State, ok: bool, text: impl Into<String>) {
    s.message = Some(Message { ok, text: text.into() });
}

/// Asks the worker for the panes' data again (the query changed), anchored on the case the
/// Incoming cursor is on so the cursor stays on it.
pub(crate) fn send_view(s: &State, fx: &mut Vec<Effect>) {
    let mut q = s.query.clone();
    q.incoming_anchor = s.incoming_ref.clone();
    fx.push(Effect::Send(Request::View(q)));
}

/// Clears every Incoming filter (typed, palette and routing cell) and the marks.
pub(crate) fn clear_incoming_filter(s: &mut State, fx: &mut Vec<Effect>) {
    s.marked.clear();
    s.incoming_cell = None;
    s.query.incoming = Default::default();
    s.query.incoming_offset = 0;
    s.incoming_selected = 0;
    send_view(s, fx);
}

/// The desk's commands (bound keys): focus here, movement and pane actions to the focused pane,
/// case actions open their popups.
fn on_command(s: &mut State, a: Action, fx: &mut Vec<Effect>) {
    let page = s.page_rows() as isize;
    let pane = s.focus.component();
    if s.popup.is_none() && drill::on_action(s, &a, fx) {
        return;
    }
    match a {
        Action::Quit => match super::guards::quit_question(s) {
            Some(ask) => s.popup = Some(ask),
            None => s.quit = true,
        },
        Action::NextPane => s.focus = s.focus.cycle(1),
        Action::PrevPane => s.focus = s.focus.cycle(-1),
        Action::FocusIncoming | Action::FocusRouting | Action::FocusWorkload | Action::FocusFollowups => {
            if let Some(entry) = a.focus_index().and_then(|i| PANES.get(i)) {
                s.focus = entry.pane;
            }
        }
        Action::Up => pane.move_by(s, -1, fx),
        Action::Down => pane.move_by(s, 1, fx),
        Action::PageUp => pane.move_by(s, -page, fx),
        Action::PageDown => pane.move_by(s, page, fx),
        Action::Top => pane.move_by(s, isize::MIN / 2, fx),
        Action::Bottom => pane.move_by(s, isize::MAX / 2, fx),
        Action::CycleSort if super::guards::no_sort_here(s).is_some() => {
            let text = super::guards::no_sort_here(s).unwrap_or_default();
            say(s, false, text);
        }
        Action::Left | Action::Right | Action::Open | Action::ToggleMark | Action::CycleSort => {
            pane.on_action(s, &a, fx)
        }
        Action::ClearFilter => {
            s.message = None;
            pane.on_action(s, &a, fx);
        }
        // Duty is set on the Workload pane's selected mediator.
        Action::ToggleDuty if pane.keys().contains(&a) => pane.on_action(s, &a, fx),
        Action::ToggleDuty => say(s, false, s.strings.nothing_selected),
        Action::Filter => {
            if let Some(text) = pane.filter(s) {
                s.filter_input = Some(super::FilterInput { pane: s.focus, text });
            }
        }
        Action::Assign => start_assign(s, fx),
        Action::AutoAssign => {
            if s.marked.is_empty() {
                say(s, false, s.strings.nothing_selected);
            } else {
                let cases = s.marked.iter().map(|(r, v)| (r.clone(), crate::store::Expect::Version(*v))).collect();
                s.popup = Some(Popup::Confirm(ConfirmPopup {
                    text: format!("{} ({} {})", s.strings.auto_assign_confirm, s.marked.len(), s.strings.marked),
                    then: Box::new(Request::AutoAssign { cases }),
                }));
            }
        }
        Action::Escalate => match target(s) {
            Some((reference, _)) if super::guards::escalate_refusal(s, &reference).is_some() => {
                let text = super::guards::escalate_refusal(s, &reference).unwrap_or_default();
                say(s, false, text);
            }
            Some((reference, seen)) => {
                let form = Box::new(Form::reason(s.strings.lang));
                s.popup = Some(Popup::Escalate(EscalatePopup { reference, seen, form }));
            }
            None => say(s, false, s.strings.nothing_selected),
        },
        Action::Transfer => start_transfer(s),
        Action::NewCase => {
            if let Some(snap) = s.snap.as_ref() {
                s.popup = Some(Popup::Intake(IntakePopup::new(Form::intake(&snap.org, s.strings))));
            }
        }
        Action::RecordFollowup => {
            let target = match (&s.popup, s.focus) {
                (Some(Popup::Detail(DetailPopup { detail: Some(d), .. })), _) => {
                    Some((d.case.reference.clone(), d.case.version))
                }
                (_, Pane::Followups) => s.selected_followup().map(|f| (f.case_ref.clone(), f.case_version)),
                _ => None,
            };
            match target {
                Some((reference, version)) => {
                    let form = Box::new(Form::followup(s.strings));
                    s.popup = Some(Popup::Followup(FollowupPopup { reference, version, form }))
                }
                None => say(s, false, s.strings.no_pending_followup),
            }
        }
        Action::RecordScreening => super::steps::start_screening(s),
        a if CaseStep::of_action(&a).is_some() => {
            if let Some(step) = CaseStep::of_action(&a) {
                super::steps::start_step(s, step, fx);
            }
        }
        Action::Palette => s.popup = Some(Popup::Palette(PalettePopup::with_history(s.palette_history.clone()))),
        Action::Reveal => match target(s) {
            Some((reference, _)) => s.popup = Some(super::guards::reveal_question(s, reference)),
            None => say(s, false, s.strings.nothing_selected),
        },
        Action::Report => {
            let (screen, request) = StatsScreen::open(s);
            s.popup = Some(Popup::Stats(screen));
            fx.push(Effect::Send(request));
        }
        Action::Help => s.popup = Some(Popup::Help(HelpPopup::default())),
        Action::Overdue => open_overdue(s, fx),
        Action::Messages => s.popup = Some(Popup::Messages(MessagesPopup::at_end(s))),
        _ => {}
    }
}

/// The Overdue view: every open case past a clock, in a drill-down list.
fn open_overdue(s: &mut State, fx: &mut Vec<Effect>) {
    let filter = crate::store::CaseFilter { open: true, overdue: true, ..Default::default() };
    s.drill = None;
    drill::open(s, s.strings.overdue_view().to_string(), drill::DrillKind::Cases(Box::new(filter)), fx);
}

fn start_assign(s: &mut State, fx: &mut Vec<Effect>) {
    let cases: Vec<(String, Option<i64>)> = if !s.marked.is_empty() && s.popup.is_none() {
        s.marked.iter().map(|(r, v)| (r.clone(), Some(*v))).collect()
    } else {
        target(s).into_iter().collect()
    };
    if cases.is_empty() {
        say(s, false, s.strings.nothing_selected);
        return;
    }
    let refs = cases.iter().map(|c| c.0.clone()).collect();
    s.popup = Some(Popup::Assign(AssignPopup::new(cases)));
    fx.push(Effect::Send(Request::Suggest { refs }));
}

fn start_transfer(s: &mut State) {
    let Some((reference, seen)) = target(s) else {
        say(s, false, s.strings.nothing_selected);
        return;
    };
    let Some(snap) = s.snap.as_ref() else { return };
    let in_drill = s.drill.as_ref().and_then(|d| d.selected_case()).filter(|c| c.reference == reference);
    let case =
        snap.incoming.rows.iter().find(|c| c.reference == reference).map(|c| &**c).or(in_drill).cloned().or_else(
            || match &s.popup {
                Some(Popup::Detail(DetailPopup { detail: Some(d), .. })) => Some(d.case.clone()),
                _ => None,
            },
        );
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
    s.popup =
        Some(Popup::Transfer(TransferPopup { case: (reference, seen), options, filter: String::new(), selected: 0 }));
}

/// The version of `reference` the officer saw: the open detail's, else the last one this desk
/// showed (the current snapshot's, or the snapshot or detail that last showed it); `None` when
/// the desk never showed it (then the write reads it first).
fn version_seen(s: &State, reference: &str) -> Option<i64> {
    if let Some(Popup::Detail(DetailPopup { detail: Some(d), .. })) = &s.popup {
        if d.case.reference == reference {
            return Some(d.case.version);
        }
    }
    s.seen.get(reference).copied()
}

/// Runs a palette command. Writes name the version the officer saw (see [`version_seen`]), never
/// the latest: a case changed since it was seen gets a conflict, not a silent overwrite.
fn run_command(s: &mut State, cmd: Command, fx: &mut Vec<Effect>) {
    let write = |s: &State, reference: String, w: CaseWrite| {
        let seen = version_seen(s, &reference);
        Effect::Send(w.request(reference, seen))
    };
    match cmd {
        Command::Assign { reference, mediator_id, force } => {
            fx.push(write(s, reference, CaseWrite::Assign { mediator_id, force }))
        }
        Command::Escalate { reference, reason } => fx.push(write(s, reference, CaseWrite::Escalate { reason })),
        Command::Transfer { reference, committee } => fx.push(write(s, reference, CaseWrite::Transfer { committee })),
        Command::Show { reference } => {
            fx.push(Effect::Send(Request::Detail { reference: reference.clone(), reveal: false }));
            s.popup = Some(Popup::Detail(DetailPopup::loading(reference)));
        }
        Command::Filter(spec) => {
            let f = &mut s.query.incoming;
            match spec {
                FilterSpec::Clear => *f = Default::default(),
                FilterSpec::Text(t) => f.text = Some(t),
                FilterSpec::Area(id) => f.area_id = Some(id),
                FilterSpec::Committee(id) => f.committee_id = Some(id),
                FilterSpec::Tier(t) => f.tier = Some(t),
                FilterSpec::Category(c) => f.category = Some(c),
                FilterSpec::Risk(r) => f.risk_level = Some(r),
            }
            s.query.incoming_offset = 0;
            s.incoming_selected = 0;
            s.focus = Pane::Incoming;
            send_view(s, fx);
        }
        Command::Overdue => open_overdue(s, fx),
        Command::Messages => s.popup = Some(Popup::Messages(MessagesPopup::at_end(s))),
        Command::Help => s.popup = Some(Popup::Help(HelpPopup::default())),
        Command::Quit => s.quit = true,
    }
}

//! The Incoming cursor follows its case (by ref) across refreshes, sorts and filters; new
//! arrivals are marked for a few seconds.

use chrono::{DateTime, Duration, Utc};

use super::update::{say, Effect};
use super::{State, ARRIVAL_MARK_SECS};
use crate::domain::routing::is_acute;
use crate::tui::snapshot::Snapshot;
use crate::tui::worker::Request;

/// Notes the cases that arrived since `prev` was taken: not shown before, and received since or
/// added since (an id above any this desk has shown: intake can type an earlier time received);
/// true when one of them is acute (red risk or a risk flag: routing's rule 3), which rings the
/// bell. The first snapshot notes nothing: what is there at start has not just arrived.
pub(super) fn note_arrivals(s: &mut State, prev: Option<DateTime<Utc>>, snap: &Snapshot) -> bool {
    let newest_before = s.newest_case_id;
    s.newest_case_id = snap.incoming.rows.iter().map(|c| c.id).fold(newest_before, i64::max);
    let Some(prev) = prev else { return false };
    let since = prev - Duration::seconds(60);
    let mut acute = false;
    for c in &snap.incoming.rows {
        if (c.received_at >= since || c.id > newest_before) && !s.seen.contains_key(&c.reference) {
            s.arrivals.insert(c.reference.clone(), s.now);
            acute |= is_acute(c.risk_level, c.risk_flags);
        }
    }
    acute
}

/// Drops arrival marks older than [`ARRIVAL_MARK_SECS`]; true when any was dropped.
pub(super) fn expire_arrivals(s: &mut State) -> bool {
    let before = s.arrivals.len();
    let now = s.now;
    s.arrivals.retain(|_, t| (now - *t).num_seconds() < ARRIVAL_MARK_SECS);
    before != s.arrivals.len()
}

/// True while `reference` is a new arrival still marked.
pub fn is_new(s: &State, reference: &str) -> bool {
    s.arrivals.contains_key(reference)
}

/// After a snapshot: puts the cursor back on its case. When the case is not in the loaded page
/// the worker is asked where it is; when the worker says it left the list, the cursor stays on
/// the row that took its place (its neighbour) and the status line says so.
pub(super) fn follow_incoming(s: &mut State, fx: &mut Vec<Effect>) {
    let Some(snap) = s.snap.as_ref() else { return };
    let page = &snap.incoming;
    let Some(r) = s.incoming_ref.clone() else {
        s.incoming_ref = s.selected_case().map(|c| c.reference.clone());
        return;
    };
    if let Some(i) = page.rows.iter().position(|c| c.reference == r) {
        s.incoming_selected = page.offset + i;
    } else if snap.query.incoming_anchor.as_deref() == Some(r.as_str()) {
        let total = page.total as usize;
        s.incoming_selected = s.incoming_selected.min(total.saturating_sub(1));
        s.incoming_ref = s.selected_case().map(|c| c.reference.clone());
        // When the officer's own message already names the case (their assignment, escalation
        // or transfer took it off the list), it keeps its words and gains where the cursor went.
        let own = s.message.as_ref().filter(|m| m.ok && m.text.contains(r.as_str())).map(|m| m.text.clone());
        let text = match (&s.incoming_ref, own) {
            (Some(n), Some(own)) => format!("{own} · {} {n}", s.strings.cursor_on()),
            (None, Some(own)) => own,
            (Some(n), None) => format!("{r} {} · {} {n}", s.strings.left_list(), s.strings.cursor_on()),
            (None, None) => format!("{r} {}", s.strings.left_list()),
        };
        say(s, true, text);
    } else {
        let mut q = s.query.clone();
        q.incoming_anchor = Some(r);
        fx.push(Effect::Send(Request::View(q)));
    }
}

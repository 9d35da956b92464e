//! The desk's state: what is focused, selected, marked, filtered, which popup is open, and the
//! latest snapshot. Changed only by [`update`]; read by the renderer.

mod follow;
mod form;
pub mod guards;
mod input;
mod mouse;
pub mod palette;
mod step_forms;
mod steps;
pub(crate) mod update;

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};

pub use super::panes::Pane;
pub use super::popups::Popup;
pub use follow::is_new;
pub use form::{Field, FieldKind, Form, FormOutcome};
pub use update::{update, Effect};

use super::i18n::Strings;
use super::keymap::Keymap;
use super::snapshot::{Snapshot, ViewQuery};
use crate::domain::{Clocks, Lang, OfficeTz};
use crate::store::{IncomingSort, WorkloadRow};

/// Incoming rows loaded per request (a window around the selection): more than two screens of
/// the tallest pane, few enough that every desk re-reading it after a change stays cheap.
pub const INCOMING_WINDOW: usize = 120;

/// How long a new arrival stays marked in Incoming, in seconds.
pub const ARRIVAL_MARK_SECS: i64 = 8;

/// The orders the Workload pane can be sorted in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum WorkloadSort {
    /// Highest open/capacity first.
    #[default]
    Load,
    /// Most overdue first.
    Overdue,
    /// By name.
    Name,
    /// By committee, then name.
    Committee,
}

impl WorkloadSort {
    /// The next order in the cycle.
    pub fn next(self) -> WorkloadSort {
        match self {
            WorkloadSort::Load => WorkloadSort::Overdue,
            WorkloadSort::Overdue => WorkloadSort::Name,
            WorkloadSort::Name => WorkloadSort::Committee,
            WorkloadSort::Committee => WorkloadSort::Load,
        }
    }

    /// A short name for the pane title.
    pub fn label(self, lang: Lang) -> &'static str {
        let (en, zh) = match self {
            WorkloadSort::Load => ("load", "负荷"),
            WorkloadSort::Overdue => ("overdue", "超期"),
            WorkloadSort::Name => ("name", "姓名"),
            WorkloadSort::Committee => ("committee", "调委会"),
        };
        if lang == Lang::Zh {
            zh
        } else {
            en
        }
    }
}

/// A one-line message in the status bar.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    /// Success (true) or failure.
    pub ok: bool,
    /// The text.
    pub text: String,
}

/// One entry of the day's message log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogEntry {
    /// When it was said.
    pub at: DateTime<Utc>,
    /// Success (true) or failure.
    pub ok: bool,
    /// The text.
    pub text: String,
}

/// At most this many messages are kept in the log.
pub const LOG_CAP: usize = 2_000;

/// The text filter line being typed for a pane.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FilterInput {
    /// The pane it filters.
    pub pane: Pane,
    /// The text so far.
    pub text: String,
}

/// The whole state of the desk.
#[derive(Debug, Clone)]
pub struct State {
    /// Screen strings.
    pub strings: &'static Strings,
    /// Keys (for help and hints).
    pub keymap: Keymap,
    /// The officer's OS login.
    pub officer: String,
    /// The database, as shown in the status bar.
    pub db_label: String,
    /// Writes are refused.
    pub read_only: bool,
    /// Deadlines, to colour clocks.
    pub clocks: Clocks,
    /// The time of the last tick.
    pub now: DateTime<Utc>,
    /// The office's time zone (the store's policy): times are shown and "today" is taken in it.
    pub tz: OfficeTz,
    /// Terminal size.
    pub size: (u16, u16),
    /// The focused pane.
    pub focus: Pane,
    /// The latest data.
    pub snap: Option<Box<Snapshot>>,
    /// When data last changed.
    pub last_change: Option<DateTime<Utc>>,
    /// The worker's last error, if reading fails.
    pub worker_error: Option<String>,
    /// What the panes ask the worker for.
    pub query: ViewQuery,
    /// Selected Incoming row (absolute index in the queue).
    pub incoming_selected: usize,
    /// The case the Incoming cursor is on: the selection follows it across refreshes, sorts
    /// and filters (`None` while the row under the cursor is not loaded yet).
    pub incoming_ref: Option<String>,
    /// Cases that arrived while the desk was open, with when they were first shown (marked for
    /// [`ARRIVAL_MARK_SECS`]).
    pub arrivals: BTreeMap<String, DateTime<Utc>>,
    /// The highest case id Incoming has shown: a case above it arrived since.
    pub newest_case_id: i64,
    /// Marked cases: ref → version seen.
    pub marked: BTreeMap<String, i64>,
    /// Every case this desk has shown (in a snapshot or a detail): ref → the last version shown.
    /// A palette write names this version, so a case changed since is a conflict, even after a
    /// refresh took it off the screen.
    pub seen: BTreeMap<String, i64>,
    /// The palette lines run in this session, oldest first (↑/↓ in the palette).
    pub palette_history: Vec<String>,
    /// Selected matrix cell (tier row, column).
    pub routing_cell: (usize, usize),
    /// The matrix cell Incoming is filtered by.
    pub incoming_cell: Option<(usize, usize)>,
    /// Workload selection (index into `workload_view`).
    pub workload_selected: usize,
    /// Workload order.
    pub workload_sort: WorkloadSort,
    /// Workload filter text (committee code/name or mediator name).
    pub workload_filter: String,
    /// Indexes into the snapshot's workload rows, filtered and sorted.
    pub workload_view: Vec<usize>,
    /// Follow-ups selection (index into `followups_view`).
    pub followups_selected: usize,
    /// Follow-ups filter text.
    pub followups_filter: String,
    /// Indexes into the snapshot's follow-up rows, filtered.
    pub followups_view: Vec<usize>,
    /// A filter line being typed.
    pub filter_input: Option<FilterInput>,
    /// The open drill-down list (over the panes, under any popup).
    pub drill: Option<Box<super::panes::drill::DrillView>>,
    /// The open popup.
    pub popup: Option<Popup>,
    /// The status-bar message.
    pub message: Option<Message>,
    /// The day's messages (status line and errors), oldest first.
    pub log: Vec<LogEntry>,
    /// The officer asked to leave.
    pub quit: bool,
    /// Something on screen changed since the last draw.
    pub dirty: bool,
}

impl State {
    /// A fresh desk.
    pub fn new(
        lang: Lang,
        keymap: Keymap,
        officer: String,
        db_label: String,
        read_only: bool,
        clocks: Clocks,
        now: DateTime<Utc>,
    ) -> State {
        State {
            strings: Strings::for_lang(lang),
            keymap,
            officer,
            db_label,
            read_only,
            clocks,
            now,
            tz: OfficeTz::default(),
            size: (80, 24),
            focus: Pane::Incoming,
            snap: None,
            last_change: None,
            worker_error: None,
            query: ViewQuery {
                incoming_limit: INCOMING_WINDOW,
                incoming_sort: IncomingSort::Urgency,
                ..ViewQuery::default()
            },
            incoming_selected: 0,
            incoming_ref: None,
            arrivals: BTreeMap::new(),
            newest_case_id: 0,
            marked: BTreeMap::new(),
            seen: BTreeMap::new(),
            palette_history: Vec::new(),
            routing_cell: (0, 5),
            incoming_cell: None,
            workload_selected: 0,
            workload_sort: WorkloadSort::Load,
            workload_filter: String::new(),
            workload_view: Vec::new(),
            followups_selected: 0,
            followups_filter: String::new(),
            followups_view: Vec::new(),
            filter_input: None,
            drill: None,
            popup: None,
            message: None,
            log: Vec::new(),
            quit: false,
            dirty: true,
        }
    }

    /// The selected Incoming case, if loaded.
    pub fn selected_case(&self) -> Option<&crate::domain::Case> {
        let snap = self.snap.as_ref()?;
        let i = self.incoming_selected.checked_sub(snap.incoming.offset)?;
        snap.incoming.rows.get(i).map(|c| &**c)
    }

    /// The selected Workload row.
    pub fn selected_mediator(&self) -> Option<&WorkloadRow> {
        let snap = self.snap.as_ref()?;
        snap.workload.get(*self.workload_view.get(self.workload_selected)?)
    }

    /// The selected Follow-ups row.
    pub fn selected_followup(&self) -> Option<&crate::store::FollowupRow> {
        let snap = self.snap.as_ref()?;
        snap.followups.get(*self.followups_view.get(self.followups_selected)?)
    }

    /// Rows a list pane shows at the current size (used for PgUp/PgDn).
    pub fn page_rows(&self) -> usize {
        (usize::from(self.size.1) / 2).saturating_sub(4).max(1)
    }
}

//! What the panes show, as one value the worker sends whole: the UI never queries SQLite.

use std::sync::Arc;

use chrono::{DateTime, Utc};

use crate::domain::audit::AuditEvent;
use crate::domain::{Case, Followup, Org};
use crate::error::Result;
use crate::store::{Board, CaseFilter, FollowupRow, IncomingPage, IncomingSort, RoutingMatrix, Store, WorkloadRow};

/// Which slice of the data the panes need; the worker re-runs it on every change.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ViewQuery {
    /// The Incoming filter (routing cell, text).
    pub incoming: CaseFilter,
    /// The Incoming order.
    pub incoming_sort: IncomingSort,
    /// First Incoming row to load.
    pub incoming_offset: usize,
    /// How many Incoming rows to load.
    pub incoming_limit: usize,
    /// The ref the Incoming cursor is on when the query was sent: the page is loaded around it
    /// and its position reported, so the cursor stays on its case.
    pub incoming_anchor: Option<String>,
}

/// Fresh data for every pane.
#[derive(Debug, Clone, PartialEq)]
pub struct Snapshot {
    /// When it was read.
    pub taken_at: DateTime<Utc>,
    /// The query it answers.
    pub query: ViewQuery,
    /// The organisation (names of areas, committees, mediators).
    pub org: Arc<Org>,
    /// Incoming rows (shared: a snapshot is copied to the UI and kept by the worker).
    pub incoming: Arc<IncomingPage>,
    /// Routing matrix.
    pub matrix: RoutingMatrix,
    /// Workload rows, one per mediator.
    pub workload: Arc<Vec<WorkloadRow>>,
    /// Overdue follow-ups in all.
    pub followups_overdue: u64,
    /// Follow-ups overdue or due soon, most overdue first.
    pub followups: Arc<Vec<FollowupRow>>,
    /// Overdue rectification items and the screening duties open (the Follow-ups pane's extras).
    pub aftercare: Arc<Board>,
}

/// Follow-ups due within this many days count as "due soon".
pub const FOLLOWUP_SOON_DAYS: i64 = 7;
/// At most this many follow-up rows are loaded.
pub const FOLLOWUP_ROWS: usize = 500;

impl Snapshot {
    /// Reads every pane's data for `query` at `now`, all inside one read transaction so the
    /// panes agree with each other while others write.
    pub fn read(store: &Store, query: &ViewQuery, org: Arc<Org>, now: DateTime<Utc>) -> Result<Snapshot> {
        store.read_consistent(|store| Snapshot::read_in(store, query, org, now))
    }

    fn read_in(store: &Store, query: &ViewQuery, org: Arc<Org>, now: DateTime<Utc>) -> Result<Snapshot> {
        let (followups_overdue, followups) = store.followups_due(now, FOLLOWUP_SOON_DAYS, FOLLOWUP_ROWS)?;
        Ok(Snapshot {
            taken_at: now,
            query: query.clone(),
            org,
            incoming: Arc::new(store.incoming(
                &query.incoming,
                query.incoming_sort,
                query.incoming_offset,
                query.incoming_limit.max(1),
                query.incoming_anchor.as_deref(),
                now,
            )?),
            matrix: store.routing_matrix(now)?,
            workload: Arc::new(store.workload(None, now)?),
            followups_overdue,
            followups: Arc::new(followups),
            aftercare: Arc::new(store.aftercare_board(now, FOLLOWUP_ROWS)?),
        })
    }

    /// True when the two differ in anything the panes show (the read time aside).
    pub fn same_content(&self, other: &Snapshot) -> bool {
        self.query == other.query
            && Arc::ptr_eq(&self.org, &other.org)
            && self.incoming == other.incoming
            && self.matrix == other.matrix
            && self.workload == other.workload
            && self.followups_overdue == other.followups_overdue
            && self.followups == other.followups
            && self.aftercare == other.aftercare
    }
}

/// One case with everything the detail popup shows.
#[derive(Debug, Clone, PartialEq)]
pub struct CaseDetail {
    /// The case.
    pub case: Case,
    /// Its follow-ups.
    pub followups: Vec<Followup>,
    /// Its audit trail.
    pub audit: Vec<AuditEvent>,
    /// Personal data is shown unmasked (the reveal was audited).
    pub revealed: bool,
}

//! The desk's live view of the database, patched from the change feed: after a change it reads
//! only the feed rows since its last sequence and the changed cases' compact rows, keeps the open
//! cases in memory (a few thousand even at millions of cases), counts the Routing matrix and
//! Workload from them at `now`, and keeps the unassigned ones in Incoming's order, so an
//! unfiltered Incoming page is cut from memory; a filtered Incoming and Follow-ups are re-queried
//! only when a change touches them. It reads everything again when it has fallen behind the feed
//! or the schema changed.

use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;

use chrono::{DateTime, Utc};

use super::counts::Counts;
use super::snapshot::{Snapshot, ViewQuery, FOLLOWUP_ROWS, FOLLOWUP_SOON_DAYS};
use crate::domain::{Org, StatusSet};
use crate::error::Result;
use crate::store::feed::{OpenCase, Since};
use crate::store::{
    incoming_ids_sql, incoming_sql, order_minute, Board, FollowupRow, IncomingPage, IncomingSort, Store,
};

/// More feed rows than this since the last look: reading everything is cheaper than patching.
pub const PATCH_MAX: usize = 2_000;

/// What a catch-up did (for counters and tests).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Patch {
    /// Nothing new in the feed.
    pub idle: bool,
    /// Read everything (fallen behind, schema changed).
    pub full: bool,
    /// Cases re-read.
    pub cases: usize,
    /// Incoming was re-queried.
    pub incoming: bool,
    /// Follow-ups were re-queried.
    pub followups: bool,
    /// The organisation was reloaded.
    pub org: bool,
}

/// The open cases and pane data one desk holds, with the feed sequence they are as of.
#[derive(Debug, Clone)]
pub struct Live {
    /// A catch-up failed part-way: the next one reads everything.
    stale: bool,
    seq: i64,
    schema: i64,
    query: ViewQuery,
    org: Arc<Org>,
    open: OpenCases,
    incoming: Arc<IncomingPage>,
    followups_overdue: u64,
    followups: Arc<Vec<FollowupRow>>,
    aftercare: Arc<Board>,
    /// The Routing matrix and Workload counts, patched case by case while they hold.
    counts: Option<Counts>,
}

impl Live {
    /// Reads everything for `query` at `now` (one read transaction; the organisation after it,
    /// so it is never older than the feed sequence read).
    pub fn read(store: &mut Store, query: &ViewQuery, now: DateTime<Utc>) -> Result<Live> {
        let mut live = store.read_consistent(|s| {
            let (followups_overdue, followups) = s.followups_due(now, FOLLOWUP_SOON_DAYS, FOLLOWUP_ROWS)?;
            Ok(Live {
                stale: false,
                seq: s.feed_seq()?,
                schema: s.schema_version()?,
                query: query.clone(),
                org: Arc::new(Org::default()),
                open: OpenCases::from(s.all_open()?),
                incoming: Arc::new(read_incoming(s, query, now)?),
                followups_overdue,
                followups: Arc::new(followups),
                aftercare: Arc::new(s.aftercare_board(now, FOLLOWUP_ROWS)?),
                counts: None,
            })
        })?;
        store.reload_org()?;
        live.org = Arc::new(store.org()?.clone());
        Ok(live)
    }

    /// The feed sequence this view is as of.
    pub fn seq(&self) -> i64 {
        self.seq
    }

    /// The organisation as last loaded.
    pub fn org(&self) -> &Arc<Org> {
        &self.org
    }

    /// Reads what changed since the last look and patches the view; reads everything when the
    /// feed no longer reaches back far enough or the schema changed.
    pub fn catch_up(&mut self, store: &mut Store, now: DateTime<Utc>) -> Result<Patch> {
        let stale = std::mem::replace(&mut self.stale, true);
        let step = store.read_consistent(|s| {
            if stale || s.schema_version()? != self.schema {
                return Ok(None);
            }
            let set = match s.changes_since(self.seq, PATCH_MAX)? {
                Since::Behind => return Ok(None),
                Since::Changes(set) => set,
            };
            if set.last_seq == self.seq {
                return Ok(Some(Patch { idle: true, ..Patch::default() }));
            }
            let mut patch = Patch { cases: set.cases.len(), org: set.org, ..Patch::default() };
            let unassigned = |c: &OpenCase| StatusSet::Unassigned.contains(c.status);
            let mut touches_incoming = set.org;
            // The counts follow the changed cases while they hold (another organisation: count
            // again).
            let mut counts = self.counts.take().filter(|k| k.valid_at(now) && !set.org);
            for id in &set.cases {
                if let Some(old) = self.open.remove(id) {
                    touches_incoming |= unassigned(&old);
                    counts.iter_mut().for_each(|k| k.remove(&old, now));
                }
            }
            for c in s.open_among(&set.cases)? {
                touches_incoming |= unassigned(&c);
                counts.iter_mut().for_each(|k| k.add(&c, now));
                self.open.insert(c);
            }
            self.counts = counts;
            let shown = |id: &i64| self.followups.iter().any(|f| f.case_id == *id);
            let touches_followups = set.org || !set.followups.is_empty() || set.cases.iter().any(shown);
            if touches_incoming {
                let held = Held { page: &self.incoming, changed: &set.cases, open: &mut self.open };
                self.incoming = Arc::new(patch_incoming(s, &self.query, held, now)?);
                patch.incoming = true;
            }
            if touches_followups {
                self.read_followups(s, now)?;
                patch.followups = true;
            }
            self.seq = set.last_seq;
            Ok(Some(patch))
        })?;
        match step {
            Some(patch) => {
                if patch.org {
                    store.reload_org()?;
                    let fresh = store.org()?.clone();
                    if *self.org != fresh {
                        self.org = Arc::new(fresh);
                    }
                }
                self.stale = false;
                Ok(patch)
            }
            None => {
                let query = self.query.clone();
                *self = Live::read(store, &query, now)?;
                Ok(Patch { full: true, ..Patch::default() })
            }
        }
    }

    /// Shows another slice (filter, sort, page): re-reads Incoming only.
    pub fn set_query(&mut self, store: &Store, query: ViewQuery, now: DateTime<Utc>) -> Result<()> {
        self.incoming = Arc::new(read_incoming(store, &query, now)?);
        self.query = query;
        Ok(())
    }

    /// Re-reads what depends on the time alone (Incoming's order and overdue filter,
    /// Follow-ups due): Incoming as after a change that changed no case (without a filter, from
    /// the queue held).
    pub fn refresh_time(&mut self, store: &Store, now: DateTime<Utc>) -> Result<()> {
        store.read_consistent(|s| {
            let held = Held { page: &self.incoming, changed: &BTreeSet::new(), open: &mut self.open };
            self.incoming = Arc::new(patch_incoming(s, &self.query, held, now)?);
            self.read_followups(s, now)
        })
    }

    /// Re-reads the Follow-ups pane (rows, overdue count, the after-agreement extras).
    fn read_followups(&mut self, s: &Store, now: DateTime<Utc>) -> Result<()> {
        let (overdue, rows) = s.followups_due(now, FOLLOWUP_SOON_DAYS, FOLLOWUP_ROWS)?;
        self.followups_overdue = overdue;
        self.followups = Arc::new(rows);
        self.aftercare = Arc::new(s.aftercare_board(now, FOLLOWUP_ROWS)?);
        Ok(())
    }

    /// The panes' data at `now`: the matrix and workload from the counts of the open cases in
    /// memory (counted again only once a clock has run out since they were counted); the rest
    /// shared with the view, not copied.
    pub fn snapshot(&mut self, now: DateTime<Utc>) -> Snapshot {
        let counts = match &mut self.counts {
            Some(k) if k.valid_at(now) => k,
            stale => stale.insert(Counts::count(&self.org, self.open.values(), now)),
        };
        let (matrix, workload) = (counts.matrix(), counts.workload());
        Snapshot {
            taken_at: now,
            query: self.query.clone(),
            org: self.org.clone(),
            incoming: self.incoming.clone(),
            matrix,
            workload,
            followups_overdue: self.followups_overdue,
            followups: self.followups.clone(),
            aftercare: self.aftercare.clone(),
        }
    }
}

/// What a desk holds when it patches Incoming: the page shown, the cases just changed, and the
/// open cases (as of the feed, the changed ones already re-read).
struct Held<'a> {
    page: &'a IncomingPage,
    changed: &'a std::collections::BTreeSet<i64>,
    open: &'a mut OpenCases,
}

/// The open cases a desk holds, and which of them wait for assignment (Incoming without a
/// filter), kept in Incoming's order once it has been asked for.
#[derive(Debug, Clone, Default)]
struct OpenCases {
    all: HashMap<i64, OpenCase>,
    unassigned: BTreeSet<i64>,
    queue: Option<Queue>,
}

/// The unassigned cases in one Incoming order as of one minute: a changed case is taken out and
/// put back in its place (a binary search), so a change does not sort the whole queue again.
/// Another order or another minute (a case may have turned late) sorts it afresh.
#[derive(Debug, Clone)]
struct Queue {
    sort: IncomingSort,
    minute: DateTime<Utc>,
    rows: Vec<OpenCase>,
}

impl Queue {
    fn place(&self, c: &OpenCase) -> std::result::Result<usize, usize> {
        self.rows.binary_search_by(|probe| self.sort.cmp_open(probe, c, self.minute))
    }
}

impl From<Vec<OpenCase>> for OpenCases {
    fn from(cases: Vec<OpenCase>) -> OpenCases {
        let mut open = OpenCases::default();
        cases.into_iter().for_each(|c| open.insert(c));
        open
    }
}

impl OpenCases {
    fn insert(&mut self, c: OpenCase) {
        if StatusSet::Unassigned.contains(c.status) {
            self.unassigned.insert(c.id);
            if let Some(q) = self.queue.as_mut() {
                let at = q.place(&c).unwrap_or_else(|at| at);
                q.rows.insert(at, c);
            }
        }
        self.all.insert(c.id, c);
    }

    fn remove(&mut self, id: &i64) -> Option<OpenCase> {
        let old = self.all.remove(id)?;
        if self.unassigned.remove(id) {
            if let Some(q) = self.queue.as_mut() {
                match q.place(&old) {
                    Ok(at) => {
                        q.rows.remove(at);
                    }
                    // Not where its order puts it: never expected, but sort afresh next time.
                    Err(_) => self.queue = None,
                }
            }
        }
        Some(old)
    }

    fn values(&self) -> impl Iterator<Item = &OpenCase> {
        self.all.values()
    }

    /// Incoming's cases in order when the desk holds them all: without a filter Incoming is
    /// every unassigned open case (`None` with a filter: its SQL decides).
    fn waiting(&mut self, q: &ViewQuery, now: DateTime<Utc>) -> Option<&[OpenCase]> {
        if q.incoming != crate::store::CaseFilter::default() {
            return None;
        }
        let (sort, minute) = (q.incoming_sort, order_minute(now));
        if !self.queue.as_ref().is_some_and(|k| k.sort == sort && k.minute == minute) {
            let mut rows: Vec<OpenCase> = self.unassigned.iter().filter_map(|id| self.all.get(id).copied()).collect();
            rows.sort_unstable_by(|a, b| sort.cmp_open(a, b, minute));
            self.queue = Some(Queue { sort, minute, rows });
        }
        self.queue.as_ref().map(|k| k.rows.as_slice())
    }
}

/// Incoming's count and overdue count: without a filter, counted from the open cases held
/// (Incoming is every unassigned one); with one, by the filter's SQL.
fn incoming_counts(s: &Store, q: &ViewQuery, queue: Option<&[OpenCase]>, now: DateTime<Utc>) -> Result<(u64, u64)> {
    if let Some(queue) = queue {
        let overdue = queue.iter().filter(|c| c.is_overdue(now)).count();
        return Ok((queue.len() as u64, overdue as u64));
    }
    let (count, _) = incoming_sql(&q.incoming, q.incoming_sort, q.incoming_offset, q.incoming_limit.max(1), now);
    let late = crate::store::CaseFilter { unassigned: true, status: None, overdue: true, ..q.incoming.clone() };
    Ok((s.count_of(&count)?, s.count_cases(&late, now)?))
}

/// Incoming again, re-reading only the rows that changed or are new on the page: the count
/// and the page's ids come from the index, rows still shown and unchanged are kept.
fn patch_incoming(s: &Store, q: &ViewQuery, view: Held<'_>, now: DateTime<Utc>) -> Result<IncomingPage> {
    let (old, changed) = (view.page, view.changed);
    // A text search names labels and names from the organisation: read it whole.
    if q.incoming.text.is_some() {
        return read_incoming(s, q, now);
    }
    let limit = q.incoming_limit.max(1);
    let queue = view.open.waiting(q, now);
    let ids = match queue {
        Some(queue) => queue.iter().skip(q.incoming_offset).take(limit).map(|c| c.id).collect(),
        None => s.incoming_ids(&incoming_ids_sql(&q.incoming, q.incoming_sort, q.incoming_offset, limit, now))?,
    };
    let mut held: HashMap<i64, Arc<crate::domain::Case>> =
        old.rows.iter().filter(|c| !changed.contains(&c.id)).map(|c| (c.id, c.clone())).collect();
    let missing: Vec<i64> = ids.iter().copied().filter(|id| !held.contains_key(id)).collect();
    held.extend(s.cases_by_ids(&missing)?.into_iter().map(|c| (c.id, Arc::new(c))));
    let rows: Vec<Arc<crate::domain::Case>> = ids.iter().filter_map(|id| held.get(id).cloned()).collect();
    // The cursor's case: on this page, or found (and the page moved to it) by a full read.
    let anchor = match q.incoming_anchor.as_deref() {
        None => None,
        Some(r) => match rows.iter().position(|c| c.reference == r) {
            Some(i) => Some(q.incoming_offset + i),
            // Still in Incoming, elsewhere: the full read moves the page to it.
            None if s.incoming_holds(&q.incoming, r, now)? => return read_incoming(s, q, now),
            // It left the list (the UI has moved the cursor to its neighbour): nothing to find.
            None => None,
        },
    };
    let (total, overdue) = incoming_counts(s, q, queue, now)?;
    Ok(IncomingPage { total, overdue, anchor, offset: q.incoming_offset, rows })
}

fn read_incoming(s: &Store, q: &ViewQuery, now: DateTime<Utc>) -> Result<IncomingPage> {
    s.incoming(
        &q.incoming,
        q.incoming_sort,
        q.incoming_offset,
        q.incoming_limit.max(1),
        q.incoming_anchor.as_deref(),
        now,
    )
}

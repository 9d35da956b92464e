//! The worker thread: owns the SQLite connection, polls `PRAGMA data_version` about every
//! 250 ms, patches its live view from the change feed when anything was committed
//! ([`super::live`]), sends a snapshot when what the panes show changed, and runs reads and
//! writes on request.

use std::sync::mpsc::{Receiver, RecvTimeoutError, Sender};
use std::time::{Duration, Instant};

use chrono::Utc;

use super::event::Event;
use super::live::Live;
use super::snapshot::{CaseDetail, Snapshot, ViewQuery};
use super::steps::StepWrite;
use crate::domain::suggest::{spread_by_load, Suggestion};
use crate::domain::{NewCase, Tier};
use crate::error::{Error, Result};
use crate::store::{CaseFilter, CaseListPage, CommitteeCount, Expect, FollowupRecord, ScreeningRecord, Store};

/// How often the worker looks for other processes' commits.
pub const POLL: Duration = Duration::from_millis(250);
/// How often it re-reads even without commits (clocks run out with time).
const TIME_REFRESH: Duration = Duration::from_secs(30);

/// What the UI asks of the worker.
#[derive(Debug, Clone, PartialEq)]
pub enum Request {
    /// Change what the panes show.
    View(ViewQuery),
    /// Load one case's detail; `reveal` unmasks it (and is audited).
    Detail { reference: String, reveal: bool },
    /// Rank candidates for these cases (the first one's committee decides).
    Suggest { refs: Vec<String> },
    /// Assign cases to one mediator; each with what the officer saw.
    Assign { cases: Vec<(String, Expect)>, mediator_id: i64, force: bool },
    /// Spread cases over the ranked candidates by load.
    AutoAssign { cases: Vec<(String, Expect)> },
    /// Escalate one tier, for the reason given.
    Escalate { reference: String, expect: Expect, reason: String },
    /// Re-route to another committee.
    Transfer { reference: String, expect: Expect, committee: String },
    /// Record a follow-up.
    Followup { reference: String, expect: Expect, record: FollowupRecord },
    /// Record a later step of a case's life.
    Step { reference: String, expect: Expect, write: StepWrite },
    /// Record a screening.
    Screening(Box<ScreeningRecord>),
    /// Put a mediator on or off duty.
    Duty { mediator_id: i64, on_duty: bool },
    /// Add a new case.
    Add(Box<NewCase>),
    /// Read the version of a case the desk knows only by ref (typed in the palette, or a
    /// follow-up row); the reply carries it back so the write names the version read then.
    Resolve { reference: String, write: CaseWrite },
    /// The Statistics screen's data for a period of office days.
    Stats { period: crate::domain::office_time::Period },
    /// The Statistics screen closed: stop re-reading its figures when the data changes.
    StatsClosed,
    /// Write the Statistics screen's CSV lines to a new file `{stem}.csv` in the working
    /// directory.
    ExportStats { stem: String, lines: Vec<String> },
    /// One page of a drill-down list of cases.
    CaseList { filter: CaseFilter, offset: usize, limit: usize },
    /// A tier's committees with open and overdue counts.
    Committees { tier: Tier },
    /// Stop.
    Shutdown,
}

/// The worker's answer to a request.
#[derive(Debug, Clone, PartialEq)]
pub enum Reply {
    /// A case's detail.
    Detail(Box<CaseDetail>),
    /// Ranked candidates for the cases named.
    Suggestions { refs: Vec<String>, list: Vec<Suggestion> },
    /// The Statistics screen's data, for the period asked.
    Stats(Box<crate::domain::stats::Overview>),
    /// A statistics export was written to this file.
    Exported { path: String },
    /// A write succeeded; the message says what was done.
    Done(String),
    /// A later step of a case's life was recorded; the case as it is now.
    Stepped { step: super::steps::CaseStep, case: Box<crate::domain::Case> },
    /// A request failed; nothing was changed.
    Failed(Error),
    /// A page of a drill-down list, for the filter asked.
    CaseList { filter: CaseFilter, page: CaseListPage },
    /// A tier's committees, for the tier asked.
    Committees { tier: Tier, rows: Vec<CommitteeCount> },
    /// The version of a case asked for by [`Request::Resolve`], with the write waiting for it.
    Resolved { reference: String, version: i64, write: CaseWrite },
}

/// A write on one case, waiting for the version the officer acts on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CaseWrite {
    /// Assign to a mediator.
    Assign { mediator_id: i64, force: bool },
    /// Escalate one tier, for this reason.
    Escalate { reason: String },
    /// Re-route to another committee (by code).
    Transfer { committee: String },
}

impl CaseWrite {
    /// The write request naming the version seen.
    pub fn at_version(self, reference: String, version: i64) -> Request {
        let expect = Expect::Version(version);
        match self {
            CaseWrite::Assign { mediator_id, force } => {
                Request::Assign { cases: vec![(reference, expect)], mediator_id, force }
            }
            CaseWrite::Escalate { reason } => Request::Escalate { reference, expect, reason },
            CaseWrite::Transfer { committee } => Request::Transfer { reference, expect, committee },
        }
    }

    /// The write itself when the version seen is known, else a [`Request::Resolve`] that reads
    /// it first. Never [`Expect::Latest`]: an officer's write always names a version.
    pub fn request(self, reference: String, seen: Option<i64>) -> Request {
        match seen {
            Some(v) => self.at_version(reference, v),
            None => Request::Resolve { reference, write: self },
        }
    }
}

/// Shown while a write waits for another program's write lock (both languages: the worker
/// does not know the officer's).
const WAITING: &str = "waiting for the database: another program is writing … 正在等待数据库：其他程序正在写入";

/// Starts the worker on its own thread; it owns `store` from now on.
pub fn spawn(
    store: Store,
    requests: Receiver<Request>,
    events: Sender<Event>,
    query: ViewQuery,
) -> std::thread::JoinHandle<()> {
    std::thread::spawn(move || Worker { store, events, query, live: None, last: None, stats: None }.run(requests))
}

struct Worker {
    store: Store,
    events: Sender<Event>,
    query: ViewQuery,
    live: Option<Live>,
    last: Option<Snapshot>,
    /// The Statistics screen's figures last sent, while it is open: read again, and sent when
    /// they differ, whenever the data changed.
    stats: Option<Box<crate::domain::stats::Overview>>,
}

/// Why the worker looks at the database again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Look {
    /// Something was committed (here or elsewhere): read the feed since the last look.
    Changes,
    /// The view query changed: re-read Incoming.
    Query,
    /// Time passed: re-read what depends on the time alone.
    Time,
}

impl Worker {
    fn run(mut self, requests: Receiver<Request>) {
        let mut seen_version = self.store.data_version().unwrap_or(-1);
        let mut last_read = Instant::now();
        // The file opened; once the path names another file (or none) the desk stops.
        let opened = self.store.file_id();
        let mut stopped = false;
        // A write that waits for the lock says so (once it has waited a second); the next
        // snapshot, sent when the write is over, clears the notice.
        let waited = std::rc::Rc::new(std::cell::Cell::new(false));
        {
            let (events, waited) = (self.events.clone(), waited.clone());
            crate::store::wait::on_long_wait(move || {
                waited.set(true);
                let _ = events.send(Event::WorkerError(WAITING.to_string()));
            });
        }
        self.refresh(Look::Changes);
        // A damaged database is shown but never written: the check runs once, after the
        // first snapshot.
        if let Err(e) = self.store.quick_check() {
            stopped = true;
            let _ = self.events.send(Event::WorkerError(e.to_string()));
        }
        loop {
            match requests.recv_timeout(POLL) {
                Ok(Request::Shutdown) | Err(RecvTimeoutError::Disconnected) => return,
                Ok(Request::StatsClosed) => self.stats = None,
                Ok(Request::View(q)) if stopped => self.query = q,
                Ok(Request::View(q)) => {
                    self.query = q;
                    self.refresh(Look::Query);
                }
                Ok(req) => {
                    let reply = self.handle(req);
                    let waited_long = waited.replace(false);
                    if waited_long {
                        self.last = None;
                    }
                    let wrote = waited_long
                        || matches!(reply, Reply::Done(_))
                        || matches!(reply, Reply::Failed(Error::Conflict(_)));
                    if self.events.send(Event::Reply(Box::new(reply))).is_err() {
                        return;
                    }
                    if wrote {
                        self.refresh(Look::Changes);
                    }
                }
                Err(RecvTimeoutError::Timeout) => {
                    if stopped {
                        continue;
                    }
                    if let Some(Err(e)) = opened.map(|id| self.store.check_file(id)) {
                        stopped = true;
                        let _ = self.events.send(Event::WorkerError(e.to_string()));
                        continue;
                    }
                    let v = self.store.data_version().unwrap_or(seen_version);
                    if v != seen_version {
                        seen_version = v;
                        self.refresh(Look::Changes);
                    } else if last_read.elapsed() >= TIME_REFRESH {
                        self.refresh(Look::Time);
                        last_read = Instant::now();
                    }
                }
            }
        }
    }

    /// Brings the live view up to date and sends the snapshot if it differs from the last one sent.
    fn refresh(&mut self, look: Look) {
        let now = Utc::now();
        let Worker { store, live, query, .. } = self;
        let done = match (live.as_mut(), look) {
            (None, _) => Live::read(store, query, now).map(|l| *live = Some(l)),
            (Some(l), Look::Changes) => l.catch_up(store, now).map(|_| ()),
            (Some(l), Look::Query) => l.set_query(store, query.clone(), now),
            (Some(l), Look::Time) => l.refresh_time(store, now),
        };
        if let Err(e) = done {
            let _ = self.events.send(Event::WorkerError(e.to_string()));
            return;
        }
        if look == Look::Changes {
            self.refresh_stats();
        }
        let Some(snap) = self.live.as_mut().map(|l| l.snapshot(now)) else { return };
        if self.last.as_ref().is_some_and(|l| l.same_content(&snap)) {
            return;
        }
        self.last = Some(snap.clone());
        let _ = self.events.send(Event::Snapshot(Box::new(snap)));
    }

    /// The open Statistics screen's figures read again after a change; sent when they differ.
    fn refresh_stats(&mut self) {
        let Some(period) = self.stats.as_ref().map(|o| o.period) else { return };
        match self.store.overview(period) {
            Ok(o) if self.stats.as_deref() != Some(&o) => {
                self.stats = Some(Box::new(o.clone()));
                let _ = self.events.send(Event::Reply(Box::new(Reply::Stats(Box::new(o)))));
            }
            Ok(_) => {}
            Err(e) => {
                let _ = self.events.send(Event::WorkerError(e.to_string()));
            }
        }
    }

    fn handle(&mut self, req: Request) -> Reply {
        match self.try_handle(req) {
            Ok(r) => r,
            Err(e) => Reply::Failed(e),
        }
    }

    fn try_handle(&mut self, req: Request) -> Result<Reply> {
        let now = Utc::now();
        let s = &mut self.store;
        Ok(match req {
            Request::View(_) | Request::Shutdown | Request::StatsClosed => Reply::Done(String::new()),
            Request::Detail { reference, reveal } => {
                let case = s.case_by_ref(&reference)?;
                if reveal {
                    s.log_reveal(&case.reference, now)?;
                }
                Reply::Detail(Box::new(CaseDetail {
                    followups: s.followups_of(case.id)?,
                    audit: s.audit_of(case.id)?,
                    case,
                    revealed: reveal,
                }))
            }
            Request::CaseList { filter, offset, limit } => {
                let page = s.case_list(&filter, offset, limit, now)?;
                Reply::CaseList { filter, page }
            }
            Request::Committees { tier } => Reply::Committees { rows: s.committees_at(tier, now)?, tier },
            Request::Stats { period } => {
                let o = Box::new(s.overview(period)?);
                self.stats = Some(o.clone());
                Reply::Stats(o)
            }
            Request::ExportStats { stem, lines } => {
                let dir = std::env::current_dir()
                    .map_err(|e| Error::Io(crate::msg!("no working directory: {e}", "没有工作目录：{e}")))?;
                Reply::Exported { path: s.export_statistics(&dir, &stem, &lines)?.display().to_string() }
            }
            Request::Suggest { refs } => {
                let first =
                    refs.first().ok_or_else(|| Error::Invalid(crate::msg!("no case selected", "未选中案件")))?;
                let case = s.case_by_ref(first)?;
                Reply::Suggestions { list: s.suggestions(&case, now)?, refs }
            }
            Request::Assign { cases, mediator_id, force } => {
                let mut done = Vec::new();
                for (r, v) in &cases {
                    match s.assign(r, mediator_id, *v, force, now) {
                        Ok(c) => done.push(c.reference),
                        Err(e) if done.is_empty() => return Err(e),
                        Err(e) => return Err(partial(&done, e)),
                    }
                }
                let name = s.org()?.mediator(mediator_id).map(|m| m.name.clone()).unwrap_or_default();
                Reply::Done(format!("{} → {name}", done.join(", ")))
            }
            Request::AutoAssign { cases } => {
                if cases.is_empty() {
                    return Err(Error::Invalid(crate::msg!("mark cases with Space first", "请先用空格键标记案件")));
                }
                // Each case goes to the least-loaded candidate of its own committee; loads are
                // read again for every case, so earlier picks in the batch count.
                let mut done = Vec::new();
                for (r, expect) in &cases {
                    let case = s.case_by_ref(r)?;
                    let ranked = s.suggestions(&case, now)?;
                    let Some(&pick) = spread_by_load(&ranked, 1).first() else {
                        return Err(partial(
                            &done,
                            Error::Invalid(crate::msg!("{r} has no mediators to assign to", "{r} 没有可分派的调解员")),
                        ));
                    };
                    let m = &ranked[pick];
                    match s.assign(r, m.mediator_id, *expect, false, now) {
                        Ok(c) => done.push(format!("{} → {}", c.reference, m.name)),
                        Err(e) => return Err(partial(&done, e)),
                    }
                }
                Reply::Done(done.join(", "))
            }
            Request::Escalate { reference, expect, reason } => {
                let c = s.escalate(&reference, &reason, expect, now)?;
                Reply::Done(format!("{} ↑ {}", c.reference, c.tier.code()))
            }
            Request::Transfer { reference, expect, committee } => {
                let c = s.transfer(&reference, &committee, expect, now)?;
                Reply::Done(format!("{} → {committee}", c.reference))
            }
            Request::Followup { reference, expect, record } => {
                let c = s.record_followup(&reference, &record, expect, now)?;
                Reply::Done(format!("{} ✓ {}", c.reference, record.outcome.code()))
            }
            Request::Step { reference, expect, write } => {
                let step = write.step();
                let case = write.apply(s, &reference, expect, now)?;
                Reply::Stepped { step, case: Box::new(case) }
            }
            Request::Screening(record) => {
                let row = s.record_screening(&record, &[], now)?;
                Reply::Done(format!("{} ✓ {} {}", row.committee, row.period, row.date))
            }
            Request::Duty { mediator_id, on_duty } => {
                s.set_on_duty(mediator_id, on_duty, now)?;
                let name = s.org()?.mediator(mediator_id).map(|m| m.name.clone()).unwrap_or_default();
                Reply::Done(format!("{name} → {}", if on_duty { "on duty" } else { "off duty" }))
            }
            Request::Resolve { reference, write } => {
                let case = s.case_by_ref(&reference)?;
                Reply::Resolved { reference: case.reference, version: case.version, write }
            }
            Request::Add(new) => {
                let c = s.add_case(&new, now)?;
                Reply::Done(format!("+ {}", c.reference))
            }
        })
    }
}

/// The error of a bulk write that stopped part-way, saying what was done before it.
fn partial(done: &[String], e: Error) -> Error {
    if done.is_empty() {
        return e;
    }
    let (list, en, zh) = (done.join(", "), e.words(crate::domain::Lang::En), e.words(crate::domain::Lang::Zh));
    let msg = crate::msg!("{list} done; then: {en}", "已完成 {list}；随后：{zh}");
    match e {
        Error::Conflict(_) => Error::Conflict(msg),
        _ => Error::Invalid(msg),
    }
}

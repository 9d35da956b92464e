//! Pane queries: Incoming (paged), the Routing matrix, Workload per mediator, Follow-ups due.

use std::collections::HashMap;
use std::sync::Arc;

use chrono::{DateTime, Duration, Utc};
use rusqlite::{params_from_iter, types::Value, OptionalExtension};

use super::cases::CaseFilter;
use super::feed::OpenCase;
use super::sql::{case_from_row, coded, from_ts, opt_ts, overdue, status_in, ts, CASE_COLUMNS};
use super::Store;
use crate::domain::suggest::{suggest, Load, SuggestFor, Suggestion};
use crate::domain::{Case, Category, CommitteeKind, StatusSet, Tier};
use crate::error::Result;

/// The matrix columns, in order: four trade kinds, other trade, geographic.
pub const MATRIX_COLUMNS: [CommitteeKind; 6] = [
    CommitteeKind::Traffic,
    CommitteeKind::Medical,
    CommitteeKind::Labour,
    CommitteeKind::Property,
    CommitteeKind::Other,
    CommitteeKind::Geographic,
];

/// The orders the Incoming pane can be sorted in.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum IncomingSort {
    /// Past the assignment clock, red or flagged (routing's rule 3) first, then risk, then the
    /// clock (most urgent on top).
    #[default]
    Urgency,
    /// Oldest received first.
    Oldest,
    /// By category, then urgency.
    Category,
}

impl IncomingSort {
    /// The next order in the cycle.
    pub fn next(self) -> IncomingSort {
        match self {
            IncomingSort::Urgency => IncomingSort::Oldest,
            IncomingSort::Oldest => IncomingSort::Category,
            IncomingSort::Category => IncomingSort::Urgency,
        }
    }

    /// A short name for the pane title.
    pub fn label(self, zh: bool) -> &'static str {
        match (self, zh) {
            (IncomingSort::Urgency, false) => "urgency",
            (IncomingSort::Oldest, false) => "oldest",
            (IncomingSort::Category, false) => "category",
            (IncomingSort::Urgency, true) => "紧急",
            (IncomingSort::Oldest, true) => "最早",
            (IncomingSort::Category, true) => "类别",
        }
    }

    /// The ORDER BY terms at `now`: a case past its clock never sits below one that is
    /// neither red nor past its clock. [`IncomingSort::cmp_open`] is its twin in memory.
    fn order_by(self, now: DateTime<Utc>) -> String {
        let minute = ts(order_minute(now));
        let (late, _) = overdue("c.", &minute.to_string());
        let urgent = format!("(c.risk_rank >= {RED_RANK} OR c.risk_flags <> '' OR {late}) DESC");
        match self {
            IncomingSort::Urgency => format!("{urgent}, c.risk_rank DESC, c.assign_due, c.id"),
            IncomingSort::Oldest => "c.received_at, c.id".to_string(),
            IncomingSort::Category => format!("c.category, {urgent}, c.risk_rank DESC, c.assign_due, c.id"),
        }
    }

    /// Compares two open cases as [`IncomingSort::order_by`] orders their rows at the minute
    /// `minute` ([`order_minute`]), term for term (SQL's NULL included: a running clock without
    /// a deadline is neither late nor on time, and sorts after both): what a desk holding the
    /// open cases pages Incoming by. Every order ends with the id, so no two cases tie.
    pub fn cmp_open(self, a: &OpenCase, b: &OpenCase, minute: DateTime<Utc>) -> std::cmp::Ordering {
        // `(red OR flagged OR late) DESC`: true, then false, then NULL.
        let urgent = |c: &OpenCase| match (c.risk_rank >= RED_RANK || c.flagged, c.late_at(minute)) {
            (true, _) | (_, Some(true)) => 2,
            (false, Some(false)) => 1,
            (false, None) => 0,
        };
        let urgency = |c: &OpenCase| (std::cmp::Reverse(urgent(c)), std::cmp::Reverse(c.risk_rank), c.assign_due, c.id);
        match self {
            IncomingSort::Urgency => urgency(a).cmp(&urgency(b)),
            IncomingSort::Oldest => (a.received_at, a.id).cmp(&(b.received_at, b.id)),
            IncomingSort::Category => (a.category.code(), urgency(a)).cmp(&(b.category.code(), urgency(b))),
        }
    }
}

/// The instant Incoming's order is taken at: `now` to the minute, so the statement's text (and
/// so its prepared form, cached) stays the same for a minute instead of changing every second.
/// A case past its clock sorts up within the minute; the desk re-reads every 30 s anyway.
pub fn order_minute(now: DateTime<Utc>) -> DateTime<Utc> {
    from_ts(ts(now).div_euclid(60) * 60)
}

/// The lowest `risk_rank` of a red case (see `sql::risk_rank`).
const RED_RANK: i64 = 30;

/// One page of the Incoming queue.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct IncomingPage {
    /// Unassigned cases matching the filter, in all.
    pub total: u64,
    /// Of those, how many are past their clock.
    pub overdue: u64,
    /// The position of the case asked for as the anchor, if it is in the queue (the page is
    /// then loaded around it).
    pub anchor: Option<usize>,
    /// Index of the first row.
    pub offset: usize,
    /// The rows, most urgent first (shared: a desk patching its page keeps the rows that did
    /// not change instead of copying every case).
    pub rows: Vec<std::sync::Arc<Case>>,
}

/// Open cases by tier (rows: village, town, district, city) and committee column.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RoutingMatrix {
    /// `(open, overdue)` per `[tier][column]`.
    pub cells: [[(u64, u64); 6]; 4],
}

/// One mediator's row of the Workload pane.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkloadRow {
    /// Mediator id.
    pub mediator_id: i64,
    /// Name (shared: a desk builds the rows again after every assignment, without copying).
    pub name: Arc<str>,
    /// The codes of every committee the mediator sits on (the first is shown).
    pub committees: Arc<[String]>,
    /// Open cases led.
    pub open: u32,
    /// Capacity.
    pub capacity: u32,
    /// Overdue open cases.
    pub overdue: u32,
    /// On duty.
    pub on_duty: bool,
    /// A grid worker.
    pub grid_worker: bool,
}

/// One row of the Follow-ups pane.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FollowupRow {
    /// Follow-up id.
    pub followup_id: i64,
    /// The case's id.
    pub case_id: i64,
    /// The case's ref.
    pub case_ref: String,
    /// The case's version as read (what a follow-up recorded from this row expects).
    pub case_version: i64,
    /// The case's category.
    pub category: Category,
    /// When it is due.
    pub due: DateTime<Utc>,
    /// Whole days overdue (negative: days left).
    pub days_overdue: i64,
    /// The lead mediator's name, if any.
    pub mediator: String,
    /// The case's area id.
    pub area_id: i64,
}

/// One statement as a pane runs it: the SQL with its parameters.
#[derive(Debug, Clone, PartialEq)]
pub struct PaneSql {
    /// The SQL, with `?` / `?N` placeholders.
    pub sql: String,
    /// The parameters, in order.
    pub params: Vec<Value>,
}

impl PaneSql {
    /// The SQL with its parameters written in as literals (for the `sqlite3` shell).
    pub fn inlined(&self) -> String {
        let lit = |v: &Value| match v {
            Value::Integer(i) => i.to_string(),
            Value::Real(f) => f.to_string(),
            Value::Text(t) => format!("'{}'", t.replace('\'', "''")),
            Value::Null | Value::Blob(_) => "NULL".to_string(),
        };
        let mut out = String::with_capacity(self.sql.len());
        let mut next = 0usize;
        let mut chars = self.sql.chars().peekable();
        while let Some(ch) = chars.next() {
            if ch != '?' {
                out.push(ch);
                continue;
            }
            let mut digits = String::new();
            while let Some(d) = chars.peek().filter(|d| d.is_ascii_digit()) {
                digits.push(*d);
                chars.next();
            }
            let index = match digits.parse::<usize>() {
                Ok(n) => n.saturating_sub(1),
                Err(_) => {
                    next += 1;
                    next - 1
                }
            };
            out.push_str(&self.params.get(index).map(lit).unwrap_or_else(|| "NULL".into()));
        }
        out
    }
}

/// Incoming's count and page statements (the filter narrowed to unassigned cases).
pub fn incoming_sql(
    filter: &CaseFilter,
    sort: IncomingSort,
    offset: usize,
    limit: usize,
    now: DateTime<Utc>,
) -> (PaneSql, PaneSql) {
    let f = CaseFilter { unassigned: true, status: None, ..filter.clone() };
    let (clause, params) = f.to_sql(now);
    let count = PaneSql { sql: format!("SELECT count(*) FROM cases c {clause}"), params: params.clone() };
    (count, incoming_page(&clause, params, "c.id", sort, offset, limit, now).with_columns(&CASE_COLUMNS.to_string()))
}

/// Incoming's page as ids only (what a desk patching its page reads; the index answers it).
pub fn incoming_ids_sql(
    filter: &CaseFilter,
    sort: IncomingSort,
    offset: usize,
    limit: usize,
    now: DateTime<Utc>,
) -> PaneSql {
    let f = CaseFilter { unassigned: true, status: None, ..filter.clone() };
    let (clause, params) = f.to_sql(now);
    incoming_page(&clause, params, "c.id", sort, offset, limit, now)
}

fn incoming_page(
    clause: &str,
    params: Vec<Value>,
    columns: &str,
    sort: IncomingSort,
    offset: usize,
    limit: usize,
    now: DateTime<Utc>,
) -> PaneSql {
    let sql =
        format!("SELECT {columns} FROM cases c {clause} ORDER BY {} LIMIT {limit} OFFSET {offset}", sort.order_by(now));
    PaneSql { sql, params }
}

impl PaneSql {
    /// The same statement selecting `columns` instead of the page's id column.
    fn with_columns(self, columns: &str) -> PaneSql {
        PaneSql { sql: self.sql.replacen("SELECT c.id FROM", &format!("SELECT {columns} FROM"), 1), ..self }
    }
}

/// The Routing matrix aggregate (`?1` = now).
fn routing_sql() -> String {
    format!(
        "SELECT c.tier, k.kind, count(*), sum(CASE WHEN {} THEN 1 ELSE 0 END) \
         FROM cases c JOIN committees k ON k.id = c.committee_id \
         WHERE {} GROUP BY c.tier, k.kind",
        overdue("c.", "?1").0,
        status_in("c.", StatusSet::Open)
    )
}

/// The mediators' loads aggregate (`?1` = now).
fn loads_sql() -> String {
    format!(
        "SELECT lead_mediator_id, count(*), sum(CASE WHEN {} THEN 1 ELSE 0 END) \
         FROM cases WHERE {} AND lead_mediator_id IS NOT NULL GROUP BY lead_mediator_id",
        overdue("", "?1").0,
        status_in("", StatusSet::Led)
    )
}

const LAST_ASSIGNED_SQL: &str = "SELECT id, last_assigned_at FROM mediators WHERE last_assigned_at IS NOT NULL";
/// Named index: without statistics the planner prefers `followups_due (due, done_at)` and walks
/// every follow-up ever due (about a million at 1M cases) instead of the pending ones.
const FOLLOWUPS_OVERDUE_SQL: &str =
    "SELECT count(*) FROM followups INDEXED BY followups_pending WHERE done_at IS NULL AND due < ?1";
/// The first `limit` pending follow-ups due before `?1` (the limit is written into the text, see
/// [`super::sql::limit`]).
fn followups_rows_sql(limit: usize) -> String {
    format!(
        "SELECT f.id, c.ref, c.category, f.due, m.name, c.area_id, c.id, c.version FROM followups f \
         JOIN cases c ON c.id = f.case_id LEFT JOIN mediators m ON m.id = c.lead_mediator_id \
         WHERE f.done_at IS NULL AND f.due < ?1 ORDER BY f.due, f.id {}",
        super::sql::limit(limit)
    )
}

/// `(pane, query name, statement)` for every statement the panes run, built by the same
/// functions the pane methods use: Incoming's count and page (default filter, urgency order),
/// the Routing matrix and Workload aggregates (what `list`/`mediators` and a full read of the
/// store's panes run), the open cases a desk reads in full ([`super::feed::all_open_sql`], from
/// which it counts Routing and Workload in memory), and Follow-ups.
pub fn pane_queries(
    now: DateTime<Utc>,
    incoming_limit: usize,
    soon_days: i64,
    followup_rows: usize,
) -> Vec<(&'static str, &'static str, PaneSql)> {
    let at = || vec![Value::Integer(ts(now))];
    let (count, page) = incoming_sql(&CaseFilter::default(), IncomingSort::Urgency, 0, incoming_limit, now);
    let horizon = ts(now + Duration::days(soon_days));
    vec![
        ("Incoming", "incoming count", count),
        ("Incoming", "incoming page", page),
        ("Routing", "routing matrix", PaneSql { sql: routing_sql(), params: at() }),
        ("Workload", "workload loads", PaneSql { sql: loads_sql(), params: at() }),
        ("Workload", "workload last assigned", PaneSql { sql: LAST_ASSIGNED_SQL.into(), params: Vec::new() }),
        ("Open cases", "open cases", PaneSql { sql: super::feed::all_open_sql(), params: Vec::new() }),
        ("Follow-ups", "follow-ups overdue", PaneSql { sql: FOLLOWUPS_OVERDUE_SQL.into(), params: at() }),
        (
            "Follow-ups",
            "follow-ups rows",
            PaneSql { sql: followups_rows_sql(followup_rows), params: vec![Value::Integer(horizon)] },
        ),
    ]
}

impl Store {
    /// One page of unassigned cases, most urgent first (see [`IncomingSort`]). With an
    /// `anchor` ref, the page is moved to hold that case when it is outside
    /// `offset..offset + limit`, and its position is reported.
    pub fn incoming(
        &self,
        filter: &CaseFilter,
        sort: IncomingSort,
        offset: usize,
        limit: usize,
        anchor: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<IncomingPage> {
        let mut f = CaseFilter { unassigned: true, status: None, ..filter.clone() };
        if f.text_hits.is_none() {
            let org = self.org()?;
            f.text_hits = f.text.as_deref().map(|t| super::TextHits::find(org, t));
        }
        let (clause, params) = f.to_sql(now);
        let total = self.count_cases(&f, now)?;
        let overdue_count = self.count_cases(&CaseFilter { overdue: true, ..f.clone() }, now)?;
        let order = sort.order_by(now);
        let position = match anchor {
            None => None,
            Some(r) => {
                let sql = format!(
                    "SELECT rn FROM (SELECT c.ref AS r, row_number() OVER (ORDER BY {order}) - 1 AS rn \
                     FROM cases c {clause}) WHERE r = ?"
                );
                let mut p = params.clone();
                p.push(Value::Text(r.to_string()));
                self.conn
                    .query_row(&sql, params_from_iter(p), |row| row.get::<_, i64>(0))
                    .optional()?
                    .map(|n| n.max(0) as usize)
            }
        };
        let offset = match position {
            Some(p) if !(offset..offset + limit).contains(&p) => p.saturating_sub(limit / 3),
            _ => offset,
        };
        let sql = format!("SELECT {CASE_COLUMNS} FROM cases c {clause} ORDER BY {order} LIMIT {limit} OFFSET {offset}");
        let mut stmt = self.conn.prepare(&sql)?;
        let rows = stmt
            .query_map(params_from_iter(params), |r| case_from_row(r).map(std::sync::Arc::new))?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(IncomingPage { total, overdue: overdue_count, anchor: position, offset, rows })
    }

    /// The routing matrix of open cases with overdue counts.
    pub fn routing_matrix(&self, now: DateTime<Utc>) -> Result<RoutingMatrix> {
        let sql = routing_sql();
        let mut stmt = self.conn.prepare(&sql)?;
        let mut m = RoutingMatrix::default();
        let mut rows = stmt.query([ts(now)])?;
        while let Some(r) = rows.next()? {
            let tier: Tier = coded(r, 0)?;
            let kind: CommitteeKind = coded(r, 1)?;
            let cell = &mut m.cells[tier as usize][kind.matrix_column()];
            cell.0 += r.get::<_, u64>(2)?;
            cell.1 += r.get::<_, u64>(3)?;
        }
        Ok(m)
    }

    /// Open and overdue counts and last assignment for every mediator with any.
    pub fn mediator_loads(&self, now: DateTime<Utc>) -> Result<HashMap<i64, Load>> {
        let mut loads: HashMap<i64, Load> = HashMap::new();
        let sql = loads_sql();
        let mut stmt = self.conn.prepare(&sql)?;
        let mut rows = stmt.query([ts(now)])?;
        while let Some(r) = rows.next()? {
            let e = loads.entry(r.get(0)?).or_default();
            e.open = r.get(1)?;
            e.overdue = r.get(2)?;
        }
        let mut stmt = self.conn.prepare(LAST_ASSIGNED_SQL)?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            loads.entry(r.get(0)?).or_default().last_assigned = opt_ts(r, 1)?;
        }
        Ok(loads)
    }

    /// One row per mediator (optionally only one committee's), in org order.
    pub fn workload(&self, committee: Option<&str>, now: DateTime<Utc>) -> Result<Vec<WorkloadRow>> {
        let loads = self.mediator_loads(now)?;
        Ok(self
            .org()?
            .mediators
            .iter()
            .filter(|m| committee.is_none_or(|c| m.committees.iter().any(|mc| mc == c)))
            .map(|m| {
                let l = loads.get(&m.id).copied().unwrap_or_default();
                WorkloadRow {
                    mediator_id: m.id,
                    name: m.name.as_str().into(),
                    committees: m.committees.as_slice().into(),
                    open: l.open,
                    capacity: m.capacity,
                    overdue: l.overdue,
                    on_duty: m.on_duty,
                    grid_worker: m.grid_worker,
                }
            })
            .collect())
    }

    /// Ranked assignment candidates for a case.
    pub fn suggestions(&self, case: &Case, now: DateTime<Utc>) -> Result<Vec<Suggestion>> {
        let loads = self.mediator_loads(now)?;
        let committee = self.org()?.committee(case.committee_id).map(|c| c.code.clone()).unwrap_or_default();
        let area = self.org()?.area(case.area_id).map(|a| a.code.clone()).unwrap_or_default();
        Ok(suggest(
            self.org()?,
            &loads,
            SuggestFor { committee: &committee, area: &area, category: case.category, complexity: case.complexity },
        ))
    }

    /// Pending follow-ups due before `now + soon_days`, overdue first (most overdue on top);
    /// also the number of overdue ones in all.
    pub fn followups_due(&self, now: DateTime<Utc>, soon_days: i64, limit: usize) -> Result<(u64, Vec<FollowupRow>)> {
        let overdue: u64 = self.conn.prepare_cached(FOLLOWUPS_OVERDUE_SQL)?.query_row([ts(now)], |r| r.get(0))?;
        let mut stmt = self.conn.prepare_cached(&followups_rows_sql(limit))?;
        let horizon = ts(now + Duration::days(soon_days));
        let rows = stmt
            .query_map([horizon], |r| {
                let due = from_ts(r.get(3)?);
                Ok(FollowupRow {
                    followup_id: r.get(0)?,
                    case_id: r.get(6)?,
                    case_ref: r.get(1)?,
                    case_version: r.get(7)?,
                    category: coded(r, 2)?,
                    due,
                    days_overdue: (now - due).num_days(),
                    mediator: r.get::<_, Option<String>>(4)?.unwrap_or_default(),
                    area_id: r.get(5)?,
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok((overdue, rows))
    }

    /// Cases led by one mediator that are open, for the Workload drill-down.
    pub fn open_cases_of(&self, mediator_id: i64, limit: usize) -> Result<Vec<Case>> {
        let sql = format!(
            "SELECT {CASE_COLUMNS} FROM cases c WHERE c.lead_mediator_id = ?1 AND {} \
             ORDER BY c.mediation_due {}",
            status_in("c.", StatusSet::Led),
            super::sql::limit(limit)
        );
        let mut stmt = self.conn.prepare(&sql)?;
        let rows = stmt.query_map([mediator_id], case_from_row)?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }
}

//! Drill-down reads for the desk: one page of open cases of any slice (a Routing cell, a
//! committee, a mediator, everything overdue), overdue first; and a tier's committees with
//! their open and overdue counts. Paged and served by the status partial indexes: never all cases.

use chrono::{DateTime, Utc};
use rusqlite::params_from_iter;
use rusqlite::types::Value;

use super::cases::{CaseFilter, CASE_PAGE_MAX};
use super::sql::{case_from_row, overdue, status_in, ts, CASE_COLUMNS};
use super::Store;
use crate::domain::{Case, StatusSet, Tier};
use crate::error::Result;

/// One page of a drill-down list of cases.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CaseListPage {
    /// Cases matching, in all.
    pub total: u64,
    /// Of those, how many are past their clock.
    pub overdue: u64,
    /// Index of the first row.
    pub offset: usize,
    /// The rows: past their clock first, then by risk, then oldest.
    pub rows: Vec<Case>,
}

/// One committee of a tier with its open cases.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommitteeCount {
    /// Committee id.
    pub committee_id: i64,
    /// Open cases at this tier routed to it.
    pub open: u64,
    /// Of those, past their clock.
    pub overdue: u64,
}

impl Store {
    /// One page of the cases matching `filter`: past their clock first, then risk, then oldest.
    pub fn case_list(
        &self,
        filter: &CaseFilter,
        offset: usize,
        limit: usize,
        now: DateTime<Utc>,
    ) -> Result<CaseListPage> {
        let (clause, params) = filter.to_sql(now);
        let total = self.count_cases(filter, now)?;
        let late_count = self.count_cases(&CaseFilter { overdue: true, ..filter.clone() }, now)?;
        let (late, _) = overdue("c.", &ts(now).to_string());
        let sql = format!(
            "SELECT {CASE_COLUMNS} FROM cases c {clause} ORDER BY {late} DESC, c.risk_rank DESC, c.received_at, c.id \
             LIMIT {} OFFSET {offset}",
            limit.clamp(1, CASE_PAGE_MAX)
        );
        let mut stmt = self.conn.prepare(&sql)?;
        let rows = stmt.query_map(params_from_iter(params), case_from_row)?.collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(CaseListPage { total, overdue: late_count, offset, rows })
    }

    /// The committees holding open cases at `tier`, most overdue first, then most open.
    pub fn committees_at(&self, tier: Tier, now: DateTime<Utc>) -> Result<Vec<CommitteeCount>> {
        let (late, _) = overdue("c.", &ts(now).to_string());
        let sql = format!(
            "SELECT c.committee_id, count(*), sum(CASE WHEN {late} THEN 1 ELSE 0 END) AS late FROM cases c \
             WHERE {} AND c.tier = ? GROUP BY c.committee_id ORDER BY late DESC, count(*) DESC, c.committee_id",
            status_in("c.", StatusSet::Open)
        );
        let mut stmt = self.conn.prepare(&sql)?;
        let rows = stmt.query_map(params_from_iter([Value::Text(tier.code().into())]), |r| {
            Ok(CommitteeCount { committee_id: r.get(0)?, open: r.get(1)?, overdue: r.get(2)? })
        })?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }
}

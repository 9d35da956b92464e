//! The period's statistics, computed in SQL over an indexed date range.

use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::params;

use super::sql::{coded, overdue, status_in, ts};
use super::Store;
use crate::domain::stats::{CategoryCount, Report, SourceCount};
use crate::domain::{Category, Source, SourceClass, Status, StatusSet};
use crate::error::Result;

impl Store {
    /// Statistics for the office days `from..=to` (in the office's time zone): received in the
    /// period, finished in the period.
    pub fn report(&self, from: NaiveDate, to: NaiveDate, now: DateTime<Utc>) -> Result<Report> {
        let (start, end) = self.policy.office.time_zone.days_range(from, to);
        let (start, end) = (ts(start), ts(end));
        let mut r = Report { from: from.to_string(), to: to.to_string(), ..Report::default() };
        r.received = self.conn.query_row(
            "SELECT count(*) FROM cases WHERE received_at >= ?1 AND received_at < ?2",
            params![start, end],
            |row| row.get(0),
        )?;
        let mut by_cat: Vec<CategoryCount> =
            Category::ALL.iter().map(|&category| CategoryCount { category, mediated: 0, resolved: 0 }).collect();
        let mut by_src: Vec<SourceCount> =
            SourceClass::ALL.iter().map(|&class| SourceCount { class, mediated: 0 }).collect();
        let mut stmt = self.conn.prepare(
            "SELECT status, category, source, count(*), sum(amount_fen), \
             sum(agreement = 'written'), sum(performed), sum(judicial_confirmation) \
             FROM cases WHERE finished_at >= ?1 AND finished_at < ?2 GROUP BY status, category, source",
        )?;
        let mut rows = stmt.query(params![start, end])?;
        while let Some(row) = rows.next()? {
            let status: Status = coded(row, 0)?;
            let category: Category = coded(row, 1)?;
            let source: Source = coded(row, 2)?;
            let n: u64 = row.get(3)?;
            let success = StatusSet::Success.contains(status);
            if StatusSet::Withdrawn.contains(status) {
                r.withdrawn += n;
                continue;
            }
            r.mediated += n;
            r.amount_fen += row.get::<_, Option<i64>>(4)?.unwrap_or(0);
            if success {
                r.resolved += n;
                r.agreements += n;
                r.agreements_written += row.get::<_, Option<u64>>(5)?.unwrap_or(0);
                r.performed += row.get::<_, Option<u64>>(6)?.unwrap_or(0);
                r.judicial_confirmations += row.get::<_, Option<u64>>(7)?.unwrap_or(0);
            } else {
                r.failed += n;
            }
            if let Some(c) = by_cat.iter_mut().find(|c| c.category == category) {
                c.mediated += n;
                if success {
                    c.resolved += n;
                }
            }
            if let Some(s) = by_src.iter_mut().find(|s| s.class == source.class()) {
                s.mediated += n;
            }
        }
        let now_s = ts(now);
        let open = format!("SELECT count(*) FROM cases WHERE {}", status_in("", StatusSet::Open));
        r.open_now = self.conn.query_row(&open, [], |row| row.get(0))?;
        let overdue = format!("SELECT count(*) FROM cases WHERE {}", overdue("", "?1").0);
        r.overdue_now = self.conn.query_row(&overdue, [now_s], |row| row.get(0))?;
        r.by_category = by_cat;
        r.by_source = by_src;
        Ok(r.finish())
    }
}

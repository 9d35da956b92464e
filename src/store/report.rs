//! The period's statistics ([`crate::domain::stats`]): the finished cases of the period streamed
//! from the covering index `cases_stats` into the domain's tally, plus a few small counts.
//!
//! Design (README "Statistics"): no pre-aggregated counts — every figure is read from the case
//! rows through covering indexes, so nothing can drift from the cases and no write path has to
//! remember a counts table; the index carries every column the tally reads, so SQLite never
//! touches the table itself.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use rusqlite::params;

use super::commands::audit;
use super::files::create_new_file;
use super::sql::ts;
use super::Store;
use crate::domain::office_time::Period;
use crate::domain::stats::{
    median_minutes, screening_duties, trend_months, AreaNode, Breakdown, Dimension, Figures, Finished, Label,
    MonthCount, Overview, Report, Row, Tally,
};
use crate::domain::{AgreementForm, Category, Source, SourceClass, Status, Tier};
use crate::error::{Error, Result};

/// A coded column read without allocating (`None` for NULL): the exact code first (what the
/// store writes), else the general reading, so the tally's hot loop costs no string per row.
fn code_at<T: Copy + std::str::FromStr<Err = String>>(
    row: &rusqlite::Row<'_>,
    idx: usize,
    all: &[T],
    code: fn(T) -> &'static str,
) -> rusqlite::Result<Option<T>> {
    let bad = |e: Box<dyn std::error::Error + Send + Sync>| {
        rusqlite::Error::FromSqlConversionFailure(idx, rusqlite::types::Type::Text, e)
    };
    let Some(s) = row.get_ref(idx)?.as_str_or_null().map_err(|e| bad(e.into()))? else { return Ok(None) };
    match all.iter().copied().find(|v| code(*v) == s) {
        Some(v) => Ok(Some(v)),
        None => s.parse().map(Some).map_err(|e: String| bad(e.into())),
    }
}

/// The names of one breakdown key: (sort key, code, zh, en).
type Names = (String, String, String, String);

impl Store {
    /// The statistics of `period` in the office's time zone, with the breakdowns `by`. The same
    /// period gives the same figures whenever and by whomever it is asked (for a period that has
    /// ended and a database nobody changed since).
    pub fn report(&self, period: Period, by: &[Dimension]) -> Result<Report> {
        self.report_with(period, by, None)
    }

    /// What the desk's Statistics screen shows for `period` (one consistent read): the report
    /// with its by-category breakdown, the area table district → town → committee (gathered in
    /// the same pass over the period's finished cases) and the received cases of the twelve
    /// months ending with the period's last month.
    pub fn overview(&self, period: Period) -> Result<Overview> {
        self.read_consistent(|st| {
            let mut cells = HashMap::new();
            let report = st.report_with(period, &[Dimension::Category], Some(&mut cells))?;
            let areas = st.area_tree(cells);
            let tz = st.policy().office.time_zone;
            let mut stmt = st.conn.prepare_cached(
                "SELECT count(*) FROM cases INDEXED BY cases_received WHERE received_at >= ?1 AND received_at < ?2",
            )?;
            let mut trend = Vec::new();
            for m in trend_months(period) {
                let (a, b) = m.utc_range(tz);
                let received = stmt.query_row(params![ts(a), ts(b)], |row| row.get(0))?;
                trend.push(MonthCount { month: m.code(), received });
            }
            Ok(Overview { period, report, areas, trend })
        })
    }

    /// Writes a statistics export (CSV lines) to a new file `{stem}.csv` in `dir` (or
    /// `{stem}-2.csv`, … when that exists), created through the one file creator
    /// ([`create_new_file`]: 0660, never over a file or through a symlink); returns its path.
    /// Figures are not personal data, so a read-only desk may export too; a writable one leaves
    /// an audit event `export_statistics` naming the file, like every other file it writes.
    pub fn export_statistics(&self, dir: &Path, stem: &str, lines: &[String]) -> Result<PathBuf> {
        use std::io::Write;
        let stem: String =
            stem.chars().map(|c| if c.is_ascii_alphanumeric() || c == '-' || c == '_' { c } else { '_' }).collect();
        let mut last = None;
        for n in 1..=50 {
            let name = if n == 1 { format!("{stem}.csv") } else { format!("{stem}-{n}.csv") };
            let path = dir.join(name);
            match create_new_file(&path) {
                Ok(mut f) => {
                    let text: String = lines.iter().map(|l| format!("{l}\n")).collect();
                    let written = f.write_all(text.as_bytes()).and_then(|_| f.sync_all());
                    if let Err(e) = written {
                        let _ = std::fs::remove_file(&path);
                        return Err(Error::Io(crate::msg!("cannot write {}: {e}", "无法写入 {}：{e}"; path.display())));
                    }
                    if self.writable().is_ok() {
                        let tx = self.begin()?;
                        let detail = serde_json::json!({ "file": path.display().to_string(), "rows": lines.len() });
                        audit(&tx, Utc::now(), &self.actor, "export_statistics", None, &detail)?;
                        tx.commit()?;
                    }
                    return Ok(path);
                }
                Err(e @ Error::Invalid(_)) if path.symlink_metadata().is_ok() => last = Some(e),
                Err(e) => return Err(e),
            }
        }
        Err(last.unwrap_or_else(|| {
            Error::Invalid(crate::msg!("no free file name for the export", "没有可用于导出的文件名"))
        }))
    }

    /// The area tree from (village, committee) cells: district → town/street → committee.
    fn area_tree(&self, cells: HashMap<(i64, i64), Figures>) -> Vec<AreaNode> {
        let org = self.org();
        let keys = self.area_keys();
        let area = |id: i64| match org.area(id) {
            Some(a) => {
                Label { sort: a.code.clone(), key: a.code.clone(), zh: a.name_zh.clone(), en: a.name_en.clone() }
            }
            None => Label { sort: format!("~{id}"), key: id.to_string(), zh: "?".into(), en: "?".into() },
        };
        let committee = |id: i64| match org.committee(id) {
            Some(c) => {
                Label { sort: c.code.clone(), key: c.code.clone(), zh: c.name_zh.clone(), en: c.name_en.clone() }
            }
            None => Label { sort: format!("~{id}"), key: id.to_string(), zh: "?".into(), en: "?".into() },
        };
        AreaNode::tree(
            cells
                .into_iter()
                .map(|((village, c), f)| {
                    let (town, district) = keys.get(&village).copied().unwrap_or((village, village));
                    (vec![area(district), area(town), committee(c)], f)
                })
                .collect(),
        )
    }

    /// The report, also adding each mediated case's figures to `cells` by (area, committee).
    fn report_with(
        &self,
        period: Period,
        by: &[Dimension],
        mut cells: Option<&mut HashMap<(i64, i64), Figures>>,
    ) -> Result<Report> {
        let tz = self.policy().office.time_zone;
        let (start, end) = period.utc_range(tz);
        let (s, e) = (ts(start), ts(end));
        let mut r = Report {
            period: period.code(),
            from: period.first.to_string(),
            to: period.last.to_string(),
            time_zone: tz.name().to_string(),
            ..Report::default()
        };
        r.received = self.conn.query_row(
            "SELECT count(*) FROM cases WHERE received_at >= ?1 AND received_at < ?2",
            params![s, e],
            |row| row.get(0),
        )?;

        let mut tally = Tally::default();
        let mut rows: Vec<HashMap<i64, Figures>> = vec![HashMap::new(); by.len()];
        let mut over_clock = 0u64;
        let area_keys = self.area_keys();
        let mut stmt = self.conn.prepare_cached(
            "SELECT status, category, source, tier, area_id, committee_id, lead_mediator_id, amount_fen, \
             agreement, performed_at, judicial_confirmation, mediation_due, finished_at \
             FROM cases INDEXED BY cases_stats WHERE finished_at >= ?1 AND finished_at < ?2",
        )?;
        let mut q = stmt.query(params![s, e])?;
        while let Some(row) = q.next()? {
            let performed_at: Option<i64> = row.get(9)?;
            let c = Finished {
                status: code_at(row, 0, Status::ALL, Status::code)?.ok_or(rusqlite::Error::InvalidColumnIndex(0))?,
                category: code_at(row, 1, Category::ALL, Category::code)?
                    .ok_or(rusqlite::Error::InvalidColumnIndex(1))?,
                source: code_at(row, 2, Source::ALL, Source::code)?.ok_or(rusqlite::Error::InvalidColumnIndex(2))?,
                tier: code_at(row, 3, Tier::ALL, Tier::code)?.ok_or(rusqlite::Error::InvalidColumnIndex(3))?,
                amount_fen: row.get(7)?,
                // An unreadable agreement form counts as written (as before: not oral).
                agreement: code_at(row, 8, AgreementForm::ALL, AgreementForm::code).ok().flatten(),
                performed_by_end: performed_at.is_some_and(|p| p < e),
                judicial_application: row.get(10)?,
            };
            if !tally.add(&c) {
                continue;
            }
            let due: Option<i64> = row.get(11)?;
            let finished: i64 = row.get(12)?;
            over_clock += u64::from(due.is_some_and(|d| finished > d));
            let area: i64 = row.get(4)?;
            if let Some(cells) = cells.as_deref_mut() {
                c.add_to(cells.entry((area, row.get(5)?)).or_default());
            }
            if by.is_empty() {
                continue;
            }
            let (town, district) = area_keys.get(&area).copied().unwrap_or((area, area));
            for (dim, acc) in by.iter().zip(rows.iter_mut()) {
                let key = match dim {
                    Dimension::District => district,
                    Dimension::Town => town,
                    Dimension::Committee => row.get(5)?,
                    Dimension::Mediator => row.get::<_, Option<i64>>(6)?.unwrap_or(0),
                    Dimension::Category => c.category as i64,
                    Dimension::Source => c.source.class() as i64,
                };
                c.add_to(acc.entry(key).or_default());
            }
        }
        drop(q);
        let mut r = tally.into_report(r);
        r.over_clock = over_clock;
        r.breakdowns = by.iter().zip(rows).map(|(&dim, acc)| self.breakdown(dim, acc)).collect();

        r.escalations = self.conn.query_row(
            "SELECT count(*) FROM audit WHERE action = 'escalate' AND at >= ?1 AND at < ?2",
            params![s, e],
            |row| row.get(0),
        )?;
        let mut stmt = self.conn.prepare_cached(
            "SELECT assigned_at - received_at FROM cases INDEXED BY cases_assigned \
             WHERE assigned_at >= ?1 AND assigned_at < ?2",
        )?;
        let waits = stmt.query_map(params![s, e], |row| row.get::<_, i64>(0))?;
        r.median_assign_minutes = median_minutes(waits.collect::<rusqlite::Result<Vec<_>>>()?);
        r.median_arrival_minutes = self.stats_median_arrival(start, end)?;
        r.followups_done = self.conn.query_row(
            "SELECT count(*) FROM followups WHERE done_at >= ?1 AND done_at < ?2",
            params![s, e],
            |row| row.get(0),
        )?;
        r.followups_overdue = self.conn.query_row(
            "SELECT count(*) FROM followups WHERE due >= ?1 AND due < ?2 AND (done_at IS NULL OR done_at >= ?2)",
            params![s, e],
            |row| row.get(0),
        )?;
        let (opened, closed, screened) = self.stats_after_care(period, start, end)?;
        r.rectifications_opened = opened;
        r.rectifications_closed = closed;
        r.screenings_on_time = screened;
        Ok(r)
    }

    /// Median minutes from receipt to on-site arrival over the cases received in `[start, end)`
    /// that recorded an arrival (`store::aftercare`).
    fn stats_median_arrival(&self, start: DateTime<Utc>, end: DateTime<Utc>) -> Result<Option<i64>> {
        self.median_arrival_minutes(start, end)
    }

    /// Rectification items opened (created) and closed in `[start, end)`; screening duties due in
    /// the period that were done on time (`None` when none fell due).
    fn stats_after_care(
        &self,
        period: Period,
        start: DateTime<Utc>,
        end: DateTime<Utc>,
    ) -> Result<(Option<u64>, Option<u64>, Option<u64>)> {
        let count =
            |sql: &str| -> Result<u64> { Ok(self.conn.query_row(sql, params![ts(start), ts(end)], |row| row.get(0))?) };
        let opened = count("SELECT count(*) FROM rectifications WHERE created_at >= ?1 AND created_at < ?2")?;
        let closed = count("SELECT count(*) FROM rectifications WHERE closed_at >= ?1 AND closed_at < ?2")?;
        let mut stmt = self.conn.prepare_cached("SELECT DISTINCT committee_id, period FROM screenings")?;
        let done: HashSet<(i64, String)> =
            stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?.collect::<rusqlite::Result<_>>()?;
        let (due, on_time) =
            screening_duties(self.org(), &self.policy().screening, period, |c, p| done.contains(&(c, p.to_string())));
        Ok((Some(opened), Some(closed), (due > 0).then_some(on_time)))
    }

    /// Village area id → (town id, district id), from the organisation.
    fn area_keys(&self) -> HashMap<i64, (i64, i64)> {
        let org = self.org();
        org.areas
            .iter()
            .map(|a| {
                let at = |level| org.ancestor_at(&a.code, level).map_or(a.id, |x| x.id);
                (a.id, (at(Tier::Town), at(Tier::District)))
            })
            .collect()
    }

    /// The rows of one breakdown with their names, in code order.
    fn breakdown(&self, by: Dimension, acc: HashMap<i64, Figures>) -> Breakdown {
        let org = self.org();
        let names = |id: i64| -> Names {
            let s = |x: &str| x.to_string();
            match by {
                Dimension::District | Dimension::Town => match org.area(id) {
                    Some(a) => (s(&a.code), s(&a.code), s(&a.name_zh), s(&a.name_en)),
                    None => (format!("~{id}"), id.to_string(), "?".into(), "?".into()),
                },
                Dimension::Committee => match org.committee(id) {
                    Some(c) => (s(&c.code), s(&c.code), s(&c.name_zh), s(&c.name_en)),
                    None => (format!("~{id}"), id.to_string(), "?".into(), "?".into()),
                },
                Dimension::Mediator => match org.mediator(id) {
                    Some(m) => (format!("{id:08}"), id.to_string(), s(&m.name), s(&m.name)),
                    None => (format!("~{id:08}"), id.to_string(), "（未指派）".into(), "(unassigned)".into()),
                },
                Dimension::Category => match Category::ALL.get(id as usize) {
                    Some(c) => (format!("{id:02}"), s(c.code()), s(c.zh()), s(c.en())),
                    None => (format!("~{id}"), id.to_string(), "?".into(), "?".into()),
                },
                Dimension::Source => match SourceClass::ALL.get(id as usize) {
                    Some(c) => (format!("{id:02}"), s(c.code()), s(c.zh()), s(c.en())),
                    None => (format!("~{id}"), id.to_string(), "?".into(), "?".into()),
                },
            }
        };
        let mut sorted: BTreeMap<String, Row> = BTreeMap::new();
        for (id, figures) in acc {
            let (sort, key, name_zh, name_en) = names(id);
            sorted.insert(sort, Row { key, name_zh, name_en, figures });
        }
        Breakdown { by, rows: sorted.into_values().collect() }
    }
}

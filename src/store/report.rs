//! The period's statistics ([`crate::domain::stats`]): the whole UTC days of the period summed
//! from the pre-aggregated counts ([`super::report_blocks`], kept by triggers), the partial days
//! at its ends streamed from the covering index `cases_stats` into the domain's tally, plus a few
//! small counts.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use rusqlite::{params, OptionalExtension};

use super::commands::audit;
use super::files::create_new_file;
use super::report_blocks::{self, Dim, DAY};
use super::sql::ts;
use super::Store;
use crate::domain::office_time::Period;
use crate::domain::stats::{
    median_minutes, screening_duties, trend_months, AreaNode, Breakdown, Counts, Dimension, Figures, Finished, Label,
    MonthCount, Overview, Report, Row, Tally,
};
use crate::domain::{AgreementForm, Category, Source, SourceClass, Status, StatusSet, Tier};
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

/// The keys a group of finished cases is known by (`None`: not known for this group).
#[derive(Debug, Clone, Copy, Default)]
struct Keys {
    area: Option<i64>,
    committee: Option<i64>,
    mediator: Option<i64>,
    category: Option<Category>,
    source: Option<Source>,
}

/// What a report gathers while it reads a period: the tally, the breakdown rows, the cases over
/// their clock and the desk's (area, committee) cells.
struct Acc<'a> {
    tally: Tally,
    rows: Vec<HashMap<i64, Figures>>,
    over_clock: u64,
    cells: Option<&'a mut HashMap<(i64, i64), Figures>>,
    by: &'a [Dimension],
    area_keys: HashMap<i64, (i64, i64)>,
}

impl Acc<'_> {
    /// Applies `f` to the figures of every breakdown row and cell the group's keys name (a
    /// dimension whose key the group does not carry is left to the groups that do).
    fn add(&mut self, k: &Keys, f: impl Fn(&mut Figures)) {
        if let (Some(cells), Some(area), Some(committee)) = (self.cells.as_deref_mut(), k.area, k.committee) {
            f(cells.entry((area, committee)).or_default());
        }
        let places = k.area.map(|a| self.area_keys.get(&a).copied().unwrap_or((a, a)));
        for (dim, acc) in self.by.iter().zip(self.rows.iter_mut()) {
            let key = match dim {
                Dimension::District => places.map(|p| p.1),
                Dimension::Town => places.map(|p| p.0),
                Dimension::Committee => k.committee,
                Dimension::Mediator => k.mediator,
                Dimension::Category => k.category.map(|c| c as i64),
                Dimension::Source => k.source.map(|s| s.class() as i64),
            };
            if let Some(key) = key {
                f(acc.entry(key).or_default());
            }
        }
    }
}

/// The names of one breakdown key: (sort key, code, zh, en).
type Names = (String, String, String, String);

impl Store {
    /// The statistics of `period` in the office's time zone, with the breakdowns `by`. The same
    /// period gives the same figures whenever and by whomever it is asked (for a period that has
    /// ended and a database nobody changed since).
    pub fn report(&self, period: Period, by: &[Dimension]) -> Result<Report> {
        self.report_with(period, by, None, false)
    }

    /// The same report read from the cases alone, without the pre-aggregated counts: what the
    /// counts must always agree with (tests compare the two).
    #[doc(hidden)]
    pub fn report_from_cases(&self, period: Period, by: &[Dimension]) -> Result<Report> {
        self.report_with(period, by, None, true)
    }

    /// The desk's overview read from the cases alone ([`Store::report_from_cases`]).
    #[doc(hidden)]
    pub fn overview_from_cases(&self, period: Period) -> Result<Overview> {
        self.overview_with(period, true)
    }

    /// Empties the pre-aggregated counts and sums them again from the cases (what the migration
    /// that created them did), in one transaction.
    #[doc(hidden)]
    pub fn rebuild_statistics_counts(&self) -> Result<()> {
        let tx = self.begin()?;
        tx.execute_batch(&report_blocks::refill_sql())?;
        tx.commit()?;
        Ok(())
    }

    /// Counts the rows written outside duty-desk that wait to be counted (what the next commit
    /// of any duty-desk write does anyway), in a transaction of its own.
    #[doc(hidden)]
    pub fn count_logged_rows(&self) -> Result<()> {
        self.writable()?;
        self.begin()?.commit()
    }

    /// What the desk's Statistics screen shows for `period` (one consistent read): the report
    /// with its by-category breakdown, the area table district → town → committee (gathered in
    /// the same pass over the period's finished cases) and the received cases of the twelve
    /// months ending with the period's last month.
    pub fn overview(&self, period: Period) -> Result<Overview> {
        self.overview_with(period, false)
    }

    fn overview_with(&self, period: Period, exact: bool) -> Result<Overview> {
        self.read_consistent(|st| {
            let exact = exact || st.counts_pending()?;
            let mut cells = HashMap::new();
            let report = st.report_with(period, &[Dimension::Category], Some(&mut cells), exact)?;
            let areas = st.area_tree(cells)?;
            let tz = st.policy().office.time_zone;
            let mut trend = Vec::new();
            for m in trend_months(period) {
                let (a, b) = m.utc_range(tz);
                trend.push(MonthCount { month: m.code(), received: st.count_received(ts(a), ts(b), exact)? });
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
    fn area_tree(&self, cells: HashMap<(i64, i64), Figures>) -> Result<Vec<AreaNode>> {
        let org = self.org()?;
        let keys = self.area_keys()?;
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
        Ok(AreaNode::tree(
            cells
                .into_iter()
                .map(|((village, c), f)| {
                    let (town, district) = keys.get(&village).copied().unwrap_or((village, village));
                    (vec![area(district), area(town), committee(c)], f)
                })
                .collect(),
        ))
    }

    /// The report, also adding each mediated case's figures to `cells` by (area, committee).
    /// The period's whole UTC days are read from the pre-aggregated counts, its partial days at
    /// the ends from the cases ([`report_blocks::cover`]).
    fn report_with(
        &self,
        period: Period,
        by: &[Dimension],
        cells: Option<&mut HashMap<(i64, i64), Figures>>,
        exact: bool,
    ) -> Result<Report> {
        let exact = exact || self.counts_pending()?;
        let tz = self.policy().office.time_zone;
        let (start, end) = period.utc_range(tz);
        let (s, e) = (ts(start), ts(end));
        let r = Report {
            period: period.code(),
            from: period.first.to_string(),
            to: period.last.to_string(),
            time_zone: tz.name().to_string(),
            received: self.count_received(s, e, exact)?,
            ..Report::default()
        };
        let cover = report_blocks::cover(s, e, exact);
        let mut acc = Acc {
            tally: Tally::default(),
            rows: vec![HashMap::new(); by.len()],
            over_clock: 0,
            cells,
            by,
            area_keys: self.area_keys()?,
        };
        for &(a, b) in &cover.raw {
            self.tally_cases(a, b, e, &mut acc)?;
        }
        self.tally_blocks(&cover, e, &mut acc)?;
        let Acc { tally, rows, over_clock, cells, .. } = acc;
        let mut r = tally.into_report(r);
        r.over_clock = over_clock;
        r.breakdowns = by.iter().zip(rows).map(|(&dim, acc)| self.breakdown(dim, acc)).collect::<Result<_>>()?;
        let sums = std::iter::once(&r.figures)
            .chain(r.breakdowns.iter().flat_map(|b| b.rows.iter().map(|row| &row.figures)))
            .chain(cells.iter().flat_map(|c| c.values()));
        if sums.into_iter().any(|f| f.amount_too_large) {
            return Err(amounts_too_large(&r.period));
        }

        r.escalations = self.conn.query_row(
            "SELECT count(*) FROM audit WHERE action = 'escalate' AND at >= ?1 AND at < ?2",
            params![s, e],
            |row| row.get(0),
        )?;
        r.median_assign_minutes = self.median_assign(&cover)?;
        r.median_arrival_minutes = self.stats_median_arrival(start, end)?;
        (r.followups_done, r.followups_overdue) = self.visits(&cover, e)?;
        let (opened, closed, screened) = self.stats_after_care(period, start, end)?;
        r.rectifications_opened = opened;
        r.rectifications_closed = closed;
        r.screenings_on_time = screened;
        Ok(r)
    }

    /// Whether rows written outside duty-desk wait to be counted ([`super::report_fold::fold`] counts
    /// them at the next commit of a duty-desk write): until then the figures are read from the
    /// cases, exact but slower.
    fn counts_pending(&self) -> Result<bool> {
        Ok(self.conn.prepare_cached(&report_blocks::pending_sql())?.query_row([], |r| r.get(0))?)
    }

    /// Cases received in `[s, e)`: whole days from the counts, partial days from the index.
    fn count_received(&self, s: i64, e: i64, exact: bool) -> Result<u64> {
        let cover = report_blocks::cover(s, e, exact);
        let mut n = 0u64;
        let mut stmt = self.conn.prepare_cached(
            "SELECT count(*) FROM cases INDEXED BY cases_received WHERE received_at >= ?1 AND received_at < ?2",
        )?;
        for &(a, b) in &cover.raw {
            n += stmt.query_row(params![a, b], |row| row.get::<_, u64>(0))?;
        }
        let mut stmt = self.conn.prepare_cached(
            "SELECT coalesce(sum(n), 0) FROM stats_blocks WHERE dim = ?1 AND span = ?2 AND block >= ?3 AND block < ?4",
        )?;
        for &(w, a, b) in &cover.blocks {
            let got: i64 = stmt.query_row(params![Dim::Received as i64, w, a, b], |row| row.get(0))?;
            n += u64::try_from(got).unwrap_or(0);
        }
        Ok(n)
    }

    /// Adds the cases finished in `[a, b)` (part of a period ending at `e`), read one by one
    /// through the covering index `cases_stats`.
    fn tally_cases(&self, a: i64, b: i64, e: i64, acc: &mut Acc<'_>) -> Result<()> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT status, category, source, tier, area_id, committee_id, lead_mediator_id, amount_fen, \
             agreement, performed_at, judicial_confirmation, mediation_due, finished_at \
             FROM cases INDEXED BY cases_stats WHERE finished_at >= ?1 AND finished_at < ?2",
        )?;
        let mut q = stmt.query(params![a, b])?;
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
            if !acc.tally.add(&c) {
                continue;
            }
            let due: Option<i64> = row.get(11)?;
            let finished: i64 = row.get(12)?;
            acc.over_clock += u64::from(due.is_some_and(|d| finished > d));
            let keys = Keys {
                area: Some(row.get(4)?),
                committee: Some(row.get(5)?),
                mediator: Some(row.get::<_, Option<i64>>(6)?.unwrap_or(0)),
                category: Some(c.category),
                source: Some(c.source),
            };
            acc.add(&keys, |f| c.add_to(f));
        }
        Ok(())
    }

    /// Adds the blocks of `cover` from the counts, then takes back the agreements finished in
    /// them but performed at or after `e` (the period's end).
    fn tally_blocks(&self, cover: &report_blocks::Cover, e: i64, acc: &mut Acc<'_>) -> Result<()> {
        if cover.blocks.is_empty() {
            return Ok(());
        }
        let mut stmt = self.conn.prepare_cached(
            "SELECT k1, k2, k3, mediated, successful, amount_fen, oral, performed, judicial, withdrawn, over_clock \
             FROM stats_blocks WHERE dim = ?1 AND span = ?2 AND block >= ?3 AND block < ?4 \
             AND (mediated <> 0 OR withdrawn <> 0)",
        )?;
        let counts = |row: &rusqlite::Row<'_>| -> rusqlite::Result<Counts> {
            let u = |i: usize| -> rusqlite::Result<u64> { Ok(u64::try_from(row.get::<_, i64>(i)?).unwrap_or(0)) };
            Ok(Counts {
                mediated: u(3)?,
                successful: u(4)?,
                amount_fen: row.get(5)?,
                oral: u(6)?,
                performed: u(7)?,
                judicial: u(8)?,
                withdrawn: u(9)?,
                over_clock: u(10)?,
            })
        };
        let wants = |d: Dimension| acc.by.contains(&d);
        let place =
            acc.cells.is_some() || [Dimension::District, Dimension::Town, Dimension::Committee].into_iter().any(wants);
        let mediator = wants(Dimension::Mediator);
        for &(w, a, b) in &cover.blocks {
            let mut q = stmt.query(params![Dim::Kind as i64, w, a, b])?;
            while let Some(row) = q.next()? {
                let c = counts(row)?;
                let category =
                    code_at(row, 0, Category::ALL, Category::code)?.ok_or(rusqlite::Error::InvalidColumnIndex(0))?;
                let source =
                    code_at(row, 1, Source::ALL, Source::code)?.ok_or(rusqlite::Error::InvalidColumnIndex(1))?;
                let tier = code_at(row, 2, Tier::ALL, Tier::code)?.ok_or(rusqlite::Error::InvalidColumnIndex(2))?;
                acc.tally.add_counts(category, source, tier, &c);
                acc.over_clock += c.over_clock;
                if c.mediated > 0 {
                    let keys = Keys { category: Some(category), source: Some(source), ..Keys::default() };
                    acc.add(&keys, |f| c.add_to(f));
                }
            }
            drop(q);
            if place {
                let mut q = stmt.query(params![Dim::Place as i64, w, a, b])?;
                while let Some(row) = q.next()? {
                    let c = counts(row)?;
                    if c.mediated > 0 {
                        let keys = Keys { area: Some(row.get(0)?), committee: Some(row.get(1)?), ..Keys::default() };
                        acc.add(&keys, |f| c.add_to(f));
                    }
                }
            }
            if mediator {
                let mut q = stmt.query(params![Dim::Mediator as i64, w, a, b])?;
                while let Some(row) = q.next()? {
                    let c = counts(row)?;
                    if c.mediated > 0 {
                        let keys = Keys { mediator: Some(row.get(0)?), ..Keys::default() };
                        acc.add(&keys, |f| c.add_to(f));
                    }
                }
            }
        }
        // Performed by the period's end: the counts hold every performed agreement; take back
        // those finished in the blocks and performed at or after `e`. Their performance came L
        // whole UTC days after the finish, so they finished on or after day(e) - L.
        let longest: Option<i64> = self.conn.query_row(report_blocks::LATE_MAX_SQL, [], |row| row.get(0)).optional()?;
        let (from, to) = cover.inner;
        let mut stmt = self.conn.prepare_cached(report_blocks::LATE_SQL)?;
        for lag in 0..=longest.unwrap_or(-1) {
            let lo = from.max((e.div_euclid(DAY) - lag) * DAY);
            if lo >= to {
                continue;
            }
            let mut q = stmt.query(params![lag, lo, to, e])?;
            while let Some(row) = q.next()? {
                let status =
                    code_at(row, 0, Status::ALL, Status::code)?.ok_or(rusqlite::Error::InvalidColumnIndex(0))?;
                if !StatusSet::Success.contains(status) {
                    continue;
                }
                acc.tally.figures.performed = acc.tally.figures.performed.saturating_sub(1);
                let keys = Keys {
                    area: Some(row.get(1)?),
                    committee: Some(row.get(2)?),
                    mediator: Some(row.get::<_, Option<i64>>(3)?.unwrap_or(0)),
                    category: code_at(row, 4, Category::ALL, Category::code)?,
                    source: code_at(row, 5, Source::ALL, Source::code)?,
                };
                acc.add(&keys, |f| f.performed = f.performed.saturating_sub(1));
            }
        }
        Ok(())
    }

    /// Follow-up visits done in the period of `cover` and due in it but not done by its end `e`:
    /// whole days from the counts, partial days from the indexes; the counts hold every visit
    /// done whatever its date, so the visits due in the blocks and done at or after `e` are
    /// added back (index `followups_done_late`, as for performed agreements).
    fn visits(&self, cover: &report_blocks::Cover, e: i64) -> Result<(u64, u64)> {
        let (mut done, mut overdue) = (0u64, 0u64);
        let mut done_raw =
            self.conn.prepare_cached("SELECT count(*) FROM followups WHERE done_at >= ?1 AND done_at < ?2")?;
        let mut due_raw = self.conn.prepare_cached(
            "SELECT count(*) FROM followups WHERE due >= ?1 AND due < ?2 AND (done_at IS NULL OR done_at >= ?3)",
        )?;
        for &(a, b) in &cover.raw {
            done += done_raw.query_row(params![a, b], |row| row.get::<_, u64>(0))?;
            overdue += due_raw.query_row(params![a, b, e], |row| row.get::<_, u64>(0))?;
        }
        if cover.blocks.is_empty() {
            return Ok((done, overdue));
        }
        let mut stmt = self.conn.prepare_cached(
            "SELECT coalesce(sum(n), 0), coalesce(sum(performed), 0) FROM stats_blocks \
             WHERE dim = ?1 AND span = ?2 AND block >= ?3 AND block < ?4",
        )?;
        let mut due_blocks = 0i64;
        for &(w, a, b) in &cover.blocks {
            let (n, _): (i64, i64) =
                stmt.query_row(params![Dim::VisitDone as i64, w, a, b], |r| Ok((r.get(0)?, r.get(1)?)))?;
            done += u64::try_from(n).unwrap_or(0);
            let (n, any): (i64, i64) =
                stmt.query_row(params![Dim::VisitDue as i64, w, a, b], |r| Ok((r.get(0)?, r.get(1)?)))?;
            due_blocks += n - any;
        }
        let longest: Option<i64> =
            self.conn.query_row(report_blocks::VISIT_LATE_MAX_SQL, [], |row| row.get(0)).optional()?;
        let (from, to) = cover.inner;
        let mut stmt = self.conn.prepare_cached(report_blocks::VISIT_LATE_SQL)?;
        for lag in 0..=longest.unwrap_or(-1) {
            let lo = from.max((e.div_euclid(DAY) - lag) * DAY);
            if lo < to {
                due_blocks += stmt.query_row(params![lag, lo, to, e], |row| row.get::<_, i64>(0))?;
            }
        }
        Ok((done, overdue + u64::try_from(due_blocks).unwrap_or(0)))
    }

    /// Median whole minutes from receipt to assignment over the assignments of `cover`
    /// ([`median_minutes`]'s lower middle): the hour bins from the counts and the partial days
    /// find the bin holding the middle, then its minutes find the value.
    fn median_assign(&self, cover: &report_blocks::Cover) -> Result<Option<i64>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT assigned_at - received_at FROM cases INDEXED BY cases_assigned \
             WHERE assigned_at >= ?1 AND assigned_at < ?2",
        )?;
        let mut raw = Vec::new();
        for &(a, b) in &cover.raw {
            let waits = stmt.query_map(params![a, b], |row| row.get::<_, i64>(0))?;
            for w in waits {
                raw.push(w? / 60);
            }
        }
        let mut bins: BTreeMap<i64, u64> = BTreeMap::new();
        for m in &raw {
            *bins.entry(m / 60).or_default() += 1;
        }
        let mut stmt = self.conn.prepare_cached(
            "SELECT k1, sum(n) FROM stats_blocks WHERE dim = ?1 AND span = ?2 AND block >= ?3 AND block < ?4 \
             GROUP BY k1",
        )?;
        for &(w, a, b) in &cover.blocks {
            let mut q = stmt.query(params![Dim::WaitHour as i64, w, a, b])?;
            while let Some(row) = q.next()? {
                *bins.entry(row.get(0)?).or_default() += u64::try_from(row.get::<_, i64>(1)?).unwrap_or(0);
            }
        }
        let total: u64 = bins.values().sum();
        if total == 0 {
            return Ok(median_minutes(std::iter::empty()));
        }
        let mut rank = (total - 1) / 2;
        let Some(bin) = bins.iter().find_map(|(&bin, &n)| {
            if rank < n {
                Some(bin)
            } else {
                rank -= n;
                None
            }
        }) else {
            return Ok(None);
        };
        let (lo, hi) = report_blocks::bin_minutes(bin);
        let mut minutes: BTreeMap<i64, u64> = BTreeMap::new();
        for m in raw.iter().filter(|m| **m / 60 == bin) {
            *minutes.entry(*m).or_default() += 1;
        }
        let mut stmt = self.conn.prepare_cached(
            "SELECT k1, n FROM stats_blocks WHERE dim = ?1 AND span = ?2 AND block = ?3 AND k1 >= ?4 AND k1 <= ?5",
        )?;
        for &(w, a, b) in &cover.blocks {
            for block in a..b {
                let mut q = stmt.query(params![Dim::WaitMinute as i64, w, block, lo, hi])?;
                while let Some(row) = q.next()? {
                    *minutes.entry(row.get(0)?).or_default() += u64::try_from(row.get::<_, i64>(1)?).unwrap_or(0);
                }
            }
        }
        Ok(minutes.iter().find_map(|(&m, &n)| {
            if rank < n {
                Some(m)
            } else {
                rank -= n;
                None
            }
        }))
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
            screening_duties(self.org()?, &self.policy().screening, period, |c, p| done.contains(&(c, p.to_string())));
        Ok((Some(opened), Some(closed), (due > 0).then_some(on_time)))
    }

    /// Village area id → (town id, district id), from the organisation.
    fn area_keys(&self) -> Result<HashMap<i64, (i64, i64)>> {
        let org = self.org()?;
        Ok(org
            .areas
            .iter()
            .map(|a| {
                let at = |level| org.ancestor_at(&a.code, level).map_or(a.id, |x| x.id);
                (a.id, (at(Tier::Town), at(Tier::District)))
            })
            .collect())
    }

    /// The rows of one breakdown with their names, in code order.
    fn breakdown(&self, by: Dimension, acc: HashMap<i64, Figures>) -> Result<Breakdown> {
        let org = self.org()?;
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
        Ok(Breakdown { by, rows: sorted.into_values().collect() })
    }
}

/// The report of `period` cannot add up its amounts (they were written by another program, past
/// what duty-desk accepts).
fn amounts_too_large(period: &str) -> Error {
    let max_yuan = crate::domain::intake::MAX_AMOUNT_FEN / 100;
    Error::Invalid(crate::msg!(
        "the amounts of {period} add up to more than can be counted: some case holds an amount written \
         by another program, past the {max_yuan} yuan a case duty-desk accepts; correct it and ask again",
        "{period} 的标的额合计超出可计算范围：有案件的标的额由其他程序写入，超过每案 {max_yuan} 元的上限；请更正后再查询"
    ))
}

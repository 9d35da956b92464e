//! The statistics definitions, written once: what each figure of a period counts (README
//! "Statistics" repeats them for readers), the rounding of rates and amounts, and the tally that
//! folds finished cases into a [`Report`]. No SQL here: the store streams rows into [`Tally`].
//!
//! A period is a range of office days ([`super::office_time::Period`]); every instant is compared
//! with the period's half-open UTC range in the office's zone, so a case finished at 23:30 on the
//! period's last office day counts in it.

use std::collections::BTreeMap;

use serde::Serialize;

use super::case::{AgreementForm, Category, Source, SourceClass, Status};
use super::lifecycle::StatusSet;
use super::office_time::{Period, PeriodKind};
use super::org::Tier;

/// The dimensions a report can be broken down by (`report --by …`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Dimension {
    /// The district of the case's area.
    District,
    /// The town or street of the case's area.
    Town,
    /// The committee that mediated it.
    Committee,
    /// The lead mediator.
    Mediator,
    /// The dispute category.
    Category,
    /// The official source class.
    Source,
}

impl Dimension {
    /// Every dimension, in `--by` order.
    pub const ALL: [Dimension; 6] = [
        Dimension::District,
        Dimension::Town,
        Dimension::Committee,
        Dimension::Mediator,
        Dimension::Category,
        Dimension::Source,
    ];

    /// The code typed after `--by`.
    pub fn code(self) -> &'static str {
        match self {
            Dimension::District => "district",
            Dimension::Town => "town",
            Dimension::Committee => "committee",
            Dimension::Mediator => "mediator",
            Dimension::Category => "category",
            Dimension::Source => "source",
        }
    }

    /// Reads a `--by` code.
    pub fn parse(s: &str) -> Result<Dimension, String> {
        Dimension::ALL.into_iter().find(|d| d.code() == s.trim()).ok_or_else(|| {
            format!("{s:?} is not a breakdown (expected district, town, committee, mediator, category or source)")
        })
    }
}

/// The outcome figures of a set of cases (the headline, or one breakdown row).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Figures {
    /// Mediated: mediation ended in the period, successful or not (withdrawn excluded).
    pub mediated: u64,
    /// Of those, successful (resolved or closed).
    pub successful: u64,
    /// Amount involved in the mediated cases, in fen.
    pub amount_fen: i64,
    /// Agreements reached (written and oral) by the successful cases.
    pub agreements: u64,
    /// Of the agreements, performed by the end of the period.
    pub performed: u64,
    /// Of the agreements, those whose parties applied for judicial confirmation.
    pub judicial_applications: u64,
    /// Some amount could not be added: the sum does not fit in 64 bits (amounts another program
    /// wrote); `amount_fen` is then short of it, and the store refuses the report.
    #[serde(skip)]
    pub amount_too_large: bool,
}

impl Figures {
    /// Adds `fen` to the amount, or marks it [`Figures::amount_too_large`].
    pub fn add_amount(&mut self, fen: i64) {
        match self.amount_fen.checked_add(fen) {
            Some(sum) => self.amount_fen = sum,
            None => self.amount_too_large = true,
        }
    }

    /// The success rate text: two decimals half-up, `—` when nothing was mediated.
    pub fn success_rate(&self) -> String {
        percent(self.successful, self.mediated)
    }

    /// The amount in 万元, two decimals half-up.
    pub fn amount_wan(&self) -> String {
        wan_yuan(self.amount_fen)
    }

    /// Adds another set's figures to these.
    pub fn absorb(&mut self, o: &Figures) {
        self.mediated += o.mediated;
        self.successful += o.successful;
        self.add_amount(o.amount_fen);
        self.amount_too_large |= o.amount_too_large;
        self.agreements += o.agreements;
        self.performed += o.performed;
        self.judicial_applications += o.judicial_applications;
    }
}

/// `part` of `whole` as a percentage with two decimals rounded half-up (`99.98%`), `—` when
/// `whole` is 0.
pub fn percent(part: u64, whole: u64) -> String {
    match hundredths_of_percent(part, whole) {
        Some(bp) => format!("{}.{:02}%", bp / 100, bp % 100),
        None => "—".into(),
    }
}

/// `part / whole` in hundredths of a percent, rounded half-up (4084 of 4085 → 9998).
pub fn hundredths_of_percent(part: u64, whole: u64) -> Option<u64> {
    let (p, w) = (u128::from(part), u128::from(whole));
    (w > 0).then(|| ((p * 20_000 + w) / (2 * w)) as u64)
}

/// Fen as 万元 with two decimals, rounded half-up (away from zero): 1 万元 = 1,000,000 fen, so
/// the second decimal is 10,000 fen and 5,000 fen rounds up.
pub fn wan_yuan(fen: i64) -> String {
    let cents = (i128::from(fen).abs() + 5_000) / 10_000; // hundredths of a 万元
    let sign = if fen < 0 && cents > 0 { "-" } else { "" };
    format!("{sign}{}.{:02}", cents / 100, cents % 100)
}

/// The median of durations given in seconds, in whole minutes: each duration cut to whole
/// minutes, then the lower middle value; `None` when there are none. The one definition behind
/// both medians of a report (time to assignment, time to on-site arrival).
pub fn median_minutes(secs: impl IntoIterator<Item = i64>) -> Option<i64> {
    median(secs.into_iter().map(|s| s / 60).collect())
}

/// The median of minute counts: the lower middle value; `None` when there are none.
pub fn median(mut minutes: Vec<i64>) -> Option<i64> {
    if minutes.is_empty() {
        return None;
    }
    let mid = (minutes.len() - 1) / 2;
    let (_, m, _) = minutes.select_nth_unstable(mid);
    Some(*m)
}

/// The screening duties (三个一) of a report period: `(due, done)` — for each geographic
/// committee whose tier screens, every rhythm period (week, month, quarter) that ends within the
/// report period is due; it was done on time when a screening is recorded for that very period
/// (`done(committee_id, period_code)`; a record's period is the one holding its screening day).
pub fn screening_duties(
    org: &super::org::Org,
    rhythm: &super::screening::Rhythm,
    p: Period,
    done: impl Fn(i64, &str) -> bool,
) -> (u64, u64) {
    let (mut due, mut on_time) = (0, 0);
    for c in org.committees.iter().filter(|c| c.kind == super::org::CommitteeKind::Geographic) {
        let Some(kind) = org.committee_tier(c).and_then(|t| rhythm.of(t)) else { continue };
        let mut duty = Period::containing(kind, p.first);
        while duty.last <= p.last {
            if duty.last >= p.first {
                due += 1;
                on_time += u64::from(done(c.id, &duty.code()));
            }
            duty = duty.next();
        }
    }
    (due, on_time)
}

/// One case whose mediation ended (or that was withdrawn) in the period, as the tally reads it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Finished {
    /// Its status now (finished statuses only change to Closed, which is still successful).
    pub status: Status,
    /// Category.
    pub category: Category,
    /// Source.
    pub source: Source,
    /// The tier it was settled at.
    pub tier: Tier,
    /// Amount involved, fen.
    pub amount_fen: i64,
    /// The agreement form, if one was reached.
    pub agreement: Option<AgreementForm>,
    /// Performed by the end of the period (performed_at before the period's end).
    pub performed_by_end: bool,
    /// The parties applied for judicial confirmation.
    pub judicial_application: bool,
}

impl Finished {
    /// Whether it counts as mediated (withdrawn cases do not).
    pub fn is_mediated(&self) -> bool {
        !StatusSet::Withdrawn.contains(self.status)
    }

    /// Whether its mediation succeeded.
    pub fn is_successful(&self) -> bool {
        StatusSet::Success.contains(self.status)
    }

    /// Adds it to `f` (a mediated case).
    pub fn add_to(&self, f: &mut Figures) {
        f.mediated += 1;
        f.add_amount(self.amount_fen);
        if self.is_successful() {
            f.successful += 1;
            // Every successful mediation ends in an agreement, written or oral.
            f.agreements += 1;
            f.performed += u64::from(self.performed_by_end);
            f.judicial_applications += u64::from(self.judicial_application);
        }
    }
}

/// The finished cases of a group summed (a pre-aggregated row of the store): what [`Finished`]
/// cases add up to, with `performed` counting every performed agreement whatever its date (the
/// store subtracts those performed after the period's end).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    /// Mediated (not withdrawn).
    pub mediated: u64,
    /// Of those, successful.
    pub successful: u64,
    /// Amount involved in the mediated ones, fen.
    pub amount_fen: i64,
    /// Successful with an oral agreement.
    pub oral: u64,
    /// Successful and performed (at any date).
    pub performed: u64,
    /// Successful with an application for judicial confirmation.
    pub judicial: u64,
    /// Withdrawn.
    pub withdrawn: u64,
    /// Mediated after their mediation clock.
    pub over_clock: u64,
}

impl Counts {
    /// Adds the group to `f`, as [`Finished::add_to`] adds each of its mediated cases.
    pub fn add_to(&self, f: &mut Figures) {
        f.mediated += self.mediated;
        f.successful += self.successful;
        f.add_amount(self.amount_fen);
        f.agreements += self.successful;
        f.performed += self.performed;
        f.judicial_applications += self.judicial;
    }
}

/// One row of a breakdown: a key (code) with its names and figures.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Row {
    /// Stable key (area or committee code, mediator id, category or class code).
    pub key: String,
    /// Chinese name.
    pub name_zh: String,
    /// English name.
    pub name_en: String,
    /// The figures.
    #[serde(flatten)]
    pub figures: Figures,
}

/// A breakdown of the mediated cases by one dimension, rows by key order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Breakdown {
    /// The dimension.
    pub by: Dimension,
    /// Its rows (only keys with at least one mediated case).
    pub rows: Vec<Row>,
}

/// A count per label (category, class, tier), in the official order, zero rows included.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Count {
    /// The code.
    pub code: String,
    /// Chinese label.
    pub zh: String,
    /// English label.
    pub en: String,
    /// Mediated cases.
    pub mediated: u64,
    /// Of those, successful.
    pub successful: u64,
}

/// The period's statistics: what `report` prints, the desk draws and the tests check.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Report {
    /// The period's code (`2023-Q3`, `2023-09`, `2023`, `2023-01-01..2023-09-30`).
    pub period: String,
    /// First office day (inclusive), `YYYY-MM-DD`.
    pub from: String,
    /// Last office day (inclusive), `YYYY-MM-DD`.
    pub to: String,
    /// The office's time zone the days are read in.
    pub time_zone: String,
    /// Cases received in the period.
    pub received: u64,
    /// The headline figures (mediated, successful, amount, agreements, performed, applications).
    #[serde(flatten)]
    pub figures: Figures,
    /// Success rate, two decimals half-up, `—` when nothing was mediated.
    pub success_rate: String,
    /// Amount involved in 万元, two decimals half-up.
    pub amount_wan_yuan: String,
    /// Mediation ended without agreement (终止).
    pub failed: u64,
    /// Withdrawn in the period (not mediated).
    pub withdrawn: u64,
    /// Written agreements.
    pub agreements_written: u64,
    /// Oral agreements.
    pub agreements_oral: u64,
    /// Mediated cases by source class (主动 / 依申请 / 委托移送).
    pub by_source: Vec<Count>,
    /// Mediated cases by category.
    pub by_category: Vec<Count>,
    /// Mediated cases by the tier they were settled at.
    pub by_tier: Vec<Count>,
    /// Share of mediated cases settled at village level (小事不出村).
    pub village_share: String,
    /// Escalations made in the period (audit events `escalate`).
    pub escalations: u64,
    /// Median minutes from receipt to assignment, over cases assigned in the period
    /// ([`median_minutes`]).
    pub median_assign_minutes: Option<i64>,
    /// Median minutes from receipt to on-site arrival, over the cases received in the period that
    /// recorded an arrival ([`median_minutes`]); `None` when none did.
    pub median_arrival_minutes: Option<i64>,
    /// Cases over their clock: mediation ended in the period after the mediation clock, or still
    /// open at the period's end with the clock run out.
    pub over_clock: u64,
    /// Follow-up visits done in the period.
    pub followups_done: u64,
    /// Follow-up visits due in the period and not done by its end.
    pub followups_overdue: u64,
    /// Rectification items opened in the period (`None` until recorded).
    pub rectifications_opened: Option<u64>,
    /// Rectification items closed in the period (`None` until recorded).
    pub rectifications_closed: Option<u64>,
    /// Screening duties due in the period (rhythm periods ending in it) that were done on time
    /// ([`screening_duties`]); `None` when no duty fell due in the period.
    pub screenings_on_time: Option<u64>,
    /// The breakdowns asked for.
    pub breakdowns: Vec<Breakdown>,
}

/// A name in the area table: how it sorts, its stable key and its names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Label {
    /// Sort key (codes sort districts, towns and committees in the organisation's order).
    pub sort: String,
    /// Stable key (area or committee code).
    pub key: String,
    /// Chinese name.
    pub zh: String,
    /// English name.
    pub en: String,
}

/// The figures of the cases under one path of labels (district, town, committee).
pub type Cell = (Vec<Label>, Figures);

/// One row of the desk's area table — a district, a town/street in it, or a committee that
/// mediated cases of that town — with the rows one level down.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AreaNode {
    /// The key, names and figures of this row.
    pub row: Row,
    /// The rows one level down (towns of a district, committees of a town), by sort key.
    pub children: Vec<AreaNode>,
}

impl AreaNode {
    /// Folds cells (a path of labels from the top level down, with the figures of the cases
    /// there) into a tree: each node's figures are the sum of the cells under it.
    pub fn tree(cells: Vec<Cell>) -> Vec<AreaNode> {
        let mut groups: BTreeMap<String, (Label, Figures, Vec<Cell>)> = BTreeMap::new();
        for (mut path, f) in cells {
            if path.is_empty() {
                continue;
            }
            let head = path.remove(0);
            let g = groups.entry(head.sort.clone()).or_insert_with(|| (head, Figures::default(), Vec::new()));
            g.1.absorb(&f);
            if !path.is_empty() {
                g.2.push((path, f));
            }
        }
        groups
            .into_values()
            .map(|(l, figures, rest)| AreaNode {
                row: Row { key: l.key, name_zh: l.zh, name_en: l.en, figures },
                children: AreaNode::tree(rest),
            })
            .collect()
    }

    /// The rows at the end of `path` (keys from the top level down); `None` when a key is not
    /// there (the data changed): the caller goes back up.
    pub fn level<'a>(top: &'a [AreaNode], path: &[String]) -> Option<&'a [AreaNode]> {
        let mut rows = top;
        for key in path {
            rows = &rows.iter().find(|n| &n.row.key == key)?.children;
        }
        Some(rows)
    }
}

/// Cases received in one month of the trend.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MonthCount {
    /// The month's code, `2023-09`.
    pub month: String,
    /// Cases received in it.
    pub received: u64,
}

/// The twelve months ending with the month of the period's last day, oldest first (the trend).
pub fn trend_months(p: Period) -> Vec<Period> {
    let mut m = Period::containing(PeriodKind::Month, p.last);
    let mut out = vec![m];
    for _ in 1..12 {
        m = m.prev();
        out.push(m);
    }
    out.reverse();
    out
}

/// What the desk's Statistics screen shows for one period: the report (with the by-category
/// breakdown), the area table district → town → committee, and the monthly trend.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Overview {
    /// The period asked for.
    pub period: Period,
    /// The period's statistics.
    pub report: Report,
    /// Mediated cases by district, town/street and committee.
    pub areas: Vec<AreaNode>,
    /// Cases received per month, the twelve months ending with the period's last month.
    pub trend: Vec<MonthCount>,
}

fn get_or_zero<K: Ord>(m: &BTreeMap<K, (u64, u64)>, k: &K) -> (u64, u64) {
    m.get(k).copied().unwrap_or_default()
}

/// Folds finished cases into the headline figures and the per-label counts.
#[derive(Debug, Clone, Default)]
pub struct Tally {
    /// The headline figures.
    pub figures: Figures,
    failed: u64,
    withdrawn: u64,
    written: u64,
    oral: u64,
    by_source: BTreeMap<SourceClass, (u64, u64)>,
    by_category: BTreeMap<Category, (u64, u64)>,
    by_tier: BTreeMap<Tier, (u64, u64)>,
}

impl Tally {
    /// Adds one finished case; returns whether it counted as mediated (callers add it to their
    /// breakdowns then).
    pub fn add(&mut self, c: &Finished) -> bool {
        if !c.is_mediated() {
            self.withdrawn += 1;
            return false;
        }
        c.add_to(&mut self.figures);
        let ok = u64::from(c.is_successful());
        if c.is_successful() {
            match c.agreement {
                Some(AgreementForm::Oral) => self.oral += 1,
                _ => self.written += 1,
            }
        } else {
            self.failed += 1;
        }
        for e in [
            self.by_source.entry(c.source.class()).or_default(),
            self.by_category.entry(c.category).or_default(),
            self.by_tier.entry(c.tier).or_default(),
        ] {
            e.0 += 1;
            e.1 += ok;
        }
        true
    }

    /// Adds a group of finished cases of one category, source and tier ([`Counts`]), as
    /// [`Tally::add`] adds each of them.
    pub fn add_counts(&mut self, category: Category, source: Source, tier: Tier, c: &Counts) {
        self.withdrawn += c.withdrawn;
        if c.mediated == 0 {
            return;
        }
        c.add_to(&mut self.figures);
        self.oral += c.oral;
        self.written += c.successful - c.oral.min(c.successful);
        self.failed += c.mediated - c.successful.min(c.mediated);
        for e in [
            self.by_source.entry(source.class()).or_default(),
            self.by_category.entry(category).or_default(),
            self.by_tier.entry(tier).or_default(),
        ] {
            e.0 += c.mediated;
            e.1 += c.successful;
        }
    }

    /// The report's outcome fields filled from the tally (the rest is left as it is).
    pub fn into_report(self, mut r: Report) -> Report {
        let f = self.figures;
        r.success_rate = f.success_rate();
        r.amount_wan_yuan = f.amount_wan();
        r.figures = f;
        r.failed = self.failed;
        r.withdrawn = self.withdrawn;
        r.agreements_written = self.written;
        r.agreements_oral = self.oral;
        let count = |code: &str, zh: &str, en: &str, (m, s): (u64, u64)| Count {
            code: code.into(),
            zh: zh.into(),
            en: en.into(),
            mediated: m,
            successful: s,
        };
        r.by_source =
            SourceClass::ALL.iter().map(|c| count(c.code(), c.zh(), c.en(), get_or_zero(&self.by_source, c))).collect();
        r.by_category =
            Category::ALL.iter().map(|c| count(c.code(), c.zh(), c.en(), get_or_zero(&self.by_category, c))).collect();
        r.by_tier = Tier::ALL.iter().map(|t| count(t.code(), t.zh(), t.en(), get_or_zero(&self.by_tier, t))).collect();
        r.village_share = percent(get_or_zero(&self.by_tier, &Tier::Village).0, f.mediated);
        r
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rounding_is_half_up() {
        assert_eq!(percent(4084, 4085), "99.98%");
        assert_eq!(percent(0, 0), "—");
        assert_eq!(percent(1, 3), "33.33%");
        assert_eq!(percent(2, 3), "66.67%");
        assert_eq!(percent(1, 8), "12.50%");
        assert_eq!(hundredths_of_percent(1, 80_000), Some(0)); // 0.00125 % → 0.00
        assert_eq!(hundredths_of_percent(1, 20_000), Some(1)); // 0.005 % → 0.01
        assert_eq!(wan_yuan(14_706_940_000), "14706.94");
        assert_eq!(wan_yuan(14_706_945_000), "14706.95");
        assert_eq!(wan_yuan(14_706_944_999), "14706.94");
        assert_eq!(wan_yuan(0), "0.00");
        assert_eq!(wan_yuan(-5_000), "-0.01");
    }

    #[test]
    fn the_median_is_the_lower_middle() {
        assert_eq!(median(vec![]), None);
        assert_eq!(median(vec![5]), Some(5));
        assert_eq!(median(vec![9, 1, 5, 7]), Some(5));
        assert_eq!(median(vec![9, 1, 5]), Some(5));
        // Seconds are cut to whole minutes first: 59 s is 0 minutes, 20 and 45 minutes' lower
        // middle of four is 20 (not the mean of the middle two).
        assert_eq!(median_minutes([59]), Some(0));
        assert_eq!(median_minutes([100 * 60, 15 * 60, 45 * 60 + 59, 20 * 60]), Some(20));
        assert_eq!(median_minutes([]), None);
    }

    #[test]
    fn the_area_tree_sums_its_cells_and_finds_levels() {
        let l = |k: &str| Label { sort: k.into(), key: k.into(), zh: k.into(), en: k.into() };
        let f = |m: u64| Figures { mediated: m, successful: m, ..Figures::default() };
        let tree = AreaNode::tree(vec![
            (vec![l("d2"), l("t3"), l("c1")], f(1)),
            (vec![l("d1"), l("t1"), l("c1")], f(2)),
            (vec![l("d1"), l("t2"), l("c2")], f(4)),
            (vec![l("d1"), l("t1"), l("c2")], f(8)),
        ]);
        assert_eq!(
            tree.iter().map(|n| (n.row.key.as_str(), n.row.figures.mediated)).collect::<Vec<_>>(),
            [("d1", 14), ("d2", 1)]
        );
        let towns = AreaNode::level(&tree, &["d1".into()]).map(|r| r.len());
        assert_eq!(towns, Some(2));
        let c = AreaNode::level(&tree, &["d1".into(), "t1".into()])
            .map(|r| r.iter().map(|n| n.row.figures.mediated).sum::<u64>());
        assert_eq!(c, Some(10));
        assert_eq!(AreaNode::level(&tree, &["d9".into()]), None);
    }

    #[test]
    fn the_trend_is_the_twelve_months_to_the_periods_end() {
        let p =
            Period::containing(PeriodKind::Quarter, chrono::NaiveDate::from_ymd_opt(2023, 8, 1).unwrap_or_default());
        let m = trend_months(p);
        assert_eq!(m.len(), 12);
        assert_eq!(m[0].code(), "2022-10");
        assert_eq!(m[11].code(), "2023-09");
    }

    #[test]
    fn dimensions_read_their_codes() {
        for d in Dimension::ALL {
            assert_eq!(Dimension::parse(d.code()), Ok(d));
        }
        assert!(Dimension::parse("planet").is_err());
    }
}

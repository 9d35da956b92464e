//! Office time: the office's one time zone and its calendar (days, Monday weeks, months,
//! quarters, years); how instants are shown and how typed dates and times are read.
//!
//! Instants are stored as UTC. Every day boundary — a ref's year, report periods, "today",
//! due dates, screening periods — is taken in the office's zone, whatever the server's `TZ`.

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveDateTime, NaiveTime, Offset, TimeZone, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

use super::Lang;

/// The office's time zone (an IANA name); `Asia/Shanghai` unless the policy names another.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OfficeTz(Tz);

impl Default for OfficeTz {
    fn default() -> Self {
        OfficeTz(Tz::Asia__Shanghai)
    }
}

impl FromStr for OfficeTz {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        s.trim()
            .parse::<Tz>()
            .map(OfficeTz)
            .map_err(|_| format!("unknown time zone {:?} (expected an IANA name such as Asia/Shanghai)", s.trim()))
    }
}

impl fmt::Display for OfficeTz {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0.name())
    }
}

impl Serialize for OfficeTz {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.0.name())
    }
}

impl<'de> Deserialize<'de> for OfficeTz {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = <std::borrow::Cow<'de, str> as Deserialize>::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

impl OfficeTz {
    /// The IANA name, e.g. `Asia/Shanghai`.
    pub fn name(self) -> &'static str {
        self.0.name()
    }

    /// The instant as the office's wall clock.
    pub fn local(self, t: DateTime<Utc>) -> DateTime<Tz> {
        t.with_timezone(&self.0)
    }

    /// The office's calendar day of an instant.
    pub fn date_of(self, t: DateTime<Utc>) -> NaiveDate {
        self.local(t).date_naive()
    }

    /// The office's calendar year of an instant (the year in a case's ref).
    pub fn year_of(self, t: DateTime<Utc>) -> i32 {
        self.date_of(t).year()
    }

    /// The first instant of a calendar day in the office (midnight, or the first wall time that
    /// exists on a day that starts inside a daylight-saving gap).
    pub fn start_of_day(self, d: NaiveDate) -> DateTime<Utc> {
        self.instant(d.and_time(NaiveTime::MIN))
    }

    /// The instant of an office wall-clock time; a wall time skipped by a daylight-saving change
    /// is moved forward to the first one that exists, an ambiguous one takes the earlier.
    pub fn instant(self, wall: NaiveDateTime) -> DateTime<Utc> {
        let mut probe = wall;
        for _ in 0..48 {
            if let Some(t) = self.0.from_local_datetime(&probe).earliest() {
                return t.with_timezone(&Utc);
            }
            probe += Duration::minutes(30);
        }
        // No zone has a gap of a day; fall back to the zone's standard offset.
        let off = self.0.offset_from_utc_datetime(&wall).fix();
        (wall - Duration::seconds(i64::from(off.local_minus_utc()))).and_utc()
    }

    /// The half-open UTC range `[start of from, start of the day after to)` of office days.
    pub fn days_range(self, from: NaiveDate, to: NaiveDate) -> (DateTime<Utc>, DateTime<Utc>) {
        (self.start_of_day(from), self.start_of_day(to.succ_opt().unwrap_or(to)))
    }

    /// `2026-01-01 05:00` on the office's clock.
    pub fn minutes(self, t: DateTime<Utc>) -> String {
        self.local(t).format("%Y-%m-%d %H:%M").to_string()
    }

    /// `2026-01-01 05:00 +08:00`: for text read where the zone may not be obvious.
    pub fn minutes_with_offset(self, t: DateTime<Utc>) -> String {
        self.local(t).format("%Y-%m-%d %H:%M %:z").to_string()
    }

    /// `2026-01-01T05:00:00+08:00`: the machine-readable form (JSON, CSV).
    pub fn rfc3339(self, t: DateTime<Utc>) -> String {
        self.local(t).to_rfc3339_opts(chrono::SecondsFormat::Secs, false)
    }

    /// Reads a typed date or time in the office's zone. Accepts RFC 3339 with any offset
    /// (`2026-01-01T05:00:00+08:00`, `…Z`), office wall time (`2026-01-01 05:00`,
    /// `2026-01-01T05:00`, with or without seconds) and a bare date (its first instant).
    /// Full-width digits and separators typed with a Chinese input method are accepted.
    pub fn parse(self, s: &str) -> Result<DateTime<Utc>, String> {
        let text = super::identity::normalize_width(s.trim());
        let t = text.as_str();
        if t.is_empty() {
            return Err("empty date".into());
        }
        if let Ok(d) = DateTime::parse_from_rfc3339(t) {
            return Ok(d.with_timezone(&Utc));
        }
        for f in ["%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M"] {
            if let Ok(w) = NaiveDateTime::parse_from_str(t, f) {
                return Ok(self.instant(w));
            }
        }
        parse_date(t)
            .map(|d| self.start_of_day(d))
            .map_err(|_| format!("{t:?} is not a date or time (expected 2026-01-31 or 2026-01-31 14:30)"))
    }
}

/// Reads `YYYY-MM-DD` (full-width digits allowed).
pub fn parse_date(s: &str) -> Result<NaiveDate, String> {
    let t = super::identity::normalize_width(s.trim());
    NaiveDate::parse_from_str(&t, "%Y-%m-%d").map_err(|_| format!("{t:?} is not a date (expected YYYY-MM-DD)"))
}

crate::labelled_enum! {
    /// The length of a calendar period: report periods and screening rhythms.
    pub enum PeriodKind {
        Week = ("week", "周", "Week"),
        Month = ("month", "月", "Month"),
        Quarter = ("quarter", "季度", "Quarter"),
        Year = ("year", "年", "Year"),
    }
}

/// A calendar period of office days, both ends inclusive.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Period {
    /// The first day.
    pub first: NaiveDate,
    /// The last day (inclusive).
    pub last: NaiveDate,
    /// Its kind, or `None` for a chosen range.
    pub kind: Option<PeriodKind>,
}

impl Period {
    /// The period of `kind` that contains `d`; weeks start on Monday.
    pub fn containing(kind: PeriodKind, d: NaiveDate) -> Period {
        let (first, last) = match kind {
            PeriodKind::Week => {
                let first = d - Duration::days(i64::from(d.weekday().num_days_from_monday()));
                (first, first + Duration::days(6))
            }
            PeriodKind::Month => month_bounds(d.year(), d.month()),
            PeriodKind::Quarter => {
                let m0 = (d.month0() / 3) * 3 + 1;
                let (first, _) = month_bounds(d.year(), m0);
                let (_, last) = month_bounds(d.year(), m0 + 2);
                (first, last)
            }
            PeriodKind::Year => (ymd(d.year(), 1, 1), ymd(d.year(), 12, 31)),
        };
        Period { first, last, kind: Some(kind) }
    }

    /// A chosen range of days; `from` after `to` is refused.
    pub fn range(from: NaiveDate, to: NaiveDate) -> Result<Period, String> {
        if from > to {
            return Err(format!("the period starts ({from}) after it ends ({to})"));
        }
        Ok(Period { first: from, last: to, kind: None })
    }

    /// The period before this one (of the same kind; a range of the same length).
    pub fn prev(self) -> Period {
        match self.kind {
            Some(k) => Period::containing(k, self.first - Duration::days(1)),
            None => {
                let len = self.last - self.first;
                let last = self.first - Duration::days(1);
                Period { first: last - len, last, kind: None }
            }
        }
    }

    /// The period after this one.
    pub fn next(self) -> Period {
        match self.kind {
            Some(k) => Period::containing(k, self.last + Duration::days(1)),
            None => {
                let len = self.last - self.first;
                let first = self.last + Duration::days(1);
                Period { first, last: first + len, kind: None }
            }
        }
    }

    /// Whether an office day lies in the period.
    pub fn contains(self, d: NaiveDate) -> bool {
        self.first <= d && d <= self.last
    }

    /// The half-open UTC range of the period's instants in the office's zone.
    pub fn utc_range(self, tz: OfficeTz) -> (DateTime<Utc>, DateTime<Utc>) {
        tz.days_range(self.first, self.last)
    }

    /// A stable code: `2026-W05`, `2026-01`, `2026-Q1`, `2026`, or `2026-01-01..2026-09-30`.
    pub fn code(self) -> String {
        match self.kind {
            Some(PeriodKind::Week) => {
                let w = self.first.iso_week();
                format!("{}-W{:02}", w.year(), w.week())
            }
            Some(PeriodKind::Month) => format!("{}-{:02}", self.first.year(), self.first.month()),
            Some(PeriodKind::Quarter) => format!("{}-Q{}", self.first.year(), self.first.month0() / 3 + 1),
            Some(PeriodKind::Year) => format!("{}", self.first.year()),
            None => format!("{}..{}", self.first, self.last),
        }
    }

    /// The period as an officer reads it.
    pub fn label(self, lang: Lang) -> String {
        let y = self.first.year();
        match (self.kind, lang) {
            (Some(PeriodKind::Week), Lang::Zh) => {
                let w = self.first.iso_week();
                format!("{}年第{}周（{}起）", w.year(), w.week(), self.first.format("%m-%d"))
            }
            (Some(PeriodKind::Week), Lang::En) => format!("week of {}", self.first),
            (Some(PeriodKind::Month), Lang::Zh) => format!("{y}年{}月", self.first.month()),
            (Some(PeriodKind::Month), Lang::En) => self.first.format("%B %Y").to_string(),
            (Some(PeriodKind::Quarter), Lang::Zh) => format!("{y}年第{}季度", self.first.month0() / 3 + 1),
            (Some(PeriodKind::Quarter), Lang::En) => format!("Q{} {y}", self.first.month0() / 3 + 1),
            (Some(PeriodKind::Year), Lang::Zh) => format!("{y}年"),
            (Some(PeriodKind::Year), Lang::En) => format!("{y}"),
            (None, _) => format!("{} – {}", self.first, self.last),
        }
    }
}

impl FromStr for Period {
    type Err = String;
    /// Reads a period code (see [`Period::code`]).
    fn from_str(s: &str) -> Result<Period, String> {
        let t = super::identity::normalize_width(s.trim());
        let bad =
            || format!("{t:?} is not a period (expected 2026, 2026-Q1, 2026-01, 2026-W05 or 2026-01-01..2026-03-31)");
        if let Some((a, b)) = t.split_once("..") {
            return Period::range(parse_date(a)?, parse_date(b)?);
        }
        let year = |y: &str| y.parse::<i32>().ok().filter(|y| (1000..=9999).contains(y));
        match t.split_once('-') {
            None => year(&t).map(|y| Period::containing(PeriodKind::Year, ymd(y, 1, 1))).ok_or_else(bad),
            Some((y, rest)) => {
                let y = year(y).ok_or_else(bad)?;
                if let Some(q) = rest.strip_prefix(['Q', 'q']) {
                    let q: u32 = q.parse().ok().filter(|q| (1..=4).contains(q)).ok_or_else(bad)?;
                    Ok(Period::containing(PeriodKind::Quarter, ymd(y, q * 3 - 2, 1)))
                } else if let Some(w) = rest.strip_prefix(['W', 'w']) {
                    let w: u32 = w.parse().map_err(|_| bad())?;
                    let d = NaiveDate::from_isoywd_opt(y, w, chrono::Weekday::Mon).ok_or_else(bad)?;
                    Ok(Period::containing(PeriodKind::Week, d))
                } else {
                    let m: u32 = rest.parse().ok().filter(|m| (1..=12).contains(m)).ok_or_else(bad)?;
                    Ok(Period::containing(PeriodKind::Month, ymd(y, m, 1)))
                }
            }
        }
    }
}

/// A date known to be valid (callers pass months 1–12 and day 1, or 12-31).
fn ymd(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap_or(NaiveDate::MIN)
}

/// The first and last day of a month.
fn month_bounds(y: i32, m: u32) -> (NaiveDate, NaiveDate) {
    let first = ymd(y, m, 1);
    let next = if m == 12 { ymd(y + 1, 1, 1) } else { ymd(y, m + 1, 1) };
    (first, next - Duration::days(1))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::testing::TestResult;

    fn d(s: &str) -> NaiveDate {
        // A typo in a test date shows as a failed assertion, not a panic here.
        parse_date(s).unwrap_or(NaiveDate::MIN)
    }

    #[test]
    fn a_case_at_five_in_the_morning_of_new_year_belongs_to_the_new_year() -> TestResult {
        let tz = OfficeTz::default();
        let t = tz.parse("2026-01-01 05:00")?;
        assert_eq!(t, tz.parse("2025-12-31T21:00:00Z")?);
        assert_eq!(tz.year_of(t), 2026);
        assert_eq!(tz.minutes_with_offset(t), "2026-01-01 05:00 +08:00");
        assert_eq!(tz.rfc3339(t), "2026-01-01T05:00:00+08:00");
        Ok(())
    }

    #[test]
    fn another_office_zone_moves_the_day_boundary() -> TestResult {
        let ny: OfficeTz = "America/New_York".parse()?;
        let t = ny.parse("2026-01-01T05:00:00+08:00")?;
        assert_eq!(ny.date_of(t), d("2025-12-31"));
        assert!("Mars/Olympus".parse::<OfficeTz>().is_err());
        Ok(())
    }

    #[test]
    fn a_day_that_starts_in_a_dst_gap_starts_at_its_first_existing_minute() -> TestResult {
        // Havana springs forward at midnight: 2026-03-08 00:00 does not exist there.
        let tz: OfficeTz = "America/Havana".parse()?;
        let start = tz.start_of_day(d("2026-03-08"));
        assert_eq!(tz.date_of(start), d("2026-03-08"));
        assert!(start > tz.start_of_day(d("2026-03-07")));
        Ok(())
    }

    #[test]
    fn weeks_start_on_monday_and_cross_years() -> TestResult {
        // 2026-01-01 is a Thursday: its week began on Monday 2025-12-29.
        let w = Period::containing(PeriodKind::Week, d("2026-01-01"));
        assert_eq!((w.first, w.last), (d("2025-12-29"), d("2026-01-04")));
        assert_eq!(w.code(), "2026-W01");
        assert_eq!(w.next().first, d("2026-01-05"));
        assert_eq!("2026-W01".parse::<Period>()?, w);
        Ok(())
    }

    #[test]
    fn months_quarters_and_years_have_their_real_lengths() -> TestResult {
        let feb = Period::containing(PeriodKind::Month, d("2024-02-10"));
        assert_eq!(feb.last, d("2024-02-29"));
        assert_eq!(feb.next().last, d("2024-03-31"));
        assert_eq!(Period::containing(PeriodKind::Month, d("2023-02-01")).last, d("2023-02-28"));
        let q = Period::containing(PeriodKind::Quarter, d("2023-09-30"));
        assert_eq!((q.first, q.last, q.code()), (d("2023-07-01"), d("2023-09-30"), "2023-Q3".to_string()));
        assert_eq!(q.next().code(), "2023-Q4");
        assert_eq!(q.next().next().code(), "2024-Q1");
        assert_eq!(Period::containing(PeriodKind::Year, d("2023-06-01")).prev().code(), "2022");
        assert_eq!("2023-Q3".parse::<Period>()?, q);
        assert_eq!("2024-02".parse::<Period>()?, feb);
        assert!("2024-13".parse::<Period>().is_err());
        assert!("2023-09-30..2023-01-01".parse::<Period>().is_err());
        Ok(())
    }

    #[test]
    fn a_period_covers_its_last_day_to_midnight_in_the_office() -> TestResult {
        let tz = OfficeTz::default();
        let p: Period = "2023-01-01..2023-09-30".parse()?;
        let (a, b) = p.utc_range(tz);
        let late = tz.parse("2023-09-30 23:30")?;
        assert!(a <= late && late < b);
        assert!(tz.parse("2023-10-01 00:00")? >= b);
        Ok(())
    }

    #[test]
    fn full_width_input_from_a_chinese_ime_is_read() -> TestResult {
        let tz = OfficeTz::default();
        assert_eq!(tz.parse("２０２６－０１－０１　０５：００")?, tz.parse("2026-01-01 05:00")?);
        assert!(tz.parse("tomorrow").is_err());
        Ok(())
    }

    #[test]
    fn periods_are_labelled_in_both_languages() -> TestResult {
        let q: Period = "2023-Q3".parse()?;
        assert_eq!(q.label(Lang::Zh), "2023年第3季度");
        assert_eq!(q.label(Lang::En), "Q3 2023");
        Ok(())
    }
}

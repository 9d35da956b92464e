//! The Statistics screen's period choices (this month, last month, this quarter, this year, year
//! to date, custom) as office-day periods ([`Period`]), and reading a typed custom period.

use chrono::{Datelike, NaiveDate};

use crate::domain::office_time::{parse_date, Period, PeriodKind};
use crate::domain::Lang;

/// A period choice, in the order the period key cycles through them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Choice {
    /// The month of today.
    ThisMonth,
    /// The month before.
    LastMonth,
    /// The quarter of today.
    Quarter,
    /// The year of today.
    Year,
    /// 1 January to today.
    YearToDate,
    /// Typed first and last days (or a period moved with the previous/next keys).
    Custom,
}

impl Choice {
    /// The choices the period key cycles through (custom is typed, not cycled to).
    pub const CYCLE: [Choice; 5] =
        [Choice::ThisMonth, Choice::LastMonth, Choice::Quarter, Choice::Year, Choice::YearToDate];

    /// Every choice, as the period line shows them.
    pub const ALL: [Choice; 6] =
        [Choice::ThisMonth, Choice::LastMonth, Choice::Quarter, Choice::Year, Choice::YearToDate, Choice::Custom];

    /// The next choice of the cycle.
    pub fn next(self) -> Choice {
        let i = Choice::CYCLE.iter().position(|c| *c == self).map_or(0, |i| (i + 1) % Choice::CYCLE.len());
        Choice::CYCLE[i]
    }

    /// The period it means on the office day `today` (`None` for custom).
    pub fn period(self, today: NaiveDate) -> Option<Period> {
        let month = Period::containing(PeriodKind::Month, today);
        Some(match self {
            Choice::ThisMonth => month,
            Choice::LastMonth => month.prev(),
            Choice::Quarter => Period::containing(PeriodKind::Quarter, today),
            Choice::Year => Period::containing(PeriodKind::Year, today),
            Choice::YearToDate => {
                let jan1 = NaiveDate::from_ymd_opt(today.year(), 1, 1).unwrap_or(today);
                Period { first: jan1, last: today, kind: None }
            }
            Choice::Custom => return None,
        })
    }

    /// The choice a period is on `today` (custom when it is none of the named ones).
    pub fn of(p: Period, today: NaiveDate) -> Choice {
        Choice::CYCLE.into_iter().find(|c| c.period(today) == Some(p)).unwrap_or(Choice::Custom)
    }

    /// Its name on the period line.
    pub fn label(self, lang: Lang) -> &'static str {
        let (en, zh) = match self {
            Choice::ThisMonth => ("This month", "本月"),
            Choice::LastMonth => ("Last month", "上月"),
            Choice::Quarter => ("Quarter", "本季度"),
            Choice::Year => ("Year", "本年"),
            Choice::YearToDate => ("YTD", "年初至今"),
            Choice::Custom => ("Custom", "自定义"),
        };
        if lang == Lang::Zh {
            zh
        } else {
            en
        }
    }
}

/// Reads a typed custom period: two office days (`2023-01-01 2023-09-30`, also with `..`, `~`,
/// `～`, `—`, `至` or `to` between them; full-width digits allowed) or one period code
/// (`2023-Q1`, `2023-05`, `2023`).
pub fn parse_custom(text: &str) -> Result<Period, String> {
    let t = crate::domain::identity::normalize_width(text.trim());
    let spaced = t.replace("..", " ").replace(['~', '～', '—', '至', '–'], " ").replace(" to ", " ");
    let parts: Vec<&str> = spaced.split_whitespace().collect();
    match parts[..] {
        [one] if one.len() == 10 && one.matches('-').count() == 2 => {
            let d = parse_date(one)?;
            Period::range(d, d)
        }
        [one] => one.parse::<Period>(),
        [a, b] => Period::range(parse_date(a)?, parse_date(b)?),
        _ => Err(format!("{t:?}: type the first and last day, e.g. 2023-01-01 2023-09-30, or a code like 2023-Q1")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap_or_default()
    }

    #[test]
    fn choices_mean_their_periods() {
        let today = d(2023, 5, 10);
        assert_eq!(Choice::ThisMonth.period(today).map(Period::code), Some("2023-05".into()));
        assert_eq!(Choice::LastMonth.period(today).map(Period::code), Some("2023-04".into()));
        assert_eq!(Choice::Quarter.period(today).map(Period::code), Some("2023-Q2".into()));
        assert_eq!(Choice::Year.period(today).map(Period::code), Some("2023".into()));
        assert_eq!(Choice::YearToDate.period(today).map(Period::code), Some("2023-01-01..2023-05-10".into()));
        let jan = Choice::LastMonth.period(d(2023, 1, 3)).map(Period::code);
        assert_eq!(jan, Some("2022-12".into()));
        for c in Choice::CYCLE {
            assert_eq!(c.period(today).map(|p| Choice::of(p, today)), Some(c));
        }
        assert_eq!(Choice::YearToDate.next(), Choice::ThisMonth);
        assert_eq!(Choice::Custom.next(), Choice::ThisMonth);
    }

    #[test]
    fn typed_periods_are_read_or_refused() {
        let p = parse_custom(" 2023-01-01 … 2023-09-30".replace('…', "..").as_str());
        assert_eq!(p.map(Period::code), Ok("2023-01-01..2023-09-30".into()));
        assert_eq!(
            parse_custom("２０２３-０１-０１ 至 2023-03-31").map(Period::code),
            Ok("2023-01-01..2023-03-31".into())
        );
        assert_eq!(parse_custom("2023-Q3").map(Period::code), Ok("2023-Q3".into()));
        assert_eq!(parse_custom("2023-02-03").map(Period::code), Ok("2023-02-03..2023-02-03".into()));
        assert!(parse_custom("2023-09-30 2023-01-01").is_err());
        assert!(parse_custom("yesterday").is_err());
        assert!(parse_custom("").is_err());
    }
}

//! The screening duties (三个一): every village/community committee screens weekly, every
//! town/street monthly, every district quarterly (the `[screening]` policy table may change the
//! rhythm). Which duties are due and which overdue follows from the organisation and the office
//! calendar (weeks start on Monday): the current period not yet screened is due, the one before
//! it not screened is overdue.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::office_time::{Period, PeriodKind};
use super::org::{CommitteeKind, Org, Tier};

/// The `[screening]` policy table: how often each tier's geographic committees screen.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Rhythm {
    /// Village/community committees (default weekly).
    pub village: Option<PeriodKind>,
    /// Town/street committees (default monthly).
    pub town: Option<PeriodKind>,
    /// District committees (default quarterly).
    pub district: Option<PeriodKind>,
    /// The city committee (default: no duty).
    pub city: Option<PeriodKind>,
}

impl Default for Rhythm {
    fn default() -> Self {
        Rhythm {
            village: Some(PeriodKind::Week),
            town: Some(PeriodKind::Month),
            district: Some(PeriodKind::Quarter),
            city: None,
        }
    }
}

impl Rhythm {
    /// How often committees of `tier` screen, if they have the duty.
    pub fn of(&self, tier: Tier) -> Option<PeriodKind> {
        match tier {
            Tier::Village => self.village,
            Tier::Town => self.town,
            Tier::District => self.district,
            Tier::City => self.city,
        }
    }
}

/// One screening duty of one committee for one period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Duty {
    /// The committee's id.
    pub committee_id: i64,
    /// The committee's code.
    pub committee: String,
    /// Its tier.
    pub tier: Tier,
    /// The period's code (`2026-W05`, `2026-01`, `2026-Q1`).
    pub period: String,
    /// The period's first day.
    pub first: NaiveDate,
    /// The period's last day.
    pub last: NaiveDate,
    /// The period has ended without a record.
    pub overdue: bool,
}

/// The duties open on office day `today`: for each geographic committee with a rhythm, the
/// previous period if it has no record (overdue) and the current one if it has none (due);
/// ordered by tier (village first), overdue first, then committee code. `done(committee_id,
/// period_code)` says whether a record exists.
pub fn duties(org: &Org, rhythm: &Rhythm, today: NaiveDate, done: impl Fn(i64, &str) -> bool) -> Vec<Duty> {
    let mut out = Vec::new();
    for c in org.committees.iter().filter(|c| c.kind == CommitteeKind::Geographic) {
        let Some(tier) = org.committee_tier(c) else { continue };
        let Some(kind) = rhythm.of(tier) else { continue };
        let current = Period::containing(kind, today);
        for (period, overdue) in [(current.prev(), true), (current, false)] {
            let code = period.code();
            if !done(c.id, &code) {
                out.push(Duty {
                    committee_id: c.id,
                    committee: c.code.clone(),
                    tier,
                    period: code,
                    first: period.first,
                    last: period.last,
                    overdue,
                });
            }
        }
    }
    out.sort_by(|a, b| (a.tier, !a.overdue, &a.committee).cmp(&(b.tier, !b.overdue, &b.committee)));
    out
}

/// The period of `committee`'s tier that contains `day`, if that tier screens.
pub fn period_for(rhythm: &Rhythm, tier: Tier, day: NaiveDate) -> Option<Period> {
    rhythm.of(tier).map(|k| Period::containing(k, day))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap_or_default()
    }

    #[test]
    fn periods_cross_week_month_quarter_and_year_boundaries() {
        let r = Rhythm::default();
        // 2023-01-01 is a Sunday: its Monday week began in 2022 (ISO week 2022-W52).
        let w =
            period_for(&r, Tier::Village, d(2023, 1, 1)).unwrap_or(Period::containing(PeriodKind::Year, d(1, 1, 1)));
        assert_eq!((w.first, w.last, w.code()), (d(2022, 12, 26), d(2023, 1, 1), "2022-W52".to_string()));
        let w = Period::containing(PeriodKind::Week, d(2023, 1, 2));
        assert_eq!((w.first, w.code()), (d(2023, 1, 2), "2023-W01".to_string()));
        assert_eq!(Period::containing(PeriodKind::Month, d(2024, 2, 29)).last, d(2024, 2, 29));
        assert_eq!(Period::containing(PeriodKind::Month, d(2023, 12, 31)).next().code(), "2024-01");
        let q = Period::containing(PeriodKind::Quarter, d(2023, 3, 31));
        assert_eq!(
            (q.code(), q.next().code(), q.prev().code()),
            ("2023-Q1".into(), "2023-Q2".into(), "2022-Q4".into())
        );
    }

    #[test]
    fn the_period_is_the_office_days_not_the_servers_or_utcs() {
        use crate::domain::OfficeTz;
        use chrono::{TimeZone, Utc};
        let r = Rhythm::default();
        let at = |h, m| Utc.with_ymd_and_hms(2023, 12, 31, h, m, 0).single().unwrap_or_default();
        let week = |tz: OfficeTz, t| period_for(&r, Tier::Village, tz.date_of(t)).map(|p| p.code()).unwrap_or_default();
        // Shanghai: Sunday 31 December 23:30 is still 2023-W52; 00:30 is Monday, 2024-W01.
        let sh = OfficeTz::default();
        assert_eq!(week(sh, at(15, 30)), "2023-W52");
        assert_eq!(week(sh, at(16, 30)), "2024-W01");
        for (tier, code) in [(Tier::Town, "2024-01"), (Tier::District, "2024-Q1")] {
            assert_eq!(period_for(&r, tier, sh.date_of(at(16, 30))).map(|p| p.code()), Some(code.to_string()));
        }
        // New York: 23:30 on Sunday 31 December is Monday 04:30 UTC; the office is still in 2023.
        let ny: OfficeTz = "America/New_York".parse().unwrap_or_default();
        let monday_utc = Utc.with_ymd_and_hms(2024, 1, 1, 4, 30, 0).single().unwrap_or_default();
        assert_eq!(week(ny, monday_utc), "2023-W52");
        for (tier, code) in [(Tier::Town, "2023-12"), (Tier::District, "2023-Q4")] {
            assert_eq!(period_for(&r, tier, ny.date_of(monday_utc)).map(|p| p.code()), Some(code.to_string()));
        }
        let yearly = Rhythm { city: Some(PeriodKind::Year), ..Rhythm::default() };
        assert_eq!(period_for(&yearly, Tier::City, ny.date_of(monday_utc)).map(|p| p.code()), Some("2023".into()));
        assert_eq!(period_for(&yearly, Tier::City, sh.date_of(monday_utc)).map(|p| p.code()), Some("2024".into()));
    }

    #[test]
    fn the_rhythm_is_overridable() {
        let r: Rhythm = toml::from_str("village = \"month\"\ncity = \"year\"").unwrap_or_default();
        assert_eq!(r.of(Tier::Village), Some(PeriodKind::Month));
        assert_eq!(r.of(Tier::Town), Some(PeriodKind::Month));
        assert_eq!(r.of(Tier::City), Some(PeriodKind::Year));
        assert!(toml::from_str::<Rhythm>("hamlet = \"week\"").is_err());
    }
}

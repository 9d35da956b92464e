//! The demo's screening records (三个一): for every committee with a duty, its recent periods,
//! most screened by one of its mediators on a day within the period, some not — so the desk's
//! Follow-ups pane shows duties due and overdue, as an office's would.

use chrono::{Datelike, NaiveDate};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::domain::office_time::Period;
use crate::domain::screening::Rhythm;
use crate::domain::{CommitteeKind, Org};
use crate::store::ScreeningRecord;

/// How many periods back from the current one are filled in.
const PERIODS_BACK: usize = 6;
/// The chance that a past period was screened (the rest are missed: the last one shows overdue).
const DONE_PAST: f64 = 0.85;
/// The chance that the current period has been screened already.
const DONE_CURRENT: f64 = 0.35;

/// The screenings of the `PERIODS_BACK` periods before the one holding `today` and of the
/// current one (never after `today`), deterministic for `seed`.
pub fn screenings(org: &Org, rhythm: &Rhythm, seed: u64, today: NaiveDate) -> Vec<ScreeningRecord> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed ^ 0x5C8E_E2A1);
    let mut out = Vec::new();
    for c in org.committees.iter().filter(|c| c.kind == CommitteeKind::Geographic) {
        let Some(kind) = org.committee_tier(c).and_then(|t| rhythm.of(t)) else { continue };
        let people: Vec<&str> =
            org.mediators.iter().filter(|m| m.committees.contains(&c.code)).map(|m| m.name.as_str()).collect();
        let Some(&lead) = people.first() else { continue };
        let mut period = Period::containing(kind, today);
        for back in 0..=PERIODS_BACK {
            let p = if back == 0 { DONE_CURRENT } else { DONE_PAST };
            if rng.random_bool(p) {
                let last = period.last.min(today);
                let span = (last - period.first).num_days().max(0);
                let day = period.first + chrono::Duration::days(rng.random_range(0..=span));
                let by = people.get(rng.random_range(0..people.len())).copied().unwrap_or(lead);
                let found = if rng.random_bool(0.3) { rng.random_range(1..=3) } else { 0 };
                out.push(ScreeningRecord {
                    committee: c.code.clone(),
                    day,
                    screened_by: by.to_string(),
                    places: format!("{}组、{}组", 1 + day.day() % 5, 2 + day.day() % 7),
                    found,
                    note: if found > 0 {
                        "发现矛盾纠纷，已登记".into()
                    } else {
                        "未发现矛盾纠纷".into()
                    },
                });
            }
            period = period.prev();
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::screening::duties;
    use crate::domain::testing::TestResult;

    #[test]
    fn some_duties_are_done_some_overdue_and_none_in_the_future() -> TestResult {
        let org: Org = serde_json::from_str(include_str!("../../../fixtures/demo-org.json"))?;
        let today = NaiveDate::from_ymd_opt(2026, 3, 4).ok_or("date")?;
        let rhythm = Rhythm::default();
        let recs = screenings(&org, &rhythm, 7, today);
        assert!(recs.iter().all(|r| r.day <= today));
        assert_eq!(recs, screenings(&org, &rhythm, 7, today), "deterministic for a seed");
        let done: std::collections::HashSet<(String, String)> = recs
            .iter()
            .filter_map(|r| {
                let c = org.committee_by_code(&r.committee)?;
                let kind = rhythm.of(org.committee_tier(c)?)?;
                Some((r.committee.clone(), Period::containing(kind, r.day).code()))
            })
            .collect();
        let open = duties(&org, &rhythm, today, |id, p| {
            org.committee(id).is_some_and(|c| done.contains(&(c.code.clone(), p.to_string())))
        });
        let overdue = open.iter().filter(|d| d.overdue).count();
        assert!(overdue > 0 && overdue < open.len(), "{overdue} overdue of {}", open.len());
        Ok(())
    }
}

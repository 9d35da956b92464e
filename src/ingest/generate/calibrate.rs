//! The calibrated demo year: generated cases (the ordinary generator, every case through the
//! real `Case::apply` life cycle) selected and scaled so that the report for the office days from
//! 1 January to the as-of day gives a chosen set of published figures exactly.
//!
//! How: generate the ~24 months before the as-of day's end, keep the cases received in the year,
//! then among the cases whose mediation ended in the period keep (evenly spread over the period)
//! as many successful-and-performed ones and failed ones as the targets ask, drop the other
//! mediated ones (withdrawn and open cases are all kept), settle which kept agreements carry an
//! application for judicial confirmation, scale the disputes' amounts so they sum to the target,
//! and number the refs of the year afresh. Nothing is written into the report: it counts these
//! cases like any others.

use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};

use super::{generate, GeneratedCase};
use crate::domain::{AgreementForm, Org, Policy, StatusSet};

/// The figures a calibrated year reproduces for its period.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Targets {
    /// Disputes mediated (successful + failed).
    pub mediated: u64,
    /// Of those, successful (all performed by the period's end).
    pub successful: u64,
    /// Amount involved, fen (a multiple of 100).
    pub amount_fen: i64,
    /// Applications for judicial confirmation.
    pub judicial_applications: u64,
}

/// The city's published figures for 2023 Q1–Q3 (DESIGN.md): 4085 mediated, 4084 successful
/// (99.98 %), 14706.94 万元, 4084 agreements, 4084 performed, 89 applications.
pub const PUBLISHED_2023_Q1_Q3: Targets =
    Targets { mediated: 4085, successful: 4084, amount_fen: 14_706_940_000, judicial_applications: 89 };

/// The calibrated cases of `year` up to the end of the office day `as_of`, and that instant (the
/// demo's "now"). `None` when the organisation cannot produce enough cases.
pub fn calibrated_year(
    org: &Org,
    policy: &Policy,
    seed: u64,
    year: i32,
    as_of: NaiveDate,
    t: Targets,
) -> Option<(Vec<GeneratedCase>, DateTime<Utc>)> {
    let tz = policy.office.time_zone;
    let jan1 = NaiveDate::from_ymd_opt(year, 1, 1)?;
    let (start, end) = tz.days_range(jan1, as_of);
    let now = end - Duration::seconds(1);
    let days = (as_of - jan1).num_days().max(1) + 1;
    // About 0.62 of a year's generated cases end mediated, successful and performed in it.
    let mut n = (t.mediated as f64 * 730.0 / days as f64 * 1.45) as usize + 200;
    for _ in 0..6 {
        let cases: Vec<GeneratedCase> =
            generate(org, policy, seed, n, now).filter(|g| g.case.received_at >= start).collect();
        if let Some(done) = select(cases, start, end, t) {
            let mut done = done;
            renumber(&mut done, &org.city_code, year, tz);
            return Some((done, now));
        }
        n = n * 3 / 2;
    }
    None
}

/// Keeps the targets' mix of the cases mediated in `[start, end)`; `None` when too few.
fn select(
    cases: Vec<GeneratedCase>,
    start: DateTime<Utc>,
    end: DateTime<Utc>,
    t: Targets,
) -> Option<Vec<GeneratedCase>> {
    let in_period = |g: &GeneratedCase| g.case.finished_at.is_some_and(|f| f >= start && f < end);
    let mediated = |g: &GeneratedCase| in_period(g) && !StatusSet::Withdrawn.contains(g.case.status);
    let good =
        |g: &GeneratedCase| StatusSet::Success.contains(g.case.status) && g.case.performed_at.is_some_and(|p| p < end);
    let failed: Vec<usize> = (0..cases.len())
        .filter(|&i| mediated(&cases[i]) && !StatusSet::Success.contains(cases[i].case.status))
        .collect();
    let performed: Vec<usize> = (0..cases.len()).filter(|&i| mediated(&cases[i]) && good(&cases[i])).collect();
    let want_failed = (t.mediated - t.successful) as usize;
    let want_ok = t.successful as usize;
    if failed.len() < want_failed || performed.len() < want_ok || want_ok == 0 {
        return None;
    }
    let mut keep = vec![true; cases.len()];
    for (i, g) in cases.iter().enumerate() {
        if mediated(g) {
            keep[i] = false;
        }
    }
    let spread = |pool: &[usize], k: usize| -> Vec<usize> {
        (0..k).filter_map(|j| pool.get(j * pool.len() / k.max(1))).copied().collect()
    };
    let chosen_ok = spread(&performed, want_ok);
    for &i in spread(&failed, want_failed).iter().chain(&chosen_ok) {
        keep[i] = true;
    }
    let mut cases = cases;
    // Applications for judicial confirmation among the kept agreements: the generator's own
    // choices, trimmed (latest first) or topped up with written agreements finished at least
    // three days before the end, spread over the period.
    let mut applied: Vec<usize> = chosen_ok.iter().copied().filter(|&i| cases[i].case.judicial_confirmation).collect();
    let want_j = t.judicial_applications as usize;
    while applied.len() > want_j {
        if let Some(i) = applied.pop() {
            cases[i].case.judicial_confirmation = false;
            cases[i].case.version -= 1;
        }
    }
    if applied.len() < want_j {
        let open: Vec<usize> = chosen_ok
            .iter()
            .copied()
            .filter(|&i| {
                let c = &cases[i].case;
                !c.judicial_confirmation
                    && c.agreement == Some(AgreementForm::Written)
                    && c.finished_at.is_some_and(|f| f + Duration::days(3) <= end)
            })
            .collect();
        let need = want_j - applied.len();
        if open.len() < need {
            return None;
        }
        for i in spread(&open, need) {
            cases[i].case.judicial_confirmation = true;
            cases[i].case.version += 1;
        }
    }
    // The amounts in dispute, scaled to the target to the yuan; the rounding rest on the largest.
    let kept_mediated: Vec<usize> = (0..cases.len()).filter(|&i| keep[i] && mediated(&cases[i])).collect();
    let sum: i64 = kept_mediated.iter().map(|&i| cases[i].case.amount_fen).sum();
    if sum <= 0 {
        return None;
    }
    for &i in &kept_mediated {
        let a = i128::from(cases[i].case.amount_fen) * i128::from(t.amount_fen) / i128::from(sum);
        cases[i].case.amount_fen = ((a + 50) / 100 * 100) as i64;
    }
    let scaled: i64 = kept_mediated.iter().map(|&i| cases[i].case.amount_fen).sum();
    let largest = kept_mediated.iter().copied().max_by_key(|&i| cases[i].case.amount_fen)?;
    cases[largest].case.amount_fen += t.amount_fen - scaled;
    Some(cases.into_iter().zip(keep).filter_map(|(g, k)| k.then_some(g)).collect())
}

/// Numbers the refs `{city}-{year}-{seq:05}` afresh, in received order (the office year).
fn renumber(cases: &mut [GeneratedCase], city: &str, year: i32, tz: crate::domain::office_time::OfficeTz) {
    let mut seq = 0u32;
    for g in cases.iter_mut() {
        let y = tz.date_of(g.case.received_at).year();
        seq += 1;
        g.case.reference = format!("{city}-{}-{seq:05}", if y == year { y } else { year });
    }
}

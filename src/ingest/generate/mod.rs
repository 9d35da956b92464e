//! Deterministic generator of realistic cases (the demo and bench data) and of fresh disputes for
//! the demo's simulated live intake.
//!
//! Everything is drawn from one seeded `ChaCha8Rng`, so a seed always gives the same stream.
//! Distributions follow published people's-mediation statistics: neighbour, marriage & family,
//! damages, contract and housing disputes are common, environment rare; most cases are simple or
//! general and almost all mediated ones end in an agreement. Lookup tables (usable villages, the
//! route of every village × category × complexity × red-risk combination, committee members) are
//! built once, so a case costs about a microsecond (release build). The route cache keys red risk
//! only, as the routing rules do; the tests check every case against `RoutingRules::route`.

use std::collections::HashMap;

use chrono::{DateTime, Datelike, Duration, Utc};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::domain::routing::{attached_route, is_acute};
use crate::domain::{
    AgreementForm, Area, Case, Category, Complexity, Event, Followup, FollowupChannel, FollowupOutcome, NewCase,
    OfficeTz, Org, Policy, RiskFlags, RiskLevel, Route, Source, Tier,
};

pub mod calibrate;
mod dispute;
mod people;
pub mod screenings;

use dispute::{draw_dispute, draw_partners, LIVE_SOURCES, SOURCES};

/// How far back the generated history reaches, in days (~24 months).
pub const HISTORY_DAYS: i64 = 730;

/// China Standard Time (UTC+8) in seconds east of UTC: only for the birth years of drawn people.
/// Days, office hours and the year of a ref are the policy's office time zone.
pub(super) const LOCAL_OFFSET_SECS: i64 = 8 * 3600;

pub(super) const DAY_SECS: i64 = 86_400;

/// The joint office (四所一庭) partners a joint case may be worked with.
pub(super) const PARTNERS: [&str; 4] = ["司法所", "派出所", "法庭", "律师事务所"];

/// A generated case with its follow-ups (case.id and followup ids/case_id are 0; the store assigns them).
#[derive(Debug, Clone, PartialEq)]
pub struct GeneratedCase {
    /// The case, routed and with its status and outcome as of `now`.
    pub case: Case,
    /// Its follow-up visits (only for resolved cases), in due order.
    pub followups: Vec<Followup>,
}

/// Deterministic stream of `n` cases received over the ~24 months before `now`, in received order,
/// with refs `{city_code}-{year}-{seq:05}` numbered per year from 1.
///
/// The org must have ids assigned. All times are whole seconds, before `now`; cases older than ~45
/// days are almost all finished, recent ones are spread over received/assigned/mediating. Villages
/// whose cases cannot all be routed (a malformed org) are left out; an org without a usable village
/// yields nothing.
pub fn generate<'a>(org: &'a Org, policy: &'a Policy, seed: u64, n: usize, now: DateTime<Utc>) -> Generate<'a> {
    Generate::new(org, policy, seed, n, now)
}

/// One fresh incoming dispute (for the demo's simulated live intake), received at `now` in a random
/// village of `org` (an empty area when the org has none).
pub fn random_intake(org: &Org, rng: &mut ChaCha8Rng, now: DateTime<Utc>) -> NewCase {
    let count = org.areas.iter().filter(|a| a.level == Tier::Village).count();
    let village = match count {
        0 => None,
        _ => org.areas.iter().filter(|a| a.level == Tier::Village).nth(rng.random_range(0..count)),
    };
    let (area, place, rural) = match village {
        Some(a) => (a.code.clone(), a.name_zh.as_str(), is_rural(a)),
        None => (String::new(), "", false),
    };
    let source = pick(rng, LIVE_SOURCES);
    let d = draw_dispute(rng, source, place, rural, now);
    let partners = if d.complexity == Complexity::Critical || d.risk_level == RiskLevel::Red {
        draw_partners(rng, d.complexity)
    } else {
        Vec::new()
    };
    NewCase {
        received_at: now,
        source: d.source,
        category: d.category,
        applicant: d.applicant,
        respondent: d.respondent,
        summary: d.summary,
        amount_fen: d.amount_fen,
        area,
        complexity: d.complexity,
        risk_flags: d.risk_flags,
        risk_level: d.risk_level,
        partners,
    }
}

/// A village cases can arise in, with what the generator needs of it.
struct Village {
    id: i64,
    name_zh: String,
    rural: bool,
}

/// The iterator [`generate`] returns.
pub struct Generate<'a> {
    city_code: &'a str,
    policy: &'a Policy,
    rng: ChaCha8Rng,
    now: DateTime<Utc>,
    n: usize,
    next: usize,
    villages: Vec<Village>,
    /// Cumulative village weights (some villages are busier than others).
    village_cum: Vec<u32>,
    /// Route per village × category × complexity × acute risk (red or flagged), see [`route_ix`].
    routes: Vec<Route>,
    /// Per village: where a court, police and petition referral goes (the attached committee),
    /// when the organisation has one.
    attached: Vec<[Option<Route>; 3]>,
    /// Mediator ids per committee id: all members, and those on duty.
    members: HashMap<i64, (Vec<i64>, Vec<i64>)>,
    calendar: Calendar,
    year: i32,
    seq: u32,
}

/// `acute` is routing's rule 3 ([`crate::domain::routing::is_acute`]): red risk or any flag.
fn route_ix(village: usize, category: Category, complexity: Complexity, acute: bool) -> usize {
    ((village * Category::ALL.len() + category as usize) * Complexity::ALL.len() + complexity as usize) * 2
        + usize::from(acute)
}

fn is_rural(a: &Area) -> bool {
    a.name_zh.ends_with('村')
}

impl<'a> Generate<'a> {
    fn new(org: &'a Org, policy: &'a Policy, seed: u64, n: usize, now: DateTime<Utc>) -> Generate<'a> {
        let now = DateTime::from_timestamp(now.timestamp(), 0).unwrap_or(now);
        let mut setup = ChaCha8Rng::seed_from_u64(seed ^ 0x9E37_79B9_7F4A_7C15);
        let mut villages = Vec::new();
        let mut village_cum = Vec::new();
        let mut routes = Vec::new();
        let mut attached = Vec::new();
        let mut total = 0u32;
        'village: for a in org.areas.iter().filter(|a| a.level == Tier::Village) {
            let mut these = Vec::with_capacity(Category::ALL.len() * Complexity::ALL.len() * 2);
            for &category in Category::ALL {
                for &complexity in Complexity::ALL {
                    for risk in [RiskLevel::None, RiskLevel::Red] {
                        match policy.routing.route(
                            org,
                            Source::WalkIn,
                            &a.code,
                            category,
                            complexity,
                            risk,
                            RiskFlags::default(),
                        ) {
                            Ok(r) => these.push(r),
                            Err(_) => continue 'village,
                        }
                    }
                }
            }
            routes.extend(these);
            attached.push(
                [Source::CourtReferral, Source::PoliceReferral, Source::PetitionReferral]
                    .map(|src| attached_route(org, src, &a.code, false)),
            );
            // Communities in town are busier than villages; every place has its own temper.
            let base = if is_rural(a) { 60 } else { 100 };
            total += base + setup.random_range(0..base);
            village_cum.push(total);
            villages.push(Village { id: a.id, name_zh: a.name_zh.clone(), rural: is_rural(a) });
        }
        let committee_ids: HashMap<&str, i64> = org.committees.iter().map(|c| (c.code.as_str(), c.id)).collect();
        let mut members: HashMap<i64, (Vec<i64>, Vec<i64>)> = HashMap::new();
        for m in &org.mediators {
            for code in &m.committees {
                if let Some(&cid) = committee_ids.get(code.as_str()) {
                    let entry = members.entry(cid).or_default();
                    entry.0.push(m.id);
                    if m.on_duty {
                        entry.1.push(m.id);
                    }
                }
            }
        }
        let calendar = Calendar::new(&mut setup, policy.office.time_zone, now);
        Generate {
            city_code: &org.city_code,
            policy,
            rng: ChaCha8Rng::seed_from_u64(seed),
            now,
            n,
            next: 0,
            villages,
            village_cum,
            routes,
            attached,
            members,
            calendar,
            year: 0,
            seq: 0,
        }
    }

    fn pick_village(&mut self) -> usize {
        let total = self.village_cum.last().copied().unwrap_or(0);
        let x = self.rng.random_range(0..total.max(1));
        self.village_cum.partition_point(|&c| c <= x).min(self.villages.len().saturating_sub(1))
    }

    fn case(&mut self, received_at: DateTime<Utc>) -> GeneratedCase {
        let now = self.now;
        let local_year = self.policy.office.time_zone.year_of(received_at);
        if local_year != self.year {
            self.year = local_year;
            self.seq = 0;
        }
        self.seq += 1;
        let reference = format!("{}-{}-{:05}", self.city_code, self.year, self.seq);

        let vix = self.pick_village();
        let rng = &mut self.rng;
        let (village_id, place, rural) = match self.villages.get(vix) {
            Some(v) => (v.id, v.name_zh.as_str(), v.rural),
            None => (0, "", false),
        };
        let source = pick(rng, SOURCES);
        let d = draw_dispute(rng, source, place, rural, received_at);
        let acute = is_acute(d.risk_level, d.risk_flags);
        let attached = self.attached.get(vix).and_then(|a| match d.source {
            Source::CourtReferral => a[0],
            Source::PoliceReferral => a[1],
            Source::PetitionReferral => a[2],
            _ => None,
        });
        let route = match attached {
            Some(r) => Route { joint: d.complexity == Complexity::Critical || acute, ..r },
            None => self.routes.get(route_ix(vix, d.category, d.complexity, acute)).copied().unwrap_or(Route {
                tier: Tier::Village,
                committee_id: 0,
                joint: false,
            }),
        };
        let partners = if route.joint { draw_partners(rng, d.complexity) } else { Vec::new() };
        let clocks = &self.policy.clocks;
        let assign_due = clocks.assign_due_for(received_at, d.complexity, d.risk_level, d.risk_flags);

        let intake = NewCase {
            received_at,
            source: d.source,
            category: d.category,
            applicant: d.applicant,
            respondent: d.respondent,
            summary: d.summary,
            amount_fen: d.amount_fen,
            area: String::new(), // resolved already: village_id
            complexity: d.complexity,
            risk_flags: d.risk_flags,
            risk_level: d.risk_level,
            partners,
        };
        let mut case = intake.into_received(village_id, route, clocks);
        case.reference = reference;
        let mut followups = Vec::new();

        // The case's life as it would run, then cut at `now`.
        let assign_window = (assign_due - received_at).num_seconds().max(600) as f64;
        let assign_delay = if chance(rng, 0.03) {
            assign_window * rng.random_range(1.1..3.0) // late: the whistle went unanswered a while
        } else {
            assign_window * rng.random_range(0.02..0.85)
        };
        let assigned_at = received_at + Duration::seconds(assign_delay.max(300.0) as i64);
        let lead = if assigned_at <= now {
            let recent = (now - received_at).num_days() < 30;
            self.members.get(&route.committee_id).and_then(|(all, on_duty)| {
                let pool = if recent && !on_duty.is_empty() { on_duty } else { all };
                match pool.len() {
                    0 => None,
                    len => pool.get(rng.random_range(0..len)).copied(),
                }
            })
        } else {
            None
        };
        let Some(lead) = lead else {
            return GeneratedCase { case, followups };
        };
        let mediation_due = clocks.mediation_due(received_at, assigned_at, d.complexity, d.source);
        case.lead_mediator_id = Some(lead);
        case.assigned_at = Some(assigned_at);
        case.mediation_due = Some(mediation_due);
        step(&mut case, Event::Assign);
        case.version = 2;

        let window = (mediation_due - assigned_at).num_seconds().max(3600) as f64;
        let started_at =
            assigned_at + Duration::seconds((window * 0.15).min(20_000.0) as i64 * rng.random_range(0..100) / 100);
        let roll = rng.random::<f64>();
        let duration = if roll < 0.0015 {
            rng.random_range(40.0..150.0) * DAY_SECS as f64 // stuck: extended, parties abroad, ...
        } else if roll < 0.02 {
            window * rng.random_range(1.05..1.6) // ran past the mediation clock
        } else {
            window * (0.05 + 0.9 * (rng.random::<f64>() + rng.random::<f64>()) / 2.0)
        };
        let finished_at = assigned_at + Duration::seconds(duration.max(1800.0) as i64);
        if finished_at > now {
            if started_at <= now {
                step(&mut case, Event::StartMediation);
                case.version = 3;
            }
            return GeneratedCase { case, followups };
        }
        case.finished_at = Some(finished_at);
        case.version = 4;
        let roll = rng.random::<f64>();
        if roll < 0.012 {
            step(&mut case, Event::Withdraw);
            case.outcome_note = pick(rng, WITHDRAWN_NOTES).to_string();
            return GeneratedCase { case, followups };
        }
        if roll < 0.016 {
            step(&mut case, Event::Fail);
            case.outcome_note = pick(rng, FAILED_NOTES).to_string();
            return GeneratedCase { case, followups };
        }

        // Resolved: the agreement, its performance and the follow-up visits.
        step(&mut case, Event::Resolve);
        let oral_p = match d.complexity {
            Complexity::Simple => 0.3,
            Complexity::General => 0.1,
            _ => 0.02,
        };
        let form = if chance(rng, oral_p) { AgreementForm::Oral } else { AgreementForm::Written };
        case.agreement = Some(form);
        let on_the_spot = form == AgreementForm::Oral || chance(rng, 0.55);
        if !on_the_spot && chance(rng, 0.6) {
            case.performance_due = Some(finished_at + Duration::days(rng.random_range(7..90)));
        }
        case.outcome_note = match (form, on_the_spot, case.performance_due.is_some()) {
            (AgreementForm::Oral, _, _) => "经调解双方互谅互让，达成口头协议，矛盾化解",
            (_, true, _) => "双方自愿达成书面调解协议，当场履行完毕",
            (_, false, true) => "双方达成书面调解协议，约定分期履行",
            (_, false, false) => "双方自愿达成书面调解协议，约定限期履行",
        }
        .to_string();
        case.performed = on_the_spot;
        case.performed_at = on_the_spot.then_some(finished_at);
        if form == AgreementForm::Written {
            let p = if case.amount_fen >= 5_000_000 { 0.05 } else { 0.018 };
            if chance(rng, p) && finished_at + Duration::days(3) <= now {
                case.judicial_confirmation = true;
                case.version += 1;
            }
        }
        let mut all_done = true;
        let mut last_ok = true;
        for due in clocks.followups(finished_at, case.performance_due, d.complexity) {
            let mut f = Followup { due, ..Followup::pending() };
            let since = (now - due).num_days();
            // Offices chase overdue visits: a few slip for weeks, none for months.
            let p_done = match since {
                s if s > 60 => 1.0,
                s if s > 30 => 0.99,
                s => 0.55 + 0.014 * s as f64,
            };
            let done = since >= 0 && chance(rng, p_done);
            if done {
                let at = due + Duration::hours(rng.random_range(-72..120));
                let at = at.max(finished_at + Duration::hours(1)).min(now - Duration::minutes(10));
                let outcome =
                    if last_ok { pick(rng, FOLLOWUP_OUTCOMES) } else { pick(rng, FOLLOWUP_OUTCOMES_AFTER_TROUBLE) };
                f.done_at = Some(at);
                f.channel = Some(pick(
                    rng,
                    &[(FollowupChannel::Phone, 55), (FollowupChannel::Visit, 40), (FollowupChannel::Online, 5)],
                ));
                f.outcome = Some(outcome);
                f.note = followup_note(outcome).to_string();
                last_ok = outcome == FollowupOutcome::Performed;
                if last_ok {
                    case.performed = true;
                    case.performed_at = case.performed_at.or(Some(at));
                }
                case.version += 1;
            } else {
                all_done = false;
            }
            followups.push(f);
        }
        if all_done && last_ok && case.performed {
            let p = if now - received_at > Duration::days(120) { 0.97 } else { 0.4 };
            if chance(rng, p) {
                step(&mut case, Event::Close);
                case.version += 1;
            }
        }
        GeneratedCase { case, followups }
    }
}

impl Iterator for Generate<'_> {
    type Item = GeneratedCase;

    fn next(&mut self) -> Option<GeneratedCase> {
        if self.next >= self.n || self.villages.is_empty() {
            return None;
        }
        let p = (self.next as f64 + self.rng.random::<f64>()) / self.n as f64;
        self.next += 1;
        let received_at = self.calendar.at(p);
        Some(self.case(received_at))
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let left = if self.villages.is_empty() { 0 } else { self.n - self.next };
        (left, Some(left))
    }
}

impl ExactSizeIterator for Generate<'_> {}

/// Hour-of-day weights of incoming disputes (local time): office hours, a lunch dip, a few at night.
const HOUR_WEIGHTS: [f64; 24] = [
    0.2, 0.1, 0.1, 0.1, 0.1, 0.2, 0.5, 1.5, 5.0, 9.0, 10.0, 9.0, 4.0, 4.0, 8.0, 9.0, 8.0, 6.0, 3.0, 2.5, 2.0, 1.5, 0.8,
    0.4,
];
/// Weekday weights, Monday first.
const WEEKDAY_WEIGHTS: [f64; 7] = [1.15, 1.05, 1.0, 1.0, 1.0, 0.55, 0.45];
/// Month weights, January first: wage disputes before the Spring Festival, a lull at the holidays.
const MONTH_WEIGHTS: [f64; 12] = [1.15, 0.85, 1.0, 1.05, 1.05, 1.0, 1.0, 0.95, 1.0, 0.85, 1.0, 1.1];

/// Maps a position in [0, 1) of the history to a time, monotonically, so that evenly spread
/// positions give a realistic rhythm of days and hours.
struct Calendar {
    /// The first instant of each office day of the history (Unix timestamps), oldest first.
    day_starts: Vec<i64>,
    weights: Vec<f64>,
    cum: Vec<f64>,
    hour_cum: [f64; 25],
    /// The share of today's hours that has passed.
    today_cap: f64,
    now: DateTime<Utc>,
}

impl Calendar {
    fn new(rng: &mut ChaCha8Rng, tz: OfficeTz, now: DateTime<Utc>) -> Calendar {
        let mut hour_cum = [0.0; 25];
        let total: f64 = HOUR_WEIGHTS.iter().sum();
        for h in 0..24 {
            hour_cum[h + 1] = hour_cum[h] + HOUR_WEIGHTS[h] / total;
        }
        hour_cum[24] = 1.0;
        let today = tz.date_of(now);
        let into_today = (now - tz.start_of_day(today)).num_seconds() as f64 / 3600.0;
        let h = (into_today as usize).min(23);
        let today_cap = hour_cum[h] + (hour_cum[h + 1] - hour_cum[h]) * (into_today - h as f64).clamp(0.0, 1.0);
        let first = today - Duration::days(HISTORY_DAYS);
        let mut weights = Vec::with_capacity(HISTORY_DAYS as usize + 1);
        let mut cum = Vec::with_capacity(HISTORY_DAYS as usize + 1);
        let mut day_starts = Vec::with_capacity(HISTORY_DAYS as usize + 1);
        let mut acc = 0.0;
        for d in 0..=HISTORY_DAYS {
            let date = first + Duration::days(d);
            day_starts.push(tz.start_of_day(date).timestamp());
            let (weekday, month) = (date.weekday().num_days_from_monday() as usize, date.month0() as usize);
            let trend = 1.0 + 0.2 * d as f64 / HISTORY_DAYS as f64;
            let mut w = WEEKDAY_WEIGHTS[weekday % 7] * MONTH_WEIGHTS[month % 12] * trend * rng.random_range(0.8..1.2);
            if d == HISTORY_DAYS {
                w *= today_cap;
            }
            acc += w;
            weights.push(w);
            cum.push(acc);
        }
        Calendar { day_starts, weights, cum, hour_cum, today_cap, now }
    }

    fn at(&self, p: f64) -> DateTime<Utc> {
        let total = self.cum.last().copied().unwrap_or(0.0);
        let target = p.clamp(0.0, 1.0) * total;
        let last = self.cum.len().saturating_sub(1);
        let d = self.cum.partition_point(|&c| c <= target).min(last);
        let before = if d == 0 { 0.0 } else { self.cum[d - 1] };
        let w = self.weights[d];
        let q = if w > 0.0 { ((target - before) / w).clamp(0.0, 1.0) } else { 0.0 };
        let x = q * if d == last { self.today_cap } else { 1.0 };
        let h = self.hour_cum.partition_point(|&c| c <= x).clamp(1, 24) - 1;
        let span = self.hour_cum[h + 1] - self.hour_cum[h];
        let frac = if span > 0.0 { ((x - self.hour_cum[h]) / span).clamp(0.0, 1.0) } else { 0.0 };
        let secs = (((h as f64 + frac) * 3600.0) as i64).clamp(0, DAY_SECS - 1);
        let ts = self.day_starts.get(d).copied().unwrap_or_default() + secs;
        let t = DateTime::from_timestamp(ts, 0).unwrap_or(self.now);
        t.min(self.now - Duration::seconds(1))
    }
}

// ---- drawing one dispute ----------------------------------------------------------------------

pub(super) const PROGRESS: &[&str] = &[
    "双方多次协商未果",
    "双方各执一词，协商不成",
    "双方情绪激动，发生口角",
    "矛盾有激化苗头",
    "一方要求赔偿，另一方不同意",
    "双方分歧较大",
    "当事人请求调解组织介入",
];

const WITHDRAWN_NOTES: &[(&str, u32)] = &[("申请人撤回调解申请", 1), ("双方自行和解，申请撤回", 2)];

const FAILED_NOTES: &[(&str, u32)] = &[
    ("双方分歧较大，调解终止，已告知当事人可依法向人民法院起诉", 3),
    ("一方拒绝继续调解，调解终止，已告知其他救济途径", 2),
];

/// What a follow-up finds: performance was confirmed almost always (4084 of 4084 in 2023 Q1–Q3).
const FOLLOWUP_OUTCOMES: &[(FollowupOutcome, u32)] = &[
    (FollowupOutcome::Performed, 975),
    (FollowupOutcome::Partial, 12),
    (FollowupOutcome::NotPerformed, 6),
    (FollowupOutcome::Recurrence, 7),
];

/// What the next follow-up finds after one that found trouble.
const FOLLOWUP_OUTCOMES_AFTER_TROUBLE: &[(FollowupOutcome, u32)] =
    &[(FollowupOutcome::Performed, 85), (FollowupOutcome::Partial, 10), (FollowupOutcome::Recurrence, 5)];

/// Moves the case along the life-cycle table, exactly as the store's commands do.
fn step(case: &mut Case, event: Event) {
    let applied = case.apply(event);
    debug_assert!(applied.is_ok(), "the generator left the life cycle: {applied:?}");
}

fn followup_note(outcome: FollowupOutcome) -> &'static str {
    match outcome {
        FollowupOutcome::Performed => "当事人表示协议已履行完毕，矛盾已化解",
        FollowupOutcome::Partial => "已履行部分款项，剩余部分约定下月支付",
        FollowupOutcome::NotPerformed => "对方尚未履行，已督促履行并告知可申请司法确认",
        FollowupOutcome::Recurrence => "双方仍有矛盾，已列入整改清单",
    }
}

// ---- helpers -----------------------------------------------------------------------------------

pub(super) fn chance(rng: &mut ChaCha8Rng, p: f64) -> bool {
    rng.random::<f64>() < p
}

/// A weighted pick from a non-empty table.
fn pick<T: Copy>(rng: &mut ChaCha8Rng, table: &[(T, u32)]) -> T {
    let total: u32 = table.iter().map(|e| e.1).sum();
    let mut x = rng.random_range(0..total.max(1));
    for &(v, w) in table {
        if x < w {
            return v;
        }
        x -= w;
    }
    table[table.len() - 1].0
}

/// A uniform pick from a non-empty list.
pub(super) fn pick_str(rng: &mut ChaCha8Rng, list: &[&'static str]) -> &'static str {
    list.get(rng.random_range(0..list.len().max(1))).copied().unwrap_or("")
}

#[cfg(test)]
mod tests {
    use super::people::{id_number, GIVEN_FEMALE, GIVEN_MALE, SURNAMES};
    use super::*;
    use crate::domain::testing::TestResult;
    use crate::domain::Status;
    use std::collections::HashSet;

    fn demo_org() -> Result<Org, serde_json::Error> {
        let mut org: Org = serde_json::from_str(include_str!("../../../fixtures/demo-org.json"))?;
        for (i, a) in org.areas.iter_mut().enumerate() {
            a.id = i as i64 + 1;
        }
        for (i, c) in org.committees.iter_mut().enumerate() {
            c.id = i as i64 + 1;
        }
        for (i, m) in org.mediators.iter_mut().enumerate() {
            m.id = i as i64 + 1;
        }
        Ok(org)
    }

    /// 2024-03-14 06:30 UTC.
    fn now() -> DateTime<Utc> {
        DateTime::<Utc>::UNIX_EPOCH + Duration::seconds(1_710_397_800)
    }

    #[test]
    fn demo_org_is_valid_and_shaped_like_wuhai() -> TestResult {
        let org = demo_org()?;
        org.validate().map_err(|e| e.join("; "))?;
        let count = |t: Tier| org.areas.iter().filter(|a| a.level == t).count();
        assert_eq!((count(Tier::City), count(Tier::District), count(Tier::Town), count(Tier::Village)), (1, 3, 20, 83));
        assert_eq!(org.city_code, "WH");
        assert_eq!(org.mediators.len(), 350);
        assert_eq!(org.mediators.iter().filter(|m| m.grid_worker).count(), 247);
        for c in &org.committees {
            assert!(org.members(&c.code).count() >= 2, "{} has too few members", c.code);
        }
        for m in &org.mediators {
            assert_eq!(m.phone.len(), 11);
            assert!((5..=15).contains(&m.capacity));
            if m.grid_worker {
                let tier = org.committee_by_code(&m.committees[0]).and_then(|c| org.committee_tier(c));
                assert_eq!(tier, Some(Tier::Village));
            }
        }
        use crate::domain::CommitteeKind as K;
        for kind in [K::Traffic, K::Medical, K::Labour, K::Property, K::Court, K::Police] {
            assert!(org.committees.iter().any(|c| c.kind == kind), "no {kind} committee");
        }
        Ok(())
    }

    #[test]
    fn same_seed_gives_the_same_stream_and_another_seed_another() -> TestResult {
        let org = demo_org()?;
        let policy = Policy::default();
        let a: Vec<_> = generate(&org, &policy, 7, 2000, now()).collect();
        let b: Vec<_> = generate(&org, &policy, 7, 2000, now()).collect();
        assert_eq!(a.len(), 2000);
        assert_eq!(a, b);
        let c: Vec<_> = generate(&org, &policy, 8, 2000, now()).collect();
        assert_ne!(a, c);
        let mut r1 = ChaCha8Rng::seed_from_u64(3);
        let mut r2 = ChaCha8Rng::seed_from_u64(3);
        assert_eq!(random_intake(&org, &mut r1, now()), random_intake(&org, &mut r2, now()));
        Ok(())
    }

    #[test]
    fn refs_and_office_hours_follow_the_office_zone() -> TestResult {
        use chrono::Timelike;
        let org = demo_org()?;
        for zone in ["Asia/Shanghai", "America/New_York"] {
            let mut policy = Policy::default();
            policy.office.time_zone = zone.parse()?;
            let tz = policy.office.time_zone;
            let (mut n, mut office_hours) = (0, 0);
            for g in generate(&org, &policy, 5, 3000, now()) {
                let year: i32 = g.case.reference.get(3..7).ok_or("a ref is WH-YEAR-SEQ")?.parse()?;
                assert_eq!(year, tz.year_of(g.case.received_at), "{zone}: {}", g.case.reference);
                n += 1;
                office_hours += usize::from((8..21).contains(&tz.local(g.case.received_at).hour()));
            }
            assert!(office_hours * 4 > n * 3, "{zone}: {office_hours} of {n} in office hours");
        }
        Ok(())
    }

    #[test]
    fn generated_cases_are_consistent_with_the_domain() -> TestResult {
        let org = demo_org()?;
        let policy = Policy::default();
        let now = now();
        let n = 20_000;
        let gen = generate(&org, &policy, 42, n, now);
        assert_eq!(gen.len(), n);
        let cases: Vec<_> = gen.collect();
        assert_eq!(cases.len(), n);
        let mut refs = HashSet::new();
        let mut prev = DateTime::<Utc>::MIN_UTC;
        let mut prev_seq: Option<(String, u32)> = None;
        for g in &cases {
            let c = &g.case;
            assert!(refs.insert(c.reference.clone()), "duplicate ref {}", c.reference);
            // refs number per year from 1, in order
            let (year, seq) =
                c.reference.strip_prefix("WH-").and_then(|r| r.split_once('-')).ok_or("a ref is WH-YEAR-SEQ")?;
            let seq: u32 = seq.parse()?;
            match &prev_seq {
                Some((y, s)) if y == year => assert_eq!(seq, s + 1),
                _ => assert_eq!(seq, 1, "{}", c.reference),
            }
            prev_seq = Some((year.to_string(), seq));
            assert!(c.received_at >= prev && c.received_at < now);
            assert!(c.received_at > now - Duration::days(HISTORY_DAYS + 1));
            prev = c.received_at;
            assert_eq!((c.id, c.version >= 1), (0, true));

            let area = org.area(c.area_id).ok_or("the case's area exists")?;
            assert_eq!(area.level, Tier::Village);
            let committee = org.committee(c.committee_id).ok_or("the routed committee exists")?;
            assert!(org.covers(committee, &area.code));
            assert_eq!(org.committee_tier(committee), Some(c.tier));
            let route = policy.routing.route(
                &org,
                c.source,
                &area.code,
                c.category,
                c.complexity,
                c.risk_level,
                c.risk_flags,
            )?;
            assert_eq!((route.tier, route.committee_id, route.joint), (c.tier, c.committee_id, c.joint));
            assert_eq!(c.joint, !c.partners.is_empty());
            assert_eq!(
                c.assign_due,
                policy.clocks.assign_due_for(c.received_at, c.complexity, c.risk_level, c.risk_flags)
            );

            for p in [&c.applicant, &c.respondent] {
                assert!(!p.name.is_empty());
                assert_eq!(p.phone.len(), 11);
                assert!(p.phone.bytes().all(|b| b.is_ascii_digit()));
                assert!(p.id_no.is_empty() || p.id_no.len() == 18, "{:?}", p.id_no);
            }
            assert!(c.summary.ends_with('。') && c.amount_fen >= 0);
            let as_new = NewCase {
                received_at: c.received_at,
                source: c.source,
                category: c.category,
                applicant: c.applicant.clone(),
                respondent: c.respondent.clone(),
                summary: c.summary.clone(),
                amount_fen: c.amount_fen,
                area: area.code.clone(),
                complexity: c.complexity,
                risk_flags: c.risk_flags,
                risk_level: c.risk_level,
                partners: c.partners.clone(),
            };
            assert_eq!(as_new.validate(&org, now), vec![]);

            match c.status {
                Status::Received => {
                    assert!(c.lead_mediator_id.is_none() && c.assigned_at.is_none() && c.mediation_due.is_none());
                    assert_eq!(c.version, 1);
                }
                _ => {
                    let lead =
                        c.lead_mediator_id.and_then(|id| org.mediator(id)).ok_or("an assigned case has a lead")?;
                    assert!(lead.committees.contains(&committee.code));
                    let at = c.assigned_at.ok_or("an assigned case has assigned_at")?;
                    assert!(at >= c.received_at && at <= now);
                    assert_eq!(
                        c.mediation_due,
                        Some(policy.clocks.mediation_due(c.received_at, at, c.complexity, c.source))
                    );
                    assert!(c.version >= 2);
                }
            }
            if c.status.is_open() {
                assert!(c.finished_at.is_none() && c.agreement.is_none() && g.followups.is_empty());
            } else {
                let fin = c.finished_at.ok_or("a finished case has finished_at")?;
                assert!(c.assigned_at.is_some_and(|at| fin >= at) && fin <= now);
            }
            match c.status {
                Status::Resolved | Status::Closed => {
                    assert!(c.agreement.is_some());
                    let fin = c.finished_at.ok_or("a resolved case has finished_at")?;
                    let dues = policy.clocks.followups(fin, c.performance_due, c.complexity);
                    assert_eq!(g.followups.iter().map(|f| f.due).collect::<Vec<_>>(), dues);
                    for f in &g.followups {
                        assert_eq!((f.id, f.case_id), (0, 0));
                        if let Some(d) = f.done_at {
                            assert!(d > fin && d <= now && f.outcome.is_some() && f.channel.is_some());
                        }
                    }
                    if c.status == Status::Closed {
                        assert!(c.performed && g.followups.iter().all(|f| f.done_at.is_some()));
                    }
                }
                _ => assert!(g.followups.is_empty() && c.agreement.is_none() && !c.judicial_confirmation),
            }
        }
        Ok(())
    }

    #[test]
    fn the_mix_looks_like_real_statistics() -> TestResult {
        let org = demo_org()?;
        let policy = Policy::default();
        let now = now();
        let cases: Vec<_> = generate(&org, &policy, 2, 20_000, now).collect();
        let share = |f: &dyn Fn(&GeneratedCase) -> bool, of: &dyn Fn(&GeneratedCase) -> bool| {
            let base: Vec<_> = cases.iter().filter(|g| of(g)).collect();
            base.iter().filter(|g| f(g)).count() as f64 / base.len().max(1) as f64
        };
        let all = |_: &GeneratedCase| true;
        let old = |g: &GeneratedCase| now - g.case.received_at > Duration::days(45);
        let finished_old = share(&|g| g.case.status.is_finished(), &old);
        assert!(finished_old > 0.99, "{finished_old}");
        let mediated = |g: &GeneratedCase| matches!(g.case.status, Status::Resolved | Status::Closed | Status::Failed);
        let success = share(&|g| g.case.status != Status::Failed, &mediated);
        assert!((0.98..0.999).contains(&success), "{success}");
        let closed_old =
            share(&|g| g.case.status == Status::Closed, &|g| now - g.case.received_at > Duration::days(150));
        assert!(closed_old > 0.9, "{closed_old}");
        let open = |g: &GeneratedCase| g.case.status.is_open();
        let open_count = cases.iter().filter(|g| open(g)).count();
        assert!(open_count > 20, "{open_count}");
        let overdue = share(&|g| g.case.is_overdue(now), &open);
        assert!(overdue > 0.0 && overdue < 0.15, "{overdue}");
        for s in [Status::Received, Status::Assigned, Status::Mediating] {
            assert!(cases.iter().any(|g| g.case.status == s), "no {s} case");
        }
        let confirmed = share(&|g| g.case.judicial_confirmation, &|g| g.case.agreement.is_some());
        assert!((0.01..0.04).contains(&confirmed), "{confirmed}");
        let neighbour = share(&|g| g.case.category == Category::Neighbour, &all);
        let environment = share(&|g| g.case.category == Category::Environment, &all);
        assert!(neighbour > 0.15 && environment < 0.02, "{neighbour} {environment}");
        let red = share(&|g| g.case.risk_level == RiskLevel::Red, &all);
        let critical = share(&|g| g.case.complexity == Complexity::Critical, &all);
        assert!(red < 0.03 && critical < 0.03, "{red} {critical}");
        let followups: Vec<&Followup> = cases.iter().flat_map(|g| &g.followups).collect();
        assert!(followups.iter().any(|f| f.done_at.is_none() && f.due < now), "no overdue follow-up");
        assert!(followups.iter().any(|f| f.done_at.is_none() && f.due >= now), "no follow-up due soon");
        let avg_yuan = cases.iter().map(|g| g.case.amount_fen).sum::<i64>() as f64 / cases.len() as f64 / 100.0;
        assert!((5_000.0..100_000.0).contains(&avg_yuan), "{avg_yuan}");
        let families = cases.iter().filter(|g| g.case.category == Category::MarriageFamily);
        assert!(families.clone().filter(|g| g.case.amount_fen == 0).count() * 2 > families.count());
        Ok(())
    }

    #[test]
    fn id_numbers_carry_a_valid_check_character() {
        let mut rng = ChaCha8Rng::seed_from_u64(9);
        for _ in 0..200 {
            let id = id_number(&mut rng, 2023, true);
            assert_eq!(id.len(), 18);
            // the well-known sample 11010519491231002X validates with the same rule
            let sum: u32 = id
                .bytes()
                .take(17)
                .zip([7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2])
                .map(|(b, w)| (b - b'0') as u32 * w)
                .sum();
            assert_eq!(
                id.chars().nth(17),
                Some(['1', '0', 'X', '9', '8', '7', '6', '5', '4', '3', '2'][(sum % 11) as usize])
            );
            assert_eq!((id.as_bytes()[16] - b'0') % 2, 1, "male ids have an odd sequence");
        }
        for s in [SURNAMES, GIVEN_MALE, GIVEN_FEMALE] {
            assert!(s.chars().all(|c| c.len_utf8() == 3), "name tables must be 3-byte characters");
        }
    }

    #[test]
    fn live_intake_is_valid_and_routable() -> TestResult {
        let org = demo_org()?;
        let policy = Policy::default();
        let mut rng = ChaCha8Rng::seed_from_u64(11);
        for _ in 0..500 {
            let c = random_intake(&org, &mut rng, now());
            assert_eq!(c.validate(&org, now()), vec![]);
            assert_eq!(c.received_at, now());
            policy.routing.route(&org, c.source, &c.area, c.category, c.complexity, c.risk_level, c.risk_flags)?;
        }
        let empty = Org::default();
        let c = random_intake(&empty, &mut rng, now());
        assert!(c.area.is_empty());
        assert_eq!(generate(&empty, &policy, 1, 10, now()).count(), 0);
        Ok(())
    }

    #[test]
    #[ignore = "timing; run with --release --ignored"]
    fn a_million_cases_are_cheap() -> TestResult {
        let org = demo_org()?;
        let policy = Policy::default();
        let t = std::time::Instant::now();
        let n = generate(&org, &policy, 1, 1_000_000, now()).filter(|g| g.case.status == Status::Closed).count();
        eprintln!("1M cases in {:?} ({n} closed)", t.elapsed());
        Ok(())
    }
}

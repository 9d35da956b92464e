//! Clocks: assignment and mediation deadlines, follow-up dates, and ok / due-soon / overdue.

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

use super::case::{Complexity, ExtensionConsent, RiskFlags, RiskLevel, Source};

/// Deadline settings; the defaults are DESIGN.md's, an office may override them in `rules.toml`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Clocks {
    /// Hours to assign a critical case.
    pub assign_critical_hours: i64,
    /// Hours to assign a major case.
    pub assign_major_hours: i64,
    /// Hours to assign a general case.
    pub assign_general_hours: i64,
    /// Hours to assign a simple case.
    pub assign_simple_hours: i64,
    /// Days to mediate a simple case.
    pub mediate_simple_days: i64,
    /// Days to mediate a general case.
    pub mediate_general_days: i64,
    /// Days to mediate a major case.
    pub mediate_major_days: i64,
    /// Days to mediate a critical case.
    pub mediate_critical_days: i64,
    /// The statutory limit on mediation, in days.
    pub statutory_days: i64,
    /// Days after an agreement for the first follow-up when no performance date was agreed.
    pub followup_days: i64,
    /// Days after an agreement for the second follow-up of major and critical cases.
    pub followup_major_days: i64,
    /// Days to the next visit after one that found the agreement partly or not performed.
    pub followup_next_days: i64,
    /// Days a rectification item (整改清单) has before it is overdue.
    pub rectification_days: i64,
    /// Days after an agreement within which judicial confirmation may be applied for.
    pub judicial_confirmation_days: i64,
    /// The share of a clock (in percent) after which it shows "due soon".
    pub due_soon_percent: i64,
    /// Hours to assign a case with red risk or a risk flag (mass incident, media, turning
    /// criminal), whatever its complexity gives (the shorter wins).
    pub assign_risk_hours: i64,
    /// The most days the mediation clock may be extended by past the statutory month, in
    /// total: with both parties' consent (any number of times), or once with the court's for a
    /// court referral.
    pub extension_max_days: i64,
    /// Days before the judicial-confirmation window closes when the desk warns.
    pub judicial_warn_days: i64,
}

impl Default for Clocks {
    fn default() -> Self {
        Clocks {
            assign_critical_hours: 1,
            assign_major_hours: 4,
            assign_general_hours: 24,
            assign_simple_hours: 24,
            mediate_simple_days: 1,
            mediate_general_days: 7,
            mediate_major_days: 20,
            mediate_critical_days: 20,
            statutory_days: 30,
            followup_days: 15,
            followup_major_days: 90,
            followup_next_days: 15,
            rectification_days: 15,
            judicial_confirmation_days: 30,
            due_soon_percent: 75,
            assign_risk_hours: 1,
            extension_max_days: 30,
            judicial_warn_days: 5,
        }
    }
}

/// Where a clock stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum ClockState {
    /// Plenty of time left.
    Ok,
    /// Most of the time is used up.
    DueSoon,
    /// The deadline has passed.
    Overdue,
}

/// The allowed range of every clock key, in its own unit: `(key, value, min, max)`.
fn ranges(c: &Clocks) -> [(&'static str, i64, i64, i64); 15] {
    [
        ("assign_critical_hours", c.assign_critical_hours, 1, 720),
        ("assign_major_hours", c.assign_major_hours, 1, 720),
        ("assign_general_hours", c.assign_general_hours, 1, 720),
        ("assign_simple_hours", c.assign_simple_hours, 1, 720),
        ("mediate_simple_days", c.mediate_simple_days, 1, 365),
        ("mediate_general_days", c.mediate_general_days, 1, 365),
        ("mediate_major_days", c.mediate_major_days, 1, 365),
        ("mediate_critical_days", c.mediate_critical_days, 1, 365),
        ("statutory_days", c.statutory_days, 1, 365),
        ("followup_days", c.followup_days, 1, 3650),
        ("followup_major_days", c.followup_major_days, 1, 3650),
        ("followup_next_days", c.followup_next_days, 1, 3650),
        ("rectification_days", c.rectification_days, 1, 3650),
        ("judicial_confirmation_days", c.judicial_confirmation_days, 1, 365),
        ("due_soon_percent", c.due_soon_percent, 1, 100),
    ]
}

/// `t + d`, saturating at the latest representable time instead of panicking.
fn after(t: DateTime<Utc>, d: Option<Duration>) -> DateTime<Utc> {
    d.and_then(|d| t.checked_add_signed(d)).unwrap_or(DateTime::<Utc>::MAX_UTC)
}

impl Clocks {
    /// Checks every value against its range; each error names the key, its value and the range.
    pub fn validate(&self) -> Result<(), Vec<crate::error::Msg>> {
        let errs: Vec<crate::error::Msg> = ranges(self)
            .into_iter()
            .filter(|&(_, v, lo, hi)| !(lo..=hi).contains(&v))
            .map(|(key, v, lo, hi)| {
                crate::msg!(
                    "{key} = {v} is out of range (allowed: {lo} to {hi})",
                    "{key} = {v} 超出范围（允许 {lo} 到 {hi}）"
                )
            })
            .collect();
        if errs.is_empty() {
            Ok(())
        } else {
            Err(errs)
        }
    }

    /// Refuses day and hour counts that are not positive, and a due-soon share outside 1–100.
    pub fn check(&self) -> Result<(), crate::error::Msg> {
        let counts = [
            ("assign_critical_hours", self.assign_critical_hours),
            ("assign_major_hours", self.assign_major_hours),
            ("assign_general_hours", self.assign_general_hours),
            ("assign_simple_hours", self.assign_simple_hours),
            ("assign_risk_hours", self.assign_risk_hours),
            ("mediate_simple_days", self.mediate_simple_days),
            ("mediate_general_days", self.mediate_general_days),
            ("mediate_major_days", self.mediate_major_days),
            ("mediate_critical_days", self.mediate_critical_days),
            ("statutory_days", self.statutory_days),
            ("followup_days", self.followup_days),
            ("followup_major_days", self.followup_major_days),
            ("followup_next_days", self.followup_next_days),
            ("rectification_days", self.rectification_days),
            ("judicial_confirmation_days", self.judicial_confirmation_days),
        ];
        if let Some((key, v)) = counts.iter().find(|(_, v)| *v <= 0 || *v > 3650) {
            return Err(crate::msg!(
                "rules file: [clocks] {key} = {v} must be between 1 and 3650",
                "规则文件：[clocks] {key} = {v} 应在 1 到 3650 之间"
            ));
        }
        if !(0..=3650).contains(&self.extension_max_days) || !(0..=3650).contains(&self.judicial_warn_days) {
            return Err(crate::msg!(
                "rules file: [clocks] extension_max_days and judicial_warn_days must be between 0 and 3650",
                "规则文件：[clocks] extension_max_days 和 judicial_warn_days 应在 0 到 3650 之间"
            ));
        }
        if !(1..=100).contains(&self.due_soon_percent) {
            let p = self.due_soon_percent;
            return Err(crate::msg!(
                "rules file: [clocks] due_soon_percent = {p} must be between 1 and 100",
                "规则文件：[clocks] due_soon_percent = {p} 应在 1 到 100 之间"
            ));
        }
        Ok(())
    }

    /// When a case received at `received` must be assigned, risk considered: red risk or any
    /// risk flag shortens the clock to `assign_risk_hours` (routing rule 3).
    pub fn assign_due_for(
        &self,
        received: DateTime<Utc>,
        complexity: Complexity,
        risk: RiskLevel,
        flags: RiskFlags,
    ) -> DateTime<Utc> {
        let due = self.assign_due(received, complexity);
        if risk == RiskLevel::Red || flags.any() {
            due.min(after(received, Duration::try_hours(self.assign_risk_hours)))
        } else {
            due
        }
    }

    /// When a case received at `received` must be assigned.
    pub fn assign_due(&self, received: DateTime<Utc>, complexity: Complexity) -> DateTime<Utc> {
        let hours = match complexity {
            Complexity::Critical => self.assign_critical_hours,
            Complexity::Major => self.assign_major_hours,
            Complexity::General => self.assign_general_hours,
            Complexity::Simple => self.assign_simple_hours,
        };
        after(received, Duration::try_hours(hours))
    }

    /// When mediation of a case assigned at `assigned` must end: never past the statutory month
    /// from receipt. Extensions are recorded on the case ([`Clocks::mediation_due_extended`],
    /// [`Clocks::extend`]); `source` decides whose consent an extension needs.
    pub fn mediation_due(
        &self,
        received: DateTime<Utc>,
        assigned: DateTime<Utc>,
        complexity: Complexity,
        source: Source,
    ) -> DateTime<Utc> {
        self.mediation_due_extended(received, assigned, complexity, source, 0)
    }

    /// The statutory limit on mediation for a case extended by `extended_days`: the statutory
    /// month from receipt plus the extensions granted.
    pub fn mediation_limit(&self, received: DateTime<Utc>, extended_days: i64) -> DateTime<Utc> {
        after(received, Duration::try_days(self.statutory_days.saturating_add(extended_days.max(0))))
    }

    /// The furthest any extension may take the clock: the statutory month from receipt plus
    /// `extension_max_days`.
    pub fn extension_cap(&self, received: DateTime<Utc>) -> DateTime<Utc> {
        after(received, Duration::try_days(self.statutory_days.saturating_add(self.extension_max_days)))
    }

    /// Whose consent extends the clock of a case from `source`: the court's for a court
    /// referral, both parties' otherwise.
    pub fn extension_consent(source: Source) -> ExtensionConsent {
        if source == Source::CourtReferral {
            ExtensionConsent::Court
        } else {
            ExtensionConsent::Parties
        }
    }

    /// The mediation clock after an extension of `days` with `consent`, or why it is refused:
    /// the consent must be the one the source needs; a court referral is extended once; the
    /// extensions together stay within `extension_max_days` and the clock never runs past
    /// [`Clocks::extension_cap`].
    pub fn extend(
        &self,
        received: DateTime<Utc>,
        current_due: DateTime<Utc>,
        source: Source,
        consent: ExtensionConsent,
        days: i64,
        extended_days: i64,
    ) -> Result<DateTime<Utc>, String> {
        if days < 1 {
            return Err(format!("an extension is at least 1 day (got {days})"));
        }
        let needed = Self::extension_consent(source);
        if consent != needed {
            return Err(format!(
                "a {} case is extended with the consent of {}, not {}",
                source.en().to_lowercase(),
                needed.en().to_lowercase(),
                consent.en().to_lowercase()
            ));
        }
        if needed == ExtensionConsent::Court && extended_days > 0 {
            return Err("a court referral may be extended once, and it already was".into());
        }
        let total = extended_days + days;
        if total > self.extension_max_days {
            return Err(format!(
                "extensions may add at most {} days in all ({} already granted); {days} more is beyond the statutory limit",
                self.extension_max_days, extended_days
            ));
        }
        let due = after(current_due, Duration::try_days(days));
        let cap = self.extension_cap(received);
        if due > cap {
            return Err(format!(
                "the clock would run to {}, past the statutory limit {} ({} days from receipt + {} days' extension)",
                due.format("%Y-%m-%d %H:%M UTC"),
                cap.format("%Y-%m-%d %H:%M UTC"),
                self.statutory_days,
                self.extension_max_days
            ));
        }
        Ok(due)
    }

    /// When mediation of a case assigned at `assigned` and extended by `extended_days` must end:
    /// the complexity's days from assignment, never past [`Clocks::mediation_limit`].
    pub fn mediation_due_extended(
        &self,
        received: DateTime<Utc>,
        assigned: DateTime<Utc>,
        complexity: Complexity,
        _source: Source,
        extended_days: i64,
    ) -> DateTime<Utc> {
        let days = match complexity {
            Complexity::Simple => self.mediate_simple_days,
            Complexity::General => self.mediate_general_days,
            Complexity::Major => self.mediate_major_days,
            Complexity::Critical => self.mediate_critical_days,
        };
        let due = after(assigned, Duration::try_days(days.saturating_add(extended_days.max(0))));
        due.min(self.mediation_limit(received, extended_days))
    }

    /// Follow-up dates after an agreement reached at `agreed`.
    pub fn followups(
        &self,
        agreed: DateTime<Utc>,
        performance_due: Option<DateTime<Utc>>,
        complexity: Complexity,
    ) -> Vec<DateTime<Utc>> {
        let mut v = vec![performance_due.unwrap_or(after(agreed, Duration::try_days(self.followup_days)))];
        if matches!(complexity, Complexity::Major | Complexity::Critical) {
            v.push(after(agreed, Duration::try_days(self.followup_major_days)));
        }
        v
    }

    /// The last day the parties may apply for judicial confirmation.
    pub fn judicial_confirmation_due(&self, agreed: DateTime<Utc>) -> DateTime<Utc> {
        after(agreed, Duration::try_days(self.judicial_confirmation_days))
    }

    /// True when the judicial-confirmation window after an agreement at `agreed` closes within
    /// `judicial_warn_days` of `now` (and has not closed yet).
    pub fn judicial_due_soon(&self, agreed: DateTime<Utc>, now: DateTime<Utc>) -> bool {
        let due = self.judicial_confirmation_due(agreed);
        now <= due && due - now <= Duration::days(self.judicial_warn_days)
    }

    /// Ok, due soon or overdue for a clock that started at `start` and ends at `due`.
    pub fn state(&self, start: DateTime<Utc>, due: DateTime<Utc>, now: DateTime<Utc>) -> ClockState {
        if now > due {
            return ClockState::Overdue;
        }
        let total = (due - start).num_seconds().max(1);
        let used = (now - start).num_seconds();
        if used.saturating_mul(100) >= total.saturating_mul(self.due_soon_percent) {
            ClockState::DueSoon
        } else {
            ClockState::Ok
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 2023-05-01 08:00 UTC plus `h` hours.
    fn t(h: i64) -> DateTime<Utc> {
        DateTime::<Utc>::UNIX_EPOCH + Duration::seconds(1_682_928_000) + Duration::hours(h)
    }

    #[test]
    fn assignment_clocks_follow_complexity() {
        let c = Clocks::default();
        assert_eq!(c.assign_due(t(0), Complexity::Critical), t(1));
        assert_eq!(c.assign_due(t(0), Complexity::Major), t(4));
        assert_eq!(c.assign_due(t(0), Complexity::General), t(24));
    }

    #[test]
    fn mediation_never_passes_the_statutory_month() {
        let c = Clocks::default();
        let due = c.mediation_due(t(0), t(24 * 25), Complexity::Major, Source::WalkIn);
        assert_eq!(due, t(24 * 30));
        let due = c.mediation_due(t(0), t(0), Complexity::General, Source::WalkIn);
        assert_eq!(due, t(24 * 7));
    }

    #[test]
    fn major_cases_get_a_second_followup() {
        let c = Clocks::default();
        assert_eq!(c.followups(t(0), None, Complexity::General), vec![t(24 * 15)]);
        assert_eq!(c.followups(t(0), Some(t(48)), Complexity::Major), vec![t(48), t(24 * 90)]);
    }

    fn at(y: i32, m: u32, d: u32) -> DateTime<Utc> {
        use chrono::TimeZone;
        Utc.with_ymd_and_hms(y, m, d, 2, 0, 0).single().unwrap_or_default()
    }

    #[test]
    fn the_statutory_month_runs_across_month_ends_and_leap_days() {
        let c = Clocks::default();
        // 2024 is a leap year: 30 days from 2024-02-10 is 2024-03-11.
        let due = c.mediation_due(at(2024, 2, 10), at(2024, 2, 25), Complexity::Major, Source::WalkIn);
        assert_eq!(due, at(2024, 3, 11));
        // 2023 is not: 30 days from 2023-02-10 is 2023-03-12.
        let due = c.mediation_due(at(2023, 2, 10), at(2023, 2, 25), Complexity::Major, Source::WalkIn);
        assert_eq!(due, at(2023, 3, 12));
        // Across the year end.
        let due = c.mediation_due(at(2023, 12, 20), at(2023, 12, 20), Complexity::General, Source::WalkIn);
        assert_eq!(due, at(2023, 12, 27));
        assert_eq!(c.mediation_limit(at(2023, 12, 20), 0), at(2024, 1, 19));
        assert_eq!(c.mediation_limit(at(2024, 1, 31), 30), at(2024, 3, 31));
        // Judicial confirmation: 30 days from 31 January of a leap year is 1 March.
        assert_eq!(c.judicial_confirmation_due(at(2024, 1, 31)), at(2024, 3, 1));
    }

    #[test]
    fn extensions_need_the_right_consent_and_stay_within_the_caps() {
        let c = Clocks::default();
        let received = at(2024, 2, 1);
        let due = at(2024, 3, 2); // the statutory month
        let parties = ExtensionConsent::Parties;
        let court = ExtensionConsent::Court;
        assert_eq!(c.extend(received, due, Source::WalkIn, parties, 10, 0), Ok(at(2024, 3, 12)));
        assert_eq!(c.extend(received, at(2024, 3, 12), Source::WalkIn, parties, 20, 10), Ok(at(2024, 4, 1)));
        assert!(c.extend(received, at(2024, 4, 1), Source::WalkIn, parties, 1, 30).is_err(), "past 30 + 30");
        assert!(c.extend(received, due, Source::WalkIn, parties, 31, 0).is_err());
        assert!(c.extend(received, due, Source::WalkIn, parties, 0, 0).is_err());
        assert!(c.extend(received, due, Source::WalkIn, court, 5, 0).is_err(), "not a court referral");
        assert!(c.extend(received, due, Source::CourtReferral, parties, 5, 0).is_err(), "the court consents");
        assert_eq!(c.extend(received, due, Source::CourtReferral, court, 30, 0), Ok(at(2024, 4, 1)));
        assert!(c.extend(received, at(2024, 3, 7), Source::CourtReferral, court, 5, 5).is_err(), "once");
        // An extended case's clock after re-assignment keeps the extension.
        let d = c.mediation_due_extended(received, at(2024, 2, 28), Complexity::Major, Source::WalkIn, 10);
        assert_eq!(d, at(2024, 3, 12));
    }

    #[test]
    fn risk_shortens_the_assignment_clock() {
        let c = Clocks::default();
        let none = RiskFlags::default();
        assert_eq!(c.assign_due_for(t(0), Complexity::General, RiskLevel::None, none), t(24));
        assert_eq!(c.assign_due_for(t(0), Complexity::General, RiskLevel::Orange, none), t(24));
        assert_eq!(c.assign_due_for(t(0), Complexity::General, RiskLevel::Red, none), t(1));
        let mass = RiskFlags { mass: true, ..none };
        assert_eq!(c.assign_due_for(t(0), Complexity::Simple, RiskLevel::None, mass), t(1));
        let c = Clocks { assign_risk_hours: 2, ..Clocks::default() };
        assert_eq!(c.assign_due_for(t(0), Complexity::Critical, RiskLevel::Red, none), t(1), "the shorter wins");
        assert!(Clocks { assign_risk_hours: 0, ..Clocks::default() }.check().is_err());
        assert!(Clocks::default().check().is_ok());
    }

    #[test]
    fn the_judicial_window_warns_in_its_last_days() {
        let c = Clocks::default();
        let agreed = at(2024, 1, 31);
        assert!(!c.judicial_due_soon(agreed, at(2024, 2, 20)));
        assert!(c.judicial_due_soon(agreed, at(2024, 2, 26)));
        assert!(!c.judicial_due_soon(agreed, at(2024, 3, 2)), "closed");
    }

    #[test]
    fn every_key_is_checked_at_its_extremes_and_arithmetic_never_panics() {
        assert_eq!(Clocks::default().validate(), Ok(()));
        for extreme in [i64::MAX, i64::MIN, -1, 0] {
            let c = Clocks {
                assign_critical_hours: extreme,
                assign_major_hours: extreme,
                assign_general_hours: extreme,
                assign_simple_hours: extreme,
                mediate_simple_days: extreme,
                mediate_general_days: extreme,
                mediate_major_days: extreme,
                mediate_critical_days: extreme,
                statutory_days: extreme,
                followup_days: extreme,
                followup_major_days: extreme,
                followup_next_days: extreme,
                rectification_days: extreme,
                judicial_confirmation_days: extreme,
                due_soon_percent: extreme,
                assign_risk_hours: extreme,
                extension_max_days: extreme,
                judicial_warn_days: extreme,
            };
            assert!(c.check().is_err());
            let errs = c.validate().err().unwrap_or_default();
            assert_eq!(errs.len(), 15, "{errs:?}");
            assert!(errs[1].en().starts_with("assign_major_hours"), "{errs:?}");
            // Even unchecked values never panic where they are used.
            c.assign_due(t(0), Complexity::Major);
            c.mediation_due(t(0), t(1), Complexity::Major, Source::WalkIn);
            c.followups(t(0), None, Complexity::Critical);
            c.judicial_confirmation_due(t(0));
            c.state(t(0), t(5), t(3));
        }
    }

    #[test]
    fn clock_state_warns_before_breach() {
        let c = Clocks::default();
        assert_eq!(c.state(t(0), t(100), t(10)), ClockState::Ok);
        assert_eq!(c.state(t(0), t(100), t(80)), ClockState::DueSoon);
        assert_eq!(c.state(t(0), t(100), t(101)), ClockState::Overdue);
    }
}

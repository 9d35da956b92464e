//! Clocks: assignment and mediation deadlines, follow-up dates, and ok / due-soon / overdue.

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

use super::case::{Complexity, Source};

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

impl Clocks {
    /// Refuses day and hour counts that are not positive, and a due-soon share outside 1–100.
    pub fn check(&self) -> Result<(), String> {
        let counts = [
            ("assign_critical_hours", self.assign_critical_hours),
            ("assign_major_hours", self.assign_major_hours),
            ("assign_general_hours", self.assign_general_hours),
            ("assign_simple_hours", self.assign_simple_hours),
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
            return Err(format!("rules file: [clocks] {key} = {v} must be between 1 and 3650"));
        }
        if !(1..=100).contains(&self.due_soon_percent) {
            return Err(format!(
                "rules file: [clocks] due_soon_percent = {} must be between 1 and 100",
                self.due_soon_percent
            ));
        }
        Ok(())
    }

    /// When a case received at `received` must be assigned.
    pub fn assign_due(&self, received: DateTime<Utc>, complexity: Complexity) -> DateTime<Utc> {
        let hours = match complexity {
            Complexity::Critical => self.assign_critical_hours,
            Complexity::Major => self.assign_major_hours,
            Complexity::General => self.assign_general_hours,
            Complexity::Simple => self.assign_simple_hours,
        };
        received + Duration::hours(hours)
    }

    /// When mediation of a case assigned at `assigned` must end: never past the statutory month
    /// from receipt (court referrals may be extended by the court, which is not automatic).
    pub fn mediation_due(
        &self,
        received: DateTime<Utc>,
        assigned: DateTime<Utc>,
        complexity: Complexity,
        _source: Source,
    ) -> DateTime<Utc> {
        let days = match complexity {
            Complexity::Simple => self.mediate_simple_days,
            Complexity::General => self.mediate_general_days,
            Complexity::Major => self.mediate_major_days,
            Complexity::Critical => self.mediate_critical_days,
        };
        let due = assigned + Duration::days(days);
        due.min(received + Duration::days(self.statutory_days))
    }

    /// Follow-up dates after an agreement reached at `agreed`.
    pub fn followups(
        &self,
        agreed: DateTime<Utc>,
        performance_due: Option<DateTime<Utc>>,
        complexity: Complexity,
    ) -> Vec<DateTime<Utc>> {
        let mut v = vec![performance_due.unwrap_or(agreed + Duration::days(self.followup_days))];
        if matches!(complexity, Complexity::Major | Complexity::Critical) {
            v.push(agreed + Duration::days(self.followup_major_days));
        }
        v
    }

    /// The last day the parties may apply for judicial confirmation.
    pub fn judicial_confirmation_due(&self, agreed: DateTime<Utc>) -> DateTime<Utc> {
        agreed + Duration::days(self.judicial_confirmation_days)
    }

    /// Ok, due soon or overdue for a clock that started at `start` and ends at `due`.
    pub fn state(&self, start: DateTime<Utc>, due: DateTime<Utc>, now: DateTime<Utc>) -> ClockState {
        if now > due {
            return ClockState::Overdue;
        }
        let total = (due - start).num_seconds().max(1);
        let used = (now - start).num_seconds();
        if used * 100 >= total * self.due_soon_percent {
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

    #[test]
    fn clock_state_warns_before_breach() {
        let c = Clocks::default();
        assert_eq!(c.state(t(0), t(100), t(10)), ClockState::Ok);
        assert_eq!(c.state(t(0), t(100), t(80)), ClockState::DueSoon);
        assert_eq!(c.state(t(0), t(100), t(101)), ClockState::Overdue);
    }
}

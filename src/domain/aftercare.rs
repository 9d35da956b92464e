//! After the agreement (DESIGN.md "Clocks"): what a follow-up outcome schedules, the
//! rectification list's items (整改清单), and the one rule for when a resolved case may close —
//! used by the follow-up path, the rectification path and the explicit `close` alike.

use chrono::{DateTime, Duration, Utc};
use serde::Serialize;

use super::case::{Followup, FollowupOutcome};
use super::clocks::Clocks;
use crate::labelled_enum;

impl Followup {
    /// A follow-up not yet made (its `due` to be set by the caller).
    pub fn pending() -> Followup {
        Followup {
            id: 0,
            case_id: 0,
            due: DateTime::default(),
            done_at: None,
            channel: None,
            outcome: None,
            note: String::new(),
            visitor: String::new(),
        }
    }
}

/// What a follow-up outcome leads to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Consequence {
    /// Whether the agreement now counts as performed (`None`: unchanged).
    pub performed: Option<bool>,
    /// The next visit to schedule, if any.
    pub next_visit: Option<DateTime<Utc>>,
    /// Whether a rectification item opens, and when it is due.
    pub rectification_due: Option<DateTime<Utc>>,
}

/// The consequence of a visit made at `now` that found `outcome`: performed confirms
/// performance; partly or not performed schedules the next visit (`followup_next_days`) and
/// opens a rectification item (`rectification_days`); a recurrence risk (the agreement was
/// performed, the dispute may flare up again) confirms performance and opens an item, so the
/// case closes once the item is done.
pub fn consequence(outcome: FollowupOutcome, now: DateTime<Utc>, clocks: &Clocks) -> Consequence {
    let item = Some(now + Duration::days(clocks.rectification_days));
    match outcome {
        FollowupOutcome::Performed => Consequence { performed: Some(true), next_visit: None, rectification_due: None },
        FollowupOutcome::Partial | FollowupOutcome::NotPerformed => Consequence {
            performed: Some(false),
            next_visit: Some(now + Duration::days(clocks.followup_next_days)),
            rectification_due: item,
        },
        FollowupOutcome::Recurrence => Consequence { performed: Some(true), next_visit: None, rectification_due: item },
    }
}

/// What the closing rule looks at for one case.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Closure {
    /// Performance of the agreement is confirmed.
    pub performed: bool,
    /// Follow-up visits still to be made.
    pub pending_followups: u64,
    /// Rectification items still open.
    pub open_items: u64,
}

/// Why a resolved case may not close yet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CloseBlocker {
    /// No visit has confirmed performance.
    NotPerformed,
    /// Visits are still due.
    FollowupsPending(u64),
    /// Rectification items are open.
    ItemsOpen(u64),
}

impl CloseBlocker {
    /// Why, in Chinese (the English is its `Display`).
    pub fn zh(&self) -> String {
        match self {
            CloseBlocker::NotPerformed => "协议履行情况尚未确认".to_string(),
            CloseBlocker::FollowupsPending(n) => format!("还有 {n} 次回访未完成"),
            CloseBlocker::ItemsOpen(n) => format!("还有 {n} 项整改事项未完成"),
        }
    }
}

impl std::fmt::Display for CloseBlocker {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            CloseBlocker::NotPerformed => write!(f, "performance of the agreement is not confirmed"),
            CloseBlocker::FollowupsPending(n) => write!(f, "{n} follow-up visit(s) still due"),
            CloseBlocker::ItemsOpen(n) => write!(f, "{n} rectification item(s) still open"),
        }
    }
}

/// The one closing rule: a case closes only when performance is confirmed, every visit is done
/// and no rectification item is open.
pub fn may_close(c: Closure) -> Result<(), CloseBlocker> {
    if !c.performed {
        Err(CloseBlocker::NotPerformed)
    } else if c.pending_followups > 0 {
        Err(CloseBlocker::FollowupsPending(c.pending_followups))
    } else if c.open_items > 0 {
        Err(CloseBlocker::ItemsOpen(c.open_items))
    } else {
        Ok(())
    }
}

labelled_enum! {
    /// Where a rectification item stands.
    pub enum ItemStatus {
        Open = ("open", "待整改", "Open"),
        Done = ("done", "已整改", "Done"),
        Escalated = ("escalated", "转入调解", "Escalated"),
    }
}

/// One item of the rectification list (整改清单).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RectifyItem {
    /// Item number.
    pub id: i64,
    /// The case's ref.
    #[serde(rename = "case")]
    pub case_ref: String,
    /// What the visit found.
    pub finding: String,
    /// The owning mediator's id, when a mediator owns it.
    pub owner_mediator_id: Option<i64>,
    /// The owning committee's id, when a committee owns it.
    pub owner_committee_id: Option<i64>,
    /// The owner's name (mediator or committee) as stored.
    pub owner: String,
    /// When it must be done.
    pub due: DateTime<Utc>,
    /// Open, done or escalated.
    pub status: ItemStatus,
    /// The closing note.
    pub note: String,
    /// When it was opened.
    pub created_at: DateTime<Utc>,
    /// When it was closed or escalated.
    pub closed_at: Option<DateTime<Utc>>,
}

impl RectifyItem {
    /// Open and past its due date at `now`.
    pub fn is_overdue(&self, now: DateTime<Utc>) -> bool {
        self.status == ItemStatus::Open && self.due < now
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(h: i64) -> DateTime<Utc> {
        DateTime::<Utc>::UNIX_EPOCH + Duration::hours(h)
    }

    #[test]
    fn each_outcome_schedules_what_the_design_says() {
        let c = Clocks::default();
        let p = consequence(FollowupOutcome::Performed, t(0), &c);
        assert_eq!(p, Consequence { performed: Some(true), next_visit: None, rectification_due: None });
        for o in [FollowupOutcome::Partial, FollowupOutcome::NotPerformed] {
            let x = consequence(o, t(0), &c);
            assert_eq!(x.performed, Some(false));
            assert_eq!(x.next_visit, Some(t(24 * 15)));
            assert_eq!(x.rectification_due, Some(t(24 * 15)));
        }
        let r = consequence(FollowupOutcome::Recurrence, t(0), &c);
        assert_eq!(r, Consequence { performed: Some(true), next_visit: None, rectification_due: Some(t(24 * 15)) });
        let short = Clocks { followup_next_days: 3, ..Clocks::default() };
        assert_eq!(consequence(FollowupOutcome::Partial, t(0), &short).next_visit, Some(t(72)));
    }

    #[test]
    fn a_case_closes_only_when_performed_visited_and_rectified() {
        let ok = Closure { performed: true, pending_followups: 0, open_items: 0 };
        assert_eq!(may_close(ok), Ok(()));
        assert_eq!(may_close(Closure { performed: false, ..ok }), Err(CloseBlocker::NotPerformed));
        assert_eq!(may_close(Closure { pending_followups: 1, ..ok }), Err(CloseBlocker::FollowupsPending(1)));
        assert_eq!(may_close(Closure { open_items: 2, ..ok }), Err(CloseBlocker::ItemsOpen(2)));
    }
}

//! The SQL each pane runs on a refresh, as plain text with its parameters inlined, so the
//! whole-process benchmark (`benches/desks.rs`) can time the same statements in the `sqlite3`
//! shell (the floor). Keep these in step with `panes.rs` and `cases.rs`.

use chrono::{DateTime, Duration, Utc};

use super::sql::{ts, CASE_COLUMNS};

/// `(pane query name, SQL)` for the four panes as the desk reads them at `now`: Incoming's count
/// and first page of `incoming_limit` rows (urgency order), the Routing matrix, the Workload loads,
/// and Follow-ups (overdue count and the rows due within `soon_days`, at most `followup_rows`).
pub fn pane_queries(
    now: DateTime<Utc>,
    incoming_limit: usize,
    soon_days: i64,
    followup_rows: usize,
) -> Vec<(&'static str, String)> {
    let now_s = ts(now);
    let horizon = ts(now + Duration::days(soon_days));
    vec![
        ("incoming count", "SELECT count(*) FROM cases c WHERE c.status = 'received'".to_string()),
        (
            "incoming page",
            format!(
                "SELECT {CASE_COLUMNS} FROM cases c WHERE c.status = 'received' \
                 ORDER BY c.risk_rank DESC, c.assign_due, c.id LIMIT {incoming_limit} OFFSET 0"
            ),
        ),
        (
            "routing matrix",
            format!(
                "SELECT c.tier, k.kind, count(*), \
                 sum(CASE WHEN (c.status = 'received' AND c.assign_due < {now_s}) OR \
                 (c.status <> 'received' AND c.mediation_due < {now_s}) THEN 1 ELSE 0 END) \
                 FROM cases c JOIN committees k ON k.id = c.committee_id \
                 WHERE c.status IN ('received','assigned','mediating') GROUP BY c.tier, k.kind"
            ),
        ),
        (
            "workload loads",
            format!(
                "SELECT lead_mediator_id, count(*), sum(CASE WHEN mediation_due < {now_s} THEN 1 ELSE 0 END) \
                 FROM cases WHERE status IN ('assigned','mediating') AND lead_mediator_id IS NOT NULL \
                 GROUP BY lead_mediator_id"
            ),
        ),
        (
            "workload last assigned",
            "SELECT id, last_assigned_at FROM mediators WHERE last_assigned_at IS NOT NULL".into(),
        ),
        ("follow-ups overdue", format!("SELECT count(*) FROM followups WHERE done_at IS NULL AND due < {now_s}")),
        (
            "follow-ups rows",
            format!(
                "SELECT f.id, c.ref, c.category, f.due, m.name, c.area_id, c.id FROM followups f \
                 JOIN cases c ON c.id = f.case_id LEFT JOIN mediators m ON m.id = c.lead_mediator_id \
                 WHERE f.done_at IS NULL AND f.due < {horizon} ORDER BY f.due, f.id LIMIT {followup_rows}"
            ),
        ),
    ]
}

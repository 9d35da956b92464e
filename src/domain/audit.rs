//! Audit events: who did what to which case, appended and never changed.

use chrono::{DateTime, Utc};
use serde::Serialize;

/// One row of the append-only audit log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AuditEvent {
    /// Database id (ascending).
    pub id: i64,
    /// When it happened.
    pub at: DateTime<Utc>,
    /// The OS login of whoever acted.
    pub actor: String,
    /// What was done (`add`, `assign`, `escalate`, `transfer`, `followup`, `reveal`, `import`, …).
    pub action: String,
    /// The case it concerns, if any.
    pub case_ref: Option<String>,
    /// Details as JSON text.
    pub detail: String,
}

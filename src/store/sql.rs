//! Row mapping helpers: timestamps, coded enums, and the case row.

use std::str::FromStr;

use chrono::{DateTime, Utc};
use rusqlite::types::Type;
use rusqlite::Row;

use crate::domain::{Case, Party, RiskFlags};

/// Seconds since the epoch, as stored.
pub fn ts(t: DateTime<Utc>) -> i64 {
    t.timestamp()
}

/// Back from stored seconds.
pub fn from_ts(s: i64) -> DateTime<Utc> {
    DateTime::from_timestamp(s, 0).unwrap_or_default()
}

/// Reads a coded enum column.
pub fn coded<T: FromStr<Err = String>>(row: &Row<'_>, idx: usize) -> rusqlite::Result<T> {
    let s: String = row.get(idx)?;
    s.parse().map_err(|e: String| rusqlite::Error::FromSqlConversionFailure(idx, Type::Text, e.into()))
}

/// Reads an optional timestamp column.
pub fn opt_ts(row: &Row<'_>, idx: usize) -> rusqlite::Result<Option<DateTime<Utc>>> {
    Ok(row.get::<_, Option<i64>>(idx)?.map(from_ts))
}

/// The columns [`case_from_row`] reads, in order, qualified with the `c.` alias.
pub const CASE_COLUMNS: &str = "c.id, c.ref, c.received_at, c.source, c.category, \
    c.applicant_name, c.applicant_phone, c.applicant_id_no, c.respondent_name, c.respondent_phone, \
    c.respondent_id_no, c.summary, c.amount_fen, c.area_id, c.complexity, c.risk_flags, c.risk_level, \
    c.status, c.tier, c.committee_id, c.joint, c.lead_mediator_id, c.partners, c.assign_due, \
    c.mediation_due, c.assigned_at, c.finished_at, c.agreement, c.performance_due, c.performed, \
    c.judicial_confirmation, c.outcome_note, c.version";

/// Maps a row selected with [`CASE_COLUMNS`].
pub fn case_from_row(r: &Row<'_>) -> rusqlite::Result<Case> {
    let flags: String = r.get(15)?;
    let partners: String = r.get(22)?;
    let agreement: Option<String> = r.get(27)?;
    Ok(Case {
        id: r.get(0)?,
        reference: r.get(1)?,
        received_at: from_ts(r.get(2)?),
        source: coded(r, 3)?,
        category: coded(r, 4)?,
        applicant: Party { name: r.get(5)?, phone: r.get(6)?, id_no: r.get(7)? },
        respondent: Party { name: r.get(8)?, phone: r.get(9)?, id_no: r.get(10)? },
        summary: r.get(11)?,
        amount_fen: r.get(12)?,
        area_id: r.get(13)?,
        complexity: coded(r, 14)?,
        risk_flags: RiskFlags::parse(&flags)
            .map_err(|e| rusqlite::Error::FromSqlConversionFailure(15, Type::Text, e.into()))?,
        risk_level: coded(r, 16)?,
        status: coded(r, 17)?,
        tier: coded(r, 18)?,
        committee_id: r.get(19)?,
        joint: r.get(20)?,
        lead_mediator_id: r.get(21)?,
        partners: partners.split(',').filter(|p| !p.is_empty()).map(str::to_string).collect(),
        assign_due: from_ts(r.get(23)?),
        mediation_due: opt_ts(r, 24)?,
        assigned_at: opt_ts(r, 25)?,
        finished_at: opt_ts(r, 26)?,
        agreement: agreement
            .map(|a| a.parse())
            .transpose()
            .map_err(|e: String| rusqlite::Error::FromSqlConversionFailure(27, Type::Text, e.into()))?,
        performance_due: opt_ts(r, 28)?,
        performed: r.get(29)?,
        judicial_confirmation: r.get(30)?,
        outcome_note: r.get(31)?,
        version: r.get(32)?,
    })
}

/// The INSERT for a whole case row; parameters in [`CASE_COLUMNS`] order without `id`.
pub const INSERT_CASE: &str = "INSERT INTO cases (ref, received_at, source, category, \
    applicant_name, applicant_phone, applicant_id_no, respondent_name, respondent_phone, respondent_id_no, \
    summary, amount_fen, area_id, complexity, risk_flags, risk_level, risk_rank, status, tier, committee_id, \
    joint, lead_mediator_id, partners, assign_due, mediation_due, assigned_at, finished_at, agreement, \
    performance_due, performed, judicial_confirmation, outcome_note, version) VALUES \
    (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22, \
    ?23, ?24, ?25, ?26, ?27, ?28, ?29, ?30, ?31, ?32, ?33)";

/// Executes [`INSERT_CASE`] for `c` on a prepared statement; returns the new id.
pub fn insert_case(stmt: &mut rusqlite::Statement<'_>, c: &Case) -> rusqlite::Result<i64> {
    use rusqlite::params;
    stmt.insert(params![
        c.reference,
        ts(c.received_at),
        c.source.code(),
        c.category.code(),
        c.applicant.name,
        c.applicant.phone,
        c.applicant.id_no,
        c.respondent.name,
        c.respondent.phone,
        c.respondent.id_no,
        c.summary,
        c.amount_fen,
        c.area_id,
        c.complexity.code(),
        c.risk_flags.to_codes(),
        c.risk_level.code(),
        risk_rank(c),
        c.status.code(),
        c.tier.code(),
        c.committee_id,
        c.joint,
        c.lead_mediator_id,
        c.partners.join(","),
        ts(c.assign_due),
        c.mediation_due.map(ts),
        c.assigned_at.map(ts),
        c.finished_at.map(ts),
        c.agreement.map(|a| a.code()),
        c.performance_due.map(ts),
        c.performed,
        c.judicial_confirmation,
        c.outcome_note,
        c.version,
    ])
}

/// Urgency rank used by the Incoming order: risk colour, then critical complexity, then flags.
pub fn risk_rank(c: &Case) -> i64 {
    use crate::domain::{Complexity, RiskLevel};
    let colour = match c.risk_level {
        RiskLevel::Red => 30,
        RiskLevel::Orange => 20,
        RiskLevel::Yellow => 10,
        RiskLevel::None => 0,
    };
    let cx = match c.complexity {
        Complexity::Critical => 3,
        Complexity::Major => 2,
        _ => 0,
    };
    colour + cx + i64::from(c.risk_flags.any())
}

//! Reading cases: by ref, paged lists with filters, follow-ups and audit trail of one case.

use chrono::{DateTime, Utc};
use rusqlite::{params_from_iter, types::Value, OptionalExtension};

use super::sql::{case_from_row, coded, from_ts, opt_ts, overdue, status_in, ts, CASE_COLUMNS};
use super::Store;
use crate::domain::audit::AuditEvent;
use crate::domain::{Case, Followup, Status, StatusSet};
use crate::error::{Error, Result};

/// The most rows one page may hold.
pub const CASE_PAGE_MAX: usize = 10_000;

/// What `list` (and the panes) filter cases by; `None`/false means "any".
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CaseFilter {
    /// Only this status.
    pub status: Option<Status>,
    /// Only cases nobody leads (status received).
    pub unassigned: bool,
    /// Only open cases (assigned or not).
    pub open: bool,
    /// Only open cases past their assignment or mediation clock.
    pub overdue: bool,
    /// Only cases routed to this committee id.
    pub committee_id: Option<i64>,
    /// Only cases at this tier.
    pub tier: Option<crate::domain::Tier>,
    /// Only cases led by this mediator id.
    pub mediator_id: Option<i64>,
    /// Only cases whose area is this area or below it (area id).
    pub area_id: Option<i64>,
    /// Only cases routed to committees of these kinds (a Routing matrix column).
    pub committee_kinds: Vec<crate::domain::CommitteeKind>,
    /// Only cases whose ref, summary or party name contains this text (or, with
    /// [`CaseFilter::text_hits`], whose category, area, committee, mediator or risk it names).
    pub text: Option<String>,
    /// What else `text` names, found in the organisation and the labels by [`TextHits::find`].
    pub text_hits: Option<TextHits>,
    /// Only cases of this category.
    pub category: Option<crate::domain::Category>,
    /// Only cases at this risk level.
    pub risk_level: Option<crate::domain::RiskLevel>,
    /// Only resolved cases with no judicial-confirmation application whose window (`.0` days
    /// after the agreement) closes within `.1` days and has not closed yet (`list --jc-due`).
    pub judicial_due: Option<(i64, i64)>,
}

/// The codes and ids a search text names besides the case's own words: category labels (both
/// languages), area, committee and mediator names (with pinyin, full or initials) and risk.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TextHits {
    /// Category codes.
    pub categories: Vec<String>,
    /// Risk level codes.
    pub risks: Vec<String>,
    /// Area ids.
    pub area_ids: Vec<i64>,
    /// Committee ids.
    pub committee_ids: Vec<i64>,
    /// Mediator ids.
    pub mediator_ids: Vec<i64>,
}

impl TextHits {
    /// Everything in `org` and the labels that `text` finds.
    pub fn find(org: &crate::domain::Org, text: &str) -> TextHits {
        use crate::domain::search::matches;
        use crate::domain::{Category, Lang, RiskLevel};
        let text = text.trim();
        if text.is_empty() {
            return TextHits::default();
        }
        let labelled = |code: &str, en: &str, zh: &str| matches(code, text) || matches(en, text) || matches(zh, text);
        TextHits {
            categories: Category::ALL
                .iter()
                .filter(|c| labelled(c.code(), c.label(Lang::En), c.label(Lang::Zh)))
                .map(|c| c.code().to_string())
                .collect(),
            risks: RiskLevel::ALL
                .iter()
                .filter(|r| **r != RiskLevel::None && labelled(r.code(), r.label(Lang::En), r.label(Lang::Zh)))
                .map(|r| r.code().to_string())
                .collect(),
            area_ids: org.areas.iter().filter(|a| labelled(&a.code, &a.name_en, &a.name_zh)).map(|a| a.id).collect(),
            committee_ids: org
                .committees
                .iter()
                .filter(|c| labelled(&c.code, &c.name_en, &c.name_zh))
                .map(|c| c.id)
                .collect(),
            mediator_ids: org.mediators.iter().filter(|m| matches(&m.name, text)).map(|m| m.id).collect(),
        }
    }
}

impl CaseFilter {
    /// The WHERE clause and its parameters.
    pub(crate) fn to_sql(&self, now: DateTime<Utc>) -> (String, Vec<Value>) {
        let mut clauses: Vec<String> = Vec::new();
        let mut params: Vec<Value> = Vec::new();
        if let Some(s) = self.status {
            clauses.push("c.status = ?".into());
            params.push(Value::Text(s.code().into()));
        }
        if self.unassigned {
            clauses.push(status_in("c.", StatusSet::Unassigned));
        }
        if self.open {
            clauses.push(status_in("c.", StatusSet::Open));
        }
        if self.overdue {
            let (sql, uses) = overdue("c.", "?");
            clauses.push(sql);
            params.extend(std::iter::repeat_n(Value::Integer(ts(now)), uses));
        }
        if let Some(id) = self.committee_id {
            clauses.push("c.committee_id = ?".into());
            params.push(Value::Integer(id));
        }
        if let Some(t) = self.tier {
            clauses.push("c.tier = ?".into());
            params.push(Value::Text(t.code().into()));
        }
        if let Some(c) = self.category {
            clauses.push("c.category = ?".into());
            params.push(Value::Text(c.code().into()));
        }
        if let Some(r) = self.risk_level {
            clauses.push("c.risk_level = ?".into());
            params.push(Value::Text(r.code().into()));
        }
        if let Some(id) = self.mediator_id {
            clauses.push("c.lead_mediator_id = ?".into());
            params.push(Value::Integer(id));
        }
        if let Some(id) = self.area_id {
            clauses.push(
                "c.area_id IN (WITH RECURSIVE sub(id) AS (SELECT ?1 UNION ALL \
                 SELECT a.id FROM areas a JOIN sub ON a.parent_id = sub.id) SELECT id FROM sub)"
                    .replace("?1", "?"),
            );
            params.push(Value::Integer(id));
        }
        if !self.committee_kinds.is_empty() {
            let marks = vec!["?"; self.committee_kinds.len()].join(",");
            clauses.push(format!("c.committee_id IN (SELECT id FROM committees WHERE kind IN ({marks}))"));
            for k in &self.committee_kinds {
                params.push(Value::Text(k.code().into()));
            }
        }
        if let Some(t) = self.text.as_deref().filter(|t| !t.is_empty()) {
            let mut any = vec![
                "instr(c.ref, ?) > 0".to_string(),
                "instr(c.summary, ?) > 0".into(),
                "instr(c.applicant_name, ?) > 0".into(),
                "instr(c.respondent_name, ?) > 0".into(),
            ];
            for _ in 0..4 {
                params.push(Value::Text(t.to_string()));
            }
            if let Some(h) = &self.text_hits {
                let texts = |col: &str, v: &[String], any: &mut Vec<String>, params: &mut Vec<Value>| {
                    if !v.is_empty() {
                        any.push(format!("{col} IN ({})", vec!["?"; v.len()].join(",")));
                        params.extend(v.iter().map(|x| Value::Text(x.clone())));
                    }
                };
                let ids = |col: &str, v: &[i64], any: &mut Vec<String>, params: &mut Vec<Value>| {
                    if !v.is_empty() {
                        any.push(format!("{col} IN ({})", vec!["?"; v.len()].join(",")));
                        params.extend(v.iter().map(|x| Value::Integer(*x)));
                    }
                };
                texts("c.category", &h.categories, &mut any, &mut params);
                texts("c.risk_level", &h.risks, &mut any, &mut params);
                ids("c.area_id", &h.area_ids, &mut any, &mut params);
                ids("c.committee_id", &h.committee_ids, &mut any, &mut params);
                ids("c.lead_mediator_id", &h.mediator_ids, &mut any, &mut params);
            }
            clauses.push(format!("({})", any.join(" OR ")));
        }
        if let Some((window, warn)) = self.judicial_due {
            let (clause, range) = super::sql::judicial_due_clause(window, warn, now);
            clauses.push(clause);
            params.extend(range.map(Value::Integer));
        }
        let sql = if clauses.is_empty() { String::new() } else { format!("WHERE {}", clauses.join(" AND ")) };
        (sql, params)
    }
}

impl Store {
    /// The case with this ref.
    pub fn case_by_ref(&self, reference: &str) -> Result<Case> {
        let sql = format!("SELECT {CASE_COLUMNS} FROM cases c WHERE c.ref = ?1");
        self.conn
            .query_row(&sql, [reference.trim()], case_from_row)
            .optional()?
            .ok_or_else(|| Error::missing(crate::error::Thing::Case, reference.trim()))
    }

    /// The case with this id.
    pub fn case_by_id(&self, id: i64) -> Result<Case> {
        let sql = format!("SELECT {CASE_COLUMNS} FROM cases c WHERE c.id = ?1");
        self.conn
            .query_row(&sql, [id], case_from_row)
            .optional()?
            .ok_or_else(|| Error::NotFound(crate::msg!("no case with id {id}", "没有编号为 {id} 的案件")))
    }

    /// One page of cases matching `filter`, newest first.
    pub fn list_cases(
        &self,
        filter: &CaseFilter,
        offset: usize,
        limit: usize,
        now: DateTime<Utc>,
    ) -> Result<Vec<Case>> {
        let (clause, params) = filter.to_sql(now);
        let sql = format!(
            "SELECT {CASE_COLUMNS} FROM cases c {clause} ORDER BY c.received_at DESC, c.id DESC LIMIT {} OFFSET {}",
            limit.min(CASE_PAGE_MAX),
            offset
        );
        let mut stmt = self.conn.prepare(&sql)?;
        let rows = stmt.query_map(params_from_iter(params), case_from_row)?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }

    /// Calls `each` for every case matching `filter`, newest first, streaming (never all in memory).
    pub fn for_each_case(
        &self,
        filter: &CaseFilter,
        now: DateTime<Utc>,
        mut each: impl FnMut(Case) -> Result<()>,
    ) -> Result<()> {
        let (clause, params) = filter.to_sql(now);
        let sql = format!("SELECT {CASE_COLUMNS} FROM cases c {clause} ORDER BY c.received_at DESC, c.id DESC");
        let mut stmt = self.conn.prepare(&sql)?;
        let mut rows = stmt.query(params_from_iter(params))?;
        while let Some(r) = rows.next()? {
            each(case_from_row(r)?)?;
        }
        Ok(())
    }

    /// How many cases match `filter`.
    pub fn count_cases(&self, filter: &CaseFilter, now: DateTime<Utc>) -> Result<u64> {
        let (clause, params) = filter.to_sql(now);
        let sql = format!("SELECT count(*) FROM cases c {clause}");
        Ok(self.conn.query_row(&sql, params_from_iter(params), |r| r.get(0))?)
    }

    /// The follow-ups of one case, by due date.
    pub fn followups_of(&self, case_id: i64) -> Result<Vec<Followup>> {
        let mut stmt = self.conn.prepare(
            "SELECT id, case_id, due, done_at, channel, outcome, note, visitor FROM followups WHERE case_id = ?1 \
             ORDER BY due, id",
        )?;
        let rows = stmt.query_map([case_id], |r| {
            let channel: Option<String> = r.get(4)?;
            let outcome: Option<String> = r.get(5)?;
            Ok(Followup {
                id: r.get(0)?,
                case_id: r.get(1)?,
                due: from_ts(r.get(2)?),
                done_at: opt_ts(r, 3)?,
                channel: channel.and_then(|c| c.parse().ok()),
                outcome: outcome.and_then(|o| o.parse().ok()),
                note: r.get(6)?,
                visitor: r.get(7)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }

    /// The audit trail of one case, oldest first.
    pub fn audit_of(&self, case_id: i64) -> Result<Vec<AuditEvent>> {
        self.audit_where("a.case_id = ?1", case_id)
    }

    /// The audit events after `after_id`, oldest first (at most 1000).
    pub fn audit_since(&self, after_id: i64) -> Result<Vec<AuditEvent>> {
        self.audit_where("a.id > ?1", after_id)
    }

    fn audit_where(&self, clause: &str, param: i64) -> Result<Vec<AuditEvent>> {
        let sql = format!(
            "SELECT a.id, a.at, a.actor, a.action, c.ref, a.detail FROM audit a \
             LEFT JOIN cases c ON c.id = a.case_id WHERE {clause} ORDER BY a.id LIMIT 1000"
        );
        let mut stmt = self.conn.prepare(&sql)?;
        let rows = stmt.query_map([param], |r| {
            Ok(AuditEvent {
                id: r.get(0)?,
                at: from_ts(r.get(1)?),
                actor: r.get(2)?,
                action: r.get(3)?,
                case_ref: r.get(4)?,
                detail: r.get(5)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }

    /// Status counts over all cases (for `report` and the status bar).
    pub fn status_counts(&self) -> Result<Vec<(Status, u64)>> {
        let mut stmt = self.conn.prepare("SELECT status, count(*) FROM cases GROUP BY status")?;
        let rows = stmt.query_map([], |r| Ok((coded::<Status>(r, 0)?, r.get::<_, u64>(1)?)))?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }
}

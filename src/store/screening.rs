//! The screening duties (三个一) in SQL: which are due and overdue today (from the organisation,
//! the `[screening]` rhythm and the office calendar), recording one — with the disputes it
//! found turned into cases of source `screening` in the same transaction — and listing records.

use std::collections::HashSet;

use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::params;
use serde::Serialize;
use serde_json::json;

use super::commands::{audit, next_ref};
use super::sql::{from_ts, insert_case, insert_case_sql, ts};
use super::Store;
use crate::domain::screening::{duties, period_for, Duty};
use crate::domain::{NewCase, Source, Tier};
use crate::error::{Error, Result};

/// A screening as recorded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScreeningRecord {
    /// The committee's code.
    pub committee: String,
    /// The office day it was done.
    pub day: NaiveDate,
    /// Who screened.
    pub screened_by: String,
    /// Places visited.
    pub places: String,
    /// Disputes found (at least as many as the cases given with it).
    pub found: u32,
    /// Note.
    pub note: String,
}

/// A stored screening.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ScreeningRow {
    /// Record number.
    pub id: i64,
    /// The committee's code.
    pub committee: String,
    /// Its tier.
    pub tier: Tier,
    /// The period's code.
    pub period: String,
    /// The office day it was done.
    pub date: NaiveDate,
    /// Who screened.
    pub screened_by: String,
    /// Places visited.
    pub places: String,
    /// Disputes found.
    pub disputes_found: u32,
    /// Note.
    pub note: String,
    /// The refs of the cases its findings became.
    pub cases: Vec<String>,
    /// When it was recorded.
    pub recorded_at: DateTime<Utc>,
}

fn check_text(field: &str, text: &str, newlines: bool) -> Result<()> {
    match crate::domain::text::find_hostile(text, newlines) {
        Some(c) => Err(Error::Invalid(crate::msg!(
            "field {field}: contains the control character U+{:04X}",
            "字段 {field}：含有控制字符 U+{:04X}";
            c as u32
        ))),
        None => Ok(()),
    }
}

impl Store {
    /// The screening duties open at `now`: last period's not recorded (overdue), this period's
    /// not yet recorded (due); by tier, overdue first.
    pub fn screening_duties(&self, now: DateTime<Utc>) -> Result<Vec<Duty>> {
        let mut stmt = self.conn.prepare("SELECT DISTINCT committee_id, period FROM screenings")?;
        let done: HashSet<(i64, String)> =
            stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?.collect::<rusqlite::Result<_>>()?;
        let today = self.policy.office.time_zone.date_of(now);
        Ok(duties(self.org()?, &self.policy.screening, today, |c, p| done.contains(&(c, p.to_string()))))
    }

    /// Records a screening and, in the same transaction, one case of source `screening` per
    /// finding given; returns the record. The period is the committee tier's rhythm period that
    /// holds `day`. Bad input changes nothing.
    pub fn record_screening(
        &mut self,
        rec: &ScreeningRecord,
        findings: &[NewCase],
        now: DateTime<Utc>,
    ) -> Result<ScreeningRow> {
        self.writable()?;
        let committee = self
            .org()?
            .committee_by_code(rec.committee.trim())
            .ok_or_else(|| Error::missing(crate::error::Thing::Committee, rec.committee.trim()))?
            .clone();
        let tier = self.org()?.committee_tier(&committee).unwrap_or(Tier::Village);
        let period = period_for(&self.policy.screening, tier, rec.day).ok_or_else(|| {
            let (en, zh) = (tier.en(), tier.zh());
            Error::Invalid(crate::msg!(
                "{en} committees have no screening duty; nothing was stored",
                "{zh}级调委会没有排查任务；未保存任何内容"
            ))
        })?;
        let tz = self.policy.office.time_zone;
        if rec.day > tz.date_of(now) {
            return Err(Error::Invalid(crate::msg!(
                "the screening date {} lies in the future; nothing was stored",
                "排查日期 {} 在将来；未保存任何内容";
                rec.day
            )));
        }
        if rec.screened_by.trim().is_empty() {
            return Err(Error::Usage(crate::msg!("who screened is required (--by NAME)", "须填写排查人（--by NAME）")));
        }
        check_text("screened_by", &rec.screened_by, false)?;
        check_text("places", &rec.places, true)?;
        check_text("note", &rec.note, true)?;
        let found = rec.found.max(u32::try_from(findings.len()).unwrap_or(u32::MAX));
        let mut cases = Vec::with_capacity(findings.len());
        for (i, n) in findings.iter().enumerate() {
            let n = NewCase { source: Source::Screening, ..n.clone() };
            if let Some(e) = n.validate(self.org()?, now).first() {
                let e = crate::error::Msg::from(e);
                let (n, en, zh) = (i + 1, e.get(crate::domain::Lang::En), e.get(crate::domain::Lang::Zh));
                return Err(Error::Invalid(crate::msg!(
                    "finding {n}: {en}; nothing was stored",
                    "第 {n} 项发现：{zh}；未保存任何内容"
                )));
            }
            cases.push(self.intake(&n)?);
        }
        let tx = self.begin()?;
        tx.execute(
            "INSERT INTO screenings (committee_id, period, screened_on, screened_by, places, disputes_found, note, \
             recorded_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            params![
                committee.id,
                period.code(),
                rec.day.to_string(),
                rec.screened_by.trim(),
                rec.places.trim(),
                found,
                rec.note.trim(),
                ts(now)
            ],
        )?;
        let sid = tx.last_insert_rowid();
        let mut refs = Vec::new();
        {
            let mut stmt = tx.prepare_cached(insert_case_sql())?;
            for mut c in cases {
                c.reference = next_ref(&tx, &self.org()?.city_code, tz.year_of(c.received_at))?;
                let id = insert_case(&mut stmt, &c)?;
                tx.execute("INSERT INTO screening_cases (screening_id, case_id) VALUES (?1, ?2)", params![sid, id])?;
                audit(
                    &tx,
                    now,
                    &self.actor,
                    "add",
                    Some(id),
                    &json!({"ref": c.reference, "screening": sid, "tier": c.tier.code()}),
                )?;
                refs.push(c.reference);
            }
        }
        audit(
            &tx,
            now,
            &self.actor,
            "screening",
            None,
            &json!({"screening": sid, "committee": committee.code, "period": period.code(), "cases": refs}),
        )?;
        tx.commit()?;
        self.screening(sid)
    }

    /// Stores generated screening records (the demo's) in one transaction with one audit event
    /// naming `label`; each record's period follows from its committee's tier and day. A record
    /// for a committee without a duty, or unknown, refuses them all.
    pub fn insert_screenings(&mut self, recs: &[ScreeningRecord], label: &str, now: DateTime<Utc>) -> Result<usize> {
        self.writable()?;
        let tx = self.begin()?;
        {
            let mut stmt = tx.prepare_cached(
                "INSERT INTO screenings (committee_id, period, screened_on, screened_by, places, disputes_found, \
                 note, recorded_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            )?;
            for r in recs {
                let c = self
                    .org()?
                    .committee_by_code(&r.committee)
                    .ok_or_else(|| Error::missing(crate::error::Thing::Committee, r.committee.as_str()))?;
                let tier = self.org()?.committee_tier(c).unwrap_or(Tier::Village);
                let period = period_for(&self.policy.screening, tier, r.day).ok_or_else(|| {
                    Error::Invalid(crate::msg!("{} has no screening duty", "{} 没有排查任务"; r.committee))
                })?;
                stmt.execute(params![
                    c.id,
                    period.code(),
                    r.day.to_string(),
                    r.screened_by,
                    r.places,
                    r.found,
                    r.note,
                    ts(now)
                ])?;
            }
        }
        audit(&tx, now, &self.actor, "screening", None, &json!({"generated": recs.len(), "label": label}))?;
        tx.commit()?;
        Ok(recs.len())
    }

    fn screening_rows(&self, filter: &str, arg: rusqlite::types::Value) -> Result<Vec<ScreeningRow>> {
        let sql = format!(
            "SELECT s.id, s.committee_id, s.period, s.screened_on, s.screened_by, s.places, s.disputes_found, s.note, \
             s.recorded_at, (SELECT group_concat(c.ref, ',') FROM screening_cases x JOIN cases c ON c.id = x.case_id \
             WHERE x.screening_id = s.id) FROM screenings s {filter} ORDER BY s.screened_on DESC, s.id DESC"
        );
        let mut stmt = self.conn.prepare(&sql)?;
        let org = self.org()?;
        let rows = stmt.query_map([arg], |r| {
            let committee_id: i64 = r.get(1)?;
            let c = org.committee(committee_id);
            let day: String = r.get(3)?;
            let refs: Option<String> = r.get(9)?;
            Ok(ScreeningRow {
                id: r.get(0)?,
                committee: c.map(|c| c.code.clone()).unwrap_or_default(),
                tier: c.and_then(|c| org.committee_tier(c)).unwrap_or(Tier::Village),
                period: r.get(2)?,
                date: day.parse().unwrap_or_default(),
                screened_by: r.get(4)?,
                places: r.get(5)?,
                disputes_found: r.get(6)?,
                note: r.get(7)?,
                cases: refs.map(|s| s.split(',').map(str::to_string).collect()).unwrap_or_default(),
                recorded_at: from_ts(r.get(8)?),
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }

    /// One screening record.
    pub fn screening(&self, id: i64) -> Result<ScreeningRow> {
        self.screening_rows("WHERE s.id = ?1", id.into())?
            .pop()
            .ok_or_else(|| Error::NotFound(crate::msg!("no screening {id}", "没有编号为 {id} 的排查记录")))
    }

    /// Screening records, newest first; of one committee (code) when given.
    pub fn screenings(&self, committee: Option<&str>) -> Result<Vec<ScreeningRow>> {
        match committee {
            Some(code) => {
                let c = self
                    .org()?
                    .committee_by_code(code.trim())
                    .ok_or_else(|| Error::missing(crate::error::Thing::Committee, code.trim()))?;
                self.screening_rows("WHERE s.committee_id = ?1", c.id.into())
            }
            None => self.screening_rows("WHERE ?1 IS NOT NULL", 1.into()),
        }
    }
}

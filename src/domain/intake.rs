//! Intake: the fields a new case arrives with, and their validation (one error per field).

use chrono::{DateTime, Duration, Utc};

use super::case::{Case, Category, Complexity, Party, RiskFlags, RiskLevel, Source, Status};
use super::clocks::Clocks;
use super::identity;
use super::org::{Org, Tier};
use super::routing::Route;
use super::text::looks_masked;
use super::Lang;
use crate::error::Msg;
use crate::msg;

/// Longest summary accepted, in bytes.
pub const MAX_SUMMARY_BYTES: usize = 4000;
/// Longest name, phone, id or note accepted, in bytes.
pub const MAX_SHORT_BYTES: usize = 200;
/// Largest amount accepted, in fen (10 billion yuan).
pub const MAX_AMOUNT_FEN: i64 = 1_000_000_000_000;

/// What a new case arrives with; everything the desk sets itself (ref, status, routing, version)
/// is absent.
#[derive(Debug, Clone, PartialEq)]
pub struct NewCase {
    /// When the dispute reached the desk.
    pub received_at: DateTime<Utc>,
    /// How it arrived.
    pub source: Source,
    /// Official category.
    pub category: Category,
    /// The applying party.
    pub applicant: Party,
    /// The other party.
    pub respondent: Party,
    /// What it is about.
    pub summary: String,
    /// Amount involved, in fen.
    pub amount_fen: i64,
    /// Code of the village/community where it arose.
    pub area: String,
    /// Grading.
    pub complexity: Complexity,
    /// Risk flags.
    pub risk_flags: RiskFlags,
    /// Risk colour.
    pub risk_level: RiskLevel,
    /// Joint-office partners.
    pub partners: Vec<String>,
}

/// A problem with one field of an input record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    /// The field's name as in JSON and the CSV header.
    pub field: String,
    /// What is wrong, in plain words, in both languages (built with [`crate::msg!`]).
    pub message: Msg,
}

impl FieldError {
    /// A new error for `field`.
    pub fn new(field: &str, message: Msg) -> FieldError {
        FieldError { field: field.to_string(), message }
    }

    /// What is wrong, in `lang` (without the field's name).
    pub fn reason(&self, lang: Lang) -> &str {
        self.message.get(lang)
    }

    /// The field and what is wrong with it, in `lang`: `field F: …` / `字段 F：…`.
    pub fn words(&self, lang: Lang) -> String {
        match lang {
            Lang::En => self.to_string(),
            Lang::Zh => format!("字段 {}：{}", self.field, self.reason(Lang::Zh)),
        }
    }
}

impl std::fmt::Display for FieldError {
    /// In English: `field F: …`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "field {}: {}", self.field, self.message.en())
    }
}

fn check_text(errs: &mut Vec<FieldError>, field: &str, value: &str, max: usize, required: bool, multiline: bool) {
    errs.extend(super::bounds::check_text(field, value, max, required, multiline));
}

fn check_party(errs: &mut Vec<FieldError>, prefix: &str, p: &Party, required: bool) {
    check_text(errs, &format!("{prefix}_name"), &p.name, MAX_SHORT_BYTES, required, false);
    for (suffix, value) in [("phone", &p.phone), ("id_no", &p.id_no)] {
        let field = format!("{prefix}_{suffix}");
        check_text(errs, &field, value, MAX_SHORT_BYTES, false, false);
        if looks_masked(value) {
            errs.push(FieldError::new(
                &field,
                msg!(
                    "holds *, which only masked values hold; give the real value or leave it empty",
                    "含有 *，这是脱敏显示的值才有的；请填写真实号码或留空"
                ),
            ));
        } else if !value.trim().is_empty() {
            let checked = match suffix {
                "phone" => identity::phone(value),
                _ if is_credit_code(value) => Ok(String::new()),
                _ => identity::id_number(value),
            };
            if let Err(e) = checked {
                errs.push(FieldError::new(&field, e.words()));
            }
        }
    }
}

/// True for an organisation's 18-character unified social credit code (统一社会信用代码), which
/// stands in the id-number field of a company party: it starts with a letter or digit
/// registration code and holds no I, O, S, V or Z. A person's id number (digits and a final X)
/// is not one.
fn is_credit_code(value: &str) -> bool {
    const CHARS: &str = "0123456789ABCDEFGHJKLMNPQRTUWXY";
    let v = identity::normalize_width(value.trim()).to_ascii_uppercase();
    v.len() == 18 && v.chars().all(|c| CHARS.contains(c)) && !v[..17].bytes().all(|b| b.is_ascii_digit())
}

/// The party with its phone and id number in their stored forms (full-width digits folded, a
/// landline as `area-number`, an upper-case X) where they are valid; invalid values are kept as
/// typed so that [`NewCase::validate`] names them.
pub fn tidy_party(p: Party) -> Party {
    let phone = identity::phone(&p.phone).unwrap_or(p.phone);
    let id_no = identity::id_number(&p.id_no).unwrap_or(p.id_no);
    Party { name: p.name, phone, id_no }
}

impl NewCase {
    /// The case this intake becomes once routed: received, unassigned, version 1, its
    /// assignment clock started; `area_id` is the resolved id of `self.area`. No id or ref yet.
    pub fn into_received(self, area_id: i64, route: Route, clocks: &Clocks) -> Case {
        Case {
            id: 0,
            reference: String::new(),
            assign_due: clocks.assign_due_for(self.received_at, self.complexity, self.risk_level, self.risk_flags),
            received_at: self.received_at,
            source: self.source,
            category: self.category,
            applicant: self.applicant,
            respondent: self.respondent,
            summary: self.summary,
            amount_fen: self.amount_fen,
            area_id,
            complexity: self.complexity,
            risk_flags: self.risk_flags,
            risk_level: self.risk_level,
            status: Status::Received,
            tier: route.tier,
            committee_id: route.committee_id,
            joint: route.joint,
            lead_mediator_id: None,
            partners: self.partners,
            mediation_due: None,
            assigned_at: None,
            finished_at: None,
            agreement: None,
            performance_due: None,
            performed: false,
            performed_at: None,
            judicial_confirmation: false,
            outcome_note: String::new(),
            version: 1,
            arrived_at: None,
            ..Case::placeholder()
        }
    }

    /// Every problem with this record; empty when it may be stored.
    pub fn validate(&self, org: &Org, now: DateTime<Utc>) -> Vec<FieldError> {
        let mut errs = Vec::new();
        if self.received_at > now + Duration::minutes(5) {
            errs.push(FieldError::new("received_at", msg!("is in the future", "是将来的时间")));
        } else if let Some(e) = super::bounds::check_date("received_at", self.received_at, now) {
            errs.push(e);
        }
        check_party(&mut errs, "applicant", &self.applicant, true);
        check_party(&mut errs, "respondent", &self.respondent, false);
        check_text(&mut errs, "summary", &self.summary, MAX_SUMMARY_BYTES, true, true);
        if self.amount_fen < 0 {
            errs.push(FieldError::new("amount_fen", msg!("must not be negative", "不能为负数")));
        } else if self.amount_fen > MAX_AMOUNT_FEN {
            errs.push(FieldError::new("amount_fen", msg!("is implausibly large", "金额大得不合常理")));
        }
        match org.area_by_code(&self.area) {
            None => errs.push(FieldError::new("area", msg!("unknown area {:?}", "未知地区“{}”"; self.area))),
            Some(a) if a.level != Tier::Village => errs.push(FieldError::new(
                "area",
                Msg::new(
                    format!("{:?} is a {}; a case arises in a village/community", self.area, a.level),
                    format!("“{}”是{}级地区；案件应发生在村（社区）", self.area, a.level.zh()),
                ),
            )),
            Some(_) => {}
        }
        for p in &self.partners {
            check_text(&mut errs, "partners", p, MAX_SHORT_BYTES, false, false);
        }
        errs
    }
}

//! The one flat JSON/CSV shape of a case (`CaseRecord`): what `show --json` / `list --json` print
//! and what `add --json -` / `import` accept; field names are the JSON keys and the CSV header.

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;

use crate::domain::identity::normalize_width;
use crate::domain::intake::tidy_party;
use crate::domain::text::{mask_id, mask_phone};
use crate::domain::{
    Case, Category, Complexity, FieldError, NewCase, OfficeTz, Org, Party, RiskFlags, RiskLevel, Source,
};
use crate::error::Msg;
use crate::msg;

/// How a record field is taken on input.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Input {
    /// Set by the desk: accepted on input (so output can be fed back) but ignored.
    DeskSet,
    /// Editable; may be empty.
    Optional,
    /// Editable; a record without it is refused.
    Required,
}

/// Whether a field holds personal data, masked on output unless revealed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mask {
    /// Shown as it is.
    No,
    /// A phone number ([`mask_phone`]).
    Phone,
    /// An id number ([`mask_id`]).
    IdNo,
}

/// How an input value is stored in the record.
#[derive(Clone, Copy)]
enum Parse {
    /// Kept as text in this slot (parsed later by [`CaseRecord::to_new_case`]).
    Text(fn(&mut CaseRecord) -> &mut String),
    /// A whole number of fen.
    Amount,
    /// Not taken (desk-set).
    Ignored,
}

/// One field of the JSON/CSV record: its name (the JSON key and CSV header), how input treats
/// it, whether it is masked, and how it is filled from a stored case.
#[derive(Clone, Copy)]
pub struct RecordField {
    /// The JSON key and CSV header.
    pub name: &'static str,
    /// How input treats it.
    pub input: Input,
    /// Masking on output.
    pub mask: Mask,
    parse: Parse,
    fill: fn(&mut CaseRecord, &Case, &Org, OfficeTz),
}

macro_rules! field {
    ($name:ident, $input:ident, $mask:ident, $parse:expr, |$r:ident, $c:ident, $o:ident, $t:ident| $fill:expr) => {
        RecordField {
            name: stringify!($name),
            input: Input::$input,
            mask: Mask::$mask,
            parse: $parse,
            fill: |$r: &mut CaseRecord, $c: &Case, $o: &Org, $t: OfficeTz| {
                let _ = ($o, $t);
                $r.$name = $fill;
            },
        }
    };
    ($name:ident, $input:ident, $mask:ident, $parse:expr, |$r:ident, $c:ident, $o:ident| $fill:expr) => {
        field!($name, $input, $mask, $parse, |$r, $c, $o, _tz| $fill)
    };
    // An input time field, filled as RFC 3339 with the office's offset.
    (time $name:ident, $input:ident, |$c:ident, $t:ident| $fill:expr) => {
        field!($name, $input, No, Parse::Text(|r| &mut r.$name), |r, $c, o, $t| $fill)
    };
    // A desk-set time field.
    (desk_time $name:ident, |$c:ident, $t:ident| $fill:expr) => {
        field!($name, DeskSet, No, Parse::Ignored, |r, $c, o, $t| $fill)
    };
    // An input text field filled from the case as text.
    (text $name:ident, $input:ident, $mask:ident, |$c:ident| $fill:expr) => {
        field!($name, $input, $mask, Parse::Text(|r| &mut r.$name), |r, $c, o| $fill)
    };
    // A desk-set field.
    (desk $name:ident, |$c:ident, $o:ident| $fill:expr) => {
        field!($name, DeskSet, No, Parse::Ignored, |r, $c, $o| $fill)
    };
}

/// Every field of a [`CaseRecord`], in output order (the CSV header and the JSON key order).
/// The one list FIELDS, DESK_SET, REQUIRED, input parsing and [`CaseRecord::from_case`] derive from.
pub const RECORD: &[RecordField] = &[
    RecordField {
        name: "ref",
        input: Input::DeskSet,
        mask: Mask::No,
        parse: Parse::Ignored,
        fill: |r, c, _, _| r.reference = c.reference.clone(),
    },
    field!(desk status, |c, _o| c.status.code().to_string()),
    field!(desk version, |c, _o| c.version),
    field!(desk tier, |c, _o| c.tier.code().to_string()),
    field!(desk committee, |c, o| o.committee(c.committee_id).map(|k| k.code.clone()).unwrap_or_default()),
    field!(desk lead_mediator, |c, o| c
        .lead_mediator_id
        .map(|id| o.mediator(id).map(|m| m.name.clone()).unwrap_or_else(|| format!("#{id}")))
        .unwrap_or_default()),
    field!(desk joint, |c, _o| c.joint),
    field!(time received_at, Required, |c, tz| format_time(c.received_at, tz)),
    field!(text source, Required, No, |c| c.source.code().to_string()),
    field!(text category, Required, No, |c| c.category.code().to_string()),
    field!(text applicant_name, Required, No, |c| c.applicant.name.clone()),
    field!(text applicant_phone, Optional, Phone, |c| c.applicant.phone.clone()),
    field!(text applicant_id_no, Optional, IdNo, |c| c.applicant.id_no.clone()),
    field!(text respondent_name, Optional, No, |c| c.respondent.name.clone()),
    field!(text respondent_phone, Optional, Phone, |c| c.respondent.phone.clone()),
    field!(text respondent_id_no, Optional, IdNo, |c| c.respondent.id_no.clone()),
    field!(text summary, Required, No, |c| c.summary.clone()),
    field!(amount_fen, Optional, No, Parse::Amount, |r, c, _o| c.amount_fen),
    field!(area, Required, No, Parse::Text(|r| &mut r.area), |r, c, o| o
        .area(c.area_id)
        .map(|a| a.code.clone())
        .unwrap_or_default()),
    field!(text complexity, Optional, No, |c| c.complexity.code().to_string()),
    field!(text risk_flags, Optional, No, |c| c.risk_flags.to_codes()),
    field!(text risk_level, Optional, No, |c| c.risk_level.code().to_string()),
    field!(text partners, Optional, No, |c| c.partners.join(";")),
    field!(desk_time assign_due, |c, tz| format_time(c.assign_due, tz)),
    field!(desk_time mediation_due, |c, tz| c.mediation_due.map(|t| format_time(t, tz)).unwrap_or_default()),
    field!(desk_time finished_at, |c, tz| c.finished_at.map(|t| format_time(t, tz)).unwrap_or_default()),
    field!(desk agreement, |c, _o| c.agreement.map(|a| a.code().to_string()).unwrap_or_default()),
    field!(desk outcome_note, |c, _o| c.outcome_note.clone()),
    field!(desk performed, |c, _o| c.performed),
    field!(desk_time mediation_started_at, |c, tz| c.mediation_started_at.map(|t| format_time(t, tz)).unwrap_or_default()),
    field!(desk session_place, |c, _o| c.session_place.clone()),
    field!(desk session_mediators, |c, _o| c.session_mediators.clone()),
    field!(desk extended_days, |c, _o| c.extended_days),
    field!(desk amount_agreed_fen, |c, _o| c.amount_agreed_fen),
    field!(desk told_route, |c, _o| c.told_route.map(|r| r.code().to_string()).unwrap_or_default()),
    field!(desk_time judicial_applied_at, |c, tz| c.judicial_applied_at.map(|t| format_time(t, tz)).unwrap_or_default()),
    field!(desk judicial_court, |c, _o| c.judicial_court.clone()),
    field!(desk referred_to, |c, _o| c.referred_to.map(|r| r.code().to_string()).unwrap_or_default()),
    field!(desk referred_body, |c, _o| c.referred_body.clone()),
    field!(desk_time referred_at, |c, tz| c.referred_at.map(|t| format_time(t, tz)).unwrap_or_default()),
    field!(desk_time arrived_at, |c, tz| c.arrived_at.map(|t| format_time(t, tz)).unwrap_or_default()),
];

/// Which fields a derived name list holds.
#[derive(Clone, Copy)]
enum Pick {
    All,
    DeskSet,
    Required,
    Editable,
}

const fn picks(pick: Pick, input: Input) -> bool {
    match pick {
        Pick::All => true,
        Pick::DeskSet => matches!(input, Input::DeskSet),
        Pick::Required => matches!(input, Input::Required),
        Pick::Editable => !matches!(input, Input::DeskSet),
    }
}

const fn count(pick: Pick) -> usize {
    let mut n = 0;
    let mut i = 0;
    while i < RECORD.len() {
        if picks(pick, RECORD[i].input) {
            n += 1;
        }
        i += 1;
    }
    n
}

const fn names<const N: usize>(pick: Pick) -> [&'static str; N] {
    let mut out = [""; N];
    let (mut i, mut n) = (0, 0);
    while i < RECORD.len() {
        if picks(pick, RECORD[i].input) {
            out[n] = RECORD[i].name;
            n += 1;
        }
        i += 1;
    }
    out
}

const FIELD_NAMES: [&str; count(Pick::All)] = names(Pick::All);
const DESK_SET_NAMES: [&str; count(Pick::DeskSet)] = names(Pick::DeskSet);
const REQUIRED_NAMES: [&str; count(Pick::Required)] = names(Pick::Required);
const INPUT_NAMES: [&str; count(Pick::Editable)] = names(Pick::Editable);

/// Every field of a [`CaseRecord`], in output order (the CSV header).
pub const FIELDS: &[&str] = &FIELD_NAMES;

/// The fields the desk sets itself; accepted on input (so output can be fed back) but ignored.
pub const DESK_SET: &[&str] = &DESK_SET_NAMES;

/// The input fields without which a record is refused.
pub const REQUIRED: &[&str] = &REQUIRED_NAMES;

/// The fields a person enters (the desk's new-case form and `add`/`import` take these).
pub const INPUT_FIELDS: &[&str] = &INPUT_NAMES;

/// The record field named `name`.
pub fn field(name: &str) -> Option<&'static RecordField> {
    RECORD.iter().find(|f| f.name == name)
}

/// A case as one flat record. Enumerations are their codes (on input the Chinese or English
/// labels are accepted too), times are RFC 3339 with the office's offset (on input any offset,
/// `Z`, or office wall time), absent values are empty strings.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct CaseRecord {
    /// Human reference, e.g. `WH-2023-04085` (desk-set).
    #[serde(rename = "ref")]
    pub reference: String,
    /// Status code (desk-set).
    pub status: String,
    /// Optimistic-concurrency version (desk-set).
    pub version: i64,
    /// Routed tier code (desk-set).
    pub tier: String,
    /// Routed committee code (desk-set).
    pub committee: String,
    /// Lead mediator's name, empty when unassigned (desk-set).
    pub lead_mediator: String,
    /// Worked by the joint office (desk-set).
    pub joint: bool,
    /// When the dispute reached the desk: RFC 3339, `YYYY-MM-DD HH:MM[:SS]` office time or `YYYY-MM-DD`.
    pub received_at: String,
    /// Source code, e.g. `walk_in`.
    pub source: String,
    /// Category code, e.g. `neighbour`.
    pub category: String,
    /// Applicant's name.
    pub applicant_name: String,
    /// Applicant's phone (masked on output unless revealed).
    pub applicant_phone: String,
    /// Applicant's id number (masked on output unless revealed).
    pub applicant_id_no: String,
    /// Respondent's name.
    pub respondent_name: String,
    /// Respondent's phone (masked on output unless revealed).
    pub respondent_phone: String,
    /// Respondent's id number (masked on output unless revealed).
    pub respondent_id_no: String,
    /// What the dispute is about.
    pub summary: String,
    /// Amount involved, in fen (an integer).
    pub amount_fen: i64,
    /// Code of the village/community where it arose.
    pub area: String,
    /// Complexity code; empty means `general`.
    pub complexity: String,
    /// Risk flags, comma-separated (`mass,media,criminal`).
    pub risk_flags: String,
    /// Risk level code; empty means `none`.
    pub risk_level: String,
    /// Joint-office partners, `;`-separated.
    pub partners: String,
    /// Assignment deadline (desk-set).
    pub assign_due: String,
    /// Mediation deadline (desk-set).
    pub mediation_due: String,
    /// When mediation ended (desk-set).
    pub finished_at: String,
    /// Agreement form code (desk-set).
    pub agreement: String,
    /// Outcome note; for a failure, the reason (desk-set).
    pub outcome_note: String,
    /// Performance confirmed (desk-set).
    pub performed: bool,
    /// When the first mediation session was held (desk-set).
    pub mediation_started_at: String,
    /// Where the first session was held (desk-set).
    pub session_place: String,
    /// The mediators present at the first session, `;`-separated (desk-set).
    pub session_mediators: String,
    /// Days the mediation clock was extended by (desk-set).
    pub extended_days: i64,
    /// The amount agreed, in fen, when the agreement names one (desk-set).
    pub amount_agreed_fen: Option<i64>,
    /// The route the parties were told on failure (desk-set).
    pub told_route: String,
    /// When judicial confirmation was applied for (desk-set).
    pub judicial_applied_at: String,
    /// The court applied to (desk-set).
    pub judicial_court: String,
    /// The kind of body a failed case was referred to (desk-set).
    pub referred_to: String,
    /// The receiving body (desk-set).
    pub referred_body: String,
    /// When it was referred (desk-set).
    pub referred_at: String,
    /// When the lead mediator reported on site, 到场 (desk-set).
    pub arrived_at: String,
}

/// A time as records print it: RFC 3339 with the office's offset and whole seconds
/// (`2026-01-01T05:00:00+08:00`).
pub fn format_time(t: DateTime<Utc>, tz: OfficeTz) -> String {
    tz.rfc3339(t)
}

/// Parses a typed time in the office's zone: RFC 3339 with any offset (or `Z`), office wall time
/// `YYYY-MM-DD HH:MM[:SS]` (also with `T` or `/`), or a bare `YYYY-MM-DD` (the office's midnight).
pub fn parse_time(s: &str, tz: OfficeTz) -> Result<DateTime<Utc>, Msg> {
    let t = s.trim();
    let dashed = t.replace('/', "-");
    tz.parse(&dashed).map_err(|_| {
        msg!(
            "{t:?} is not a date (expected e.g. 2023-05-01, 2023-05-01 14:30 or 2023-05-01T14:30:00+08:00)",
            "“{t}”不是日期或时间（应如 2023-05-01、2023-05-01 14:30 或 2023-05-01T14:30:00+08:00）"
        )
    })
}

/// Parses a calendar day, `YYYY-MM-DD` (or `YYYY/MM/DD`).
pub fn parse_date(s: &str) -> Result<NaiveDate, Msg> {
    let folded = normalize_width(s);
    let t = folded.trim();
    NaiveDate::parse_from_str(t, "%Y-%m-%d").or_else(|_| NaiveDate::parse_from_str(t, "%Y/%m/%d")).map_err(|_| {
        msg!(
            "{t:?} is not a date (expected YYYY-MM-DD, e.g. 2023-05-01)",
            "“{t}”不是日期（应为 YYYY-MM-DD，如 2023-05-01）"
        )
    })
}

/// A scalar input value, whatever format it came from.
#[derive(Debug, Clone, PartialEq)]
enum Scalar {
    Text(String),
    /// A JSON list of texts, joined with `;` (taken only by the list fields, [`LIST_FIELDS`]).
    List(String),
    /// A value of the wrong shape (an object, a nested array); the text says what it was.
    Invalid(&'static str),
}

/// The fields that hold a list and so also take a JSON array of texts; every other field takes
/// one value.
const LIST_FIELDS: &[&str] = &["partners", "risk_flags"];

fn scalar_from_json(v: &serde_json::Value) -> Scalar {
    use serde_json::Value;
    match v {
        Value::Null => Scalar::Text(String::new()),
        Value::Bool(b) => Scalar::Text(b.to_string()),
        Value::Number(n) => Scalar::Text(n.to_string()),
        Value::String(s) => Scalar::Text(s.clone()),
        Value::Array(items) => {
            let mut parts = Vec::with_capacity(items.len());
            for item in items {
                match item {
                    Value::String(s) => parts.push(s.clone()),
                    Value::Number(n) => parts.push(n.to_string()),
                    _ => return Scalar::Invalid("a list of non-text values"),
                }
            }
            Scalar::List(parts.join(";"))
        }
        Value::Object(_) => Scalar::Invalid("an object"),
    }
}

fn parse_amount(text: &str) -> Result<i64, Msg> {
    let folded = normalize_width(text);
    let t = folded.trim();
    if t.is_empty() {
        return Ok(0);
    }
    if let Ok(v) = t.parse::<i64>() {
        return Ok(v);
    }
    // `1200.0` from a spreadsheet or a float in JSON: accepted when it is a whole number.
    match t.parse::<f64>() {
        Ok(f) if f.is_finite() && f.fract() == 0.0 && f.abs() < 9.0e15 => Ok(f as i64),
        _ => Err(msg!(
            "{t:?} is not a whole number of fen (amount_fen is in fen: 1 yuan = 100 fen)",
            "“{t}”不是整数的分（amount_fen 以分计：1 元 = 100 分）"
        )),
    }
}

impl CaseRecord {
    /// The record of a stored case, times in the office's zone `tz`. Phones and id numbers are
    /// masked unless `reveal`.
    pub fn from_case(case: &Case, org: &Org, tz: OfficeTz, reveal: bool) -> CaseRecord {
        let mut rec = CaseRecord::default();
        for f in RECORD {
            (f.fill)(&mut rec, case, org, tz);
            if let (false, Parse::Text(slot)) = (reveal, f.parse) {
                let value = slot(&mut rec);
                match f.mask {
                    Mask::No => {}
                    Mask::Phone => *value = mask_phone(value),
                    Mask::IdNo => *value = mask_id(value),
                }
            }
        }
        rec
    }

    /// Reads a record from a JSON object. Returns the record and the problems found while
    /// reading it (unknown keys, values of the wrong shape, an amount that is not a number).
    pub fn from_json(value: &serde_json::Value) -> (CaseRecord, Vec<FieldError>) {
        let mut rec = CaseRecord::default();
        let mut errs = Vec::new();
        match value.as_object() {
            Some(map) => {
                for (key, v) in map {
                    rec.set(key, scalar_from_json(v), &mut errs);
                }
            }
            None => errs.push(FieldError::new(
                "record",
                msg!("is not a JSON object ({{\"category\": …, …}})", "不是 JSON 对象（应如 {{\"category\": …, …}}）"),
            )),
        }
        (rec, errs)
    }

    /// Reads a record from CSV fields under the given header names.
    pub fn from_fields<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> (CaseRecord, Vec<FieldError>) {
        let mut rec = CaseRecord::default();
        let mut errs = Vec::new();
        for (key, text) in pairs {
            rec.set(key, Scalar::Text(text.to_string()), &mut errs);
        }
        (rec, errs)
    }

    fn set(&mut self, key: &str, value: Scalar, errs: &mut Vec<FieldError>) {
        let Some(f) = field(key) else {
            let fields = FIELDS.join(", ");
            errs.push(FieldError::new(
                key,
                msg!("is not a case field (the fields are: {fields})", "不是案件字段（字段有：{fields}）"),
            ));
            return;
        };
        let text = match value {
            Scalar::Text(t) => t,
            Scalar::List(t) if LIST_FIELDS.contains(&f.name) => t,
            Scalar::List(_) => {
                if f.input != Input::DeskSet {
                    errs.push(FieldError::new(
                        key,
                        msg!("is a list; one text value was expected", "是一个列表；应为单个文本值"),
                    ));
                }
                return;
            }
            Scalar::Invalid(what) => {
                if f.input != Input::DeskSet {
                    errs.push(FieldError::new(
                        key,
                        Msg::new(
                            format!("is {what}; a text value was expected"),
                            format!("是{}；应为文本值", shape_zh(what)),
                        ),
                    ));
                }
                return;
            }
        };
        match f.parse {
            Parse::Text(slot) => *slot(self) = text,
            Parse::Amount => match parse_amount(&text) {
                Ok(v) => self.amount_fen = v,
                Err(e) => errs.push(FieldError::new(key, e)),
            },
            Parse::Ignored => {}
        }
    }

    /// Parses every input field into a new case; each error names its field. Desk-set fields
    /// are ignored; typed times are read in the office's zone `tz`. Masked values and other
    /// content problems are left to [`NewCase::validate`].
    pub fn to_new_case(&self, tz: OfficeTz) -> Result<NewCase, Vec<FieldError>> {
        let mut errs = Vec::new();
        let received_at = required(&self.received_at, "received_at", &mut errs, |t| parse_time(t, tz));
        let source = required(&self.source, "source", &mut errs, Source::read);
        let category = required(&self.category, "category", &mut errs, Category::read);
        for (field, value) in
            [("applicant_name", &self.applicant_name), ("summary", &self.summary), ("area", &self.area)]
        {
            if value.trim().is_empty() {
                errs.push(FieldError::new(field, missing()));
            }
        }
        let complexity = or_default(&self.complexity, Complexity::General, "complexity", &mut errs, Complexity::read);
        let risk_level = or_default(&self.risk_level, RiskLevel::None, "risk_level", &mut errs, RiskLevel::read);
        let risk_flags = RiskFlags::read(&self.risk_flags)
            .map_err(|e| errs.push(FieldError::new("risk_flags", e)))
            .unwrap_or_default();
        match (received_at, source, category, complexity, risk_level) {
            (Some(received_at), Some(source), Some(category), Some(complexity), Some(risk_level))
                if errs.is_empty() =>
            {
                Ok(NewCase {
                    received_at,
                    source,
                    category,
                    applicant: party(&self.applicant_name, &self.applicant_phone, &self.applicant_id_no),
                    respondent: party(&self.respondent_name, &self.respondent_phone, &self.respondent_id_no),
                    summary: self.summary.clone(),
                    amount_fen: self.amount_fen,
                    area: self.area.trim().to_string(),
                    complexity,
                    risk_flags,
                    risk_level,
                    partners: parse_partners(&self.partners),
                })
            }
            _ => Err(errs),
        }
    }
}

/// The refusal of a required field left empty.
fn missing() -> Msg {
    msg!("is missing; it must not be empty", "缺失；不能为空")
}

/// A wrong-shaped JSON value's description ([`Scalar::Invalid`]) in Chinese.
fn shape_zh(what: &str) -> &'static str {
    match what {
        "an object" => "一个对象",
        _ => "一个含非文本值的列表",
    }
}

/// Splits a `;`- (or `,`-) separated list of partners, dropping blanks.
pub fn parse_partners(s: &str) -> Vec<String> {
    s.split([';', ',']).map(str::trim).filter(|p| !p.is_empty()).map(str::to_string).collect()
}

fn required<T>(
    text: &str,
    field: &str,
    errs: &mut Vec<FieldError>,
    parse: impl Fn(&str) -> Result<T, Msg>,
) -> Option<T> {
    if text.trim().is_empty() {
        errs.push(FieldError::new(field, missing()));
        return None;
    }
    parse(text).map_err(|e| errs.push(FieldError::new(field, e))).ok()
}

fn or_default<T>(
    text: &str,
    default: T,
    field: &str,
    errs: &mut Vec<FieldError>,
    read: fn(&str) -> Result<T, Msg>,
) -> Option<T> {
    if text.trim().is_empty() {
        return Some(default);
    }
    match read(text) {
        Ok(v) => Some(v),
        Err(e) => {
            errs.push(FieldError::new(field, e));
            None
        }
    }
}

/// A party with its phone and id number in their stored forms where valid
/// ([`crate::domain::intake::tidy_party`]); [`NewCase::validate`] refuses the invalid ones.
fn party(name: &str, phone: &str, id_no: &str) -> Party {
    tidy_party(Party {
        name: name.trim().to_string(),
        phone: phone.trim().to_string(),
        id_no: id_no.trim().to_string(),
    })
}

/// Reads one record from JSON and parses it (times in the office's zone `tz`): every problem,
/// each naming its field.
pub fn new_case_from_json(value: &serde_json::Value, tz: OfficeTz) -> Result<NewCase, Vec<FieldError>> {
    let (rec, mut errs) = CaseRecord::from_json(value);
    finish(rec, tz, &mut errs)
}

/// Reads one record from CSV (header names zipped with fields) and parses it.
pub fn new_case_from_fields<'a>(
    pairs: impl IntoIterator<Item = (&'a str, &'a str)>,
    tz: OfficeTz,
) -> Result<NewCase, Vec<FieldError>> {
    let (rec, mut errs) = CaseRecord::from_fields(pairs);
    finish(rec, tz, &mut errs)
}

fn finish(rec: CaseRecord, tz: OfficeTz, errs: &mut Vec<FieldError>) -> Result<NewCase, Vec<FieldError>> {
    match rec.to_new_case(tz) {
        Ok(n) if errs.is_empty() => Ok(n),
        Ok(_) => Err(std::mem::take(errs)),
        Err(more) => {
            errs.extend(more);
            Err(std::mem::take(errs))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::testing::TestResult;
    use serde_json::json;

    /// The default office zone, Asia/Shanghai.
    fn sh() -> OfficeTz {
        OfficeTz::default()
    }

    fn good() -> serde_json::Value {
        json!({
            "received_at": "2023-05-01T06:02:00Z", "source": "walk_in", "category": "neighbour",
            "applicant_name": "张三", "applicant_phone": "13812345678", "summary": "噪音纠纷",
            "amount_fen": 120050, "area": "C-D1-T1-V1"
        })
    }

    #[test]
    fn a_good_record_parses() -> TestResult {
        let n = new_case_from_json(&good(), sh()).map_err(|e| format!("{e:?}"))?;
        assert_eq!(n.category, Category::Neighbour);
        assert_eq!(n.complexity, Complexity::General);
        assert_eq!(n.amount_fen, 120050);
        assert_eq!(format_time(n.received_at, sh()), "2023-05-01T14:02:00+08:00");
        Ok(())
    }

    #[test]
    fn labels_are_accepted_for_enums() {
        let mut v = good();
        v["category"] = json!("邻里");
        v["source"] = json!("Walk-in");
        assert_eq!(new_case_from_json(&v, sh()).map(|n| n.source), Ok(Source::WalkIn));
    }

    #[test]
    fn every_bad_field_is_named() {
        let mut v = good();
        v["category"] = json!("gossip");
        v["received_at"] = json!("yesterday");
        v["amount_fen"] = json!("12a");
        v["colour"] = json!("red");
        let errs = new_case_from_json(&v, sh()).unwrap_err();
        let fields: Vec<&str> = errs.iter().map(|e| e.field.as_str()).collect();
        for f in ["category", "received_at", "amount_fen", "colour"] {
            assert!(fields.contains(&f), "{f} not in {fields:?}");
        }
    }

    #[test]
    fn the_record_is_the_field_list_in_order() -> TestResult {
        let text = serde_json::to_string(&CaseRecord::default())?;
        let keys = serde_json::from_str::<serde_json::Map<String, serde_json::Value>>(&text)?.len();
        assert_eq!(keys, FIELDS.len(), "CaseRecord and RECORD disagree");
        let mut last = 0;
        for f in FIELDS {
            let at = text.find(&format!("\"{f}\":")).ok_or(format!("{f} is not serialized"))?;
            assert!(at >= last, "{f} is out of order");
            last = at;
        }
        assert_eq!(REQUIRED, ["received_at", "source", "category", "applicant_name", "summary", "area"]);
        assert_eq!(DESK_SET.len() + INPUT_FIELDS.len(), FIELDS.len());
        Ok(())
    }

    #[test]
    fn a_list_is_taken_only_by_list_fields() {
        let mut v = good();
        v["partners"] = serde_json::json!(["police", "court"]);
        v["risk_flags"] = serde_json::json!(["mass", "media"]);
        assert!(new_case_from_json(&v, OfficeTz::default()).is_ok());
        v["summary"] = serde_json::json!(["a", "b"]);
        let errs = new_case_from_json(&v, OfficeTz::default()).unwrap_err();
        assert!(errs.iter().any(|e| e.field == "summary" && e.message.en().contains("list")), "{errs:?}");
    }

    #[test]
    fn desk_set_fields_are_ignored() {
        let mut v = good();
        v["ref"] = json!("X-1");
        v["version"] = json!("not a number");
        v["status"] = json!("closed");
        assert!(new_case_from_json(&v, sh()).is_ok());
    }

    #[test]
    fn missing_required_fields_are_named() {
        let errs = new_case_from_json(&json!({"summary": "x"}), sh()).unwrap_err();
        let fields: Vec<&str> = errs.iter().map(|e| e.field.as_str()).collect();
        assert!(fields.contains(&"category") && fields.contains(&"area") && fields.contains(&"received_at"));
    }

    #[test]
    fn phones_and_id_numbers_are_validated_and_stored_in_one_form() -> TestResult {
        let org = crate::domain::testing::small_org();
        let mut v = good();
        v["applicant_phone"] = json!("１３８ １２３４ ５６７８");
        v["respondent_phone"] = json!("04732345678");
        v["applicant_id_no"] = json!("11010519491231002x");
        v["amount_fen"] = json!("１２００");
        let n = new_case_from_json(&v, OfficeTz::default()).map_err(|e| format!("{e:?}"))?;
        assert_eq!(n.applicant.phone, "13812345678");
        assert_eq!(n.respondent.phone, "0473-2345678");
        assert_eq!(n.applicant.id_no, "11010519491231002X");
        assert_eq!(n.amount_fen, 1200);
        let now = n.received_at + chrono::Duration::days(1);
        let bad_fields = |v: serde_json::Value| -> Vec<String> {
            match new_case_from_json(&v, OfficeTz::default()) {
                Ok(n) => n.validate(&org, now).into_iter().map(|e| e.field).collect(),
                Err(e) => e.into_iter().map(|e| e.field).collect(),
            }
        };
        let mut v = good();
        v["applicant_phone"] = json!("12345");
        v["respondent_phone"] = json!("abc");
        v["applicant_id_no"] = json!("123");
        v["respondent_id_no"] = json!("110105194912310021");
        let bad = bad_fields(v);
        for f in ["applicant_phone", "respondent_phone", "applicant_id_no", "respondent_id_no"] {
            assert!(bad.iter().any(|b| b == f), "{f} not refused: {bad:?}");
        }
        Ok(())
    }

    #[test]
    fn times_parse_in_several_forms() {
        for t in
            ["2023-05-01", "2023-05-01 14:30", "2023-05-01 14:30:10", "2023/05/01 14:30", "2023-05-01T14:30:10+08:00"]
        {
            assert!(parse_time(t, sh()).is_ok(), "{t}");
        }
        assert!(parse_time("2023-13-01", sh()).is_err());
    }

    #[test]
    fn typed_wall_times_are_office_time_and_offsets_are_kept() {
        let wall = parse_time("2026-01-01 05:00", sh()).map(|t| t.to_rfc3339());
        assert_eq!(wall.as_deref(), Ok("2025-12-31T21:00:00+00:00"));
        let z = parse_time("2025-12-31T21:00:00Z", sh()).map(|t| format_time(t, sh()));
        assert_eq!(z.as_deref(), Ok("2026-01-01T05:00:00+08:00"));
        let ny: OfficeTz = "America/New_York".parse().unwrap_or_default();
        let d = parse_time("2026-01-01", ny).map(|t| t.to_rfc3339());
        assert_eq!(d.as_deref(), Ok("2026-01-01T05:00:00+00:00"));
    }
}

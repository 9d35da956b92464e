//! Forms for popups: text and choice fields, typed into with the keyboard alone; the intake
//! and follow-up forms are built here and turned into domain values.

use chrono::{DateTime, Utc};
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use crate::domain::bounds::control_character;
use crate::domain::intake::tidy_party;
use crate::domain::office_time::OfficeTz;
use crate::domain::text::parse_yuan;
use crate::domain::{
    Category, Complexity, FieldError, FollowupChannel, FollowupOutcome, Lang, NewCase, Org, Party, RiskFlags,
    RiskLevel, Source, Tier,
};
use crate::error::Msg;
use crate::ingest::record::{parse_partners, INPUT_FIELDS};
use crate::msg;
use crate::store::FollowupRecord;
use crate::tui::i18n::Strings;
use crate::tui::popups::matches;

/// What a field holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FieldKind {
    /// Free text.
    Text(String),
    /// One of a list of `(value, label)`; typing filters, ←→ move.
    Choice {
        /// The options.
        options: Vec<(String, String)>,
        /// The chosen option.
        index: usize,
        /// Typed filter.
        filter: String,
    },
}

/// One field of a form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Field {
    /// The record field it fills (as in JSON/CSV), used to place validation errors.
    pub key: &'static str,
    /// The label shown.
    pub label: &'static str,
    /// Its value.
    pub kind: FieldKind,
    /// The validation error shown under it.
    pub error: Option<String>,
}

impl Field {
    pub(super) fn text(key: &'static str, label: &'static str) -> Field {
        Field { key, label, kind: FieldKind::Text(String::new()), error: None }
    }

    pub(super) fn choice(key: &'static str, label: &'static str, options: Vec<(String, String)>) -> Field {
        Field { key, label, kind: FieldKind::Choice { options, index: 0, filter: String::new() }, error: None }
    }

    /// The value: the text, or the chosen option's value.
    pub fn value(&self) -> &str {
        match &self.kind {
            FieldKind::Text(t) => t,
            FieldKind::Choice { options, index, .. } => options.get(*index).map(|o| o.0.as_str()).unwrap_or(""),
        }
    }

    /// What the field shows.
    pub fn display(&self) -> String {
        match &self.kind {
            FieldKind::Text(t) => t.clone(),
            FieldKind::Choice { options, index, filter } => {
                let label = options.get(*index).map(|o| o.1.as_str()).unwrap_or("");
                if filter.is_empty() {
                    format!("◂ {label} ▸")
                } else {
                    format!("◂ {label} ▸  /{filter}")
                }
            }
        }
    }
}

/// What a key did to a form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FormOutcome {
    /// Keep editing.
    Editing,
    /// Enter: save.
    Submit,
    /// Esc: cancel.
    Cancel,
}

/// A form: fields and the focused one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Form {
    /// The fields, top to bottom.
    pub fields: Vec<Field>,
    /// The focused field.
    pub focus: usize,
    /// The language of its words: labels, and the validation errors shown under the fields.
    pub lang: Lang,
}

pub(super) fn choices<T: Copy>(
    all: &[T],
    code: impl Fn(T) -> &'static str,
    label: impl Fn(T) -> &'static str,
) -> Vec<(String, String)> {
    all.iter().map(|&v| (code(v).to_string(), label(v).to_string())).collect()
}

impl Form {
    /// Applies one key.
    pub fn key(&mut self, k: KeyEvent) -> FormOutcome {
        let n = self.fields.len().max(1);
        match k.code {
            KeyCode::Esc => return FormOutcome::Cancel,
            KeyCode::Enter => return FormOutcome::Submit,
            KeyCode::Tab | KeyCode::Down => self.focus = (self.focus + 1) % n,
            KeyCode::BackTab | KeyCode::Up => self.focus = (self.focus + n - 1) % n,
            _ => {
                if let Some(f) = self.fields.get_mut(self.focus) {
                    f.error = None;
                    edit_field(f, k);
                }
            }
        }
        FormOutcome::Editing
    }

    /// The value of the field with this key.
    pub fn value(&self, key: &str) -> &str {
        self.fields.iter().find(|f| f.key == key).map(Field::value).unwrap_or("")
    }

    /// Shows validation errors under their fields, in the form's language (unknown keys go on
    /// the first field); focuses the first field in error.
    pub fn set_errors(&mut self, errors: &[FieldError]) {
        for f in &mut self.fields {
            f.error = None;
        }
        for e in errors {
            let i = self.fields.iter().position(|f| f.key == e.field).unwrap_or(0);
            if let Some(f) = self.fields.get_mut(i) {
                if f.error.is_none() {
                    f.error = Some(e.reason(self.lang).to_string());
                }
            }
        }
        if let Some(i) = self.fields.iter().position(|f| f.error.is_some()) {
            self.focus = i;
        }
    }

    /// The new-case intake form: one field per input field of the record
    /// ([`INPUT_FIELDS`], in its order), so the form, `add` and `import` take the same fields.
    pub fn intake(org: &Org, s: &Strings) -> Form {
        let lang = s.lang;
        let villages: Vec<(String, String)> = org
            .areas
            .iter()
            .filter(|a| a.level == Tier::Village)
            .map(|a| {
                let town = a
                    .parent
                    .as_deref()
                    .and_then(|p| org.area_by_code(p))
                    .map(|t| if lang == Lang::Zh { t.name_zh.clone() } else { t.name_en.clone() })
                    .unwrap_or_default();
                let name = if lang == Lang::Zh { &a.name_zh } else { &a.name_en };
                (a.code.clone(), format!("{name} · {town} ({})", a.code))
            })
            .collect();
        let fields = INPUT_FIELDS
            .iter()
            .map(|&key| {
                let label = intake_label(key, s);
                match key {
                    "category" => Field::choice(key, label, choices(Category::ALL, Category::code, |c| c.label(lang))),
                    "area" => Field::choice(key, label, villages.clone()),
                    "complexity" => {
                        let mut f =
                            Field::choice(key, label, choices(Complexity::ALL, Complexity::code, |c| c.label(lang)));
                        if let FieldKind::Choice { index, .. } = &mut f.kind {
                            *index = Complexity::ALL.iter().position(|c| *c == Complexity::General).unwrap_or(0);
                        }
                        f
                    }
                    "risk_level" => {
                        Field::choice(key, label, choices(RiskLevel::ALL, RiskLevel::code, |c| c.label(lang)))
                    }
                    "source" => Field::choice(key, label, choices(Source::ALL, Source::code, |c| c.label(lang))),
                    "risk_flags" => Field::choice(key, label, risk_flag_choices(lang)),
                    _ => Field::text(key, label),
                }
            })
            .collect();
        Form { fields, focus: 0, lang }
    }

    /// True when any field differs from a fresh intake form (something would be lost on Esc).
    pub fn is_filled(&self, fresh: &Form) -> bool {
        self.fields.iter().zip(&fresh.fields).any(|(a, b)| a.kind != b.kind)
    }

    /// The intake form's values as a new case, or the errors per field. An empty time received
    /// is `now`; a typed one is office time ([`OfficeTz::parse`]). Full-width digits are accepted
    /// in the amount, phones, id numbers and the time.
    pub fn to_new_case(&self, org: &Org, now: DateTime<Utc>, tz: OfficeTz) -> Result<NewCase, Vec<FieldError>> {
        let mut errs = Vec::new();
        let amount = self.value("amount_fen").trim();
        let amount_fen = if amount.is_empty() {
            0
        } else {
            parse_yuan(amount).unwrap_or_else(|e| {
                errs.push(FieldError::new("amount_fen", yuan_refused(e, amount)));
                0
            })
        };
        let received = self.value("received_at").trim();
        let received_at = if received.is_empty() {
            now
        } else {
            tz.parse(received).unwrap_or_else(|e| {
                errs.push(FieldError::new("received_at", time_refused(e, received)));
                now
            })
        };
        let risk_flags = RiskFlags::read(self.value("risk_flags")).unwrap_or_else(|e| {
            errs.push(FieldError::new("risk_flags", e));
            RiskFlags::default()
        });
        let parse = |key: &str, errs: &mut Vec<FieldError>| -> String {
            let v = self.value(key).to_string();
            if v.is_empty() {
                errs.push(FieldError::new(key, msg!("choose one", "请选择一项")));
            }
            v
        };
        let category = parse("category", &mut errs).parse::<Category>().unwrap_or(Category::Other);
        let complexity = parse("complexity", &mut errs).parse::<Complexity>().unwrap_or(Complexity::General);
        let risk_level = parse("risk_level", &mut errs).parse::<RiskLevel>().unwrap_or(RiskLevel::None);
        let source = parse("source", &mut errs).parse::<Source>().unwrap_or(Source::WalkIn);
        let party = |who: &str| {
            let v = |what: &str| self.value(&format!("{who}_{what}")).trim().to_string();
            tidy_party(Party { name: v("name"), phone: v("phone"), id_no: v("id_no") })
        };
        let new = NewCase {
            received_at,
            source,
            category,
            applicant: party("applicant"),
            respondent: party("respondent"),
            summary: self.value("summary").trim().to_string(),
            amount_fen,
            area: self.value("area").to_string(),
            complexity,
            risk_flags,
            risk_level,
            partners: parse_partners(self.value("partners")),
        };
        errs.extend(new.validate(org, now));
        if errs.is_empty() {
            Ok(new)
        } else {
            Err(errs)
        }
    }

    /// The follow-up outcome form.
    pub fn followup(s: &Strings) -> Form {
        let lang = s.lang;
        Form {
            fields: vec![
                Field::choice(
                    "outcome",
                    s.f_outcome,
                    choices(FollowupOutcome::ALL, FollowupOutcome::code, |c| c.label(lang)),
                ),
                Field::choice(
                    "channel",
                    s.f_channel,
                    choices(FollowupChannel::ALL, FollowupChannel::code, |c| c.label(lang)),
                ),
                Field::text("visitor", crate::tui::aftercare_words::words(lang).f_visitor),
                Field::text("note", s.f_note),
            ],
            focus: 0,
            lang,
        }
    }

    /// The follow-up form's values.
    pub fn to_followup(&self) -> Result<FollowupRecord, Vec<FieldError>> {
        let outcome = FollowupOutcome::read(self.value("outcome")).map_err(|e| vec![FieldError::new("outcome", e)])?;
        let channel = FollowupChannel::read(self.value("channel")).map_err(|e| vec![FieldError::new("channel", e)])?;
        let note = self.value("note").trim().to_string();
        if let Some(c) = crate::domain::text::find_hostile(&note, false) {
            return Err(vec![FieldError::new("note", control_character(c))]);
        }
        let visitor = self.value("visitor").trim().to_string();
        if let Some(c) = crate::domain::text::find_hostile(&visitor, false) {
            return Err(vec![FieldError::new("visitor", control_character(c))]);
        }
        Ok(FollowupRecord { channel, outcome, note, visitor })
    }
}

/// The refusal of a typed amount `v` ([`parse_yuan`]'s English `e`) in both languages.
pub(super) fn yuan_refused(e: String, v: &str) -> Msg {
    msg!("{e}", "“{v}”不是以元为单位的金额（如 1200.50）")
}

/// The refusal of a typed time `v` ([`OfficeTz::parse`]'s English `e`) in both languages.
pub(super) fn time_refused(e: String, v: &str) -> Msg {
    msg!("{e}", "“{v}”不是日期或时间（应如 2026-01-31 或 2026-01-31 14:30）")
}

/// Every combination of risk flags, none first: `(codes, label)`.
fn risk_flag_choices(lang: Lang) -> Vec<(String, String)> {
    (0..8u8)
        .map(|bits| {
            let f = RiskFlags { mass: bits & 1 != 0, media: bits & 2 != 0, criminal: bits & 4 != 0 };
            let words: Vec<&str> =
                [(f.mass, "群体性", "mass"), (f.media, "舆情", "media"), (f.criminal, "民转刑", "criminal")]
                    .iter()
                    .filter(|w| w.0)
                    .map(|w| if lang == Lang::Zh { w.1 } else { w.2 })
                    .collect();
            let label = match (words.is_empty(), lang) {
                (true, Lang::Zh) => "无".to_string(),
                (true, Lang::En) => "none".to_string(),
                (false, _) => words.join("+"),
            };
            (f.to_codes(), label)
        })
        .collect()
}

/// The intake form's label for a record field, in the desk's language.
fn intake_label(key: &str, s: &Strings) -> &'static str {
    let zh = s.lang == Lang::Zh;
    match key {
        "received_at" => s.f_received,
        "source" => s.f_source,
        "category" => s.f_category,
        "applicant_name" => s.f_applicant,
        "applicant_phone" => s.f_applicant_phone,
        "applicant_id_no" if zh => "申请人身份证号",
        "applicant_id_no" => "Applicant ID",
        "respondent_name" => s.f_respondent,
        "respondent_phone" => s.f_respondent_phone,
        "respondent_id_no" if zh => "被申请人身份证号",
        "respondent_id_no" => "Respondent ID",
        "summary" => s.f_summary,
        "amount_fen" => s.f_amount,
        "area" => s.f_area,
        "complexity" => s.f_complexity,
        "risk_flags" if zh => "风险标记",
        "risk_flags" => "Risk flags",
        "risk_level" => s.f_risk,
        "partners" => s.f_partners,
        _ => "?",
    }
}

fn edit_field(f: &mut Field, k: KeyEvent) {
    let ctrl = k.modifiers.contains(KeyModifiers::CONTROL);
    match &mut f.kind {
        FieldKind::Text(t) => match k.code {
            KeyCode::Backspace => {
                t.pop();
            }
            KeyCode::Char('u') if ctrl => t.clear(),
            KeyCode::Char(c) if !ctrl && t.len() < 4000 => t.push(c),
            _ => {}
        },
        FieldKind::Choice { options, index, filter } => {
            let view: Vec<usize> = (0..options.len())
                .filter(|&i| matches(&options[i].1, filter) || matches(&options[i].0, filter))
                .collect();
            let pos = view.iter().position(|&i| i == *index);
            match k.code {
                KeyCode::Right | KeyCode::Char(' ') if !view.is_empty() => {
                    *index = view[pos.map(|p| (p + 1) % view.len()).unwrap_or(0)];
                }
                KeyCode::Left if !view.is_empty() => {
                    *index = view[pos.map(|p| (p + view.len() - 1) % view.len()).unwrap_or(0)];
                }
                KeyCode::Backspace => {
                    filter.pop();
                }
                KeyCode::Char(c) if !ctrl => {
                    filter.push(c);
                    if let Some(&first) = (0..options.len())
                        .filter(|&i| matches(&options[i].1, filter) || matches(&options[i].0, filter))
                        .collect::<Vec<_>>()
                        .first()
                    {
                        *index = first;
                    }
                }
                _ => {}
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::testing::TestResult;
    use crate::tui::i18n::EN;

    fn key(c: KeyCode) -> KeyEvent {
        KeyEvent::new(c, KeyModifiers::NONE)
    }

    fn focus(f: &mut Form, key_name: &str) {
        // An unknown field name leaves the focus past the end, so the typing test fails visibly.
        f.focus = f.fields.iter().position(|x| x.key == key_name).unwrap_or(usize::MAX);
    }

    fn typed(f: &mut Form, key_name: &str, text: &str) {
        focus(f, key_name);
        for c in text.chars() {
            f.key(key(KeyCode::Char(c)));
        }
    }

    #[test]
    fn typing_into_a_choice_filters_it() {
        let org = crate::domain::testing::small_org();
        let mut f = Form::intake(&org, &EN);
        typed(&mut f, "category", "traffic");
        assert_eq!(f.value("category"), "traffic_accident");
    }

    #[test]
    fn the_form_has_every_input_field_of_the_record() {
        let org = crate::domain::testing::small_org();
        let f = Form::intake(&org, &EN);
        let keys: Vec<&str> = f.fields.iter().map(|x| x.key).collect();
        assert_eq!(keys, INPUT_FIELDS);
        assert!(f.fields.iter().all(|x| x.label != "?"), "a field without a label");
        assert!(!f.is_filled(&Form::intake(&org, &EN)));
    }

    #[test]
    fn empty_intake_names_the_fields_in_error() {
        let org = crate::domain::testing::small_org();
        let f = Form::intake(&org, &EN);
        let errs = f.to_new_case(&org, Utc::now(), OfficeTz::default()).unwrap_err();
        let fields: Vec<_> = errs.iter().map(|e| e.field.as_str()).collect();
        assert!(fields.contains(&"applicant_name"));
        assert!(fields.contains(&"summary"));
    }

    fn filled(org: &Org) -> Form {
        let mut f = Form::intake(org, &EN);
        typed(&mut f, "applicant_name", "张三");
        typed(&mut f, "summary", "噪音");
        f
    }

    #[test]
    fn bad_phones_and_id_numbers_are_refused_by_field() {
        let org = crate::domain::testing::small_org();
        let mut f = filled(&org);
        typed(&mut f, "applicant_phone", "12345");
        typed(&mut f, "respondent_id_no", "110105194912310021");
        assert!(f.is_filled(&Form::intake(&org, &EN)));
        let errs = f.to_new_case(&org, Utc::now(), OfficeTz::default()).unwrap_err();
        let fields: Vec<_> = errs.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["applicant_phone", "respondent_id_no"], "{errs:?}");
    }

    #[test]
    fn full_width_digits_are_accepted_and_stored_folded() -> TestResult {
        let org = crate::domain::testing::small_org();
        let mut f = filled(&org);
        typed(&mut f, "applicant_phone", "１３８１２３４５６７８");
        typed(&mut f, "applicant_id_no", "１１０１０５１９４９１２３１００２ｘ");
        typed(&mut f, "amount_fen", "１２００．５");
        typed(&mut f, "received_at", "２０２３－０５－０１　０８：３０");
        typed(&mut f, "risk_flags", "media");
        let n = f.to_new_case(&org, Utc::now(), OfficeTz::default()).map_err(|e| format!("{e:?}"))?;
        assert_eq!(n.applicant.phone, "13812345678");
        assert_eq!(n.applicant.id_no, "11010519491231002X");
        assert_eq!(n.amount_fen, 120_050);
        assert_eq!(n.received_at.to_rfc3339(), "2023-05-01T00:30:00+00:00");
        assert!(n.risk_flags.media && !n.risk_flags.mass);
        Ok(())
    }
}

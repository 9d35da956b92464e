//! The forms of a case's later steps (start mediation, outcome, extension, judicial
//! confirmation, onward referral, arrival) and of a screening record, and how each turns into
//! the write it asks for. Typed times are office time; an empty time means now (today for a
//! screening). The store checks what the form cannot (windows, caps, dates before receipt).

use chrono::{DateTime, NaiveDate, Utc};

use super::form::{choices, time_refused, yuan_refused, Field, FieldKind, Form};
use crate::domain::bounds::control_character;
use crate::domain::clocks::Clocks;
use crate::domain::lifecycle::{allowed, finishing_event};
use crate::domain::office_time::{parse_date, OfficeTz};
use crate::domain::screening::Duty;
use crate::domain::text::{find_hostile, parse_yuan};
use crate::domain::{AgreementForm, Case, ExtensionConsent, FieldError, Lang, Org, ReferralKind, Status, ToldRoute};
use crate::ingest::record::parse_partners;
use crate::msg;
use crate::store::{OutcomeRecord, ScreeningRecord};
use crate::tui::steps::{CaseStep, StepWrite};

/// A field's label in both languages: `(key, en, zh)`.
const LABELS: &[(&str, &str, &str)] = &[
    ("at", "When", "时间"),
    ("place", "Place", "地点"),
    ("mediators", "Present", "参加调解员"),
    ("outcome", "Outcome", "调解结果"),
    ("agreement", "Agreement", "协议形式"),
    ("amount_agreed", "Amount agreed (¥)", "协议金额（元）"),
    ("performance_due", "Perform by", "履行期限"),
    ("on_the_spot", "Performed now", "当场履行"),
    ("route", "Parties told", "告知途径"),
    ("note", "Note", "备注"),
    ("reason", "Reason", "终止原因"),
    ("why", "Reason", "上报原因"),
    ("consent", "Consent of", "同意方"),
    ("days", "Days", "延长天数"),
    ("court", "Court", "法院"),
    ("to", "Referred to", "移送机关类别"),
    ("body", "Receiving body", "接收机关"),
    ("committee", "Committee", "调委会"),
    ("day", "Date", "排查日期"),
    ("screened_by", "Screened by", "排查人"),
    ("places", "Places", "排查地点"),
    ("found", "Disputes found", "发现纠纷数"),
];

fn label(key: &str, lang: Lang) -> &'static str {
    LABELS.iter().find(|l| l.0 == key).map(|l| if lang == Lang::Zh { l.2 } else { l.1 }).unwrap_or("?")
}

fn text(key: &'static str, lang: Lang) -> Field {
    Field::text(key, label(key, lang))
}

fn filled(key: &'static str, lang: Lang, value: String) -> Field {
    Field { kind: FieldKind::Text(value), ..text(key, lang) }
}

fn choice(key: &'static str, lang: Lang, options: Vec<(String, String)>) -> Field {
    Field::choice(key, label(key, lang), options)
}

fn yes_no(key: &'static str, lang: Lang) -> Field {
    let (no, yes) = if lang == Lang::Zh { ("否", "是") } else { ("no", "yes") };
    choice(key, lang, vec![("no".into(), no.into()), ("yes".into(), yes.into())])
}

/// Puts the choice on the option whose value is `value`.
fn chosen(mut f: Field, value: &str) -> Field {
    if let FieldKind::Choice { options, index, .. } = &mut f.kind {
        *index = options.iter().position(|o| o.0 == value).unwrap_or(0);
    }
    f
}

/// The outcomes the form offers: the statuses that finish mediation.
const OUTCOMES: &[Status] = &[Status::Resolved, Status::Failed, Status::Withdrawn];

impl Form {
    /// The form of `step` for `case` (`None` for closing, which only asks to confirm).
    pub fn step(step: CaseStep, case: &Case, org: &Org, lang: Lang) -> Option<Form> {
        let fields = match step {
            CaseStep::Mediate => {
                let mut present: Vec<String> =
                    case.lead_mediator_id.and_then(|id| org.mediator(id)).map(|m| m.name.clone()).into_iter().collect();
                present.extend(case.partners.iter().cloned());
                vec![text("at", lang), text("place", lang), filled("mediators", lang, present.join(";"))]
            }
            CaseStep::Outcome => {
                let can = allowed(case.status);
                let outcomes: Vec<Status> = OUTCOMES
                    .iter()
                    .copied()
                    .filter(|o| finishing_event(*o).is_some_and(|e| can.contains(&e)))
                    .collect();
                return Some(Form::outcome(outcomes.first().copied().unwrap_or(Status::Resolved), &outcomes, lang));
            }
            CaseStep::Extend => vec![
                chosen(
                    choice("consent", lang, choices(ExtensionConsent::ALL, ExtensionConsent::code, |c| c.label(lang))),
                    Clocks::extension_consent(case.source).code(),
                ),
                text("days", lang),
            ],
            CaseStep::Judicial => vec![text("at", lang), text("court", lang)],
            CaseStep::Refer => vec![
                choice("to", lang, choices(ReferralKind::ALL, ReferralKind::code, |c| c.label(lang))),
                text("body", lang),
                text("at", lang),
            ],
            CaseStep::Arrive => vec![text("at", lang)],
            CaseStep::Close => return None,
        };
        Some(Form { fields, focus: 0, lang })
    }

    /// The outcome form with the fields of `outcome`: an agreement's form, amount and
    /// performance; a failure's reason and the route the parties were told; a withdrawal's note.
    /// Only the `outcomes` the case's status allows are offered.
    pub fn outcome(outcome: Status, outcomes: &[Status], lang: Lang) -> Form {
        let head = chosen(
            choice(
                "outcome",
                lang,
                outcomes.iter().map(|s| (s.code().to_string(), s.label(lang).to_string())).collect(),
            ),
            outcome.code(),
        );
        let mut fields = vec![head];
        match outcome {
            Status::Resolved => fields.extend([
                choice("agreement", lang, choices(AgreementForm::ALL, AgreementForm::code, |c| c.label(lang))),
                text("amount_agreed", lang),
                yes_no("on_the_spot", lang),
                text("performance_due", lang),
                text("note", lang),
            ]),
            Status::Failed => fields.extend([
                choice("route", lang, choices(ToldRoute::ALL, ToldRoute::code, |c| c.label(lang))),
                text("reason", lang),
            ]),
            _ => fields.push(text("note", lang)),
        }
        Form { fields, focus: 0, lang }
    }

    /// The outcome the form's first field names.
    pub fn chosen_outcome(&self) -> Status {
        self.value("outcome").parse().unwrap_or(Status::Resolved)
    }

    /// The outcomes the form offers.
    pub fn outcomes(&self) -> Vec<Status> {
        match self.fields.iter().find(|f| f.key == "outcome").map(|f| &f.kind) {
            Some(FieldKind::Choice { options, .. }) => options.iter().filter_map(|o| o.0.parse().ok()).collect(),
            _ => Vec::new(),
        }
    }

    /// The write the step's form asks for, or the errors per field.
    pub fn to_step(&self, step: CaseStep, now: DateTime<Utc>, tz: OfficeTz) -> Result<StepWrite, Vec<FieldError>> {
        let mut errs = Vec::new();
        let write = match step {
            CaseStep::Mediate => StepWrite::Mediate {
                at: self.when("at", tz, &mut errs),
                place: self.required("place", &mut errs),
                mediators: parse_partners(&self.plain("mediators", &mut errs)),
            },
            CaseStep::Outcome => StepWrite::Outcome(self.outcome_record(now, tz, &mut errs)),
            CaseStep::Extend => {
                let consent = self.value("consent").parse().unwrap_or(ExtensionConsent::Parties);
                let days = self.required("days", &mut errs);
                let days = crate::domain::identity::normalize_width(&days).parse::<i64>().unwrap_or_else(|_| {
                    if !days.is_empty() {
                        errs.push(FieldError::new(
                            "days",
                            msg!("{days:?} is not a whole number of days", "“{days}”不是整数天数"),
                        ));
                    }
                    0
                });
                StepWrite::Extend { consent, days }
            }
            CaseStep::Judicial => {
                StepWrite::Judicial { at: self.when("at", tz, &mut errs), court: self.required("court", &mut errs) }
            }
            CaseStep::Refer => StepWrite::Refer {
                kind: self.value("to").parse().unwrap_or(ReferralKind::Court),
                body: self.required("body", &mut errs),
                at: self.when("at", tz, &mut errs),
            },
            CaseStep::Arrive => StepWrite::Arrive { at: self.when("at", tz, &mut errs) },
            CaseStep::Close => StepWrite::Close,
        };
        if errs.is_empty() {
            Ok(write)
        } else {
            Err(errs)
        }
    }

    fn outcome_record(&self, now: DateTime<Utc>, tz: OfficeTz, errs: &mut Vec<FieldError>) -> OutcomeRecord {
        let status = self.chosen_outcome();
        match status {
            Status::Resolved => {
                let amount = self.plain("amount_agreed", errs);
                let amount_agreed_fen = (!amount.is_empty()).then(|| {
                    parse_yuan(&amount).unwrap_or_else(|e| {
                        errs.push(FieldError::new("amount_agreed", yuan_refused(e, &amount)));
                        0
                    })
                });
                let on_the_spot = self.value("on_the_spot") == "yes";
                let due = self.plain("performance_due", errs);
                let performance_due = (!due.is_empty()).then(|| self.time("performance_due", now, tz, errs));
                if on_the_spot && performance_due.is_some() {
                    errs.push(FieldError::new(
                        "performance_due",
                        msg!("performed on the spot: leave the date empty", "已当场履行：履行期限请留空"),
                    ));
                }
                OutcomeRecord {
                    agreement: self.value("agreement").parse().ok(),
                    amount_agreed_fen,
                    performance_due,
                    on_the_spot,
                    ..OutcomeRecord::plain(status, &self.plain("note", errs))
                }
            }
            Status::Failed => OutcomeRecord {
                told_route: self.value("route").parse().ok(),
                ..OutcomeRecord::plain(status, &self.required("reason", errs))
            },
            _ => OutcomeRecord::plain(status, &self.plain("note", errs)),
        }
    }

    /// The trimmed text of `key`, refusing control characters.
    fn plain(&self, key: &str, errs: &mut Vec<FieldError>) -> String {
        let v = self.value(key).trim().to_string();
        if let Some(c) = find_hostile(&v, false) {
            errs.push(FieldError::new(key, control_character(c)));
        }
        v
    }

    /// Like [`Form::plain`], and refused when empty.
    fn required(&self, key: &str, errs: &mut Vec<FieldError>) -> String {
        let v = self.plain(key, errs);
        if v.is_empty() {
            errs.push(FieldError::new(key, msg!("is required", "必填")));
        }
        v
    }

    /// The typed office time of `key`; `None` when empty (the write's own now).
    fn when(&self, key: &str, tz: OfficeTz, errs: &mut Vec<FieldError>) -> Option<DateTime<Utc>> {
        let v = self.value(key).trim();
        if v.is_empty() {
            return None;
        }
        tz.parse(v).map_err(|e| errs.push(FieldError::new(key, time_refused(e, v)))).ok()
    }

    /// The typed office time of `key`; empty is `now`.
    fn time(&self, key: &str, now: DateTime<Utc>, tz: OfficeTz, errs: &mut Vec<FieldError>) -> DateTime<Utc> {
        let v = self.value(key).trim();
        if v.is_empty() {
            return now;
        }
        tz.parse(v).unwrap_or_else(|e| {
            errs.push(FieldError::new(key, time_refused(e, v)));
            now
        })
    }

    /// The escalation form: the reason, required (the audit trail shows it with from → to).
    pub fn reason(lang: Lang) -> Form {
        Form { fields: vec![text("why", lang)], focus: 0, lang }
    }

    /// The escalation form's reason, or the error.
    pub fn to_reason(&self) -> Result<String, Vec<FieldError>> {
        let mut errs = Vec::new();
        let why = self.required("why", &mut errs);
        if errs.is_empty() {
            Ok(why)
        } else {
            Err(errs)
        }
    }

    /// The screening form: the committees with a duty open (overdue first, as the board lists
    /// them), then the date (empty: today), who screened, places, disputes found and a note.
    pub fn screening(duties: &[Duty], org: &Org, lang: Lang) -> Form {
        let zh = lang == Lang::Zh;
        let mut seen = std::collections::HashSet::new();
        let options = duties
            .iter()
            .filter(|d| seen.insert(d.committee_id))
            .map(|d| {
                let name = org.committee(d.committee_id).map(|c| if zh { &c.name_zh } else { &c.name_en });
                let mark = if d.overdue { "!" } else { "~" };
                (
                    d.committee.clone(),
                    format!("{mark}{} {} ({})", d.period, name.cloned().unwrap_or_default(), d.committee),
                )
            })
            .collect();
        Form {
            fields: vec![
                choice("committee", lang, options),
                text("day", lang),
                text("screened_by", lang),
                text("places", lang),
                text("found", lang),
                text("note", lang),
            ],
            focus: 0,
            lang,
        }
    }

    /// The screening form's record, or the errors per field.
    pub fn to_screening(&self, today: NaiveDate) -> Result<ScreeningRecord, Vec<FieldError>> {
        let mut errs = Vec::new();
        let committee = self.value("committee").to_string();
        if committee.is_empty() {
            errs.push(FieldError::new("committee", msg!("no screening duty is open", "没有待完成的排查任务")));
        }
        let day = self.value("day").trim();
        let day = if day.is_empty() {
            today
        } else {
            parse_date(day).unwrap_or_else(|e| {
                errs.push(FieldError::new("day", msg!("{e}", "“{day}”不是日期（应为 YYYY-MM-DD，如 2026-01-31）")));
                today
            })
        };
        let found = self.plain("found", &mut errs);
        let found = if found.is_empty() {
            0
        } else {
            crate::domain::identity::normalize_width(&found).parse::<u32>().unwrap_or_else(|_| {
                errs.push(FieldError::new("found", msg!("{found:?} is not a number", "“{found}”不是数字")));
                0
            })
        };
        let rec = ScreeningRecord {
            committee,
            day,
            screened_by: self.required("screened_by", &mut errs),
            places: self.plain("places", &mut errs),
            found,
            note: self.plain("note", &mut errs),
        };
        if errs.is_empty() {
            Ok(rec)
        } else {
            Err(errs)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::testing::TestResult;
    use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

    fn typed(f: &mut Form, key: &str, text: &str) {
        f.focus = f.fields.iter().position(|x| x.key == key).unwrap_or(usize::MAX);
        for c in text.chars() {
            f.key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE));
        }
    }

    fn case() -> Case {
        Case { status: Status::Assigned, reference: "WH-2026-00001".into(), ..Case::placeholder() }
    }

    #[test]
    fn every_step_field_has_a_label_in_both_languages() {
        let org = crate::domain::testing::small_org();
        for lang in [Lang::En, Lang::Zh] {
            for step in CaseStep::ALL {
                for f in Form::step(*step, &case(), &org, lang).map(|f| f.fields).unwrap_or_default() {
                    assert_ne!(f.label, "?", "{step:?} {}", f.key);
                }
            }
            for outcome in OUTCOMES {
                assert!(Form::outcome(*outcome, OUTCOMES, lang).fields.iter().all(|f| f.label != "?"));
            }
            assert!(Form::screening(&[], &org, lang).fields.iter().all(|f| f.label != "?"));
        }
    }

    #[test]
    fn mediation_needs_a_place_and_takes_office_time() -> TestResult {
        let org = crate::domain::testing::small_org();
        let mut f = Form::step(CaseStep::Mediate, &case(), &org, Lang::En).ok_or("no form")?;
        let now = Utc::now();
        let errs = f.to_step(CaseStep::Mediate, now, OfficeTz::default()).err().ok_or("accepted")?;
        assert_eq!(errs[0].field, "place");
        typed(&mut f, "place", "村委会");
        typed(&mut f, "at", "２０２６-01-01 05:00");
        match f.to_step(CaseStep::Mediate, now, OfficeTz::default()).map_err(|e| format!("{e:?}"))? {
            StepWrite::Mediate { at, .. } => {
                assert_eq!(at.map(|t| t.to_rfc3339()).as_deref(), Some("2025-12-31T21:00:00+00:00"))
            }
            other => return Err(format!("{other:?}").into()),
        }
        Ok(())
    }

    #[test]
    fn an_outcome_form_asks_only_what_its_outcome_has() -> TestResult {
        let failed = Form::outcome(Status::Failed, OUTCOMES, Lang::En);
        let keys: Vec<_> = failed.fields.iter().map(|f| f.key).collect();
        assert_eq!(keys, ["outcome", "route", "reason"]);
        let errs = failed.to_step(CaseStep::Outcome, Utc::now(), OfficeTz::default()).err().ok_or("accepted")?;
        assert_eq!(errs[0].field, "reason");
        let mut ok = Form::outcome(Status::Resolved, OUTCOMES, Lang::En);
        typed(&mut ok, "amount_agreed", "1200.5");
        typed(&mut ok, "on_the_spot", " ");
        match ok.to_step(CaseStep::Outcome, Utc::now(), OfficeTz::default()).map_err(|e| format!("{e:?}"))? {
            StepWrite::Outcome(o) => {
                assert_eq!((o.status, o.amount_agreed_fen, o.on_the_spot), (Status::Resolved, Some(120_050), true));
                assert_eq!(o.agreement, Some(AgreementForm::Written));
            }
            other => return Err(format!("{other:?}").into()),
        }
        typed(&mut ok, "performance_due", "2026-02-01");
        let errs = ok.to_step(CaseStep::Outcome, Utc::now(), OfficeTz::default()).err().ok_or("accepted")?;
        assert_eq!(errs[0].field, "performance_due");
        Ok(())
    }

    #[test]
    fn a_received_case_can_only_be_withdrawn() -> TestResult {
        let org = crate::domain::testing::small_org();
        let received = Case { status: Status::Received, ..case() };
        let f = Form::step(CaseStep::Outcome, &received, &org, Lang::En).ok_or("no form")?;
        assert_eq!(f.outcomes(), [Status::Withdrawn]);
        assert_eq!(Form::step(CaseStep::Outcome, &case(), &org, Lang::En).ok_or("no form")?.outcomes(), OUTCOMES);
        Ok(())
    }

    #[test]
    fn extension_days_must_be_a_number() {
        let org = crate::domain::testing::small_org();
        let Some(mut f) = Form::step(CaseStep::Extend, &case(), &org, Lang::Zh) else { panic!("no form") };
        typed(&mut f, "days", "ten");
        let errs = f.to_step(CaseStep::Extend, Utc::now(), OfficeTz::default()).unwrap_err();
        assert_eq!(errs[0].field, "days");
        f.fields[1].kind = FieldKind::Text("１５".into());
        let w = f.to_step(CaseStep::Extend, Utc::now(), OfficeTz::default());
        assert_eq!(w, Ok(StepWrite::Extend { consent: ExtensionConsent::Parties, days: 15 }));
    }

    #[test]
    fn a_screening_needs_who_screened_and_takes_today_by_default() -> TestResult {
        let org = crate::domain::testing::small_org();
        let duty = Duty {
            committee_id: 1,
            committee: "G-C-D1-T1-V1".into(),
            tier: crate::domain::Tier::Village,
            period: "2026-W05".into(),
            first: NaiveDate::from_ymd_opt(2026, 1, 26).ok_or("date")?,
            last: NaiveDate::from_ymd_opt(2026, 2, 1).ok_or("date")?,
            overdue: true,
        };
        let mut f = Form::screening(&[duty], &org, Lang::En);
        let today = NaiveDate::from_ymd_opt(2026, 2, 3).ok_or("date")?;
        assert_eq!(f.to_screening(today).err().ok_or("accepted")?[0].field, "screened_by");
        typed(&mut f, "screened_by", "王芳");
        typed(&mut f, "found", "2");
        let rec = f.to_screening(today).map_err(|e| format!("{e:?}"))?;
        assert_eq!((rec.committee.as_str(), rec.day, rec.found), ("G-C-D1-T1-V1", today, 2));
        Ok(())
    }
}

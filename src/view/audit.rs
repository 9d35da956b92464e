//! The audit trail in words: each event's JSON detail told as a sentence in zh or en
//! ("escalated town → district (…)" rather than `escalate {"from_tier":…}`).

use chrono::{DateTime, Utc};
use serde_json::Value;

use super::{Term, View};
use crate::domain::audit::AuditEvent;
use crate::domain::{
    AgreementForm, ExtensionConsent, FollowupChannel, FollowupOutcome, Lang, Org, ReferralKind, Status, Tier,
};

/// The audit trail section: one line per event, oldest first (`-` when empty).
pub fn trail(org: &Org, events: &[AuditEvent], lang: Lang, when: &dyn Fn(DateTime<Utc>) -> String) -> View {
    let mut v = View::default();
    v.section(Term::AuditTrail);
    if events.is_empty() {
        v.item("-");
    }
    for e in events {
        v.item(format!("{}  {}  {}", when(e.at), e.actor, event_words(org, e, lang)));
    }
    v
}

/// A value's label when it parses as `T`, else the code as stored.
fn label<T>(code: Option<&str>, lang: Lang, word: impl Fn(T, Lang) -> &'static str) -> String
where
    T: std::str::FromStr,
{
    match code {
        Some(c) => c.parse::<T>().map(|t| word(t, lang).to_string()).unwrap_or_else(|_| c.to_string()),
        None => "-".into(),
    }
}

/// A committee's name by code, in the language (the code when unknown).
fn committee(org: &Org, code: Option<&str>, lang: Lang) -> String {
    match code {
        Some(c) => org
            .committee_by_code(c)
            .map(|k| if lang == Lang::Zh { k.name_zh.clone() } else { k.name_en.clone() })
            .unwrap_or_else(|| c.to_string()),
        None => "-".into(),
    }
}

/// One event in words (without time and actor). Unknown actions are shown as stored.
pub fn event_words(org: &Org, e: &AuditEvent, lang: Lang) -> String {
    let d: Value = serde_json::from_str(&e.detail).unwrap_or(Value::Null);
    let s = |k: &str| d.get(k).and_then(Value::as_str);
    let zh = lang == Lang::Zh;
    let tier = |k: &str| label::<Tier>(s(k), lang, Tier::label);
    match e.action.as_str() {
        "add" | "import" => {
            let (verb_en, verb_zh) = if e.action == "add" { ("received", "收案") } else { ("imported", "导入") };
            let to = format!("{} · {}", tier("tier"), committee(org, s("committee"), lang));
            if zh {
                format!("{verb_zh}，分流至{to}")
            } else {
                format!("{verb_en}, routed to {to}")
            }
        }
        "assign" => {
            let who = s("mediator").unwrap_or("-");
            let mut t = if zh { format!("分派给{who}") } else { format!("assigned to {who}") };
            if let Some(p) = s("previous") {
                t.push_str(&if zh { format!("（原为{p}）") } else { format!(" (was {p})") });
            }
            if d.get("over_capacity").and_then(Value::as_bool) == Some(true) {
                t.push_str(if zh { "，超出承办上限" } else { ", over capacity" });
            }
            t
        }
        "escalate" => {
            let to = committee(org, s("to_committee"), lang);
            let mut t = if zh {
                format!("上报 {} → {}（{to}）", tier("from_tier"), tier("to_tier"))
            } else {
                format!("escalated {} → {} ({to})", tier("from_tier"), tier("to_tier"))
            };
            if s("from_committee").is_some() {
                let from = committee(org, s("from_committee"), lang);
                t.push_str(&if zh { format!("，原为{from}") } else { format!(", from {from}") });
            }
            if d.get("joint").and_then(Value::as_bool) == Some(true) {
                t.push_str(if zh { "，四所一庭联合调解" } else { ", joint team" });
            }
            if let Some(r) = s("reason") {
                t.push_str(&if zh { format!("；理由：{r}") } else { format!("; reason: {r}") });
            }
            t
        }
        "transfer" => {
            let (from, to) = (committee(org, s("from_committee"), lang), committee(org, s("to_committee"), lang));
            if zh {
                format!("移交 {from} → {to}")
            } else {
                format!("transferred {from} → {to}")
            }
        }
        "finish" => {
            let status = label::<Status>(s("status"), lang, Status::label);
            let mut t = if zh { format!("办结：{status}") } else { format!("finished: {status}") };
            if s("agreement").is_some() {
                let a = label::<AgreementForm>(s("agreement"), lang, AgreementForm::label);
                t.push_str(&if zh { format!("（{a}）") } else { format!(" ({a})") });
            }
            t
        }
        "mediate" => {
            let place = s("place").unwrap_or("-");
            if zh {
                format!("开始调解（{place}）")
            } else {
                format!("mediation started ({place})")
            }
        }
        "extend" => {
            let days = d.get("days").and_then(Value::as_i64).unwrap_or(0);
            let who = label::<ExtensionConsent>(s("consent"), lang, ExtensionConsent::label);
            if zh {
                format!("调解期限延长{days}天（{who}）")
            } else {
                format!("mediation clock extended by {days} day(s) ({who})")
            }
        }
        "judicial" => {
            let court = s("court").unwrap_or("-");
            if zh {
                format!("申请司法确认（{court}）")
            } else {
                format!("judicial confirmation applied for ({court})")
            }
        }
        "refer" => {
            let kind = label::<ReferralKind>(s("to"), lang, ReferralKind::label);
            let body = s("body").unwrap_or("-");
            if zh {
                format!("移交{kind}：{body}")
            } else {
                format!("referred onward to {body} ({kind})")
            }
        }
        "close" => (if zh { "结案" } else { "closed" }).to_string(),
        "followup" => {
            let channel = label::<FollowupChannel>(s("channel"), lang, FollowupChannel::label);
            let outcome = label::<FollowupOutcome>(s("outcome"), lang, FollowupOutcome::label);
            let mut t = if zh {
                format!("回访（{channel}）：{outcome}")
            } else {
                format!("followed up ({channel}): {outcome}")
            };
            if d.get("rectification").and_then(Value::as_bool) == Some(true) {
                t.push_str(if zh { "，需整改" } else { ", rectification due" });
            }
            t
        }
        "reveal" => {
            let via_list = s("via") == Some("list");
            match (zh, via_list) {
                (true, false) => "查看了当事人完整信息".into(),
                (true, true) => "在列表中查看了当事人完整信息".into(),
                (false, false) => "revealed the parties' personal data".into(),
                (false, true) => "revealed the parties' personal data in a list".into(),
            }
        }
        "generate" => {
            let n = d.get("cases").and_then(Value::as_u64).unwrap_or(0);
            if zh {
                format!("生成演示案件 {n} 件")
            } else {
                format!("generated {n} demo cases")
            }
        }
        other => format!("{other} {}", e.detail),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::testing::small_org;

    fn event(action: &str, detail: &str) -> AuditEvent {
        AuditEvent {
            id: 1,
            at: DateTime::<Utc>::UNIX_EPOCH,
            actor: "alice".into(),
            action: action.into(),
            case_ref: None,
            detail: detail.into(),
        }
    }

    #[test]
    fn events_are_told_in_words_not_json() {
        let org = small_org();
        let e = event("escalate", r#"{"from_tier":"town","to_tier":"district","to_committee":null}"#);
        let en = event_words(&org, &e, Lang::En);
        assert!(en.starts_with("escalated Town → District"), "{en}");
        assert!(!en.contains('{'), "{en}");
        let e = event(
            "escalate",
            r#"{"from_tier":"district","to_tier":"city","from_committee":"TRAFFIC-D1","to_committee":"TRAFFIC-C","joint":true,"reason":"两区交界"}"#,
        );
        let en = event_words(&org, &e, Lang::En);
        assert!(en.contains("joint team") && en.ends_with("reason: 两区交界"), "{en}");
        let zh = event_words(&org, &e, Lang::Zh);
        assert!(zh.contains("理由：两区交界") && zh.contains("原为"), "{zh}");
        let e = event("escalate", r#"{"from_tier":"town","to_tier":"district","to_committee":null}"#);
        let zh = event_words(&org, &e, Lang::Zh);
        assert!(zh.starts_with("上报 ") && zh.contains(" → ") && !zh.contains("town"), "{zh}");
        let a = event("assign", r#"{"mediator_id":3,"mediator":"王芳","previous":null,"over_capacity":true}"#);
        assert_eq!(event_words(&org, &a, Lang::En), "assigned to 王芳, over capacity");
        assert_eq!(event_words(&org, &a, Lang::Zh), "分派给王芳，超出承办上限");
        let f = event("finish", r#"{"status":"resolved","agreement":"oral"}"#);
        assert!(!event_words(&org, &f, Lang::Zh).contains("resolved"));
        assert!(event_words(&org, &event("reveal", "{}"), Lang::En).contains("reveal"));
    }
}

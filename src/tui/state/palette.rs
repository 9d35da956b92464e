//! The command palette: `:assign REF MEDIATOR [--force]`, `:escalate REF REASON`, `:transfer REF
//! COMMITTEE`, `:filter TEXT|district=…|town=…|village=…|committee=CODE|tier=T|category=C|risk=R`,
//! `:show REF`, `:help`, `:quit`, with Tab completion of verbs, refs, names and codes, and the
//! questions an assignment asks before it is sent (the same as the assign keys ask).

use crate::domain::{Case, Category, Lang, Org, RiskLevel, Tier};
use crate::error::Msg;
use crate::msg;
use crate::store::WorkloadRow;

/// The keys `:filter` takes, as its hint lists them.
pub const FILTER_KEYS: &[&str] = &["district", "town", "village", "committee", "tier", "category", "risk"];

/// The palette's verbs.
pub const VERBS: &[&str] = &["assign", "escalate", "transfer", "filter", "show", "overdue", "messages", "help", "quit"];

/// A parsed palette command.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    /// Assign a case to a mediator (id or exact name); `force` (`--force`) skips the questions.
    Assign { reference: String, mediator_id: i64, force: bool },
    /// Escalate a case, for a reason.
    Escalate { reference: String, reason: String },
    /// Transfer a case to a committee.
    Transfer { reference: String, committee: String },
    /// Filter Incoming.
    Filter(FilterSpec),
    /// Open a case's detail.
    Show { reference: String },
    /// The Overdue view: every open case past a clock.
    Overdue,
    /// The day's message log.
    Messages,
    /// Show help.
    Help,
    /// Quit.
    Quit,
}

impl Command {
    /// True for the commands that write to the database.
    pub fn writes(&self) -> bool {
        matches!(self, Command::Assign { .. } | Command::Escalate { .. } | Command::Transfer { .. })
    }
}

/// What `:filter` asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FilterSpec {
    /// Clear every filter.
    Clear,
    /// Ref, summary or party name contains.
    Text(String),
    /// Cases in an area (district, town or village) and below.
    Area(i64),
    /// Cases routed to a committee.
    Committee(i64),
    /// Cases at a tier.
    Tier(Tier),
    /// Cases of a category.
    Category(Category),
    /// Cases at a risk level.
    Risk(RiskLevel),
}

fn area_by_name(org: &Org, name: &str) -> Option<i64> {
    let n = name.to_lowercase();
    org.areas
        .iter()
        .find(|a| a.code.to_lowercase() == n || a.name_zh == name || a.name_en.to_lowercase() == n)
        .or_else(|| org.areas.iter().find(|a| a.name_en.to_lowercase().starts_with(&n) || a.name_zh.starts_with(name)))
        .map(|a| a.id)
}

/// Parses a palette line (without the leading `:`); a refusal in both languages.
pub fn parse(line: &str, org: &Org) -> Result<Command, Msg> {
    let mut words = line.split_whitespace();
    let verb = words.next().unwrap_or("");
    let all: Vec<&str> = words.collect();
    let force = all.contains(&"--force");
    let rest: Vec<&str> = all.into_iter().filter(|w| *w != "--force").collect();
    let need_ref = || {
        rest.first()
            .map(|r| r.to_string())
            .ok_or_else(|| msg!("{verb}: which case? ({verb} REF …)", "{verb}：哪个案件？（{verb} 案件编号 …）"))
    };
    match verb {
        "assign" => {
            let reference = need_ref()?;
            let who = rest[1..].join(" ");
            if who.is_empty() {
                return Err(msg!(
                    "assign: to whom? (assign REF MEDIATOR)",
                    "assign：分派给谁？（assign 案件编号 调解员）"
                ));
            }
            let m = who
                .parse::<i64>()
                .ok()
                .and_then(|id| org.mediator(id))
                .or_else(|| org.mediators.iter().find(|m| m.name == who))
                .ok_or_else(|| msg!("no mediator with id or name {who:?}", "没有编号或姓名为“{who}”的调解员"))?;
            Ok(Command::Assign { reference, mediator_id: m.id, force })
        }
        "escalate" => {
            let reference = need_ref()?;
            let reason = rest[1..].join(" ");
            if reason.is_empty() {
                return Err(msg!(
                    "escalate: why? (escalate REF REASON)",
                    "escalate：上报理由？（escalate 案件编号 理由）"
                ));
            }
            Ok(Command::Escalate { reference, reason })
        }
        "transfer" => {
            let reference = need_ref()?;
            let committee = rest
                .get(1)
                .ok_or_else(|| {
                    msg!(
                        "transfer: to which committee? (transfer REF CODE)",
                        "transfer：转至哪个调委会？（transfer 案件编号 调委会编码）"
                    )
                })?
                .to_string();
            if org.committee_by_code(&committee).is_none() {
                return Err(msg!("no committee {committee:?}", "没有调解委员会“{committee}”"));
            }
            Ok(Command::Transfer { reference, committee })
        }
        "show" => Ok(Command::Show { reference: need_ref()? }),
        "filter" => {
            let arg = rest.join(" ");
            let spec = match arg.split_once('=') {
                None if arg.is_empty() => FilterSpec::Clear,
                None => FilterSpec::Text(arg),
                Some(("district" | "town" | "village" | "area", name)) => FilterSpec::Area(
                    area_by_name(org, name.trim()).ok_or_else(|| msg!("no area {name:?}", "没有地区“{name}”"))?,
                ),
                Some(("committee", code)) => FilterSpec::Committee(
                    org.committee_by_code(code.trim())
                        .map(|c| c.id)
                        .ok_or_else(|| msg!("no committee {code:?}", "没有调解委员会“{code}”"))?,
                ),
                Some(("tier", t)) => FilterSpec::Tier(Tier::read(t)?),
                Some(("category", c)) => FilterSpec::Category(Category::read(c)?),
                Some(("risk", r)) => FilterSpec::Risk(RiskLevel::read(r)?),
                Some((k, _)) => {
                    let keys = FILTER_KEYS.join(", ");
                    return Err(msg!("filter: unknown key {k:?} ({keys})", "filter：未知筛选键“{k}”（可用：{keys}）"));
                }
            };
            Ok(Command::Filter(spec))
        }
        "overdue" => Ok(Command::Overdue),
        "messages" => Ok(Command::Messages),
        "help" => Ok(Command::Help),
        "quit" | "q" => Ok(Command::Quit),
        "" => Err(msg!(
            "type a command: assign, escalate, transfer, filter, show, help, quit",
            "请输入命令：assign、escalate、transfer、filter、show、help、quit"
        )),
        other => Err(msg!(
            "unknown command {other:?} (assign, escalate, transfer, filter, show, help, quit)",
            "未知命令“{other}”（可用：assign、escalate、transfer、filter、show、help、quit）"
        )),
    }
}

/// Completes the last word of `line`: the verb, a ref from `refs`, a mediator name or a
/// committee code. Returns the completed line, or `None` when nothing matches.
pub fn complete(line: &str, org: &Org, refs: &[String]) -> Option<String> {
    let words: Vec<&str> = line.split(' ').collect();
    let last = *words.last()?;
    let head = &line[..line.len() - last.len()];
    let candidates: Vec<String> = match words.len() {
        1 => VERBS.iter().map(|v| v.to_string()).collect(),
        2 if words[0] != "filter" => refs.to_vec(),
        2 => FILTER_KEYS.iter().map(|k| format!("{k}=")).collect(),
        3 if words[0] == "assign" => org.mediators.iter().map(|m| m.name.clone()).collect(),
        3 if words[0] == "transfer" => org.committees.iter().map(|c| c.code.clone()).collect(),
        _ => Vec::new(),
    };
    let found: Vec<&String> = candidates
        .iter()
        .filter(|c| {
            c.starts_with(last) || (words.len() == 3 && !last.is_empty() && crate::domain::search::matches(c, last))
        })
        .collect();
    let first = found.first()?;
    let common = found.iter().fold(first.to_string(), |acc, c| {
        acc.chars().zip(c.chars()).take_while(|(a, b)| a == b).map(|(a, _)| a).collect()
    });
    let word = match found.len() {
        1 if first.ends_with('=') => first.to_string(),
        1 => format!("{first} "),
        _ if common.len() < last.len() => return None,
        _ => common,
    };
    Some(format!("{head}{word}"))
}

/// What an assignment of `case` to mediator `mediator_id` should be confirmed for, in words:
/// over capacity, replacing a lead (naming them), outside the routed committee. Empty: send it.
pub fn assign_questions(
    org: &Org,
    workload: &[WorkloadRow],
    case: Option<&Case>,
    mediator_id: i64,
    lang: Lang,
) -> Vec<String> {
    let zh = lang == Lang::Zh;
    let mut out = Vec::new();
    let Some(m) = org.mediator(mediator_id) else { return out };
    if let Some(row) = workload.iter().find(|r| r.mediator_id == mediator_id) {
        if row.open >= row.capacity {
            out.push(if zh {
                format!("{} 已满负荷（{}/{}）", m.name, row.open, row.capacity)
            } else {
                format!("{} is at capacity ({}/{})", m.name, row.open, row.capacity)
            });
        }
    }
    let Some(case) = case else { return out };
    if let Some(prev) = case.lead_mediator_id.filter(|&p| p != mediator_id) {
        let name = org.mediator(prev).map(|p| p.name.clone()).unwrap_or_else(|| format!("#{prev}"));
        out.push(if zh {
            format!("将替换主办调解员 {name}")
        } else {
            format!("it replaces the lead mediator {name}")
        });
    }
    if let Some(k) = org.committee(case.committee_id) {
        if !m.committees.contains(&k.code) {
            let routed = if zh { &k.name_zh } else { &k.name_en };
            out.push(if zh {
                format!("{} 不属于分流的调委会 {routed}", m.name)
            } else {
                format!("{} is not in the routed committee {routed}", m.name)
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::testing::small_org;

    #[test]
    fn parses_the_documented_commands() {
        let org = small_org();
        assert_eq!(
            parse("assign WH-2023-04085 张伟", &org),
            Ok(Command::Assign { reference: "WH-2023-04085".into(), mediator_id: 1, force: false })
        );
        assert_eq!(
            parse("assign WH-2023-04085 张伟 --force", &org),
            Ok(Command::Assign { reference: "WH-2023-04085".into(), mediator_id: 1, force: true })
        );
        assert_eq!(parse("filter category=邻里", &org), Ok(Command::Filter(FilterSpec::Category(Category::Neighbour))));
        assert_eq!(parse("filter risk=red", &org), Ok(Command::Filter(FilterSpec::Risk(RiskLevel::Red))));
        assert!(parse("filter colour=red", &org).unwrap_err().en().contains("category, risk"));
        assert!(parse("filter colour=red", &org).unwrap_err().get(Lang::Zh).starts_with("filter：未知筛选键“colour”"));
        assert_eq!(parse("filter district=C-D1", &org), Ok(Command::Filter(FilterSpec::Area(2))));
        assert!(parse("assign X nobody", &org).is_err());
        assert!(parse("frobnicate", &org).is_err());
    }

    #[test]
    fn completes_verbs_refs_and_names() {
        let org = small_org();
        assert_eq!(complete("ass", &org, &[]).as_deref(), Some("assign "));
        let refs = vec!["WH-2023-00001".to_string()];
        assert_eq!(complete("assign WH", &org, &refs).as_deref(), Some("assign WH-2023-00001 "));
        assert_eq!(complete("assign WH-2023-00001 王", &org, &refs).as_deref(), Some("assign WH-2023-00001 王芳 "));
        assert_eq!(complete("filter ca", &org, &refs).as_deref(), Some("filter category="));
    }
}

//! The command palette: `:assign REF MEDIATOR`, `:escalate REF`, `:transfer REF COMMITTEE`,
//! `:filter TEXT|district=NAME|committee=CODE|tier=T`, `:show REF`, `:help`, `:quit`, with
//! Tab completion.

use crate::domain::{Org, Tier};

/// The palette's verbs.
pub const VERBS: &[&str] = &["assign", "escalate", "transfer", "filter", "show", "help", "quit"];

/// A parsed palette command.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    /// Assign a case to a mediator (id or exact name).
    Assign { reference: String, mediator_id: i64 },
    /// Escalate a case.
    Escalate { reference: String },
    /// Transfer a case to a committee.
    Transfer { reference: String, committee: String },
    /// Filter Incoming.
    Filter(FilterSpec),
    /// Open a case's detail.
    Show { reference: String },
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
}

fn area_by_name(org: &Org, name: &str) -> Option<i64> {
    let n = name.to_lowercase();
    org.areas
        .iter()
        .find(|a| a.code.to_lowercase() == n || a.name_zh == name || a.name_en.to_lowercase() == n)
        .or_else(|| org.areas.iter().find(|a| a.name_en.to_lowercase().starts_with(&n) || a.name_zh.starts_with(name)))
        .map(|a| a.id)
}

/// Parses a palette line (without the leading `:`).
pub fn parse(line: &str, org: &Org) -> Result<Command, String> {
    let mut words = line.split_whitespace();
    let verb = words.next().unwrap_or("");
    let rest: Vec<&str> = words.collect();
    let need_ref = || rest.first().map(|r| r.to_string()).ok_or_else(|| format!("{verb}: which case? ({verb} REF …)"));
    match verb {
        "assign" => {
            let reference = need_ref()?;
            let who = rest[1..].join(" ");
            if who.is_empty() {
                return Err("assign: to whom? (assign REF MEDIATOR)".into());
            }
            let m = who
                .parse::<i64>()
                .ok()
                .and_then(|id| org.mediator(id))
                .or_else(|| org.mediators.iter().find(|m| m.name == who))
                .ok_or_else(|| format!("no mediator with id or name {who:?}"))?;
            Ok(Command::Assign { reference, mediator_id: m.id })
        }
        "escalate" => Ok(Command::Escalate { reference: need_ref()? }),
        "transfer" => {
            let reference = need_ref()?;
            let committee = rest.get(1).ok_or("transfer: to which committee? (transfer REF CODE)")?.to_string();
            if org.committee_by_code(&committee).is_none() {
                return Err(format!("no committee {committee:?}"));
            }
            Ok(Command::Transfer { reference, committee })
        }
        "show" => Ok(Command::Show { reference: need_ref()? }),
        "filter" => {
            let arg = rest.join(" ");
            let spec = match arg.split_once('=') {
                None if arg.is_empty() => FilterSpec::Clear,
                None => FilterSpec::Text(arg),
                Some(("district" | "town" | "village" | "area", name)) => {
                    FilterSpec::Area(area_by_name(org, name.trim()).ok_or_else(|| format!("no area {name:?}"))?)
                }
                Some(("committee", code)) => FilterSpec::Committee(
                    org.committee_by_code(code.trim()).map(|c| c.id).ok_or_else(|| format!("no committee {code:?}"))?,
                ),
                Some(("tier", t)) => FilterSpec::Tier(t.trim().parse()?),
                Some((k, _)) => {
                    return Err(format!("filter: unknown key {k:?} (district, town, village, committee, tier)"))
                }
            };
            Ok(Command::Filter(spec))
        }
        "help" => Ok(Command::Help),
        "quit" | "q" => Ok(Command::Quit),
        "" => Err("type a command: assign, escalate, transfer, filter, show, help, quit".into()),
        other => Err(format!("unknown command {other:?} (assign, escalate, transfer, filter, show, help, quit)")),
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
        3 if words[0] == "assign" => org.mediators.iter().map(|m| m.name.clone()).collect(),
        3 if words[0] == "transfer" => org.committees.iter().map(|c| c.code.clone()).collect(),
        _ => Vec::new(),
    };
    let found: Vec<&String> = candidates.iter().filter(|c| c.starts_with(last)).collect();
    let first = found.first()?;
    let common = found.iter().fold(first.to_string(), |acc, c| {
        acc.chars().zip(c.chars()).take_while(|(a, b)| a == b).map(|(a, _)| a).collect()
    });
    let word = if found.len() == 1 { format!("{first} ") } else { common };
    Some(format!("{head}{word}"))
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
            Ok(Command::Assign { reference: "WH-2023-04085".into(), mediator_id: 1 })
        );
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
    }
}

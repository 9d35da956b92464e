//! Case commands: `add`, `import`, `list`, `show`.

use std::io::Write;

use chrono::Utc;

use super::args::{AddArgs, ImportArgs, ListArgs, ShowArgs};
use super::output::{office_time, row, typed_time, Out};
use super::Context;
use crate::domain::intake::tidy_party;
use crate::domain::{Case, Complexity, FieldError, Lang, NewCase, OfficeTz, Org, Party, RiskFlags, RiskLevel, Source};
use crate::error::{Error, Msg, Result, Thing};
use crate::ingest::import::{self, Format};
use crate::ingest::raw::{new_case_from_raw, RawRecord};
use crate::ingest::record::{parse_partners, CaseRecord};
use crate::msg;
use crate::store::{CaseFilter, Store, CASE_PAGE_MAX};

/// Picks the English or the Chinese text.
pub(crate) fn tr(lang: Lang, en: &'static str, zh: &'static str) -> &'static str {
    match lang {
        Lang::En => en,
        Lang::Zh => zh,
    }
}

fn refused(errs: &[FieldError]) -> Error {
    let lines: Vec<Msg> = errs.iter().map(Msg::from).collect();
    let en: Vec<String> = lines.iter().map(|l| format!("\n  {}", l.get(Lang::En))).collect();
    let zh: Vec<String> = lines.iter().map(|l| format!("\n  {}", l.get(Lang::Zh))).collect();
    let (en, zh) = (en.concat(), zh.concat());
    Error::Invalid(msg!("the case was refused; nothing was stored:{en}", "案件被拒收；未保存任何内容：{zh}"))
}

/// `add`: one case from flags or from a JSON record; prints its ref (or its record with --json).
pub fn add(ctx: &Context, a: &AddArgs) -> Result<()> {
    let now = Utc::now();
    let source = a.json.as_deref().filter(|s| !s.is_empty());
    if source.is_some() && has_input_flags(a) {
        return Err(Error::Usage(msg!(
            "give the case either as flags or as a JSON record (--json FILE), not both",
            "案件请用参数或 JSON 记录（--json FILE）二者之一给出，不能同时给出"
        )));
    }
    let mut store = ctx.open_for_write()?;
    let tz = store.policy().office.time_zone;
    let new = match source {
        Some(src) => read_record(src, tz)?,
        None => from_flags(a, tz, now)?,
    };
    let errs = import::check(&new, store.org()?, store.policy(), now);
    if !errs.is_empty() {
        return Err(refused(&errs));
    }
    let case = store.add_case(&new, now)?;
    let mut out = Out::new();
    if a.json.is_some() {
        out.json_pretty(&CaseRecord::from_case(&case, store.org()?, tz, false))?;
    } else {
        out.line(&crate::domain::text::sanitize(&case.reference))?;
    }
    out.flush()
}

fn has_input_flags(a: &AddArgs) -> bool {
    a.received_at.is_some()
        || a.source.is_some()
        || a.category.is_some()
        || a.applicant_name.is_some()
        || a.applicant_phone.is_some()
        || a.applicant_id_no.is_some()
        || a.respondent_name.is_some()
        || a.respondent_phone.is_some()
        || a.respondent_id_no.is_some()
        || a.summary.is_some()
        || a.amount.is_some()
        || a.area.is_some()
        || a.complexity.is_some()
        || a.risk_flags.is_some()
        || a.risk_level.is_some()
        || a.partners.is_some()
}

fn from_flags(a: &AddArgs, tz: OfficeTz, now: chrono::DateTime<Utc>) -> Result<NewCase> {
    let mut missing = Vec::new();
    if a.category.is_none() {
        missing.push("--category");
    }
    if a.area.is_none() {
        missing.push("--area");
    }
    if a.applicant_name.is_none() {
        missing.push("--applicant-name");
    }
    if a.summary.is_none() {
        missing.push("--summary");
    }
    let (Some(category), Some(area), Some(applicant_name), Some(summary)) =
        (a.category, a.area.as_ref(), a.applicant_name.as_ref(), a.summary.as_ref())
    else {
        let (en, zh) = (missing.join(", "), missing.join("、"));
        return Err(Error::Usage(msg!(
            "add needs {en} (or --json - to read a JSON record); see `duty-desk add --help`",
            "add 需要 {zh}（或用 --json - 读取一条 JSON 记录）；见 `duty-desk add --help`"
        )));
    };
    let risk_flags = match &a.risk_flags {
        Some(f) => RiskFlags::read(f).map_err(|e| Error::Usage(msg!("--risk-flags: ", "--risk-flags：").then(e)))?,
        None => RiskFlags::default(),
    };
    let received_at = typed_time(tz, a.received_at.as_deref(), "--received-at")?.unwrap_or(now);
    let text = |s: &Option<String>| s.as_deref().unwrap_or("").trim().to_string();
    Ok(NewCase {
        received_at,
        source: a.source.unwrap_or(Source::WalkIn),
        category,
        applicant: tidy_party(Party {
            name: applicant_name.trim().to_string(),
            phone: text(&a.applicant_phone),
            id_no: text(&a.applicant_id_no),
        }),
        respondent: tidy_party(Party {
            name: text(&a.respondent_name),
            phone: text(&a.respondent_phone),
            id_no: text(&a.respondent_id_no),
        }),
        summary: summary.clone(),
        amount_fen: a.amount.unwrap_or(0),
        area: area.trim().to_string(),
        complexity: a.complexity.unwrap_or(Complexity::General),
        risk_flags,
        risk_level: a.risk_level.unwrap_or(RiskLevel::None),
        partners: a.partners.as_deref().map(parse_partners).unwrap_or_default(),
    })
}

/// Reads one JSON record from a file or (`-`) stdin.
fn read_record(src: &str, tz: OfficeTz) -> Result<NewCase> {
    let path = std::path::Path::new(src);
    let text = crate::files::reader::read_text(path, crate::files::reader::RECORD_CAP)?;
    let name = crate::files::reader::display_name(path);
    let raw = RawRecord::parse(&text)
        .map_err(|e| Error::refused(name.clone(), msg!("not valid JSON: {e}", "不是有效的 JSON：{e}")))?;
    let raw = match raw.value {
        serde_json::Value::Array(mut items) if items.len() == 1 => {
            RawRecord { value: items.remove(0), duplicates: raw.duplicates }
        }
        serde_json::Value::Array(items) => {
            let n = items.len();
            return Err(Error::Invalid(msg!(
                "{name} holds {n} records; add takes one (use `duty-desk import FILE` for many)",
                "{name} 含 {n} 条记录；add 只收一条（多条请用 `duty-desk import FILE`）"
            )));
        }
        _ => raw,
    };
    new_case_from_raw(&raw, tz).map_err(|errs| refused(&errs))
}

/// `import FILE [--dry-run] [--progress]`.
pub fn import(ctx: &Context, a: &ImportArgs) -> Result<()> {
    let now = Utc::now();
    let mut store = if a.dry_run { ctx.open()? } else { ctx.open_for_write()? };
    let mut progress = ImportProgress::new(a.progress, ctx.lang);
    let done = import::import(&mut store, &a.file, a.dry_run, now, |p| progress.show(p));
    progress.end();
    let done = done?;
    let kind = match done.format {
        Format::Csv => "CSV",
        Format::JsonArray => "JSON",
        Format::JsonLines => "JSON Lines",
    };
    for line in &done.repaired {
        let _ = writeln!(std::io::stderr(), "duty-desk: {}", crate::domain::text::sanitize(line.get(ctx.lang)));
    }
    let mut out = Out::new();
    if a.json {
        let format = match done.format {
            Format::Csv => "csv",
            Format::JsonArray => "json",
            Format::JsonLines => "json_lines",
        };
        out.json_pretty(&serde_json::json!({
            "format": format,
            "records": done.records,
            "stored": !a.dry_run,
            "first_ref": done.first_ref,
            "last_ref": done.last_ref,
        }))?;
    } else if a.dry_run {
        let n = done.records;
        out.line(
            msg!(
                "ok: {n} {kind} record(s) are valid (dry run: nothing was stored)",
                "正常：{n} 条 {kind} 记录有效（试运行：未保存任何内容）"
            )
            .get(ctx.lang),
        )?;
    } else {
        let span = match (&done.first_ref, &done.last_ref) {
            (Some(f), Some(l)) if f != l => format!(" ({f} … {l})"),
            (Some(f), _) => format!(" ({f})"),
            _ => String::new(),
        };
        let n = done.records;
        let said = msg!("imported {n} case(s) from {kind}{span}", "已从 {kind} 导入 {n} 件案件{span}");
        out.line(&crate::domain::text::sanitize(said.get(ctx.lang)))?;
    }
    out.flush()
}

/// The import's progress on stderr: one line rewritten in place on a terminal, a line per batch
/// with `--progress` otherwise, nothing when stderr is not a terminal and `--progress` is absent.
struct ImportProgress {
    on: bool,
    terminal: bool,
    shown: bool,
    lang: Lang,
}

impl ImportProgress {
    fn new(asked: bool, lang: Lang) -> ImportProgress {
        use std::io::IsTerminal;
        let terminal = std::io::stderr().is_terminal();
        ImportProgress { on: asked || terminal, terminal, shown: false, lang }
    }

    fn show(&mut self, p: crate::store::staging::Progress) {
        use crate::store::staging::Progress;
        if !self.on {
            return;
        }
        let said = match p {
            Progress::Staged(n) => msg!("import: {n} row(s) read, valid and staged", "导入：已读取、校验并暂存 {n} 行"),
            Progress::Published(n, of) => msg!("import: {n} of {of} case(s) published", "导入：已发布 {n}/{of} 件案件"),
        };
        let text = said.get(self.lang);
        let mut err = std::io::stderr().lock();
        let _ = if self.terminal { write!(err, "\r\x1b[K{text}") } else { writeln!(err, "{text}") };
        let _ = err.flush();
        self.shown = true;
    }

    fn end(&mut self) {
        if self.shown && self.terminal {
            let _ = writeln!(std::io::stderr());
        }
    }
}

/// Prints cases as a table or as a JSON array, one at a time.
struct ListPrinter<'a> {
    out: Out,
    org: &'a Org,
    tz: OfficeTz,
    lang: Lang,
    json: bool,
    reveal: bool,
    count: usize,
}

const LIST_WIDTHS: [usize; 7] = [14, 23, 9, 12, 8, 8, 40];

impl ListPrinter<'_> {
    fn begin(&mut self) -> Result<()> {
        if self.json {
            return self.out.raw("[");
        }
        let l = self.lang;
        let heads = [
            tr(l, "Ref", "编号"),
            tr(l, "Received", "受理时间"),
            tr(l, "Status", "状态"),
            tr(l, "Category", "类别"),
            tr(l, "Tier", "层级"),
            tr(l, "Lead", "承办人"),
            tr(l, "Summary", "摘要"),
        ];
        let cells: Vec<(&str, usize)> = heads.iter().copied().zip(LIST_WIDTHS).collect();
        self.out.line(&row(&cells))
    }

    fn case(&mut self, c: &Case) -> Result<()> {
        self.count += 1;
        if self.json {
            self.out.raw(if self.count == 1 { "\n" } else { ",\n" })?;
            return self.out.json_compact(&CaseRecord::from_case(c, self.org, self.tz, self.reveal));
        }
        let l = self.lang;
        let lead = c.lead_mediator_id.and_then(|id| self.org.mediator(id)).map(|m| m.name.as_str()).unwrap_or("-");
        let received = office_time(self.tz, c.received_at);
        let values = [
            c.reference.as_str(),
            received.as_str(),
            c.status.label(l),
            c.category.label(l),
            c.tier.label(l),
            lead,
            c.summary.as_str(),
        ];
        let cells: Vec<(&str, usize)> = values.iter().copied().zip(LIST_WIDTHS).collect();
        self.out.line(&row(&cells))
    }

    fn end(&mut self) -> Result<()> {
        if self.json {
            self.out.raw(if self.count == 0 { "]\n" } else { "\n]\n" })?;
        }
        self.out.flush()
    }
}

/// `list`: a page of cases (or all of them, streamed, with `--limit 0`).
pub fn list(ctx: &Context, a: &ListArgs) -> Result<()> {
    let now = Utc::now();
    if a.reveal && (a.limit == 0 || a.limit > CASE_PAGE_MAX) {
        return Err(Error::Usage(msg!(
            "--reveal shows at most {CASE_PAGE_MAX} cases at a time; give --limit N (1..{CASE_PAGE_MAX})",
            "--reveal 一次最多显示 {CASE_PAGE_MAX} 件案件；请给出 --limit N（1..{CASE_PAGE_MAX}）"
        )));
    }
    let mut store = if a.reveal { ctx.open_for_write()? } else { ctx.open()? };
    let committee_id = match &a.committee {
        Some(code) => Some(
            store
                .org()?
                .committee_by_code(code.trim())
                .map(|c| c.id)
                .ok_or_else(|| Error::missing(Thing::Committee, code.trim()))?,
        ),
        None => None,
    };
    let filter = CaseFilter {
        status: a.status,
        unassigned: a.unassigned,
        overdue: a.overdue,
        committee_id,
        judicial_due: a.jc_due.then(|| {
            let clocks = &store.policy().clocks;
            (clocks.judicial_confirmation_days, clocks.judicial_warn_days)
        }),
        ..CaseFilter::default()
    };
    if a.reveal {
        let cases = store.list_cases(&filter, 0, a.limit, now)?;
        let refs: Vec<String> = cases.iter().map(|c| c.reference.clone()).collect();
        store.log_reveals(&refs, now)?;
        let mut p = printer(&store, ctx.lang, a)?;
        p.begin()?;
        for c in &cases {
            p.case(c)?;
        }
        return p.end();
    }
    let mut p = printer(&store, ctx.lang, a)?;
    p.begin()?;
    if a.limit == 0 {
        store.for_each_case(&filter, now, |c| p.case(&c))?;
    } else {
        let mut offset = 0;
        while offset < a.limit {
            let page = store.list_cases(&filter, offset, (a.limit - offset).min(CASE_PAGE_MAX), now)?;
            for c in &page {
                p.case(c)?;
            }
            if page.len() < CASE_PAGE_MAX {
                break;
            }
            offset += page.len();
        }
    }
    let shown = p.count;
    p.end()?;
    if !a.json && a.limit != 0 && shown == a.limit {
        let total = store.count_cases(&filter, now)?;
        if total > shown as u64 {
            // Not `eprintln!`: it panics (exit 101) when stderr is a closed pipe.
            use std::io::Write as _;
            let note = match ctx.lang {
                crate::domain::Lang::Zh => {
                    format!("（显示 {shown} 件，共 {total} 件；--limit N 显示更多，--limit 0 显示全部）")
                }
                crate::domain::Lang::En => format!("({shown} of {total}; --limit N shows more, --limit 0 all)"),
            };
            let _ = writeln!(std::io::stderr(), "{note}");
        }
    }
    Ok(())
}

fn printer<'a>(store: &'a Store, lang: Lang, a: &ListArgs) -> Result<ListPrinter<'a>> {
    Ok(ListPrinter {
        out: Out::new(),
        org: store.org()?,
        tz: store.policy().office.time_zone,
        lang,
        json: a.json,
        reveal: a.reveal,
        count: 0,
    })
}

/// `show REF`: the case, its follow-ups and its audit trail (or its JSON record).
pub fn show(ctx: &Context, a: &ShowArgs) -> Result<()> {
    let mut store = if a.reveal { ctx.open_for_write()? } else { ctx.open()? };
    let case = store.case_by_ref(&a.reference)?;
    if a.reveal {
        store.log_reveal(&case.reference, Utc::now())?;
    }
    let mut out = Out::new();
    if a.json {
        out.json_pretty(&CaseRecord::from_case(&case, store.org()?, store.policy().office.time_zone, a.reveal))?;
        return out.flush();
    }
    for line in super::detail::case_detail(&store, &case, ctx.lang, a.reveal)? {
        out.line(&line)?;
    }
    out.flush()
}

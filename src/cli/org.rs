//! Organisation commands: `demo` (create and fill a demo database), `init`, `mediators`.

use std::path::Path;

use chrono::Utc;
use serde::Serialize;

use super::args::{DemoArgs, InitArgs, MediatorsArgs};
use super::cases::tr;
use super::output::{row, Out};
use super::Context;
use crate::domain::{Category, Org, Policy};
use crate::error::{Error, Result, Thing};
use crate::ingest::generate::calibrate::{calibrated_year, PUBLISHED_2023_Q1_Q3};
use crate::ingest::generate::generate;
use crate::ingest::live::LiveIntake;
use crate::store::{CaseFilter, Store};
use crate::tui;

/// The demo organisation (a Wuhai-like city), embedded in the binary.
const DEMO_ORG: &str = include_str!("../../fixtures/demo-org.json");

/// The embedded demo organisation.
pub fn demo_org() -> Result<Org> {
    serde_json::from_str(DEMO_ORG).map_err(|e| {
        Error::Db(crate::msg!("the embedded demo organisation is broken: {e}", "内置的演示组织已损坏：{e}"))
    })
}

fn read_text(path: &Path, cap: u64) -> Result<String> {
    crate::files::reader::read_text(path, cap)
}

/// What `demo --json` prints: the database, the cases it held before, what was added.
#[derive(Debug, Serialize)]
struct DemoRecord {
    db: String,
    existing: u64,
    cases_added: u64,
    screenings_added: usize,
    seed: u64,
    /// The calibrated office year (`--year`), when generated.
    #[serde(skip_serializing_if = "Option::is_none")]
    year: Option<i32>,
    /// Its "now" (`--as-of`), when generated.
    #[serde(skip_serializing_if = "Option::is_none")]
    as_of: Option<chrono::NaiveDate>,
}

/// What `init --json` prints: the database and the organisation loaded into it.
#[derive(Debug, Serialize)]
struct InitRecord {
    db: String,
    areas: usize,
    committees: usize,
    mediators: usize,
}

/// `demo`: creates the database with the demo organisation when it is new or empty, generates
/// cases when it holds none, then opens the desk (unless `--no-tui`).
pub fn demo(ctx: &Context, a: &DemoArgs) -> Result<()> {
    if !ctx.read_only {
        let mut store = Store::create(&ctx.db)?;
        if !store.is_initialised()? {
            store.init_org(&demo_org()?, &Policy::default(), Utc::now())?;
        }
        let now = Utc::now();
        let existing = store.count_cases(&CaseFilter::default(), now)?;
        let said;
        let mut record = DemoRecord {
            db: ctx.db.display().to_string(),
            existing,
            cases_added: 0,
            screenings_added: 0,
            seed: a.seed,
            year: None,
            as_of: None,
        };
        if let (0, Some(year)) = (existing, a.year) {
            let org = store.org()?.clone();
            let policy = store.policy().clone();
            let as_of = a.as_of.or_else(|| chrono::NaiveDate::from_ymd_opt(year, 9, 30)).ok_or_else(|| {
                Error::Usage(crate::msg!("--year {year} is not a year", "--year {year} 不是有效的年份"))
            })?;
            let (cases, at) =
                calibrated_year(&org, &policy, a.seed, year, as_of, PUBLISHED_2023_Q1_Q3).ok_or_else(|| {
                    Error::Invalid(crate::msg!(
                        "the organisation cannot produce the calibrated year",
                        "该组织无法生成校准年度的数据"
                    ))
                })?;
            let label = format!("demo --year {year} --as-of {as_of} --seed {}", a.seed);
            let n = store.insert_generated(cases.into_iter().map(|g| (g.case, g.followups)), &label, at)?;
            (record.cases_added, record.year, record.as_of) = (n, Some(year), Some(as_of));
            let (db, seed) = (ctx.db.display(), a.seed);
            said = crate::msg!(
                "{db}: demo organisation with {n} calibrated cases of {year} as of {as_of} (seed {seed}); \
                 report --from {year}-01-01 --to {as_of}",
                "{db}：演示组织，含 {year} 年截至 {as_of} 的 {n} 件校准案件（种子 {seed}）；\
                 可运行 report --from {year}-01-01 --to {as_of}"
            )
            .get(ctx.lang)
            .to_string();
        } else if existing == 0 && a.cases > 0 {
            let org = store.org()?.clone();
            let policy = store.policy().clone();
            let label = format!("demo --cases {} --seed {}", a.cases, a.seed);
            let cases = generate(&org, &policy, a.seed, a.cases, now).map(|g| (g.case, g.followups));
            let n = store.insert_generated(cases, &label, now)?;
            let today = policy.office.time_zone.date_of(now);
            let done = crate::ingest::generate::screenings::screenings(&org, &policy.screening, a.seed, today);
            let s = store.insert_screenings(&done, &label, now)?;
            (record.cases_added, record.screenings_added) = (n, s);
            let (db, seed) = (ctx.db.display(), a.seed);
            said = crate::msg!(
                "{db}: demo organisation with {n} generated cases and {s} screenings (seed {seed})",
                "{db}：演示组织，已生成 {n} 件案件和 {s} 条排查记录（种子 {seed}）"
            )
            .get(ctx.lang)
            .to_string();
        } else {
            let db = ctx.db.display();
            said = crate::msg!(
                "{db}: {existing} cases already there; nothing added",
                "{db}：已有 {existing} 件案件；未添加任何内容"
            )
            .get(ctx.lang)
            .to_string();
        }
        let mut out = Out::new();
        match a.json {
            true => out.json_pretty(&record)?,
            false => out.line(&said)?,
        }
        out.flush()?;
    }
    if a.no_tui || a.json {
        return Ok(());
    }
    // The simulated intake writes on its own connection, as another officer would; it stops when
    // the desk closes.
    let _intake = (a.intake_every > 0 && !ctx.read_only)
        .then(|| LiveIntake::start(ctx.db.clone(), std::time::Duration::from_secs(a.intake_every), a.seed));
    tui::run(ctx.desk())
}

/// `init`: creates the schema and loads the organisation and the rules.
pub fn init(ctx: &Context, a: &InitArgs) -> Result<()> {
    if ctx.read_only {
        return Err(Error::ReadOnlyAsked);
    }
    let org: Org = match &a.org {
        Some(p) => serde_json::from_str(&read_text(p, crate::files::reader::ORG_CAP)?).map_err(|e| {
            Error::refused(p.display().to_string(), crate::msg!("not an organisation file: {e}", "不是组织文件：{e}"))
        })?,
        None => demo_org()?,
    };
    let problems = org.problems();
    if !problems.is_empty() {
        return Err(Error::Invalid(
            crate::msg!("the organisation is not valid; nothing was created:", "组织数据无效；未创建任何内容：")
                .with_each(&problems),
        ));
    }
    let policy = match &a.rules {
        Some(p) => Policy::read(&read_text(p, crate::files::reader::SMALL_CAP)?)
            .map_err(|e| Error::refused(p.display().to_string(), e))?,
        None => Policy::default(),
    };
    let mut store = Store::create(&ctx.db)?;
    store.init_org(&org, &policy, Utc::now())?;
    let mut out = Out::new();
    if a.json {
        out.json_pretty(&InitRecord {
            db: ctx.db.display().to_string(),
            areas: org.areas.len(),
            committees: org.committees.len(),
            mediators: org.mediators.len(),
        })?;
        return out.flush();
    }
    let (db, areas, committees, mediators) =
        (ctx.db.display(), org.areas.len(), org.committees.len(), org.mediators.len());
    out.line(
        crate::msg!(
            "{db}: initialised with {areas} areas, {committees} committees, {mediators} mediators",
            "{db}：已初始化，含 {areas} 个地区、{committees} 个调解委员会、{mediators} 名调解员"
        )
        .get(ctx.lang),
    )?;
    out.flush()
}

/// One mediator as `mediators --json` prints it.
#[derive(Debug, Serialize)]
pub(super) struct MediatorRecord {
    pub(super) id: i64,
    name: String,
    committees: Vec<String>,
    grid_worker: bool,
    on_duty: bool,
    open: u32,
    capacity: u32,
    overdue: u32,
    specialties: Vec<Category>,
}

/// The mediators (of one committee, or all) as `mediators --json` prints them.
pub(super) fn mediator_records(store: &crate::store::Store, committee: Option<&str>) -> Result<Vec<MediatorRecord>> {
    let rows = store.workload(committee, Utc::now())?;
    let org = store.org()?;
    Ok(rows
        .into_iter()
        .map(|r| {
            let m = org.mediator(r.mediator_id);
            MediatorRecord {
                id: r.mediator_id,
                name: r.name.to_string(),
                committees: m.map(|m| m.committees.clone()).unwrap_or_default(),
                grid_worker: r.grid_worker,
                on_duty: r.on_duty,
                open: r.open,
                capacity: r.capacity,
                overdue: r.overdue,
                specialties: m.map(|m| m.specialties.clone()).unwrap_or_default(),
            }
        })
        .collect())
}

/// `mediators [--committee C] [--json]`.
pub fn mediators(ctx: &Context, a: &MediatorsArgs) -> Result<()> {
    let store = ctx.open()?;
    let committee = a.committee.as_deref().map(str::trim);
    if let Some(c) = committee {
        if store.org()?.committee_by_code(c).is_none() {
            return Err(Error::missing(Thing::Committee, c));
        }
    }
    let records = mediator_records(&store, committee)?;
    let mut out = Out::new();
    if a.json {
        out.json_pretty(&records)?;
        return out.flush();
    }
    let l = ctx.lang;
    const W: [usize; 7] = [5, 10, 6, 6, 9, 7, 40];
    let heads = [
        tr(l, "Id", "编号"),
        tr(l, "Name", "姓名"),
        tr(l, "Grid", "网格员"),
        tr(l, "Duty", "在岗"),
        tr(l, "Load", "在办/容量"),
        tr(l, "Overdue", "超期"),
        tr(l, "Committees", "调委会"),
    ];
    out.line(&row(&heads.iter().copied().zip(W).collect::<Vec<_>>()))?;
    let yes = tr(l, "yes", "是");
    for r in &records {
        let id = r.id.to_string();
        let load = format!("{}/{}", r.open, r.capacity);
        let overdue = r.overdue.to_string();
        let committees = r.committees.join(",");
        let cells = [
            id.as_str(),
            r.name.as_str(),
            if r.grid_worker { yes } else { "" },
            if r.on_duty { yes } else { "" },
            load.as_str(),
            overdue.as_str(),
            committees.as_str(),
        ];
        out.line(&row(&cells.iter().copied().zip(W).collect::<Vec<_>>()))?;
    }
    out.flush()
}

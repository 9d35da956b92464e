//! The statistics of a period as a [`View`] and as CSV rows: the headline figures as labelled
//! fields, then the by-source, by-category and by-tier tables and the breakdowns asked for. The
//! CLI prints it and the desk draws it, so both show the same figures with the same words.

use super::{Block, Term, View};
use crate::domain::stats::{AreaNode, Breakdown, Count, Dimension, Figures, Overview, Report};
use crate::domain::Lang;

fn or_dash<T: ToString>(v: Option<T>) -> String {
    v.map_or_else(|| "—".to_string(), |v| v.to_string())
}

/// The headline figures, in display order: (term, value).
pub fn counts(r: &Report) -> Vec<(Term, String)> {
    let f = &r.figures;
    vec![
        (Term::CountReceived, r.received.to_string()),
        (Term::CountMediated, f.mediated.to_string()),
        (Term::CountResolved, f.successful.to_string()),
        (Term::CountFailed, r.failed.to_string()),
        (Term::CountWithdrawn, r.withdrawn.to_string()),
        (Term::SuccessRate, r.success_rate.clone()),
        (Term::AmountWan, r.amount_wan_yuan.clone()),
        (Term::Agreements, f.agreements.to_string()),
        (Term::AgreementsWritten, r.agreements_written.to_string()),
        (Term::AgreementsOral, r.agreements_oral.to_string()),
        (Term::CountPerformed, f.performed.to_string()),
        (Term::JudicialApplications, f.judicial_applications.to_string()),
        (Term::VillageShare, r.village_share.clone()),
        (Term::Escalations, r.escalations.to_string()),
        (Term::MedianAssign, or_dash(r.median_assign_minutes)),
        (Term::MedianArrival, or_dash(r.median_arrival_minutes)),
        (Term::OverClock, r.over_clock.to_string()),
        (Term::FollowupsDone, r.followups_done.to_string()),
        (Term::FollowupsOverdue, r.followups_overdue.to_string()),
        (Term::RectOpened, or_dash(r.rectifications_opened)),
        (Term::RectClosed, or_dash(r.rectifications_closed)),
        (Term::ScreeningsOnTime, or_dash(r.screenings_on_time)),
    ]
}

/// The header of a breakdown table: the dimension, then the figure columns.
pub fn breakdown_header(by: Dimension, lang: Lang) -> Vec<String> {
    let mut h = vec![dimension_word(by, lang).to_string()];
    h.extend(
        [
            Term::ColMediated,
            Term::ColResolved,
            Term::ColRate,
            Term::ColAmount,
            Term::ColAgreements,
            Term::ColPerformed,
            Term::ColJudicial,
        ]
        .iter()
        .map(|t| t.word(lang).to_string()),
    );
    h
}

/// The figure cells of one row (matching [`breakdown_header`] after the name).
pub fn figure_cells(f: &Figures) -> Vec<String> {
    vec![
        f.mediated.to_string(),
        f.successful.to_string(),
        f.success_rate(),
        f.amount_wan(),
        f.agreements.to_string(),
        f.performed.to_string(),
        f.judicial_applications.to_string(),
    ]
}

/// The word naming a dimension.
pub fn dimension_word(by: Dimension, lang: Lang) -> &'static str {
    let (zh, en) = match by {
        Dimension::District => ("区", "District"),
        Dimension::Town => ("镇（街道）", "Town/street"),
        Dimension::Committee => ("调委会", "Committee"),
        Dimension::Mediator => ("调解员", "Mediator"),
        Dimension::Category => ("类别", "Category"),
        Dimension::Source => ("来源", "Source class"),
    };
    if lang == Lang::Zh {
        zh
    } else {
        en
    }
}

fn count_table(title: Term, counts: &[Count], lang: Lang) -> Block {
    Block::Table {
        header: vec![title.word(lang).into(), Term::ColMediated.word(lang).into(), Term::ColResolved.word(lang).into()],
        rows: counts
            .iter()
            .map(|c| {
                let name = if lang == Lang::Zh { &c.zh } else { &c.en };
                vec![name.clone(), c.mediated.to_string(), c.successful.to_string()]
            })
            .collect(),
    }
}

/// The rows of one breakdown as table cells (name first).
pub fn breakdown_rows(b: &Breakdown, lang: Lang) -> Vec<Vec<String>> {
    b.rows
        .iter()
        .map(|row| {
            let name = if lang == Lang::Zh { &row.name_zh } else { &row.name_en };
            let mut cells = vec![crate::domain::text::sanitize(name)];
            cells.extend(figure_cells(&row.figures));
            cells
        })
        .collect()
}

/// The statistics view of `r` in `lang`.
pub fn statistics(r: &Report, lang: Lang) -> View {
    let mut v = View::default();
    v.blocks.push(Block::Title(format!("{}  {} … {}  ({})", Term::Statistics.word(lang), r.from, r.to, r.time_zone)));
    for (term, value) in counts(r) {
        v.field(term, value);
    }
    for (title, counts) in
        [(Term::BySource, &r.by_source), (Term::ByCategory, &r.by_category), (Term::ByTier, &r.by_tier)]
    {
        v.blocks.push(Block::Blank);
        v.blocks.push(count_table(title, counts, lang));
    }
    for b in &r.breakdowns {
        v.blocks.push(Block::Blank);
        v.blocks.push(Block::Table { header: breakdown_header(b.by, lang), rows: breakdown_rows(b, lang) });
    }
    v
}

/// The header of every statistics CSV (`report --csv` and the desk's export).
pub const CSV_HEADER: &str = "section,key,name_zh,name_en,mediated,successful,success_rate,amount_wan_yuan,agreements,performed,judicial_applications,received";

/// One CSV cell, RFC 4180 quoted when it needs to be, sanitised.
fn q(s: &str) -> String {
    let s = crate::domain::text::sanitize(s);
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s
    }
}

/// One CSV line: the section, the key, both names, the figure cells, then the cases received
/// (the headline's and the trend's months; empty elsewhere).
fn csv_line(section: &str, key: &str, zh: &str, en: &str, figures: Vec<String>, received: Option<u64>) -> String {
    let mut cells = vec![q(section), q(key), q(zh), q(en)];
    cells.extend(figures);
    cells.push(received.map(|n| n.to_string()).unwrap_or_default());
    cells.join(",")
}

/// The report as CSV lines (RFC 4180 quoting): `section,key,name,figure columns…` — the headline
/// first (`total`), then every breakdown row; the same in every language (codes, zh and en names).
pub fn csv(r: &Report) -> Vec<String> {
    let mut out = vec![CSV_HEADER.to_string()];
    out.push(csv_line("total", &r.period, "合计", "Total", figure_cells(&r.figures), Some(r.received)));
    for b in &r.breakdowns {
        for row in &b.rows {
            out.push(csv_line(b.by.code(), &row.key, &row.name_zh, &row.name_en, figure_cells(&row.figures), None));
        }
    }
    out
}

/// The dimension of the desk's area table at drill depth `depth` (0 = districts).
pub fn area_dimension(depth: usize) -> Dimension {
    match depth {
        0 => Dimension::District,
        1 => Dimension::Town,
        _ => Dimension::Committee,
    }
}

/// What the desk's Statistics screen shows, as CSV (the same header as `report --csv`): the
/// headline (`total`), the categories, the tiers (`tier`: mediated, successful and rate; the
/// other columns empty), then the rows of the area table at `path` (section `district`, `town`
/// or `committee`), then the monthly trend (section `trend`, key the month, only `received`).
pub fn screen_csv(o: &Overview, path: &[String]) -> Vec<String> {
    let r = &o.report;
    let mut out = csv(r);
    for c in &r.by_tier {
        let cells = vec![
            c.mediated.to_string(),
            c.successful.to_string(),
            crate::domain::stats::percent(c.successful, c.mediated),
            String::new(),
            String::new(),
            String::new(),
            String::new(),
        ];
        out.push(csv_line("tier", &c.code, &c.zh, &c.en, cells, None));
    }
    let section = area_dimension(path.len()).code();
    for n in AreaNode::level(&o.areas, path).unwrap_or_default() {
        out.push(csv_line(section, &n.row.key, &n.row.name_zh, &n.row.name_en, figure_cells(&n.row.figures), None));
    }
    for m in &o.trend {
        out.push(csv_line("trend", &m.month, "受理", "Received", vec![String::new(); 7], Some(m.received)));
    }
    out
}

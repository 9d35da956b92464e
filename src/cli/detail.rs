//! The human view of one case for `show`: the shared case-detail view model
//! ([`crate::view::detail`]) printed as lines; phones and id numbers masked unless revealed.

use super::output::{field, office_time, row};
use crate::domain::{Case, Lang};
use crate::error::Result;
use crate::store::Store;
use crate::view::detail::{case_detail as detail_view, DetailInput};
use crate::view::{Block, View};

/// Width of the label column.
const LABEL: usize = 16;

/// The lines of the detail view.
pub fn case_detail(store: &Store, case: &Case, lang: Lang, reveal: bool) -> Result<Vec<String>> {
    let followups = store.followups_of(case.id)?;
    let trail = store.audit_of(case.id)?;
    let input = DetailInput { org: store.org()?, followups: &followups, trail: &trail, lang, reveal };
    let tz = store.policy().office.time_zone;
    Ok(lines(&detail_view(case, input, &|t| office_time(tz, t)), lang))
}

/// A view model as terminal lines: labels padded, sections followed by `:`, items indented.
pub fn lines(view: &View, lang: Lang) -> Vec<String> {
    let mut v = Vec::new();
    for b in &view.blocks {
        match b {
            Block::Title(t) => v.push(t.clone()),
            Block::Field { label, value } => v.push(field(label.word(lang), LABEL, value)),
            Block::Section(t) => v.push(format!("{}:", t.word(lang))),
            Block::Item(t) => v.push(format!("  {t}")),
            Block::Table { header, rows } => {
                let widths: Vec<usize> = (0..header.len())
                    .map(|i| {
                        std::iter::once(header)
                            .chain(rows)
                            .filter_map(|r| r.get(i))
                            .map(|c| crate::domain::text::width(c))
                            .max()
                            .unwrap_or(0)
                            + 1
                    })
                    .collect();
                for r in std::iter::once(header).chain(rows) {
                    let cells: Vec<(&str, usize)> = r.iter().map(String::as_str).zip(widths.iter().copied()).collect();
                    v.push(row(&cells));
                }
            }
            Block::Blank => v.push(String::new()),
        }
    }
    v
}

//! The statistics of a period as a [`View`]: the counts as labelled fields, then the
//! by-source and by-category tables.

use super::{Block, Term, View};
use crate::domain::stats::Report;
use crate::domain::Lang;

/// The counts of the report, in display order: (term, value).
pub fn counts(r: &Report) -> Vec<(Term, String)> {
    vec![
        (Term::CountReceived, r.received.to_string()),
        (Term::CountMediated, r.mediated.to_string()),
        (Term::CountResolved, r.resolved.to_string()),
        (Term::CountFailed, r.failed.to_string()),
        (Term::CountWithdrawn, r.withdrawn.to_string()),
        (Term::SuccessRate, r.success_rate.clone()),
        (Term::AmountWan, r.amount_wan_yuan.clone()),
        (Term::Agreements, r.agreements.to_string()),
        (Term::AgreementsWritten, r.agreements_written.to_string()),
        (Term::CountPerformed, r.performed.to_string()),
        (Term::JudicialConfirmations, r.judicial_confirmations.to_string()),
        (Term::OpenNow, r.open_now.to_string()),
        (Term::OverdueNow, r.overdue_now.to_string()),
    ]
}

/// The statistics view of `r` in `lang`.
pub fn statistics(r: &Report, lang: Lang) -> View {
    let mut v = View::default();
    v.blocks.push(Block::Title(format!("{}  {} … {}", Term::Statistics.word(lang), r.from, r.to)));
    for (term, value) in counts(r) {
        v.field(term, value);
    }
    v.blocks.push(Block::Blank);
    v.blocks.push(Block::Table {
        header: vec![Term::BySource.word(lang).into(), Term::ColMediated.word(lang).into()],
        rows: r.by_source.iter().map(|s| vec![s.class.label(lang).into(), s.mediated.to_string()]).collect(),
    });
    v.blocks.push(Block::Blank);
    v.blocks.push(Block::Table {
        header: vec![
            Term::ByCategory.word(lang).into(),
            Term::ColMediated.word(lang).into(),
            Term::ColResolved.word(lang).into(),
        ],
        rows: r
            .by_category
            .iter()
            .map(|c| vec![c.category.label(lang).into(), c.mediated.to_string(), c.resolved.to_string()])
            .collect(),
    });
    v
}

//! Popups: each consumes keys before the panes do.

use super::form::Form;
use crate::domain::suggest::Suggestion;
use crate::store::Expect;
use crate::tui::snapshot::CaseDetail;
use crate::tui::worker::Request;

/// The open popup, with its own state.
#[derive(Debug, Clone, PartialEq)]
pub enum Popup {
    /// One case in full; `None` while loading.
    Detail {
        /// The case being shown.
        reference: String,
        /// The loaded detail.
        detail: Option<Box<CaseDetail>>,
        /// Lines scrolled.
        scroll: u16,
    },
    /// Ranked suggestions for assigning one or more cases.
    Assign {
        /// The cases, each with what the officer saw.
        cases: Vec<(String, Expect)>,
        /// Candidates once ranked.
        list: Option<Vec<Suggestion>>,
        /// Typed filter.
        filter: String,
        /// Selection within the filtered list.
        selected: usize,
    },
    /// Asks yes or no; yes sends the held request.
    Confirm {
        /// The question.
        text: String,
        /// What yes does.
        then: Box<Request>,
    },
    /// Choose a committee to transfer a case to.
    Transfer {
        /// The case and what the officer saw.
        case: (String, Expect),
        /// Committees covering the case's area: (code, label).
        options: Vec<(String, String)>,
        /// Typed filter.
        filter: String,
        /// Selection within the filtered list.
        selected: usize,
    },
    /// The new-case intake form.
    Intake(Box<Form>),
    /// The follow-up outcome form for a case.
    Followup {
        /// The case's ref.
        reference: String,
        /// The form.
        form: Box<Form>,
    },
    /// The period's statistics; `None` while loading.
    Report {
        /// The statistics.
        report: Option<Box<crate::domain::stats::Report>>,
        /// Lines scrolled.
        scroll: u16,
    },
    /// Keys, generated from the keymap.
    Help {
        /// Lines scrolled.
        scroll: u16,
    },
    /// The command palette.
    Palette {
        /// Text typed.
        text: String,
    },
    /// A message to acknowledge (an error, or a conflict).
    Message {
        /// Success or failure.
        ok: bool,
        /// The text.
        text: String,
    },
}

/// Case-insensitive "contains" used by every type-to-filter list.
pub fn matches(haystack: &str, needle: &str) -> bool {
    needle.is_empty() || haystack.to_lowercase().contains(&needle.to_lowercase())
}

impl Popup {
    /// The suggestions shown in the Assign popup after its filter.
    pub fn assign_view(list: &[Suggestion], filter: &str) -> Vec<usize> {
        list.iter().enumerate().filter(|(_, s)| matches(&s.name, filter)).map(|(i, _)| i).collect()
    }

    /// The committees shown in the Transfer popup after its filter.
    pub fn transfer_view(options: &[(String, String)], filter: &str) -> Vec<usize> {
        options
            .iter()
            .enumerate()
            .filter(|(_, (code, label))| matches(code, filter) || matches(label, filter))
            .map(|(i, _)| i)
            .collect()
    }
}

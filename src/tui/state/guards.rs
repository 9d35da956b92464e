//! The desk's second thoughts before a key acts: a city case cannot be escalated, quitting with
//! cases still marked asks first, and a pane without sorting says so (issue 11, point 8).

use super::{Pane, State};
use crate::domain::{Case, Lang, Tier};
use crate::tui::popups::{ConfirmPopup, DetailPopup, Popup};
use crate::tui::worker::Request;

/// The case with this ref as the desk shows it: the open detail, else the Incoming rows.
fn case_shown<'a>(s: &'a State, reference: &str) -> Option<&'a Case> {
    if let Some(Popup::Detail(DetailPopup { detail: Some(d), .. })) = &s.popup {
        if d.case.reference == reference {
            return Some(&d.case);
        }
    }
    s.snap.as_ref()?.incoming.rows.iter().find(|c| c.reference == reference).map(|c| &**c)
}

/// Why escalating `reference` cannot be done, before asking to confirm it: a city case has no
/// higher tier.
pub fn escalate_refusal(s: &State, reference: &str) -> Option<String> {
    let case = case_shown(s, reference)?;
    (case.tier == Tier::City).then(|| match s.strings.lang {
        Lang::Zh => format!("{reference} 已在市级，无法再上报"),
        Lang::En => format!("{reference} is already at the city tier; it cannot go higher"),
    })
}

/// The question asked before quitting with cases still marked; `None` quits at once. Yes sends
/// [`Request::Shutdown`], which the confirm turns into quitting.
pub fn quit_question(s: &State) -> Option<Popup> {
    if s.marked.is_empty() {
        return None;
    }
    let text = match s.strings.lang {
        Lang::Zh => format!("还有 {} 件已标记的案件，仍要退出？", s.marked.len()),
        Lang::En => format!("{} cases are still marked; quit anyway?", s.marked.len()),
    };
    Some(Popup::Confirm(ConfirmPopup { text, then: Box::new(Request::Shutdown) }))
}

/// What `s` says in a pane that has no sorting.
pub fn no_sort_here(s: &State) -> Option<&'static str> {
    matches!(s.focus, Pane::Routing | Pane::Followups).then_some(match s.strings.lang {
        Lang::Zh => "此窗格不可排序",
        Lang::En => "no sort here",
    })
}

/// The question asked before showing a case's phones and id numbers (the reveal is audited).
pub fn reveal_question(s: &State, reference: String) -> Popup {
    let text = match s.strings.lang {
        Lang::Zh => format!("显示 {reference} 的电话和身份证号？此操作将记入操作记录。"),
        Lang::En => format!("Show the phone and id numbers of {reference}? This is recorded in the audit log."),
    };
    Popup::Confirm(ConfirmPopup { text, then: Box::new(Request::Detail { reference, reveal: true }) })
}

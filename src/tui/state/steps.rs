//! Opening the form of a case's later step (or the close question) and the screening form:
//! the case the step acts on, and the lifecycle's refusal when its status does not allow it.

use super::form::Form;
use super::update::{say, target, Effect};
use super::{Pane, State};
use crate::domain::{Case, Lang};
use crate::store::Expect;
use crate::tui::popups::{ConfirmPopup, DetailPopup, Popup, ScreeningPopup, StepPopup};
use crate::tui::steps::{CaseStep, StepWrite};
use crate::tui::worker::Request;

/// The case a step acts on, in full (its status decides which steps are allowed): the open
/// detail's, the drill-down list's selection, or Incoming's.
fn target_case(s: &State) -> Option<Case> {
    if let Some(Popup::Detail(DetailPopup { detail: Some(d), .. })) = &s.popup {
        return Some(d.case.clone());
    }
    if let Some(d) = &s.drill {
        return d.selected_case().cloned();
    }
    match s.focus {
        Pane::Incoming => s.selected_case().cloned(),
        _ => None,
    }
}

/// Opens `step`'s form for the target case, or says why it cannot be taken and what can.
pub(super) fn start_step(s: &mut State, step: CaseStep, fx: &mut Vec<Effect>) {
    let lang = s.strings.lang;
    let Some(case) = target_case(s) else {
        // A row that does not carry the whole case (a follow-up): open its detail, where the
        // step's key works.
        match target(s) {
            Some((reference, _)) => {
                s.popup = Some(Popup::Detail(DetailPopup::loading(reference.clone())));
                fx.push(Effect::Send(Request::Detail { reference, reveal: false }));
                say(s, false, open_first(step, lang));
            }
            None => say(s, false, s.strings.nothing_selected),
        }
        return;
    };
    if !step.allowed(&case) {
        say(s, false, step.refusal(&case, lang));
        return;
    }
    let org = s.snap.as_ref().map(|x| x.org.clone()).unwrap_or_default();
    s.popup = Some(match Form::step(step, &case, &org, lang) {
        Some(form) => Popup::Step(StepPopup {
            step,
            reference: case.reference.clone(),
            version: case.version,
            form: Box::new(form),
        }),
        None => Popup::Confirm(ConfirmPopup {
            text: format!("{}: {}{}", case.reference, step.label(lang), if lang == Lang::Zh { "？" } else { "?" }),
            then: Box::new(Request::Step {
                reference: case.reference.clone(),
                expect: Expect::Version(case.version),
                write: StepWrite::Close,
            }),
        }),
    });
}

/// "Open the case, then press the step's key again", in the desk's language.
fn open_first(step: CaseStep, lang: Lang) -> String {
    match lang {
        Lang::Zh => format!("已打开案件详情：在详情中再按一次键即可{}", step.doing(lang)),
        Lang::En => format!("opened the case: press the key again here to {}", step.doing(lang)),
    }
}

/// Opens the screening form over the duties open now, or says there are none.
pub(super) fn start_screening(s: &mut State) {
    let Some(snap) = s.snap.as_ref() else { return };
    if snap.aftercare.screenings.is_empty() {
        let text = match s.strings.lang {
            Lang::Zh => "没有待登记的排查任务",
            Lang::En => "no screening duty is open",
        };
        say(s, false, text);
        return;
    }
    let form = Form::screening(&snap.aftercare.screenings, &snap.org, s.strings.lang);
    s.popup = Some(Popup::Screening(ScreeningPopup { form: Box::new(form) }));
}

//! The popups of a case's later steps (one form per [`CaseStep`]) and of a screening record.
//! Each names the version of the case the officer saw, so a change by someone else in between
//! is a conflict, not an overwrite.

use ratatui::crossterm::event::KeyEvent;
use ratatui::layout::Rect;
use ratatui::Frame;

use super::form::{draw_form, form_key, form_lines, now_words};
use super::frame::block;
use super::{PopupComponent, Step};
use crate::domain::Lang;
use crate::store::Expect;
use crate::tui::state::{Form, State};
use crate::tui::steps::CaseStep;
use crate::tui::theme::Theme;
use crate::tui::worker::Request;

/// The form of one step for one case.
#[derive(Debug, Clone, PartialEq)]
pub struct StepPopup {
    /// The step.
    pub step: CaseStep,
    /// The case's ref.
    pub reference: String,
    /// The case's version when the officer opened the form: the write names it.
    pub version: i64,
    /// The form.
    pub form: Box<Form>,
}

/// What empty fields mean, in the desk's language.
fn placeholders(lang: Lang) -> [(&'static str, &'static str); 4] {
    let zh = lang == Lang::Zh;
    [
        ("at", now_words(lang)),
        ("day", if zh { "今天（可改为 2026-01-31）" } else { "today (or type e.g. 2026-01-31)" }),
        ("performance_due", if zh { "如 2026-02-28" } else { "e.g. 2026-02-28" }),
        ("days", if zh { "如 15" } else { "e.g. 15" }),
    ]
}

impl PopupComponent for StepPopup {
    fn title(&self, state: &State) -> String {
        format!("{} {}", self.step.label(state.strings.lang), self.reference)
    }

    fn hint(&self, state: &State) -> String {
        state.strings.followup_hint.into()
    }

    fn on_key(&mut self, state: &State, key: KeyEvent) -> Step {
        let before = self.form.chosen_outcome();
        let (reference, expect) = (self.reference.clone(), Expect::Version(self.version));
        let step = self.step;
        let next = form_key(&mut self.form, key, |f| {
            Ok(Request::Step { reference, expect, write: f.to_step(step, state.now, state.tz)? })
        });
        // The outcome form shows the fields of the outcome chosen.
        let chosen = self.form.chosen_outcome();
        if next == Step::Stay && step == CaseStep::Outcome && chosen != before {
            *self.form = Form::outcome(chosen, &self.form.outcomes(), state.strings.lang);
        }
        next
    }

    fn render(&self, frame: &mut Frame<'_>, area: Rect, state: &State, theme: &Theme) {
        let lines = form_lines(theme, &self.form, 70, &placeholders(state.strings.lang));
        draw_form(frame, area, block(theme, self.title(state), &self.hint(state)), lines);
    }
}

/// The screening record form (三个一).
#[derive(Debug, Clone, PartialEq)]
pub struct ScreeningPopup {
    /// The form.
    pub form: Box<Form>,
}

impl PopupComponent for ScreeningPopup {
    fn title(&self, state: &State) -> String {
        crate::tui::aftercare_words::words(state.strings.lang).screening_title.into()
    }

    fn hint(&self, state: &State) -> String {
        state.strings.followup_hint.into()
    }

    fn on_key(&mut self, state: &State, key: KeyEvent) -> Step {
        let today = state.tz.date_of(state.now);
        form_key(&mut self.form, key, |f| Ok(Request::Screening(Box::new(f.to_screening(today)?))))
    }

    fn render(&self, frame: &mut Frame<'_>, area: Rect, state: &State, theme: &Theme) {
        let lines = form_lines(theme, &self.form, 70, &placeholders(state.strings.lang));
        draw_form(frame, area, block(theme, self.title(state), &self.hint(state)), lines);
    }
}

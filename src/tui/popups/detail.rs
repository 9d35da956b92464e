//! The case detail popup: one case in full; while it is open the case keys (assign, escalate,
//! transfer, follow-up, reveal and the later steps of its life) act on this case, and its hint
//! offers the steps the case's status allows. Its content is the shared case-detail view model,
//! as `show` prints it.

use ratatui::crossterm::event::{KeyCode, KeyEvent};
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::Frame;

use super::frame::{big, block, draw, fit_hint};
use super::{PopupComponent, Step};
use crate::tui::action::Action;
use crate::tui::snapshot::CaseDetail;
use crate::tui::state::State;
use crate::tui::steps::CaseStep;
use crate::tui::theme::Theme;
use crate::view::detail::{case_detail, DetailInput};

/// One case in full; `detail` is `None` while loading.
#[derive(Debug, Clone, PartialEq)]
pub struct DetailPopup {
    /// The case being shown.
    pub reference: String,
    /// The loaded detail.
    pub detail: Option<Box<CaseDetail>>,
    /// Lines scrolled.
    pub scroll: u16,
}

impl DetailPopup {
    /// The detail of `reference`, loading.
    pub fn loading(reference: String) -> DetailPopup {
        DetailPopup { reference, detail: None, scroll: 0 }
    }

    /// True for the keys that act on the shown case: assign, escalate, transfer, follow-up,
    /// reveal and every later step's.
    pub fn is_case_key(a: &Action) -> bool {
        matches!(a, Action::Assign | Action::Escalate | Action::Transfer | Action::RecordFollowup | Action::Reveal)
            || CaseStep::of_action(a).is_some()
    }
}

impl PopupComponent for DetailPopup {
    fn title(&self, state: &State) -> String {
        format!("{} {}", state.strings.detail, self.reference)
    }

    /// The keys of what the shown case can take now (the lifecycle decides), then reveal.
    fn hint(&self, state: &State) -> String {
        // The steps first: at 80 columns what does not fit is dropped from the end (the help
        // lists every key).
        let mut actions = Vec::new();
        if let Some(d) = &self.detail {
            actions.extend(CaseStep::allowed_for(&d.case).iter().map(|s| s.action()));
            if d.case.status.is_open() {
                actions.extend([Action::Assign, Action::Escalate]);
            }
        }
        actions.push(Action::Reveal);
        let mut parts: Vec<String> = actions
            .iter()
            .map(|a| format!("{} {}", state.keymap.first_key(a), state.strings.action_short(a)))
            .collect();
        parts.push("Esc".into());
        let (w, h) = state.size;
        fit_hint(&parts, usize::from(big(Rect::new(0, 0, w, h)).width.saturating_sub(4)))
    }

    fn on_key(&mut self, state: &State, key: KeyEvent) -> Step {
        match (key.code, state.keymap.action_for(&key)) {
            (KeyCode::Esc | KeyCode::Enter, _) | (_, Some(Action::Quit)) => Step::Close,
            (_, Some(Action::Down)) => {
                self.scroll = self.scroll.saturating_add(1);
                Step::Stay
            }
            (_, Some(Action::Up)) => {
                self.scroll = self.scroll.saturating_sub(1);
                Step::Stay
            }
            (_, Some(a)) if Self::is_case_key(&a) => Step::Act(a),
            _ => Step::Stay,
        }
    }

    fn render(&self, frame: &mut Frame<'_>, area: Rect, state: &State, theme: &Theme) {
        let lines = match &self.detail {
            Some(d) => detail_lines(state, theme, d),
            None => vec![Line::from(state.strings.loading)],
        };
        draw(frame, big(area), block(theme, self.title(state), &self.hint(state)), lines, self.scroll, true);
    }
}

/// The case as `show` prints it: the shared case-detail view model ([`crate::view::detail`])
/// drawn by [`crate::tui::ui::view::lines`], times on the office's clock (the status bar names
/// it, so without the offset `show` adds); under
/// the title, whether personal data is masked (and the key that reveals it) or revealed.
fn detail_lines<'a>(state: &State, theme: &Theme, d: &CaseDetail) -> Vec<Line<'a>> {
    let s = state.strings;
    let org = state.snap.as_ref().map(|x| x.org.clone()).unwrap_or_default();
    let input = DetailInput { org: &org, followups: &d.followups, trail: &d.audit, lang: s.lang, reveal: d.revealed };
    let tz = state.tz;
    let view = case_detail(&d.case, input, &|t| tz.minutes(t));
    let mut lines = crate::tui::ui::view::lines(&view, s.lang, theme);
    let note = Line::from(Span::styled(if d.revealed { s.revealed } else { s.masked_hint }, theme.muted));
    lines.insert(lines.len().min(1), note);
    lines
}

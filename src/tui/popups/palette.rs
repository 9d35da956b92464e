//! The command palette popup: a line with Tab completion and ↑/↓ history (kept for the session);
//! Enter parses it and re-issues the command as [`Action::RunCommand`], or first asks the same
//! questions the assign keys ask (over capacity, replacing a lead, outside the routed committee).
//! The parser and the commands are `state::palette`.

use ratatui::crossterm::event::{KeyCode, KeyEvent};
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::Frame;

use super::frame::{block, centered, draw, edit_line};
use super::{ConfirmPopup, Popup, PopupComponent, Step};
use crate::domain::text::sanitize;
use crate::domain::Lang;
use crate::tui::action::Action;
use crate::tui::state::palette::{self, Command, FILTER_KEYS};
use crate::tui::state::State;
use crate::tui::theme::Theme;
use crate::tui::worker::CaseWrite;

/// The command palette.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PalettePopup {
    /// Text typed.
    pub text: String,
    /// The lines run before in this session, oldest first.
    pub history: Vec<String>,
    /// Which history line ↑/↓ shows (`None`: the line being typed).
    pub at: Option<usize>,
}

impl PalettePopup {
    /// An empty palette that can recall `history` with ↑/↓.
    pub fn with_history(history: Vec<String>) -> PalettePopup {
        PalettePopup { text: String::new(), history, at: None }
    }

    fn recall(&mut self, up: bool) {
        let n = self.history.len();
        if n == 0 {
            return;
        }
        self.at = match (self.at, up) {
            (None, true) => Some(n - 1),
            (Some(i), true) => Some(i.saturating_sub(1)),
            (Some(i), false) if i + 1 < n => Some(i + 1),
            (_, false) => None,
        };
        self.text = self.at.and_then(|i| self.history.get(i).cloned()).unwrap_or_default();
    }

    /// The step for a parsed command: an assignment that needs confirming opens the confirm
    /// (yes sends it with `force`); everything else runs.
    fn run(state: &State, cmd: Command) -> Step {
        let Some(snap) = state.snap.as_ref() else { return Step::Close };
        if let Command::Assign { reference, mediator_id, force: false } = &cmd {
            let case = snap.incoming.rows.iter().find(|c| &c.reference == reference).map(|c| &**c);
            let questions =
                palette::assign_questions(&snap.org, &snap.workload, case, *mediator_id, state.strings.lang);
            if !questions.is_empty() {
                let ask = match state.strings.lang {
                    Lang::Zh => "仍要分派？",
                    Lang::En => "assign anyway?",
                };
                let text = format!("{reference}: {}; {ask}", questions.join("; "));
                let seen = state.seen.get(reference).copied().or(case.map(|c| c.version));
                let then =
                    CaseWrite::Assign { mediator_id: *mediator_id, force: true }.request(reference.clone(), seen);
                return Step::Replace(Popup::Confirm(ConfirmPopup { text, then: Box::new(then) }));
            }
        }
        Step::CloseAnd(Action::RunCommand(cmd))
    }
}

impl PopupComponent for PalettePopup {
    fn title(&self, state: &State) -> String {
        state.strings.palette_title.into()
    }

    fn hint(&self, _state: &State) -> String {
        "Tab ↑↓ Esc".into()
    }

    fn on_key(&mut self, state: &State, key: KeyEvent) -> Step {
        match key.code {
            KeyCode::Esc => Step::Close,
            KeyCode::Up => {
                self.recall(true);
                Step::Stay
            }
            KeyCode::Down => {
                self.recall(false);
                Step::Stay
            }
            KeyCode::Tab => {
                if let Some(snap) = state.snap.as_ref() {
                    let mut refs: Vec<String> = snap.incoming.rows.iter().map(|c| c.reference.clone()).collect();
                    refs.extend(state.seen.keys().filter(|r| !refs.contains(r)).cloned().collect::<Vec<_>>());
                    if let Some(done) = palette::complete(&self.text, &snap.org, &refs) {
                        self.text = done;
                    }
                }
                Step::Stay
            }
            KeyCode::Enter => {
                let Some(snap) = state.snap.as_ref() else { return Step::Close };
                match palette::parse(self.text.trim().trim_start_matches(':'), &snap.org) {
                    Ok(cmd) => Self::run(state, cmd),
                    Err(e) => Step::Replace(Popup::error(e.get(state.strings.lang))),
                }
            }
            _ => {
                edit_line(&mut self.text, key);
                self.at = None;
                Step::Stay
            }
        }
    }

    fn render(&self, frame: &mut Frame<'_>, area: Rect, state: &State, theme: &Theme) {
        let r = centered(area, area.width.saturating_sub(10).min(90), 6);
        let keys = FILTER_KEYS.iter().map(|k| format!("{k}=")).collect::<Vec<_>>().join(" ");
        let lines = vec![
            Line::from(Span::styled(format!(":{}▏", sanitize(&self.text)), theme.key)),
            Line::from(Span::styled(state.strings.palette_hint, theme.muted)),
            Line::from(Span::styled(format!("filter {keys}"), theme.muted)),
        ];
        draw(frame, r, block(theme, self.title(state), &self.hint(state)), lines, 0, true);
    }
}

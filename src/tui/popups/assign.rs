//! The assign popup: ranked candidates for one or more cases, type to filter, Enter assigns
//! (over capacity asks to confirm first, then forces).

use ratatui::crossterm::event::{KeyCode, KeyEvent};
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::Frame;

use super::frame::{big, block, draw, filter_list_key};
use super::{ConfirmPopup, Popup, PopupComponent, Step};
use crate::domain::suggest::Suggestion;
use crate::domain::text::sanitize;
use crate::tui::state::State;
use crate::tui::theme::Theme;
use crate::tui::ui::widgets::{page_start, short_duration, span};
use crate::tui::worker::{CaseWrite, Request};

/// Ranked suggestions for assigning one or more cases.
#[derive(Debug, Clone, PartialEq)]
pub struct AssignPopup {
    /// The cases, each with the version the officer saw (`None`: read it before writing).
    pub cases: Vec<(String, Option<i64>)>,
    /// Candidates once ranked.
    pub list: Option<Vec<Suggestion>>,
    /// Typed filter.
    pub filter: String,
    /// Selection within the filtered list.
    pub selected: usize,
}

impl AssignPopup {
    /// Waiting for the candidates of `cases`.
    pub fn new(cases: Vec<(String, Option<i64>)>) -> AssignPopup {
        AssignPopup { cases, list: None, filter: String::new(), selected: 0 }
    }

    /// The suggestions shown after the filter (indexes into the list).
    pub fn view(list: &[Suggestion], filter: &str) -> Vec<usize> {
        list.iter()
            .enumerate()
            .filter(|(_, s)| crate::domain::search::matches(&s.name, filter))
            .map(|(i, _)| i)
            .collect()
    }

    /// The request assigning every case to `mediator_id`, naming the versions seen.
    fn request(&self, mediator_id: i64, force: bool) -> Request {
        let write = CaseWrite::Assign { mediator_id, force };
        match &self.cases[..] {
            [(reference, seen)] => write.request(reference.clone(), *seen),
            // Several cases come only from the marks, which always hold the version seen.
            cases => Request::Assign {
                cases: cases
                    .iter()
                    .filter_map(|(r, v)| v.map(|v| (r.clone(), crate::store::Expect::Version(v))))
                    .collect(),
                mediator_id,
                force,
            },
        }
    }

    fn choose(&self, state: &State) -> Step {
        let Some(list) = self.list.as_ref() else { return Step::Stay };
        let view = Self::view(list, &self.filter);
        let Some(sug) = view.get(self.selected).map(|&i| &list[i]) else { return Step::Stay };
        let force = sug.would_exceed_capacity();
        let req = self.request(sug.mediator_id, force);
        if !force {
            return Step::Send(req);
        }
        let text = format!("{} ({}/{}) {}", sug.name, sug.open, sug.capacity, state.strings.over_capacity_confirm);
        Step::Replace(Popup::Confirm(ConfirmPopup { text, then: Box::new(req) }))
    }
}

impl PopupComponent for AssignPopup {
    fn title(&self, state: &State) -> String {
        let s = state.strings;
        if self.cases.len() == 1 {
            format!("{} {}", s.assign_title, self.cases[0].0)
        } else {
            format!("{} {} × {}", s.assign_title, self.cases.len(), s.marked)
        }
    }

    fn hint(&self, state: &State) -> String {
        state.strings.assign_hint.into()
    }

    fn on_key(&mut self, state: &State, key: KeyEvent) -> Step {
        match key.code {
            KeyCode::Esc => Step::Close,
            KeyCode::Enter => self.choose(state),
            _ => {
                let len = self.list.as_deref().map(|l| Self::view(l, &self.filter).len()).unwrap_or(0);
                filter_list_key(&mut self.filter, &mut self.selected, len, key);
                Step::Stay
            }
        }
    }

    fn render(&self, frame: &mut Frame<'_>, area: Rect, state: &State, theme: &Theme) {
        let s = state.strings;
        let big = big(area);
        let inner_w = usize::from(big.width.saturating_sub(2));
        let mut lines = vec![Line::from(Span::styled(format!("> {}▏", sanitize(&self.filter)), theme.key))];
        match &self.list {
            None => lines.push(Line::from(Span::styled(s.loading_suggestions, theme.muted))),
            Some(l) => {
                let view = Self::view(l, &self.filter);
                if view.is_empty() {
                    lines.push(Line::from(Span::styled(s.no_candidates, theme.muted)));
                }
                let visible = usize::from(big.height.saturating_sub(4));
                let start = page_start(self.selected, visible);
                for (vi, &i) in view.iter().enumerate().skip(start).take(visible) {
                    let mut line = suggestion_line(state, theme, &l[i], inner_w);
                    if vi == self.selected {
                        line = line.patch_style(theme.selected);
                    }
                    lines.push(line);
                }
            }
        }
        draw(frame, big, block(theme, self.title(state), &self.hint(state)), lines, 0, false);
    }
}

fn suggestion_line<'a>(state: &State, theme: &Theme, sug: &Suggestion, width: usize) -> Line<'a> {
    let s = state.strings;
    let mut reasons = vec![if sug.on_duty { s.reasons_on_duty.to_string() } else { s.reasons_off_duty.to_string() }];
    if sug.specialty_match {
        reasons.push(s.reasons_specialty.into());
    }
    if sug.village_grid_worker {
        reasons.push(s.reasons_grid.into());
    }
    reasons.push(format!("{} {}/{}", s.reasons_load, sug.open, sug.capacity));
    if sug.overdue > 0 {
        reasons.push(format!("{} {}", s.reasons_overdue, sug.overdue));
    }
    reasons.push(match sug.last_assigned {
        Some(t) => format!("{} {}", s.reasons_last, short_duration((state.now - t).num_seconds(), s.lang)),
        None => s.reasons_never.into(),
    });
    let full = sug.would_exceed_capacity();
    Line::from(vec![
        span(&sug.name, 10, if full { theme.bar_full } else { Style::default() }),
        Span::raw(" "),
        span(&reasons.join(" · "), width.saturating_sub(11), if sug.on_duty { theme.muted } else { theme.due_soon }),
    ])
}

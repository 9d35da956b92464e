//! The transfer popup: committees covering the case's area, type to filter, Enter transfers.

use ratatui::crossterm::event::{KeyCode, KeyEvent};
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::Frame;

use super::frame::{big, block, draw, filter_list_key};
use super::{matches, PopupComponent, Step};
use crate::domain::text::sanitize;
use crate::tui::state::State;
use crate::tui::theme::Theme;
use crate::tui::ui::widgets::{page_start, span};
use crate::tui::worker::CaseWrite;

/// Choose a committee to transfer a case to.
#[derive(Debug, Clone, PartialEq)]
pub struct TransferPopup {
    /// The case and the version the officer saw (`None`: read it before writing).
    pub case: (String, Option<i64>),
    /// Committees covering the case's area: (code, label).
    pub options: Vec<(String, String)>,
    /// Typed filter.
    pub filter: String,
    /// Selection within the filtered list.
    pub selected: usize,
}

impl TransferPopup {
    /// The committees shown after the filter (indexes into the options).
    pub fn view(&self) -> Vec<usize> {
        self.options
            .iter()
            .enumerate()
            .filter(|(_, (code, label))| matches(code, &self.filter) || matches(label, &self.filter))
            .map(|(i, _)| i)
            .collect()
    }
}

impl PopupComponent for TransferPopup {
    fn title(&self, state: &State) -> String {
        format!("{} {}", state.strings.transfer_title, self.case.0)
    }

    fn hint(&self, state: &State) -> String {
        state.strings.transfer_hint.into()
    }

    fn on_key(&mut self, _state: &State, key: KeyEvent) -> Step {
        let view = self.view();
        match key.code {
            KeyCode::Esc => Step::Close,
            KeyCode::Enter => match view.get(self.selected) {
                Some(&i) => {
                    let write = CaseWrite::Transfer { committee: self.options[i].0.clone() };
                    Step::Send(write.request(self.case.0.clone(), self.case.1))
                }
                None => Step::Stay,
            },
            _ => {
                filter_list_key(&mut self.filter, &mut self.selected, view.len(), key);
                Step::Stay
            }
        }
    }

    fn render(&self, frame: &mut Frame<'_>, area: Rect, state: &State, theme: &Theme) {
        let big = big(area);
        let mut lines = vec![Line::from(Span::styled(format!("> {}▏", sanitize(&self.filter)), theme.key))];
        let visible = usize::from(big.height.saturating_sub(4));
        let start = page_start(self.selected, visible);
        for (vi, &i) in self.view().iter().enumerate().skip(start).take(visible) {
            let (code, label) = &self.options[i];
            let mut line = Line::from(vec![span(code, 18, theme.key), Span::raw(" "), Span::raw(sanitize(label))]);
            if vi == self.selected {
                line = line.patch_style(theme.selected);
            }
            lines.push(line);
        }
        draw(frame, big, block(theme, self.title(state), &self.hint(state)), lines, 0, false);
    }
}

//! The Statistics screen (`r`): a full-screen popup showing one period's figures from the shared
//! statistics view model, bar charts by category and tier, the area table district → town →
//! committee with drill-down, the monthly trend, and a CSV export. Everything it shows is
//! computed on the worker ([`Request::Stats`]); keys change only this struct and ask the worker.
//! While it is open the worker reads the figures again whenever the database changes (the same
//! `data_version` signal the panes follow) and sends them when they differ: the period, page,
//! drill-down and selection stay as they are ([`StatsScreen::on_data`]).
//!
//! Files: `choice` (period choices), `draw` (layout and headline), `charts` (bar charts and
//! sparkline), `table` (the area table), `words` (en/zh words).

mod charts;
mod choice;
mod draw;
mod table;
mod words;

pub use choice::{parse_custom, Choice};

use ratatui::crossterm::event::{KeyCode, KeyEvent};
use ratatui::layout::Rect;
use ratatui::Frame;

use super::{PopupComponent, Step};
use crate::domain::office_time::Period;
use crate::domain::stats::{AreaNode, Overview};
use crate::tui::action::Action;
use crate::tui::state::State;
use crate::tui::theme::Theme;
use crate::tui::worker::Request;

/// Closing the screen tells the worker to stop re-reading its figures on changes.
const CLOSE: Step = Step::Send(Request::StatsClosed);

/// What the body shows on a terminal too small for everything at once (Tab turns the page).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Page {
    /// The headline figures.
    #[default]
    Figures,
    /// The area table.
    Table,
    /// The bar charts and the trend.
    Charts,
}

impl Page {
    /// Every page, in Tab order.
    pub const ALL: [Page; 3] = [Page::Figures, Page::Table, Page::Charts];

    fn step(self, by: isize) -> Page {
        let i = Page::ALL.iter().position(|p| *p == self).unwrap_or(0) as isize;
        Page::ALL[(i + by).rem_euclid(Page::ALL.len() as isize) as usize]
    }
}

/// The Statistics screen's state.
#[derive(Debug, Clone, PartialEq)]
pub struct StatsScreen {
    /// The period choice last made with the keys.
    pub choice: Choice,
    /// The period shown (or asked for).
    pub period: Period,
    /// The worker's data for `period`; `None` while it is being read.
    pub data: Option<Box<Overview>>,
    /// The drill-down path in the area table: the keys of the district and town entered.
    pub path: Vec<String>,
    /// The selected row at the current level.
    pub selected: usize,
    /// The page shown on a small terminal.
    pub page: Page,
    /// The custom period being typed, if the line is open.
    pub typing: Option<String>,
    /// Why the typed period was refused.
    pub error: Option<String>,
    /// The file of the last export.
    pub exported: Option<String>,
}

impl StatsScreen {
    /// The screen on this month, and the request for its data.
    pub fn open(s: &State) -> (StatsScreen, Request) {
        let today = s.tz.date_of(s.now);
        let period = Choice::ThisMonth.period(today).unwrap_or(Period { first: today, last: today, kind: None });
        let screen = StatsScreen {
            choice: Choice::ThisMonth,
            period,
            data: None,
            path: Vec::new(),
            selected: 0,
            page: Page::default(),
            typing: None,
            error: None,
            exported: None,
        };
        (screen, Request::Stats { period })
    }

    /// The worker's data arrived: kept if it is for the period shown (a reply for a period left
    /// since is dropped); the drill-down path is kept as far as the new data still has it.
    pub fn on_data(&mut self, o: Box<Overview>) {
        if o.period != self.period {
            return;
        }
        while AreaNode::level(&o.areas, &self.path).is_none() {
            self.path.pop();
        }
        let len = AreaNode::level(&o.areas, &self.path).map_or(0, <[AreaNode]>::len);
        self.selected = self.selected.min(len.saturating_sub(1));
        self.data = Some(o);
    }

    /// The rows of the area table at the current level.
    pub fn rows(&self) -> &[AreaNode] {
        self.data.as_ref().and_then(|d| AreaNode::level(&d.areas, &self.path)).unwrap_or_default()
    }

    /// Shows `period` (as `choice`) and asks for its data.
    fn show(&mut self, choice: Choice, period: Period) -> Step {
        self.choice = choice;
        self.period = period;
        self.data = None;
        self.error = None;
        Step::Ask(Request::Stats { period })
    }

    /// A key while the custom period line is open.
    fn typing_key(&mut self, text: String, key: KeyEvent, state: &State) -> Step {
        match key.code {
            KeyCode::Esc => {
                self.error = None;
                Step::Stay
            }
            KeyCode::Enter => match parse_custom(&text) {
                Ok(p) => {
                    let today = state.tz.date_of(state.now);
                    self.show(Choice::of(p, today), p)
                }
                Err(e) => {
                    self.error = Some(e);
                    self.typing = Some(text);
                    Step::Stay
                }
            },
            _ => {
                let mut text = text;
                super::edit_line(&mut text, key);
                self.error = None;
                self.typing = Some(text);
                Step::Stay
            }
        }
    }

    /// Moves the table selection.
    fn move_by(&mut self, by: isize) {
        let len = self.rows().len();
        let next = (self.selected as isize).saturating_add(by).clamp(0, len.saturating_sub(1) as isize);
        self.selected = next as usize;
    }

    /// The CSV export request for what the screen shows.
    fn export(&self, state: &State) -> Step {
        let Some(o) = &self.data else { return Step::Stay };
        let lines = crate::view::stats::screen_csv(o, &self.path);
        let stamp = state.tz.local(state.now).format("%Y%m%d-%H%M%S");
        let level = crate::view::stats::area_dimension(self.path.len()).code();
        let stem = format!("statistics-{}-{level}-{stamp}", self.period.code().replace("..", "_"));
        Step::Ask(Request::ExportStats { stem, lines })
    }
}

impl PopupComponent for StatsScreen {
    fn title(&self, state: &State) -> String {
        format!("{} · {}", state.strings.stats_title(), self.period.label(state.strings.lang))
    }

    fn hint(&self, state: &State) -> String {
        draw::hint(self, state)
    }

    fn on_key(&mut self, state: &State, key: KeyEvent) -> Step {
        if let Some(text) = self.typing.take() {
            return self.typing_key(text, key, state);
        }
        let today = state.tz.date_of(state.now);
        let page = (state.size.1 as isize / 2).max(1);
        let action = state.keymap.action_for(&key);
        // The table's keys act only where the table is seen; elsewhere Esc closes.
        if !draw::table_shown(self, state) {
            match (key.code, &action) {
                (KeyCode::Esc, _) => return CLOSE,
                (KeyCode::Enter | KeyCode::Backspace, _)
                | (_, Some(Action::Open | Action::Up | Action::Down | Action::PageUp | Action::PageDown))
                | (_, Some(Action::Top | Action::Bottom)) => return Step::Stay,
                _ => {}
            }
        }
        match (key.code, action) {
            (KeyCode::Enter, _) | (_, Some(Action::Open)) => {
                if let Some(n) = self.rows().get(self.selected).filter(|n| !n.children.is_empty()) {
                    let key = n.row.key.clone();
                    self.path.push(key);
                    self.selected = 0;
                }
            }
            (KeyCode::Esc | KeyCode::Backspace, _) => match self.path.pop() {
                Some(key) => self.selected = self.rows().iter().position(|n| n.row.key == key).unwrap_or(0),
                None if key.code == KeyCode::Esc => return CLOSE,
                None => {}
            },
            (_, Some(Action::Report | Action::Quit)) => return CLOSE,
            (_, Some(Action::StatsPeriod)) => {
                let next = self.choice.next();
                if let Some(p) = next.period(today) {
                    return self.show(next, p);
                }
            }
            (_, Some(Action::StatsPrev)) => {
                return self.show(Choice::of(self.period.prev(), today), self.period.prev())
            }
            (_, Some(Action::StatsNext)) => {
                return self.show(Choice::of(self.period.next(), today), self.period.next())
            }
            (_, Some(Action::StatsDates)) => {
                self.typing = Some(format!("{} {}", self.period.first, self.period.last));
            }
            (_, Some(Action::StatsExport)) => return self.export(state),
            (_, Some(Action::NextPane)) => self.page = self.page.step(1),
            (_, Some(Action::PrevPane)) => self.page = self.page.step(-1),
            (_, Some(Action::Up)) => self.move_by(-1),
            (_, Some(Action::Down)) => self.move_by(1),
            (_, Some(Action::PageUp)) => self.move_by(-page),
            (_, Some(Action::PageDown)) => self.move_by(page),
            (_, Some(Action::Top)) => self.selected = 0,
            (_, Some(Action::Bottom)) => self.move_by(isize::MAX / 2),
            _ => {}
        }
        Step::Stay
    }

    fn render(&self, frame: &mut Frame<'_>, area: Rect, state: &State, theme: &Theme) {
        draw::render(self, frame, area, state, theme);
    }
}

//! The one Action enum: every change to the desk's state goes through one of these.

use chrono::{DateTime, Utc};
use ratatui::crossterm::event::KeyEvent;
use serde::Deserialize;

use super::snapshot::Snapshot;
use super::state::palette::Command;
use super::worker::Reply;

/// Everything that can change the desk's state. Variants without data are the ones a key can be
/// bound to; their serde names are the names used in the keymap file.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    /// Leave the desk.
    Quit,
    /// Focus the next pane.
    NextPane,
    /// Focus the previous pane.
    PrevPane,
    /// Focus the Incoming pane.
    FocusIncoming,
    /// Focus the Routing pane.
    FocusRouting,
    /// Focus the Workload pane.
    FocusWorkload,
    /// Focus the Follow-ups pane.
    FocusFollowups,
    /// Move the selection up one row.
    Up,
    /// Move the selection down one row.
    Down,
    /// Move the selection left (Routing matrix).
    Left,
    /// Move the selection right (Routing matrix).
    Right,
    /// Jump to the first row.
    Top,
    /// Jump to the last row.
    Bottom,
    /// Move up one page.
    PageUp,
    /// Move down one page.
    PageDown,
    /// Open the selected case's detail (or, on the Routing matrix, filter Incoming by the cell).
    Open,
    /// Assign the selected or marked case(s): ranked suggestions, type to filter, Enter confirms.
    Assign,
    /// Auto-assign the marked cases spread by load.
    AutoAssign,
    /// Mark or unmark the selected case for bulk work.
    ToggleMark,
    /// Escalate the selected case one tier (asks the reason, which the audit trail keeps).
    Escalate,
    /// Transfer the selected case to another committee.
    Transfer,
    /// Open the intake form for a new case.
    NewCase,
    /// Record the outcome of the selected case's next follow-up.
    RecordFollowup,
    /// Record the first mediation session of the case (date, place, mediators present).
    StartMediation,
    /// Record how mediation ended: agreement, failure (reason, route told) or withdrawal.
    RecordOutcome,
    /// Extend the case's mediation clock with the consent its source needs.
    ExtendClock,
    /// Record the application for judicial confirmation of the agreement.
    ApplyJudicial,
    /// Refer a failed case onward (court, arbitration, police, administrative body).
    ReferOnward,
    /// Close the case (asks to confirm); refused while follow-ups or rectification are open.
    CloseCase,
    /// Record when the lead mediator reported on site (到场).
    RecordArrival,
    /// Record a screening (排查) for a committee with a duty due (Follow-ups pane).
    RecordScreening,
    /// Put the mediator selected on the Workload pane on or off duty (asks to confirm);
    /// suggestions and auto-assign skip mediators off duty.
    ToggleDuty,
    /// Type a filter for the focused pane.
    Filter,
    /// Clear the focused pane's filter (and close messages).
    ClearFilter,
    /// Cycle the sort column of the focused pane.
    CycleSort,
    /// Open the command palette.
    Palette,
    /// Reveal masked personal data in the open detail (audited).
    Reveal,
    /// Open the Statistics screen (this month first): headline figures, charts by category and
    /// tier, the district → town → committee table and the monthly trend.
    Report,
    /// Statistics screen: the next period choice (this month, last month, quarter, year, year to
    /// date, back to this month).
    StatsPeriod,
    /// Statistics screen: the period before the one shown (same kind and length).
    StatsPrev,
    /// Statistics screen: the period after the one shown (same kind and length).
    StatsNext,
    /// Statistics screen: type the first and last office day of a custom period.
    StatsDates,
    /// Statistics screen: export what it shows to a new CSV file (the path is shown).
    StatsExport,
    /// Show the help generated from the keymap.
    Help,
    /// The Overdue view: every open case past a clock (Esc closes it).
    Overdue,
    /// The day's message log, with times.
    Messages,
    /// A key typed while a popup or an input line has the focus.
    #[serde(skip)]
    Input(KeyEvent),
    /// Mouse: a left click on the screen cell (`column`, `row`) focuses the pane drawn there and
    /// selects the row (or Routing cell) under the pointer; on an open drill-down list it selects
    /// the row. Ignored while a popup or a filter line is open.
    #[serde(skip)]
    Click {
        /// The screen column, from 0.
        column: u16,
        /// The screen row, from 0.
        row: u16,
    },
    /// Mouse: a second click on the same cell soon after the first (the event layer tells them
    /// apart): selects as a click does, then opens what is there, as Enter does.
    #[serde(skip)]
    DoubleClick {
        /// The screen column, from 0.
        column: u16,
        /// The screen row, from 0.
        row: u16,
    },
    /// Mouse: the wheel turned over the screen cell (`column`, `row`): the open popup, else the
    /// open drill-down list, else the pane under the pointer (focused) moves `lines` rows
    /// (negative: up).
    #[serde(skip)]
    Scroll {
        /// The screen column, from 0.
        column: u16,
        /// The screen row, from 0.
        row: u16,
        /// Rows to move: negative up, positive down.
        lines: i16,
    },
    /// The terminal changed size.
    #[serde(skip)]
    Resize(u16, u16),
    /// Time passed (about once a second).
    #[serde(skip)]
    Tick(DateTime<Utc>),
    /// The worker sent fresh pane data.
    #[serde(skip)]
    Snapshot(Box<Snapshot>),
    /// The worker answered a request (detail, suggestions, a write's result).
    #[serde(skip)]
    Reply(Box<Reply>),
    /// The worker could not read the database (shown in the status bar until the next snapshot).
    #[serde(skip)]
    DataError(String),
    /// Confirmed: run the action the confirm popup held.
    #[serde(skip)]
    Confirmed,
    /// Run a command typed in the palette.
    #[serde(skip)]
    RunCommand(Command),
}

impl Action {
    /// Actions a key can be bound to, in help order.
    pub const BINDABLE: &'static [Action] = &[
        Action::NextPane,
        Action::PrevPane,
        Action::FocusIncoming,
        Action::FocusRouting,
        Action::FocusWorkload,
        Action::FocusFollowups,
        Action::Up,
        Action::Down,
        Action::Left,
        Action::Right,
        Action::Top,
        Action::Bottom,
        Action::PageUp,
        Action::PageDown,
        Action::Open,
        Action::Assign,
        Action::AutoAssign,
        Action::ToggleMark,
        Action::Escalate,
        Action::Transfer,
        Action::NewCase,
        Action::RecordFollowup,
        Action::StartMediation,
        Action::RecordOutcome,
        Action::ExtendClock,
        Action::ApplyJudicial,
        Action::ReferOnward,
        Action::CloseCase,
        Action::RecordArrival,
        Action::RecordScreening,
        Action::ToggleDuty,
        Action::Filter,
        Action::ClearFilter,
        Action::CycleSort,
        Action::Palette,
        Action::Reveal,
        Action::Report,
        Action::StatsPeriod,
        Action::StatsPrev,
        Action::StatsNext,
        Action::StatsDates,
        Action::StatsExport,
        Action::Overdue,
        Action::Messages,
        Action::Help,
        Action::Quit,
    ];

    /// True for actions that write to the database (refused on a read-only desk).
    pub fn writes(&self) -> bool {
        matches!(
            self,
            Action::Assign
                | Action::AutoAssign
                | Action::Escalate
                | Action::Transfer
                | Action::NewCase
                | Action::RecordFollowup
                | Action::StartMediation
                | Action::RecordOutcome
                | Action::ExtendClock
                | Action::ApplyJudicial
                | Action::ReferOnward
                | Action::CloseCase
                | Action::RecordArrival
                | Action::RecordScreening
                | Action::ToggleDuty
                | Action::Reveal
        ) || matches!(self, Action::RunCommand(c) if c.writes())
    }

    /// For the `Focus…` actions: the place in the pane registry they focus (digit keys 1–N).
    pub fn focus_index(&self) -> Option<usize> {
        match self {
            Action::FocusIncoming => Some(0),
            Action::FocusRouting => Some(1),
            Action::FocusWorkload => Some(2),
            Action::FocusFollowups => Some(3),
            _ => None,
        }
    }

    /// The keymap name of a bindable action.
    pub fn name(&self) -> &'static str {
        match self {
            Action::Quit => "quit",
            Action::NextPane => "next_pane",
            Action::PrevPane => "prev_pane",
            Action::FocusIncoming => "focus_incoming",
            Action::FocusRouting => "focus_routing",
            Action::FocusWorkload => "focus_workload",
            Action::FocusFollowups => "focus_followups",
            Action::Up => "up",
            Action::Down => "down",
            Action::Left => "left",
            Action::Right => "right",
            Action::Top => "top",
            Action::Bottom => "bottom",
            Action::PageUp => "page_up",
            Action::PageDown => "page_down",
            Action::Open => "open",
            Action::Assign => "assign",
            Action::AutoAssign => "auto_assign",
            Action::ToggleMark => "toggle_mark",
            Action::Escalate => "escalate",
            Action::Transfer => "transfer",
            Action::NewCase => "new_case",
            Action::RecordFollowup => "record_followup",
            Action::StartMediation => "start_mediation",
            Action::RecordOutcome => "record_outcome",
            Action::ExtendClock => "extend_clock",
            Action::ApplyJudicial => "apply_judicial",
            Action::ReferOnward => "refer_onward",
            Action::CloseCase => "close_case",
            Action::RecordArrival => "record_arrival",
            Action::RecordScreening => "record_screening",
            Action::ToggleDuty => "toggle_duty",
            Action::Filter => "filter",
            Action::ClearFilter => "clear_filter",
            Action::CycleSort => "cycle_sort",
            Action::Palette => "palette",
            Action::Reveal => "reveal",
            Action::Report => "report",
            Action::StatsPeriod => "stats_period",
            Action::StatsPrev => "stats_prev",
            Action::StatsNext => "stats_next",
            Action::StatsDates => "stats_dates",
            Action::StatsExport => "stats_export",
            Action::Help => "help",
            Action::Overdue => "overdue",
            Action::Messages => "messages",
            Action::Input(_) => "input",
            Action::Click { .. } => "click",
            Action::DoubleClick { .. } => "double_click",
            Action::Scroll { .. } => "scroll",
            Action::Resize(..) => "resize",
            Action::Tick(_) => "tick",
            Action::Snapshot(_) => "snapshot",
            Action::Reply(_) => "reply",
            Action::DataError(_) => "data_error",
            Action::Confirmed => "confirmed",
            Action::RunCommand(_) => "run_command",
        }
    }
}

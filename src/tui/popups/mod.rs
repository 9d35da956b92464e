//! Popups as components: each popup is a struct in its own file implementing [`PopupComponent`]
//! (title, hint keys, key handling, drawing). While a popup is open it consumes every key first.
//!
//! A new popup is one new file here holding its struct and its `PopupComponent` impl, plus its
//! registration in this file: a variant of [`Popup`] and one arm in `each_popup!`. Something
//! opens it by setting `state.popup` inside `update`.

mod assign;
mod confirm;
mod detail;
mod escalate;
mod form;
mod frame;

pub use frame::edit_line;
mod help;
mod message;
mod messages;
mod palette;
mod scroll;
mod stats;
mod step;
mod transfer;

use ratatui::crossterm::event::KeyEvent;
use ratatui::layout::Rect;
use ratatui::Frame;

pub use assign::AssignPopup;
pub use confirm::ConfirmPopup;
pub use detail::DetailPopup;
pub use escalate::EscalatePopup;
pub use form::{FollowupPopup, IntakePopup};
pub use help::HelpPopup;
pub use message::MessagePopup;
pub use messages::MessagesPopup;
pub use palette::PalettePopup;
pub use stats::{Choice, StatsScreen};
pub use step::{ScreeningPopup, StepPopup};
pub use transfer::TransferPopup;

use super::action::Action;
use super::state::State;
use super::theme::Theme;
use super::worker::Request;

/// What a popup makes of a key. `update` applies it: the popup never changes anything else.
#[derive(Debug, Clone, PartialEq)]
pub enum Step {
    /// Stay open (its own state may have changed).
    Stay,
    /// Close.
    Close,
    /// Close and open this one instead.
    Replace(Popup),
    /// Close and send the request to the worker.
    Send(Request),
    /// Stay open and send the request to the worker (its reply comes back to the popup).
    Ask(Request),
    /// Stay open and apply the action (as if its key were pressed on the desk).
    Act(Action),
    /// Close, then apply the action.
    CloseAnd(Action),
}

/// One popup: what it is called, the keys it hints at, how it takes keys, how it is drawn.
pub trait PopupComponent {
    /// The title on its frame.
    fn title(&self, state: &State) -> String;
    /// The key hint on its frame's bottom edge.
    fn hint(&self, state: &State) -> String;
    /// Turns a key into a [`Step`]; may change only the popup's own fields.
    fn on_key(&mut self, state: &State, key: KeyEvent) -> Step;
    /// Draws it over the screen `area`; reads and mutates nothing else.
    fn render(&self, frame: &mut Frame<'_>, area: Rect, state: &State, theme: &Theme);
}

/// The open popup: one variant per component.
#[derive(Debug, Clone, PartialEq)]
pub enum Popup {
    /// One case in full.
    Detail(DetailPopup),
    /// Ranked suggestions for assigning one or more cases.
    Assign(AssignPopup),
    /// Asks yes or no; yes re-issues [`Action::Confirmed`], which sends the held request.
    Confirm(ConfirmPopup),
    /// Choose a committee to transfer a case to.
    Transfer(TransferPopup),
    /// The reason for escalating a case.
    Escalate(EscalatePopup),
    /// The new-case intake form.
    Intake(IntakePopup),
    /// The follow-up outcome form for a case.
    Followup(FollowupPopup),
    /// The form of a later step of a case's life (mediation, outcome, extension, …).
    Step(StepPopup),
    /// The screening record form.
    Screening(ScreeningPopup),
    /// The Statistics screen (full screen): a period's figures, charts, area table and trend.
    Stats(StatsScreen),
    /// Keys, generated from the keymap.
    Help(HelpPopup),
    /// The command palette.
    Palette(PalettePopup),
    /// A message to acknowledge (an error, or a conflict).
    Message(MessagePopup),
    /// The day's messages with their times.
    Messages(MessagesPopup),
}

/// `match` over every popup variant, binding its component as `$p` (the one list both
/// [`Popup::component`] and [`Popup::component_mut`] use).
macro_rules! each_popup {
    ($popup:expr, $p:ident => $body:expr) => {
        match $popup {
            Popup::Detail($p) => $body,
            Popup::Assign($p) => $body,
            Popup::Confirm($p) => $body,
            Popup::Transfer($p) => $body,
            Popup::Escalate($p) => $body,
            Popup::Intake($p) => $body,
            Popup::Followup($p) => $body,
            Popup::Step($p) => $body,
            Popup::Screening($p) => $body,
            Popup::Stats($p) => $body,
            Popup::Help($p) => $body,
            Popup::Palette($p) => $body,
            Popup::Message($p) => $body,
            Popup::Messages($p) => $body,
        }
    };
}

impl Popup {
    /// The component behind the variant.
    pub fn component(&self) -> &dyn PopupComponent {
        each_popup!(self, p => p)
    }

    /// The component behind the variant, to hand it a key.
    pub fn component_mut(&mut self) -> &mut dyn PopupComponent {
        each_popup!(self, p => p)
    }

    /// An error or conflict to acknowledge.
    pub fn error(text: impl Into<String>) -> Popup {
        Popup::Message(MessagePopup { ok: false, text: text.into() })
    }
}

/// Draws the open popup, if any.
pub fn render(frame: &mut Frame<'_>, area: Rect, state: &State, theme: &Theme) {
    if let Some(p) = &state.popup {
        p.component().render(frame, area, state, theme);
    }
}

/// Case-insensitive "contains", also by pinyin (`yang`, `yll` find 杨丽玲), used by every
/// type-to-filter list ([`crate::domain::search::matches`]).
pub fn matches(haystack: &str, needle: &str) -> bool {
    crate::domain::search::matches(haystack, needle)
}

//! Panes as components, and the one list of them. Each pane is a unit struct in its own file
//! implementing [`PaneComponent`]: its title, the keys it answers, how it moves its selection,
//! opens, filters and sorts (called only from `update`), and how it is drawn (reading only).
//!
//! [`PANES`] is the registry: Tab/Shift-Tab order, the digit shown in each title, and the layout
//! (each entry's row and width) all read it. A fifth pane is:
//! 1. a new file `src/tui/panes/NAME.rs` with a unit struct implementing `PaneComponent`;
//! 2. its registration in this file: a `mod` line, a [`Pane`] variant and an entry in [`PANES`]
//!    (row and width); `Pane::component` finds it there;
//! 3. only if it keeps its own selection or filter: those fields in `State` (state/mod.rs), and
//!    only if it wants its own digit key: a `Focus…` action (action.rs, keymap, i18n help line).

pub mod drill;
mod followups;
mod incoming;
mod routing;
mod workload;

use ratatui::layout::Rect;
use ratatui::Frame;

use super::action::Action;
use super::i18n::Strings;
use super::state::{Effect, State};
use super::theme::Theme;

/// A pane's identity; its place in the desk is its entry in [`PANES`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, PartialOrd, Ord, Hash)]
pub enum Pane {
    /// Unassigned cases.
    #[default]
    Incoming,
    /// The tier × committee matrix.
    Routing,
    /// One row per mediator.
    Workload,
    /// Follow-ups overdue and due soon.
    Followups,
}

/// Where a pane sits: the screen is split into equal-height rows, each row into the widths (in
/// per cent) of its panes, left to right in registry order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Slot {
    /// The row, from the top (0-based).
    pub row: u16,
    /// Its width within the row, in per cent.
    pub width: u16,
}

/// One registered pane.
pub struct Entry {
    /// Its identity.
    pub pane: Pane,
    /// Where it is drawn.
    pub slot: Slot,
    /// The component.
    pub component: &'static dyn PaneComponent,
}

/// Every pane, in Tab order (the digit in each title is its place here, from 1).
pub static PANES: &[Entry] = &[
    Entry { pane: Pane::Incoming, slot: Slot { row: 0, width: 55 }, component: &incoming::Incoming },
    Entry { pane: Pane::Routing, slot: Slot { row: 0, width: 45 }, component: &routing::Routing },
    Entry { pane: Pane::Workload, slot: Slot { row: 1, width: 50 }, component: &workload::Workload },
    Entry { pane: Pane::Followups, slot: Slot { row: 1, width: 50 }, component: &followups::Followups },
];

/// One pane: title, keys, what it does with the desk's actions, and how it is drawn. Every
/// method that takes `&mut State` is called from `update` only.
pub trait PaneComponent: Sync {
    /// The title in the given strings.
    fn title(&self, s: &Strings) -> &'static str;
    /// The actions this pane answers beyond focus and movement (for hints and help).
    fn keys(&self) -> &'static [Action];
    /// Moves the selection by `delta` rows (clamped; a huge delta means top or bottom).
    fn move_by(&self, s: &mut State, delta: isize, fx: &mut Vec<Effect>);
    /// A pane action (open, left/right, mark, sort, clear filter) while focused; others ignored.
    fn on_action(&self, s: &mut State, a: &Action, fx: &mut Vec<Effect>);
    /// The case a case action applies to, with the version seen (`None`: not known here).
    fn target(&self, _s: &State) -> Option<(String, Option<i64>)> {
        None
    }
    /// The current filter text, if the pane takes a typed filter.
    fn filter(&self, _s: &State) -> Option<String> {
        None
    }
    /// Applies a typed filter (`live`: while typing; `false`: on Enter).
    fn set_filter(&self, _s: &mut State, _text: String, _live: bool, _fx: &mut Vec<Effect>) {}
    /// The mouse: selects what is drawn at screen cell (`x`, `y`) of the pane drawn in `area`
    /// (the rect the layout gives it); true when there was something to select. Called from
    /// `update` only.
    fn click(&self, _s: &mut State, _area: Rect, _x: u16, _y: u16, _fx: &mut Vec<Effect>) -> bool {
        false
    }
    /// Draws the pane in `area`.
    fn render(&self, frame: &mut Frame<'_>, area: Rect, state: &State, theme: &Theme);
}

impl Pane {
    /// The registry entry (the first one when a pane is not registered, which a test forbids).
    pub fn entry(self) -> &'static Entry {
        PANES.iter().find(|e| e.pane == self).unwrap_or(&PANES[0])
    }

    /// The component.
    pub fn component(self) -> &'static dyn PaneComponent {
        self.entry().component
    }

    /// Its place in Tab order, from 0.
    pub fn index(self) -> usize {
        PANES.iter().position(|e| e.pane == self).unwrap_or(0)
    }

    /// The pane `step` places after this one in Tab order (wrapping; negative goes back).
    pub fn cycle(self, step: isize) -> Pane {
        let n = PANES.len() as isize;
        PANES[(self.index() as isize + step).rem_euclid(n) as usize].pane
    }

    /// The pane's title in the given strings.
    pub fn title(self, s: &Strings) -> &'static str {
        self.component().title(s)
    }
}

/// A click on a list: the delta that moves its selection (`selected` of `len` rows, drawn in
/// the pane's `area` under one header line with `foot` lines left at the bottom) to the row at
/// screen row `y`, if a row is there.
pub(crate) fn click_delta(area: Rect, foot: usize, selected: usize, len: usize, y: u16) -> Option<isize> {
    let rows = crate::tui::ui::widgets::ListRows::new(crate::tui::ui::pane_inner(area), 1, foot, selected);
    rows.index_at(y).filter(|&i| i < len).map(|i| delta_to(selected, i))
}

/// The delta that moves a selection from `cur` to `to` (for [`PaneComponent::move_by`]).
pub(crate) fn delta_to(cur: usize, to: usize) -> isize {
    to as isize - cur as isize
}

/// A selection moved by `delta` within `len` rows.
pub(crate) fn step(cur: usize, len: usize, delta: isize) -> usize {
    if len == 0 {
        return 0;
    }
    (cur as isize).saturating_add(delta).clamp(0, len as isize - 1) as usize
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tui::keymap::Keymap;

    #[test]
    fn every_pane_is_registered_once_and_rows_fill_the_width() {
        for p in [Pane::Incoming, Pane::Routing, Pane::Workload, Pane::Followups] {
            assert_eq!(PANES.iter().filter(|e| e.pane == p).count(), 1, "{p:?}");
        }
        let rows = PANES.iter().map(|e| e.slot.row).max().unwrap_or(0);
        for row in 0..=rows {
            let width: u16 = PANES.iter().filter(|e| e.slot.row == row).map(|e| e.slot.width).sum();
            assert_eq!(width, 100, "row {row}");
        }
    }

    #[test]
    fn tab_cycles_through_the_registry_and_every_pane_key_is_bound() {
        let mut p = PANES[0].pane;
        for e in PANES.iter().skip(1) {
            p = p.cycle(1);
            assert_eq!(p, e.pane);
        }
        assert_eq!(p.cycle(1), PANES[0].pane);
        assert_eq!(PANES[0].pane.cycle(-1), p);
        let keys = Keymap::defaults();
        for e in PANES {
            for a in e.component.keys() {
                assert!(!keys.keys_for(a).is_empty(), "{:?}: {} unbound", e.pane, a.name());
            }
        }
    }
}

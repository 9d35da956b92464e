//! Keys typed while a popup or a filter line has the focus: the open popup consumes them first
//! (its component turns each key into a [`Step`]); a filter line edits and applies its text.

use ratatui::crossterm::event::{KeyCode, KeyEvent};

use super::update::Effect;
use super::{FilterInput, State};
use crate::tui::action::Action;
use crate::tui::popups::Step;

/// A key while a popup or filter line has the focus; returns an action to apply next, if the
/// popup re-issues one.
pub(super) fn on_input(s: &mut State, k: KeyEvent, fx: &mut Vec<Effect>) -> Option<Action> {
    if s.filter_input.is_some() {
        filter_key(s, k, fx);
        return None;
    }
    let mut popup = s.popup.take()?;
    // A palette line run (Enter) goes into the session's history, whatever it does.
    if let (crate::tui::popups::Popup::Palette(p), KeyCode::Enter) = (&popup, k.code) {
        let line = p.text.trim().to_string();
        if !line.is_empty() && s.palette_history.last() != Some(&line) {
            s.palette_history.push(line);
        }
    }
    match popup.component_mut().on_key(s, k) {
        Step::Stay => s.popup = Some(popup),
        Step::Close => {}
        Step::Replace(next) => s.popup = Some(next),
        Step::Send(req) => fx.push(Effect::Send(req)),
        Step::Ask(req) => {
            s.popup = Some(popup);
            fx.push(Effect::Send(req));
        }
        Step::Act(a) => {
            s.popup = Some(popup);
            return Some(a);
        }
        Step::CloseAnd(a) => return Some(a),
    }
    None
}

/// The filter line: Esc drops it, Enter applies it, other keys edit it (and filter live where
/// the pane allows).
fn filter_key(s: &mut State, k: KeyEvent, fx: &mut Vec<Effect>) {
    let Some(FilterInput { pane, mut text }) = s.filter_input.take() else { return };
    let component = pane.component();
    match k.code {
        KeyCode::Esc => {}
        KeyCode::Enter => component.set_filter(s, text, false, fx),
        _ => {
            crate::tui::popups::edit_line(&mut text, k);
            s.filter_input = Some(FilterInput { pane, text: text.clone() });
            component.set_filter(s, text, true, fx);
        }
    }
}

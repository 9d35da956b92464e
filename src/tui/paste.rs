//! Bracketed paste: pasted text is only ever typed, as text, into the focused text input (a form
//! field, a filter, the palette); it is never read as keys, and with no text input open it is
//! dropped. Newlines and tabs become spaces, control characters are removed.

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::state::Popup;
use super::state::State;

/// The most characters one paste types.
pub const MAX_PASTE_CHARS: usize = 4000;

/// True when a text input has the focus, so a paste has somewhere to go.
pub fn accepts_text(state: &State) -> bool {
    state.filter_input.is_some()
        || matches!(
            state.popup,
            Some(
                Popup::Assign { .. }
                    | Popup::Transfer { .. }
                    | Popup::Intake(_)
                    | Popup::Followup { .. }
                    | Popup::Palette { .. }
            )
        )
        || matches!(&state.popup, Some(Popup::Stats(p)) if p.typing.is_some())
}

/// The pasted text as plain character keys: no Enter, no Esc, no control keys, ever.
pub fn as_typed(text: &str) -> Vec<KeyEvent> {
    crate::domain::text::sanitize(text)
        .chars()
        .take(MAX_PASTE_CHARS)
        .map(|c| KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_paste_is_only_characters() {
        let keys = as_typed("楼上漏水\ne\nq\x1b[A\r");
        assert!(keys.iter().all(|k| matches!(k.code, KeyCode::Char(_)) && k.modifiers.is_empty()));
        let text: String =
            keys.iter().filter_map(|k| if let KeyCode::Char(c) = k.code { Some(c) } else { None }).collect();
        assert_eq!(text, "楼上漏水 e q[A ");
    }
}

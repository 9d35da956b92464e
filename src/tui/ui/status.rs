//! The status bar: officer, database, live indicator, clock, and key hints (or a message, or
//! the filter being typed).

use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

use super::widgets::cell;
use crate::tui::action::Action;
use crate::tui::state::State;
use crate::tui::theme::Theme;

/// Draws the bar.
pub fn render(frame: &mut Frame<'_>, area: Rect, state: &State, theme: &Theme) {
    let s = state.strings;
    let w = usize::from(area.width);
    let live = match (&state.worker_error, state.last_change) {
        (Some(_), _) => format!("○ {}", s.offline),
        (None, Some(t)) => format!("● {} {}", s.live, state.tz.local(t).format("%H:%M:%S")),
        (None, None) => format!("○ {}", s.loading),
    };
    let clock = state.tz.local(state.now).format("%m-%d %H:%M").to_string();
    let ro = if state.read_only { format!(" {} ·", s.read_only) } else { String::new() };
    let left = format!("{ro} {} {} · {} · {live} · {clock} ", s.officer, state.officer, state.db_label);
    let left_w = crate::domain::text::width(&left);
    let right_w = w.saturating_sub(left_w);
    let mut spans = vec![Span::styled(cell(&left, left_w.min(w)), theme.status_bar)];
    if let Some(input) = &state.filter_input {
        spans.push(Span::styled(cell(&format!(" / {}▏", input.text), right_w), theme.key));
    } else if let Some(m) = &state.message {
        let style = if m.ok { theme.success } else { theme.error };
        spans.push(Span::styled(cell(&format!(" {}", m.text), right_w), style));
    } else {
        let mut hints = Vec::new();
        for a in [
            Action::Assign,
            Action::Open,
            Action::Escalate,
            Action::NewCase,
            Action::Filter,
            Action::Report,
            Action::Palette,
            Action::Help,
            Action::Quit,
        ] {
            if state.read_only && a.writes() {
                continue;
            }
            hints.push(Span::styled(format!(" {}", state.keymap.first_key(&a)), theme.key));
            hints.push(Span::styled(format!(" {}", s.action_short(&a)), theme.muted));
        }
        let mut used = 0;
        for h in hints {
            let hw = h.width();
            if used + hw > right_w {
                break;
            }
            used += hw;
            spans.push(h);
        }
    }
    if let Some(err) = &state.worker_error {
        spans.push(Span::styled(format!(" {}", crate::domain::text::sanitize(err)), theme.error));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}

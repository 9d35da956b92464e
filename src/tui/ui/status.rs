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
    // A message or a filter being typed takes the room of the officer and database names, so it
    // is readable at 80 columns (the full text is kept in the message log).
    let left = if state.filter_input.is_some() || state.message.is_some() || state.worker_error.is_some() {
        format!("{ro} {clock} ")
    } else {
        format!("{ro} {} {} · {} · {live} · {clock} ", s.officer, state.officer, state.db_label)
    };
    let left_w = crate::domain::text::width(&left);
    // `? help` and `q quit` are always shown, at the right end; the rest fills what is left.
    let mut tail = Vec::new();
    for a in [Action::Help, Action::Quit] {
        tail.push(Span::styled(format!(" {}", state.keymap.first_key(&a)), theme.key));
        tail.push(Span::styled(format!(" {}", s.action_short(&a)), theme.muted));
    }
    let tail_w: usize = tail.iter().map(Span::width).sum::<usize>() + 1;
    let left_w = left_w.min(w.saturating_sub(tail_w));
    let right_w = w.saturating_sub(left_w + tail_w);
    let mut spans = vec![Span::styled(cell(&left, left_w), theme.status_bar)];
    if let Some(input) = &state.filter_input {
        spans.push(Span::styled(cell(&format!(" / {}▏", input.text), right_w), theme.key));
    } else if let Some(m) = &state.message {
        let style = if m.ok { theme.success } else { theme.error };
        spans.push(Span::styled(cell(&format!(" {}", m.text), right_w), style));
    } else if let Some(err) = &state.worker_error {
        // Why the desk is offline or waiting: in the hints' room, never past the right edge.
        spans.push(Span::styled(cell(&format!(" {}", crate::domain::text::sanitize(err)), right_w), theme.error));
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
        ] {
            if state.read_only && a.writes() {
                continue;
            }
            hints.push([
                Span::styled(format!(" {}", state.keymap.first_key(&a)), theme.key),
                Span::styled(format!(" {}", s.action_short(&a)), theme.muted),
            ]);
        }
        // A key is shown with its word or not at all.
        let mut used = 0;
        for pair in hints {
            let hw: usize = pair.iter().map(Span::width).sum();
            if used + hw > right_w {
                break;
            }
            used += hw;
            spans.extend(pair);
        }
        spans.push(Span::raw(" ".repeat(right_w.saturating_sub(used))));
    }
    spans.push(Span::raw(" "));
    spans.extend(tail);
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}

//! Keys typed while a popup or a filter line has the focus: each popup consumes them first.

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::form::FormOutcome;
use super::palette::{self, Command, FilterSpec};
use super::popup::Popup;
use super::update::{on_command, recompute_views, say, send_view, Effect};
use super::{FilterInput, Pane, State};
use crate::store::Expect;
use crate::tui::action::Action;
use crate::tui::worker::Request;

fn edit_line(text: &mut String, k: KeyEvent) {
    match k.code {
        KeyCode::Backspace => {
            text.pop();
        }
        KeyCode::Char('u') if k.modifiers.contains(KeyModifiers::CONTROL) => text.clear(),
        KeyCode::Char(c) if !k.modifiers.contains(KeyModifiers::CONTROL) && text.len() < 200 => text.push(c),
        _ => {}
    }
}

fn list_move(selected: &mut usize, len: usize, k: &KeyEvent) -> bool {
    match k.code {
        KeyCode::Up => *selected = selected.saturating_sub(1),
        KeyCode::Down => *selected = (*selected + 1).min(len.saturating_sub(1)),
        KeyCode::PageUp => *selected = selected.saturating_sub(10),
        KeyCode::PageDown => *selected = (*selected + 10).min(len.saturating_sub(1)),
        _ => return false,
    }
    true
}

/// A key while a popup or filter line has the focus.
pub(super) fn on_input(s: &mut State, k: KeyEvent, fx: &mut Vec<Effect>) {
    if let Some(input) = s.filter_input.as_mut() {
        match k.code {
            KeyCode::Esc => s.filter_input = None,
            KeyCode::Enter => {
                let FilterInput { pane, text } =
                    s.filter_input.take().unwrap_or(FilterInput { pane: Pane::Incoming, text: String::new() });
                apply_filter(s, pane, text, fx);
            }
            _ => {
                edit_line(&mut input.text, k);
                let (pane, text) = (input.pane, input.text.clone());
                if pane != Pane::Incoming {
                    apply_filter(s, pane, text, fx);
                }
            }
        }
        return;
    }
    let Some(popup) = s.popup.take() else { return };
    let bound = s.keymap.action_for(&k);
    let close = matches!(k.code, KeyCode::Esc);
    s.popup = match popup {
        Popup::Message { .. } if close || k.code == KeyCode::Enter || bound == Some(Action::Quit) => None,
        p @ Popup::Message { .. } => Some(p),
        Popup::Confirm { then, text } => match k.code {
            KeyCode::Char('y') | KeyCode::Char('Y') | KeyCode::Enter => {
                fx.push(Effect::Send(*then));
                None
            }
            KeyCode::Char('n') | KeyCode::Char('N') | KeyCode::Esc => None,
            _ => Some(Popup::Confirm { then, text }),
        },
        Popup::Report { report, scroll } => match (k.code, bound) {
            (KeyCode::Esc | KeyCode::Enter, _) | (_, Some(Action::Report | Action::Quit)) => None,
            (_, Some(Action::Down)) => Some(Popup::Report { report, scroll: scroll.saturating_add(1) }),
            (_, Some(Action::Up)) => Some(Popup::Report { report, scroll: scroll.saturating_sub(1) }),
            _ => Some(Popup::Report { report, scroll }),
        },
        Popup::Help { scroll } => match (k.code, bound) {
            (KeyCode::Esc | KeyCode::Enter, _) | (_, Some(Action::Help | Action::Quit)) => None,
            (_, Some(Action::Down)) => Some(Popup::Help { scroll: scroll.saturating_add(1) }),
            (_, Some(Action::Up)) => Some(Popup::Help { scroll: scroll.saturating_sub(1) }),
            (_, Some(Action::PageDown)) => Some(Popup::Help { scroll: scroll.saturating_add(10) }),
            (_, Some(Action::PageUp)) => Some(Popup::Help { scroll: scroll.saturating_sub(10) }),
            _ => Some(Popup::Help { scroll }),
        },
        Popup::Detail { reference, detail, scroll } => {
            let keep = Popup::Detail { reference: reference.clone(), detail: detail.clone(), scroll };
            match (k.code, bound.clone()) {
                (KeyCode::Esc | KeyCode::Enter, _) | (_, Some(Action::Quit)) => None,
                (_, Some(Action::Down)) => Some(Popup::Detail { reference, detail, scroll: scroll.saturating_add(1) }),
                (_, Some(Action::Up)) => Some(Popup::Detail { reference, detail, scroll: scroll.saturating_sub(1) }),
                (
                    _,
                    Some(
                        a @ (Action::Reveal
                        | Action::Assign
                        | Action::Escalate
                        | Action::Transfer
                        | Action::RecordFollowup),
                    ),
                ) => {
                    s.popup = Some(keep);
                    if s.read_only {
                        say(s, false, s.strings.refused_read_only);
                        return;
                    }
                    on_command(s, a, fx);
                    return;
                }
                _ => Some(keep),
            }
        }
        Popup::Assign { cases, list, mut filter, mut selected } => {
            let view = list.as_deref().map(|l| Popup::assign_view(l, &filter)).unwrap_or_default();
            match k.code {
                KeyCode::Esc => None,
                KeyCode::Enter => match (list.as_ref(), view.get(selected)) {
                    (Some(l), Some(&i)) => {
                        let sug = &l[i];
                        let force = sug.would_exceed_capacity();
                        let req = Request::Assign { cases: cases.clone(), mediator_id: sug.mediator_id, force };
                        if force {
                            Some(Popup::Confirm {
                                text: format!(
                                    "{} ({}/{}) {}",
                                    sug.name, sug.open, sug.capacity, s.strings.over_capacity_confirm
                                ),
                                then: Box::new(req),
                            })
                        } else {
                            fx.push(Effect::Send(req));
                            None
                        }
                    }
                    _ => Some(Popup::Assign { cases, list, filter, selected }),
                },
                _ => {
                    if !list_move(&mut selected, view.len(), &k) {
                        edit_line(&mut filter, k);
                        selected = 0;
                    }
                    Some(Popup::Assign { cases, list, filter, selected })
                }
            }
        }
        Popup::Transfer { case, options, mut filter, mut selected } => {
            let view = Popup::transfer_view(&options, &filter);
            match k.code {
                KeyCode::Esc => None,
                KeyCode::Enter => match view.get(selected) {
                    Some(&i) => {
                        fx.push(Effect::Send(Request::Transfer {
                            reference: case.0.clone(),
                            expect: case.1,
                            committee: options[i].0.clone(),
                        }));
                        None
                    }
                    None => Some(Popup::Transfer { case, options, filter, selected }),
                },
                _ => {
                    if !list_move(&mut selected, view.len(), &k) {
                        edit_line(&mut filter, k);
                        selected = 0;
                    }
                    Some(Popup::Transfer { case, options, filter, selected })
                }
            }
        }
        Popup::Intake(mut form) => match form.key(k) {
            FormOutcome::Cancel => None,
            FormOutcome::Editing => Some(Popup::Intake(form)),
            FormOutcome::Submit => {
                let Some(snap) = s.snap.as_ref() else { return };
                match form.to_new_case(&snap.org, s.now) {
                    Ok(new) => {
                        fx.push(Effect::Send(Request::Add(Box::new(new))));
                        None
                    }
                    Err(errs) => {
                        form.set_errors(&errs);
                        Some(Popup::Intake(form))
                    }
                }
            }
        },
        Popup::Followup { reference, mut form } => match form.key(k) {
            FormOutcome::Cancel => None,
            FormOutcome::Editing => Some(Popup::Followup { reference, form }),
            FormOutcome::Submit => match form.to_followup() {
                Ok(record) => {
                    fx.push(Effect::Send(Request::Followup { reference, record }));
                    None
                }
                Err(errs) => {
                    form.set_errors(&errs);
                    Some(Popup::Followup { reference, form })
                }
            },
        },
        Popup::Palette { mut text } => match k.code {
            KeyCode::Esc => None,
            KeyCode::Tab => {
                if let Some(snap) = s.snap.as_ref() {
                    let refs: Vec<String> = snap.incoming.rows.iter().map(|c| c.reference.clone()).collect();
                    if let Some(done) = palette::complete(&text, &snap.org, &refs) {
                        text = done;
                    }
                }
                Some(Popup::Palette { text })
            }
            KeyCode::Enter => run_palette(s, &text, fx),
            _ => {
                edit_line(&mut text, k);
                Some(Popup::Palette { text })
            }
        },
    };
}

fn apply_filter(s: &mut State, pane: Pane, text: String, fx: &mut Vec<Effect>) {
    match pane {
        Pane::Incoming => {
            s.query.incoming.text = Some(text).filter(|t| !t.trim().is_empty());
            s.query.incoming_offset = 0;
            s.incoming_selected = 0;
            send_view(s, fx);
        }
        Pane::Workload => {
            s.workload_filter = text;
            s.workload_selected = 0;
        }
        Pane::Followups => {
            s.followups_filter = text;
            s.followups_selected = 0;
        }
        Pane::Routing => {}
    }
    recompute_views(s);
}

fn run_palette(s: &mut State, text: &str, fx: &mut Vec<Effect>) -> Option<Popup> {
    let snap = s.snap.as_ref()?;
    let cmd = match palette::parse(text.trim().trim_start_matches(':'), &snap.org) {
        Ok(c) => c,
        Err(e) => return Some(Popup::Message { ok: false, text: e }),
    };
    let writes = matches!(cmd, Command::Assign { .. } | Command::Escalate { .. } | Command::Transfer { .. });
    if writes && s.read_only {
        say(s, false, s.strings.refused_read_only);
        return None;
    }
    match cmd {
        Command::Assign { reference, mediator_id } => fx.push(Effect::Send(Request::Assign {
            cases: vec![(reference, Expect::Latest)],
            mediator_id,
            force: false,
        })),
        Command::Escalate { reference } => {
            fx.push(Effect::Send(Request::Escalate { reference, expect: Expect::Latest }))
        }
        Command::Transfer { reference, committee } => {
            fx.push(Effect::Send(Request::Transfer { reference, expect: Expect::Latest, committee }))
        }
        Command::Show { reference } => {
            fx.push(Effect::Send(Request::Detail { reference: reference.clone(), reveal: false }));
            return Some(Popup::Detail { reference, detail: None, scroll: 0 });
        }
        Command::Filter(spec) => {
            let f = &mut s.query.incoming;
            match spec {
                FilterSpec::Clear => *f = Default::default(),
                FilterSpec::Text(t) => f.text = Some(t),
                FilterSpec::Area(id) => f.area_id = Some(id),
                FilterSpec::Committee(id) => f.committee_id = Some(id),
                FilterSpec::Tier(t) => f.tier = Some(t),
            }
            s.query.incoming_offset = 0;
            s.incoming_selected = 0;
            s.focus = Pane::Incoming;
            send_view(s, fx);
        }
        Command::Help => return Some(Popup::Help { scroll: 0 }),
        Command::Quit => s.quit = true,
    }
    None
}

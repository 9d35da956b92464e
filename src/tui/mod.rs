//! The live desk: a ratatui app fed by one event channel, with a worker thread owning SQLite.

pub mod action;
pub mod aftercare_words;
pub mod counts;
pub mod event;
pub mod i18n;
pub mod keymap;
pub mod live;
pub mod panes;
pub mod paste;
pub mod popups;
pub mod snapshot;
pub mod state;
pub mod steps;
pub mod terminal;
pub mod theme;
pub mod ui;
pub mod words;
pub mod worker;

use std::path::{Path, PathBuf};
use std::sync::mpsc;

use chrono::Utc;

use self::action::Action;
use self::event::Event;
use self::keymap::Keymap;
use self::state::{update, Effect, State};
use self::theme::Theme;
use self::worker::Request;
use crate::domain::Lang;
use crate::error::{Error, Result};
use crate::store::Store;

/// How the desk was asked to start.
#[derive(Debug, Clone)]
pub struct DeskOptions {
    /// The database file.
    pub db: PathBuf,
    /// Theme name (`default`, `light`, `high-contrast`, `mono`) or a path to a theme TOML.
    pub theme: Option<String>,
    /// Screen language.
    pub lang: Lang,
    /// View only: write keys are refused.
    pub read_only: bool,
    /// Mouse reporting (click, wheel, double click); off with `--no-mouse` or `mouse = false`
    /// in the keymap file.
    pub mouse: bool,
}

/// The user's keymap file: `keymap.toml` in the platform config dir (or `$DUTY_DESK_KEYMAP`).
pub fn keymap_path() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("DUTY_DESK_KEYMAP") {
        return Some(PathBuf::from(p));
    }
    directories::ProjectDirs::from("org", "duty-desk", "duty-desk").map(|d| d.config_dir().join("keymap.toml"))
}

/// The defaults patched by the user's keymap file, if there is one.
pub fn load_keymap(path: Option<&Path>) -> Result<Keymap> {
    match path.filter(|p| p.exists()) {
        None => Keymap::with_overrides(None),
        Some(p) => {
            let text = crate::files::reader::read_text(p, crate::files::reader::SMALL_CAP)?;
            Keymap::with_overrides(Some((&p.display().to_string(), &text)))
        }
    }
}

/// Runs the desk until the officer quits; the terminal is restored on every way out.
pub fn run(opts: DeskOptions) -> Result<()> {
    use std::io::IsTerminal;
    let theme = Theme::choose(opts.theme.as_deref())?;
    let keymap = load_keymap(keymap_path().as_deref())?;
    let store = Store::open(&opts.db, opts.read_only)?;
    if !store.is_initialised()? {
        let db = opts.db.display();
        return Err(Error::Invalid(crate::msg!(
            "{db} holds no organisation; run `duty-desk init` first",
            "{db} 中没有组织；请先运行 `duty-desk init`"
        )));
    }
    if !std::io::stdout().is_terminal() {
        return Err(Error::Usage(crate::msg!(
            "the desk needs a terminal; use the subcommands for scripts (see --help)",
            "值班台需要终端；脚本请使用子命令（见 --help）"
        )));
    }
    let db_label = opts.db.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_default();
    let mut state = State::new(
        opts.lang,
        keymap.clone(),
        store.actor().to_string(),
        crate::domain::text::sanitize(&db_label),
        store.is_read_only(),
        store.policy().clocks.clone(),
        Utc::now(),
    );
    state.tz = store.policy().office.time_zone;
    let (events, inbox) = mpsc::channel::<Event>();
    let (requests, worker_inbox) = mpsc::channel::<Request>();
    event::spawn_signals(events.clone())?;
    let worker = worker::spawn(store, worker_inbox, events.clone(), state.query.clone());
    let mut guard = terminal::Guard::enter(opts.mouse && keymap.mouse())?;
    event::spawn_input(events.clone());
    event::spawn_hangup_watch(events.clone());
    event::spawn_ticker(events);
    if let Ok(size) = guard.terminal.size() {
        state.size = (size.width, size.height);
    }
    let result = event_loop(&mut guard, &mut state, &theme, &keymap, &inbox, &requests);
    let _ = requests.send(Request::Shutdown);
    drop(guard);
    let _ = worker.join();
    result
}

/// Turns an event into the action it means; keys go to the open popup or filter line first.
fn action_for(event: Event, state: &State, keymap: &Keymap) -> Option<Action> {
    Some(match event {
        Event::Key(k) if state.popup.is_some() || state.filter_input.is_some() => Action::Input(k),
        Event::Key(k) => keymap.action_for(&k)?,
        Event::Mouse(m) => m.action(),
        Event::Resize(w, h) => Action::Resize(w, h),
        Event::Tick => Action::Tick(Utc::now()),
        Event::Snapshot(s) => Action::Snapshot(s),
        Event::Reply(r) => Action::Reply(r),
        Event::WorkerError(e) => Action::DataError(e),
        Event::Stop | Event::Paste(_) => return None,
    })
}

fn event_loop(
    guard: &mut terminal::Guard,
    state: &mut State,
    theme: &Theme,
    keymap: &Keymap,
    inbox: &mpsc::Receiver<Event>,
    requests: &mpsc::Sender<Request>,
) -> Result<()> {
    loop {
        if state.dirty {
            guard
                .terminal
                .draw(|f| ui::render(f, state, theme))
                .map_err(|e| Error::Io(crate::msg!("the terminal went away: {e}", "终端已断开：{e}")))?;
            state.dirty = false;
        }
        let first = inbox.recv().map_err(|_| Error::Io(crate::msg!("the event channel closed", "事件通道已关闭")))?;
        // Take everything already waiting, then draw once (a resize storm costs one frame).
        for ev in std::iter::once(first).chain(inbox.try_iter().take(256)) {
            if matches!(ev, Event::Stop) {
                // Hung up or signalled: a write waiting for the lock gives up, none starts.
                crate::store::wait::stop_waiting();
                return Ok(());
            }
            if let Event::Resize(w, h) = ev {
                guard
                    .fit(w, h)
                    .map_err(|e| Error::Io(crate::msg!("the terminal went away: {e}", "终端已断开：{e}")))?;
            }
            let actions = match ev {
                // A paste is typed into the focused text input, character by character; with
                // none open it is dropped. It is never read as keys.
                Event::Paste(text) if paste::accepts_text(state) => {
                    paste::as_typed(&text).into_iter().map(Action::Input).collect()
                }
                ev => action_for(ev, state, keymap).into_iter().collect::<Vec<_>>(),
            };
            for action in actions {
                for effect in update(state, action) {
                    match effect {
                        Effect::Send(req) => {
                            if requests.send(req).is_err() {
                                return Err(Error::Db(crate::msg!(
                                    "the database worker stopped",
                                    "数据库工作线程已停止"
                                )));
                            }
                        }
                        Effect::Bell => terminal::bell(),
                    }
                }
            }
            if state.quit {
                return Ok(());
            }
        }
    }
}

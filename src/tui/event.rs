//! The one event channel: keys, resizes, ticks, signals, and the worker's snapshots and replies.

use std::sync::mpsc::Sender;
use std::time::Duration;

use ratatui::crossterm::event::{self, Event as TermEvent, KeyEventKind};

use super::snapshot::Snapshot;
use super::worker::Reply;

/// Everything the UI thread reacts to.
#[derive(Debug)]
pub enum Event {
    /// A key was pressed.
    Key(event::KeyEvent),
    /// The terminal was resized.
    Resize(u16, u16),
    /// About a second passed.
    Tick,
    /// Fresh pane data.
    Snapshot(Box<Snapshot>),
    /// The worker's answer to a request.
    Reply(Box<Reply>),
    /// The worker could not read the database.
    WorkerError(String),
    /// The terminal went away or a signal asked us to stop (SIGHUP, SIGTERM, SIGINT).
    Stop,
}

/// Reads terminal input on its own thread until the terminal fails or the channel closes.
pub fn spawn_input(tx: Sender<Event>) {
    std::thread::spawn(move || loop {
        let ev = match event::read() {
            Ok(ev) => ev,
            Err(_) => {
                let _ = tx.send(Event::Stop);
                return;
            }
        };
        let sent = match ev {
            TermEvent::Key(k) if k.kind != KeyEventKind::Release => tx.send(Event::Key(k)),
            TermEvent::Resize(w, h) => tx.send(Event::Resize(w, h)),
            _ => Ok(()),
        };
        if sent.is_err() {
            return;
        }
    });
}

/// Sends a tick about once a second.
pub fn spawn_ticker(tx: Sender<Event>) {
    std::thread::spawn(move || loop {
        std::thread::sleep(Duration::from_secs(1));
        if tx.send(Event::Tick).is_err() {
            return;
        }
    });
}

/// Turns SIGHUP, SIGTERM and SIGINT into [`Event::Stop`], so the terminal is restored.
pub fn spawn_signals(tx: Sender<Event>) -> std::io::Result<()> {
    use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
    let mut signals = signal_hook::iterator::Signals::new([SIGHUP, SIGTERM, SIGINT])?;
    std::thread::spawn(move || {
        if signals.forever().next().is_some() {
            let _ = tx.send(Event::Stop);
        }
    });
    Ok(())
}

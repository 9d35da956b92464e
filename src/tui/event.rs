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
    /// Text was pasted (bracketed paste): only ever typed into the focused text input.
    Paste(String),
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
            TermEvent::Paste(text) => tx.send(Event::Paste(text)),
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

/// Sends [`Event::Stop`] when the terminal hangs up, even when no SIGHUP comes (the desk is not
/// the session leader and nobody forwards it). The input thread cannot tell: on a hung-up tty
/// crossterm's reader retries its read forever, spinning a core (crossterm issue #793). This
/// thread waits in `poll(2)` on stdout asking for no events, so it reads no input and costs
/// nothing until the kernel reports the hangup.
pub fn spawn_hangup_watch(tx: Sender<Event>) {
    use nix::poll::{poll, PollFd, PollFlags, PollTimeout};
    use std::os::fd::AsFd;
    std::thread::spawn(move || {
        let stdout = std::io::stdout();
        let mut fds = [PollFd::new(stdout.as_fd(), PollFlags::empty())];
        let gone = PollFlags::POLLHUP | PollFlags::POLLERR | PollFlags::POLLNVAL;
        loop {
            match poll(&mut fds, PollTimeout::NONE) {
                Ok(_) if fds[0].revents().is_some_and(|r| r.intersects(gone)) => {
                    let _ = tx.send(Event::Stop);
                    return;
                }
                // Nothing else can wake it; should something, do not spin.
                Ok(_) | Err(nix::errno::Errno::EINTR) => std::thread::sleep(Duration::from_millis(100)),
                Err(_) => return,
            }
        }
    });
}

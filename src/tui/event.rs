//! The one event channel: keys, the mouse, resizes, ticks, signals, and the worker's snapshots
//! and replies.

use std::sync::mpsc::Sender;
use std::time::{Duration, Instant};

use ratatui::crossterm::event::{self, Event as TermEvent, KeyEventKind, MouseButton, MouseEvent, MouseEventKind};

use super::action::Action;

use super::snapshot::Snapshot;
use super::worker::Reply;

/// Everything the UI thread reacts to.
#[derive(Debug)]
pub enum Event {
    /// A key was pressed.
    Key(event::KeyEvent),
    /// The mouse: a click, a double click or the wheel (told apart on the input thread).
    Mouse(Mouse),
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

/// What the mouse did, at a screen cell (column, row from 0).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mouse {
    /// The left button went down.
    Click(u16, u16),
    /// The left button went down again on the same cell within [`DOUBLE_CLICK`].
    DoubleClick(u16, u16),
    /// The wheel turned: rows to move, negative up.
    Scroll(u16, u16, i16),
}

impl Mouse {
    /// The action it is.
    pub fn action(self) -> Action {
        match self {
            Mouse::Click(column, row) => Action::Click { column, row },
            Mouse::DoubleClick(column, row) => Action::DoubleClick { column, row },
            Mouse::Scroll(column, row, lines) => Action::Scroll { column, row, lines },
        }
    }
}

/// Two clicks on one cell closer than this are a double click.
pub const DOUBLE_CLICK: Duration = Duration::from_millis(400);

/// Rows one notch of the wheel moves.
pub const WHEEL_ROWS: i16 = 3;

/// Tells clicks from double clicks: remembers the last click's cell and time.
#[derive(Debug, Default)]
pub struct Clicks {
    last: Option<(Instant, u16, u16)>,
}

impl Clicks {
    /// Reads a terminal mouse event that came at `at`: presses of the left button and the wheel;
    /// moves, drags, releases and other buttons are nothing.
    pub fn read(&mut self, e: &MouseEvent, at: Instant) -> Option<Mouse> {
        let (x, y) = (e.column, e.row);
        match e.kind {
            MouseEventKind::Down(MouseButton::Left) => {
                let double = self
                    .last
                    .is_some_and(|(t, lx, ly)| (lx, ly) == (x, y) && at.saturating_duration_since(t) < DOUBLE_CLICK);
                // A third click starts over.
                self.last = if double { None } else { Some((at, x, y)) };
                Some(if double { Mouse::DoubleClick(x, y) } else { Mouse::Click(x, y) })
            }
            MouseEventKind::ScrollUp => Some(Mouse::Scroll(x, y, -WHEEL_ROWS)),
            MouseEventKind::ScrollDown => Some(Mouse::Scroll(x, y, WHEEL_ROWS)),
            _ => None,
        }
    }
}

/// Reads terminal input on its own thread until the terminal fails or the channel closes.
pub fn spawn_input(tx: Sender<Event>) {
    let mut clicks = Clicks::default();
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
            TermEvent::Mouse(m) => match clicks.read(&m, Instant::now()) {
                Some(m) => tx.send(Event::Mouse(m)),
                None => Ok(()),
            },
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

#[cfg(test)]
mod tests {
    use super::*;
    use ratatui::crossterm::event::KeyModifiers;

    fn ev(kind: MouseEventKind, column: u16, row: u16) -> MouseEvent {
        MouseEvent { kind, column, row, modifiers: KeyModifiers::NONE }
    }

    #[test]
    fn a_second_click_on_the_same_cell_soon_after_is_a_double_click() {
        let mut c = Clicks::default();
        let t = Instant::now();
        let down = MouseEventKind::Down(MouseButton::Left);
        assert_eq!(c.read(&ev(down, 3, 4), t), Some(Mouse::Click(3, 4)));
        assert_eq!(c.read(&ev(MouseEventKind::Up(MouseButton::Left), 3, 4), t), None);
        assert_eq!(c.read(&ev(down, 3, 4), t + Duration::from_millis(100)), Some(Mouse::DoubleClick(3, 4)));
        // A third starts over; another cell or a late click is a click.
        assert_eq!(c.read(&ev(down, 3, 4), t + Duration::from_millis(200)), Some(Mouse::Click(3, 4)));
        assert_eq!(c.read(&ev(down, 5, 4), t + Duration::from_millis(300)), Some(Mouse::Click(5, 4)));
        assert_eq!(c.read(&ev(down, 5, 4), t + Duration::from_secs(2)), Some(Mouse::Click(5, 4)));
        assert_eq!(c.read(&ev(MouseEventKind::Moved, 1, 1), t), None);
        assert_eq!(c.read(&ev(MouseEventKind::Down(MouseButton::Right), 1, 1), t), None);
        assert_eq!(c.read(&ev(MouseEventKind::ScrollUp, 1, 2), t), Some(Mouse::Scroll(1, 2, -WHEEL_ROWS)));
        assert_eq!(Mouse::DoubleClick(1, 2).action(), Action::DoubleClick { column: 1, row: 2 });
    }
}

//! The terminal: raw mode, the alternate screen, bracketed paste and (unless turned off) mouse
//! reporting, restored on every way out (drop, error, panic, signal), and a writer that sends each frame as one write wrapped in crossterm's
//! synchronized-update commands.

use std::io::{self, Stdout, Write};
use std::sync::atomic::{AtomicBool, Ordering};

use ratatui::backend::CrosstermBackend;
use ratatui::crossterm::event::{DisableBracketedPaste, EnableBracketedPaste};
use ratatui::crossterm::terminal::{
    disable_raw_mode, enable_raw_mode, BeginSynchronizedUpdate, EndSynchronizedUpdate, EnterAlternateScreen,
    LeaveAlternateScreen,
};
use ratatui::crossterm::{cursor, execute, queue};
use ratatui::layout::Rect;
use ratatui::{Terminal, TerminalOptions, Viewport};

/// The largest terminal the desk allocates screen buffers for; larger ones get a "terminal too
/// large" message drawn in this much of the screen.
pub const MAX_SIZE: (u16, u16) = (1000, 500);

/// The area the desk draws in for a terminal of `w`×`h`: the whole of it, up to [`MAX_SIZE`].
pub fn drawn_area(w: u16, h: u16) -> Rect {
    Rect::new(0, 0, w.min(MAX_SIZE.0), h.min(MAX_SIZE.1))
}

/// True when the terminal is larger than the desk will draw for.
pub fn too_large(w: u16, h: u16) -> bool {
    w > MAX_SIZE.0 || h > MAX_SIZE.1
}

/// Collects a frame and writes it in one go, between synchronized-update codes, on flush.
pub struct FrameWriter {
    buf: Vec<u8>,
    out: Stdout,
    /// A write failed: the terminal is gone (hung up), later frames are dropped.
    gone: bool,
}

impl Write for FrameWriter {
    fn write(&mut self, data: &[u8]) -> io::Result<usize> {
        self.buf.extend_from_slice(data);
        Ok(data.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        if self.buf.is_empty() || self.gone {
            self.buf.clear();
            return Ok(());
        }
        let mut frame = Vec::with_capacity(self.buf.len() + 16);
        queue!(frame, BeginSynchronizedUpdate)?;
        frame.append(&mut self.buf);
        queue!(frame, EndSynchronizedUpdate)?;
        let written = self.out.write_all(&frame).and_then(|()| self.out.flush());
        // The error is returned once (the draw fails, the desk stops); after that the terminal
        // is taken as gone.
        self.gone = written.is_err();
        written
    }
}

/// The desk's terminal.
pub type DeskTerminal = Terminal<CrosstermBackend<FrameWriter>>;

/// Mouse reporting is on (so [`restore`] turns it off).
static MOUSE_ON: AtomicBool = AtomicBool::new(false);

/// Turns on mouse reporting of presses and the wheel (1000) in SGR coordinates (1006), which
/// reach any column. Not crossterm's `EnableMouseCapture`: it also asks for every motion (1003),
/// a flood of bytes over SSH for events the desk ignores.
struct EnableMouse;

impl ratatui::crossterm::Command for EnableMouse {
    fn write_ansi(&self, f: &mut impl std::fmt::Write) -> std::fmt::Result {
        f.write_str("\x1b[?1000h\x1b[?1006h")
    }
}

/// Turns mouse reporting off again (every mode crossterm's capture might have left on too).
struct DisableMouse;

impl ratatui::crossterm::Command for DisableMouse {
    fn write_ansi(&self, f: &mut impl std::fmt::Write) -> std::fmt::Result {
        f.write_str("\x1b[?1006l\x1b[?1015l\x1b[?1003l\x1b[?1002l\x1b[?1000l")
    }
}

/// Rings the terminal bell once (BEL to the terminal; a write error is ignored: the bell is
/// a courtesy, and the next frame reports a broken terminal).
pub fn bell() {
    use std::io::Write;
    let mut out = std::io::stdout();
    let _ = out.write_all(b"\x07").and_then(|()| out.flush());
}

/// Leaves raw mode, mouse reporting and the alternate screen and shows the cursor; safe to call
/// twice.
pub fn restore() {
    let _ = disable_raw_mode();
    if MOUSE_ON.swap(false, Ordering::SeqCst) {
        let _ = execute!(io::stdout(), DisableMouse);
    }
    let _ = execute!(io::stdout(), DisableBracketedPaste, LeaveAlternateScreen, cursor::Show);
}

/// Holds the terminal in desk mode; restores it when dropped.
pub struct Guard {
    /// The ratatui terminal.
    pub terminal: DeskTerminal,
}

impl Guard {
    /// Enters raw mode and the alternate screen (with mouse reporting when `mouse`), and makes
    /// panics restore the terminal first.
    pub fn enter(mouse: bool) -> io::Result<Guard> {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            restore();
            previous(info);
        }));
        enable_raw_mode()?;
        if let Err(e) = execute!(io::stdout(), EnterAlternateScreen, EnableBracketedPaste, cursor::Hide) {
            restore();
            return Err(e);
        }
        if mouse {
            MOUSE_ON.store(true, Ordering::SeqCst);
            if let Err(e) = execute!(io::stdout(), EnableMouse) {
                restore();
                return Err(e);
            }
        }
        let backend =
            CrosstermBackend::new(FrameWriter { buf: Vec::with_capacity(1 << 16), out: io::stdout(), gone: false });
        // A fixed viewport, never larger than MAX_SIZE: ratatui sizes its buffers from it.
        let (w, h) = ratatui::crossterm::terminal::size().unwrap_or((80, 24));
        match Terminal::with_options(backend, TerminalOptions { viewport: Viewport::Fixed(drawn_area(w, h)) }) {
            Ok(terminal) => Ok(Guard { terminal }),
            Err(e) => {
                restore();
                Err(e)
            }
        }
    }
}

impl Guard {
    /// Follows a resize of the terminal, allocating for at most [`MAX_SIZE`].
    pub fn fit(&mut self, w: u16, h: u16) -> io::Result<()> {
        self.terminal.resize(drawn_area(w, h))
    }
}

impl Drop for Guard {
    fn drop(&mut self) {
        // Show the cursor through ratatui first, so its own drop writes nothing after we have
        // left the alternate screen. When the terminal is gone (an SSH hangup) that fails, and
        // ratatui's drop would try again and report it with `eprintln!` on the same dead tty,
        // which panics.
        if self.terminal.show_cursor().is_err() {
            // The writer now drops what it is given, so this settles ratatui's cursor state.
            let _ = self.terminal.show_cursor();
        }
        restore();
    }
}

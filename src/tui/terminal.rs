//! The terminal: raw mode and the alternate screen, restored on every way out (drop, error,
//! panic), and a writer that sends each frame as one write wrapped in synchronized-update codes.

use std::io::{self, Stdout, Write};

use ratatui::backend::CrosstermBackend;
use ratatui::crossterm::terminal::{disable_raw_mode, enable_raw_mode, EnterAlternateScreen, LeaveAlternateScreen};
use ratatui::crossterm::{cursor, execute};
use ratatui::Terminal;

/// Begin synchronized update (DEC mode 2026).
const BEGIN_SYNC: &[u8] = b"\x1b[?2026h";
/// End synchronized update.
const END_SYNC: &[u8] = b"\x1b[?2026l";

/// Collects a frame and writes it in one go, between synchronized-update codes, on flush.
pub struct FrameWriter {
    buf: Vec<u8>,
    out: Stdout,
}

impl Write for FrameWriter {
    fn write(&mut self, data: &[u8]) -> io::Result<usize> {
        self.buf.extend_from_slice(data);
        Ok(data.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        if self.buf.is_empty() {
            return Ok(());
        }
        let mut frame = Vec::with_capacity(self.buf.len() + BEGIN_SYNC.len() + END_SYNC.len());
        frame.extend_from_slice(BEGIN_SYNC);
        frame.append(&mut self.buf);
        frame.extend_from_slice(END_SYNC);
        self.out.write_all(&frame)?;
        self.out.flush()
    }
}

/// The desk's terminal.
pub type DeskTerminal = Terminal<CrosstermBackend<FrameWriter>>;

/// Leaves raw mode and the alternate screen and shows the cursor; safe to call twice.
pub fn restore() {
    let _ = disable_raw_mode();
    let _ = execute!(io::stdout(), LeaveAlternateScreen, cursor::Show);
}

/// Holds the terminal in desk mode; restores it when dropped.
pub struct Guard {
    /// The ratatui terminal.
    pub terminal: DeskTerminal,
}

impl Guard {
    /// Enters raw mode and the alternate screen, and makes panics restore the terminal first.
    pub fn enter() -> io::Result<Guard> {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            restore();
            previous(info);
        }));
        enable_raw_mode()?;
        if let Err(e) = execute!(io::stdout(), EnterAlternateScreen, cursor::Hide) {
            restore();
            return Err(e);
        }
        let backend = CrosstermBackend::new(FrameWriter { buf: Vec::with_capacity(1 << 16), out: io::stdout() });
        match Terminal::new(backend) {
            Ok(terminal) => Ok(Guard { terminal }),
            Err(e) => {
                restore();
                Err(e)
            }
        }
    }
}

impl Drop for Guard {
    fn drop(&mut self) {
        // Show the cursor through ratatui first, so its own drop writes nothing after we have
        // left the alternate screen.
        let _ = self.terminal.show_cursor();
        restore();
    }
}

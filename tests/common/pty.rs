//! The real desk in a pseudo-terminal: spawn it at a given size, type keys, read the screen
//! through a `vt100` terminal emulator, wait for what should appear, and measure the bytes it
//! writes. The child is killed when the [`Desk`] is dropped.
//!
//! Include it with `#[path = "common/pty.rs"] mod pty;` (it does not depend on `common/mod.rs`).
#![allow(dead_code)]

use std::io::{Read, Write};
use std::num::NonZeroU16;
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use portable_pty::{native_pty_system, Child, CommandBuilder, ExitStatus, MasterPty, PtySize};

/// Pause after each key, so every key arrives as its own read (Esc is not taken for Alt-…).
const KEY_GAP: Duration = Duration::from_millis(50);
/// How often [`Desk::wait_for`] looks at the screen.
const POLL: Duration = Duration::from_millis(50);

/// The desk binary running in a pseudo-terminal.
pub struct Desk {
    master: Box<dyn MasterPty + Send>,
    writer: Box<dyn Write + Send>,
    child: Box<dyn Child + Send + Sync>,
    output: Arc<Mutex<Vec<u8>>>,
    reader: Option<JoinHandle<()>>,
    /// The emulated terminal, fed incrementally; `fed` bytes of `output` went into it.
    parser: vt100::Parser,
    fed: usize,
    exit: Option<ExitStatus>,
}

/// The environment every desk starts with: a colour terminal, a UTF-8 locale, no user keymap.
/// `home` is a scratch dir (the child's cwd, HOME and keymap location).
pub fn base_env(home: &Path) -> Vec<(String, String)> {
    vec![
        ("TERM".into(), "xterm-256color".into()),
        ("LANG".into(), "C.UTF-8".into()),
        ("HOME".into(), home.display().to_string()),
        ("XDG_CONFIG_HOME".into(), home.join("config").display().to_string()),
        ("DUTY_DESK_KEYMAP".into(), home.join("no-keymap.toml").display().to_string()),
    ]
}

impl Desk {
    /// Starts `duty-desk ARGS` in a `cols`×`rows` pseudo-terminal with `env` added to a cleaned
    /// environment (NO_COLOR, LC_ALL, LC_MESSAGES and DUTY_DESK_DB removed), in `cwd`.
    pub fn spawn(cols: u16, rows: u16, args: &[&str], env: &[(String, String)], cwd: &Path) -> Desk {
        Desk::spawn_with_screen((cols, rows), (cols, rows), args, env, cwd)
    }

    /// Like [`Desk::spawn`], with a pseudo-terminal of `pty` (cols, rows) but an emulated screen
    /// of `screen` (for sizes no emulator could hold, such as 65535×65535).
    pub fn spawn_with_screen(
        pty: (u16, u16),
        screen: (u16, u16),
        args: &[&str],
        env: &[(String, String)],
        cwd: &Path,
    ) -> Desk {
        let ((cols, rows), (screen_cols, screen_rows)) = (pty, screen);
        let pty =
            native_pty_system().openpty(PtySize { rows, cols, pixel_width: 0, pixel_height: 0 }).expect("open a pty");
        let mut cmd = CommandBuilder::new(assert_cmd::cargo::cargo_bin("duty-desk"));
        cmd.args(args);
        cmd.cwd(cwd);
        for k in ["NO_COLOR", "LC_ALL", "LC_MESSAGES", "DUTY_DESK_DB", "COLORTERM"] {
            cmd.env_remove(k);
        }
        for (k, v) in env {
            cmd.env(k, v);
        }
        let child = pty.slave.spawn_command(cmd).expect("spawn duty-desk in the pty");
        // Only the child holds the slave now, so the reader sees EOF when it exits.
        drop(pty.slave);
        let mut reader = pty.master.try_clone_reader().expect("pty reader");
        let writer = pty.master.take_writer().expect("pty writer");
        let output = Arc::new(Mutex::new(Vec::new()));
        let sink = output.clone();
        let reader = std::thread::spawn(move || {
            let mut buf = [0u8; 8192];
            loop {
                match reader.read(&mut buf) {
                    Ok(0) | Err(_) => return,
                    Ok(n) => sink.lock().unwrap().extend_from_slice(&buf[..n]),
                }
            }
        });
        Desk {
            master: pty.master,
            writer,
            child,
            output,
            reader: Some(reader),
            parser: vt100::Parser::new(nz(screen_rows), nz(screen_cols), 0),
            fed: 0,
            exit: None,
        }
    }

    /// Types `keys`, one character (one key) per write, with a short pause after each.
    /// An Esc (`"\x1b"`) is sent on its own and followed by a longer pause.
    pub fn send(&mut self, keys: &str) {
        for ch in keys.chars() {
            let mut b = [0u8; 4];
            self.writer.write_all(ch.encode_utf8(&mut b).as_bytes()).expect("write a key to the pty");
            self.writer.flush().expect("flush the pty");
            std::thread::sleep(if ch == '\x1b' { KEY_GAP * 4 } else { KEY_GAP });
        }
    }

    /// Writes `bytes` to the terminal in one write (a paste, an escape sequence that must not be
    /// split).
    pub fn send_raw(&mut self, bytes: &[u8]) {
        self.writer.write_all(bytes).expect("write to the pty");
        self.writer.flush().expect("flush the pty");
    }

    /// Resizes only the pseudo-terminal, not the emulated screen (for sizes no emulator could
    /// hold, such as 65535×65535).
    pub fn resize_pty_only(&mut self, cols: u16, rows: u16) {
        self.feed();
        self.master.resize(PtySize { rows, cols, pixel_width: 0, pixel_height: 0 }).expect("resize the pty");
    }

    /// Everything the desk wrote so far.
    pub fn output(&self) -> Vec<u8> {
        self.output.lock().unwrap().clone()
    }

    /// How many bytes the desk wrote so far.
    pub fn bytes_len(&self) -> usize {
        self.output.lock().unwrap().len()
    }

    /// The screen as the emulated terminal shows it now, one line per row (trailing blanks
    /// trimmed; a wide CJK character is one `char`).
    pub fn screen(&mut self) -> String {
        self.feed();
        self.parser.screen().contents()
    }

    /// Whether the emulated terminal is showing the alternate screen.
    pub fn on_alternate_screen(&mut self) -> bool {
        self.feed();
        self.parser.screen().alternate_screen()
    }

    /// Whether the emulated terminal shows its cursor.
    pub fn cursor_visible(&mut self) -> bool {
        self.feed();
        !self.parser.screen().hide_cursor()
    }

    fn feed(&mut self) {
        let out = self.output.lock().unwrap();
        if out.len() > self.fed {
            self.parser.process(&out[self.fed..]);
            self.fed = out.len();
        }
    }

    /// Polls the screen every 50 ms until `pred` holds; returns that screen and how long it took.
    /// Panics with the last screen (and the child's state) when `timeout` passes first.
    pub fn wait_for(&mut self, what: &str, timeout: Duration, pred: impl Fn(&str) -> bool) -> (String, Duration) {
        let start = Instant::now();
        loop {
            let screen = self.screen();
            if pred(&screen) {
                return (screen, start.elapsed());
            }
            if start.elapsed() >= timeout {
                let alive = match self.child.try_wait() {
                    Ok(None) => "still running".to_string(),
                    Ok(Some(s)) => format!("exited: {s:?}"),
                    Err(e) => format!("unknown: {e}"),
                };
                panic!(
                    "timed out after {timeout:?} waiting for {what}; the desk is {alive}; last screen:\n{}\n{screen}\n{}",
                    "─".repeat(40),
                    "─".repeat(40)
                );
            }
            std::thread::sleep(POLL);
        }
    }

    /// Waits until the screen contains `text`.
    pub fn wait_for_text(&mut self, text: &str, timeout: Duration) -> String {
        self.wait_for(&format!("{text:?}"), timeout, |s| s.contains(text)).0
    }

    /// Resizes the pseudo-terminal (the child gets SIGWINCH) and the emulated screen with it.
    pub fn resize(&mut self, cols: u16, rows: u16) {
        self.feed();
        self.master.resize(PtySize { rows, cols, pixel_width: 0, pixel_height: 0 }).expect("resize the pty");
        self.parser.screen_mut().set_size(nz(rows), nz(cols));
    }

    /// The child's process id.
    pub fn pid(&self) -> u32 {
        self.child.process_id().expect("the child has a pid")
    }

    /// Whether the child is still running.
    pub fn is_running(&mut self) -> bool {
        self.exit.is_none() && matches!(self.child.try_wait(), Ok(None))
    }

    /// Waits for the child to exit (polling), then for the reader to drain the pty, and returns
    /// the exit status, or `None` if it is still running after `timeout`.
    pub fn wait_exit(&mut self, timeout: Duration) -> Option<ExitStatus> {
        let start = Instant::now();
        let status = loop {
            if let Some(s) = &self.exit {
                break s.clone();
            }
            if let Ok(Some(s)) = self.child.try_wait() {
                self.exit = Some(s.clone());
                break s;
            }
            if start.elapsed() >= timeout {
                return None;
            }
            std::thread::sleep(Duration::from_millis(10));
        };
        // The slave closed with the child: the reader ends at EOF/EIO.
        let drained = Instant::now();
        while self.reader.as_ref().is_some_and(|r| !r.is_finished()) && drained.elapsed() < Duration::from_secs(2) {
            std::thread::sleep(Duration::from_millis(10));
        }
        if self.reader.as_ref().is_some_and(|r| r.is_finished()) {
            let _ = self.reader.take().map(|r| r.join());
        }
        Some(status)
    }
}

fn nz(n: u16) -> NonZeroU16 {
    NonZeroU16::new(n).expect("a terminal size is at least 1×1")
}

impl Drop for Desk {
    fn drop(&mut self) {
        if self.exit.is_none() && matches!(self.child.try_wait(), Ok(None)) {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// The four pane titles in English.
pub const PANES_EN: [&str; 4] = ["Incoming", "Routing", "Workload", "Follow-ups"];
/// How long a desk may take to show its first data.
pub const STARTUP: Duration = Duration::from_secs(15);

impl Desk {
    /// Waits until the English desk shows its four panes and the first data ("● live HH:MM:SS").
    pub fn wait_live(&mut self) -> String {
        self.wait_live_in(&PANES_EN, "live")
    }

    /// Waits until `panes` are drawn and the live indicator reads `● {live} `.
    pub fn wait_live_in(&mut self, panes: &[&str], live: &str) -> String {
        let indicator = format!("● {live} ");
        self.wait_for("the panes and the live indicator", STARTUP, |s| {
            panes.iter().all(|p| s.contains(p)) && s.contains(&indicator)
        })
        .0
    }
}

/// Whether the screen lists candidates with their load (`load 3/8`, `负荷 3/8`), as the assign
/// popup does.
pub fn lists_load(screen: &str, word: &str) -> bool {
    let key = format!("{word} ");
    screen.match_indices(&key).any(|(i, _)| screen[i + key.len()..].starts_with(|c: char| c.is_ascii_digit()))
}

/// The OS login of the user running the tests: what the audit log must name.
pub fn os_login() -> String {
    let uid = nix::unistd::getuid();
    nix::unistd::User::from_uid(uid).unwrap().map(|u| u.name).unwrap_or_else(|| format!("uid{}", uid.as_raw()))
}

//! Waiting for the write lock: SQLite's busy handler, replaced by one that waits up to
//! [`BUSY_TIMEOUT`](super::BUSY_TIMEOUT) as before, but
//! - gives up at once after [`stop_waiting`] (the desk hung up: a queued write must not commit
//!   after the officer is gone, and the process must end promptly), and
//! - tells the waiting thread, once, when a wait passes [`LONG_WAIT`] ([`on_long_wait`]), so the
//!   desk can say that it is waiting.

use std::cell::{Cell, RefCell};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use rusqlite::Connection;

use super::BUSY_TIMEOUT;

/// The longest sleep between two tries of a waiting writer (see `busy`).
const MAX_SLEEP: Duration = Duration::from_millis(20);

/// How long a long-running writer (an import) pauses between its transactions: longer than a
/// waiting writer's sleep, so every writer that waits wakes, tries again and gets the lock in
/// the gap (SQLite's lock is not fair: without the pause the next batch could take it first).
pub const TURN: Duration = Duration::from_millis(25);

/// A wait for the lock longer than this is announced to the waiting thread.
pub const LONG_WAIT: Duration = Duration::from_secs(1);

/// Set once the process is ending: every wait for a lock gives up, no write starts.
static STOPPING: AtomicBool = AtomicBool::new(false);

thread_local! {
    /// When the current wait began.
    static SINCE: Cell<Option<Instant>> = const { Cell::new(None) };
    /// The current wait was announced already.
    static TOLD: Cell<bool> = const { Cell::new(false) };
    /// What to call when a wait of this thread passes [`LONG_WAIT`].
    static NOTICE: RefCell<Option<Box<dyn Fn()>>> = const { RefCell::new(None) };
}

/// Makes every wait for a database lock in this process give up, now and later, and every
/// later write refuse to start: the process is ending (a hang-up, a signal).
pub fn stop_waiting() {
    STOPPING.store(true, Ordering::SeqCst);
}

/// True after [`stop_waiting`].
pub fn stopping() -> bool {
    STOPPING.load(Ordering::SeqCst)
}

/// Calls `notice` (on this thread) whenever a wait of this thread for a lock passes
/// [`LONG_WAIT`]; once per wait.
pub fn on_long_wait(notice: impl Fn() + 'static) {
    NOTICE.with(|n| *n.borrow_mut() = Some(Box::new(notice)));
}

/// Installs the handler on `conn` (in place of `busy_timeout`).
pub fn install(conn: &mut Connection) -> rusqlite::Result<()> {
    conn.busy_handler(Some(busy))
}

/// SQLite's busy callback: `n` is how often it was called for this lock request. True: try
/// again (after a short sleep); false: give up with SQLITE_BUSY.
fn busy(n: i32) -> bool {
    if n == 0 {
        SINCE.with(|s| s.set(Some(Instant::now())));
        TOLD.with(|t| t.set(false));
    }
    if stopping() {
        return false;
    }
    let waited = SINCE.with(|s| s.get()).map_or(Duration::ZERO, |t| t.elapsed());
    if waited >= BUSY_TIMEOUT {
        return false;
    }
    if waited >= LONG_WAIT && !TOLD.with(|t| t.replace(true)) {
        NOTICE.with(|n| {
            if let Some(f) = n.borrow().as_ref() {
                f();
            }
        });
    }
    // 1, 2, … 20 ms, then 20 ms at a time: quick for short waits, cheap for long ones.
    let step = Duration::from_millis(u64::try_from(n).unwrap_or(0).saturating_add(1));
    std::thread::sleep(step.min(MAX_SLEEP));
    !stopping()
}

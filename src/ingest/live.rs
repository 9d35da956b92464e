//! The demo's simulated live intake: another connection adds a generated dispute every few
//! seconds, as another officer would; desks see it through their change watchers.

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::Duration;

use chrono::Utc;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

use super::generate::random_intake;
use crate::store::Store;

/// A running simulated intake; it stops when dropped.
pub struct LiveIntake {
    stop: Arc<AtomicBool>,
    handle: Option<JoinHandle<()>>,
}

impl LiveIntake {
    /// Starts adding a generated case every `every` on its own connection to `db`; it stops
    /// quietly if the database refuses (read-only, gone).
    pub fn start(db: PathBuf, every: Duration, seed: u64) -> LiveIntake {
        let stop = Arc::new(AtomicBool::new(false));
        let flag = stop.clone();
        let handle = std::thread::spawn(move || {
            let Ok(mut store) = Store::open(&db, false) else { return };
            let mut rng = ChaCha8Rng::seed_from_u64(seed ^ 0x5eed);
            let tick = Duration::from_millis(100);
            loop {
                let mut waited = Duration::ZERO;
                while waited < every {
                    if flag.load(Ordering::Relaxed) {
                        return;
                    }
                    std::thread::sleep(tick);
                    waited += tick;
                }
                let Ok(org) = store.org() else { return };
                let new = random_intake(org, &mut rng, Utc::now());
                if store.add_case(&new, Utc::now()).is_err() {
                    return;
                }
            }
        });
        LiveIntake { stop, handle: Some(handle) }
    }
}

impl Drop for LiveIntake {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(h) = self.handle.take() {
            let _ = h.join();
        }
    }
}

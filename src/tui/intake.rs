//! The demo's simulated live intake: another connection adds a generated dispute every few
//! seconds, as another officer would; the desk sees it through the change watcher.

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use chrono::Utc;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

use crate::ingest::generate::random_intake;
use crate::store::Store;

/// Starts the simulated intake; it stops when `stop` is set or the database refuses.
pub fn spawn(db: PathBuf, every: Duration, seed: u64, stop: Arc<AtomicBool>) {
    std::thread::spawn(move || {
        let Ok(mut store) = Store::open(&db, false) else { return };
        let mut rng = ChaCha8Rng::seed_from_u64(seed ^ 0x5eed);
        let tick = Duration::from_millis(100);
        loop {
            let mut waited = Duration::ZERO;
            while waited < every {
                if stop.load(Ordering::Relaxed) {
                    return;
                }
                std::thread::sleep(tick);
                waited += tick;
            }
            let new = random_intake(store.org(), &mut rng, Utc::now());
            if store.add_case(&new, Utc::now()).is_err() {
                return;
            }
        }
    });
}

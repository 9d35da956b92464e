//! The live desk: a ratatui app fed by one event channel, with a worker thread owning SQLite.

pub mod action;
pub mod event;
pub mod i18n;
pub mod keymap;
pub mod snapshot;
pub mod state;
pub mod theme;
pub mod worker;

use std::path::PathBuf;

use crate::domain::Lang;
use crate::error::{Error, Result};

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
    /// Simulated intake (demo): add a generated dispute every this many seconds; 0 = off.
    pub intake_every_secs: u64,
    /// Seed for the simulated intake.
    pub seed: u64,
}

/// Runs the desk until the officer quits; the terminal is restored on every way out.
pub fn run(opts: DeskOptions) -> Result<()> {
    let _ = opts;
    Err(Error::Usage("the desk (TUI) is not built yet; use the subcommands (see --help)".into()))
}

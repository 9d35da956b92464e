//! duty-desk: the terminal duty desk of a joint people's mediation office (人民调解).
//!
//! Layers, one way: `domain` (pure) ← `view` (pure view models), `files` (the input reader) and
//! `store` (SQLite) ← `ingest` / `tui` / `cli`.
#![deny(clippy::unwrap_used, clippy::expect_used)]
#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used))]

pub mod cli;
pub mod domain;
pub mod error;
pub mod files;
pub mod ingest;
pub mod store;
pub mod tui;
pub mod view;

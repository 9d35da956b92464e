//! Ingest: CSV/JSON import with validation, and the deterministic demo/bench data generator.

pub mod generate;
pub mod import;
pub mod live;
pub mod raw;
pub mod record;

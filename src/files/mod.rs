//! Reading input files: the one reader every input file goes through (settings, organisation,
//! records, imports), shared by `ingest`, `tui` and `cli` below them all but above `domain`.

pub mod reader;

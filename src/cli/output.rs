//! Writing to the terminal: buffered stdout, sanitised table cells, times, stable JSON.

use std::io::{self, BufWriter, StdoutLock, Write};

use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::domain::text::{is_hostile, pad, sanitize};
use crate::domain::OfficeTz;
use crate::error::{Error, Result};
use crate::ingest::record::parse_time;

/// Maps a write error; a closed pipe is told apart by its kind ([`crate::error::Kind::BrokenPipe`]).
pub fn io_error(e: io::Error) -> Error {
    Error::output(e)
}

/// Buffered standard output.
pub struct Out {
    w: BufWriter<StdoutLock<'static>>,
}

impl Out {
    /// Locks stdout.
    pub fn new() -> Out {
        Out { w: BufWriter::new(io::stdout().lock()) }
    }

    /// Writes one line as is (the caller has sanitised anything from the database).
    pub fn line(&mut self, s: &str) -> Result<()> {
        writeln!(self.w, "{s}").map_err(io_error)
    }

    /// Writes a value as pretty JSON and a newline (terminal controls escaped, see [`json_safe`]).
    pub fn json_pretty<T: Serialize>(&mut self, v: &T) -> Result<()> {
        let text = serde_json::to_string_pretty(v).map_err(json_error)?;
        self.raw(&json_safe(&text))?;
        self.line("")
    }

    /// Writes a value as compact JSON, no newline (terminal controls escaped, see [`json_safe`]).
    pub fn json_compact<T: Serialize>(&mut self, v: &T) -> Result<()> {
        let text = serde_json::to_string(v).map_err(json_error)?;
        self.raw(&json_safe(&text))
    }

    /// Writes raw text (no newline).
    pub fn raw(&mut self, s: &str) -> Result<()> {
        self.w.write_all(s.as_bytes()).map_err(io_error)
    }

    /// Flushes the buffer.
    pub fn flush(&mut self) -> Result<()> {
        self.w.flush().map_err(io_error)
    }
}

fn json_error(e: serde_json::Error) -> Error {
    match e.io_error_kind() {
        Some(kind) => io_error(io::Error::from(kind)),
        None => Error::output(io::Error::other(e)),
    }
}

/// Escapes in serialised JSON the terminal controls serde_json leaves raw — DEL, the C1
/// controls (U+0080–U+009F, which terminals act on even UTF-8 encoded) and the bidi controls —
/// as `\uXXXX`, so JSON printed to a terminal cannot act on it; the value parses the same.
/// (serde_json already escapes C0 controls; a raw one here is structural whitespace.)
pub fn json_safe(json: &str) -> std::borrow::Cow<'_, str> {
    let hostile = |c: char| u32::from(c) >= 0x7f && is_hostile(c);
    if !json.contains(hostile) {
        return json.into();
    }
    let mut out = String::with_capacity(json.len() + 16);
    for c in json.chars() {
        if hostile(c) {
            out.push_str(&format!("\\u{:04x}", u32::from(c)));
        } else {
            out.push(c);
        }
    }
    out.into()
}

/// One table row: each cell sanitised and padded (or cut) to its display width; the last cell
/// is not padded.
pub fn row(cells: &[(&str, usize)]) -> String {
    let mut out = String::new();
    for (i, (text, width)) in cells.iter().enumerate() {
        let clean = sanitize(text);
        if i + 1 == cells.len() {
            out.push_str(&crate::domain::text::truncate(&clean, *width));
        } else {
            out.push_str(&pad(&clean, *width));
            out.push(' ');
        }
    }
    out.trim_end().to_string()
}

/// A label and a value on one line, the label padded to `width` columns; the value sanitised.
pub fn field(label: &str, width: usize, value: &str) -> String {
    format!("{} {}", pad(label, width), sanitize(value))
}

/// A time on the office's clock, to the minute, with its offset: `2026-01-01 05:00 +08:00`.
pub fn office_time(tz: OfficeTz, t: DateTime<Utc>) -> String {
    tz.minutes_with_offset(t)
}

/// An optional time on the office's clock, or `-`.
pub fn opt_time(tz: OfficeTz, t: Option<DateTime<Utc>>) -> String {
    t.map(|t| office_time(tz, t)).unwrap_or_else(|| "-".into())
}

/// A time typed for `flag`, read in the office's zone `tz`; a usage error when it is not one.
pub fn typed_time(tz: OfficeTz, text: Option<&str>, flag: &str) -> crate::error::Result<Option<DateTime<Utc>>> {
    text.map(|t| {
        parse_time(t, tz).map_err(|e| {
            crate::error::Error::Usage(crate::msg!(
                "{flag}: {e}",
                "{flag}：“{t}”不是日期或时间（应如 2023-05-01、2023-05-01 14:30 或 2023-05-01T14:30:00+08:00）"
            ))
        })
    })
    .transpose()
}

/// An error message made safe for the terminal, line by line.
pub fn clean_message(msg: &str) -> String {
    msg.lines().map(sanitize).collect::<Vec<_>>().join("\n")
}

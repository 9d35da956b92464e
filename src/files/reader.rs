//! The one reader for every input file: opens it once (so pipes, FIFOs, `/dev/stdin` and process
//! substitution work), never reads past a size cap, and says which cap in its error.

use std::fs::File;
use std::io::{self, Read};
use std::path::Path;

use crate::error::{Error, Result};

const MIB: u64 = 1 << 20;

/// Cap on a small settings file: keymap, theme, rules.
pub const SMALL_CAP: u64 = MIB;
/// Cap on one `add --json` record (room to name an oversized field rather than the file).
pub const RECORD_CAP: u64 = 8 * MIB;
/// Cap on an organisation file.
pub const ORG_CAP: u64 = 64 * MIB;
/// Cap on an import file.
pub const IMPORT_CAP: u64 = 2048 * MIB;
/// Cap on one line of a CSV or JSON Lines import.
pub const LINE_CAP: u64 = 8 * MIB;

/// A cap in words, e.g. `1 MiB`.
pub fn describe(cap: u64) -> String {
    if cap >= MIB && cap.is_multiple_of(MIB) {
        format!("{} MiB", cap / MIB)
    } else {
        format!("{cap} bytes")
    }
}

/// The name to show for a path (`-` is stdin).
pub fn display_name(path: &Path) -> String {
    if path.as_os_str() == "-" {
        "stdin".to_string()
    } else {
        path.display().to_string()
    }
}

/// Opens `path` (`-` for stdin) for one pass of reading.
pub fn open(path: &Path) -> Result<Box<dyn Read>> {
    if path.as_os_str() == "-" {
        return Ok(Box::new(io::stdin()));
    }
    let f = File::open(path).map_err(|e| Error::file(path, e))?;
    Ok(Box::new(f))
}

/// Reads the whole file once; more than `cap` bytes is an error naming the cap.
pub fn read_all(path: &Path, cap: u64) -> Result<Vec<u8>> {
    let mut bytes = Vec::new();
    open(path)?.take(cap.saturating_add(1)).read_to_end(&mut bytes).map_err(|e| Error::file(display_name(path), e))?;
    if bytes.len() as u64 > cap {
        return Err(too_large(&display_name(path), cap));
    }
    Ok(bytes)
}

/// Reads the whole file once as UTF-8 text (a leading byte-order mark dropped), at most `cap`.
pub fn read_text(path: &Path, cap: u64) -> Result<String> {
    let bytes = read_all(path, cap)?;
    let name = display_name(path);
    let text = String::from_utf8(bytes).map_err(|e| {
        let line = e.as_bytes()[..e.utf8_error().valid_up_to()].iter().filter(|&&b| b == b'\n').count() + 1;
        Error::refused(name.clone(), crate::msg!("line {line} is not valid UTF-8", "第 {line} 行不是有效的 UTF-8"))
    })?;
    Ok(match text.strip_prefix('\u{feff}') {
        Some(rest) => rest.to_string(),
        None => text,
    })
}

fn too_large(name: &str, cap: u64) -> Error {
    let cap = describe(cap);
    Error::refused(
        name,
        crate::msg!("larger than the {cap} limit; nothing was read", "超过 {cap} 的上限；未读取任何内容"),
    )
}

/// The message of the I/O error a [`Guarded`] reader gives when its cap is passed.
fn cap_error(what: String) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, what)
}

/// A reader that enforces a total cap and, optionally, a cap on each line; it records where each
/// line starts (so positions can be named by line, whatever the line endings) and which lines
/// are not valid UTF-8.
pub struct Guarded<R> {
    inner: R,
    cap: u64,
    line_cap: Option<u64>,
    read: u64,
    in_line: u64,
    /// Byte offset of the start of every line after the first.
    line_starts: Vec<u64>,
    carry: Vec<u8>,
    line_bad: bool,
    bad_lines: Vec<u64>,
}

impl<R: Read> Guarded<R> {
    /// Wraps `inner` with a total cap and an optional line cap.
    pub fn new(inner: R, cap: u64, line_cap: Option<u64>) -> Self {
        Guarded {
            inner,
            cap,
            line_cap,
            read: 0,
            in_line: 0,
            line_starts: Vec::new(),
            carry: Vec::new(),
            line_bad: false,
            bad_lines: Vec::new(),
        }
    }

    /// The 1-based line holding byte offset `byte`.
    pub fn line_of(&self, byte: u64) -> u64 {
        self.line_starts.partition_point(|&s| s <= byte) as u64 + 1
    }

    /// The 1-based line of a CSV record the parser places at byte `byte`: the parser puts a
    /// record after CRLF at the `\n` of the line before, so the line is the number of line
    /// breaks at or before `byte`, plus one.
    pub fn line_of_record(&self, byte: u64) -> u64 {
        self.line_of(byte.saturating_add(1))
    }

    /// Lines seen so far (a last line without a line break counts).
    pub fn lines(&self) -> u64 {
        self.line_starts.len() as u64 + 1
    }

    /// The lines that were not valid UTF-8, in order (complete once the reader hit its end).
    pub fn bad_lines(&self) -> &[u64] {
        &self.bad_lines
    }

    /// Reads to the end, so that [`Self::bad_lines`] covers the whole input.
    pub fn drain(&mut self) -> io::Result<()> {
        io::copy(self, &mut io::sink()).map(|_| ())
    }

    fn check(&mut self, seg: &[u8], end_of_line: bool) {
        if !self.line_bad {
            let mut buf = std::mem::take(&mut self.carry);
            buf.extend_from_slice(seg);
            if let Err(e) = std::str::from_utf8(&buf) {
                if e.error_len().is_none() && !end_of_line {
                    self.carry = buf[e.valid_up_to()..].to_vec();
                } else {
                    self.line_bad = true;
                }
            }
        }
        if end_of_line {
            if self.line_bad {
                self.bad_lines.push(self.lines());
            }
            self.line_bad = false;
            self.carry.clear();
        }
    }

    fn observe(&mut self, data: &[u8]) -> io::Result<()> {
        let mut rest = data;
        let mut offset = self.read;
        while !rest.is_empty() {
            let (seg, nl) = match rest.iter().position(|&b| b == b'\n') {
                Some(i) => (&rest[..i], true),
                None => (rest, false),
            };
            self.in_line += seg.len() as u64;
            if let Some(cap) = self.line_cap {
                if self.in_line > cap {
                    return Err(cap_error(format!(
                        "line {} is longer than the {} limit on a line",
                        self.lines(),
                        describe(cap)
                    )));
                }
            }
            self.check(seg, nl);
            let used = seg.len() + usize::from(nl);
            offset += used as u64;
            if nl {
                self.line_starts.push(offset);
                self.in_line = 0;
            }
            rest = &rest[used..];
        }
        self.read = offset;
        if self.read > self.cap {
            return Err(cap_error(format!("the input is larger than the {} limit", describe(self.cap))));
        }
        Ok(())
    }
}

impl<R: Read> Read for Guarded<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        if n == 0 {
            if !self.carry.is_empty() || self.line_bad {
                self.line_bad = true;
                self.check(&[], true);
            }
            return Ok(0);
        }
        self.observe(&buf[..n])?;
        Ok(n)
    }
}

/// Reads up to `n` bytes from the front of `r` (fewer only at the end of the input).
pub fn read_head(r: &mut impl Read, n: usize) -> io::Result<Vec<u8>> {
    let mut head = Vec::with_capacity(n);
    r.by_ref().take(n as u64).read_to_end(&mut head)?;
    Ok(head)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_are_counted_for_every_line_ending() -> std::io::Result<()> {
        let mut g = Guarded::new(&b"a,b\r\nc,d\r\ne,f\r\n"[..], 100, None);
        g.drain()?;
        assert_eq!(g.line_of(0), 1);
        assert_eq!(g.line_of(5), 2);
        assert_eq!(g.line_of(10), 3);
        Ok(())
    }

    #[test]
    fn bad_utf8_lines_are_named_even_split_across_reads() -> std::io::Result<()> {
        let data = "ok\n邻里\n\u{ff}x\nfine\n".replace('\u{ff}', "");
        let mut bytes = data.into_bytes();
        bytes.splice(10..10, [0xffu8]);
        let mut g = Guarded::new(io::BufReader::with_capacity(1, &bytes[..]), 100, None);
        g.drain()?;
        assert_eq!(g.bad_lines(), &[3]);
        Ok(())
    }

    #[test]
    fn caps_are_errors() {
        let mut g = Guarded::new(&[b'x'; 50][..], 10, None);
        assert!(g.drain().is_err());
        let mut g = Guarded::new(&[b'x'; 50][..], 100, Some(10));
        assert!(g.drain().is_err());
    }
}

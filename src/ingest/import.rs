//! Importing a CSV or JSON (array or JSON Lines) file of case records, streamed: each record is
//! parsed and validated as it is read (every error names its line, or record, and field) and
//! staged in short batches; only when the whole file is valid is it published, in short batches
//! under the all-or-nothing mechanism of `store::staging`, so other writers keep writing.

use std::cell::Cell;
use std::fmt;
use std::io::{BufRead, BufReader, Read};
use std::path::Path;
use std::rc::Rc;

use chrono::{DateTime, Utc};

use super::raw::{new_case_from_raw, RawRecord};
use super::record::{new_case_from_fields, FIELDS, REQUIRED};
use crate::domain::{FieldError, NewCase, Org, Policy};
use crate::error::{Error, Msg, Result};
use crate::files::reader;
use crate::msg;
use crate::store::staging::Progress;
use crate::store::Store;

/// How many errors are listed; the rest are only counted.
pub const MAX_ERRORS_SHOWN: usize = 20;

/// The layout of an import file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Comma-separated, the first row naming the fields.
    Csv,
    /// One JSON array of record objects.
    JsonArray,
    /// One JSON record object per line.
    JsonLines,
}

/// Where in the file a problem is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Location {
    /// The whole file.
    File,
    /// A line of the file (CSV: the header is line 1; a record is named by its first line).
    Line(u64),
    /// The n-th record of a JSON array, counting from 1, and the line it starts on.
    Record(u64, u64),
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Location::File => f.write_str("file"),
            Location::Line(n) => write!(f, "line {n}"),
            Location::Record(n, line) => write!(f, "line {line}, record {n}"),
        }
    }
}

/// One problem found in an import file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportError {
    /// Where it is.
    pub at: Location,
    /// The field, when one is to blame.
    pub field: Option<String>,
    /// What is wrong, in both languages.
    pub message: Msg,
}

impl fmt::Display for ImportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.field {
            Some(field) => write!(f, "{}, field {field}: {}", self.at, self.message.en()),
            None => write!(f, "{}: {}", self.at, self.message.en()),
        }
    }
}

impl Location {
    /// Where, in Chinese.
    fn zh(&self) -> String {
        match self {
            Location::File => "文件".into(),
            Location::Line(n) => format!("第 {n} 行"),
            Location::Record(n, line) => format!("第 {line} 行，第 {n} 条记录"),
        }
    }
}

impl ImportError {
    /// The problem on its own line, in both languages.
    pub fn words(&self) -> Msg {
        let (at, m) = (self.at.zh(), self.message.get(crate::domain::Lang::Zh));
        let zh = match &self.field {
            Some(field) => format!("\n  {at}，字段 {field}：{m}"),
            None => format!("\n  {at}：{m}"),
        };
        Msg::new(format!("\n  {self}"), zh)
    }
}

/// The errors of a file: the first [`MAX_ERRORS_SHOWN`] and how many there were in all.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Problems {
    /// The first errors, in file order.
    pub shown: Vec<ImportError>,
    /// All errors, shown or not.
    pub total: usize,
}

impl Problems {
    fn push(&mut self, e: ImportError) {
        self.total += 1;
        if self.shown.len() < MAX_ERRORS_SHOWN {
            self.shown.push(e);
        }
    }

    fn at(&mut self, at: Location, field: Option<&str>, message: Msg) {
        self.push(ImportError { at, field: field.map(str::to_string), message });
    }

    fn fields(&mut self, at: Location, errs: Vec<FieldError>) {
        for e in errs {
            self.push(ImportError { at, field: Some(e.field), message: e.message });
        }
    }

    /// The error to report: every shown problem on its own line.
    pub fn into_error(self, path: &Path) -> Error {
        let (p, n, s) = (path.display(), self.total, if self.total == 1 { "" } else { "s" });
        let mut msg = msg!("{p}: {n} problem{s} found; nothing was imported", "{p}：发现 {n} 个问题；未导入任何内容");
        for e in &self.shown {
            msg = msg.then(e.words());
        }
        if self.total > self.shown.len() {
            let more = self.total - self.shown.len();
            msg = msg.then(msg!("\n  … and {more} more", "\n  ……另有 {more} 个"));
        }
        Error::Invalid(msg)
    }
}

/// What an import did (or, for a dry run, would do).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Imported {
    /// The file's layout.
    pub format: Format,
    /// Records read and valid.
    pub records: usize,
    /// The ref of the first stored case, in file order (none for a dry run).
    pub first_ref: Option<String>,
    /// The ref of the last stored case.
    pub last_ref: Option<String>,
    /// Earlier imports whose process had stopped, finished before this one (one line each).
    pub repaired: Vec<crate::error::Msg>,
}

/// Picks the format from the extension, else from the first non-blank character of `head`
/// (the first bytes of the file, already read: the file is read only once).
pub fn sniff(path: &Path, head: &[u8]) -> Result<Format> {
    let ext = path.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase);
    match ext.as_deref() {
        Some("csv") => return Ok(Format::Csv),
        Some("jsonl" | "ndjson") => return Ok(Format::JsonLines),
        _ => {}
    }
    let body = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(head);
    match body.iter().find(|b| !b.is_ascii_whitespace()) {
        Some(b'[') => Ok(Format::JsonArray),
        Some(b'{') => Ok(Format::JsonLines),
        _ if ext.as_deref() == Some("json") => Err(Error::refused(
            path.display().to_string(),
            msg!(
                "a JSON import holds an array of records or one record per line",
                "JSON 导入文件应为记录数组，或每行一条记录"
            ),
        )),
        _ => Ok(Format::Csv),
    }
}

/// The input of an import: the head read for sniffing, then the rest, under the caps.
type Input = reader::Guarded<std::io::Chain<std::io::Cursor<Vec<u8>>, Box<dyn Read>>>;

/// Where valid records go, one at a time (a vector, a count, the import's staging).
pub type Sink<'s> = dyn FnMut(NewCase) -> Result<()> + 's;

/// Hands valid records to the sink and collects problems while a reader walks the file. Once a
/// problem is found the sink hears no more (the import will be abandoned), but reading goes on to
/// list the other problems.
struct Collector<'a, 's> {
    org: &'a Org,
    policy: &'a Policy,
    now: DateTime<Utc>,
    problems: Problems,
    sink: &'a mut Sink<'s>,
    /// Valid records seen.
    records: usize,
    /// The sink failed (the database): reading stops and this is the import's error.
    fatal: Option<Error>,
}

impl Collector<'_, '_> {
    fn record(&mut self, at: Location, parsed: std::result::Result<NewCase, Vec<FieldError>>) {
        match parsed {
            Ok(n) => {
                let errs = check(&n, self.org, self.policy, self.now);
                if errs.is_empty() {
                    self.records += 1;
                    if self.problems.total == 0 && self.fatal.is_none() {
                        if let Err(e) = (self.sink)(n) {
                            self.fatal = Some(e);
                        }
                    }
                } else {
                    self.problems.fields(at, errs);
                }
            }
            Err(errs) => self.problems.fields(at, errs),
        }
    }

    fn problem(&mut self, at: Location, field: Option<&str>, message: Msg) {
        self.problems.at(at, field, message);
    }
}

/// Validation of a parsed record against the organisation, and routing.
pub fn check(n: &NewCase, org: &Org, policy: &Policy, now: DateTime<Utc>) -> Vec<FieldError> {
    let mut errs = n.validate(org, now);
    if errs.is_empty() {
        if let Err(e) =
            policy.routing.route(org, n.source, &n.area, n.category, n.complexity, n.risk_level, n.risk_flags)
        {
            errs.push(FieldError::new("area", msg!("cannot be routed: ", "无法分流：").then(e.0)));
        }
    }
    errs
}

/// The refusal of text that is not UTF-8 (`what` goes before it: "the header ", or nothing).
fn not_utf8(what: &str, what_zh: &str) -> Msg {
    msg!(
        "{what}is not valid UTF-8 (save the file as UTF-8, e.g. `iconv -f GBK -t UTF-8`)",
        "{what_zh}不是有效的 UTF-8（请把文件另存为 UTF-8，如 `iconv -f GBK -t UTF-8`）"
    )
}

/// Reads and validates every record of the file; the new cases, or every problem found. (The
/// whole file in memory: for tests and small files; [`import`] streams.)
pub fn read_file(path: &Path, org: &Org, policy: &Policy, now: DateTime<Utc>) -> Result<(Format, Vec<NewCase>)> {
    let mut cases = Vec::new();
    let format = read_into(path, org, policy, now, &mut |n| {
        cases.push(n);
        Ok(())
    })?
    .0;
    Ok((format, cases))
}

/// Reads the file once, streaming: each valid record goes to `sink` as it is read, until the
/// first problem. The format and how many records were valid, or every problem found (or the
/// sink's error).
pub fn read_into(
    path: &Path,
    org: &Org,
    policy: &Policy,
    now: DateTime<Utc>,
    sink: &mut Sink<'_>,
) -> Result<(Format, usize)> {
    let mut file = reader::open(path)?;
    let head = reader::read_head(&mut file, 4096).map_err(|e| io_err(path, e))?;
    let format = sniff(path, &head)?;
    let line_cap = (format != Format::JsonArray).then_some(reader::LINE_CAP);
    let input = reader::Guarded::new(std::io::Cursor::new(head).chain(file), reader::IMPORT_CAP, line_cap);
    let mut c = Collector { org, policy, now, problems: Problems::default(), sink, records: 0, fatal: None };
    match format {
        Format::Csv => read_csv(path, input, &mut c)?,
        Format::JsonLines => read_json_lines(path, input, &mut c)?,
        Format::JsonArray => read_json_array(path, input, &mut c)?,
    }
    if let Some(e) = c.fatal {
        return Err(e);
    }
    if c.problems.total == 0 && c.records == 0 {
        c.problem(Location::File, None, msg!("holds no records", "没有任何记录"));
    }
    if c.problems.total > 0 {
        return Err(c.problems.into_error(path));
    }
    Ok((format, c.records))
}

/// Imports the file into the store, all or nothing (`store::staging`): the records are validated
/// and staged as they are read, then published in short batches; a bad record anywhere publishes
/// nothing. With `dry_run` only validates (and stores nothing). Imports left unfinished by a
/// stopped process are finished first. `progress` hears of every batch.
pub fn import(
    store: &mut Store,
    path: &Path,
    dry_run: bool,
    now: DateTime<Utc>,
    mut progress: impl FnMut(Progress),
) -> Result<Imported> {
    if dry_run {
        let (format, records) = read_into(path, store.org()?, store.policy(), now, &mut |_| Ok(()))?;
        return Ok(Imported { format, records, first_ref: None, last_ref: None, repaired: Vec::new() });
    }
    let repaired = store.repair_imports(now, &mut progress)?;
    let store: &Store = store;
    let mut stager = store.start_import(&reader::display_name(path), now, progress)?;
    let read = read_into(path, store.org()?, store.policy(), now, &mut |n| stager.push(&n));
    match read {
        Ok((format, records)) => {
            let done = stager.publish(now)?;
            Ok(Imported { format, records, first_ref: done.first_ref, last_ref: done.last_ref, repaired })
        }
        Err(e) => {
            // Nothing was published; a failure to clean up is left for the next repair.
            let _ = stager.abandon();
            Err(e)
        }
    }
}

fn io_err(path: &Path, e: impl Into<std::io::Error>) -> Error {
    Error::file(path, e.into())
}

fn read_csv(path: &Path, input: Input, c: &mut Collector<'_, '_>) -> Result<()> {
    let mut rdr = csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(input);
    let mut rec = csv::ByteRecord::new();
    let header: Vec<String> = match rdr.read_byte_record(&mut rec) {
        Ok(true) => {
            let mut names = Vec::with_capacity(rec.len());
            for (i, raw) in rec.iter().enumerate() {
                let raw = if i == 0 { raw.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(raw) } else { raw };
                match std::str::from_utf8(raw) {
                    Ok(s) => names.push(s.trim().to_string()),
                    Err(_) => {
                        c.problem(Location::Line(1), None, not_utf8("the header ", "表头"));
                        return Ok(());
                    }
                }
            }
            names
        }
        Ok(false) => return Ok(()),
        Err(e) => return Err(io_err(path, e)),
    };
    if !check_header(&header, c) {
        return Ok(());
    }
    while c.fatal.is_none() {
        match rdr.read_byte_record(&mut rec) {
            Ok(true) => {}
            Ok(false) => break,
            Err(e) => {
                let line = e.position().map(|p| rdr.get_ref().line_of_record(p.byte())).unwrap_or(0);
                if let csv::ErrorKind::Io(_) = e.kind() {
                    return Err(Error::file(path, std::io::Error::other(e.to_string())));
                }
                c.problem(Location::Line(line), None, msg!("not valid CSV: {e}", "不是有效的 CSV：{e}"));
                continue;
            }
        }
        // Lines are counted by the reader: the CSV parser's count is off by one on CRLF files.
        let at = Location::Line(rec.position().map(|p| rdr.get_ref().line_of_record(p.byte())).unwrap_or(0));
        if rec.iter().all(|f| f.iter().all(u8::is_ascii_whitespace)) {
            continue; // a blank row, as spreadsheets leave at the end
        }
        if rec.len() != header.len() {
            let (n, h) = (rec.len(), header.len());
            c.problem(at, None, msg!("has {n} fields; the header has {h}", "有 {n} 个字段；表头有 {h} 个"));
            continue;
        }
        let mut fields = Vec::with_capacity(rec.len());
        let mut bad = false;
        for (name, raw) in header.iter().zip(rec.iter()) {
            match std::str::from_utf8(raw) {
                Ok(s) => fields.push((name.as_str(), s)),
                Err(_) => {
                    c.problem(at, Some(name), not_utf8("", ""));
                    bad = true;
                }
            }
        }
        if !bad {
            let parsed = new_case_from_fields(fields, c.policy.office.time_zone);
            c.record(at, parsed);
        }
    }
    Ok(())
}

/// Checks the CSV header names; false when the records cannot be read under it.
fn check_header(header: &[String], c: &mut Collector<'_, '_>) -> bool {
    let before = c.problems.total;
    let mut seen = std::collections::HashSet::new();
    for name in header {
        if !FIELDS.contains(&name.as_str()) {
            let names = FIELDS.join(", ");
            c.problem(
                Location::Line(1),
                Some(name),
                msg!(
                    "is not a case field (the header names are: {names})",
                    "不是案件字段（表头可用的名称有：{names}）"
                ),
            );
        } else if !seen.insert(name.as_str()) {
            c.problem(Location::Line(1), Some(name), msg!("appears twice in the header", "在表头中出现了两次"));
        }
    }
    for name in REQUIRED {
        if !seen.contains(name) {
            c.problem(Location::Line(1), Some(name), msg!("column is missing from the header", "表头缺少此列"));
        }
    }
    c.problems.total == before
}

/// Skips a UTF-8 byte-order mark at the start of the reader.
fn skip_bom(r: &mut impl BufRead) -> std::io::Result<()> {
    if r.fill_buf()?.starts_with(b"\xEF\xBB\xBF") {
        r.consume(3);
    }
    Ok(())
}

fn read_json_lines(path: &Path, input: Input, c: &mut Collector<'_, '_>) -> Result<()> {
    let mut r = BufReader::new(input);
    skip_bom(&mut r).map_err(|e| io_err(path, e))?;
    let mut buf = Vec::new();
    let mut line = 0u64;
    while c.fatal.is_none() {
        buf.clear();
        if r.read_until(b'\n', &mut buf).map_err(|e| io_err(path, e))? == 0 {
            break;
        }
        line += 1;
        let at = Location::Line(line);
        let Ok(text) = std::str::from_utf8(&buf) else {
            c.problem(at, None, not_utf8("", ""));
            continue;
        };
        if text.trim().is_empty() {
            continue;
        }
        match RawRecord::parse(text) {
            Ok(v) => c.record(at, new_case_from_raw(&v, c.policy.office.time_zone)),
            Err(e) => c.problem(at, None, msg!("not valid JSON: {e}", "不是有效的 JSON：{e}")),
        }
    }
    Ok(())
}

fn read_json_array(path: &Path, input: Input, c: &mut Collector<'_, '_>) -> Result<()> {
    // The reader names the lines that are not UTF-8 (the JSON parser would only say where).
    let mut r = BufReader::new(input);
    skip_bom(&mut r).map_err(|e| io_err(path, e))?;
    let lines = Rc::new(Cell::new(RecordLines::default()));
    let counted = LineCounter { inner: &mut r, lines: lines.clone() };
    let mut de = serde_json::Deserializer::from_reader(counted);
    let outcome = serde::Deserializer::deserialize_seq(&mut de, Records(c, lines)).and_then(|()| de.end());
    drop(de);
    if c.fatal.is_some() {
        return Ok(());
    }
    let input = r.get_mut();
    if let Err(e) = &outcome {
        if e.is_io() {
            return Err(Error::file(path, std::io::Error::other(e.to_string())));
        }
        input.drain().map_err(|e| io_err(path, e))?;
    }
    if !input.bad_lines().is_empty() {
        for &line in input.bad_lines() {
            c.problem(Location::Line(line), None, not_utf8("", ""));
        }
        return Ok(());
    }
    if let Err(e) = outcome {
        c.problem(Location::Line(e.line() as u64), None, msg!("not valid JSON: {e}", "不是有效的 JSON：{e}"));
    }
    Ok(())
}

/// Where the JSON parser is: the line it reads, and the line the record being read starts on.
#[derive(Debug, Clone, Copy, Default)]
struct RecordLines {
    /// Lines passed so far (0-based).
    line: u64,
    /// Waiting for the first byte of the next record.
    pending: bool,
    /// The line (1-based) the last record started on.
    start: u64,
}

/// Hands bytes to the JSON parser (which reads one at a time) and notes the line each record
/// starts on.
struct LineCounter<'r, R> {
    inner: &'r mut R,
    lines: Rc<Cell<RecordLines>>,
}

impl<R: Read> Read for LineCounter<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        let mut l = self.lines.get();
        for &b in &buf[..n] {
            if l.pending && !b.is_ascii_whitespace() && b != b',' && b != b'[' {
                l.pending = false;
                l.start = l.line + 1;
            }
            if b == b'\n' {
                l.line += 1;
            }
        }
        self.lines.set(l);
        Ok(n)
    }
}

/// Streams the elements of a JSON array into the collector, one at a time.
struct Records<'c, 'a, 's>(&'c mut Collector<'a, 's>, Rc<Cell<RecordLines>>);

impl<'de> serde::de::Visitor<'de> for Records<'_, '_, '_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an array of case records")
    }

    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> std::result::Result<(), A::Error> {
        let mut n = 0u64;
        loop {
            let mut l = self.1.get();
            l.pending = true;
            self.1.set(l);
            let Some(v) = seq.next_element::<RawRecord>()? else { break };
            n += 1;
            let tz = self.0.policy.office.time_zone;
            self.0.record(Location::Record(n, self.1.get().start), new_case_from_raw(&v, tz));
            if self.0.fatal.is_some() {
                return Err(serde::de::Error::custom("the import stopped"));
            }
        }
        Ok(())
    }
}

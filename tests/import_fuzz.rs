//! The CSV/JSON import driven with random input (issue 4, item 3): random bytes, CSV-ish text
//! (real and junk header names, good, bad and hostile cell values, quotes, BOMs, ragged rows)
//! and JSON-ish text (arbitrary `serde_json::Value` trees, records with random field values) are
//! written to a file and read by `ingest::import::read_file`, in process. It must never panic,
//! an `Err` must say something, and every record it accepts must pass `NewCase::validate` and
//! route (so nothing invalid could be stored).
//!
//! The run is deterministic (fixed seed, 256 cases per shape) so it never flakes; set
//! `IMPORT_FUZZ_SEED=<u64>` to explore other inputs.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use chrono::{DateTime, Utc};
use duty_desk::domain::{Org, Policy};
use duty_desk::ingest::import::{check, read_file};
use duty_desk::ingest::record::FIELDS;
use proptest::prelude::*;
use proptest::test_runner::{Config, RngAlgorithm, TestCaseError, TestRng, TestRunner};
use serde_json::Value;
use tempfile::TempDir;

const CASES: u32 = 256;

/// The demo organisation and default policy, read once from a database the binary created.
struct World {
    dir: TempDir,
    org: Org,
    policy: Policy,
    now: DateTime<Utc>,
}

fn world() -> World {
    let dir = TempDir::new().unwrap();
    let db = dir.path().join("desk.db");
    let out = std::process::Command::new(assert_cmd::cargo::cargo_bin("duty-desk"))
        .arg("--db")
        .arg(&db)
        .args(["demo", "--no-tui", "--cases", "0"])
        .env_remove("DUTY_DESK_DB")
        .output()
        .unwrap();
    assert!(out.status.success(), "demo: {}", String::from_utf8_lossy(&out.stderr));
    let store = duty_desk::store::Store::open(&db, true).unwrap();
    World { org: store.org().unwrap().clone(), policy: store.policy().clone(), now: Utc::now(), dir }
}

fn runner() -> TestRunner {
    let seed: u64 = std::env::var("IMPORT_FUZZ_SEED").ok().and_then(|s| s.parse().ok()).unwrap_or(0x6475_7479);
    let mut bytes = [0u8; 32];
    bytes[..8].copy_from_slice(&seed.to_le_bytes());
    let config = Config { cases: CASES, failure_persistence: None, ..Config::default() };
    TestRunner::new_with_rng(config, TestRng::from_seed(RngAlgorithm::ChaCha, &bytes))
}

/// Reads `bytes` as the file `name` and checks the outcome; true when records were accepted.
fn read_and_check(w: &World, name: &str, bytes: &[u8]) -> Result<bool, TestCaseError> {
    let path: PathBuf = w.dir.path().join(name);
    std::fs::write(&path, bytes).unwrap();
    let outcome = read_file(&path, &w.org, &w.policy, w.now);
    match outcome {
        Ok((_, cases)) => {
            prop_assert!(!cases.is_empty(), "Ok with no records");
            for c in &cases {
                let errs = c.validate(&w.org, w.now);
                prop_assert!(errs.is_empty(), "accepted a case that does not validate: {errs:?}\n{c:?}");
                let errs = check(c, &w.org, &w.policy, w.now);
                prop_assert!(errs.is_empty(), "accepted a case that does not route: {errs:?}\n{c:?}");
            }
            Ok(true)
        }
        Err(e) => {
            prop_assert!(!e.message().trim().is_empty(), "an error that says nothing");
            Ok(false)
        }
    }
}

// ───────────────────────────── field values ─────────────────────────────

/// Good and bad values for `field`.
fn pools(field: &str) -> (&'static [&'static str], &'static [&'static str]) {
    match field {
        "received_at" => (
            &["2024-03-01 09:30", "2023-05-01T06:02:00Z", "2024/01/02 10:00:59", "2024-03-01"],
            &["2024-02-30", "2999-01-01", "yesterday", ""],
        ),
        "source" => (&["walk_in", "来访", "Phone/12348", "court_referral"], &["gossip", ""]),
        "category" => {
            (&["neighbour", "邻里", "traffic_accident", "medical", "labour", "property_management"], &["x", ""])
        }
        "applicant_name" => (&["张三", "Li Si"], &["", "  ", "王\t五", "a\u{1b}]0;x\u{7}", "赵\u{202e}六"]),
        "respondent_name" => (&["李四", ""], &["王\t五", "\u{9b}31m"]),
        "applicant_phone" | "respondent_phone" => (
            &["13812345678", "0473-2345678", "１３８１２３４５６７８", ""],
            &["138****5678", "\u{9b}31m", "12345", "abc"],
        ),
        "applicant_id_no" | "respondent_id_no" => {
            (&["150302199001011231", ""], &["150302********1231", "123", "150302199001011234"])
        }
        "summary" => (&["楼上漏水纠纷，双方协商未果", "多行\n摘要\t带制表符"], &["", "\u{1b}[2J\u{1b}[H", "del\u{7f}"]),
        "amount_fen" => {
            (&["0", "120050", "1200.0", ""], &["-5", "1.5", "1e3", "99999999999999999999", "12a", "NaN", "-0.0"])
        }
        "area" => (&["WH-HBW-01-01", "WH-WD-03-01"], &["WH", "WH-HBW", "NOWHERE", ""]),
        "complexity" => (&["", "simple", "general", "major", "critical", "急难险重"], &["x"]),
        "risk_flags" => (&["", "mass", "media,criminal", "群体性"], &["bogus"]),
        "risk_level" => (&["", "none", "yellow", "orange", "red", "红"], &["x"]),
        "partners" => (&["", "派出所;法庭", "律所,"], &["a\u{2066}b"]),
        // Fields the desk sets itself are ignored on input, whatever they hold.
        _ => (&["", "x", "WH-2023-00001", "received", "3"], &[]),
    }
}

/// A value for `field`: when `clean`, one that is valid; else mostly plausible (good or subtly
/// bad), sometimes arbitrary text.
fn value_for(field: &str, clean: bool) -> BoxedStrategy<String> {
    let (good, bad) = pools(field);
    let good: Vec<String> = good.iter().map(|s| s.to_string()).collect();
    if clean {
        return proptest::sample::select(good).boxed();
    }
    let all: Vec<String> = good.into_iter().chain(bad.iter().map(|s| s.to_string())).collect();
    prop_oneof![
        6 => proptest::sample::select(all),
        1 => "\\PC{0,24}",
        1 => any::<String>().prop_map(|s| s.chars().take(24).collect()),
    ]
    .boxed()
}

/// A field name: mostly real, sometimes (unless `clean`) not.
fn field_name(clean: bool) -> BoxedStrategy<String> {
    let real = proptest::sample::select(FIELDS.to_vec()).prop_map(str::to_string);
    if clean {
        return real.boxed();
    }
    prop_oneof![
        8 => real,
        1 => "[a-z_]{1,12}",
        1 => any::<String>().prop_map(|s| s.chars().take(12).collect()),
    ]
    .boxed()
}

/// A record: the required fields (usually, always when `clean`) plus a few more, each with a
/// value for its name.
fn record(clean: bool) -> BoxedStrategy<Vec<(String, String)>> {
    let required = ["received_at", "source", "category", "applicant_name", "summary", "area"];
    let base: Vec<BoxedStrategy<Option<(String, String)>>> = required
        .iter()
        .map(|&f| {
            let field = value_for(f, clean).prop_map(move |v| (f.to_string(), v));
            if clean {
                field.prop_map(Some).boxed()
            } else {
                proptest::option::weighted(0.95, field).boxed()
            }
        })
        .collect();
    let extra = proptest::collection::vec(
        field_name(clean).prop_flat_map(move |name| value_for(&name, clean).prop_map(move |v| (name.clone(), v))),
        0..6,
    );
    (base, extra)
        .prop_map(|(base, extra)| {
            let mut rec: Vec<(String, String)> = base.into_iter().flatten().collect();
            for (k, v) in extra {
                // A repeated key would only be the record's last word on it; keep the first.
                if !rec.iter().any(|(have, _)| *have == k) {
                    rec.push((k, v));
                }
            }
            rec
        })
        .boxed()
}

/// One record: its fields and their text, in order.
type Fields = Vec<(String, String)>;

/// Records for one file: all clean (a file that must import) or freely mixed.
fn records(max: usize) -> BoxedStrategy<(bool, Vec<Fields>)> {
    any::<bool>()
        .prop_flat_map(move |clean| {
            let n = if clean { 1..max } else { 0..max };
            proptest::collection::vec(record(clean), n).prop_map(move |r| (clean, r))
        })
        .boxed()
}

// ───────────────────────────── CSV ─────────────────────────────

fn csv_cell(s: &str, quote_always: bool) -> String {
    if quote_always || s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

/// CSV text: a header of the union of the records' fields (or a random one), then rows that
/// follow it (or are ragged), with random quoting, line endings and an optional BOM.
fn csv_text() -> impl Strategy<Value = Vec<u8>> {
    (
        records(5),
        any::<bool>(),
        any::<bool>(),
        any::<bool>(),
        proptest::collection::vec(any::<u8>(), 0..3),
        proptest::option::weighted(0.1, proptest::collection::vec(field_name(false), 0..6)),
    )
        .prop_map(|((clean, records), bom, crlf, quote_always, ragged, header_override)| {
            let mut header: Vec<String> = Vec::new();
            for r in &records {
                for (k, _) in r {
                    if !header.contains(k) {
                        header.push(k.clone());
                    }
                }
            }
            if let Some(h) = header_override.filter(|_| !clean) {
                header = h;
            }
            let nl = if crlf { "\r\n" } else { "\n" };
            let mut text = String::new();
            if bom {
                text.push('\u{feff}');
            }
            text.push_str(&header.iter().map(|h| csv_cell(h, quote_always)).collect::<Vec<_>>().join(","));
            text.push_str(nl);
            for (i, r) in records.iter().enumerate() {
                let mut cells: Vec<String> = header
                    .iter()
                    .map(|h| r.iter().find(|(k, _)| k == h).map(|(_, v)| csv_cell(v, quote_always)).unwrap_or_default())
                    .collect();
                match ragged.get(i).filter(|_| !clean).map(|b| b % 8) {
                    Some(0) => {
                        cells.pop();
                    }
                    Some(1) => cells.push("extra".into()),
                    Some(2) => cells.push("\"unterminated".into()),
                    _ => {}
                }
                text.push_str(&cells.join(","));
                text.push_str(nl);
            }
            text.into_bytes()
        })
}

// ───────────────────────────── JSON ─────────────────────────────

fn json_scalar() -> BoxedStrategy<Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<f64>().prop_map(|f| serde_json::Number::from_f64(f).map(Value::Number).unwrap_or(Value::Null)),
        any::<u64>().prop_map(Value::from),
        "\\PC{0,16}".prop_map(Value::String),
        any::<String>().prop_map(|s| Value::String(s.chars().take(16).collect())),
    ]
    .boxed()
}

/// An arbitrary JSON value, at most a few levels deep.
fn json_value() -> BoxedStrategy<Value> {
    json_scalar()
        .prop_recursive(3, 24, 5, |inner| {
            prop_oneof![
                proptest::collection::vec(inner.clone(), 0..5).prop_map(Value::Array),
                proptest::collection::vec((field_name(false), inner), 0..5)
                    .prop_map(|kv| Value::Object(kv.into_iter().collect())),
            ]
        })
        .boxed()
}

/// A record object: its fields' values as strings (amounts as numbers when they are whole);
/// unless `clean`, sometimes a field holds another JSON value.
fn json_record(rec: Vec<(String, String)>, clean: bool) -> BoxedStrategy<Value> {
    let odd = if clean { 0..1 } else { 0..3 };
    proptest::collection::vec((any::<prop::sample::Index>(), json_value()), odd)
        .prop_map(move |odd| {
            let mut map = serde_json::Map::new();
            for (k, v) in &rec {
                let value = if k == "amount_fen" {
                    v.parse::<i64>().map(Value::from).unwrap_or_else(|_| Value::String(v.clone()))
                } else {
                    Value::String(v.clone())
                };
                map.insert(k.clone(), value);
            }
            if !rec.is_empty() && !clean {
                for (i, v) in odd {
                    let key = rec[i.index(rec.len())].0.clone();
                    map.insert(key, v);
                }
            }
            Value::Object(map)
        })
        .boxed()
}

/// How the JSON is laid out in the file.
#[derive(Debug, Clone, Copy)]
enum Layout {
    Array,
    Lines,
    Pretty,
}

fn json_text() -> impl Strategy<Value = (Vec<u8>, &'static str)> {
    let records = records(5).prop_flat_map(|(clean, recs)| {
        let objects: Vec<BoxedStrategy<Value>> = recs.into_iter().map(|r| json_record(r, clean)).collect();
        objects
    });
    let items = prop_oneof![
        4 => records,
        1 => proptest::collection::vec(json_value(), 0..4),
    ];
    (
        items,
        prop_oneof![Just(Layout::Array), Just(Layout::Lines), Just(Layout::Pretty)],
        proptest::sample::select(vec!["json", "jsonl", "ndjson", "txt"]),
        any::<bool>(),
        proptest::option::weighted(0.15, (any::<prop::sample::Index>(), any::<u8>())),
    )
        .prop_map(|(items, layout, ext, bom, damage)| {
            let mut text = String::new();
            if bom {
                text.push('\u{feff}');
            }
            match layout {
                Layout::Array => text.push_str(&Value::Array(items).to_string()),
                Layout::Pretty => text.push_str(&serde_json::to_string_pretty(&Value::Array(items)).unwrap()),
                Layout::Lines => {
                    for v in &items {
                        text.push_str(&v.to_string());
                        text.push('\n');
                    }
                }
            }
            let mut bytes = text.into_bytes();
            if let Some((at, b)) = damage {
                if !bytes.is_empty() {
                    let i = at.index(bytes.len());
                    bytes[i] = b;
                }
            }
            (bytes, ext)
        })
}

// ───────────────────────────── the tests ─────────────────────────────

fn run<S: Strategy>(what: &str, strategy: S, file: impl Fn(&S::Value) -> (Vec<u8>, String), min_accepted: usize)
where
    S::Value: std::fmt::Debug,
{
    let w = world();
    let accepted = AtomicUsize::new(0);
    let total = AtomicUsize::new(0);
    let result = runner().run(&strategy, |input| {
        let (bytes, name) = file(&input);
        total.fetch_add(1, Ordering::Relaxed);
        if read_and_check(&w, &name, &bytes)? {
            accepted.fetch_add(1, Ordering::Relaxed);
        }
        Ok(())
    });
    if let Err(e) = result {
        panic!("{what}: {e}");
    }
    let (ok, all) = (accepted.load(Ordering::Relaxed), total.load(Ordering::Relaxed));
    eprintln!("{what}: {all} inputs, {ok} accepted");
    assert!(ok >= min_accepted, "{what}: only {ok} of {all} inputs were accepted; the generator is too hostile");
}

#[test]
fn random_bytes_never_panic() {
    let exts = ["csv", "json", "jsonl", "txt", "ndjson"];
    run(
        "random bytes",
        (proptest::collection::vec(any::<u8>(), 0..2048), 0..exts.len(), proptest::option::of(Just(b'['))),
        |(bytes, ext, lead)| {
            let mut b = Vec::with_capacity(bytes.len() + 1);
            b.extend(lead.iter());
            b.extend_from_slice(bytes);
            (b, format!("random.{}", exts[*ext]))
        },
        0,
    );
}

#[test]
fn random_csv_never_panics_and_accepts_only_valid_cases() {
    run(
        "CSV",
        (csv_text(), any::<bool>()),
        |(bytes, ext)| (bytes.clone(), if *ext { "in.csv" } else { "in.txt" }.into()),
        5,
    );
}

#[test]
fn random_json_never_panics_and_accepts_only_valid_cases() {
    run("JSON", json_text(), |(bytes, ext)| (bytes.clone(), format!("in.{ext}")), 5);
}

#[test]
fn a_file_that_is_not_there_or_a_directory_is_an_error() {
    let w = world();
    for p in [w.dir.path().join("missing.csv"), w.dir.path().to_path_buf(), Path::new("/dev/null").to_path_buf()] {
        let e = read_file(&p, &w.org, &w.policy, w.now).err();
        assert!(e.is_some_and(|e| !e.message().is_empty()), "{}", p.display());
    }
}

//! Helpers shared by the CLI tests: a demo database in a temp dir and the real binary.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use serde_json::Value;
use tempfile::TempDir;

/// A fresh demo database (`demo --no-tui --cases N`) in its own temp dir.
pub struct Db {
    /// Removed with the database when dropped.
    pub dir: TempDir,
    /// The database file.
    pub path: PathBuf,
}

impl Db {
    /// Creates the database with the demo organisation and `cases` generated cases.
    pub fn demo(cases: usize) -> Db {
        let dir = TempDir::new().unwrap();
        let path = dir.path().join("desk.db");
        let db = Db { dir, path };
        db.cmd(&["demo", "--no-tui", "--cases", &cases.to_string(), "--seed", "7"]).assert().success();
        db
    }

    /// The binary with `--db` set and the locale pinned to English.
    pub fn cmd(&self, args: &[&str]) -> Command {
        let mut c = Command::cargo_bin("duty-desk").unwrap();
        c.env_remove("DUTY_DESK_DB").env("LANG", "C").env_remove("LC_ALL").env_remove("LC_MESSAGES");
        c.arg("--db").arg(&self.path).args(args);
        c
    }

    /// Runs a command that must succeed and returns its stdout.
    pub fn ok(&self, args: &[&str]) -> String {
        let out = self.cmd(args).output().unwrap();
        assert!(
            out.status.success(),
            "{args:?} failed ({:?}): {}",
            out.status.code(),
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    }

    /// Runs a command that must succeed and parses its stdout as JSON.
    pub fn json(&self, args: &[&str]) -> Value {
        let text = self.ok(args);
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("{args:?}: not JSON ({e}): {text}"))
    }

    /// Runs a command with `stdin` and returns (exit code, stdout, stderr).
    pub fn run_with_stdin(&self, args: &[&str], stdin: &str) -> (i32, String, String) {
        let out = self.cmd(args).write_stdin(stdin.to_string()).output().unwrap();
        (
            out.status.code().unwrap_or(-1),
            String::from_utf8(out.stdout).unwrap(),
            String::from_utf8(out.stderr).unwrap(),
        )
    }

    /// Runs a command and returns (exit code, stdout, stderr).
    pub fn run(&self, args: &[&str]) -> (i32, String, String) {
        self.run_with_stdin(args, "")
    }

    /// How many cases the database holds (read directly with SQLite).
    pub fn case_count(&self) -> i64 {
        let conn = open_ro(&self.path);
        conn.query_row("SELECT count(*) FROM cases", [], |r| r.get(0)).unwrap()
    }

    /// Writes a file into the temp dir and returns its path.
    pub fn file(&self, name: &str, bytes: &[u8]) -> PathBuf {
        let p = self.dir.path().join(name);
        std::fs::write(&p, bytes).unwrap();
        p
    }
}

/// A read-only rusqlite connection to a database file.
pub fn open_ro(path: &Path) -> rusqlite::Connection {
    rusqlite::Connection::open_with_flags(path, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY).unwrap()
}

/// The first column of every row a query returns, as strings.
pub fn column(conn: &rusqlite::Connection, sql: &str) -> Vec<String> {
    let mut stmt = conn.prepare(sql).unwrap();
    stmt.query_map([], |r| r.get(0)).unwrap().collect::<Result<_, _>>().unwrap()
}

/// The records of a `list --json` array.
pub fn records(v: &Value) -> &Vec<Value> {
    v.as_array().unwrap_or_else(|| panic!("not an array: {v}"))
}

/// A string field of a record.
pub fn s<'a>(v: &'a Value, key: &str) -> &'a str {
    v[key].as_str().unwrap_or_else(|| panic!("no string {key} in {v}"))
}

/// A valid new-case JSON record received at `received_at` in the demo organisation.
pub fn record(received_at: &str, applicant: &str) -> Value {
    serde_json::json!({
        "received_at": received_at,
        "source": "walk_in",
        "category": "neighbour",
        "applicant_name": applicant,
        "applicant_phone": "13812345678",
        "applicant_id_no": "150302199001011231",
        "respondent_name": "李四",
        "respondent_phone": "13987654321",
        "summary": "楼上漏水纠纷，双方协商未果",
        "amount_fen": 350000,
        "area": "WH-HBW-01-01",
        "complexity": "general",
        "risk_flags": "media",
        "risk_level": "yellow",
        "partners": ""
    })
}

/// Now in RFC 3339 (UTC), a minute ago so the record is never "in the future".
pub fn just_now() -> String {
    (chrono::Utc::now() - chrono::Duration::minutes(1)).to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

/// A general neighbour dispute in the first village of `store`'s organisation, received at
/// `received_at`: the case the store-level tests build their scenarios on.
pub fn village_dispute(
    store: &duty_desk::store::Store,
    received_at: chrono::DateTime<chrono::Utc>,
) -> duty_desk::domain::NewCase {
    use duty_desk::domain::{Category, Complexity, NewCase, Party, RiskFlags, RiskLevel, Source, Tier};
    let village = store.org().unwrap().areas.iter().find(|a| a.level == Tier::Village).map(|a| a.code.clone());
    NewCase {
        received_at,
        source: Source::WalkIn,
        category: Category::Neighbour,
        applicant: Party { name: "张三".into(), phone: "13812345678".into(), id_no: String::new() },
        respondent: Party::default(),
        summary: "噪音纠纷".into(),
        amount_fen: 100,
        area: village.expect("the demo organisation has villages"),
        complexity: Complexity::General,
        risk_flags: RiskFlags::default(),
        risk_level: RiskLevel::None,
        partners: Vec::new(),
    }
}

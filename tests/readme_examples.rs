//! README examples that work as written: every `duty-desk …` command in README.md's ```sh
//! blocks runs, in order, with `bash -c` (pipefail) in one fresh temp directory, the binary first on `PATH` as
//! `duty-desk`, and exits 0. Lines without `--db` use `DUTY_DESK_DB=office.db`. The inputs the
//! examples name (`org.json`, `rules.toml`, `cases.csv`, `found.json`) are made there first, as an
//! office would have them. Refs written `WH-2026-…` are read as the current office year's.

use std::path::Path;
use std::process::Command;

/// The `duty-desk` commands of the README's `sh` blocks, continuation lines joined, comments cut.
fn examples(readme: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut in_sh = false;
    let mut pending: Option<String> = None;
    for line in readme.lines() {
        let t = line.trim();
        if t.starts_with("```") {
            in_sh = t == "```sh";
            pending = None;
            continue;
        }
        if !in_sh {
            continue;
        }
        let joined = match pending.take() {
            Some(p) => format!("{p} {t}"),
            None if t.starts_with("duty-desk ") => t.to_string(),
            None => continue,
        };
        match joined.strip_suffix('\\') {
            Some(head) => pending = Some(head.trim_end().to_string()),
            None => out.push(without_comment(&joined)),
        }
    }
    out
}

/// The command without its trailing `# comment` (a `#` after a space, outside quotes).
fn without_comment(line: &str) -> String {
    let mut quoted = None;
    let mut prev = ' ';
    for (i, c) in line.char_indices() {
        match (quoted, c) {
            (None, '"' | '\'') => quoted = Some(c),
            (Some(q), c) if c == q => quoted = None,
            (None, '#') if prev.is_whitespace() => return line[..i].trim_end().to_string(),
            _ => {}
        }
        prev = c;
    }
    line.trim_end().to_string()
}

/// The office year a ref made now carries (the demo policy's zone, Asia/Shanghai).
fn office_year() -> String {
    (chrono::Utc::now() + chrono::Duration::hours(8)).format("%Y").to_string()
}

fn write_inputs(dir: &Path, readme: &str) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    std::fs::copy(root.join("fixtures/demo-org.json"), dir.join("org.json")).unwrap();
    // rules.toml: the README's policy example (its first toml block).
    let start = readme.find("```toml\n").unwrap() + "```toml\n".len();
    let rules = &readme[start..start + readme[start..].find("```").unwrap()];
    std::fs::write(dir.join("rules.toml"), rules).unwrap();
    std::fs::write(
        dir.join("cases.csv"),
        "received_at,source,category,applicant_name,applicant_phone,respondent_name,summary,amount_fen,area,complexity,risk_level\n\
         2026-01-05 09:00,walk_in,contract,王芳,13912345678,李强,装修工程尾款拒付,120000,WH-HBW-01-02,general,none\n",
    )
    .unwrap();
    let found = serde_json::json!([{
        "received_at": "2026-01-05 10:00", "source": "screening", "category": "neighbour",
        "applicant_name": "刘洋", "summary": "宅前堆放杂物引发争执", "area": "WH-HBW-01-01"
    }]);
    std::fs::write(dir.join("found.json"), found.to_string()).unwrap();
}

#[test]
fn the_readme_examples_run_as_written() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let readme = std::fs::read_to_string(root.join("README.md")).unwrap();
    let commands = examples(&readme);
    assert!(commands.len() >= 20, "found only {} examples: {commands:#?}", commands.len());
    let dir = tempfile::TempDir::new().unwrap();
    write_inputs(dir.path(), &readme);
    let bin = assert_cmd::cargo::cargo_bin("duty-desk");
    let path = format!("{}:{}", bin.parent().unwrap().display(), std::env::var("PATH").unwrap_or_default());
    let year = office_year();
    for command in &commands {
        let run = command.replace("WH-2026-", &format!("WH-{year}-"));
        // pipefail: the first command of a pipe must succeed too.
        let out = Command::new("bash")
            .arg("-c")
            .arg(format!("set -o pipefail; {run}"))
            .current_dir(dir.path())
            .env("PATH", &path)
            .env("DUTY_DESK_DB", "office.db")
            .env("LANG", "C.UTF-8")
            .env_remove("LC_ALL")
            .env_remove("LC_MESSAGES")
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "README example failed ({:?}):\n  {run}\nstdout: {}\nstderr: {}",
            out.status.code(),
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

#[test]
fn examples_are_read_with_continuations_and_without_comments() {
    let text = "x\n```sh\nduty-desk a \\\n    --b \"c # d\"   # note\ncargo test\nduty-desk e\n```\nduty-desk f\n";
    assert_eq!(examples(text), vec!["duty-desk a --b \"c # d\"".to_string(), "duty-desk e".to_string()]);
}

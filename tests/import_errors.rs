//! `import`: all or nothing, every error naming its line (or record) and field; good CSV, JSON
//! and JSON Lines files import everything; masked values and non-UTF-8 files are refused.

mod common;

use common::{just_now, record, records, s, Db};

const HEADER: &str = "received_at,source,category,applicant_name,applicant_phone,summary,amount_fen,area";

fn good_rows(n: usize) -> Vec<String> {
    (0..n)
        .map(|i| {
            format!(
                "2024-03-0{} 09:30,walk_in,neighbour,申请人{i},1381234{i:04},\"噪音纠纷, 第{i}起\",{},WH-HBW-01-01",
                i % 9 + 1,
                i * 100
            )
        })
        .collect()
}

/// A CSV of good rows with `bad` put in as line 3 (the header is line 1).
fn csv_with(bad: &str) -> String {
    let mut rows = good_rows(4);
    rows.insert(1, bad.to_string());
    format!("{HEADER}\n{}\n", rows.join("\n"))
}

fn assert_refused(db: &Db, name: &str, content: &[u8], expect: &[&str]) {
    let before = db.case_count();
    let path = db.file(name, content);
    let (code, _, err) = db.run(&["import", path.to_str().unwrap()]);
    assert_ne!(code, 0, "{name} must be refused");
    for e in expect {
        assert!(err.contains(e), "{name}: expected {e:?} in:\n{err}");
    }
    assert!(err.contains("nothing was imported"), "{err}");
    assert_eq!(db.case_count(), before, "{name}: nothing may be stored");
}

#[test]
fn one_bad_row_imports_nothing_and_names_line_and_field() {
    let db = Db::demo(0);
    let row = "2024-03-01 09:30,walk_in,{cat},李四,,吵架,{amt},WH-HBW-01-01";
    assert_refused(
        &db,
        "category.csv",
        csv_with(&row.replace("{cat}", "gossip").replace("{amt}", "0")).as_bytes(),
        &["line 3, field category", "gossip"],
    );
    assert_refused(
        &db,
        "date.csv",
        csv_with("last tuesday,walk_in,neighbour,李四,,吵架,0,WH-HBW-01-01").as_bytes(),
        &["line 3, field received_at", "last tuesday"],
    );
    assert_refused(
        &db,
        "amount.csv",
        csv_with(&row.replace("{cat}", "neighbour").replace("{amt}", "12a")).as_bytes(),
        &["line 3, field amount_fen", "12a"],
    );
}

#[test]
fn every_error_is_reported_not_just_the_first() {
    let db = Db::demo(0);
    let text = format!(
        "{HEADER}\n{}\n2024-03-01,walk_in,gossip,a,,x,0,WH-HBW-01-01\n{}\n2024-13-45,walk_in,neighbour,b,,x,0,WH-HBW-01-01\n\
         2024-03-01,walk_in,neighbour,c,,x,1.5元,WH-HBW-01-01\n2024-03-01,walk_in,neighbour,d,,x,0,NOWHERE\n",
        good_rows(1)[0],
        good_rows(2)[1]
    );
    assert_refused(
        &db,
        "many.csv",
        text.as_bytes(),
        &[
            "4 problems",
            "line 3, field category",
            "line 5, field received_at",
            "line 6, field amount_fen",
            "line 7, field area",
        ],
    );
    // A multi-line summary: the record is named by the line it starts on.
    let text = format!("{HEADER}\n2024-03-01,walk_in,neighbour,a,,\"两行\n摘要\",0,WH-HBW-01-01\n2024-03-01,walk_in,gossip,b,,x,0,WH-HBW-01-01\n");
    assert_refused(&db, "multiline.csv", text.as_bytes(), &["line 4, field category"]);
    // A wrong header.
    assert_refused(
        &db,
        "header.csv",
        b"received_at,source,catgory\n2024-03-01,walk_in,x\n",
        &["line 1, field catgory"],
    );
    // A short row.
    assert_refused(&db, "short.csv", format!("{HEADER}\n2024-03-01,walk_in\n").as_bytes(), &["line 2", "has 2 fields"]);
}

#[test]
fn masked_values_and_bad_encodings_are_refused() {
    let db = Db::demo(0);
    assert_refused(
        &db,
        "masked.csv",
        csv_with("2024-03-01 09:30,walk_in,neighbour,李四,138****5678,吵架,0,WH-HBW-01-01").as_bytes(),
        &["line 3, field applicant_phone", "masked"],
    );
    let mut gbk = format!("{HEADER}\n{}\n", good_rows(1)[0]).into_bytes();
    gbk.extend_from_slice(b"2024-03-01,walk_in,neighbour,\xd5\xc5\xc8\xfd,,x,0,WH-HBW-01-01\n");
    assert_refused(&db, "gbk.csv", &gbk, &["line 3, field applicant_name", "UTF-8"]);
    let mut json = b"[\n".to_vec();
    json.extend_from_slice(record("2024-03-01", "a").to_string().as_bytes());
    json.extend_from_slice(b",\n{\"applicant_name\": \"\xd5\xc5\"}\n]\n");
    assert_refused(&db, "gbk.json", &json, &["line 3", "UTF-8"]);
}

#[test]
fn json_errors_name_the_record_and_field() {
    let db = Db::demo(0);
    let mut bad = record("2024-03-01", "b");
    bad["category"] = "gossip".into();
    bad["amount_fen"] = "lots".into();
    let text = serde_json::to_string_pretty(&vec![record("2024-03-01", "a"), bad]).unwrap();
    assert_refused(&db, "bad.json", text.as_bytes(), &["record 2, field category", "record 2, field amount_fen"]);
    let lines = format!("{}\n{{\"category\": \n", record("2024-03-01", "a"));
    assert_refused(&db, "bad.jsonl", lines.as_bytes(), &["line 2", "not valid JSON"]);
}

#[test]
fn good_files_import_everything() {
    let db = Db::demo(0);
    // CSV, with a byte-order mark as spreadsheets write it and a blank last row.
    let text = format!("\u{feff}{HEADER}\n{}\n,,,,,,,\n", good_rows(30).join("\n"));
    let path = db.file("good.csv", text.as_bytes());
    let out = db.ok(&["import", path.to_str().unwrap(), "--dry-run"]);
    assert!(out.contains("30") && out.contains("dry run"), "{out}");
    assert_eq!(db.case_count(), 0, "a dry run stores nothing");
    let out = db.ok(&["import", path.to_str().unwrap()]);
    assert!(out.contains("imported 30"), "{out}");
    assert_eq!(db.case_count(), 30);

    // A JSON array.
    let recs: Vec<_> = (0..12).map(|i| record("2024-04-01 10:00", &format!("甲{i}"))).collect();
    let path = db.file("good.json", serde_json::to_string_pretty(&recs).unwrap().as_bytes());
    db.ok(&["import", path.to_str().unwrap()]);
    assert_eq!(db.case_count(), 42);

    // JSON Lines, sniffed by content (no telling extension).
    let lines: Vec<String> = (0..5).map(|i| record(&just_now(), &format!("乙{i}")).to_string()).collect();
    let path = db.file("good.txt", format!("{}\n", lines.join("\n")).as_bytes());
    db.ok(&["import", path.to_str().unwrap()]);
    assert_eq!(db.case_count(), 47);

    // What list --json --reveal prints, import takes back.
    let listed = db.json(&["list", "--json", "--reveal", "--limit", "10"]);
    assert_eq!(records(&listed).len(), 10);
    let path = db.file("relisted.json", listed.to_string().as_bytes());
    db.ok(&["import", path.to_str().unwrap()]);
    assert_eq!(db.case_count(), 57);
    let imported = db.json(&["list", "--json", "--limit", "1", "--unassigned"]);
    assert_eq!(s(&records(&imported)[0], "status"), "received");
}

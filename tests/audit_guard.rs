//! `duty-desk check` notices when the audit log's append-only triggers have been dropped.

use assert_cmd::Command;

fn desk(db: &std::path::Path, args: &[&str]) -> assert_cmd::assert::Assert {
    Command::cargo_bin("duty-desk").unwrap().arg("--db").arg(db).args(args).assert()
}

#[test]
fn check_reports_a_dropped_audit_trigger() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("office.db");
    desk(&db, &["init"]).success();
    desk(&db, &["check"]).success().stdout(predicates::str::contains("ok"));
    for trigger in duty_desk::store::schema::AUDIT_TRIGGERS {
        let conn = rusqlite::Connection::open(&db).unwrap();
        let sql: String =
            conn.query_row("SELECT sql FROM sqlite_schema WHERE name = ?1", [trigger], |r| r.get(0)).unwrap();
        conn.execute_batch(&format!("DROP TRIGGER {trigger}")).unwrap();
        drop(conn);
        desk(&db, &["check"]).code(1).stderr(predicates::str::contains(trigger));
        rusqlite::Connection::open(&db).unwrap().execute_batch(&sql).unwrap();
        desk(&db, &["check"]).success();
    }
}

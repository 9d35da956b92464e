//! Every help text of the command line has its Chinese words in `cli::zh_help::ZH`: an argument
//! or subcommand added without them would show English in a zh `--help`.

use clap::CommandFactory;
use duty_desk::cli::zh_help::zh;

fn missing(c: &clap::Command, path: &str, out: &mut Vec<String>) {
    let texts = [c.get_about(), c.get_long_about(), c.get_after_help()];
    for t in texts.into_iter().flatten().map(|t| t.to_string()) {
        if zh(&t).is_none() {
            out.push(format!("{path}: {t:?}"));
        }
    }
    for a in c.get_arguments() {
        let values = a.get_possible_values();
        let value_helps = values.iter().filter_map(|v| v.get_help()).map(|t| t.to_string());
        for t in [a.get_help(), a.get_long_help()].into_iter().flatten().map(|t| t.to_string()).chain(value_helps) {
            if zh(&t).is_none() {
                out.push(format!("{path} {}: {t:?}", a.get_id()));
            }
        }
    }
    for s in c.get_subcommands() {
        missing(s, &format!("{path} {}", s.get_name()), out);
    }
}

#[test]
fn every_help_text_has_chinese_words() {
    let mut cmd = duty_desk::cli::Cli::command();
    cmd.build();
    let mut out = Vec::new();
    missing(&cmd, "duty-desk", &mut out);
    assert!(out.is_empty(), "add these to ZH in src/cli/zh_help.rs:\n{}", out.join("\n"));
}

mod common;

use common::Db;

/// How Chinese is asked for: the `--lang zh` option or a zh locale.
#[derive(Debug, Clone, Copy)]
enum Zh {
    Option,
    Locale,
}

/// Runs a command in Chinese and returns (exit code, stderr).
fn zh_run(db: &Db, how: Zh, args: &[&str]) -> (i32, String) {
    let mut c = match how {
        Zh::Option => db.cmd(&[&["--lang", "zh"], args].concat()),
        Zh::Locale => {
            let mut c = db.cmd(args);
            c.env("LANG", "zh_CN.UTF-8");
            c
        }
    };
    let out = c.output().unwrap();
    (out.status.code().unwrap_or(-1), String::from_utf8(out.stderr).unwrap())
}

/// True when `text` has Chinese characters in it.
fn chinese(text: &str) -> bool {
    text.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c))
}

fn first_ref(db: &Db) -> String {
    let v = db.json(&["list", "--limit", "1", "--json"]);
    common::s(&v[0], "ref").to_string()
}

#[test]
fn cli_errors_are_in_chinese_under_lang_zh_and_a_zh_locale_and_name_the_thing() {
    let db = Db::demo(3);
    let r = first_ref(&db);
    for how in [Zh::Option, Zh::Locale] {
        // An unknown mediator on assign.
        let (code, err) = zh_run(&db, how, &["assign", &r, "不存在的人"]);
        assert_eq!(code, 1, "{how:?}: {err}");
        assert!(err.contains("没有编号或姓名为“不存在的人”的调解员"), "{how:?}: {err}");

        // A malformed import row: the file, the line and the field named, nothing imported.
        let before = db.case_count();
        let csv = "received_at,source,category,applicant_name,summary,area\n\
                   2023-01-01,walk_in,nope,张三,吵架,WH-HBW-01-01\n";
        let file = db.file("bad.csv", csv.as_bytes());
        let (code, err) = zh_run(&db, how, &["import", file.to_str().unwrap()]);
        assert_eq!(code, 1, "{how:?}: {err}");
        assert!(err.contains("bad.csv：发现 1 个问题；未导入任何内容"), "{how:?}: {err}");
        assert!(err.contains("第 2 行，字段 category"), "{how:?}: {err}");
        assert_eq!(db.case_count(), before);

        // A bad date, typed to a value parser and to a command.
        let (code, err) =
            zh_run(&db, how, &["resolve", &r, "--outcome", "resolved", "--performance-due", "2020-13-45"]);
        assert_eq!(code, 2, "{how:?}: {err}");
        assert!(err.contains("“2020-13-45”不是日期"), "{how:?}: {err}");
        assert!(!err.contains("is not a date"), "{how:?}: {err}");
        let (code, err) = zh_run(&db, how, &["arrive", &r, "--at", "garbage"]);
        assert_eq!(code, 2, "{how:?}: {err}");
        assert!(err.contains("--at：“garbage”不是日期或时间"), "{how:?}: {err}");

        // A stale version: exit 3, the case named.
        let (code, err) = zh_run(&db, how, &["mediate", &r, "--place", "调解室", "--if-version", "999"]);
        assert_eq!(code, 3, "{how:?}: {err}");
        assert!(err.contains(&format!("{r} 在您查看之后已被他人修改")), "{how:?}: {err}");
        assert!(err.contains("未覆盖任何内容"), "{how:?}: {err}");
    }
    // The English words are unchanged.
    let (code, _, err) = db.run(&["assign", &r, "不存在的人"]);
    assert_eq!(code, 1);
    assert!(err.contains("no mediator with id or name \"不存在的人\""), "{err}");
    assert!(!chinese(err.split('"').next().unwrap_or_default()), "{err}");
}

#[test]
fn an_invalid_organisation_is_refused_in_chinese_and_creates_nothing() {
    let dir = tempfile::TempDir::new().unwrap();
    let mut org: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string("fixtures/demo-org.json").unwrap()).unwrap();
    org["committees"][0]["area"] = "NOPE".into();
    let path = dir.path().join("org.json");
    std::fs::write(&path, org.to_string()).unwrap();
    let db = Db { path: dir.path().join("new.db"), dir };
    for how in [Zh::Option, Zh::Locale] {
        let (code, err) = zh_run(&db, how, &["init", "--org", path.to_str().unwrap()]);
        assert_eq!(code, 1, "{how:?}: {err}");
        assert!(err.contains("组织数据无效；未创建任何内容"), "{how:?}: {err}");
        assert!(err.contains("：未知地区 NOPE"), "the problem is named: {err}");
        assert!(!err.contains("unknown area"), "{err}");
        assert!(!db.path.exists(), "nothing was created");
    }
    let (code, _, err) = db.run(&["--lang", "en", "init", "--org", path.to_str().unwrap()]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains(": unknown area NOPE"), "English unchanged: {err}");
    let garbage = db.file("garbage.json", b"not json");
    let (code, err) = zh_run(&db, Zh::Option, &["init", "--org", garbage.to_str().unwrap()]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("garbage.json：不是组织文件"), "{err}");
    assert!(chinese(&err));
}

/// An import file whose rows are each wrong in one field: an unknown category, a bad phone, a bad
/// id number, an empty name.
const BAD_ROWS: &str = "received_at,source,category,applicant_name,applicant_phone,applicant_id_no,summary,area\n\
    2023-01-01,walk_in,nope,张三,,,吵架,WH-HBW-01-01\n\
    2023-01-01,walk_in,neighbour,李四,12345,,吵架,WH-HBW-01-01\n\
    2023-01-01,walk_in,neighbour,王五,,123,吵架,WH-HBW-01-01\n\
    2023-01-01,walk_in,neighbour,,,,吵架,WH-HBW-01-01\n";

#[test]
fn import_field_reasons_are_in_chinese_under_lang_zh_and_unchanged_in_english() {
    let db = Db::demo(2);
    let file = db.file("rows.csv", BAD_ROWS.as_bytes());
    let before = db.case_count();
    for how in [Zh::Option, Zh::Locale] {
        let (code, err) = zh_run(&db, how, &["import", file.to_str().unwrap()]);
        assert_eq!(code, 1, "{how:?}: {err}");
        assert!(err.contains("rows.csv：发现 4 个问题；未导入任何内容"), "{how:?}: {err}");
        // Each reason is Chinese and names the field and the value (and what is allowed).
        for want in [
            "第 2 行，字段 category：未知的纠纷类别“nope”（可选：婚姻家庭、邻里、",
            "第 3 行，字段 applicant_phone：“12345”不是有效电话号码",
            "第 4 行，字段 applicant_id_no：“123”不是身份证号",
            "第 5 行，字段 applicant_name：缺失；不能为空",
        ] {
            assert!(err.contains(want), "{how:?}: {want} not in\n{err}");
        }
        for english in ["unknown category", "is not a phone number", "is not an id number", "is missing"] {
            assert!(!err.contains(english), "{how:?}: English {english:?} in\n{err}");
        }
    }
    let (code, _, err) = db.run(&["--lang", "en", "import", file.to_str().unwrap()]);
    assert_eq!(code, 1, "{err}");
    for want in [
        "rows.csv: 4 problems found; nothing was imported",
        "line 2, field category: unknown category \"nope\" (expected one of: marriage_family, neighbour,",
        "line 3, field applicant_phone: \"12345\" is not a phone number",
        "line 4, field applicant_id_no: \"123\" is not an id number",
        "line 5, field applicant_name: is missing; it must not be empty",
    ] {
        assert!(err.contains(want), "{want} not in\n{err}");
    }
    assert!(!chinese(&err.replace("张三", "").replace("吵架", "")), "{err}");
    assert_eq!(db.case_count(), before, "nothing was imported");
}

#[test]
fn add_field_reasons_are_in_chinese_under_lang_zh() {
    let db = Db::demo(2);
    let before = db.case_count();
    let base = ["add", "--source", "walk_in", "--category", "neighbour", "--summary", "吵架", "--area", "WH-HBW-01-01"];
    let args =
        [&base[..], &["--applicant-name", "张三", "--applicant-phone", "12345", "--applicant-id-no", "123"]].concat();
    let (code, err) = zh_run(&db, Zh::Option, &args);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("案件被拒收；未保存任何内容"), "{err}");
    assert!(err.contains("字段 applicant_phone：“12345”不是有效电话号码"), "{err}");
    assert!(err.contains("字段 applicant_id_no：“123”不是身份证号"), "{err}");
    let (code, _, err) = db.run(&args);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("field applicant_phone: \"12345\" is not a phone number"), "{err}");
    assert!(err.contains("field applicant_id_no: \"123\" is not an id number"), "{err}");
    let blank = [&base[..], &["--applicant-name", " "]].concat();
    let (code, err) = zh_run(&db, Zh::Locale, &blank);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("字段 applicant_name：不能为空"), "{err}");
    assert_eq!(db.case_count(), before);
}

mod tui_support;

/// The desk's intake form: its field errors are in the desk's language.
#[test]
fn the_desk_intake_form_refuses_in_the_desks_language() {
    use duty_desk::domain::Lang;
    use duty_desk::tui::action::Action;
    use duty_desk::tui::state::{update, Popup, State};
    use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

    fn type_into(s: &mut State, field: &str, text: &str) {
        let Some(Popup::Intake(p)) = &mut s.popup else { panic!("no intake form: {:?}", s.popup) };
        p.form.focus = p.form.fields.iter().position(|f| f.key == field).unwrap();
        for c in text.chars() {
            update(s, Action::Input(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE)));
        }
    }
    fn error_of(s: &State, field: &str) -> String {
        let Some(Popup::Intake(p)) = &s.popup else { panic!("the form closed: {:?}", s.popup) };
        p.form.fields.iter().find(|f| f.key == field).and_then(|f| f.error.clone()).unwrap_or_default()
    }

    let d = tui_support::desk();
    for lang in [Lang::Zh, Lang::En] {
        let mut s = tui_support::state(&d, lang, (100, 30));
        update(&mut s, Action::NewCase);
        type_into(&mut s, "applicant_phone", "12345");
        type_into(&mut s, "applicant_id_no", "123");
        type_into(&mut s, "amount_fen", "12a");
        update(&mut s, Action::Input(KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE)));
        let said = ["applicant_name", "applicant_phone", "applicant_id_no", "amount_fen"].map(|f| error_of(&s, f));
        match lang {
            Lang::Zh => assert_eq!(
                said,
                [
                    "不能为空",
                    "“12345”不是有效电话号码（手机如 13812345678，固话须带区号如 0473-2345678）",
                    "“123”不是身份证号（18 位：17 位数字加一位数字或 X）",
                    "“12a”不是以元为单位的金额（如 1200.50）",
                ]
            ),
            Lang::En => {
                assert_eq!(said[0], "must not be empty");
                assert!(said[1].starts_with("\"12345\" is not a phone number"), "{said:?}");
                assert!(said[3].contains("is not an amount in yuan"), "{said:?}");
            }
        }
    }
}

/// The theme and keymap refusals are worded in the officer's language.
#[test]
fn setting_errors_are_in_chinese() {
    use duty_desk::domain::Lang;
    use duty_desk::tui::keymap::Keymap;
    use duty_desk::tui::theme::Theme;

    let e = Keymap::with_overrides(Some(("keymap.toml", "bell = 3\n"))).unwrap_err();
    assert_eq!(e.words(Lang::Zh), "keymap：keymap.toml：bell 只能是 true 或 false");
    assert_eq!(e.words(Lang::En), "keymap: keymap.toml: bell must be true or false");
    let e = Keymap::with_overrides(Some(("keymap.toml", "nonsense = [\"x\"]\n"))).unwrap_err();
    assert!(e.words(Lang::Zh).contains("未知操作“nonsense”"), "{}", e.words(Lang::Zh));
    let e = Theme::load("no-such-theme").unwrap_err();
    assert!(e.words(Lang::Zh).starts_with("--theme：没有主题“no-such-theme”：请用 "), "{}", e.words(Lang::Zh));
    assert!(e.words(Lang::En).starts_with("--theme: no theme \"no-such-theme\": use one of "), "{}", e.words(Lang::En));
    let e = Theme::from_toml("name='x'\n[styles]\nborder={fg='nocolour'}").unwrap_err();
    assert_eq!(e.words(Lang::Zh), "theme：主题样式 border：未知颜色“nocolour”");
}

/// The success lines of init, check and backup follow the language.
#[test]
fn init_check_and_backup_say_so_in_chinese() {
    let dir = tempfile::TempDir::new().unwrap();
    let db = Db { path: dir.path().join("new.db"), dir };
    let out = |args: &[&str]| {
        let o = db.cmd(args).output().unwrap();
        assert!(o.status.success(), "{args:?}: {}", String::from_utf8_lossy(&o.stderr));
        String::from_utf8(o.stdout).unwrap()
    };
    let said = out(&["--lang", "zh", "init"]);
    assert!(said.contains("：已初始化，含 ") && said.contains("名调解员"), "{said}");
    assert_eq!(out(&["--lang", "zh", "check"]).trim(), "正常：完整性与外键检查通过");
    assert_eq!(out(&["--lang", "en", "check"]).trim(), "ok: integrity and foreign keys");
    let copy = db.dir.path().join("copy.db");
    let said = out(&["--lang", "zh", "backup", copy.to_str().unwrap()]);
    assert!(said.starts_with("已将 ") && said.contains("备份到"), "{said}");
    let said = out(&["--lang", "en", "backup", db.dir.path().join("copy2.db").to_str().unwrap()]);
    assert!(said.starts_with("backed up "), "{said}");
}

/// A CSV file of one valid case, received in a village of the demo organisation.
fn one_case_csv(db: &Db, name: &str) -> std::path::PathBuf {
    let csv = "received_at,source,category,applicant_name,summary,area\n\
               2023-01-01,walk_in,neighbour,张三,吵架,WH-HBW-01-01\n";
    db.file(name, csv.as_bytes())
}

/// The lines of write commands (import, escalate) follow the language; English is unchanged.
#[test]
fn write_command_lines_are_in_chinese_under_lang_zh() {
    let db = Db::demo(3);
    let file = one_case_csv(&db, "good.csv");
    let f = file.to_str().unwrap();
    let zh = |args: &[&str]| {
        let o = db.cmd(&[&["--lang", "zh"], args].concat()).output().unwrap();
        assert!(o.status.success(), "{args:?}: {}", String::from_utf8_lossy(&o.stderr));
        String::from_utf8(o.stdout).unwrap()
    };
    assert_eq!(zh(&["import", "--dry-run", f]).trim(), "正常：1 条 CSV 记录有效（试运行：未保存任何内容）");
    let said = zh(&["import", f]);
    assert!(said.starts_with("已从 CSV 导入 1 件案件"), "{said}");
    let (code, out, err) = db.run(&["--lang", "en", "import", "--dry-run", f]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(out.trim(), "ok: 1 CSV record(s) are valid (dry run: nothing was stored)");
    // The imported case, just received, goes one tier up.
    let r = said.split(['(', ')']).nth(1).unwrap_or_default().to_string();
    let said = zh(&["escalate", &r, "--reason", "案情复杂"]);
    assert!(said.starts_with(&format!("{r}：已上报至 ")) && said.contains("；待分派"), "{said}");
}

/// A rules file out of range is refused in Chinese, naming the key, its value and the range.
#[test]
fn a_bad_rules_file_is_refused_in_chinese() {
    let dir = tempfile::TempDir::new().unwrap();
    let db = Db { path: dir.path().join("new.db"), dir };
    let rules = db.file("rules.toml", b"[clocks]\nfollowup_days = 0\n");
    let (code, err) = zh_run(&db, Zh::Option, &["init", "--rules", rules.to_str().unwrap()]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("rules.toml：规则文件：followup_days = 0 超出范围（允许 1 到 "), "{err}");
    let (code, _, err) = db.run(&["init", "--rules", rules.to_str().unwrap()]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("rules.toml: rules file: followup_days = 0 is out of range (allowed: 1 to "), "{err}");
    assert!(!db.path.exists(), "nothing was created");
}

/// Import progress and a refused close are worded in Chinese under --lang zh.
#[test]
fn import_progress_and_a_blocked_close_are_in_chinese() {
    let db = Db::demo(2);
    let file = one_case_csv(&db, "one.csv");
    let o = db.cmd(&["--lang", "zh", "import", "--progress", file.to_str().unwrap()]).output().unwrap();
    let (out, err) = (String::from_utf8(o.stdout).unwrap(), String::from_utf8(o.stderr).unwrap());
    assert!(o.status.success(), "{err}");
    assert!(err.contains("导入：已读取、校验并暂存 1 行") && err.contains("导入：已发布 1/1 件案件"), "{err}");
    let r = out.split(['(', ')']).nth(1).unwrap_or_default().to_string();
    for args in [
        &["assign", &r, "1", "--force"][..],
        &["mediate", &r, "--place", "调解室"],
        &["resolve", &r, "--outcome", "resolved", "--on-the-spot"],
    ] {
        let (code, _, err) = db.run(args);
        assert_eq!(code, 0, "{args:?}: {err}");
    }
    let (code, err) = zh_run(&db, Zh::Option, &["close", &r]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains(&format!("{r} 尚不能结案：还有 1 次回访未完成；未作任何更改")), "{err}");
    let (code, _, err) = db.run(&["close", &r]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("cannot close yet: 1 follow-up visit(s) still due; nothing was changed"), "{err}");
}

/// A bad risk flag and a bad period are refused in Chinese.
#[test]
fn a_bad_risk_flag_and_a_bad_period_are_refused_in_chinese() {
    let db = Db::demo(1);
    let add =
        ["add", "--category", "neighbour", "--applicant-name", "张三", "--summary", "吵架", "--area", "WH-HBW-01-01"];
    let (code, err) = zh_run(&db, Zh::Option, &[&add[..], &["--risk-flags", "bogus"]].concat());
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("--risk-flags：未知的风险标记“bogus”（可选：群体性、舆情、民转刑"), "{err}");
    let (code, err) = zh_run(&db, Zh::Option, &["report", "--period", "2023-Q9"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("--period：“2023-Q9”不是期间"), "{err}");
    let (code, err) = zh_run(&db, Zh::Option, &["list", "--limit", "x"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("的值“x”无效：不是整数"), "{err}");
}

/// The command palette refuses in the desk's language.
#[test]
fn the_palette_refuses_in_the_desks_language() {
    use duty_desk::domain::Lang;
    use duty_desk::tui::action::Action;
    use duty_desk::tui::state::{update, Popup};
    use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

    let d = tui_support::desk();
    for (lang, line, want) in [
        (Lang::Zh, "frobnicate", "未知命令“frobnicate”"),
        (Lang::Zh, "filter category=gossip", "未知的纠纷类别“gossip”"),
        (Lang::Zh, "transfer WH-2023-00001 NOPE", "没有调解委员会“NOPE”"),
        (Lang::En, "frobnicate", "unknown command \"frobnicate\""),
    ] {
        let mut s = tui_support::state(&d, lang, (100, 30));
        update(&mut s, Action::Palette);
        for c in line.chars() {
            update(&mut s, Action::Input(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE)));
        }
        update(&mut s, Action::Input(KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE)));
        match &s.popup {
            Some(Popup::Message(m)) => assert!(!m.ok && m.text.contains(want), "{line}: {}", m.text),
            other => panic!("{line}: {other:?}"),
        }
    }
}

/// An unfinished import, as `check` lists it, in both languages.
#[test]
fn an_unfinished_import_is_described_in_chinese() {
    use duty_desk::domain::Lang;
    use duty_desk::store::staging::{ImportState, Unfinished};
    let u = Unfinished {
        id: 7,
        source: "big.csv".into(),
        actor: "alice".into(),
        pid: 42,
        state: ImportState::Publishing,
        staged: 100,
        published: 40,
        running: false,
    };
    let w = u.words();
    assert_eq!(w.en(), u.to_string());
    assert!(w.en().contains("stopped while publishing (40 of 100 case(s) published)"), "{w}");
    assert_eq!(
        w.get(Lang::Zh),
        "导入 7（big.csv，由 alice 运行，pid 42）：发布中途停止（已发布 40/100 件案件）；`duty-desk check --repair` 可发布其余部分"
    );
}

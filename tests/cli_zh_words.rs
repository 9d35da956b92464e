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

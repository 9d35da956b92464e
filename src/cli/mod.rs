//! The scripting CLI (DESIGN.md "Scripting contract"): parses the command line, runs one
//! subcommand against the same store and domain functions as the desk, and maps errors to exit
//! codes (0 ok, 1 error, 2 usage, 3 conflict).

mod actions;
mod aftercare;
pub mod args;
mod cases;
mod detail;
mod duty;
mod life;
mod org;
mod output;
mod report;
mod screening;
pub mod zh_help;

use std::io::Write;
use std::path::PathBuf;

use clap::{CommandFactory, FromArgMatches};

pub use args::Cli;
use args::Command;

use crate::domain::Lang;
use crate::error::{Error, Kind, Result};
use crate::store::Store;
use crate::tui::{self, DeskOptions};

/// Parses the process's arguments, runs the command and returns the exit code.
pub fn run() -> i32 {
    let args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    // The language is needed before clap reads the line: its help and usage errors use it.
    let asked = zh_help::lang_in_args(&args).unwrap_or_else(lang_from_env);
    let command = match asked {
        Lang::Zh => zh_help::localize(Cli::command()),
        Lang::En => Cli::command(),
    };
    let cli = match command.try_get_matches_from(&args).and_then(|m| Cli::from_arg_matches(&m)) {
        Ok(cli) => cli,
        Err(e) => {
            match asked {
                Lang::En => {
                    let _ = e.print();
                }
                Lang::Zh => {
                    let text = zh_help::error_text(&e);
                    let _ = match e.use_stderr() {
                        true => write!(std::io::stderr(), "{text}"),
                        false => write!(std::io::stdout(), "{text}"),
                    };
                }
            }
            return e.exit_code();
        }
    };
    let lang = cli.lang.map(Lang::from).unwrap_or_else(lang_from_env);
    match execute(cli, lang) {
        Ok(()) => 0,
        Err(e) if e.kind() == Kind::BrokenPipe => 0,
        Err(e) => {
            // Not `eprintln!`: it panics when stderr is a terminal that hung up.
            let _ = writeln!(std::io::stderr(), "duty-desk: {}", output::clean_message(&e.words(lang)));
            e.exit_code()
        }
    }
}

/// What every command needs besides its own arguments.
pub(crate) struct Context {
    /// The database file.
    pub db: PathBuf,
    /// Language of human output.
    pub lang: Lang,
    /// Open read-only.
    pub read_only: bool,
    /// Theme for the desk.
    pub theme: Option<String>,
    /// The desk reports the mouse (not `--no-mouse`).
    pub mouse: bool,
}

impl Context {
    /// Opens the existing database (read-only when asked).
    pub fn open(&self) -> Result<Store> {
        Store::open(&self.db, self.read_only)
    }

    /// Opens the existing database for a write; refused up front when `--read-only`. A write
    /// that waits more than a second for another writer (a desk, an import's batch) says so on
    /// stderr; the write itself runs the quick check first (`store::health`).
    pub fn open_for_write(&self) -> Result<Store> {
        if self.read_only {
            return Err(Error::ReadOnlyAsked);
        }
        let waiting = crate::msg!(
            "waiting for the database: another process is writing (it may be an import between its batches)…",
            "正在等待数据库：另一进程正在写入（可能是两批之间的导入）……"
        );
        let lang = self.lang;
        crate::store::wait::on_long_wait(move || {
            let _ = writeln!(std::io::stderr(), "duty-desk: {}", waiting.get(lang));
        });
        Store::open(&self.db, false)
    }

    /// The desk's start options.
    pub fn desk(&self) -> DeskOptions {
        DeskOptions {
            db: self.db.clone(),
            theme: self.theme.clone(),
            lang: self.lang,
            read_only: self.read_only,
            mouse: self.mouse,
        }
    }
}

fn execute(cli: Cli, lang: Lang) -> Result<()> {
    let ctx = Context { db: db_path(cli.db)?, lang, read_only: cli.read_only, theme: cli.theme, mouse: !cli.no_mouse };
    let Some(command) = cli.command else {
        return tui::run(ctx.desk());
    };
    match command {
        Command::Demo(a) => org::demo(&ctx, &a),
        Command::Init(a) => org::init(&ctx, &a),
        Command::Add(a) => cases::add(&ctx, &a),
        Command::Import(a) => cases::import(&ctx, &a),
        Command::List(a) => cases::list(&ctx, &a),
        Command::Show(a) => cases::show(&ctx, &a),
        Command::Mediators(a) => org::mediators(&ctx, &a),
        Command::Duty(a) => duty::duty(&ctx, &a),
        Command::Assign(a) => actions::assign(&ctx, &a),
        Command::Escalate(a) => actions::escalate(&ctx, &a),
        Command::Transfer(a) => actions::transfer(&ctx, &a),
        Command::Resolve(a) => life::resolve(&ctx, &a),
        Command::Mediate(a) => life::mediate(&ctx, &a),
        Command::Fail(a) => life::fail(&ctx, &a),
        Command::Withdraw(a) => life::withdraw(&ctx, &a),
        Command::Extend(a) => life::extend(&ctx, &a),
        Command::Judicial(a) => life::judicial(&ctx, &a),
        Command::Refer(a) => life::refer(&ctx, &a),
        Command::Close(a) => life::close(&ctx, &a),
        Command::Followup(a) => actions::followup(&ctx, &a),
        Command::Rectify(a) => aftercare::rectify(&ctx, &a),
        Command::Arrive(a) => aftercare::arrive(&ctx, &a),
        Command::Screening(a) => screening::screening(&ctx, &a),
        Command::Report(a) => report::report(&ctx, &a),
        Command::Check(a) => report::check(&ctx, &a),
        Command::Backup(a) => report::backup(&ctx, &a),
    }
}

/// `--db`, else `$DUTY_DESK_DB` (clap reads it), else `duty-desk.db` in the platform data dir.
fn db_path(given: Option<PathBuf>) -> Result<PathBuf> {
    if let Some(p) = given.filter(|p| !p.as_os_str().is_empty()) {
        return Ok(p);
    }
    directories::ProjectDirs::from("org", "duty-desk", "duty-desk")
        .map(|d| d.data_dir().join("duty-desk.db"))
        .ok_or_else(|| {
            Error::Usage(crate::msg!(
                "cannot find a home directory for the database; give --db PATH",
                "找不到用于存放数据库的主目录；请用 --db PATH 指定"
            ))
        })
}

/// Chinese when the locale (LC_ALL, else LC_MESSAGES, else LANG) starts with `zh`.
fn lang_from_env() -> Lang {
    let locale = ["LC_ALL", "LC_MESSAGES", "LANG"]
        .iter()
        .filter_map(|k| std::env::var(k).ok())
        .find(|v| !v.is_empty())
        .unwrap_or_default();
    if locale.starts_with("zh") {
        Lang::Zh
    } else {
        Lang::En
    }
}

//! The command line as clap structs: DESIGN.md's scripting contract in one place.

use std::path::PathBuf;

use chrono::NaiveDate;
use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::domain::{
    AgreementForm, Category, Complexity, ExtensionConsent, FollowupChannel, FollowupOutcome, Lang, OfficeTz,
    ReferralKind, RiskLevel, Source, Status, ToldRoute,
};
use crate::error::Msg;
use crate::ingest::record::{parse_date, parse_time};

/// The duty desk of a joint people's mediation office (人民调解): live queues of incoming
/// disputes, routing, workload and follow-ups, plus a scripting interface.
#[derive(Debug, Parser)]
#[command(name = "duty-desk", version, about, long_about = None, propagate_version = true)]
#[command(after_help = "Without a subcommand, opens the desk (the terminal UI) on the database.\n\
Exit codes: 0 ok, 1 error, 2 usage, 3 conflict (someone else changed it first).")]
pub struct Cli {
    /// The database file [default: $DUTY_DESK_DB, else duty-desk.db in the platform data dir]
    #[arg(
        long,
        global = true,
        help_heading = "Global options",
        value_name = "PATH",
        env = "DUTY_DESK_DB",
        hide_env = true
    )]
    pub db: Option<PathBuf>,
    /// Language of the desk and of human output [default: zh when LC_ALL/LC_MESSAGES/LANG start with "zh", else en]
    #[arg(long, global = true, help_heading = "Global options", value_enum, value_name = "LANG")]
    pub lang: Option<LangArg>,
    /// Colour theme of the desk: default, light, high-contrast, mono, or a path to a theme TOML
    #[arg(long, global = true, help_heading = "Global options", value_name = "NAME")]
    pub theme: Option<String>,
    /// Open the database for viewing only: every write is refused
    #[arg(long, global = true, help_heading = "Global options")]
    pub read_only: bool,
    /// Leave the mouse to the terminal (no clicks or wheel in the desk; also `mouse = false` in keymap.toml)
    #[arg(long, global = true, help_heading = "Global options")]
    pub no_mouse: bool,
    /// What to do; without one, the desk opens
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// A language on the command line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LangArg {
    /// English
    En,
    /// 简体中文
    Zh,
}

impl From<LangArg> for Lang {
    fn from(l: LangArg) -> Lang {
        match l {
            LangArg::En => Lang::En,
            LangArg::Zh => Lang::Zh,
        }
    }
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Create and fill a demo database (Wuhai-like organisation, generated cases), then open the desk with simulated live intake
    Demo(DemoArgs),
    /// Create the schema and load the organisation (the embedded demo one when no --org is given)
    Init(InitArgs),
    /// Add one case from flags, or from a JSON record (`--json -` reads stdin); prints its ref
    Add(Box<AddArgs>),
    /// Import cases from a CSV or JSON file: all or nothing; every error names its line and field
    Import(ImportArgs),
    /// List cases, newest first (table, or JSON records with --json)
    List(ListArgs),
    /// Show one case with its follow-ups and audit trail
    Show(ShowArgs),
    /// List mediators with their committees, load, capacity and overdue cases
    Mediators(MediatorsArgs),
    /// Put a mediator on or off duty (by id or exact name); suggestions and auto-assign skip those off duty
    Duty(DutyArgs),
    /// Assign a case to a lead mediator (by id or exact name)
    Assign(AssignArgs),
    /// Move a case one tier up (same committee kind where the higher tier has one, else
    /// geographic), with a required reason; it lands unassigned in that committee's queue
    Escalate(EscalateArgs),
    /// Re-route a case to another committee that covers its area; it lands unassigned
    Transfer(TransferArgs),
    /// Record how mediation ended: resolved (agreement), failed or withdrawn
    Resolve(ResolveArgs),
    /// Record the first mediation session (date, place, mediators present): the case is mediating
    Mediate(MediateArgs),
    /// Record that mediation failed: the reason and the route the parties were told
    Fail(FailArgs),
    /// Record that the parties withdrew
    Withdraw(WithdrawArgs),
    /// Extend the mediation clock with the consent it needs, within the statutory limits
    Extend(ExtendArgs),
    /// Record the parties' application for judicial confirmation (司法确认) of the agreement
    Judicial(JudicialArgs),
    /// Refer a failed case onward to a court, arbitration, the police or an administrative body
    Refer(ReferArgs),
    /// Close a resolved case: performance confirmed, visits done, no rectification item open
    Close(CloseArgs),
    /// Record the outcome of a case's next due follow-up visit (回访)
    Followup(FollowupArgs),
    /// The rectification list (整改清单): list, assign, close or reopen items
    Rectify(super::aftercare::RectifyArgs),
    /// Record when the lead mediator reported on site (到场)
    Arrive(super::aftercare::ArriveArgs),
    /// The screening duties (三个一): what is due, record one, list records
    Screening(super::screening::ScreeningArgs),
    /// The period's statistics: cases, success rate, amount, by category and by source
    Report(ReportArgs),
    /// Check the database's integrity and foreign keys, and list unfinished imports (exit 1 on problems)
    Check(CheckArgs),
    /// Write a consistent copy of the database to a new file, safe while desks are running
    Backup(BackupArgs),
}

/// `demo`.
#[derive(Debug, Args)]
pub struct DemoArgs {
    /// How many cases to generate into a new (or empty) database; 0 = the organisation only
    #[arg(long, value_name = "N", default_value_t = 20_000)]
    pub cases: usize,
    /// Seed of the generator: the same seed gives the same cases
    #[arg(long, value_name = "S", default_value_t = 2023)]
    pub seed: u64,
    /// Only create and fill the database; do not open the desk
    #[arg(long)]
    pub no_tui: bool,
    /// Simulated live intake: a new dispute every SECS seconds while the desk is open (0 = off)
    #[arg(long, value_name = "SECS", default_value_t = 5)]
    pub intake_every: u64,
    /// Generate this office year, calibrated so its report from 1 January to --as-of gives the
    /// city's published figures (2023 Q1–Q3: 4085 mediated, 4084 successful, 14706.94 万元, 89
    /// applications for judicial confirmation); --cases is then ignored
    #[arg(long, value_name = "YEAR")]
    pub year: Option<i32>,
    /// The demo's "now" for --year: the end of this office day [default: 30 September]
    #[arg(long, value_name = "DATE", value_parser = cli_date, requires = "year")]
    pub as_of: Option<chrono::NaiveDate>,
    /// Print JSON (the database, how many cases and screenings were added) and do not open the desk
    #[arg(long)]
    pub json: bool,
}

/// `init`.
#[derive(Debug, Args)]
pub struct InitArgs {
    /// The organisation as JSON (areas, committees, mediators); default: the embedded demo organisation
    #[arg(long, value_name = "FILE")]
    pub org: Option<PathBuf>,
    /// Routing rules and clocks as TOML (keys not given keep their defaults)
    #[arg(long, value_name = "FILE")]
    pub rules: Option<PathBuf>,
    /// Print JSON: the database and how many areas, committees and mediators it holds
    #[arg(long)]
    pub json: bool,
}

/// `add`: one case, from flags or from a JSON record.
#[derive(Debug, Args)]
pub struct AddArgs {
    /// Read one JSON record from FILE ('-' = stdin) instead of flags; the output is then JSON too.
    /// Given without FILE, only switches the output to JSON.
    #[arg(long, value_name = "FILE", num_args = 0..=1, default_missing_value = "")]
    pub json: Option<String>,
    /// When the dispute reached the desk: YYYY-MM-DD[ HH:MM[:SS]] office time, or RFC 3339 [default: now]
    #[arg(long, value_name = "TIME", value_parser = typed_time)]
    pub received_at: Option<String>,
    /// How it arrived (the code, or the zh/en label) [default: walk_in]
    #[arg(long, value_name = "SOURCE", ignore_case = true)]
    pub source: Option<Source>,
    /// Category (the code, or the zh/en label)
    #[arg(long, value_name = "CATEGORY", ignore_case = true)]
    pub category: Option<Category>,
    /// Applicant's full name (required)
    #[arg(long, value_name = "NAME")]
    pub applicant_name: Option<String>,
    /// Applicant's phone number
    #[arg(long, value_name = "PHONE")]
    pub applicant_phone: Option<String>,
    /// Applicant's national id number
    #[arg(long, value_name = "ID")]
    pub applicant_id_no: Option<String>,
    /// Respondent's full name
    #[arg(long, value_name = "NAME")]
    pub respondent_name: Option<String>,
    /// Respondent's phone number
    #[arg(long, value_name = "PHONE")]
    pub respondent_phone: Option<String>,
    /// Respondent's national id number
    #[arg(long, value_name = "ID")]
    pub respondent_id_no: Option<String>,
    /// What the dispute is about (required)
    #[arg(long, value_name = "TEXT")]
    pub summary: Option<String>,
    /// Amount involved in yuan, e.g. 1200.50
    #[arg(long, value_name = "YUAN", value_parser = cli_yuan)]
    pub amount: Option<i64>,
    /// Code of the village/community where it arose, e.g. WH-HBW-01-01 (required)
    #[arg(long, value_name = "CODE")]
    pub area: Option<String>,
    /// Complexity [default: general]
    #[arg(long, value_name = "LEVEL", ignore_case = true)]
    pub complexity: Option<Complexity>,
    /// Risk flags, comma-separated: mass, media, criminal
    #[arg(long, value_name = "FLAGS")]
    pub risk_flags: Option<String>,
    /// Risk colour [default: none]
    #[arg(long, value_name = "LEVEL", ignore_case = true)]
    pub risk_level: Option<RiskLevel>,
    /// Joint-office partners, ';'-separated
    #[arg(long, value_name = "LIST")]
    pub partners: Option<String>,
}

/// `import`.
#[derive(Debug, Args)]
pub struct ImportArgs {
    /// CSV (header row = field names) or JSON (an array of records, or one record per line); chosen by extension, else by content
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
    /// Only read and validate the file; store nothing
    #[arg(long)]
    pub dry_run: bool,
    /// Print JSON: the file's format, how many records, whether stored, and the first and last new refs
    #[arg(long)]
    pub json: bool,
    /// Print progress (rows staged, cases published) to stderr even when it is not a terminal
    #[arg(long)]
    pub progress: bool,
}

/// `list`.
#[derive(Debug, Args)]
pub struct ListArgs {
    /// Only cases with this status
    #[arg(long, value_name = "S", ignore_case = true)]
    pub status: Option<Status>,
    /// Only cases nobody has been assigned yet
    #[arg(long)]
    pub unassigned: bool,
    /// Only open cases past their assignment or mediation deadline
    #[arg(long)]
    pub overdue: bool,
    /// Only cases routed to this committee (its code)
    #[arg(long, value_name = "C")]
    pub committee: Option<String>,
    /// At most N cases; 0 = all of them (streamed)
    #[arg(long, value_name = "N", default_value_t = 50)]
    pub limit: usize,
    /// Print a JSON array of case records (the shape `add --json -` and `import` accept)
    #[arg(long)]
    pub json: bool,
    /// Show phone and id numbers unmasked (audited; at most 10000 cases)
    #[arg(long)]
    pub reveal: bool,
    /// Only agreements whose judicial-confirmation window closes within the warning days and
    /// that have no application yet
    #[arg(long)]
    pub jc_due: bool,
}

/// `show`.
#[derive(Debug, Args)]
pub struct ShowArgs {
    /// The case's ref, e.g. WH-2023-04085
    #[arg(value_name = "REF")]
    pub reference: String,
    /// Print the case as one JSON record (the shape `add --json -` accepts)
    #[arg(long)]
    pub json: bool,
    /// Show phone and id numbers unmasked (recorded in the audit log)
    #[arg(long)]
    pub reveal: bool,
}

/// `mediators`.
#[derive(Debug, Args)]
pub struct MediatorsArgs {
    /// Only mediators sitting on this committee (its code)
    #[arg(long, value_name = "C")]
    pub committee: Option<String>,
    /// Print JSON
    #[arg(long)]
    pub json: bool,
}

/// On or off duty.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DutyState {
    /// On duty: offered in suggestions and auto-assign
    On,
    /// Off duty: skipped by suggestions and auto-assign
    Off,
}

/// `duty`.
#[derive(Debug, Args)]
pub struct DutyArgs {
    /// The mediator's id or exact name
    #[arg(value_name = "MEDIATOR")]
    pub mediator: String,
    /// on or off
    #[arg(value_name = "on|off", ignore_case = true)]
    pub state: DutyState,
    /// Print JSON
    #[arg(long)]
    pub json: bool,
}

/// `assign`.
#[derive(Debug, Args)]
pub struct AssignArgs {
    /// The case's ref
    #[arg(value_name = "REF")]
    pub reference: String,
    /// The mediator: id or exact name
    #[arg(value_name = "MEDIATOR")]
    pub mediator: String,
    /// Fail with exit 3 if someone assigned the case first
    #[arg(long)]
    pub if_unassigned: bool,
    /// Assign even when the mediator is at capacity
    #[arg(long)]
    pub force: bool,
    /// Print the case afterwards as one JSON record (the shape `show --json` prints)
    #[arg(long)]
    pub json: bool,
}

/// A command that takes only a case ref.
#[derive(Debug, Args)]
pub struct RefArgs {
    /// The case's ref
    #[arg(value_name = "REF")]
    pub reference: String,
    /// Print the case afterwards as one JSON record (the shape `show --json` prints)
    #[arg(long)]
    pub json: bool,
}

/// `escalate`.
#[derive(Debug, Args)]
pub struct EscalateArgs {
    /// The case's ref
    #[arg(value_name = "REF")]
    pub reference: String,
    /// Why the case goes up a tier (required; recorded in the audit trail)
    #[arg(long, value_name = "TEXT")]
    pub reason: String,
    /// Print the case afterwards as one JSON record (the shape `show --json` prints)
    #[arg(long)]
    pub json: bool,
}

/// `transfer`.
#[derive(Debug, Args)]
pub struct TransferArgs {
    /// The case's ref
    #[arg(value_name = "REF")]
    pub reference: String,
    /// The code of the committee to send it to (it must cover the case's area)
    #[arg(value_name = "COMMITTEE")]
    pub committee: String,
    /// Print the case afterwards as one JSON record (the shape `show --json` prints)
    #[arg(long)]
    pub json: bool,
}

/// `resolve`.
#[derive(Debug, Args)]
pub struct ResolveArgs {
    /// The case's ref
    #[arg(value_name = "REF")]
    pub reference: String,
    /// How mediation ended: resolved, failed or withdrawn
    #[arg(long, value_name = "OUTCOME", value_parser = parse_finish)]
    pub outcome: Status,
    /// The agreement's form when resolved [default: written]
    #[arg(long, value_name = "FORM", ignore_case = true)]
    pub agreement: Option<AgreementForm>,
    /// The agreed performance date (the first follow-up falls on it)
    #[arg(long, value_name = "DATE", value_parser = typed_time)]
    pub performance_due: Option<String>,
    /// Outcome note
    #[arg(long, value_name = "TEXT", default_value = "")]
    pub note: String,
    /// The agreement was performed on the spot (no later performance date)
    #[arg(long, conflicts_with = "performance_due")]
    pub on_the_spot: bool,
    /// The amount agreed, in yuan, e.g. 1200.50
    #[arg(long, value_name = "YUAN", value_parser = cli_yuan)]
    pub amount_agreed: Option<i64>,
    /// When failed: the route the parties were told (litigation, arbitration, administrative, police)
    #[arg(long, value_name = "ROUTE", ignore_case = true)]
    pub route: Option<ToldRoute>,
    #[command(flatten)]
    pub write: WriteOpts,
}

/// What every life-cycle command takes besides its own arguments.
#[derive(Debug, Args)]
pub struct WriteOpts {
    /// Print the case afterwards as one JSON record (the shape `show --json` prints)
    #[arg(long)]
    pub json: bool,
    /// Fail with exit 3 unless the case still has this version [default: the version read at the start]
    #[arg(long, value_name = "V")]
    pub if_version: Option<i64>,
}

/// `mediate`.
#[derive(Debug, Args)]
pub struct MediateArgs {
    /// The case's ref
    #[arg(value_name = "REF")]
    pub reference: String,
    /// When the first session was held [default: now]
    #[arg(long, value_name = "TIME", value_parser = typed_time)]
    pub date: Option<String>,
    /// Where it was held
    #[arg(long, value_name = "TEXT")]
    pub place: String,
    /// The mediators present, ';'-separated [default: the lead]
    #[arg(long, value_name = "LIST", default_value = "")]
    pub mediators: String,
    #[command(flatten)]
    pub write: WriteOpts,
}

/// `fail`.
#[derive(Debug, Args)]
pub struct FailArgs {
    /// The case's ref
    #[arg(value_name = "REF")]
    pub reference: String,
    /// Why mediation failed
    #[arg(long, value_name = "TEXT")]
    pub reason: String,
    /// The route the parties were told (litigation, arbitration, administrative, police)
    #[arg(long, value_name = "ROUTE", ignore_case = true)]
    pub route: ToldRoute,
    #[command(flatten)]
    pub write: WriteOpts,
}

/// `withdraw`.
#[derive(Debug, Args)]
pub struct WithdrawArgs {
    /// The case's ref
    #[arg(value_name = "REF")]
    pub reference: String,
    /// Note
    #[arg(long, value_name = "TEXT", default_value = "")]
    pub note: String,
    #[command(flatten)]
    pub write: WriteOpts,
}

/// `extend`.
#[derive(Debug, Args)]
pub struct ExtendArgs {
    /// The case's ref
    #[arg(value_name = "REF")]
    pub reference: String,
    /// Whose consent: parties (both), or court (for a court referral)
    #[arg(long, value_name = "WHO", ignore_case = true)]
    pub consent: ExtensionConsent,
    /// Days to add to the mediation clock
    #[arg(long, value_name = "N")]
    pub days: i64,
    #[command(flatten)]
    pub write: WriteOpts,
}

/// `judicial`.
#[derive(Debug, Args)]
pub struct JudicialArgs {
    /// The case's ref
    #[arg(value_name = "REF")]
    pub reference: String,
    /// When the parties applied [default: now]
    #[arg(long, value_name = "DATE", value_parser = typed_time)]
    pub date: Option<String>,
    /// The court applied to
    #[arg(long, value_name = "NAME")]
    pub court: String,
    #[command(flatten)]
    pub write: WriteOpts,
}

/// `refer`.
#[derive(Debug, Args)]
pub struct ReferArgs {
    /// The case's ref
    #[arg(value_name = "REF")]
    pub reference: String,
    /// The kind of receiving body: court, arbitration, police, administrative
    #[arg(long, value_name = "KIND", ignore_case = true)]
    pub to: ReferralKind,
    /// The receiving body's name
    #[arg(long, value_name = "NAME")]
    pub body: String,
    /// When the case was handed over [default: now]
    #[arg(long, value_name = "DATE", value_parser = typed_time)]
    pub date: Option<String>,
    #[command(flatten)]
    pub write: WriteOpts,
}

/// `close`.
#[derive(Debug, Args)]
pub struct CloseArgs {
    /// The case's ref
    #[arg(value_name = "REF")]
    pub reference: String,
    #[command(flatten)]
    pub write: WriteOpts,
}

/// `followup`.
#[derive(Debug, Args)]
pub struct FollowupArgs {
    /// The case's ref
    #[arg(value_name = "REF")]
    pub reference: String,
    /// What the visit found
    #[arg(long, value_name = "OUTCOME", ignore_case = true)]
    pub outcome: FollowupOutcome,
    /// How it was made
    #[arg(long, value_name = "CHANNEL", default_value = "phone", ignore_case = true)]
    pub channel: FollowupChannel,
    /// Who made the visit
    #[arg(long = "by", value_name = "NAME", default_value = "")]
    pub visitor: String,
    /// Note
    #[arg(long, value_name = "TEXT", default_value = "")]
    pub note: String,
    /// Print the case afterwards as one JSON record (the shape `show --json` prints)
    #[arg(long)]
    pub json: bool,
}

/// `report`.
#[derive(Debug, Args)]
pub struct ReportArgs {
    /// The period: month, quarter, year or ytd (the current one, in the office's time zone), or
    /// a period code: 2023, 2023-Q3, 2023-09, 2023-W05, 2023-01-01..2023-09-30 [default: ytd]
    #[arg(long, value_name = "PERIOD", conflicts_with_all = ["from", "to"])]
    pub period: Option<String>,
    /// First day of the period, YYYY-MM-DD [default: 1 January of the last day's year]
    #[arg(long, value_name = "DATE", value_parser = cli_date)]
    pub from: Option<NaiveDate>,
    /// Last day of the period, YYYY-MM-DD [default: today]
    #[arg(long, value_name = "DATE", value_parser = cli_date)]
    pub to: Option<NaiveDate>,
    /// Break the figures down by district, town, committee, mediator, category or source (one
    /// or more, repeated or comma-separated)
    #[arg(long, value_name = "DIM", value_delimiter = ',', value_parser = cli_dimension)]
    pub by: Vec<crate::domain::stats::Dimension>,
    /// Print JSON
    #[arg(long, conflicts_with = "csv")]
    pub json: bool,
    /// Print CSV (the headline, then every breakdown row)
    #[arg(long)]
    pub csv: bool,
}

/// `check`.
#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Also finish imports whose process stopped: publish the rest of one stopped while publishing,
    /// remove the staged rows of one stopped before
    #[arg(long)]
    pub repair: bool,
}

/// `backup`.
#[derive(Debug, Args)]
pub struct BackupArgs {
    /// The new file to write (must not exist)
    #[arg(value_name = "DEST")]
    pub dest: PathBuf,
    /// Print JSON: the database, the copy and its size in bytes
    #[arg(long)]
    pub json: bool,
}

// The value parsers refuse in both languages ([`Msg`]): clap prints the English, a zh usage
// error the Chinese.

/// A typed time, checked for its form here and read in the office's zone (the store's policy)
/// by the command ([`parse_time`]).
fn typed_time(s: &str) -> Result<String, Msg> {
    parse_time(s, OfficeTz::default()).map(|_| s.to_string())
}

/// A calendar day, YYYY-MM-DD.
pub(crate) fn cli_date(s: &str) -> Result<NaiveDate, Msg> {
    parse_date(s)
}

/// An amount in yuan, kept in fen.
fn cli_yuan(s: &str) -> Result<i64, Msg> {
    crate::domain::text::parse_yuan(s)
        .map_err(|en| Msg::new(en, format!("“{}”不是以元计的金额（如 1200.50）", s.trim())))
}

/// A breakdown of the statistics.
fn cli_dimension(s: &str) -> Result<crate::domain::stats::Dimension, Msg> {
    crate::domain::stats::Dimension::parse(s).map_err(|en| {
        let t = s.trim();
        Msg::new(en, format!("“{t}”不是可用的分组（可选 district、town、committee、mediator、category、source）"))
    })
}

fn parse_finish(s: &str) -> Result<Status, Msg> {
    let t = s.trim();
    match s.parse::<Status>() {
        Ok(s @ (Status::Resolved | Status::Failed | Status::Withdrawn)) => Ok(s),
        Ok(other) => {
            let z = other.zh();
            Err(crate::msg!(
                "{other} is not an outcome (expected resolved, failed or withdrawn)",
                "“{z}”不是结果（应为 resolved、failed 或 withdrawn）"
            ))
        }
        Err(en) => Err(Msg::new(en, format!("“{t}”不是案件状态"))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn the_command_line_is_well_formed() {
        Cli::command().debug_assert();
    }
}

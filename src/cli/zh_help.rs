//! The command line in Chinese: when zh is chosen (`--lang zh`, or a `zh_*` locale), clap's help
//! is built from the derive's `Command` with every English `about`/`help` swapped for its
//! Chinese words from one table ([`ZH`], keyed by the English text, which stays the derive's
//! docs), and clap's usage errors are worded in Chinese ([`error_text`]).

use clap::error::{ContextKind, ContextValue, ErrorKind};
use clap::Command;

use crate::domain::Lang;

/// English help text → Chinese. A text missing here stays English (the test
/// `tests/cli_zh_words.rs` lists any).
pub const ZH: &[(&str, &str)] = &[
    ("Terminal duty desk for a city's joint people's mediation office (人民调解)", "人民调解联合值班台：终端界面与脚本接口"),
    ("Without a subcommand, opens the desk (the terminal UI) on the database.\nExit codes: 0 ok, 1 error, 2 usage, 3 conflict (someone else changed it first).", "不带子命令时，在数据库上打开值班台（终端界面）。\n退出码：0 成功，1 出错，2 用法错误，3 冲突（已被他人先行修改）。"),
    ("The database file [default: $DUTY_DESK_DB, else duty-desk.db in the platform data dir]", "数据库文件［默认：$DUTY_DESK_DB，否则为平台数据目录中的 duty-desk.db］"),
    ("Language of the desk and of human output [default: zh when LC_ALL/LC_MESSAGES/LANG start with \"zh\", else en]", "值班台与文字输出的语言［默认：LC_ALL/LC_MESSAGES/LANG 以“zh”开头时为 zh，否则为 en］"),
    ("Colour theme of the desk: default, light, high-contrast, mono, or a path to a theme TOML", "值班台配色：default、light、high-contrast、mono，或主题 TOML 文件路径"),
    ("Open the database for viewing only: every write is refused", "只读打开数据库：拒绝一切写入"),
    ("Leave the mouse to the terminal (no clicks or wheel in the desk; also `mouse = false` in keymap.toml)", "不接管鼠标（值班台不响应点击与滚轮；也可在 keymap.toml 中写 `mouse = false`）"),
    ("Print help (see more with '--help')", "显示帮助（--help 显示更多）"),
    ("Print help (see a summary with '-h')", "显示帮助（-h 显示摘要）"),
    ("Print help", "显示帮助"),
    ("Print version", "显示版本"),
    ("English", "英文"),
    ("简体中文", "简体中文"),
    ("On duty: offered in suggestions and auto-assign", "在岗：出现在推荐与自动分派中"),
    ("Off duty: skipped by suggestions and auto-assign", "不在岗：推荐与自动分派跳过"),
    ("Print this message or the help of the given subcommand(s)", "显示本帮助或指定子命令的帮助"),
    ("Create and fill a demo database (Wuhai-like organisation, generated cases), then open the desk with simulated live intake", "创建并填充演示数据库（仿乌海的组织与生成的案件），然后打开值班台并模拟实时收案"),
    ("How many cases to generate into a new (or empty) database; 0 = the organisation only", "向新的（或空的）数据库生成多少件案件；0 表示只建组织"),
    ("Seed of the generator: the same seed gives the same cases", "生成器种子：相同的种子生成相同的案件"),
    ("Only create and fill the database; do not open the desk", "只创建并填充数据库，不打开值班台"),
    ("Simulated live intake: a new dispute every SECS seconds while the desk is open (0 = off)", "模拟实时收案：值班台打开期间每 SECS 秒来一件新纠纷（0 为关闭）"),
    ("Generate this office year, calibrated so its report from 1 January to --as-of gives the city's published figures (2023 Q1–Q3: 4085 mediated, 4084 successful, 14706.94 万元, 89 applications for judicial confirmation); --cases is then ignored", "生成这一办公年度，并校准使其 1 月 1 日至 --as-of 的报表与本市公布的数字一致（2023 年前三季度：调解 4085 件，成功 4084 件，涉及金额 14706.94 万元，申请司法确认 89 件）；此时忽略 --cases"),
    ("The demo's \"now\" for --year: the end of this office day [default: 30 September]", "--year 演示的“当前时间”：该办公日结束时［默认：9 月 30 日］"),
    ("Create the schema and load the organisation (the embedded demo one when no --org is given)", "建立数据库结构并载入组织（未给 --org 时载入内置演示组织）"),
    ("The organisation as JSON (areas, committees, mediators); default: the embedded demo organisation", "组织 JSON 文件（地区、调委会、调解员）；默认：内置演示组织"),
    ("Routing rules and clocks as TOML (keys not given keep their defaults)", "分流规则与时限 TOML 文件（未给出的项保持默认）"),
    ("Add one case from flags, or from a JSON record (`--json -` reads stdin); prints its ref", "按参数或一条 JSON 记录（`--json -` 读标准输入）新增一件案件；输出其编号"),
    ("Read one JSON record from FILE ('-' = stdin) instead of flags; the output is then JSON too. Given without FILE, only switches the output to JSON", "从 FILE（'-' 为标准输入）读取一条 JSON 记录代替参数，输出也为 JSON。不带 FILE 时只把输出改为 JSON"),
    ("When the dispute reached the desk: YYYY-MM-DD[ HH:MM[:SS]] office time, or RFC 3339 [default: now]", "纠纷到达值班台的时间：办公时区的 YYYY-MM-DD[ HH:MM[:SS]]，或 RFC 3339［默认：现在］"),
    ("How it arrived (the code, or the zh/en label) [default: walk_in]", "来源（代码或中英文名称）［默认：walk_in 来访］"),
    ("Category (the code, or the zh/en label)", "纠纷类别（代码或中英文名称）"),
    ("Applicant's full name (required)", "申请人姓名（必填）"),
    ("Applicant's phone number", "申请人电话"),
    ("Applicant's national id number", "申请人身份证号"),
    ("Respondent's full name", "被申请人姓名"),
    ("Respondent's phone number", "被申请人电话"),
    ("Respondent's national id number", "被申请人身份证号"),
    ("What the dispute is about (required)", "纠纷简要情况（必填）"),
    ("Amount involved in yuan, e.g. 1200.50", "涉及金额（元），如 1200.50"),
    ("Code of the village/community where it arose, e.g. WH-HBW-01-01 (required)", "纠纷发生地村（居）代码，如 WH-HBW-01-01（必填）"),
    ("Complexity [default: general]", "复杂程度［默认：general 一般］"),
    ("Risk flags, comma-separated: mass, media, criminal", "风险标记，逗号分隔：mass 群体性、media 舆情、criminal 民转刑"),
    ("Risk colour [default: none]", "风险等级颜色［默认：none 无］"),
    ("Joint-office partners, ';'-separated", "联合调处单位，以“;”分隔"),
    ("Import cases from a CSV or JSON file: all or nothing; every error names its line and field", "从 CSV 或 JSON 文件导入案件：全部成功或全部不导入；每个错误注明行与字段"),
    ("CSV (header row = field names) or JSON (an array of records, or one record per line); chosen by extension, else by content", "CSV（首行为字段名）或 JSON（记录数组，或每行一条记录）；按扩展名判断，否则按内容"),
    ("Only read and validate the file; store nothing", "只读取并校验文件，不保存"),
    ("Print JSON: the file's format, how many records, whether stored, and the first and last new refs", "输出 JSON：文件格式、记录数、是否已保存，以及首尾新案件的编号"),
    ("List cases, newest first (table, or JSON records with --json)", "列出案件，最新的在前（表格；--json 时为 JSON 记录）"),
    ("Only cases with this status", "只列出该状态的案件"),
    ("Only cases nobody has been assigned yet", "只列出尚未分派的案件"),
    ("Only open cases past their assignment or mediation deadline", "只列出超过分派或调解时限的在办案件"),
    ("Only cases routed to this committee (its code)", "只列出分流到该调委会（代码）的案件"),
    ("At most N cases; 0 = all of them (streamed)", "最多 N 件；0 为全部（流式输出）"),
    ("Print a JSON array of case records (the shape `add --json -` and `import` accept)", "输出案件记录的 JSON 数组（即 `add --json -` 与 `import` 接受的格式）"),
    ("Show phone and id numbers unmasked (audited; at most 10000 cases)", "显示完整电话与身份证号（记入审计；最多 10000 件）"),
    ("Only agreements whose judicial-confirmation window closes within the warning days and that have no application yet", "只列出司法确认申请期限将在提醒天数内届满且尚未申请的协议"),
    ("Show one case with its follow-ups and audit trail", "显示一件案件及其回访与审计记录"),
    ("The case's ref, e.g. WH-2023-04085", "案件编号，如 WH-2023-04085"),
    ("Print the case as one JSON record (the shape `add --json -` accepts)", "以一条 JSON 记录输出案件（即 `add --json -` 接受的格式）"),
    ("Show phone and id numbers unmasked (recorded in the audit log)", "显示完整电话与身份证号（记入审计日志）"),
    ("List mediators with their committees, load, capacity and overdue cases", "列出调解员及其调委会、在办量、容量与超期案件"),
    ("Only mediators sitting on this committee (its code)", "只列出该调委会（代码）的调解员"),
    ("Print JSON", "输出 JSON"),
    ("Print JSON (the database, how many cases and screenings were added) and do not open the desk", "输出 JSON（数据库、新增的案件数与排查记录数），不打开值班台"),
    ("Print JSON: the database and how many areas, committees and mediators it holds", "输出 JSON：数据库及其地区、调委会、调解员的数量"),
    ("Print JSON: the database, the copy and its size in bytes", "输出 JSON：数据库、备份文件及其字节数"),
    ("Put a mediator on or off duty (by id or exact name); suggestions and auto-assign skip those off duty", "设置调解员在岗或不在岗（按编号或完整姓名）；推荐与自动分派跳过不在岗者"),
    ("The mediator's id or exact name", "调解员编号或完整姓名"),
    ("on or off", "on 在岗 或 off 不在岗"),
    ("Assign a case to a lead mediator (by id or exact name)", "把案件分派给主办调解员（按编号或完整姓名）"),
    ("The case's ref", "案件编号"),
    ("The mediator: id or exact name", "调解员：编号或完整姓名"),
    ("Fail with exit 3 if someone assigned the case first", "若案件已被他人先行分派，以退出码 3 失败"),
    ("Assign even when the mediator is at capacity", "即使调解员已满负荷也分派"),
    ("Print the case afterwards as one JSON record (the shape `show --json` prints)", "完成后以一条 JSON 记录输出案件（即 `show --json` 的格式）"),
    ("Move a case one tier up (same committee kind where the higher tier has one, else geographic), with a required reason; it lands unassigned in that committee's queue", "把案件上报一级（上级有同类调委会则送同类，否则送地域调委会），须说明理由；案件进入该调委会的待分派队列"),
    ("Why the case goes up a tier (required; recorded in the audit trail)", "上报理由（必填；记入审计记录）"),
    ("Re-route a case to another committee that covers its area; it lands unassigned", "把案件改送覆盖其地区的另一调委会；案件变为待分派"),
    ("The code of the committee to send it to (it must cover the case's area)", "接收调委会的代码（须覆盖案件所在地区）"),
    ("Record how mediation ended: resolved (agreement), failed or withdrawn", "登记调解结果：成功（达成协议）、不成功或撤回"),
    ("How mediation ended: resolved, failed or withdrawn", "调解结果：resolved 成功、failed 不成功或 withdrawn 撤回"),
    ("The agreement's form when resolved [default: written]", "成功时的协议形式［默认：written 书面］"),
    ("The agreed performance date (the first follow-up falls on it)", "约定履行日期（首次回访定在该日）"),
    ("Outcome note", "结果说明"),
    ("The agreement was performed on the spot (no later performance date)", "协议已当场履行（无后续履行日期）"),
    ("The amount agreed, in yuan, e.g. 1200.50", "协议金额（元），如 1200.50"),
    ("When failed: the route the parties were told (litigation, arbitration, administrative, police)", "不成功时告知当事人的途径（诉讼、仲裁、行政、公安）"),
    ("Fail with exit 3 unless the case still has this version [default: the version read at the start]", "案件版本不再是该值时以退出码 3 失败［默认：开始时读到的版本］"),
    ("Record the first mediation session (date, place, mediators present): the case is mediating", "登记首次调解（日期、地点、在场调解员）：案件进入调解中"),
    ("When the first session was held [default: now]", "首次调解时间［默认：现在］"),
    ("Where it was held", "调解地点"),
    ("The mediators present, ';'-separated [default: the lead]", "在场调解员，以“;”分隔［默认：主办调解员］"),
    ("Record that mediation failed: the reason and the route the parties were told", "登记调解不成功：原因及告知当事人的途径"),
    ("Why mediation failed", "调解不成功的原因"),
    ("The route the parties were told (litigation, arbitration, administrative, police)", "告知当事人的途径（诉讼、仲裁、行政、公安）"),
    ("Record that the parties withdrew", "登记当事人撤回"),
    ("Note", "备注"),
    ("Extend the mediation clock with the consent it needs, within the statutory limits", "在法定期限内、经必要同意后延长调解期限"),
    ("Whose consent: parties (both), or court (for a court referral)", "同意方：parties 双方当事人，或 court 法院（法院委托的案件）"),
    ("Days to add to the mediation clock", "调解期限延长的天数"),
    ("Record the parties' application for judicial confirmation (司法确认) of the agreement", "登记当事人就协议申请司法确认"),
    ("When the parties applied [default: now]", "申请时间［默认：现在］"),
    ("The court applied to", "受理申请的法院"),
    ("Refer a failed case onward to a court, arbitration, the police or an administrative body", "把调解不成功的案件移送法院、仲裁机构、公安或行政机关"),
    ("The kind of receiving body: court, arbitration, police, administrative", "接收机关类别：court 法院、arbitration 仲裁、police 公安、administrative 行政"),
    ("The receiving body's name", "接收机关名称"),
    ("When the case was handed over [default: now]", "移送时间［默认：现在］"),
    ("Close a resolved case: performance confirmed, visits done, no rectification item open", "结案：已确认履行、回访完毕、无未结整改事项"),
    ("Record the outcome of a case's next due follow-up visit (回访)", "登记案件下一次到期回访的结果"),
    ("What the visit found", "回访结果"),
    ("How it was made", "回访方式"),
    ("Who made the visit", "回访人"),
    ("The rectification list (整改清单): list, assign, close or reopen items", "整改清单：列出、交办、销号或重新调解"),
    ("List items: open ones first, by due date", "列出整改事项：未结的在前，按到期日排序"),
    ("Only open items past their due date", "只列出已过期的未结事项"),
    ("Only open items", "只列出未结事项"),
    ("Give an open item to a mediator (id or exact name) or a committee (code)", "把未结事项交给调解员（编号或完整姓名）或调委会（代码）"),
    ("The item number", "事项编号"),
    ("Mediator id or exact name, or committee code", "调解员编号或完整姓名，或调委会代码"),
    ("Mark an open item done, with a closing note; the case closes when nothing else is due", "销号一项未结事项并写明处理情况；无其他待办时案件结案"),
    ("What was done", "处理情况"),
    ("Turn an open item into a new mediation round: the case reopens (audited, history kept)", "把未结事项转为新一轮调解：案件重新打开（记入审计，保留历史）"),
    ("Record when the lead mediator reported on site (到场)", "登记主办调解员到场时间"),
    ("When the mediator arrived, in office time (`YYYY-MM-DD HH:MM` or RFC 3339) [default: now]", "调解员到场时间，办公时区（`YYYY-MM-DD HH:MM` 或 RFC 3339）［默认：现在］"),
    ("The screening duties (三个一): what is due, record one, list records", "排查任务（三个一）：到期情况、登记排查、列出记录"),
    ("Screenings due this period and overdue from the last, by tier", "本期应排查及上期超期未排查的，按层级"),
    ("Only overdue ones", "只列出超期的"),
    ("Record a screening; each case in --cases becomes a case with source screening, in the same step", "登记一次排查；--cases 中的每条记录同时登记为来源为排查的案件"),
    ("The committee's code", "调委会代码"),
    ("The day it was done, YYYY-MM-DD in office time [default: today]", "排查日期，办公时区 YYYY-MM-DD［默认：今天］"),
    ("Who screened", "排查人"),
    ("Places visited", "排查地点"),
    ("Disputes found (at least the number of --cases records)", "发现的纠纷数（不少于 --cases 的记录数）"),
    ("A JSON array of case records (the `add --json` shape) for the disputes found", "发现的纠纷的案件记录 JSON 数组（即 `add --json` 的格式）"),
    ("Screening records, newest first", "排查记录，最新的在前"),
    ("Only this committee's (code)", "只列出该调委会（代码）的"),
    ("The period's statistics: cases, success rate, amount, by category and by source", "期间统计：案件数、成功率、金额，按类别与来源"),
    ("The period: month, quarter, year or ytd (the current one, in the office's time zone), or a period code: 2023, 2023-Q3, 2023-09, 2023-W05, 2023-01-01..2023-09-30 [default: ytd]", "统计期间：month、quarter、year 或 ytd（办公时区的本期），或期间代码：2023、2023-Q3、2023-09、2023-W05、2023-01-01..2023-09-30［默认：ytd 年初至今］"),
    ("First day of the period, YYYY-MM-DD [default: 1 January of the last day's year]", "期间首日，YYYY-MM-DD［默认：末日所在年的 1 月 1 日］"),
    ("Last day of the period, YYYY-MM-DD [default: today]", "期间末日，YYYY-MM-DD［默认：今天］"),
    ("Break the figures down by district, town, committee, mediator, category or source (one or more, repeated or comma-separated)", "按区、镇（街道）、调委会、调解员、类别或来源细分（可多个，重复或逗号分隔）"),
    ("Print CSV (the headline, then every breakdown row)", "输出 CSV（先总数，再逐行细分）"),
    ("Check the database's integrity and foreign keys, and list unfinished imports (exit 1 on problems)", "检查数据库完整性与外键，并列出未完成的导入（有问题时退出码 1）"),
    ("Also finish imports whose process stopped: publish the rest of one stopped while publishing, remove the staged rows of one stopped before", "同时收尾中断的导入：发布中途中断的，补发其余部分；发布前中断的，删除其暂存行"),
    ("Print progress (rows staged, cases published) to stderr even when it is not a terminal", "即使标准错误不是终端，也在其上输出进度（已暂存行数、已发布案件数）"),
    ("Write a consistent copy of the database to a new file, safe while desks are running", "把数据库的一致副本写入新文件，值班台运行时也可安全进行"),
    ("The new file to write (must not exist)", "要写入的新文件（不得已存在）"),
];

/// The Chinese words for an English help text, if the table has them.
pub fn zh(en: &str) -> Option<&'static str> {
    ZH.iter().find(|(e, _)| *e == en).map(|(_, z)| *z)
}

/// The language asked for on the command line (`--lang zh`, `--lang=zh`), before clap reads it.
pub fn lang_in_args(args: &[std::ffi::OsString]) -> Option<Lang> {
    let mut it = args.iter().skip(1).map(|a| a.to_string_lossy());
    while let Some(a) = it.next() {
        if a == "--" {
            break;
        }
        let value = match a.strip_prefix("--lang") {
            Some("") => it.next().map(|v| v.to_string()),
            Some(rest) => rest.strip_prefix('=').map(str::to_string),
            None => None,
        };
        match value.as_deref() {
            Some("zh") => return Some(Lang::Zh),
            Some("en") => return Some(Lang::En),
            _ => {}
        }
    }
    None
}

/// The help's usage line and section headings in Chinese (clap writes `Usage:` itself otherwise).
const TEMPLATE: &str = "{before-help}{about-with-newline}\n用法：{usage}\n\n{all-args}{after-help}";

/// `cmd` (built) with its help in Chinese: abouts, argument help, headings, usage; recursively.
pub fn localize(mut cmd: Command) -> Command {
    cmd.build();
    localize_built(cmd)
}

fn localize_built(mut cmd: Command) -> Command {
    let about = cmd.get_about().map(|s| s.to_string());
    if let Some(z) = about.as_deref().and_then(zh) {
        cmd = cmd.about(z).long_about(clap::builder::Resettable::Reset);
    }
    let after = cmd.get_after_help().map(|s| s.to_string());
    if let Some(z) = after.as_deref().and_then(zh) {
        cmd = cmd.after_help(z);
    }
    cmd = cmd.help_template(TEMPLATE).subcommand_help_heading("命令");
    let ids: Vec<String> = cmd.get_arguments().map(|a| a.get_id().to_string()).collect();
    for id in ids {
        cmd = cmd.mut_arg(&id, |a| {
            let help = a.get_help().map(|s| s.to_string());
            let long = a.get_long_help().map(|s| s.to_string());
            let heading = match a.get_help_heading() {
                Some("Global options") => "全局选项",
                Some(_) | None if a.is_positional() => "参数",
                _ => "选项",
            };
            let mut a = a.help_heading(heading);
            if let Some(z) = help.as_deref().and_then(zh) {
                a = a.help(z);
            }
            if let Some(z) = long.as_deref().and_then(zh) {
                a = a.long_help(z);
            }
            a
        });
    }
    let names: Vec<String> = cmd.get_subcommands().map(|s| s.get_name().to_string()).collect();
    for name in names {
        cmd = cmd.mut_subcommand(&name, localize_built);
    }
    cmd
}

/// The words clap writes itself into help and usage lines, in Chinese.
const CLAP_WORDS: &[(&str, &str)] = &[
    ("Usage: ", "用法："),
    ("[OPTIONS]", "[选项]"),
    ("[COMMAND]", "[命令]"),
    ("<COMMAND>", "<命令>"),
    ("Possible values:", "可选值："),
    ("[possible values: ", "[可选值："),
    ("[default: ", "[默认："),
    ("[aliases: ", "[别名："),
];

/// The possible values' descriptions (`- on: On duty: …`), which clap keeps in the derive's
/// enums, in Chinese: replaced in the rendered help, line by line.
fn value_words(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for line in text.split_inclusive('\n') {
        let body = line.trim_end_matches('\n');
        let replaced = body.trim_start().strip_prefix("- ").and_then(|item| {
            let (name, help) = item.split_once(": ")?;
            let z = zh(help.trim())?;
            Some(format!("{}- {name}: {z}", &body[..body.len() - body.trim_start().len()]))
        });
        out.push_str(replaced.as_deref().unwrap_or(body));
        if line.ends_with('\n') {
            out.push('\n');
        }
    }
    out
}

fn with_newline(mut text: String) -> String {
    if !text.ends_with('\n') {
        text.push('\n');
    }
    text
}

fn clap_words(text: &str) -> String {
    CLAP_WORDS.iter().fold(text.to_string(), |t, (en, zh)| t.replace(en, zh))
}

fn context(e: &clap::Error, kind: ContextKind) -> Option<String> {
    match e.get(kind)? {
        ContextValue::String(s) => Some(s.clone()),
        ContextValue::Strings(v) => Some(v.join("、")),
        ContextValue::StyledStr(s) => Some(s.to_string()),
        ContextValue::StyledStrs(v) => Some(v.iter().map(|s| s.to_string()).collect::<Vec<_>>().join("、")),
        ContextValue::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// Why a whole number was refused, in Chinese.
fn int_words(e: &std::num::ParseIntError) -> &'static str {
    use std::num::IntErrorKind;
    match e.kind() {
        IntErrorKind::Empty => "值为空",
        IntErrorKind::PosOverflow | IntErrorKind::NegOverflow => "数值超出范围",
        _ => "不是整数",
    }
}

/// A usage error as clap words it in English, reworded in Chinese: what is wrong, a suggestion
/// when clap has one, the usage line, and where to read more. Help and version pass unchanged.
pub fn error_text(e: &clap::Error) -> String {
    let english = e.render().to_string();
    let c = |k| context(e, k).unwrap_or_default();
    let what = match e.kind() {
        ErrorKind::DisplayVersion => return with_newline(english),
        ErrorKind::DisplayHelp | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
            return with_newline(value_words(&clap_words(&english)))
        }
        ErrorKind::InvalidValue => {
            let mut m = format!("参数 {} 的值“{}”无效", c(ContextKind::InvalidArg), c(ContextKind::InvalidValue));
            if let Some(valid) = context(e, ContextKind::ValidValue) {
                m.push_str(&format!("\n  可选值：{valid}"));
            }
            m
        }
        ErrorKind::ValueValidation => {
            // The value parser's own words (its error is the source): its Chinese when it has one.
            let source = std::error::Error::source(e);
            let why = match (
                source.and_then(|s| s.downcast_ref::<crate::error::Msg>()),
                source.and_then(|s| s.downcast_ref::<std::num::ParseIntError>()),
            ) {
                (Some(m), _) => m.get(Lang::Zh).to_string(),
                (None, Some(n)) => int_words(n).to_string(),
                (None, None) => source.map(|s| s.to_string()).unwrap_or_default(),
            };
            format!("参数 {} 的值“{}”无效：{why}", c(ContextKind::InvalidArg), c(ContextKind::InvalidValue))
        }
        ErrorKind::UnknownArgument => format!("未知参数“{}”", c(ContextKind::InvalidArg)),
        ErrorKind::InvalidSubcommand => format!("未知子命令“{}”", c(ContextKind::InvalidSubcommand)),
        ErrorKind::MissingRequiredArgument => format!("缺少必需的参数：{}", c(ContextKind::InvalidArg)),
        ErrorKind::MissingSubcommand => format!("缺少子命令：{}", c(ContextKind::InvalidSubcommand)),
        ErrorKind::ArgumentConflict => {
            format!("参数 {} 不能与 {} 同时使用", c(ContextKind::InvalidArg), c(ContextKind::PriorArg))
        }
        ErrorKind::NoEquals => format!("参数 {} 须用“=”给值", c(ContextKind::InvalidArg)),
        ErrorKind::TooManyValues => {
            format!("参数 {} 的值过多：“{}”", c(ContextKind::InvalidArg), c(ContextKind::InvalidValue))
        }
        ErrorKind::TooFewValues | ErrorKind::WrongNumberOfValues => {
            format!("参数 {} 的值个数不对", c(ContextKind::InvalidArg))
        }
        ErrorKind::InvalidUtf8 => "参数不是有效的 UTF-8 文本".to_string(),
        _ => english.lines().next().unwrap_or_default().trim_start_matches("error: ").to_string(),
    };
    let mut out = format!("错误：{what}\n");
    if let Some(s) = context(e, ContextKind::SuggestedArg).or_else(|| context(e, ContextKind::SuggestedSubcommand)) {
        out.push_str(&format!("\n  提示：您是否要用“{s}”？\n"));
    }
    if let Some(usage) = context(e, ContextKind::Usage) {
        out.push_str(&format!("\n{}\n", clap_words(&usage)));
    }
    out.push_str("\n更多信息请使用“--help”。\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::ffi::OsString;

    fn args(a: &[&str]) -> Vec<OsString> {
        a.iter().map(OsString::from).collect()
    }

    #[test]
    fn the_language_is_read_from_the_arguments() {
        assert_eq!(lang_in_args(&args(&["duty-desk", "--lang", "zh", "list"])), Some(Lang::Zh));
        assert_eq!(lang_in_args(&args(&["duty-desk", "list", "--lang=en"])), Some(Lang::En));
        assert_eq!(lang_in_args(&args(&["duty-desk", "add", "--", "--lang", "zh"])), None);
        assert_eq!(lang_in_args(&args(&["duty-desk", "list"])), None);
    }

    #[test]
    fn every_english_text_has_one_entry() {
        let mut seen = std::collections::BTreeSet::new();
        for (en, zh) in ZH {
            assert!(seen.insert(*en), "{en:?} twice");
            assert!(!zh.is_empty());
        }
    }
}

//! The crate's error type: one variant per kind of failure, carrying its data and its source;
//! exit codes chosen by [`Kind`]; and one place, [`Error::words`], that words an error for the
//! officer's language (the CLI's stderr and the desk's message popup both call it).
//!
//! Two families, both worded in zh and en:
//! - **typed** variants ([`Error::Stale`], [`Error::Taken`], [`Error::Missing`],
//!   [`Error::NotAllowed`], [`Error::File`], [`Error::Output`], [`Error::Sqlite`],
//!   [`Error::ReadOnlyAsked`], [`Error::Setting`]) carry structured data and are worded in
//!   `words.rs`; prefer one for a failure that recurs;
//! - **message** variants (`Usage`, `Invalid`, `NotFound`, `Conflict`, `Db`, `ReadOnly`, `Io`)
//!   and [`Error::Refused`]'s reason carry a [`Msg`]: the words in both languages, built at the
//!   call site with [`crate::msg!`]. A `Msg` cannot be made from a `String`, so an English-only
//!   message does not compile.

use std::io;
use std::path::PathBuf;
use std::sync::Arc;

use chrono::{DateTime, FixedOffset};

use crate::domain::Lang;

mod msg;
mod words;

pub use msg::Msg;

/// The kind of a failure: what a script or the desk decides on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// The command line or a setting is wrong (exit 2).
    Usage,
    /// Input was refused (exit 1).
    Invalid,
    /// Something named does not exist (exit 1).
    NotFound,
    /// Someone else changed the record first (exit 3).
    Conflict,
    /// The database refused or failed (exit 1).
    Db,
    /// A write was asked of a read-only database (exit 1).
    ReadOnly,
    /// A file or the terminal could not be read or written (exit 1).
    Io,
    /// The reader of our output went away (`| head`): not a failure (exit 0).
    BrokenPipe,
}

impl Kind {
    /// The process exit code: 0 ok, 1 error, 2 usage, 3 conflict.
    pub fn exit_code(self) -> i32 {
        match self {
            Kind::Usage => 2,
            Kind::Conflict => 3,
            Kind::BrokenPipe => 0,
            _ => 1,
        }
    }
}

crate::labelled_enum! {
    /// What kind of thing was looked for and not found.
    pub enum Thing {
        /// A case, by reference.
        Case = ("case", "案件", "case"),
        /// A mediator, by name or id.
        Mediator = ("mediator", "调解员", "mediator"),
        /// A mediator, by the id or exact name typed (`assign`, `duty`, the palette).
        MediatorIdOrName = ("mediator_id_or_name", "调解员（编号或姓名）", "mediator with id or name"),
        /// A committee, by code.
        Committee = ("committee", "调解委员会", "committee"),
        /// An area, by code.
        Area = ("area", "地区", "area"),
        /// A theme, by name or path.
        Theme = ("theme", "主题", "theme"),
    }
}

crate::labelled_enum! {
    /// What was being done to a file when it failed.
    pub enum FileOp {
        /// Reading or opening it.
        Read = ("read", "读取", "read"),
        /// Writing it.
        Write = ("write", "写入", "write"),
        /// Creating it (or its directory).
        Create = ("create", "创建", "create"),
    }
}

/// The last change recorded on a case: who, what, when (from the audit trail).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LastChange {
    /// The OS login of whoever acted.
    pub actor: String,
    /// The audit action (`assign`, `escalate`, …).
    pub action: String,
    /// When, on the office's clock (with its offset: see `OfficeTz::local`).
    pub at: DateTime<FixedOffset>,
}

/// Everything that can go wrong.
#[derive(Debug, Clone, thiserror::Error)]
pub enum Error {
    // ---- typed ----
    /// The case was changed since the officer looked (exit 3).
    #[error("{}", self.words(Lang::En))]
    Stale {
        /// The case reference.
        case_ref: String,
        /// The last change, when the audit trail names one.
        by: Option<LastChange>,
        /// The mediator now leading the case, if any.
        lead: Option<String>,
    },
    /// The case was to be assigned from the unassigned queue but is already taken (exit 3).
    #[error("{}", self.words(Lang::En))]
    Taken {
        /// The case reference.
        case_ref: String,
        /// Who leads it now (or its status when nobody does).
        lead: String,
        /// The last change, when the audit trail names one.
        by: Option<LastChange>,
    },
    /// Something named does not exist (exit 1).
    #[error("{}", self.words(Lang::En))]
    Missing {
        /// What was looked for.
        what: Thing,
        /// The name, code or reference given.
        key: String,
    },
    /// A value was refused (exit 1).
    #[error("{}", self.words(Lang::En))]
    Refused {
        /// The field or option.
        field: String,
        /// Why, in both languages.
        reason: Msg,
    },
    /// A file could not be read, opened or written (exit 1).
    #[error("{}", self.words(Lang::En))]
    File {
        /// The file.
        path: PathBuf,
        /// What was being done.
        op: FileOp,
        /// The operating system's error.
        #[source]
        source: Arc<io::Error>,
    },
    /// Standard output could not be written; a broken pipe is [`Kind::BrokenPipe`] (exit 0).
    #[error("{}", self.words(Lang::En))]
    Output(#[source] Arc<io::Error>),
    /// SQLite failed; read-only, busy, corrupt and not-a-database are told apart (exit 1).
    #[error("{}", self.words(Lang::En))]
    Sqlite(#[source] Arc<rusqlite::Error>),
    /// `--read-only` was given and a write was asked for (exit 1).
    #[error("{}", self.words(Lang::En))]
    ReadOnlyAsked,
    /// A theme, keymap or policy file is wrong (exit 2).
    #[error("{}", self.words(Lang::En))]
    Setting {
        /// Which setting or file.
        origin: String,
        /// What is wrong, in both languages.
        reason: Msg,
    },

    /// The life-cycle table does not allow this event in the case's status (exit 1); the words
    /// name what is allowed.
    #[error("{}", self.words(Lang::En))]
    NotAllowed {
        /// The case reference.
        case_ref: String,
        /// The case's status.
        status: crate::domain::Status,
        /// What was tried.
        event: crate::domain::Event,
    },

    // ---- message variants: the words in both languages, built at the call site ----
    /// The command line or a value in it is wrong (exit 2).
    #[error("usage: {0}")]
    Usage(Msg),
    /// Input was refused: a malformed record, an unknown mediator, a bad value (exit 1).
    #[error("invalid input: {0}")]
    Invalid(Msg),
    /// A case, mediator or committee does not exist (exit 1).
    #[error("not found: {0}")]
    NotFound(Msg),
    /// Someone else changed the record first (exit 3).
    #[error("conflict: {0}")]
    Conflict(Msg),
    /// The database refused or failed (exit 1).
    #[error("database: {0}")]
    Db(Msg),
    /// The database is open read-only and a write was asked for (exit 1).
    #[error("read-only: {0}")]
    ReadOnly(Msg),
    /// A file or terminal could not be read or written (exit 1).
    #[error("io: {0}")]
    Io(Msg),
}

/// Shorthand for results in this crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl PartialEq for Error {
    /// Same kind, same English words (sources are compared by what they say).
    fn eq(&self, other: &Error) -> bool {
        self.kind() == other.kind() && self.words(Lang::En) == other.words(Lang::En)
    }
}

impl Eq for Error {}

impl Error {
    /// A file that could not be read (or opened), with its path.
    pub fn file(path: impl Into<PathBuf>, source: io::Error) -> Error {
        Error::file_op(path, FileOp::Read, source)
    }

    /// A file that could not be read, written or created, with its path.
    pub fn file_op(path: impl Into<PathBuf>, op: FileOp, source: io::Error) -> Error {
        Error::File { path: path.into(), op, source: Arc::new(source) }
    }

    /// A write to standard output failed.
    pub fn output(source: io::Error) -> Error {
        Error::Output(Arc::new(source))
    }

    /// A thing that does not exist.
    pub fn missing(what: Thing, key: impl Into<String>) -> Error {
        Error::Missing { what, key: key.into() }
    }

    /// A refused value: the field (or file) and why, in both languages.
    pub fn refused(field: impl Into<String>, reason: Msg) -> Error {
        Error::Refused { field: field.into(), reason }
    }

    /// A wrong setting (theme, keymap, policy).
    pub fn setting(origin: impl Into<String>, reason: Msg) -> Error {
        Error::Setting { origin: origin.into(), reason }
    }

    /// The kind, from which the exit code and the desk's handling follow.
    pub fn kind(&self) -> Kind {
        match self {
            Error::Stale { .. } | Error::Taken { .. } | Error::Conflict(_) => Kind::Conflict,
            Error::Missing { .. } | Error::NotFound(_) => Kind::NotFound,
            Error::Refused { .. } | Error::Invalid(_) | Error::NotAllowed { .. } => Kind::Invalid,
            Error::File { .. } | Error::Io(_) => Kind::Io,
            Error::Output(e) if e.kind() == io::ErrorKind::BrokenPipe => Kind::BrokenPipe,
            Error::Output(_) => Kind::Io,
            Error::Sqlite(e) => match e.sqlite_error_code() {
                Some(rusqlite::ErrorCode::ReadOnly) => Kind::ReadOnly,
                _ => Kind::Db,
            },
            Error::ReadOnlyAsked | Error::ReadOnly(_) => Kind::ReadOnly,
            Error::Setting { .. } | Error::Usage(_) => Kind::Usage,
            Error::Db(_) => Kind::Db,
        }
    }

    /// The process exit code: 0 ok (broken pipe), 1 error, 2 usage, 3 conflict.
    pub fn exit_code(&self) -> i32 {
        self.kind().exit_code()
    }

    /// True when someone else changed the record first.
    pub fn is_conflict(&self) -> bool {
        self.kind() == Kind::Conflict
    }

    /// The message in English, without its kind.
    pub fn message(&self) -> String {
        self.words(Lang::En)
    }

    /// The message for the officer, in their language, without its kind. The one place errors
    /// are worded: the CLI prints it on stderr, the desk shows it in its message popup.
    /// (The reasons of lower layers quoted inside a message stay as they were worded.)
    pub fn words(&self, lang: Lang) -> String {
        words::words(self, lang)
    }
}

impl From<rusqlite::Error> for Error {
    /// Typed [`Error::Sqlite`], except SQLite's read-only refusal, which stays the message
    /// variant [`Error::ReadOnly`] while `store` still matches on it (`Store::open`).
    fn from(e: rusqlite::Error) -> Self {
        if e.sqlite_error_code() == Some(rusqlite::ErrorCode::ReadOnly) {
            return Error::ReadOnly(Msg::new(words::sqlite_words(&e, Lang::En), words::sqlite_words(&e, Lang::Zh)));
        }
        Error::Sqlite(Arc::new(e))
    }
}

impl From<io::Error> for Error {
    fn from(e: io::Error) -> Self {
        Error::Io(crate::msg!("{e}", "输入输出错误：{e}"))
    }
}

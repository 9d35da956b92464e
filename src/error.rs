//! The crate's error type and the exit codes of the scripting contract.

/// Everything that can go wrong, each with a message fit for the officer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Error {
    /// The command line or a value in it is wrong (exit 2).
    Usage(String),
    /// Input was refused: a malformed record, an unknown mediator, a bad value (exit 1).
    Invalid(String),
    /// A case, mediator or committee does not exist (exit 1).
    NotFound(String),
    /// Someone else changed the record first (exit 3).
    Conflict(String),
    /// The database refused or failed (exit 1).
    Db(String),
    /// The database is open read-only and a write was asked for (exit 1).
    ReadOnly(String),
    /// A file or terminal could not be read or written (exit 1).
    Io(String),
}

/// Shorthand for results in this crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    /// The process exit code: 0 ok, 1 error, 2 usage, 3 conflict.
    pub fn exit_code(&self) -> i32 {
        match self {
            Error::Usage(_) => 2,
            Error::Conflict(_) => 3,
            _ => 1,
        }
    }

    /// The message without its kind.
    pub fn message(&self) -> &str {
        match self {
            Error::Usage(m)
            | Error::Invalid(m)
            | Error::NotFound(m)
            | Error::Conflict(m)
            | Error::Db(m)
            | Error::ReadOnly(m)
            | Error::Io(m) => m,
        }
    }
}

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let kind = match self {
            Error::Usage(_) => "usage",
            Error::Invalid(_) => "invalid input",
            Error::NotFound(_) => "not found",
            Error::Conflict(_) => "conflict",
            Error::Db(_) => "database",
            Error::ReadOnly(_) => "read-only",
            Error::Io(_) => "io",
        };
        write!(f, "{kind}: {}", self.message())
    }
}

impl std::error::Error for Error {}

impl From<rusqlite::Error> for Error {
    fn from(e: rusqlite::Error) -> Self {
        use rusqlite::ErrorCode;
        match e.sqlite_error_code() {
            Some(ErrorCode::ReadOnly) => {
                Error::ReadOnly("the database is read-only for you; nothing was changed".into())
            }
            Some(ErrorCode::NotADatabase) => {
                Error::Db("the file is not a duty-desk database (or it is corrupt)".into())
            }
            Some(ErrorCode::DatabaseCorrupt) => {
                Error::Db("the database is corrupt; run `duty-desk check` and restore a backup".into())
            }
            Some(ErrorCode::DatabaseBusy) | Some(ErrorCode::DatabaseLocked) => {
                Error::Db("the database stayed busy for too long; try again".into())
            }
            _ => Error::Db(e.to_string()),
        }
    }
}

impl From<std::io::Error> for Error {
    fn from(e: std::io::Error) -> Self {
        Error::Io(e.to_string())
    }
}

//! One error type for the whole tool: what went wrong ([`Kind`]) and a plain message, and the
//! exit code ([`Exit`]) users' scripts rely on.
//!
//! Exit codes (documented in the README and `--help`): 0 success, 1 a check or
//! verification failed (the input was read fine but is not acceptable), 2 usage or I/O error
//! (accord could not do what was asked: bad arguments, an unreadable or malformed file, …).

use crate::chars::Shown as _;
use std::fmt;
use std::path::Path;

/// How a command ended: the process's exit code. Ordered from best to worst.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Exit {
    /// 0: everything succeeded.
    Success,
    /// 1: a check or verification failed.
    Failed,
    /// 2: usage or I/O error; accord could not do what was asked.
    Error,
}

impl Exit {
    /// The process exit code.
    pub fn code(self) -> u8 {
        match self {
            Self::Success => 0,
            Self::Failed => 1,
            Self::Error => 2,
        }
    }
}

impl From<Exit> for std::process::ExitCode {
    fn from(exit: Exit) -> Self {
        Self::from(exit.code())
    }
}

/// What went wrong.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A check or verification failed: the input was read but is not acceptable (exit 1).
    Failed,
    /// The command line asks for something impossible or contradictory (exit 2).
    Usage,
    /// A file cannot be read or written, or is not a regular file (exit 2).
    Io,
    /// A file was read but is not what it must be: a config, key, signature or manifest
    /// accord cannot parse (exit 2).
    Malformed,
    /// The templates do not render, or typst cannot typeset what they give (exit 2).
    Typesetting,
    /// accord itself failed: a thread panicked, no random bytes, an unencodable report (exit 2).
    Internal,
}

impl Kind {
    /// The exit code this kind of error ends the process with.
    pub fn exit(self) -> Exit {
        match self {
            Self::Failed => Exit::Failed,
            Self::Usage | Self::Io | Self::Malformed | Self::Typesetting | Self::Internal => {
                Exit::Error
            }
        }
    }
}

/// An error: what went wrong and a plain message for the user.
#[derive(Debug)]
pub struct Error {
    /// What went wrong, which decides the exit code.
    pub kind: Kind,
    /// One plain message, possibly several lines, saying what and where.
    pub message: String,
}

/// Result with accord's error.
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    /// An error of `kind`.
    pub fn new(kind: Kind, message: impl Into<String>) -> Self {
        Self { kind, message: message.into() }
    }

    /// A check or verification failure (exit 1).
    pub fn failed(message: impl Into<String>) -> Self {
        Self::new(Kind::Failed, message)
    }

    /// A usage error: arguments that cannot be followed (exit 2).
    pub fn usage(message: impl Into<String>) -> Self {
        Self::new(Kind::Usage, message)
    }

    /// An input that is not what it must be (exit 2).
    pub fn malformed(message: impl Into<String>) -> Self {
        Self::new(Kind::Malformed, message)
    }

    /// Templates that do not render or typeset (exit 2).
    pub fn typesetting(message: impl Into<String>) -> Self {
        Self::new(Kind::Typesetting, message)
    }

    /// A failure of accord itself (exit 2).
    pub fn internal(message: impl Into<String>) -> Self {
        Self::new(Kind::Internal, message)
    }

    /// An I/O error on `path`, saying what was being done (exit 2).
    pub fn io(action: &str, path: &Path, err: std::io::Error) -> Self {
        Self::io_message(format!("cannot {action} {}: {}", path.shown(), plain_io(&err)))
    }

    /// An I/O error said in `message`: a file that is not a regular one, or too large (exit 2).
    pub fn io_message(message: impl Into<String>) -> Self {
        Self::new(Kind::Io, message)
    }

    /// The exit code this error ends the process with.
    pub fn exit(&self) -> Exit {
        self.kind.exit()
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Error {}

/// The OS message without Rust's "(os error N)" suffix.
pub fn plain_io(err: &std::io::Error) -> String {
    let text = err.to_string();
    match text.find(" (os error") {
        Some(i) => text[..i].to_string(),
        None => text,
    }
}

#[cfg(test)]
mod tests {
    use super::{Exit, Kind};

    #[test]
    fn exit_codes_are_the_documented_ones() {
        assert_eq!([Exit::Success, Exit::Failed, Exit::Error].map(Exit::code), [0, 1, 2]);
        assert_eq!(Kind::Failed.exit(), Exit::Failed);
        for kind in [Kind::Usage, Kind::Io, Kind::Malformed, Kind::Typesetting, Kind::Internal] {
            assert_eq!(kind.exit(), Exit::Error, "{kind:?}");
        }
        assert!(Exit::Success < Exit::Failed && Exit::Failed < Exit::Error, "worst is greatest");
    }
}

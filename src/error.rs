//! One error type for the whole tool, carrying the exit code users' scripts rely on.
//!
//! Exit codes (documented in the README and `--help`): 0 success, 1 a check or
//! verification failed (the input was read fine but is not acceptable), 2 usage or I/O error.

use crate::chars::Shown as _;
use std::fmt;
use std::path::Path;

/// Exit code: everything succeeded.
pub const EXIT_OK: u8 = 0;
/// Exit code: a check or verification failed.
pub const EXIT_FAILED: u8 = 1;
/// Exit code: usage or I/O error (bad arguments, unreadable or malformed input).
pub const EXIT_USAGE: u8 = 2;

/// An error with a plain message for the user and the exit code it maps to.
#[derive(Debug)]
pub struct Error {
    /// Exit code for the process (1 or 2).
    pub code: u8,
    /// One plain message, possibly several lines, saying what and where.
    pub message: String,
}

/// Result with accord's error.
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    /// A usage or I/O error (exit 2).
    pub fn usage(message: impl Into<String>) -> Self {
        Self { code: EXIT_USAGE, message: message.into() }
    }

    /// A check or verification failure (exit 1).
    pub fn failed(message: impl Into<String>) -> Self {
        Self { code: EXIT_FAILED, message: message.into() }
    }

    /// An I/O error on `path`, saying what was being done.
    pub fn io(action: &str, path: &Path, err: std::io::Error) -> Self {
        Self::usage(format!("cannot {action} {}: {}", path.shown(), plain_io(&err)))
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

//! Why a PDF was not read: the file's fault, the worker's (killed, crashed, answered nonsense),
//! or this system's (no worker could be started).

use std::fmt;

use crate::pdftext::Unreadable;

/// Why a PDF was not read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refused {
    /// The file is not one accord can read, or exceeds a limit of the reader.
    File(Unreadable),
    /// The worker did not answer within its limits: it was killed, crashed or answered
    /// nonsense (what happened, in a few words).
    Worker(String),
    /// The worker could not be started (an error of this system, not of the file).
    Start(String),
    /// accord stopped the worker when it was done with it: nothing more can be asked of it.
    Stopped,
}

impl Refused {
    /// Whether the file was refused for exceeding the reader's limits, as a file made to
    /// exhaust a PDF reader is.
    pub fn exceeds_limits(&self) -> bool {
        match self {
            Refused::File(why) => why.exceeds_limits(),
            Refused::Worker(_) => true,
            Refused::Start(_) | Refused::Stopped => false,
        }
    }
}

impl fmt::Display for Refused {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Refused::File(why) => why.fmt(f),
            Refused::Worker(what) => f.write_str(what),
            Refused::Start(why) => write!(f, "accord could not start its PDF reader: {why}"),
            Refused::Stopped => f.write_str("accord had stopped its PDF reader"),
        }
    }
}

//! Untrusted PDFs are parsed only here: in a worker process (accord itself, started with the
//! hidden subcommand `read-pdf`) that first limits its own address space, CPU time, stack and
//! files ([`limits`]), reads the PDF from its standard input (after one byte, [`RENDER`] or
//! not) and writes what it read as JSON
//! ([`answer`]). Whatever the worker does, abort, overflow its stack, run out of memory, hang or
//! write garbage, the parent ([`Reader::read`]) gets a [`Refused`], never a crash or a hang:
//! it hands the bytes over on a pipe (no path to re-open), kills the worker at a deadline,
//! reaps it, and reads a bounded answer that it checks before believing it.
//!
//! Library code does not assume the running executable is accord (tests run inside a test
//! binary): the caller names the worker's executable, or asks for [`Reader::InProcess`].

mod answer;
pub mod limits;
mod parent;

use std::fmt;
use std::path::PathBuf;

use crate::error::Exit;
use crate::pdftext::{self, Reading, Unreadable};

pub use answer::{decode, encode, Answer, MAX_ANSWER};

/// The hidden subcommand that runs the worker.
pub const SUBCOMMAND: &str = "read-pdf";
/// The byte before the PDF on the worker's input that asks for renders of its pages (any
/// other asks for none: rendering is most of what reading costs, and only a copy whose words
/// are the signed document's needs it).
pub const RENDER: u8 = b'r';

/// How untrusted PDFs are read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reader {
    /// In a worker process: this executable, run with [`SUBCOMMAND`].
    Worker(PathBuf),
    /// In this process, with no limits but the guard's: for tests and fuzzing only.
    InProcess,
}

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
}

impl Refused {
    /// Whether the file was refused for exceeding the reader's limits, as a file made to
    /// exhaust a PDF reader is.
    pub fn exceeds_limits(&self) -> bool {
        match self {
            Refused::File(why) => why.exceeds_limits(),
            Refused::Worker(_) => true,
            Refused::Start(_) => false,
        }
    }
}

impl fmt::Display for Refused {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Refused::File(why) => why.fmt(f),
            Refused::Worker(what) => f.write_str(what),
            Refused::Start(why) => write!(f, "accord could not start its PDF reader: {why}"),
        }
    }
}

impl Reader {
    /// Reads `pdf`, rendering its pages with `renders`.
    pub fn read(&self, pdf: &[u8], renders: bool) -> Result<Reading, Refused> {
        match self {
            Reader::InProcess => pdftext::read(pdf, renders).map_err(Refused::File),
            Reader::Worker(exe) => parent::read(exe, pdf, renders),
        }
    }
}

/// Runs the worker: limits itself, reads a PDF from standard input, writes the answer to
/// standard output.
pub fn serve() -> Exit {
    if let Err(why) = limits::apply() {
        crate::output::eprintln(&format!("error: cannot limit the PDF reader: {why}"));
        return Exit::Error;
    }
    let answer = limits::read_input().map_or(Answer::Unreadable(Unreadable::TooLarge), |input| {
        let renders = input.first() == Some(&RENDER);
        limits::on_parse_thread(move || pdftext::read(input.get(1..).unwrap_or_default(), renders))
            .map_or(Answer::Unreadable(Unreadable::Failed), Answer::from)
    });
    match crate::output::write_stdout(&encode(&answer)) {
        Ok(()) => Exit::Success,
        Err(_) => Exit::Error,
    }
}

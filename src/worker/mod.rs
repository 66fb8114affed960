//! Untrusted PDFs are parsed only here: in a worker process (accord itself, started with the
//! hidden subcommand `read-pdf`) that first limits its own address space, CPU time, stack and
//! files ([`limits`]), reads the PDF from its standard input (after one byte, [`RENDER`] or
//! not) and writes what it read as JSON
//! ([`protocol`]). Whatever the worker does, abort, overflow its stack, run out of memory, hang or
//! write garbage, the parent ([`Reader::read`]) gets a [`Refused`], never a crash or a hang:
//! it hands the bytes over on a pipe (no path to re-open), kills the worker at a deadline,
//! reaps it, and reads a bounded answer that it checks before believing it.
//!
//! Library code does not assume the running executable is accord (tests run inside a test
//! binary): the caller names the worker's executable, or asks for [`Reader::InProcess`].

pub mod limits;
mod parent;
mod protocol;
mod refused;

use std::path::PathBuf;

use crate::error::Exit;
use crate::pdftext::{self, Reading, Renders, Unreadable};

pub use protocol::{
    decode, encode, request, requested, Answer, MAX_ANSWER, RENDER, SHOW, SUBCOMMAND,
};
pub use refused::Refused;

/// How untrusted PDFs are read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reader {
    /// In a worker process: this executable, run with [`SUBCOMMAND`].
    Worker(PathBuf),
    /// In this process, with no limits but the guard's: for tests and fuzzing only.
    InProcess,
}

impl Reader {
    /// Reads `pdf`, rendering its pages with `renders`.
    pub fn read(&self, pdf: &[u8], renders: bool) -> Result<Reading, Refused> {
        self.read_rendering(pdf, if renders { Renders::All } else { Renders::None })
    }

    /// Reads `pdf`, rendering the pages `renders` says.
    pub fn read_rendering(&self, pdf: &[u8], renders: Renders) -> Result<Reading, Refused> {
        match self {
            Reader::InProcess => pdftext::read_rendering(pdf, renders).map_err(Refused::File),
            Reader::Worker(exe) => parent::read(exe, pdf, &request(&renders)),
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
        limits::on_parse_thread(move || {
            let (renders, pdf) = requested(&input);
            pdftext::read_rendering(pdf, renders)
        })
        .map_or(Answer::Unreadable(Unreadable::Failed), Answer::from)
    });
    match crate::output::write_stdout(&encode(&answer)) {
        Ok(()) => Exit::Success,
        Err(_) => Exit::Error,
    }
}

//! Untrusted PDFs are parsed only here: in a worker process (accord itself, started with the
//! hidden subcommand `read-pdf`) that first limits its own address space, CPU time, stack and
//! files ([`limits`]), reads the PDF from its standard input and writes what it read as JSON
//! ([`protocol`]), then stays to render the pages it is asked for, to compare them
//! ([`Session::render`]) or to show them to a person ([`Session::show`]), or to record what they
//! draw ([`Session::scenes`]). Whatever the worker does, abort, overflow its stack,
//! run out of memory, hang or write garbage, the parent ([`Session`]) gets a [`Refused`], never
//! a crash or a hang: it hands the bytes over on a pipe (no path to re-open), gives up on the
//! worker at a deadline for each answer, kills and reaps it, and reads bounded answers that it
//! checks before believing them.
//!
//! Library code does not assume the running executable is accord (tests run inside a test
//! binary): the caller names the worker's executable, or asks for [`Reader::InProcess`].

pub mod limits;
mod parent;
mod protocol;
mod refused;
mod serve;

use std::path::PathBuf;

use crate::pdftext::render::{RENDER_DPI, SHOW_DPI};
use crate::pdftext::{self, Reading, Render};

pub use parent::DEADLINE;
pub use protocol::{decode, decode_renders, decode_scenes, encode, encode_pages};
pub use protocol::{Answer, Renders, Scenes, MAX_ANSWER, SUBCOMMAND};
pub use refused::Refused;
pub use serve::serve;

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
        let mut session = self.start(pdf);
        let mut reading = session.reading()?;
        if renders {
            let all: Vec<usize> = (0..reading.pages.len()).collect();
            for (page, render) in reading.pages.iter_mut().zip(session.render(&all)?) {
                page.render = render;
            }
        }
        Ok(reading)
    }

    /// Starts reading `pdf` (without renders), keeping the reader to render its pages (or
    /// record their scenes) on request.
    pub fn start(&self, pdf: &[u8]) -> Session {
        match self {
            Reader::InProcess => Session::InProcess { bytes: pdf.to_vec(), pages: 0 },
            Reader::Worker(exe) => Session::Worker(parent::Worker::start(exe, pdf)),
        }
    }
}

/// A PDF being read, whose reader stays to render its pages on request.
#[derive(Debug)]
pub enum Session {
    /// Read by a worker process.
    Worker(parent::Worker),
    /// Read in this process (tests and fuzzing).
    InProcess {
        /// The PDF.
        bytes: Vec<u8>,
        /// Its number of pages, once read.
        pages: usize,
    },
}

impl Session {
    /// What the reader read of the PDF (its pages not rendered): waits for it. Once only: a
    /// second call is refused.
    pub fn reading(&mut self) -> Result<Reading, Refused> {
        match self {
            Session::Worker(worker) => worker.reading(),
            Session::InProcess { bytes, pages } => {
                let read = pdftext::read(bytes, false).map_err(Refused::File);
                *pages = read.as_ref().map_or(0, |r| r.pages.len());
                read
            }
        }
    }

    /// Renders of the pages `pages` (from 0), in that order, at [`RENDER_DPI`] to compare
    /// them; only after [`Session::reading`] read the PDF.
    pub fn render(&mut self, pages: &[usize]) -> Result<Vec<Option<Render>>, Refused> {
        match self {
            Session::Worker(worker) => worker.render(pages),
            Session::InProcess { bytes, pages: count } => {
                render_here(bytes, *count, pages, RENDER_DPI)
            }
        }
    }

    /// The scenes of the pages `pages` (from 0), in that order; only after
    /// [`Session::reading`] read the PDF.
    pub fn scenes(&mut self, pages: &[usize]) -> Result<Scenes, Refused> {
        match self {
            Session::Worker(worker) => worker.scenes(pages),
            Session::InProcess { bytes, pages: count } => {
                let document = open_here(bytes, *count, pages)?;
                Ok(document.scenes(pages))
            }
        }
    }

    /// Stops its reader, if a worker, without waiting for it to end (see [`parent::Worker::stop`]).
    pub fn stop(&mut self) {
        if let Session::Worker(worker) = self {
            worker.stop();
        }
    }

    /// Pictures of the pages `pages` (from 0), in that order, at [`SHOW_DPI`] to show them to
    /// a person; only after [`Session::reading`] read the PDF.
    pub fn show(&mut self, pages: &[usize]) -> Result<Vec<Option<Render>>, Refused> {
        match self {
            Session::Worker(worker) => worker.show(pages),
            Session::InProcess { bytes, pages: count } => {
                render_here(bytes, *count, pages, SHOW_DPI)
            }
        }
    }
}

/// Renders at `dpi` of `pages` of the PDF `bytes` (of `count` pages), made in this process.
fn render_here(
    bytes: &[u8],
    count: usize,
    pages: &[usize],
    dpi: f32,
) -> Result<Vec<Option<Render>>, Refused> {
    let document = open_here(bytes, count, pages)?;
    let renderer = document.renderer(dpi);
    Ok(pages.iter().map(|&page| renderer.render(page)).collect())
}

/// The PDF `bytes` (of `count` pages) opened in this process, to answer for `pages`.
fn open_here(bytes: &[u8], count: usize, pages: &[usize]) -> Result<pdftext::Document, Refused> {
    if pages.iter().any(|&p| p >= count) {
        return Err(Refused::Worker("it was asked for a page it does not have".into()));
    }
    let (_, document) = pdftext::open_document(bytes).map_err(Refused::File)?;
    Ok(document)
}

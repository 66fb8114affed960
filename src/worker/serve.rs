//! The worker's side: limit itself, read the PDF, answer, then answer requests until the parent
//! closes its input: renders to compare, kept; pictures to show a person, made anew for each
//! request; and scenes of pages, what they draw.

use std::collections::BTreeMap;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::mpsc::{self, Receiver};

use super::limits;
use super::protocol::{self, encode, encode_pages, frame, Answer, Kind, Request};
use crate::error::Exit;
use crate::pdftext::render::{Renderer, RENDER_DPI};
use crate::pdftext::{self, Document, Render, Unreadable};

/// Runs the worker: limits itself, reads a PDF from standard input, writes what it read to
/// standard output, then the renders asked for.
pub fn serve() -> Exit {
    if let Err(why) = limits::apply() {
        crate::output::eprintln(&format!("error: cannot limit the PDF reader: {why}"));
        return Exit::Error;
    }
    let mut input = std::io::stdin().lock();
    let pdf = match protocol::read_pdf(&mut input) {
        Ok(pdf) => pdf,
        Err(answer) => return write(&encode(&answer)),
    };
    let (requests, asked) = mpsc::channel();
    let reading = limits::spawn_parse_thread(move || read_and_answer(&pdf, &asked));
    if reading.is_err() {
        return write(&encode(&Answer::Unreadable(Unreadable::Failed)));
    }
    // Requests until the input ends; then the process ends, whatever the thread is doing.
    while let Some(request) = protocol::read_request(&mut input) {
        if requests.send(request).is_err() {
            break;
        }
    }
    Exit::Success
}

/// Writes one frame to standard output.
fn write(json: &[u8]) -> Exit {
    match crate::output::write_stdout(&frame(json)) {
        Ok(()) => Exit::Success,
        Err(_) => Exit::Error,
    }
}

/// Reads `pdf` and answers; then answers each request `asked`.
fn read_and_answer(pdf: &[u8], asked: &Receiver<Request>) {
    let opened = catch_unwind(AssertUnwindSafe(|| pdftext::open_document(pdf)))
        .unwrap_or(Err(Unreadable::Failed));
    let (reading, document) = match opened {
        Ok((reading, document)) => (reading, document),
        Err(why) => {
            write(&encode(&Answer::Unreadable(why)));
            return;
        }
    };
    if write(&encode(&Answer::Read(Box::new(reading)))) != Exit::Success {
        return;
    }
    let renderer = document.renderer(RENDER_DPI);
    let mut done: BTreeMap<usize, Option<Render>> = BTreeMap::new();
    while let Ok(request) = asked.recv() {
        let pages = &request.pages;
        let answer = match request.kind {
            Kind::Scene => encode_pages(&document.scenes(pages)),
            // Pictures to show are made at their own resolution and not kept.
            Kind::Show => {
                let shown = document.renderer(request.dpi());
                let made = render_pages(pdf, &document, &shown, pages).into_iter().collect();
                encode_pages(&pick(&made, pages))
            }
            Kind::Compare => {
                let mut missing: Vec<usize> =
                    pages.iter().copied().filter(|p| !done.contains_key(p)).collect();
                missing.dedup();
                done.extend(render_pages(pdf, &document, &renderer, &missing));
                encode_pages(&pick(&done, pages))
            }
        };
        if write(&answer) != Exit::Success {
            return;
        }
    }
}

/// The renders of `pages`, in that order, among those `made`.
fn pick(made: &BTreeMap<usize, Option<Render>>, pages: &[usize]) -> Vec<Option<Render>> {
    pages.iter().map(|page| made.get(page).cloned().flatten()).collect()
}

/// Renders `pages` of `document`, the later half on a thread of its own (the machine's other
/// core), which opens the PDF `pdf` again.
fn render_pages(
    pdf: &[u8],
    document: &Document,
    renderer: &Renderer<'_>,
    pages: &[usize],
) -> Vec<(usize, Option<Render>)> {
    let render = |renderer: &Renderer<'_>, pages: &[usize]| -> Vec<(usize, Option<Render>)> {
        pages.iter().map(|&page| (page, renderer.render(page))).collect()
    };
    let (mine, theirs) = pages.split_at(pages.len().div_ceil(2));
    if theirs.is_empty() {
        return render(renderer, mine);
    }
    let images = document.images().to_vec();
    let dpi = renderer.dpi();
    std::thread::scope(|scope| {
        let other = std::thread::Builder::new().stack_size(limits::PARSE_STACK).spawn_scoped(
            scope,
            move || {
                let document = Document::reopen(pdf, images).ok()?;
                Some(render(&document.renderer(dpi), theirs))
            },
        );
        let mut out = render(renderer, mine);
        match other.ok().and_then(|thread| thread.join().ok()).flatten() {
            Some(rendered) => out.extend(rendered),
            None => out.extend(render(renderer, theirs)),
        }
        out
    })
}

//! What the parent and the worker say to each other. The worker is started with [`SUBCOMMAND`];
//! on its standard input it is given one byte ([`SPECULATE`] or not), the length of the PDF in
//! decimal and a newline, the PDF, then requests: page numbers (from 0, separated by spaces) on
//! a line each, rendered to compare them, or after the word [`SHOW`] to show them to a person,
//! until the input ends. It answers frames, each its length in decimal, a newline
//! and JSON: first an [`Answer`], then for each request the renders of those pages, in that
//! order. Every frame is at most [`MAX_ANSWER`] bytes and checked on receipt.

use std::io::{BufRead, Read as _};

use serde::{Deserialize, Serialize};

use crate::pdftext::render::{RENDER_DPI, SHOW_DPI};
use crate::pdftext::{Reading, Render, Unreadable, MAX_PAGES, MAX_PDF};

/// The hidden subcommand that runs the worker.
pub const SUBCOMMAND: &str = "read-pdf";
/// The byte before the PDF on the worker's input that has it render every page, in order, as
/// soon as it has answered (any other byte: only the pages asked for). Rendering is most of what
/// reading costs: a copy's pages are rendered while the signed documents are read, in case its
/// words turn out to be a signed document's.
pub const SPECULATE: u8 = b's';
/// The word that starts a request for pictures of pages to show a person, at
/// [`SHOW_DPI`] (without it, renders to compare, at [`RENDER_DPI`]).
pub const SHOW: &str = "show";

/// Longest answer read from a worker: room for 200 pages of dense text and their renders.
pub const MAX_ANSWER: usize = 64 << 20;
/// Why a frame could not be read when the worker's output ended before it (the worker's
/// exit status then tells more).
pub const ENDED: [&str; 2] = ["it answered nothing", "its answer was cut short"];
/// Longest line of decimal digits (a length) or of page numbers.
const MAX_LINE: u64 = 8 * MAX_PAGES as u64;

/// What the worker says of a PDF.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum Answer {
    /// What it read.
    Read(Box<Reading>),
    /// Why it could not.
    Unreadable(Unreadable),
}

impl From<Result<Reading, Unreadable>> for Answer {
    fn from(result: Result<Reading, Unreadable>) -> Self {
        match result {
            Ok(reading) => Answer::Read(Box::new(reading)),
            Err(why) => Answer::Unreadable(why),
        }
    }
}

/// Renders of the pages asked for, in the order asked (`None`: a page not rendered).
pub type Renders = Vec<Option<Render>>;

/// `json` as a frame: its length, a newline, itself.
pub fn frame(json: &[u8]) -> Vec<u8> {
    let mut out = format!("{}\n", json.len()).into_bytes();
    out.extend_from_slice(json);
    out
}

/// The answer as the worker writes it (JSON).
pub fn encode(answer: &Answer) -> Vec<u8> {
    serde_json::to_vec(answer).unwrap_or_default()
}

/// Renders as the worker writes them (JSON).
pub fn encode_renders(renders: &[Option<Render>]) -> Vec<u8> {
    serde_json::to_vec(renders).unwrap_or_default()
}

/// The answer `bytes` hold, checked; why it cannot be believed otherwise.
pub fn decode(bytes: &[u8]) -> Result<Answer, String> {
    if bytes.len() > MAX_ANSWER {
        return Err("its answer was too long".into());
    }
    let answer: Answer =
        serde_json::from_slice(bytes).map_err(|_| "its answer was malformed".to_string())?;
    if let Answer::Read(reading) = &answer {
        if let Some(problem) = reading.problem() {
            return Err(format!("its answer did not hold together ({problem})"));
        }
    }
    Ok(answer)
}

/// The renders of the `asked` pages of a document of `pages` pages that `bytes` hold, checked.
pub fn decode_renders(bytes: &[u8], pages: usize, asked: &[usize]) -> Result<Renders, String> {
    if bytes.len() > MAX_ANSWER {
        return Err("its answer was too long".into());
    }
    let renders: Renders =
        serde_json::from_slice(bytes).map_err(|_| "its renders were malformed".to_string())?;
    if renders.len() != asked.len() || asked.iter().any(|&page| page >= pages) {
        return Err("it rendered other pages than those asked for".into());
    }
    match renders.iter().flatten().find_map(Render::problem) {
        Some(problem) => Err(format!("its renders did not hold together ({problem})")),
        None => Ok(renders),
    }
}

/// A line of at most [`MAX_LINE`] bytes, without its newline; `None` at the end of input or
/// past the limit.
fn line(input: &mut impl BufRead) -> Option<String> {
    let mut text = String::new();
    input.take(MAX_LINE + 1).read_line(&mut text).ok()?;
    text.strip_suffix('\n').map(str::to_string)
}

/// The worker's input up to the PDF: whether to speculate, and the PDF; `Err` with the
/// answer to give when it is too long or out of shape.
pub fn read_pdf(input: &mut impl BufRead) -> Result<(bool, Vec<u8>), Answer> {
    let too_large = Answer::Unreadable(Unreadable::TooLarge);
    let mut mode = [0u8];
    input.read_exact(&mut mode).map_err(|_| Answer::Unreadable(Unreadable::NotPdf))?;
    let length: u64 = line(input).and_then(|l| l.parse().ok()).ok_or(too_large.clone())?;
    if length > MAX_PDF {
        return Err(too_large);
    }
    let mut pdf = Vec::new();
    input.take(length).read_to_end(&mut pdf).map_err(|_| too_large.clone())?;
    match pdf.len() as u64 == length {
        true => Ok((mode[0] == SPECULATE, pdf)),
        false => Err(too_large),
    }
}

/// Renders of some pages, asked for by the parent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    /// The pages, from 0, in the order their renders are wanted.
    pub pages: Vec<usize>,
    /// Pictures to show a person ([`SHOW_DPI`]), not renders to compare ([`RENDER_DPI`]).
    pub show: bool,
}

impl Request {
    /// The resolution asked for, in dots per inch.
    pub fn dpi(&self) -> f32 {
        if self.show {
            SHOW_DPI
        } else {
            RENDER_DPI
        }
    }
}

/// The next request; `None` when the input ended (or is out of shape).
pub fn read_request(input: &mut impl BufRead) -> Option<Request> {
    let text = line(input)?;
    let (show, numbers) = match text.strip_prefix(SHOW) {
        Some(rest) if rest.is_empty() || rest.starts_with(' ') => (true, rest),
        _ => (false, text.as_str()),
    };
    let pages: Option<Vec<usize>> =
        numbers.split_ascii_whitespace().map(|n| n.parse().ok()).collect();
    pages
        .filter(|p| p.len() <= MAX_PAGES && p.iter().all(|&n| n < MAX_PAGES))
        .map(|pages| Request { pages, show })
}

/// A request as the parent writes it: renders of `pages`, to compare them or to `show` them.
pub fn request(pages: &[usize], show: bool) -> Vec<u8> {
    let mut words: Vec<String> = pages.iter().map(ToString::to_string).collect();
    if show {
        words.insert(0, SHOW.to_string());
    }
    format!("{}\n", words.join(" ")).into_bytes()
}

/// The next frame of `output`, at most [`MAX_ANSWER`] bytes; why not, when it cannot be read.
pub fn read_frame(output: &mut impl BufRead) -> Result<Vec<u8>, String> {
    let length = line(output).ok_or(ENDED[0])?;
    let length: usize = length.parse().map_err(|_| "its answer was malformed".to_string())?;
    if length > MAX_ANSWER {
        return Err("its answer was too long".into());
    }
    let mut out = Vec::with_capacity(length.min(1 << 20));
    output.take(length as u64).read_to_end(&mut out).map_err(|err| err.to_string())?;
    match out.len() == length {
        true => Ok(out),
        false => Err(ENDED[1].into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_round_trip_and_garbage_is_refused() {
        for answer in
            [Answer::Unreadable(Unreadable::TooManyPages(7)), Answer::Read(Box::default())]
        {
            assert_eq!(decode(&encode(&answer)), Ok(answer));
        }
        assert!(decode(b"").is_err());
        assert!(decode(b"{\"read\": {\"text\": 1}}").is_err());
        assert!(decode(&[b'['; 100_000]).is_err());
        assert!(decode(b"{\"unreadable\":\"too_deep\",\"x\":1}").is_err());
    }

    #[test]
    fn frames_requests_and_renders_round_trip_and_are_checked() {
        let framed = frame(b"{}");
        assert_eq!(read_frame(&mut &framed[..]), Ok(b"{}".to_vec()));
        assert!(read_frame(&mut &b"5\n{}"[..]).is_err(), "cut short");
        assert!(read_frame(&mut &b"999999999999\n"[..]).is_err(), "too long");
        assert!(read_frame(&mut &b""[..]).is_err());
        let input = [&b"s3\n%PD"[..], &request(&[0, 2], false), &request(&[], false)].concat();
        let input = [&input[..], &request(&[4, 1], true), &request(&[], true)].concat();
        let mut input = &input[..];
        assert_eq!(read_pdf(&mut input), Ok((true, b"%PD".to_vec())));
        let compare = |pages: Vec<usize>| Some(Request { pages, show: false });
        assert_eq!(read_request(&mut input), compare(vec![0, 2]));
        assert_eq!(read_request(&mut input), compare(vec![]));
        let shown = read_request(&mut input);
        assert_eq!(shown, Some(Request { pages: vec![4, 1], show: true }));
        assert_eq!(shown.map(|r| r.dpi()), Some(SHOW_DPI));
        assert_eq!(read_request(&mut input), Some(Request { pages: vec![], show: true }));
        assert_eq!(read_request(&mut input), None);
        assert_eq!(read_request(&mut &b"shown 1\n"[..]), None, "not the word");
        assert!(read_pdf(&mut &b"s99999999999\n"[..]).is_err());
        let render = Render { width: 1, height: 1, gray: vec![255] };
        let renders = vec![Some(render), None];
        let bytes = encode_renders(&renders);
        assert_eq!(decode_renders(&bytes, 2, &[1, 0]), Ok(renders));
        assert!(decode_renders(&bytes, 2, &[1]).is_err(), "not the pages asked for");
        assert!(decode_renders(&bytes, 2, &[5, 0]).is_err(), "no such page");
        let wrong = Render { width: 2, height: 2, gray: vec![0] };
        assert!(decode_renders(&encode_renders(&[Some(wrong)]), 2, &[0]).is_err());
    }
}

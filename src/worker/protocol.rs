//! What the parent and the worker say to each other. The worker is started with [`SUBCOMMAND`];
//! on its standard input it is given the length of the PDF in decimal and a newline, the PDF,
//! then requests: page numbers (from 0, separated by spaces) on a line each, rendered to
//! compare them, or after the word [`SHOW`] to show them to a person, or after the word
//! [`SCENE`] their scenes, until the input ends. It answers frames, each its length in
//! decimal, a newline and JSON: first an [`Answer`], then for each request the renders or the
//! scenes of those pages, in that order. Every frame is at most [`MAX_ANSWER`] bytes and
//! checked on receipt.

use std::io::{BufRead, Read as _};

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use crate::pdftext::render::{RENDER_DPI, SHOW_DPI};
use crate::pdftext::scene::Scene;
use crate::pdftext::{Reading, Render, Unreadable, MAX_PAGES, MAX_PDF};

/// The hidden subcommand that runs the worker.
pub const SUBCOMMAND: &str = "read-pdf";
/// The word that starts a request for pictures of pages to show a person, at
/// [`SHOW_DPI`] (without a word, renders to compare, at [`RENDER_DPI`]).
pub const SHOW: &str = "show";
/// The word that starts a request for the scenes of pages (what they draw, call by call).
pub const SCENE: &str = "scene";

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
/// Scenes of the pages asked for, in the order asked (`None`: a page a scene cannot hold).
pub type Scenes = Vec<Option<Scene>>;

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

/// Renders or scenes as the worker writes them (JSON).
pub fn encode_pages<T: Serialize>(pages: &[Option<T>]) -> Vec<u8> {
    serde_json::to_vec(pages).unwrap_or_default()
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
    decode_pages(bytes, pages, asked, "renders", Render::problem)
}

/// The scenes of the `asked` pages of a document of `pages` pages that `bytes` hold, checked.
pub fn decode_scenes(bytes: &[u8], pages: usize, asked: &[usize]) -> Result<Scenes, String> {
    decode_pages(bytes, pages, asked, "scenes", Scene::problem)
}

/// Something of each of the `asked` pages (`what`: "renders", "scenes") that `bytes` hold, each
/// checked by `problem`.
fn decode_pages<T: DeserializeOwned>(
    bytes: &[u8],
    pages: usize,
    asked: &[usize],
    what: &str,
    problem: fn(&T) -> Option<&'static str>,
) -> Result<Vec<Option<T>>, String> {
    if bytes.len() > MAX_ANSWER {
        return Err("its answer was too long".into());
    }
    let answers: Vec<Option<T>> =
        serde_json::from_slice(bytes).map_err(|_| format!("its {what} were malformed"))?;
    if answers.len() != asked.len() || asked.iter().any(|&page| page >= pages) {
        return Err(format!("it sent {what} of other pages than those asked for"));
    }
    match answers.iter().flatten().find_map(problem) {
        Some(problem) => Err(format!("its {what} did not hold together ({problem})")),
        None => Ok(answers),
    }
}

/// A line of at most [`MAX_LINE`] bytes, without its newline; `None` at the end of input or
/// past the limit.
fn line(input: &mut impl BufRead) -> Option<String> {
    let mut text = String::new();
    input.take(MAX_LINE + 1).read_line(&mut text).ok()?;
    text.strip_suffix('\n').map(str::to_string)
}

/// The worker's input up to the PDF: the PDF; `Err` with the answer to give when it is too
/// long or out of shape.
pub fn read_pdf(input: &mut impl BufRead) -> Result<Vec<u8>, Answer> {
    let too_large = Answer::Unreadable(Unreadable::TooLarge);
    let length: u64 = line(input).and_then(|l| l.parse().ok()).ok_or(too_large.clone())?;
    if length > MAX_PDF {
        return Err(too_large);
    }
    let mut pdf = Vec::new();
    input.take(length).read_to_end(&mut pdf).map_err(|_| too_large.clone())?;
    match pdf.len() as u64 == length {
        true => Ok(pdf),
        false => Err(too_large),
    }
}

/// What the parent asks of some pages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Renders to compare them, at [`RENDER_DPI`].
    Compare,
    /// Pictures to show a person, at [`SHOW_DPI`].
    Show,
    /// Their scenes.
    Scene,
}

/// Renders or scenes of some pages, asked for by the parent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    /// The pages, from 0, in the order they are wanted.
    pub pages: Vec<usize>,
    /// What is wanted of them.
    pub kind: Kind,
}

impl Request {
    /// The resolution of the renders asked for, in dots per inch.
    pub fn dpi(&self) -> f32 {
        match self.kind {
            Kind::Show => SHOW_DPI,
            Kind::Compare | Kind::Scene => RENDER_DPI,
        }
    }
}

/// The next request; `None` when the input ended (or is out of shape).
pub fn read_request(input: &mut impl BufRead) -> Option<Request> {
    let text = line(input)?;
    let word = |word: &str| match text.strip_prefix(word) {
        Some(rest) if rest.is_empty() || rest.starts_with(' ') => Some(rest),
        _ => None,
    };
    let (kind, numbers) = match (word(SHOW), word(SCENE)) {
        (Some(rest), _) => (Kind::Show, rest),
        (_, Some(rest)) => (Kind::Scene, rest),
        _ => (Kind::Compare, text.as_str()),
    };
    let pages: Option<Vec<usize>> =
        numbers.split_ascii_whitespace().map(|n| n.parse().ok()).collect();
    pages
        .filter(|p| p.len() <= MAX_PAGES && p.iter().all(|&n| n < MAX_PAGES))
        .map(|pages| Request { pages, kind })
}

/// A request as the parent writes it: `kind` of `pages`.
pub fn request(pages: &[usize], kind: Kind) -> Vec<u8> {
    let mut words: Vec<String> = pages.iter().map(ToString::to_string).collect();
    match kind {
        Kind::Show => words.insert(0, SHOW.to_string()),
        Kind::Scene => words.insert(0, SCENE.to_string()),
        Kind::Compare => {}
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
        let input = [&b"3\n%PD"[..], &request(&[0, 2], Kind::Compare)].concat();
        let input = [&input[..], &request(&[], Kind::Compare), &request(&[4, 1], Kind::Show)];
        let input = [&input.concat()[..], &request(&[], Kind::Show), &request(&[3], Kind::Scene)];
        let input = input.concat();
        let mut input = &input[..];
        assert_eq!(read_pdf(&mut input), Ok(b"%PD".to_vec()));
        let ask = |pages: Vec<usize>, kind| Some(Request { pages, kind });
        assert_eq!(read_request(&mut input), ask(vec![0, 2], Kind::Compare));
        assert_eq!(read_request(&mut input), ask(vec![], Kind::Compare));
        let shown = read_request(&mut input);
        assert_eq!(shown, ask(vec![4, 1], Kind::Show));
        assert_eq!(shown.map(|r| r.dpi()), Some(SHOW_DPI));
        assert_eq!(read_request(&mut input), ask(vec![], Kind::Show));
        assert_eq!(read_request(&mut input), ask(vec![3], Kind::Scene));
        assert_eq!(read_request(&mut input), None);
        assert_eq!(read_request(&mut &b"shown 1\n"[..]), None, "not the word");
        assert_eq!(read_request(&mut &b"scenes 1\n"[..]), None, "not the word");
        assert!(read_pdf(&mut &b"99999999999\n"[..]).is_err());
        let render = Render { width: 1, height: 1, gray: vec![255] };
        let renders = vec![Some(render), None];
        let bytes = encode_pages(&renders);
        assert_eq!(decode_renders(&bytes, 2, &[1, 0]), Ok(renders));
        assert!(decode_renders(&bytes, 2, &[1]).is_err(), "not the pages asked for");
        assert!(decode_renders(&bytes, 2, &[5, 0]).is_err(), "no such page");
        let wrong = Render { width: 2, height: 2, gray: vec![0] };
        assert!(decode_renders(&encode_pages(&[Some(wrong)]), 2, &[0]).is_err());
        let scenes = vec![None, Some(Scene::default())];
        assert_eq!(decode_scenes(&encode_pages(&scenes), 3, &[2, 0]), Ok(scenes));
        assert!(decode_scenes(&bytes, 2, &[1, 0]).is_err(), "renders are no scenes");
    }
}

//! What the parent and the worker say to each other: the worker is started with
//! [`SUBCOMMAND`] and given one byte ([`RENDER`], [`SHOW`] with its pages, or another) and the
//! PDF on its standard input; it answers JSON of [`Answer`], at most [`MAX_ANSWER`] bytes,
//! checked on receipt.

use serde::{Deserialize, Serialize};

use crate::pdftext::{Reading, Renders, Unreadable};

/// The hidden subcommand that runs the worker.
pub const SUBCOMMAND: &str = "read-pdf";
/// The byte before the PDF on the worker's input that asks for renders of its pages (any
/// other asks for none: rendering is most of what reading costs, and only a copy whose words
/// are the signed document's needs it).
pub const RENDER: u8 = b'r';
/// The byte before the PDF that asks for pictures of some pages to show a person: a byte
/// more says how many, then one byte each, the pages' indices from 0 (at most 255 pages,
/// the first 256 of a document).
pub const SHOW: u8 = b's';

/// What comes before the PDF on the worker's input to ask for `renders`.
pub fn request(renders: &Renders) -> Vec<u8> {
    match renders {
        Renders::None => vec![b't'],
        Renders::All => vec![RENDER],
        Renders::Shown(pages) => {
            let pages: Vec<u8> = pages.iter().filter_map(|&p| u8::try_from(p).ok()).collect();
            let pages = &pages[..pages.len().min(255)];
            let mut head = vec![SHOW, pages.len() as u8];
            head.extend_from_slice(pages);
            head
        }
    }
}

/// What the worker's `input` asks for, and the PDF after it.
pub fn requested(input: &[u8]) -> (Renders, &[u8]) {
    match input {
        [RENDER, pdf @ ..] => (Renders::All, pdf),
        [SHOW, count, rest @ ..] if rest.len() >= usize::from(*count) => {
            let (pages, pdf) = rest.split_at(usize::from(*count));
            (Renders::Shown(pages.iter().map(|&p| usize::from(p)).collect()), pdf)
        }
        [_, pdf @ ..] => (Renders::None, pdf),
        [] => (Renders::None, &[]),
    }
}

/// Longest answer read from a worker: room for 200 pages of dense text and their renders.
pub const MAX_ANSWER: usize = 64 << 20;

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

/// The answer as the worker writes it.
pub fn encode(answer: &Answer) -> Vec<u8> {
    serde_json::to_vec(answer).unwrap_or_default()
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requests_round_trip() {
        for renders in [Renders::None, Renders::All, Renders::Shown(vec![0, 4])] {
            let mut input = request(&renders);
            input.extend_from_slice(b"%PDF");
            assert_eq!(requested(&input), (renders, &b"%PDF"[..]));
        }
        assert_eq!(requested(&[SHOW, 9, 1]), (Renders::None, &[9, 1][..]));
    }

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
}

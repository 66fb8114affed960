//! Explains a copy that is not byte-identical to any signed document of a package.
//!
//! The copy's words are compared with each signed document's: the closest document is the one
//! its text differs from by the fewest words, among those similar enough to be the same
//! document at all ([`SAME_DOCUMENT_MIN`]). Same words means a re-saved copy; otherwise each
//! difference is shown with a little context and located in the signed document's structure.
//!
//! Ghostscript's pdfwrite rewrites the text layer of ligatures as unrelated characters
//! (`e昀昀orts` for "efforts"). A word of the copy that differs from the signed word only by
//! characters the signed text never uses, standing one for one on the letters of a ligature
//! ("ff", "fi", …), is counted as damage to the text layer, not as a change of wording.
//!
//! Same words are not enough to say "the same text, re-saved": the copy must also look like
//! the signed document ([`looks`]: page count, annotations, form fields, pages rendered at
//! low resolution). A copy that is a signed document byte for byte followed by later
//! revisions is said to be exactly that ([`revisions`]). Every PDF is read by the
//! [`Reader`]: in a worker process that limits itself, since nothing here is trusted yet.

use std::collections::{BTreeMap, HashSet};
use std::sync::{Arc, Mutex};

mod looks;
mod revisions;
mod structure;
mod worddiff;

use std::path::Path;

use super::report::{Closest, Difference, PageCount};
use crate::digest::sha256_hex;
use crate::fsio;
use crate::manifest::Manifest;
use crate::pdftext::observe::Facts;
use crate::pdftext::scene::Scene;
use crate::pdftext::{PageView, Reading, Render, Text};
use crate::set::{StructureSpec, TemplateSet};
use crate::worker::{Reader, Refused, Session};
use structure::Structure;
use worddiff::{diff, similarity, Hunk};

pub use looks::drift;
pub use worddiff::diff as word_diff;

/// Least [`similarity`] at which a copy is taken for a version of a document. Distinct
/// documents of a package score at most about 0.1 against each other (the resolution against
/// the agreement) and an unrelated PDF about 0.04; a re-saved copy scores 1, a forgery or a copy
/// short of one page of six above 0.9, the redline draft against the agreement 0.85. 0.5 sits in
/// the middle of that gap: a copy must keep, word pair for word pair, about half of the text
/// it shares with the document (a third of the document, say, with nothing else added).
pub const SAME_DOCUMENT_MIN: f64 = 0.5;
/// Differences listed; the others are counted in `more`.
pub const SHOWN_DIFFERENCES: usize = 5;
/// Equal words shown on each side of a difference.
pub const CONTEXT_WORDS: usize = 3;
/// Hunks separated by at most this many equal words are shown as one difference.
const MERGE_GAP: usize = 2;
/// Longest run of changed words shown whole; longer runs show their ends around "…".
const SHOWN_WORDS: usize = 16;
/// Most letters one damaged character stands for.
const LIGATURE_MAX: usize = 2;
/// Longest word checked for ligature damage.
const WORD_MAX: usize = 64;
/// Letter pairs that fonts draw as one ligature glyph.
const LIGATURE_PAIRS: [&str; 8] = ["ff", "fi", "fl", "ft", "fj", "fb", "fh", "fk"];

/// A signed document of the package, with its text already read.
#[derive(Debug, Clone, Copy)]
pub struct SignedText<'a> {
    /// File name in the package.
    pub name: &'a str,
    /// Role its signatures attest ("agreement, original 1 of 2").
    pub role: &'a str,
    /// Its words.
    pub text: &'a Text,
    /// How it is divided.
    pub spec: &'a StructureSpec,
}

pub use crate::pdftext::MAX_PDF;

/// A signed document of a package, read once for comparing copies with it.
#[derive(Debug, Clone)]
pub struct SignedDocument {
    name: String,
    role: String,
    size: u64,
    sha256: String,
    /// Its words, pages (not rendered), fields and facts.
    reading: Option<Reading>,
    /// Why it could not be read, when it could not.
    unread: Option<String>,
    /// Its reader, kept to render pages when a copy has its words, and the renders made so far
    /// (each page is rendered once a run, however many copies need it).
    renders: Arc<Mutex<Renders>>,
}

/// A signed document's reader and the renders of its pages it made.
#[derive(Debug)]
struct Renders {
    session: Session,
    done: BTreeMap<usize, Option<Render>>,
}

impl SignedDocument {
    /// Its file name in the package.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Why it could not be read, when it could not.
    pub fn unread(&self) -> Option<&str> {
        self.unread.as_deref()
    }

    /// Stops its reader (which dropping it then reaps).
    pub fn stop(&self) {
        if let Ok(mut renders) = self.renders.lock() {
            renders.session.stop();
        }
    }

    /// The scenes of `pages` (from 0), in that order (`None`: a page without one).
    fn scenes(&self, pages: &[usize]) -> Vec<Option<Scene>> {
        let Ok(mut renders) = self.renders.lock() else { return vec![None; pages.len()] };
        renders.session.scenes(pages).unwrap_or_else(|_| vec![None; pages.len()])
    }

    /// Renders of `pages` (from 0), in that order (`None`: a page not rendered).
    fn render(&self, pages: &[usize]) -> Vec<Option<Render>> {
        let Ok(mut renders) = self.renders.lock() else { return vec![None; pages.len()] };
        let Renders { session, done } = &mut *renders;
        let missing: Vec<usize> = pages.iter().copied().filter(|p| !done.contains_key(p)).collect();
        if !missing.is_empty() {
            let made = session.render(&missing).unwrap_or_else(|_| vec![None; missing.len()]);
            done.extend(missing.into_iter().zip(made));
        }
        pages.iter().map(|p| done.get(p).cloned().flatten()).collect()
    }
}

/// The documents of the package in `dir` that are as its `manifest` signs them, read by
/// `reader`; a document that is missing or changed is left out (the package check reports
/// it), one that cannot be read is kept unread. Each is read by a worker of its own, all at
/// once; each worker stays to render pages on request.
pub fn read_signed(dir: &Path, manifest: &Manifest, reader: &Reader) -> Vec<SignedDocument> {
    let started: Vec<_> = manifest
        .files
        .iter()
        .filter_map(|entry| {
            let bytes = fsio::read_regular(&dir.join(&entry.name), "document", MAX_PDF).ok()?;
            (sha256_hex(&bytes) == entry.sha256).then(|| (entry, reader.start(&bytes)))
        })
        .collect();
    started
        .into_iter()
        .map(|(entry, mut session)| {
            let read = session.reading();
            SignedDocument {
                name: entry.name.clone(),
                role: entry.role.clone(),
                size: entry.size,
                sha256: entry.sha256.clone(),
                unread: read.as_ref().err().map(ToString::to_string),
                reading: read.ok(),
                renders: Arc::new(Mutex::new(Renders { session, done: BTreeMap::new() })),
            }
        })
        .collect()
}

/// What the PDF `bytes`, a copy being read by `copy` (which renders its pages on request), is,
/// compared with the `signed` documents: `Ok(None)` when none is close, `Err` saying why it
/// cannot be read. When its words are those of the closest document, the pages whose drawing
/// differs are rendered, the copy's and the document's at once.
pub fn explain(
    bytes: &[u8],
    copy: &mut Session,
    signed: &[SignedDocument],
) -> Result<Option<Closest>, Refused> {
    let read = copy.reading();
    if let Some(doc) = signed.iter().find(|d| revisions::begins_with(bytes, d.size, &d.sha256)) {
        let later = revisions::describe(bytes, doc.size, doc.reading.as_ref(), read);
        let pages = doc.reading.as_ref().map_or(0, |r| r.pages.len());
        return Ok(Some(Closest {
            document: doc.name.clone(),
            role: doc.role.clone(),
            pages: PageCount { signed: pages, copy: pages },
            later_revisions: Some(later),
            ..Closest::default()
        }));
    }
    let mut read = read?;
    let catalog = TemplateSet::builtin().ok().map(|set| &set.catalog);
    let plain = StructureSpec::default();
    let documents: Vec<SignedText<'_>> = signed
        .iter()
        .filter_map(|doc| {
            Some(SignedText {
                name: &doc.name,
                role: &doc.role,
                text: &doc.reading.as_ref()?.text,
                spec: catalog.and_then(|c| c.structure_of(&doc.name)).unwrap_or(&plain),
            })
        })
        .collect();
    let Some(mut closest) = diagnose(&read.text, &documents) else { return Ok(None) };
    let original = signed.iter().find(|doc| doc.name == closest.document);
    if let Some((doc, original)) = original.and_then(|doc| Some((doc, doc.reading.as_ref()?))) {
        let same_words = closest.same_text;
        // Words alike: only the pages can tell the copy from a re-saved one. Pages that draw
        // the same look the same; what the others draw is asked of both at once, and those it
        // does not show alike are rendered, both at once.
        let looks = match closest.differences.is_empty() {
            true => {
                let mut original = original.clone();
                let pair = (&mut original, &mut read);
                ask_both(pair, |p| doc.scenes(p), |p| copy.scenes(p), |v, s| v.scene = s);
                let pair = (&mut original, &mut read);
                ask_both(pair, |p| doc.render(p), |p| copy.render(p), |v, r| v.render = r);
                looks::compare(&original, &read, true)
            }
            false => looks::compare(original, &read, false),
        };
        closest.same_text = same_words && looks.same();
        closest.pages = PageCount { signed: looks.pages.0, copy: looks.pages.1 };
        closest.looks_different = looks.different;
        closest.added = looks.added;
        if same_words || closest.differences.is_empty() {
            closest.observations = Facts::changes(&original.facts, &read.facts);
        }
    }
    Ok(Some(closest))
}

/// Asks the signed document (`signed`) and the copy (`copied`) at once for something of the
/// pages (from 0) not yet known to look alike, and puts each answer into its reading.
fn ask_both<T: Send>(
    (original, read): (&mut Reading, &mut Reading),
    signed: impl FnOnce(&[usize]) -> Vec<Option<T>> + Send,
    copied: impl FnOnce(&[usize]) -> Result<Vec<Option<T>>, Refused>,
    put: impl Fn(&mut PageView, Option<T>),
) {
    let pages = looks::to_render(original, read);
    if !pages.is_empty() {
        let (from_signed, from_copy) = both(|| signed(&pages), || copied(&pages));
        looks::set_pages(original, &pages, from_signed, &put);
        looks::set_pages(read, &pages, from_copy.unwrap_or_default(), &put);
    }
}

/// What `signed` and `copied` give, the first on a thread of its own (a signed document's
/// worker and the copy's then work at once); the first gives nothing if its thread fails.
fn both<S: Default + Send, C>(
    signed: impl FnOnce() -> S + Send,
    copied: impl FnOnce() -> C,
) -> (S, C) {
    std::thread::scope(|scope| {
        let signed = scope.spawn(signed);
        let copied = copied();
        (signed.join().unwrap_or_default(), copied)
    })
}

/// A signed document compared with the copy.
struct Comparison {
    index: usize,
    hunks: Vec<Hunk>,
    damaged: usize,
    changed_words: usize,
    similarity: f64,
}

/// Says which signed document a copy is a version of, and how it differs; `None` when no
/// document of the package is close to it.
pub fn diagnose(copy: &Text, documents: &[SignedText<'_>]) -> Option<Closest> {
    let copy_words = copy.tokens();
    if copy_words.is_empty() {
        return None;
    }
    let mut best: Option<Comparison> = None;
    for (index, doc) in documents.iter().enumerate() {
        let words = doc.text.tokens();
        let similarity = similarity(&words, &copy_words);
        if similarity < SAME_DOCUMENT_MIN {
            continue;
        }
        let known: HashSet<char> = words.iter().flat_map(|w| w.chars()).collect();
        let all = diff(&words, &copy_words).hunks;
        let (damage, hunks): (Vec<Hunk>, Vec<Hunk>) =
            all.into_iter().partition(|h| is_damage(h, &words, &copy_words, &known));
        let damaged = damage.iter().map(|h| h.before.len()).sum();
        let changed_words = hunks.iter().map(|h| h.before.len() + h.after.len()).sum();
        let candidate = Comparison { index, hunks, damaged, changed_words, similarity };
        if best.as_ref().is_none_or(|b| candidate.better_than(b)) {
            best = Some(candidate);
        }
    }
    let best = best?;
    let doc = &documents[best.index];
    let structure = Structure::new(doc.text, doc.spec);
    let merged = merge(&best.hunks);
    let differences: Vec<Difference> = merged
        .iter()
        .enumerate()
        .take(SHOWN_DIFFERENCES)
        .map(|(i, h)| describe(h, &merged, i, doc.text, copy, &structure))
        .collect();
    let damaged_text_layer = (best.damaged > 0).then(|| damage_note(best.damaged, &merged, doc));
    Some(Closest {
        document: doc.name.to_string(),
        role: doc.role.to_string(),
        same_text: best.hunks.is_empty() && best.damaged == 0,
        more_differences: merged.len() - differences.len(),
        differences,
        damaged_text_layer,
        ..Closest::default()
    })
}

impl Comparison {
    /// Fewer changed words wins, then fewer damaged words, then higher similarity.
    fn better_than(&self, other: &Comparison) -> bool {
        (self.changed_words, self.damaged) < (other.changed_words, other.damaged)
            || ((self.changed_words, self.damaged) == (other.changed_words, other.damaged)
                && self.similarity > other.similarity)
    }
}

/// The sentence about a damaged text layer.
fn damage_note(damaged: usize, others: &[Hunk], doc: &SignedText<'_>) -> String {
    let head = "its text layer is damaged (ligatures turned into unrelated characters, as \
                Ghostscript does), so the text cannot be compared exactly";
    let words = if damaged == 1 { "word" } else { "words" };
    match others.is_empty() {
        true => format!(
            "{head}; apart from {damaged} such {words} it is word for word that of {}",
            doc.name
        ),
        false => format!("{head}; {damaged} such {words} are set aside"),
    }
}

/// Whether a hunk replaces words one for one by their ligature-damaged forms.
fn is_damage(h: &Hunk, before: &[&str], after: &[&str], known: &HashSet<char>) -> bool {
    let (Some(b), Some(a)) = (before.get(h.before.clone()), after.get(h.after.clone())) else {
        return false;
    };
    b.len() == a.len() && b.iter().zip(a).all(|(b, a)| damaged(b, a, known))
}

/// Whether `copy` is `signed` with some ligatures' letters replaced by characters the signed
/// text never uses: each run of such characters stands for 1 to [`LIGATURE_MAX`] letters per
/// character, all from ligature pairs, taking in at least one whole pair (Ghostscript writes two
/// characters for "ff", "fi" and "ffi" alike).
fn damaged(signed: &str, copy: &str, known: &HashSet<char>) -> bool {
    let s: Vec<char> = signed.chars().collect();
    let c: Vec<char> = copy.chars().collect();
    let foreign: Vec<bool> = c.iter().map(|ch| !known.contains(ch)).collect();
    if s.len() > WORD_MAX || c.len() > WORD_MAX || !foreign.contains(&true) {
        return false;
    }
    // ok[i][j]: s[i..] and c[j..] match.
    let mut ok = vec![vec![false; c.len() + 1]; s.len() + 1];
    ok[s.len()][c.len()] = true;
    for j in (0..c.len()).rev() {
        let run = foreign[j..].iter().take_while(|&&f| f).count();
        for i in (0..s.len()).rev() {
            ok[i][j] = if !foreign[j] {
                s[i] == c[j] && ok[i + 1][j + 1]
            } else if j > 0 && foreign[j - 1] {
                false // inside a run: only its first character starts a match
            } else {
                (run..=run * LIGATURE_MAX).any(|len| {
                    i + len <= s.len() && is_ligature_run(&s[i..i + len]) && ok[i + len][j + run]
                })
            };
        }
    }
    ok[0][0]
}

/// Whether letters are made only of ligature letters and hold a ligature pair.
fn is_ligature_run(letters: &[char]) -> bool {
    let text: String = letters.iter().collect();
    let pair = LIGATURE_PAIRS.iter().any(|p| text.contains(p));
    let letter = |c: &char| LIGATURE_PAIRS.iter().any(|p| p.contains(*c));
    pair && letters.iter().all(letter)
}

/// Joins hunks separated by at most [`MERGE_GAP`] equal words.
fn merge(hunks: &[Hunk]) -> Vec<Hunk> {
    let mut out: Vec<Hunk> = Vec::new();
    for h in hunks {
        match out.last_mut() {
            Some(last) if h.before.start.saturating_sub(last.before.end) <= MERGE_GAP => {
                last.before.end = h.before.end;
                last.after.end = h.after.end;
            }
            _ => out.push(h.clone()),
        }
    }
    out
}

/// One difference: where it is, and both sides with context.
fn describe(
    h: &Hunk,
    all: &[Hunk],
    i: usize,
    signed: &Text,
    copy: &Text,
    at: &Structure,
) -> Difference {
    let anchor =
        if h.before.is_empty() { h.before.start.saturating_sub(1) } else { h.before.start };
    let footer = signed.words.get(anchor).is_some_and(|w| w.footer);
    let same_area = |k: usize| signed.words.get(k).is_some_and(|w| w.footer == footer);
    let previous_end = if i == 0 { 0 } else { all[i - 1].before.end };
    let next_start = all.get(i + 1).map_or(signed.words.len(), |n| n.before.start);
    let lead = (previous_end..h.before.start)
        .rev()
        .take(CONTEXT_WORDS)
        .take_while(|&k| same_area(k))
        .count();
    let trail =
        (h.before.end..next_start).take(CONTEXT_WORDS).take_while(|&k| same_area(k)).count();
    let side = |text: &Text, start: usize, end: usize| {
        let words = text.words.get(start.saturating_sub(lead)..end + trail).unwrap_or_default();
        let changed = words.len().saturating_sub(lead + trail);
        let mut shown: Vec<&str> = words.iter().map(|w| w.text.as_str()).collect();
        if changed > SHOWN_WORDS {
            shown.splice(lead + SHOWN_WORDS / 2..lead + changed - SHOWN_WORDS / 2, ["…"]);
        }
        shown.join(" ")
    };
    Difference {
        where_: place(h, signed, at),
        before: side(signed, h.before.start, h.before.end),
        after: side(copy, h.after.start, h.after.end),
    }
}

/// The location of a hunk: one label, a range of labels, or whole pages.
fn place(h: &Hunk, signed: &Text, at: &Structure) -> String {
    if h.before.is_empty() {
        return at.locate(h.before.start.saturating_sub(1)).to_string();
    }
    let (first, last) = (h.before.start, h.before.end - 1);
    let span = match (at.locate(first), at.locate(last)) {
        (a, b) if a == b => a.to_string(),
        (a, b) => format!("{a} to {b}"),
    };
    let page = |k: usize| signed.words[k].page;
    let starts_page = first == 0 || page(first - 1) != page(first);
    let ends_page = last + 1 == signed.words.len() || page(last + 1) != page(last);
    if !(starts_page && ends_page) {
        return span;
    }
    match (page(first), page(last)) {
        (p, q) if p == q => format!("all of page {p} ({span})"),
        (p, q) => format!("all of pages {p} to {q} ({span})"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ligature_damage_and_real_changes() {
        let known: HashSet<char> =
            "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ,.".chars().collect();
        assert!(damaged("efforts", "e昀昀orts", &known));
        assert!(damaged("beneficial", "bene昀椀cial", &known));
        assert!(damaged("efficient", "e昀케cient", &known));
        assert!(damaged("Fifth", "Fi昀琀h", &known));
        assert!(!damaged("efforts", "efforts", &known), "no foreign character");
        assert!(!damaged("global", "gl昀昀al", &known), "no ligature there");
        assert!(!damaged("efforts", "e昀昀orts,", &known), "another change too");
        assert!(!damaged("of", "o昀昀昀", &known), "more characters than letters");
    }
}

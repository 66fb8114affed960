//! The proposed amendments in place: each change in its sentence as the Working Group draft
//! shows it (the struck and the inserted wording), for the page to offer Accept and Reject.
//!
//! The passages come from the agreement's template rendered as the draft renders it, where
//! every change is `#del[…]` and/or `#ins[…]` (the `change` and `deletion` macros); the
//! catalog lists the amendments in the order they appear there, one change each.

use serde::Serialize;

use super::preview::documents;
use crate::check::Session;
use crate::render::{self, Mode};
use crate::set::TemplateSet;

/// Words of context shown on each side of a change.
const CONTEXT_WORDS: usize = 14;

/// One proposed change, for the page.
#[derive(Debug, Default, Serialize, PartialEq, Eq)]
pub struct Amendment {
    /// Its id, the key under `[amendments]`.
    pub id: String,
    /// What it changes, as the catalog says.
    pub summary: String,
    /// Where it is: `Article 2, paragraph 1`.
    pub place: String,
    /// The words before it (with "…" when cut).
    pub before: String,
    /// The wording it strikes.
    pub struck: String,
    /// The wording it inserts.
    pub inserted: String,
    /// The words after it.
    pub after: String,
}

/// A piece of a paragraph of the draft.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Piece {
    Text(String),
    Del(String),
    Ins(String),
}

/// The amendments of the catalog, each in its sentence, for `session` (by its summary alone
/// when the passages cannot be found).
pub fn amendments(set: &TemplateSet, session: &Session) -> Vec<Amendment> {
    let Some(doc) = documents(set, session).into_iter().next() else { return Vec::new() };
    let Ok(rendered) = render::render(set, &doc.template, session, Mode::Draft, doc.original)
    else {
        return Vec::new();
    };
    let mut found = passages(&rendered.source);
    if found.len() != set.catalog.amendments.len() {
        // A set whose draft marks its changes otherwise: the decisions, by their summaries.
        found = set.catalog.amendments.iter().map(|_| Amendment::default()).collect();
    }
    found
        .into_iter()
        .zip(&set.catalog.amendments)
        .map(|(mut amendment, declared)| {
            amendment.id = declared.id.clone();
            amendment.summary = declared.summary.clone();
            amendment
        })
        .collect()
}

/// Every change of the draft `source`, in order, with its context and place (ids unset).
fn passages(source: &str) -> Vec<Amendment> {
    let mut found = Vec::new();
    let mut article = None;
    for block in source.split("\n\n") {
        let block = block.trim();
        if let Some(rest) = block.strip_prefix("#article[") {
            article = rest.split(']').next().map(str::to_string);
            continue;
        }
        let (paragraph, body) = match block.strip_prefix("#para[") {
            Some(rest) => match rest.split_once("][") {
                Some((n, body)) => (Some(n), body.strip_suffix(']').unwrap_or(body)),
                None => (None, block),
            },
            None => (None, block),
        };
        if !body.contains("#del[") && !body.contains("#ins[") {
            continue;
        }
        let place = match (&article, paragraph) {
            (Some(a), Some(p)) => format!("Article {a}, paragraph {p}"),
            (Some(a), None) => format!("Article {a}"),
            _ => "Preamble".to_string(),
        };
        let pieces = pieces(body);
        let mut i = 0;
        while i < pieces.len() {
            if let Piece::Text(_) = pieces[i] {
                i += 1;
                continue;
            }
            let (mut struck, mut inserted) = (String::new(), String::new());
            let start = i;
            while i < pieces.len() {
                match &pieces[i] {
                    Piece::Del(t) => struck.push_str(t),
                    Piece::Ins(t) => inserted.push_str(t),
                    Piece::Text(t)
                        if t == " "
                            && matches!(pieces.get(i + 1), Some(Piece::Del(_) | Piece::Ins(_))) => {
                    }
                    Piece::Text(_) => break,
                }
                i += 1;
            }
            let before = context(&pieces[..start], true);
            let after = context(&pieces[i..], false);
            found.push(Amendment {
                id: String::new(),
                summary: String::new(),
                place: place.clone(),
                before,
                struck,
                inserted,
                after,
            });
        }
    }
    found
}

/// The words of `pieces` next to a change, as the clean text without the other changes
/// (struck wording kept, insertions left out), cut to [`CONTEXT_WORDS`].
fn context(pieces: &[Piece], before: bool) -> String {
    let text: String = pieces
        .iter()
        .map(|p| match p {
            Piece::Text(t) | Piece::Del(t) => t.as_str(),
            Piece::Ins(_) => "",
        })
        .collect();
    let words: Vec<&str> = text.split_whitespace().collect();
    let (lead, trail) = (text.starts_with(' '), text.ends_with(' '));
    if words.len() <= CONTEXT_WORDS {
        let joined = words.join(" ");
        return format!("{}{joined}{}", if lead { " " } else { "" }, if trail { " " } else { "" });
    }
    match before {
        true => format!(
            "…{}{}",
            words[words.len() - CONTEXT_WORDS..].join(" "),
            if trail { " " } else { "" }
        ),
        false => format!("{}{}…", if lead { " " } else { "" }, words[..CONTEXT_WORDS].join(" ")),
    }
}

/// A paragraph's markup as plain text, struck and inserted wording apart.
fn pieces(body: &str) -> Vec<Piece> {
    let mut pieces = Vec::new();
    let mut rest = body;
    while !rest.is_empty() {
        let next = [("#del[", true), ("#ins[", false)]
            .into_iter()
            .filter_map(|(mark, del)| rest.find(mark).map(|at| (at, mark.len(), del)))
            .min();
        let Some((at, len, del)) = next else {
            pieces.push(Piece::Text(plain(rest)));
            break;
        };
        if at > 0 {
            pieces.push(Piece::Text(plain(&rest[..at])));
        }
        let inner = &rest[at + len..];
        let end = closing(inner);
        let text = plain(&inner[..end]);
        pieces.push(if del { Piece::Del(text) } else { Piece::Ins(text) });
        rest = inner.get(end + 1..).unwrap_or_default();
    }
    pieces
}

/// Where the `]` closing a bracket opened just before `text` is.
fn closing(text: &str) -> usize {
    let mut depth = 0;
    for (i, c) in text.char_indices() {
        match c {
            '[' => depth += 1,
            ']' if depth == 0 => return i,
            ']' => depth -= 1,
            _ => {}
        }
    }
    text.len()
}

/// Typst markup of the agreement's text as plain words: string literals (`#"…";`, how values
/// and a change's wording are written) unquoted, emphasis marks and escapes dropped.
fn plain(markup: &str) -> String {
    let mut out = String::with_capacity(markup.len());
    let mut rest = markup;
    while let Some(at) = rest.find("#\"") {
        out.push_str(&rest[..at].replace(['_', '\\'], ""));
        let mut chars = rest[at + 2..].char_indices();
        let mut end = rest.len() - at - 2;
        while let Some((i, c)) = chars.next() {
            match c {
                '\\' => {
                    if let Some((_, escaped)) = chars.next() {
                        out.push(escaped);
                    }
                }
                '"' => {
                    end = i + 1;
                    break;
                }
                c => out.push(c),
            }
        }
        rest = &rest[at + 2 + end..];
        rest = rest.strip_prefix(';').unwrap_or(rest);
    }
    out.push_str(&rest.replace(['_', '\\'], ""));
    out
}

#[cfg(test)]
mod tests {
    use super::{passages, pieces, Piece};

    #[test]
    fn a_change_is_found_in_its_sentence() {
        let source = "#article[2][Principles]\n\n#para[1][as #del[the] #ins[an] organization with a #ins[crucial] global role.]";
        let found = passages(source);
        assert_eq!(found.len(), 2);
        assert_eq!(found[0].place, "Article 2, paragraph 1");
        assert_eq!((found[0].struck.as_str(), found[0].inserted.as_str()), ("the", "an"));
        assert_eq!(found[0].before, "as ");
        assert_eq!(found[0].after, " organization with a global role.");
        assert_eq!((found[1].struck.as_str(), found[1].inserted.as_str()), ("", "crucial"));
        assert_eq!(found[1].before, "as the organization with a ");
        assert_eq!(pieces("a #del[b [c]] d")[1], Piece::Del("b [c]".into()));
        assert_eq!(pieces("x #ins[#\"a \\\"b\\\"\";] y")[1], Piece::Ins("a \"b\"".into()));
    }
}

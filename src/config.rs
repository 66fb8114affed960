//! The per-session TOML config: what the secretariat fills in for each signing.
//!
//! Every struct denies unknown fields, so a typo in a key is an error with its line and column
//! rather than a silently ignored value. Values keep their spans so that `check` can point at
//! the exact place of every problem.

use std::collections::BTreeMap;
use std::fmt;
use std::ops::Range;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use toml::Spanned;

use crate::chars::{visible, Shown as _};
use crate::error::{Error, Result};
use crate::fsio;

/// Largest config file read, in bytes: far above any real config (a few KB), it keeps a
/// wrong path (a device, a huge file) from exhausting memory.
pub const MAX_CONFIG_BYTES: u64 = 16 << 20;

/// A text value with its place in the config file.
pub type Text = Spanned<String>;

/// One session's config, as written in the TOML file.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// Package id: names the output directory `out/<id>`.
    pub id: Text,
    /// Fingerprints of earlier signings of the package that this one replaces.
    pub supersedes: Option<Spanned<Vec<Text>>>,
    /// When, where and how the agreement is signed.
    pub signing: Signing,
    /// Who signs for each party.
    pub signatories: Signatories,
    /// The IOM Council session that approves the agreement.
    pub council: Spanned<Council>,
    /// The Working Group meeting that issued the draft.
    pub working_group: WorkingGroup,
    /// Decision on each proposed amendment, by amendment id.
    pub amendments: Option<Spanned<Amendments>>,
}

/// Decision on each proposed amendment, by amendment id.
pub type Amendments = BTreeMap<Spanned<String>, Spanned<Decision>>;

/// When, where and how the agreement is signed.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Signing {
    /// Signing date, `YYYY-MM-DD`.
    pub date: Text,
    /// Signing place, e.g. `New York`.
    pub place: Text,
    /// Number of originals (one PDF each).
    pub originals: Spanned<u32>,
    /// Languages of the originals, e.g. `["English"]`.
    pub languages: Spanned<Vec<Text>>,
}

/// Who signs for each party.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Signatories {
    /// Signatory for the United Nations.
    pub united_nations: Signatory,
    /// Signatory for the International Organization for Migration.
    pub iom: Signatory,
}

/// One signatory.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Signatory {
    /// Full name, as it appears under the signature line.
    pub name: Text,
    /// Title, e.g. `Secretary-General`.
    pub title: Text,
}

/// The IOM Council session that approves the agreement.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Council {
    /// Session name, e.g. `Sixth Special Session`.
    pub session: Text,
    /// Session document symbol, e.g. `C/Sp/6`.
    pub session_symbol: Text,
    /// Date of the Council meeting, `YYYY-MM-DD`; the signing may not be earlier.
    pub meeting_date: Option<Text>,
    /// Item of the provisional agenda under which the resolution is submitted.
    pub agenda_item: Text,
    /// Whether the provisional agenda is the revised one.
    pub revised_agenda: Option<Spanned<bool>>,
    /// Symbol of the Director General's proposal document.
    pub proposal_symbol: Text,
}

/// The Working Group meeting that issued the draft.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WorkingGroup {
    /// Meeting name, e.g. `Fourteenth meeting`.
    pub meeting: Text,
    /// Meeting date, `YYYY-MM-DD`.
    pub date: Text,
}

/// The decision on one proposed amendment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Decision {
    /// The proposed change is made.
    Accept,
    /// The text stays as it was.
    Reject,
    /// Not decided yet: blocks a signature-ready build.
    Undecided,
}

/// A config file read from disk, with its text kept for locating problems.
#[derive(Debug)]
pub struct Loaded {
    /// Path the config was read from.
    pub path: PathBuf,
    /// The file's text (its bytes are hashed into the manifest).
    pub text: String,
    /// The parsed config.
    pub config: Config,
}

/// A place in a file: `path:line:col`, 1-based, columns counted in characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    /// File the place is in.
    pub path: PathBuf,
    /// Line, from 1.
    pub line: usize,
    /// Column, from 1, in characters.
    pub col: usize,
}

impl Location {
    /// The location of byte offset `at` in `text`.
    pub fn of(path: &Path, text: &str, at: usize) -> Self {
        let at = at.min(text.len());
        let before = text.get(..at).unwrap_or(text);
        let line = before.matches('\n').count() + 1;
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        let col = before[line_start..].chars().count() + 1;
        Self { path: path.to_path_buf(), line, col }
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}", self.path.shown(), self.line, self.col)
    }
}

impl Loaded {
    /// Reads and parses a config file; syntax, type and unknown-key errors name file:line:col.
    pub fn read(path: &Path) -> Result<Self> {
        Self::parse(path, fsio::read_regular(path, "config", MAX_CONFIG_BYTES)?)
    }

    /// Parses the bytes of a config file read from `path` (named in errors).
    pub fn parse(path: &Path, bytes: Vec<u8>) -> Result<Self> {
        let text = String::from_utf8(bytes).map_err(|e| {
            let bytes = e.as_bytes();
            let valid = e.utf8_error().valid_up_to();
            let loc = Location::of(path, &String::from_utf8_lossy(&bytes[..valid]), valid);
            Error::malformed(format!("{loc}: the config is not valid UTF-8 text; save it as UTF-8"))
        })?;
        let config = toml::from_str::<Config>(&text).map_err(|e| {
            let at = e.span().map_or(0, |s| s.start);
            let message = visible(e.message().trim_end());
            let hint = hint(&message, text.get(at..).unwrap_or_default());
            Error::malformed(format!("{}: {message}{hint}", Location::of(path, &text, at)))
        })?;
        Ok(Self { path: path.to_path_buf(), text, config })
    }

    /// The location of a byte span of this file.
    pub fn locate(&self, span: &Range<usize>) -> Location {
        Location::of(&self.path, &self.text, span.start)
    }
}

/// What to do, for TOML errors whose message alone would leave the user guessing: a fragment
/// of the message and the advice appended to it.
const HINTS: [(&str, &str); 7] = [
    (
        "wanted string or table",
        "; write the decision in quotes: \"accept\", \"reject\" or \"undecided\"",
    ),
    ("unknown variant", "; a decision is written in quotes, as one of those three words"),
    ("expected u32", "; write a whole number without quotes, e.g. 2"),
    ("expected a sequence", "; write a list in brackets, e.g. [\"English\"]"),
    ("expected a boolean", "; write true or false, without quotes"),
    ("missing field", "; add it (`accord init` prints a starter config with every key)"),
    ("duplicate key", "; keep only one of them"),
];

/// The advice for a TOML error `message` about the text starting with `value`.
fn hint(message: &str, value: &str) -> &'static str {
    if message.starts_with("invalid type: map") && value.starts_with(|c: char| c.is_ascii_digit()) {
        // An unquoted 2016-09-19 is a TOML date, which serde presents as a map.
        return "; write dates in quotes, e.g. \"2016-09-19\"";
    }
    HINTS.iter().find(|(fragment, _)| message.contains(fragment)).map_or("", |(_, hint)| hint)
}

//! The validated session: what `check` makes of a loaded config, and all that `render` reads.
//!
//! Every value is parsed once, here: dates are [`Date`]s, texts are trimmed, and a value that
//! is unfilled (or not valid) is marked so, with its key and its place in the config, so that
//! a draft can show it as a placeholder and nothing downstream re-reads the config.

use std::collections::BTreeMap;

use crate::config::{Decision, Location};
use crate::date::Date;
use crate::fingerprint::Fingerprint;

/// One value of the session: its config key, where it is written, and the value itself
/// unless it is unfilled.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Field<T> {
    /// Config key, e.g. `signing.place`.
    pub key: String,
    /// Where the value is written in the config.
    pub location: Location,
    /// The value; `None` when unfilled or not valid.
    pub value: Option<T>,
}

/// A signatory: name and title under the signature line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Signatory {
    /// Full name.
    pub name: Field<String>,
    /// Title, e.g. `Secretary-General`.
    pub title: Field<String>,
}

/// When, where and in how many originals the agreement is signed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Signing {
    /// Signing date.
    pub date: Field<Date>,
    /// Signing place.
    pub place: Field<String>,
    /// Number of originals, within what the wording supports.
    pub originals: Field<u32>,
    /// Languages of the originals.
    pub languages: Vec<Field<String>>,
}

/// The Council session that approves the agreement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Council {
    /// Session name.
    pub session: Field<String>,
    /// Session document symbol.
    pub session_symbol: Field<String>,
    /// Item of the provisional agenda.
    pub agenda_item: Field<String>,
    /// Whether the provisional agenda is the revised one.
    pub revised_agenda: Field<bool>,
    /// Symbol of the Director General's proposal document.
    pub proposal_symbol: Field<String>,
}

/// The Working Group meeting that issued the draft.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkingGroup {
    /// Meeting name.
    pub meeting: Field<String>,
    /// Meeting date.
    pub date: Field<Date>,
}

/// A session's values, validated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    /// Package id as written (trimmed): names `out/<id>` even when unfilled, for drafts.
    pub id: String,
    /// Fingerprints of the earlier signings this package supersedes.
    pub supersedes: Vec<Fingerprint>,
    /// When, where and how it is signed.
    pub signing: Signing,
    /// Signatory for the United Nations.
    pub united_nations: Signatory,
    /// Signatory for the International Organization for Migration.
    pub iom: Signatory,
    /// The approving Council session.
    pub council: Council,
    /// The Working Group meeting.
    pub working_group: WorkingGroup,
    /// Decision on each amendment, by id (undecided ones included).
    pub amendments: BTreeMap<String, Decision>,
}

impl Session {
    /// Every text value printed in the documents.
    pub fn text_fields(&self) -> Vec<&Field<String>> {
        let c = &self.council;
        let parties =
            [&self.united_nations, &self.iom].into_iter().flat_map(|p| [&p.name, &p.title]);
        [&self.signing.place]
            .into_iter()
            .chain(parties)
            .chain([&c.session, &c.session_symbol, &c.agenda_item, &c.proposal_symbol])
            .chain([&self.working_group.meeting])
            .chain(&self.signing.languages)
            .collect()
    }

    /// Date written into the PDFs (and Typst's `today`): the signing date for signature-ready
    /// documents, the Working Group date for the draft, each falling back to the other. A
    /// fixed fallback keeps drafts with unfilled dates reproducible.
    pub fn pdf_date(&self, draft: bool) -> Date {
        let [first, second] = if draft {
            [&self.working_group.date, &self.signing.date]
        } else {
            [&self.signing.date, &self.working_group.date]
        };
        first.value.or(second.value).unwrap_or(Date { year: 2000, month: 1, day: 1 })
    }
}

//! The pipeline as a library step, between the modules that do each part: a config read by
//! its template set → the checked session → the documents the set makes for it, rendered and
//! typeset ([`documents`]) → what the package records of how they were made (its
//! provenance) → and, for a package already signed, the comparison of the rebuilt documents
//! with it, byte for byte ([`compare`]); and, for a signed package, its certified true copies
//! and registration statement ([`certified`]).
//!
//! The commands (`build`, `check`, `verify --rebuild`) and the coming workbench run the
//! pipeline through here, and none of them through another.

mod certified;
mod compare;
mod documents;

pub use certified::certified;
pub use compare::{compare, rebuild, rebuild_into};
pub use documents::{documents, pdf_date, plan, provenance, render_all, session};

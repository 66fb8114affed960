//! Typesetting in-process with the typst crate: layout in a sealed World ([`world`]), checks
//! that nothing was drawn wrong ([`Flaw`]s, and the font's drawability rule), and export as
//! archival, tagged PDF (PDF/A-2a and PDF/UA-1): one document at a time ([`document`]), or
//! the documents of a package together ([`jobs`]).

mod document;
mod flaws;
mod jobs;
mod preview;
mod world;

pub use document::{layout, typeset, Laidout, Outcome, Style, Typeset, TYPST_VERSION};
pub use flaws::{Flaw, FlawKind};
pub use jobs::{typeset_each, Job};
pub use preview::{Preview, PreviewPage, Previewer, ValueBox};
pub use world::preload;

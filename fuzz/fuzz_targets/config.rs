//! The session config is typed by people: loading and checking any bytes must never panic,
//! and a config that passes `check` must render every document without error.
#![no_main]

use std::path::Path;

use accord::catalog::Catalog;
use accord::config::Loaded;
use accord::render::{render, Mode};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(loaded) = Loaded::parse(Path::new("fuzz.toml"), data.to_vec()) else { return };
    let catalog = Catalog::get().expect("the embedded catalog");
    let checked = accord::check::check(&loaded, catalog);
    let session = &checked.session;
    if !checked.problems.iter().any(|p| p.invalid) {
        for doc in catalog.draft() {
            render(doc.template, session, Mode::Draft, doc.original).expect("draft renders");
        }
    }
    if checked.problems.is_empty() {
        let originals = session.signing.originals.value.expect("checked");
        for doc in catalog.package(originals) {
            render(doc.template, session, Mode::Clean, doc.original).expect("renders");
        }
    }
});

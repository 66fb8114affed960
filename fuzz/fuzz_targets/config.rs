//! The session config is typed by people: loading and checking any bytes must never panic,
//! and a config that passes `check` must render every document without error.
#![no_main]

use std::path::Path;

use accord::assemble;
use accord::config::Loaded;
use accord::render::{render, Mode};
use accord::set::TemplateSet;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let set = TemplateSet::builtin().expect("the built-in template set");
    let Ok(loaded) = Loaded::parse(Path::new("fuzz.toml"), data.to_vec(), &set.fields) else {
        return;
    };
    let checked = accord::check::check(&loaded, set);
    let session = &checked.session;
    if !checked.problems.iter().any(|p| p.invalid) {
        for doc in assemble::plan(set, session, Mode::Draft) {
            render(set, &doc.template, session, Mode::Draft, doc.original).expect("draft renders");
        }
    }
    if checked.problems.is_empty() {
        for doc in assemble::plan(set, session, Mode::Clean) {
            render(set, &doc.template, session, Mode::Clean, doc.original).expect("renders");
        }
    }
});

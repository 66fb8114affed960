//! The session config is typed by people: loading and checking any bytes must never panic,
//! and a config that passes `check` must render every document without error.
#![no_main]

use std::path::Path;

use accord::config::Loaded;
use accord::render::{render, Mode};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(loaded) = Loaded::parse(Path::new("fuzz.toml"), data.to_vec()) else { return };
    let problems = accord::check::problems(&loaded).expect("the embedded templates render");
    let config = &loaded.config;
    if !problems.iter().any(|p| p.invalid) {
        render("working-group-draft.typ.j2", config, Mode::Draft, None).expect("draft renders");
    }
    if problems.is_empty() {
        let originals = *config.signing.originals.get_ref();
        render("agreement.typ.j2", config, Mode::Clean, Some((1, originals))).expect("renders");
        render("council-resolution.typ.j2", config, Mode::Clean, None).expect("renders");
    }
});

//! A copy to explain is any file someone forwarded: reading it (words, pages, renders, fields,
//! facts) must never panic, overflow the stack or run away. The input is either a PDF as is,
//! or, when it starts with `~`, a recipe for one ([`recipe`]): nested, filtered, looped and
//! shared structures that random bytes rarely reach.
#![no_main]

use accord::pdftext::{self, observe::Facts};
use libfuzzer_sys::fuzz_target;

mod recipe;

fuzz_target!(|data: &[u8]| {
    let pdf = match data.strip_prefix(b"~") {
        Some(recipe) => recipe::build(recipe),
        None => data.to_vec(),
    };
    // Rendering is slow: one input in eight is rendered too.
    let _ = pdftext::read(&pdf, data.len() % 8 == 0);
    let _ = Facts::of(&pdf);
});

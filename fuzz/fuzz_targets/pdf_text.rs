//! A copy to explain is any file someone forwarded: reading its text and what it says of
//! itself must never panic, overflow the stack or run away.
#![no_main]

use accord::pdftext::{self, observe::Facts};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = pdftext::extract(data);
    let _ = Facts::of(data);
});

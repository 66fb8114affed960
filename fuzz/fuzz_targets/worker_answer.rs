//! The worker's answer crosses a process boundary from code that parsed a hostile PDF: the
//! parent's reading of it must never panic, and what it accepts must encode back to itself.
#![no_main]

use accord::worker::{decode, encode};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(answer) = decode(data) {
        assert_eq!(decode(&encode(&answer)).as_ref(), Ok(&answer));
    }
});

//! The worker's answers cross a process boundary from code that parsed a hostile PDF: the
//! parent's reading of them (the first answer, then renders and scenes of pages) must never
//! panic, and what it accepts must encode back to itself.
#![no_main]

use accord::worker::{decode, decode_renders, decode_scenes, encode, encode_pages};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&first, rest)) = data.split_first() else { return };
    // The first byte picks the answer and, for pages, how many were asked for.
    let asked: Vec<usize> = (0..usize::from(first >> 2)).collect();
    let pages = asked.len().max(1);
    match first & 3 {
        0 => {
            if let Ok(answer) = decode(rest) {
                assert_eq!(decode(&encode(&answer)).as_ref(), Ok(&answer));
            }
        }
        1 => {
            if let Ok(renders) = decode_renders(rest, pages, &asked) {
                let back = decode_renders(&encode_pages(&renders), pages, &asked);
                assert_eq!(back.as_ref(), Ok(&renders));
            }
        }
        _ => {
            if let Ok(scenes) = decode_scenes(rest, pages, &asked) {
                let back = decode_scenes(&encode_pages(&scenes), pages, &asked);
                assert_eq!(back.as_ref(), Ok(&scenes));
            }
        }
    }
});

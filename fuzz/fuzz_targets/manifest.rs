//! `manifest.json` comes with the package being checked: parsing must never panic, never
//! accept a file name that leaves the package, and a parsed manifest must round-trip.
#![no_main]

use std::path::Path;

use accord::manifest::{is_plain_name, Manifest};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(manifest) = Manifest::parse(data, Path::new("manifest.json")) else { return };
    assert!(manifest.files.iter().all(|f| is_plain_name(&f.name)));
    let bytes = manifest.to_bytes().expect("a manifest encodes");
    assert_eq!(Manifest::parse(&bytes, Path::new("again.json")).ok(), Some(manifest));
});

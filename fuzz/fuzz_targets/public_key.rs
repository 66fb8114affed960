//! Public keys come from package directories and the command line: parsing a key file or the
//! one-line form must never panic, and a parsed key must write back to the same key.
#![no_main]

use accord::minisign::PublicKey;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(key) = PublicKey::parse(data, "fuzz.pub") {
        assert_eq!(PublicKey::parse(key.to_file().as_bytes(), "again.pub").ok(), Some(key));
    }
    if let Ok(text) = std::str::from_utf8(data) {
        if let Ok(key) = PublicKey::from_base64(text, "--key") {
            assert_eq!(PublicKey::from_base64(&key.to_base64(), "again").ok(), Some(key));
        }
    }
});

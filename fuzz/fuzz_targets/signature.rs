//! `.minisig` files come from anyone: parsing must never panic, whatever parses must write
//! back to a file that parses to the same signature, and so must its accord trusted comment.
#![no_main]

use accord::minisign::Signature;
use accord::attestation::Attestation;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(signature) = Signature::parse(data, "fuzz.minisig") else { return };
    let again = Signature::parse(signature.to_file().as_bytes(), "again.minisig");
    assert_eq!(again.ok().as_ref(), Some(&signature));
    if let Some(attestation) = Attestation::parse(&signature.trusted_comment) {
        if let Ok(comment) = attestation.to_comment() {
            assert_eq!(Attestation::parse(&comment), Some(attestation));
        }
    }
});

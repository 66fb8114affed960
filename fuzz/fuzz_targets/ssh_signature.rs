//! `.sshsig` files and `allowed_signers` come with the package being checked (or from the
//! user): parsing must never panic, and a parsed signature must write back to itself.
#![no_main]

use accord::sshsig::{parse_allowed_signers, SshSignature};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(signature) = SshSignature::parse(data, "fuzz.sshsig") {
        let again = SshSignature::parse(signature.to_file().as_bytes(), "again.sshsig");
        assert_eq!(again.ok().as_ref(), Some(&signature));
    }
    let _ = parse_allowed_signers(data, "allowed_signers");
});

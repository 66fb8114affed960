//! Secret hygiene: a secret key's bytes and its passphrase never leave the key file (and the
//! passphrase file): not in anything accord prints, successful or failing, and not in any file
//! it writes, in raw bytes, hex or base64 at any alignment.

use std::fs;
use std::os::unix::fs::PermissionsExt as _;
use std::path::Path;

use base64::Engine as _;

use crate::util::{accord, code, session, snapshot, text};

const PASSPHRASE: &str = "correct horse battery staple";

/// The ways `secret` could show up in text or files: raw, hex (both cases), and standard
/// base64 at each of the three alignments it can have inside a longer encoding.
fn disguises(secret: &[u8]) -> Vec<Vec<u8>> {
    let hex: String = secret.iter().map(|b| format!("{b:02x}")).collect();
    let mut forms =
        vec![secret.to_vec(), hex.clone().into_bytes(), hex.to_uppercase().into_bytes()];
    for shift in 0..3 {
        let mut shifted = vec![0u8; shift];
        shifted.extend_from_slice(secret);
        let encoded = base64::engine::general_purpose::STANDARD.encode(&shifted);
        // Characters that also depend on the neighbouring bytes are left out at both ends.
        forms.push(encoded.as_bytes()[4..encoded.len() - 4].to_vec());
    }
    forms
}

/// Fails when any form of any secret occurs in `haystack` (named `what`).
fn assert_clean(what: &str, haystack: &[u8], secrets: &[(&str, Vec<Vec<u8>>)]) {
    for (name, forms) in secrets {
        for form in forms {
            let found = haystack.windows(form.len()).any(|w| w == form.as_slice());
            assert!(!found, "{name} found in {what}");
        }
    }
}

#[test]
fn secret_keys_and_passphrases_never_appear_in_output_or_written_files() {
    let dir = session(|c| c);
    let dir = dir.path();
    // alice: made by accord keygen, unencrypted; her seed is read back from the key file.
    let mut outputs = vec![accord(dir, &["keygen", "--name", "alice", "--unencrypted"])];
    let line =
        fs::read_to_string(dir.join("alice.key")).unwrap().lines().nth(1).unwrap().to_string();
    let alice = base64::engine::general_purpose::STANDARD.decode(line).unwrap();
    // bob: encrypted with a passphrase (cheap scrypt), from a seed the test knows.
    let seed: [u8; 32] = std::array::from_fn(|i| (i as u8).wrapping_mul(37).wrapping_add(11));
    let bob = accord::minisign::SecretKey::from_seed(accord::minisign::KeyId(*b"bobkey01"), &seed);
    let kdf = accord::minisign::KdfParams { salt: [9; 32], opslimit: 1 << 16, memlimit: 1 << 22 };
    let bob_file = bob.to_file("bob", Some((PASSPHRASE.as_bytes(), &kdf))).unwrap();
    fs::write(dir.join("bob.key"), bob_file.as_bytes()).unwrap();
    fs::set_permissions(dir.join("bob.key"), fs::Permissions::from_mode(0o600)).unwrap();
    fs::write(dir.join("pass"), format!("{PASSPHRASE}\n")).unwrap();
    fs::write(dir.join("wrong"), "not the passphrase\n").unwrap();

    let pdf = "out/un-iom-2016/council-resolution.pdf";
    let build = ["build", "session.toml", "--key", "alice.key"];
    let bob_signs = ["sign", "out/un-iom-2016", "--key", "bob.key", "--passphrase-file"];
    let trusted = ["--trust", "alice.pub", "--trust", "out/un-iom-2016/bob.pub"];
    let verify = ["verify", pdf, "--package", "out/un-iom-2016"];
    let keys = ["--key", "alice.pub", "--key", "out/un-iom-2016/bob.pub"];
    for args in [
        build.to_vec(),
        build.to_vec(),
        [&bob_signs[..], &["wrong"]].concat(),
        [&bob_signs[..], &["pass"]].concat(),
        [&bob_signs[..], &["pass"], &trusted[..2]].concat(),
        [&bob_signs[..], &["pass"], &trusted].concat(),
        [&verify[..], &keys].concat(),
        [&verify[..], &["--json"]].concat(),
    ] {
        outputs.push(accord(dir, &args));
    }
    let codes: Vec<i32> = outputs.iter().map(code).collect();
    assert_eq!(
        codes,
        [0, 0, 0, 2, 1, 0, 1, 1, 1],
        "{}",
        outputs.iter().map(text).collect::<String>()
    );

    let secrets = [
        ("alice's seed", disguises(&alice[62..94])),
        ("bob's seed", disguises(&seed)),
        ("the passphrase", vec![PASSPHRASE.as_bytes().to_vec()]),
    ];
    for (i, out) in outputs.iter().enumerate() {
        assert_clean(&format!("the output of run {i}"), text(out).as_bytes(), &secrets);
    }
    let written = snapshot(dir);
    assert!(written.len() > 15, "{written:?}");
    for name in written.keys().filter(|n| !["alice.key", "bob.key", "pass"].contains(&n.as_str())) {
        let path = dir.join(name);
        if Path::new(&path).is_file() {
            assert_clean(name, &fs::read(&path).unwrap(), &secrets);
        }
    }
}

#[test]
fn unlocked_secret_keys_are_wiped_when_dropped() {
    // accord's SecretKey holds an ed25519-dalek SigningKey: that crate's `zeroize` feature
    // (on by default) must stay on, or unlocked keys would linger in freed memory.
    fn wiped_on_drop<T: zeroize::ZeroizeOnDrop>() {}
    wiped_on_drop::<ed25519_dalek::SigningKey>();
}

//! Secret key files may be corrupt or hostile: parsing must never panic, and unlocking an
//! unencrypted one must fail cleanly or give a key whose file unlocks to the same key.
//! Encrypted keys are not unlocked here: each try would run scrypt (up to 1 GiB).
#![no_main]

use accord::minisign::SecretKeyFile;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(file) = SecretKeyFile::parse(data, "fuzz.key") else { return };
    if file.is_encrypted() {
        return;
    }
    let Ok(key) = file.unlock(None) else { return };
    let text = key.to_file("again", None).expect("a key writes");
    let again = SecretKeyFile::parse(text.as_bytes(), "again.key").expect("written key parses");
    let again = again.unlock(None).expect("written key unlocks");
    assert_eq!(again.public_key(), key.public_key());
});

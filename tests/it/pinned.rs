//! Pinned output: the example built with the fixed test key must give exactly the bytes
//! recorded in `tests/fixtures/pinned/`, so that a dependency, template or code change that
//! alters what accord writes cannot go unnoticed. A change of these hashes is a change of
//! output: look at what changed, then record the new hashes deliberately with
//! `ACCORD_PIN=update cargo test --test it pinned` and commit them with the change that
//! caused it. `.ci/run` checks the release binary against the same list.

use std::fs;
use std::os::unix::fs::PermissionsExt as _;
use std::path::Path;

use crate::util::{accord, assert_code, certify_package, root, session, snapshot};

/// The recorded `sha256sum` list of every file of the signed example package.
const PACKAGE: &str = "tests/fixtures/pinned/un-iom-2016.sha256";
/// The same for the Working Group draft.
const DRAFT: &str = "tests/fixtures/pinned/drafts-un-iom-2016.sha256";
/// The same for the example's certified package, certified with the same key.
const CERTIFIED: &str = "tests/fixtures/pinned/un-iom-2016-certified.sha256";

/// The `sha256sum`-style list of every file under `dir`, sorted by name.
fn sums(dir: &Path) -> String {
    snapshot(dir)
        .iter()
        .filter_map(|(name, state)| {
            let hash = state.strip_prefix("file ")?.split_once(' ')?.1;
            Some(format!("{hash}  {name}\n"))
        })
        .collect()
}

/// Compares `actual` with the list recorded at `pinned`, or records it with `ACCORD_PIN=update`.
fn compare(actual: &str, pinned: &str) {
    let path = root().join(pinned);
    if std::env::var("ACCORD_PIN").as_deref() == Ok("update") {
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(&path, actual).unwrap();
        return;
    }
    let expected = fs::read_to_string(&path).unwrap_or_default();
    let changed: Vec<&str> =
        actual.lines().filter(|l| !expected.lines().any(|e| e == *l)).collect();
    let gone: Vec<&str> = expected.lines().filter(|e| !actual.lines().any(|l| l == *e)).collect();
    assert!(
        changed.is_empty() && gone.is_empty(),
        "the output changed ({pinned}):\n  now:\n    {}\n  was:\n    {}\nIf the change is \
         intended, record it: ACCORD_PIN=update cargo test --test it pinned",
        changed.join("\n    "),
        gone.join("\n    ")
    );
}

#[test]
fn the_example_signed_with_the_test_key_gives_the_pinned_bytes() {
    let dir = session(|config| config);
    let key = dir.path().join("test.key");
    fs::copy(root().join("tests/fixtures/minisign/test.key"), &key).unwrap();
    fs::set_permissions(&key, fs::Permissions::from_mode(0o600)).unwrap();
    assert_code(&accord(dir.path(), &["build", "session.toml", "--key", "test.key"]), 0);
    assert_code(&accord(dir.path(), &["build", "--draft", "session.toml"]), 0);
    compare(&sums(&dir.path().join("out/un-iom-2016")), PACKAGE);
    compare(&sums(&dir.path().join("out/drafts/un-iom-2016")), DRAFT);
    let certification = root().join("config/un-iom-2016.certification.toml");
    fs::copy(certification, dir.path().join("cert.toml")).unwrap();
    fs::copy(root().join("tests/fixtures/minisign/test.pub"), dir.path().join("trusted.pub"))
        .unwrap();
    let args = ["out/un-iom-2016", "session.toml", "cert.toml", "test.key", "trusted.pub"];
    assert_code(&certify_package(dir.path(), args, &[]), 0);
    compare(&sums(&dir.path().join("out/un-iom-2016-certified")), CERTIFIED);
}

/// The README shows the fingerprint of the example signed with the test key: the pinned
/// manifest's, so that the example stays true when the output changes.
#[test]
fn the_readme_shows_the_pinned_example_fingerprint() {
    let pinned = fs::read_to_string(root().join(PACKAGE)).unwrap();
    let manifest = pinned.lines().find_map(|l| l.strip_suffix("  manifest.json")).unwrap();
    let groups: Vec<&str> = (0..40).step_by(4).map(|at| &manifest[at..at + 4]).collect();
    let fingerprint = groups.join("-");
    let readme = fs::read_to_string(root().join("README.md")).unwrap();
    let shown = format!("package fingerprint {fingerprint}: publish it with your public key");
    assert!(readme.contains(&shown), "README.md should show {shown:?}");
    let abridged = format!("fingerprint {}-{}-…-{}", groups[0], groups[1], groups[9]);
    assert!(readme.contains(&abridged), "README.md should abridge it as {abridged:?}");
}

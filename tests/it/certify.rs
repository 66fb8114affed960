//! `accord certify`: certified true copies of a signed package's originals and the
//! registration statement, in a package of their own signed by the certifier; and what
//! `accord verify` says of a certified copy.

use std::fs;
use std::path::Path;
use std::sync::OnceLock;

use tempfile::TempDir;

use crate::util::{
    accord, assert_code, assert_shows, certify_package, copy_of, json_report, keygen, minisign,
    root, signed_example, snapshot, text, tool, verify, SSH_KEYGEN,
};

/// The signed package of the example, as [`signed_example`] builds it.
const SIGNED: &str = "out/un-iom-2016";
/// The certified package `certify` writes for it.
const CERTIFIED: &str = "out/un-iom-2016-certified";
/// A certified copy of original 1.
const COPY: &str = "agreement-original-1-certified-copy.pdf";

/// `accord certify` of the example's package as carol, trusting alice, with `cert`.
fn certify(dir: &Path, cert: &str) -> std::process::Output {
    certify_package(dir, [SIGNED, "session.toml", cert, "carol.key", "alice.pub"], &[])
}

/// The signed example with the example certification as `cert.toml` and carol's key pair.
fn world() -> TempDir {
    let world = copy_of(signed_example());
    let example = root().join("config/un-iom-2016.certification.toml");
    fs::copy(example, world.path().join("cert.toml")).unwrap();
    keygen(world.path(), "carol");
    world
}

/// The example certified once by carol, shared: copy it before changing anything.
fn certified() -> &'static Path {
    static CERTIFIED_WORLD: OnceLock<TempDir> = OnceLock::new();
    CERTIFIED_WORLD
        .get_or_init(|| {
            let world = world();
            let out = certify(world.path(), "cert.toml");
            assert_code(&out, 0);
            world
        })
        .path()
}

#[test]
fn certify_makes_a_signed_package_of_certified_copies_and_the_registration_statement() {
    let dir = certified();
    let package = dir.join(CERTIFIED);
    for name in [
        COPY,
        "agreement-original-2-certified-copy.pdf",
        "registration-statement.pdf",
        "manifest.json",
        "SHA256SUMS",
        "verify.html",
        "carol.pub",
        &format!("{COPY}.minisig"),
        &format!("{COPY}.sshsig"),
    ] {
        assert!(package.join(name).is_file(), "{name} in {}", package.display());
    }
    let manifest: serde_json::Value =
        serde_json::from_slice(&fs::read(package.join("manifest.json")).unwrap()).unwrap();
    let certifies = &manifest["certifies"];
    assert_eq!(certifies["package"], "un-iom-2016");
    assert_eq!(certifies["fingerprint"], crate::util::fingerprint_of(&dir.join(SIGNED)));
    assert_eq!(certifies["files"][0]["name"], COPY);
    assert_eq!(certifies["files"][0]["original"], "agreement-original-1.pdf");
    let original = fs::read(dir.join(SIGNED).join("agreement-original-1.pdf")).unwrap();
    assert_eq!(certifies["files"][0]["sha256"], accord::digest::sha256_hex(&original));
    assert_eq!(certifies["certifier"], "Miguel de Serpa Soares");
    assert_eq!(certifies["date"], "2016-10-03");
    // The signed package is never touched.
    let signed = snapshot(&signed_example().join(SIGNED));
    assert_eq!(snapshot(&dir.join(SIGNED)), signed);
}

#[test]
fn a_certified_copy_verifies_and_says_what_it_certifies() {
    let dir = certified();
    let fingerprint = crate::util::fingerprint_of(&dir.join(SIGNED));
    let expected = format!(
        "a certified true copy of agreement-original-1.pdf (package un-iom-2016, fingerprint \
         {fingerprint}), certified by Miguel de Serpa Soares on 2016-10-03"
    );
    let copy = format!("{CERTIFIED}/{COPY}");
    let packaged = verify(dir, &[&copy, "--package", CERTIFIED, "--key", "carol.pub"]);
    assert_code(&packaged, 0);
    assert_shows(&packaged, &expected);
    let standalone = verify(dir, &[&copy, "--key", "carol.pub"]);
    assert_code(&standalone, 0);
    assert_shows(&standalone, &expected);
    let json = json_report(&verify(dir, &[&copy, "--key", "carol.pub", "--json"]));
    assert_eq!(json["files"][0]["certifies"]["original"], "agreement-original-1.pdf");
    assert_eq!(json["files"][0]["certifies"]["fingerprint"], fingerprint.as_str());
}

#[test]
fn a_certified_copy_signed_by_an_untrusted_key_fails() {
    let dir = certified();
    let copy = format!("{CERTIFIED}/{COPY}");
    let out = verify(dir, &[&copy, "--key", "alice.pub"]);
    assert_code(&out, 1);
    let out = verify(dir, &[&copy, "--package", CERTIFIED, "--key", "bob.pub"]);
    assert_code(&out, 1);
}

#[test]
fn stock_minisign_and_ssh_keygen_accept_the_certified_packages_signatures() {
    let dir = certified().join(CERTIFIED);
    for name in [COPY, "registration-statement.pdf", "manifest.json", "SHA256SUMS"] {
        let out = minisign(&dir, &["-Vm", name, "-p", "carol.pub"], "");
        assert!(out.status.success(), "minisign {name}: {}", text(&out));
        let data = fs::read(dir.join(name)).unwrap();
        let sig = format!("{name}.sshsig");
        let args =
            ["-Y", "verify", "-f", "allowed_signers", "-I", "carol", "-n", "accord", "-s", &sig];
        let out = tool(&dir, SSH_KEYGEN, &args, &data);
        assert!(out.status.success(), "ssh-keygen {name}: {}", text(&out));
    }
    let out = minisign(&dir, &["-Vm", COPY, "-p", "carol.pub"], "");
    assert!(text(&out).contains("certifies=agreement-original-1.pdf"), "{}", text(&out));
}

#[test]
fn certify_refuses_a_package_the_trusted_keys_did_not_sign_and_writes_nothing() {
    let world = world();
    let before = snapshot(world.path());
    let args = [SIGNED, "session.toml", "cert.toml", "carol.key", "bob.pub"];
    let out = certify_package(world.path(), args, &[]);
    assert_code(&out, 1);
    assert_shows(&out, "refusing to certify");
    assert_eq!(snapshot(world.path()), before);
}

#[test]
fn certify_refuses_originals_its_config_does_not_rebuild() {
    let world = world();
    let config = fs::read_to_string(world.path().join("session.toml")).unwrap();
    let edited = config.replace("place = \"New York\"", "place = \"Geneva\"");
    fs::write(world.path().join("session.toml"), edited).unwrap();
    let before = snapshot(world.path());
    let out = certify(world.path(), "cert.toml");
    assert_code(&out, 1);
    assert_shows(&out, "not reproduced");
    assert_eq!(snapshot(world.path()), before);
}

#[test]
fn certify_refuses_a_certification_dated_before_the_signing_with_its_place() {
    let world = world();
    let cert = fs::read_to_string(world.path().join("cert.toml")).unwrap();
    fs::write(world.path().join("early.toml"), cert.replace("2016-10-03", "2016-09-01")).unwrap();
    let before = snapshot(world.path());
    let out = certify(world.path(), "early.toml");
    assert_code(&out, 1);
    assert_shows(&out, "early.toml:");
    assert_shows(
        &out,
        "certification.date: the certification date 2016-09-01 is before the signing on 2016-09-19",
    );
    assert_eq!(snapshot(world.path()), before);
}

#[test]
fn certifying_again_changes_nothing() {
    let world = copy_of(certified());
    let before = snapshot(world.path());
    let out = certify(world.path(), "cert.toml");
    assert_code(&out, 0);
    assert_shows(&out, "up to date");
    assert_eq!(snapshot(world.path()), before);
}

/// The example config with Article 2(1)'s "crucial" accepted: another signing's text.
fn crucial(config: &str) -> String {
    crate::util::replace_once(config, "art2-1-crucial = \"reject\"", "art2-1-crucial = \"accept\"")
}

/// Another signing of the example (one amendment decided otherwise) built and signed by alice
/// in `other/un-iom-2016/` from `other.toml`, and certified by carol in
/// `other/un-iom-2016-certified/`.
fn other_signing_certified(dir: &Path) {
    let config = fs::read_to_string(dir.join("session.toml")).unwrap();
    fs::write(dir.join("other.toml"), crucial(&config)).unwrap();
    let out = accord(dir, &["build", "other.toml", "--key", "alice.key", "--out", "other"]);
    assert_code(&out, 0);
    let args = ["other/un-iom-2016", "other.toml", "cert.toml", "carol.key", "alice.pub"];
    let out = certify_package(dir, args, &["--out", "other"]);
    assert_code(&out, 0);
}

/// `accord verify COPY --key carol.pub --original out/un-iom-2016 --original-key alice.pub`.
fn against_the_original(dir: &Path, copy: &str) -> std::process::Output {
    verify(dir, &[copy, "--key", "carol.pub", "--original", SIGNED, "--original-key", "alice.pub"])
}

#[test]
fn with_the_original_a_genuine_certified_copy_is_word_for_word_the_original() {
    let dir = certified();
    let out = against_the_original(dir, &format!("{CERTIFIED}/{COPY}"));
    assert_code(&out, 0);
    assert_shows(
        &out,
        "its text is word for word that of agreement-original-1.pdf in out/un-iom-2016",
    );
    let json = json_report(&verify(
        dir,
        &[
            &format!("{CERTIFIED}/{COPY}"),
            "--key",
            "carol.pub",
            "--original",
            SIGNED,
            "--original-key",
            "alice.pub",
            "--json",
        ],
    ));
    assert_eq!(json["files"][0]["certifies"]["original_text"]["same_text"], true, "{json:#}");
}

#[test]
fn a_copy_certified_from_another_signing_fails_against_the_original() {
    let world = copy_of(certified());
    let dir = world.path();
    other_signing_certified(dir);
    let copy = format!("other/un-iom-2016-certified/{COPY}");
    // On its own it is a genuine certified copy of the other signing…
    assert_code(&verify(dir, &[&copy, "--key", "carol.pub"]), 0);
    // …which is not the signed original it is checked against.
    let out = against_the_original(dir, &copy);
    assert_code(&out, 1);
    assert_shows(&out, "is another signing");
    assert_shows(&out, "a superseded or another signing's copy");
}

#[test]
fn a_certified_copy_whose_text_was_altered_fails_against_the_original_naming_the_words() {
    let world = copy_of(certified());
    let dir = world.path();
    other_signing_certified(dir);
    // The other signing's copy, signed by carol as if it certified the genuine original.
    fs::create_dir(dir.join("forged")).unwrap();
    let bytes = fs::read(dir.join("other/un-iom-2016-certified").join(COPY)).unwrap();
    fs::write(dir.join("forged").join(COPY), &bytes).unwrap();
    let pass = accord::seal::PassphraseSource::new(None);
    let carol = accord::seal::load_signer(&dir.join("carol.key"), None, &pass).unwrap();
    let original = fs::read(dir.join(SIGNED).join("agreement-original-1.pdf")).unwrap();
    let genuine =
        accord::fingerprint::Fingerprint::parse(&crate::util::fingerprint_of(&dir.join(SIGNED)))
            .unwrap();
    let certifies = accord::attestation::Certifies {
        file: "agreement-original-1.pdf".into(),
        sha256: accord::digest::sha256_hex(&original),
        package: "un-iom-2016".into(),
        fingerprint: genuine.clone(),
        certifier: "Miguel de Serpa Soares".into(),
        date: "2016-10-03".into(),
    };
    let digest = accord::digest::FileDigest::of_bytes(&bytes);
    let signed = accord::seal::ToSign {
        file: COPY,
        digest: &digest,
        role: "certified true copy of the agreement, original 1 of 2",
        package: "un-iom-2016-certified",
        fingerprint: &genuine,
        certifies: Some(&certifies),
    };
    carol.sign_file(&dir.join("forged"), signed, None, accord::fsio::write_atomic).unwrap();
    let copy = format!("forged/{COPY}");
    // Its signature is carol's: only the original tells that its text is not the original's.
    assert_code(&verify(dir, &[&copy, "--key", "carol.pub"]), 0);
    let out = against_the_original(dir, &copy);
    assert_code(&out, 1);
    assert_shows(&out, "NOT THE ORIGINAL'S TEXT");
    assert_shows(&out, "Article 2, paragraph 1");
    assert_shows(&out, "crucial");
}

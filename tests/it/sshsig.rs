//! SSH signatures against the real `ssh-keygen` (openssh-client): what accord writes,
//! ssh-keygen writes byte for byte and accepts, and what ssh-keygen writes, accord verifies.
//!
//! Every test fails when ssh-keygen is not installed (`.ci/run` installs it).

use std::fs;
use std::io::Write as _;
use std::os::unix::fs::PermissionsExt as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use accord::sshsig::{
    allowed_signer_line, parse_allowed_signers, sign, FileHashes, HashAlgorithm, Invalid,
    SshPublicKey, SshSignature,
};
use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use ed25519_dalek::SigningKey;
use sha2::{Digest as _, Sha256, Sha512};
use tempfile::TempDir;

use crate::util::{accord, code, require_tool, text};

/// accord's namespace.
const NS: &str = "accord";

/// Runs ssh-keygen with `args`, feeding `stdin`.
fn ssh_keygen(args: &[&str], stdin: &[u8]) -> Output {
    require_tool("ssh-keygen", "openssh-client");
    let mut child = Command::new("ssh-keygen")
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run ssh-keygen");
    // ssh-keygen may refuse a signature and exit before it reads the message.
    match child.stdin.take().expect("stdin").write_all(stdin) {
        Err(err) if err.kind() == std::io::ErrorKind::BrokenPipe => {}
        written => written.expect("write stdin"),
    }
    child.wait_with_output().expect("wait for ssh-keygen")
}

/// ssh-keygen's standard output, failing the test with its message if it fails.
#[track_caller]
fn ssh_keygen_ok(args: &[&str], stdin: &[u8]) -> Vec<u8> {
    let out = ssh_keygen(args, stdin);
    assert!(out.status.success(), "ssh-keygen {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    out.stdout
}

/// Whether `ssh-keygen -Y verify` accepts `sig` over `message` as made by `principal` for
/// `namespace`, per the `allowed_signers` text `allowed`.
fn ssh_keygen_accepts(
    dir: &TempDir,
    allowed: &str,
    principal: &str,
    namespace: &str,
    sig: &str,
    message: &[u8],
) -> bool {
    let allowed = write(dir, "allowed_signers", allowed.as_bytes());
    let sig = write(dir, "message.sshsig", sig.as_bytes());
    let (allowed, sig) = (path(&allowed), path(&sig));
    let args = ["-Y", "verify", "-f", allowed, "-I", principal, "-n", namespace, "-s", sig];
    ssh_keygen(&args, message).status.success()
}

/// A fresh temporary directory, removed on drop.
fn tmp() -> TempDir {
    tempfile::tempdir().expect("temp dir")
}

/// Writes `bytes` to `dir/name`; returns the path.
fn write(dir: &TempDir, name: &str, bytes: &[u8]) -> PathBuf {
    let path = dir.path().join(name);
    fs::write(&path, bytes).expect("write test file");
    path
}

fn path(path: &Path) -> &str {
    path.to_str().expect("UTF-8 temp path")
}

/// Both digests of `message`, as accord computes them while streaming a file.
fn hashes(message: &[u8]) -> FileHashes {
    FileHashes { sha256: Sha256::digest(message).into(), sha512: Sha512::digest(message).into() }
}

/// The public half of `key`.
fn public(key: &SigningKey) -> SshPublicKey {
    key.verifying_key().into()
}

/// Appends an SSH `string` (uint32 length, bytes), to build key files by hand.
fn put_string(out: &mut Vec<u8>, bytes: &[u8]) {
    out.extend_from_slice(&u32::try_from(bytes.len()).unwrap().to_be_bytes());
    out.extend_from_slice(bytes);
}

/// An unencrypted OpenSSH private key file (`openssh-key-v1`) holding `key`.
fn openssh_private_key(key: &SigningKey, comment: &str) -> String {
    let mut public = Vec::new();
    put_string(&mut public, b"ssh-ed25519");
    put_string(&mut public, key.verifying_key().as_bytes());
    let mut private = vec![0x5e, 0xed, 0x5e, 0xed, 0x5e, 0xed, 0x5e, 0xed]; // check ints
    private.extend_from_slice(&public);
    put_string(&mut private, &key.to_keypair_bytes());
    put_string(&mut private, comment.as_bytes());
    let padding = (8 - private.len() % 8) % 8;
    private.extend((1..=7u8).take(padding));
    let mut blob = b"openssh-key-v1\0".to_vec();
    for field in [&b"none"[..], b"none", b""] {
        put_string(&mut blob, field);
    }
    blob.extend_from_slice(&1u32.to_be_bytes());
    put_string(&mut blob, &public);
    put_string(&mut blob, &private);
    let base64 = STANDARD.encode(&blob);
    let lines: Vec<&str> =
        base64.as_bytes().chunks(70).map(|c| std::str::from_utf8(c).unwrap()).collect();
    let body = lines.join("\n");
    format!("-----BEGIN OPENSSH PRIVATE KEY-----\n{body}\n-----END OPENSSH PRIVATE KEY-----\n")
}

/// Writes `key` where ssh-keygen will use it (mode 0600, as it insists).
fn write_private_key(dir: &TempDir, key: &SigningKey) -> PathBuf {
    let path = write(dir, "key", openssh_private_key(key, "accord test").as_bytes());
    fs::set_permissions(&path, fs::Permissions::from_mode(0o600)).unwrap();
    path
}

/// A key made by `ssh-keygen -t ed25519`: its private key file and its `.pub` line.
fn ssh_keygen_key(dir: &TempDir) -> (PathBuf, String) {
    let private = dir.path().join("id_ed25519");
    ssh_keygen_ok(&["-q", "-t", "ed25519", "-N", "", "-C", "me@host", "-f", path(&private)], b"");
    let line = fs::read_to_string(private.with_extension("pub")).unwrap();
    (private, line)
}

/// Files of various sizes and contents.
fn messages() -> Vec<Vec<u8>> {
    vec![
        Vec::new(),
        b"accord".to_vec(),
        b"accord known-answer test\n".to_vec(),
        (0..=255u8).collect(),
        (0..100_000u32).map(|i| (i * 7919 % 251) as u8).collect(),
    ]
}

/// Keys from fixed seeds, including the extremes.
fn keys() -> Vec<SigningKey> {
    let seeds = [[0x42; 32], [0; 32], [0xff; 32], core::array::from_fn(|i| i as u8)];
    seeds.iter().map(SigningKey::from_bytes).collect()
}

/// `message` with its last byte changed (or one byte added).
fn changed(message: &[u8]) -> Vec<u8> {
    let mut copy = message.to_vec();
    match copy.last_mut() {
        Some(last) => *last ^= 1,
        None => copy.push(0),
    }
    copy
}

#[test]
fn signatures_are_byte_for_byte_those_of_ssh_keygen() {
    let dir = tmp();
    for key in keys() {
        let private = write_private_key(&dir, &key);
        for message in messages() {
            let theirs = ssh_keygen_ok(&["-Y", "sign", "-n", NS, "-f", path(&private)], &message);
            let ours = sign(&key, NS, &hashes(&message).sha512).unwrap();
            assert_eq!(ours, String::from_utf8(theirs).unwrap());
        }
    }
}

#[test]
fn key_lines_are_those_ssh_keygen_prints() {
    let dir = tmp();
    for key in keys() {
        let theirs = ssh_keygen_ok(&["-y", "-f", path(&write_private_key(&dir, &key))], b"");
        assert_eq!(
            public(&key).to_file("accord test").unwrap(),
            String::from_utf8(theirs).unwrap()
        );
    }
}

#[test]
fn ssh_keygen_accepts_accord_signatures_per_the_package_allowed_signers() {
    let dir = tmp();
    for key in keys() {
        let allowed = allowed_signer_line("alice@example.org", NS, &public(&key)).unwrap();
        for message in messages() {
            let sig = sign(&key, NS, &hashes(&message).sha512).unwrap();
            let accepts = |principal, namespace, message: &[u8]| {
                ssh_keygen_accepts(&dir, &allowed, principal, namespace, &sig, message)
            };
            assert!(accepts("alice@example.org", NS, &message));
            assert!(!accepts("alice@example.org", NS, &changed(&message)), "changed file");
            assert!(!accepts("alice@example.org", "other", &message), "other namespace");
            assert!(!accepts("bob@example.org", NS, &message), "other principal");
        }
    }
}

#[test]
fn the_package_allowed_signers_bind_keys_to_accord_only() {
    let dir = tmp();
    let key = SigningKey::from_bytes(&[5; 32]);
    let git = sign(&key, "git", &hashes(b"x").sha512).unwrap();
    let ours = allowed_signer_line("alice", NS, &public(&key)).unwrap();
    assert!(!ssh_keygen_accepts(&dir, &ours, "alice", "git", &git, b"x"));
    let unrestricted = format!("alice {}", public(&key).to_file("").unwrap());
    assert!(ssh_keygen_accepts(&dir, &unrestricted, "alice", "git", &git, b"x"));
}

#[test]
fn accord_verifies_ssh_keygen_signatures_of_either_hash() {
    let dir = tmp();
    let (private, pub_line) = ssh_keygen_key(&dir);
    let allowed = format!("me@host {pub_line}");
    let key = parse_allowed_signers(allowed.as_bytes(), "allowed_signers").unwrap()[0].key;
    let other = public(&SigningKey::from_bytes(&[9; 32]));
    for hash in [HashAlgorithm::Sha512, HashAlgorithm::Sha256] {
        let option = format!("hashalg={}", hash.name());
        for message in messages() {
            let args = ["-Y", "sign", "-n", NS, "-O", &option, "-f", path(&private)];
            let file = ssh_keygen_ok(&args, &message);
            let sig = SshSignature::parse(&file, "message.sshsig").unwrap();
            assert_eq!(sig.hash_algorithm(), hash);
            assert_eq!(sig.to_file().as_bytes(), file);
            assert_eq!(sig.verify(&key, NS, &hashes(&message)), Ok(()));
            assert_eq!(sig.verify(&key, "git", &hashes(&message)), Err(Invalid::Namespace));
            assert_eq!(sig.verify(&other, NS, &hashes(&message)), Err(Invalid::OtherKey));
            assert_eq!(sig.verify(&key, NS, &hashes(&changed(&message))), Err(Invalid::Content));
        }
    }
}

#[test]
fn public_key_files_pasted_into_allowed_signers_give_the_key_that_signs() {
    let dir = tmp();
    let (private, pub_line) = ssh_keygen_key(&dir);
    let sig = ssh_keygen_ok(&["-Y", "sign", "-n", NS, "-f", path(&private)], b"m");
    let sig = SshSignature::parse(&sig, "m.sshsig").unwrap();
    let allowed = format!("# team\nme@host namespaces=\"{NS}\" {pub_line}");
    let signers = parse_allowed_signers(allowed.as_bytes(), "allowed_signers").unwrap();
    assert!(signers[0].permits("me@host", NS, sig.public_key()));
    assert_eq!(signers[0].key.to_file("me@host").unwrap(), pub_line);
}

#[test]
fn principals_accord_writes_mean_the_same_to_ssh_keygen() {
    let dir = tmp();
    let key = SigningKey::from_bytes(&[7; 32]);
    let message = b"the agreement";
    let sig = sign(&key, NS, &hashes(message).sha512).unwrap();
    let principals = [
        "alice@example.org",
        "Alice Smith",
        "  two  spaces  ",
        "Zoë Ünal <zoe@example.org>",
        "#not-a-comment",
        "DOMAIN\\user",
        "o'brien; rm -rf /",
        "a=b",
        "namespaces=x",
        "ssh-ed25519",
        "日本語",
        "trailing\\",
    ];
    let mut file = String::from("# accord signers\n\n");
    for principal in principals {
        file.push_str(&allowed_signer_line(principal, NS, &public(&key)).unwrap());
    }
    for principal in principals {
        assert!(
            ssh_keygen_accepts(&dir, &file, principal, NS, &sig, message),
            "ssh-keygen refused principal {principal:?} in\n{file}"
        );
    }
    assert!(!ssh_keygen_accepts(&dir, &file, "Alice", NS, &sig, message));
    assert!(!ssh_keygen_accepts(&dir, &file, "alice smith", NS, &sig, message));
    let signers = parse_allowed_signers(file.as_bytes(), "allowed_signers").unwrap();
    let parsed: Vec<&str> = signers.iter().map(|s| s.principals[0].as_str()).collect();
    assert_eq!(parsed, principals);
    assert!(signers.iter().all(|s| s.namespaces.as_deref() == Some(&[NS.to_string()][..])));
    assert_eq!(signers[0].line, 3);
}

#[test]
fn principals_no_allowed_signers_line_can_hold_are_refused() {
    let key = public(&SigningKey::from_bytes(&[7; 32]));
    for bad in ["a,b", "a\"b", "*@example.org", "a?", "!alice", "", "line\nbreak", "tab\there"] {
        assert!(allowed_signer_line(bad, NS, &key).is_err(), "{bad:?}");
    }
}

#[test]
fn users_allowed_signers_lines_mean_the_same_to_ssh_keygen() {
    let dir = tmp();
    let key = SigningKey::from_bytes(&[8; 32]);
    let sig = sign(&key, NS, &hashes(b"m").sha512).unwrap();
    let b64 = public(&key).to_base64();
    let lines = [
        (format!("a ssh-ed25519 {b64}"), true),
        (format!("a namespaces=\"git,accord\" ssh-ed25519 {b64} comment here"), true),
        (format!("a NAMESPACES=\"git\" ssh-ed25519 {b64}"), false),
        (format!("\"a,b\"   namespaces=\"x,y\"  ssh-ed25519 {b64}"), false),
        (format!("b,\"a\"   namespaces=\"x,accord\"  ssh-ed25519 {b64}"), true),
    ];
    for (line, accepted) in &lines {
        let signers = parse_allowed_signers(line.as_bytes(), "allowed_signers").unwrap();
        assert_eq!(signers[0].permits("a", NS, &public(&key)), *accepted, "{line}");
        assert_eq!(ssh_keygen_accepts(&dir, line, "a", NS, &sig, b"m"), *accepted, "{line}");
    }
    // ssh-keygen ends quoted principals at the closing quote and then sees ",b" as an
    // unknown option, so it skips the line; accord refuses it outright.
    let odd = format!("\"a\",b ssh-ed25519 {b64}");
    assert!(parse_allowed_signers(odd.as_bytes(), "allowed_signers").is_err());
    assert!(!ssh_keygen_accepts(&dir, &odd, "a", NS, &sig, b"m"));
}

#[test]
fn validity_periods_are_refused_not_half_honoured() {
    // ssh-keygen checks them against its own clock; accord refuses the line instead.
    let dir = tmp();
    let key = SigningKey::from_bytes(&[8; 32]);
    let sig = sign(&key, NS, &hashes(b"m").sha512).unwrap();
    let b64 = public(&key).to_base64();
    for (option, today) in
        [("valid-after=\"20000101Z\"", true), ("VALID-BEFORE=\"20010101Z\"", false)]
    {
        let line = format!("a {option} ssh-ed25519 {b64}");
        assert_eq!(ssh_keygen_accepts(&dir, &line, "a", NS, &sig, b"m"), today, "{line}");
        let err = parse_allowed_signers(line.as_bytes(), "allowed_signers").unwrap_err();
        assert!(err.message.starts_with("allowed_signers, line 1: "), "{}", err.message);
        assert!(err.message.contains("is not supported"), "{}", err.message);
    }
}

#[test]
fn a_file_signed_by_ssh_keygen_verifies_with_accord_verify_and_allowed_signers() {
    let dir = tmp();
    let d = dir.path();
    let key_path = d.join("carol");
    let key = path(&key_path);
    ssh_keygen_ok(&["-q", "-t", "ed25519", "-N", "", "-C", "carol", "-f", key], b"");
    let public = fs::read_to_string(d.join("carol.pub")).unwrap();
    // The reader's own allowed_signers, kept apart from what it checks.
    fs::create_dir(d.join("mine")).unwrap();
    write(&dir, "mine/allowed", format!("carol namespaces=\"accord\" {public}").as_bytes());
    write(&dir, "letter.pdf", b"%PDF-1.7 a letter signed with OpenSSH\n");
    for (namespace, signed) in [(NS, "letter.pdf"), ("git", "other.pdf")] {
        fs::copy(d.join("letter.pdf"), d.join(signed)).unwrap();
        ssh_keygen_ok(
            &["-Y", "sign", "-q", "-f", key, "-n", namespace, path(&d.join(signed))],
            b"",
        );
        fs::rename(d.join(format!("{signed}.sig")), d.join(format!("{signed}.sshsig"))).unwrap();
    }
    let verify = |file: &str| accord(d, &["verify", file, "--allowed-signers", "mine/allowed"]);
    let out = verify("letter.pdf");
    assert_eq!(code(&out), 0, "{}", text(&out));
    assert!(text(&out).contains("valid signature by carol"), "{}", text(&out));
    let out = verify("other.pdf");
    assert_eq!(code(&out), 1, "a signature for git is not accord's");
    assert!(text(&out).contains("another namespace"), "{}", text(&out));
    fs::write(d.join("letter.pdf"), b"%PDF-1.7 a letter, changed\n").unwrap();
    assert_eq!(code(&verify("letter.pdf")), 1, "a changed file");
}

/// Armour variants of one signature file: (what, text, read by accord as ssh-keygen reads it).
/// Where accord is stricter than ssh-keygen (which skips any white space in the base64 and
/// any text after the last line) it refuses what ssh-keygen would accept, never the reverse.
fn armours(file: &str) -> Vec<(&'static str, String, bool)> {
    let (first, rest) = file.split_once('\n').unwrap();
    let lines: Vec<&str> = file.lines().collect();
    let (body, end) = (&lines[1..lines.len() - 1], lines[lines.len() - 1]);
    vec![
        ("as written", file.to_string(), true),
        ("CR LF throughout", file.replace('\n', "\r\n"), true),
        ("CR LF after the first line", format!("{first}\n{}", rest.replace('\n', "\r\n")), true),
        ("CR LF on the first line only", format!("{first}\r\n{rest}"), true),
        ("CR LF on the last line only", format!("{first}\n{}\n{end}\r\n", body.join("\n")), true),
        ("no final line end", file.trim_end().to_string(), true),
        ("blank lines after it", format!("{file}\n\n"), true),
        ("a byte-order mark", format!("\u{feff}{file}"), true),
        ("a blank line first", format!("\n{file}"), true),
        ("a blank line in the base64", format!("{first}\n\n{rest}"), false),
        ("a blank in the base64", format!("{first}\n {rest}"), false),
        ("text after it", format!("{file}comment\n"), false),
    ]
}

#[test]
fn accord_reads_an_armour_only_when_ssh_keygen_does() {
    let dir = tmp();
    let (private, pub_line) = ssh_keygen_key(&dir);
    let allowed = format!("me@host namespaces=\"{NS}\" {pub_line}");
    let key = parse_allowed_signers(allowed.as_bytes(), "allowed_signers").unwrap()[0].key;
    let message = b"the agreement, signed with OpenSSH";
    let file = ssh_keygen_ok(&["-Y", "sign", "-n", NS, "-f", path(&private)], message);
    let file = String::from_utf8(file).unwrap();
    for (what, text, same) in armours(&file) {
        let accord = SshSignature::parse(text.as_bytes(), "m.sshsig")
            .is_ok_and(|sig| sig.verify(&key, NS, &hashes(message)).is_ok());
        let ssh_keygen = ssh_keygen_accepts(&dir, &allowed, "me@host", NS, &text, message);
        assert!(!accord || ssh_keygen, "{what}: accord reads what ssh-keygen refuses");
        if same {
            assert_eq!(accord, ssh_keygen, "{what}: accord {accord}, ssh-keygen {ssh_keygen}");
        } else {
            assert!(!accord && ssh_keygen, "{what}: accord is stricter here, on purpose");
        }
    }
    let crlf = file.replace('\n', "\r\n");
    let err = SshSignature::parse(crlf.as_bytes(), "m.sshsig").unwrap_err();
    assert!(
        err.message.starts_with("m.sshsig, line 1: ends in CR LF (Windows line ends)"),
        "{err}"
    );
}

/// The example built by alice and co-signed by "Bob B.", once per test binary.
fn cosigned() -> &'static Path {
    static COSIGNED: std::sync::OnceLock<TempDir> = std::sync::OnceLock::new();
    COSIGNED
        .get_or_init(|| {
            crate::util::example_with(|dir| {
                let args = ["sign", "out/un-iom-2016", "--key", "bob.key", "--signer", "Bob B."];
                let out = accord(dir, &[&args[..], &["--trust", "alice.pub"]].concat());
                assert_eq!(code(&out), 0, "{}", text(&out));
            })
        })
        .path()
}

#[test]
fn a_signature_counts_for_a_signer_only_as_ssh_keygen_verify_dash_i_counts_it() {
    let world = cosigned();
    let package = world.join("out/un-iom-2016");
    let document = "council-resolution.pdf";
    let bytes = fs::read(package.join(document)).unwrap();
    let allowed = fs::read_to_string(package.join("allowed_signers")).unwrap();
    let (alice, bob) = allowed.split_once('\n').unwrap();
    assert!(bob.starts_with("\"Bob B.\" namespaces=\"accord\" ssh-ed25519 "), "{allowed}");
    let bob_key = bob.split_once(" namespaces").unwrap().1;
    // The reader's own allowed_signers: alice's line as published, Bob's key under principals.
    let cases = [
        ("\"Bob B.\"", None),
        ("mallory,\"Bob B.\"", None),
        ("mallory", Some("the key is allowed for principal mallory, but the package says the signer is Bob B.")),
        ("\"bob b.\"", Some("the key is allowed for principal bob b., but the package says")),
        ("bob-b", Some("the key is allowed for principal bob-b, but the package says")),
        ("alice", Some("the key is allowed for principal alice, but the package says the signer is Bob B.")),
    ];
    let dir = tmp();
    fs::create_dir(dir.path().join("mine")).unwrap();
    fs::create_dir(dir.path().join("inbox")).unwrap();
    for name in [document.to_string(), format!("{document}.minisig"), format!("{document}.sshsig")]
        .into_iter()
        .chain([format!("{document}.bob-b.minisig"), format!("{document}.bob-b.sshsig")])
    {
        fs::copy(package.join(&name), dir.path().join("inbox").join(&name)).unwrap();
    }
    let pkg = package.to_str().unwrap();
    let doc = package.join(document);
    for (principals, refused) in cases {
        let file = format!("{alice}\n{principals} namespaces{bob_key}");
        let mine = write(&dir, "mine/allowed_signers", file.as_bytes());
        let mine = path(&mine);
        // ssh-keygen, asked for the signer the package names.
        let sig = package.join(format!("{document}.bob-b.sshsig"));
        let args = ["-Y", "verify", "-f", mine, "-I", "Bob B.", "-n", NS, "-s", path(&sig)];
        let ssh_keygen = ssh_keygen(&args, &bytes).status.success();
        assert_eq!(ssh_keygen, refused.is_none(), "ssh-keygen, {principals}");
        // accord, with the package and with the signatures next to a copy alone.
        for args in [
            vec![path(&doc), "--package", pkg, "--allowed-signers", mine],
            vec!["inbox/council-resolution.pdf", "--allowed-signers", mine],
        ] {
            let out = accord(dir.path(), &[&["verify"][..], &args].concat());
            assert_eq!(code(&out) == 0, ssh_keygen, "{principals}, {args:?}:\n{}", text(&out));
            if let Some(refused) = refused {
                assert!(text(&out).contains(refused), "{refused:?} not in:\n{}", text(&out));
            } else {
                assert!(text(&out).contains("valid signature by Bob B. ("), "{}", text(&out));
            }
        }
    }
}

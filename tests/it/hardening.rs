//! Hardening: the cases the bad-input corpus (`tests/corpus/`, see `corpus.rs`)
//! cannot hold: files of 2 GB, file names that are not UTF-8, a passphrase on standard input
//! or in the environment, two `accord sign` at once, `accord sign` killed at random moments,
//! and two configs that must give the same bytes. Each test bounds accord's run time, so that
//! a hang fails instead of stalling the test run.

use std::ffi::OsStr;
use std::fs;
use std::io::Write as _;
use std::os::unix::ffi::OsStrExt as _;
use std::os::unix::fs::PermissionsExt as _;
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use crate::util::{
    accord_command, assert_code, assert_error, assert_shows, code, copy_dir, copy_of, keygen,
    minisign, one_line_key, output_within, pdf_pages, replace_once, session, signed_example,
    snapshot, text, tool, TempDir, MINISIGN,
};

/// The package of the [`signed_example`], signed by alice.
const PKG: &str = "out/un-iom-2016";
/// Its documents.
const DOCS: [&str; 5] = [
    "agreement-original-1.pdf",
    "agreement-original-2.pdf",
    "council-resolution.pdf",
    "notification-united-nations.pdf",
    "notification-iom.pdf",
];
/// The passphrase of [`encrypted_key`].
const PASSPHRASE: &str = "right";
/// Time enough for any one accord command of these tests; past it, it hangs.
const LIMIT: Duration = Duration::from_secs(30);
/// Time enough for a command that runs minisign's real scrypt (1 GiB of memory, seconds of
/// CPU on an idle machine, several times that on a loaded CI machine); past it, it hangs.
const SCRYPT_LIMIT: Duration = Duration::from_secs(180);

/// The [`signed_example`] and two more key pairs, `carol` and `dave`, made once per test
/// binary: copy it with [`fresh`].
fn world() -> &'static Path {
    static WORLD: OnceLock<TempDir> = OnceLock::new();
    WORLD
        .get_or_init(|| {
            let world = tempfile::tempdir().expect("temp dir");
            copy_dir(signed_example(), world.path());
            keygen(world.path(), "carol");
            keygen(world.path(), "dave");
            world
        })
        .path()
}

/// A fresh copy of the [`world`], for one test to change.
fn fresh() -> TempDir {
    copy_of(world())
}

/// `accord ARGS…` in `dir`, failing the test when it runs longer than [`LIMIT`].
fn run(dir: &Path, args: &[&str]) -> Output {
    output_within(accord_command(dir, args), LIMIT)
}

/// Writes `dir/NAME` (mode 0600): a secret key encrypted with [`PASSPHRASE`], with cheap
/// scrypt parameters (keygen's take a GiB of memory and seconds).
fn encrypted_key(dir: &Path, name: &str) {
    let key = accord::minisign::SecretKey::generate().unwrap();
    let kdf = accord::minisign::KdfParams { salt: [7; 32], opslimit: 1 << 16, memlimit: 1 << 22 };
    let file = key.to_file("hardening key", Some((PASSPHRASE.as_bytes(), &kdf))).unwrap();
    fs::write(dir.join(name), file.as_bytes()).unwrap();
    fs::set_permissions(dir.join(name), fs::Permissions::from_mode(0o600)).unwrap();
}

/// `accord verify` of every document of [`PKG`] against it, trusting `keys` (`.pub` files).
fn verify_package(dir: &Path, keys: &[&str]) -> Output {
    let docs: Vec<String> = DOCS.iter().map(|doc| format!("{PKG}/{doc}")).collect();
    let mut args: Vec<&str> = vec!["verify"];
    args.extend(docs.iter().map(String::as_str));
    args.extend(["--package", PKG]);
    for key in keys {
        args.extend(["--key", key]);
    }
    run(dir, &args)
}

/// The temporary files of interrupted writes in `dir`: `.NAME.tmp-PID-N`.
fn temporaries(dir: &Path) -> Vec<String> {
    let names = fs::read_dir(dir).unwrap().map(|e| e.unwrap().file_name());
    let names = names.map(|name| name.to_string_lossy().into_owned());
    names.filter(|name| name.starts_with('.') && name.contains(".tmp-")).collect()
}

// ---------------------------------------------------------------------------------------------
// Unbounded reads: files of 2 GB

/// Memory accord may use in [`in_little_memory`]: enough to typeset the example, far too
/// little to read a 2 GB file.
const MEMORY_KIB: u32 = 256 << 10;

/// `accord ARGS…` in `dir` with at most [`MEMORY_KIB`] of address space, failing when it runs
/// longer than 3 seconds.
fn in_little_memory(dir: &Path, args: &[&str]) -> Output {
    let mut command = Command::new("sh");
    command
        .arg("-c")
        .arg(format!("ulimit -v {MEMORY_KIB} && exec \"$0\" \"$@\""))
        .arg(env!("CARGO_BIN_EXE_accord"))
        .args(args)
        .current_dir(dir)
        .env_remove("ACCORD_PASSPHRASE")
        .stdin(Stdio::null());
    output_within(command, Duration::from_secs(3))
}

/// Names and sizes of the entries of `dir`, read without opening any file.
fn listing(dir: &Path) -> Vec<(String, u64)> {
    let mut entries: Vec<(String, u64)> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap())
        .map(|e| (e.file_name().to_string_lossy().into_owned(), e.metadata().unwrap().len()))
        .collect();
    entries.sort();
    entries
}

/// Creates the sparse file `path` of 2 GiB (no disk space used), with `mode`.
fn sparse_two_gigabytes(path: &Path, mode: u32) {
    let file = fs::File::create(path).unwrap();
    file.set_len(2 << 30).unwrap();
    fs::set_permissions(path, fs::Permissions::from_mode(mode)).unwrap();
}

#[test]
fn a_two_gigabyte_secret_key_or_passphrase_file_is_refused_at_once_in_little_memory() {
    let tmp = fresh();
    let dir = tmp.path();
    sparse_two_gigabytes(&dir.join("big.key"), 0o600);
    sparse_two_gigabytes(&dir.join("big.pass"), 0o644);
    encrypted_key(dir, "encrypted.key");
    // Listed, not read: a snapshot would read the 2 GB files.
    let before = (listing(dir), snapshot(&dir.join("out")));
    // The memory limit is low enough to matter: it does not stop a real build.
    assert_code(&in_little_memory(dir, &["check", "session.toml"]), 0);
    let key = "big.key is larger than 64 KiB, which no secret key is; check the path";
    let pass = "big.pass is larger than 4 KiB, which no passphrase file is; check the path";
    for (args, message) in [
        (&["build", "session.toml", "--key", "big.key"][..], key),
        (&["sign", PKG, "--key", "big.key", "--trust", "alice.pub"], key),
        (
            &["build", "session.toml", "--key", "encrypted.key", "--passphrase-file", "big.pass"],
            pass,
        ),
        (&["keygen", "--name", "k", "--passphrase-file", "big.pass"], pass),
    ] {
        let started = Instant::now();
        let out = in_little_memory(dir, args);
        assert_error(&out, message);
        let took = started.elapsed();
        assert!(took < Duration::from_secs(2), "{args:?} took {took:?} to refuse");
        let after = (listing(dir), snapshot(&dir.join("out")));
        assert_eq!(after, before, "{args:?} changed the directory");
    }
}

// ---------------------------------------------------------------------------------------------
// Passphrases

/// One way a passphrase reaches accord: what it is, accord's extra arguments, the value of
/// `ACCORD_PASSPHRASE` and the bytes on standard input.
type Way = (&'static str, &'static [&'static str], Option<&'static str>, &'static [u8]);

#[test]
fn one_trailing_line_end_is_dropped_alike_from_the_environment_a_file_and_standard_input() {
    let tmp = session(|c| c);
    let dir = tmp.path();
    encrypted_key(dir, "encrypted.key");
    fs::write(dir.join("pass"), format!("{PASSPHRASE}\n")).unwrap();
    fs::write(dir.join("pass-crlf"), format!("{PASSPHRASE}\r\n")).unwrap();
    let key = ["build", "session.toml", "--key", "encrypted.key"];
    let ways: [Way; 6] = [
        ("ACCORD_PASSPHRASE with \\n", &[], Some("right\n"), b""),
        ("ACCORD_PASSPHRASE with \\r\\n", &[], Some("right\r\n"), b""),
        ("ACCORD_PASSPHRASE without a line end", &[], Some("right"), b""),
        ("--passphrase-file with \\n", &["--passphrase-file", "pass"], None, b""),
        ("--passphrase-file with \\r\\n", &["--passphrase-file", "pass-crlf"], None, b""),
        ("--passphrase-file - with \\n", &["--passphrase-file", "-"], None, b"right\n"),
    ];
    for (i, (way, extra, env, stdin)) in ways.into_iter().enumerate() {
        let out_dir = format!("out{i}");
        let args = [&key[..], extra, &["--out", &out_dir]].concat();
        let mut command = accord_command(dir, &args);
        if let Some(value) = env {
            command.env("ACCORD_PASSPHRASE", value);
        }
        let out = with_stdin(command, stdin);
        assert_eq!(code(&out), 0, "{way}: the key did not open:\n{}", text(&out));
        assert!(dir.join(&out_dir).join("un-iom-2016/manifest.json").is_file(), "{way}");
    }
    // Two lines, and a passphrase longer than minisign reads, from the environment.
    let before = snapshot(dir);
    let mut command = accord_command(dir, &key);
    command.env("ACCORD_PASSPHRASE", "right\nright\n");
    assert_error(
        &with_stdin(command, b""),
        "the passphrase from ACCORD_PASSPHRASE holds more than one line; write it on one line",
    );
    let mut command = accord_command(dir, &["keygen", "--name", "k"]);
    command.env("ACCORD_PASSPHRASE", format!("{}\n", "x".repeat(1023)));
    assert_error(
        &with_stdin(command, b""),
        "the passphrase is 1023 bytes long; minisign accepts at most 1022",
    );
    assert_eq!(snapshot(dir), before, "a refused passphrase changed the directory");
}

/// Runs `command` with `stdin` on its standard input, within [`LIMIT`].
fn with_stdin(mut command: Command, stdin: &[u8]) -> Output {
    let mut child = command
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start accord");
    let mut pipe = child.stdin.take().expect("stdin");
    // accord may refuse before it reads: a closed pipe is no failure of the test.
    let _ = pipe.write_all(stdin);
    drop(pipe);
    let started = Instant::now();
    while child.try_wait().expect("poll accord").is_none() {
        if started.elapsed() > LIMIT {
            child.kill().ok();
            panic!("{command:?} still runs after {LIMIT:?}: it hangs");
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    child.wait_with_output().expect("wait for accord")
}

#[test]
fn a_key_made_with_a_passphrase_from_the_environment_opens_from_a_file_and_with_minisign() {
    // keygen uses minisign's real scrypt parameters (1 GiB): one key, opened twice.
    let tmp = session(|c| c);
    let dir = tmp.path();
    let mut command = accord_command(dir, &["keygen", "--name", "env"]);
    command.env("ACCORD_PASSPHRASE", "right\n");
    assert_code(&output_within(command, SCRYPT_LIMIT), 0);
    fs::write(dir.join("pass"), "right\n").unwrap();
    let args = ["build", "session.toml", "--key", "env.key", "--passphrase-file", "pass"];
    assert_code(&output_within(accord_command(dir, &args), SCRYPT_LIMIT), 0);
    // Stock minisign reads the passphrase as a line and drops its end, as accord does.
    fs::write(dir.join("note.txt"), "signed by minisign with accord's key\n").unwrap();
    let args = ["-S", "-s", "env.key", "-m", "note.txt"];
    assert_code(&tool(dir, MINISIGN, &args, b"right\n"), 0);
    let out = minisign(dir, &["-Vm", "note.txt", "-p", "env.pub"], "");
    assert_code(&out, 0);
}

#[test]
fn a_key_made_with_a_passphrase_from_a_file_opens_from_the_environment() {
    let tmp = session(|c| c);
    let dir = tmp.path();
    fs::write(dir.join("pass"), "right\n").unwrap();
    let args = ["keygen", "--name", "file", "--passphrase-file", "pass"];
    assert_code(&output_within(accord_command(dir, &args), SCRYPT_LIMIT), 0);
    let mut command = accord_command(dir, &["build", "session.toml", "--key", "file.key"]);
    command.env("ACCORD_PASSPHRASE", "right\n");
    assert_code(&output_within(command, SCRYPT_LIMIT), 0);
}

// ---------------------------------------------------------------------------------------------
// Unclear messages: a file name that is not UTF-8

#[test]
fn a_copy_whose_name_is_not_utf8_is_refused_saying_so_and_what_to_do() {
    let tmp = fresh();
    let dir = tmp.path();
    let name = OsStr::from_bytes(b"caf\xe9.pdf");
    let signature = OsStr::from_bytes(b"caf\xe9.pdf.minisig");
    let doc = dir.join(PKG).join("council-resolution.pdf");
    fs::copy(&doc, dir.join(name)).unwrap();
    fs::copy(doc.with_extension("pdf.minisig"), dir.join(signature)).unwrap();
    let before = snapshot(dir);
    let verify = |extra: &[&str]| {
        let mut command = accord_command(dir, &["verify"]);
        let published = one_line_key(&dir.join("alice.pub"));
        command.arg(name).args(extra).args(["--key", &published]);
        output_within(command, LIMIT)
    };
    let out = verify(&[]);
    assert_error(
        &out,
        ".pdf: the file name is not UTF-8 text, so accord cannot name its signature files; \
         rename the file (and its .minisig) or use --package",
    );
    assert_eq!(snapshot(dir), before);
    // The advice holds: against its package, the copy is recognised.
    let out = verify(&["--package", PKG]);
    assert_code(&out, 0);
    assert_shows(&out, ".pdf: MATCH council-resolution.pdf (Council resolution)");
}

// ---------------------------------------------------------------------------------------------
// NFC and NFD

#[test]
fn zoe_typed_composed_or_decomposed_builds_byte_identical_pdfs() {
    let name = "name = \"William Lacy Swing\"";
    let composed = session(|c| replace_once(&c, name, "name = \"Zo\u{eb}\""));
    let dir = composed.path();
    let config = fs::read_to_string(dir.join("session.toml")).unwrap();
    let decomposed = config.replace("Zo\u{eb}", "Zoe\u{308}");
    assert_ne!(config, decomposed, "the two configs must differ in their bytes");
    fs::write(dir.join("decomposed.toml"), decomposed).unwrap();
    assert_code(&run(dir, &["build", "session.toml", "--out", "nfc"]), 0);
    assert_code(&run(dir, &["build", "decomposed.toml", "--out", "nfd"]), 0);
    for doc in DOCS {
        let nfc = fs::read(dir.join("nfc/un-iom-2016").join(doc)).unwrap();
        let nfd = fs::read(dir.join("nfd/un-iom-2016").join(doc)).unwrap();
        assert!(nfc == nfd, "{doc}: NFC and NFD give different bytes");
    }
    let text = pdf_pages(&dir.join("nfd/un-iom-2016/agreement-original-1.pdf")).join("\n");
    assert!(text.contains("Zo\u{eb}"), "no composed Zoë in the PDF:\n{text}");
    assert!(!text.contains("e\u{308}"), "a decomposed ë in the PDF");
}

// ---------------------------------------------------------------------------------------------
// Concurrent and interrupted co-signing

/// The OpenSSH form (`ssh-ed25519 AAAA…`) of the public key file `path`.
fn ssh_line(path: &Path) -> String {
    let key = accord::minisign::PublicKey::parse(&fs::read(path).unwrap(), "key").unwrap();
    accord::sshsig::SshPublicKey::from(key.key).to_line()
}

/// Whether `out` is a clean refusal of a co-signer who lost the race under the name `co`.
fn refused_cleanly(out: &Output) -> bool {
    let stderr = String::from_utf8_lossy(&out.stderr);
    let errors = stderr.lines().filter(|l| l.starts_with("error: ")).count();
    let said = [
        // The other one held the package.
        "another accord is co-signing out/un-iom-2016 right now; nothing was changed",
        // The other one had finished: its name is taken…
        "out/un-iom-2016 already has a signer named co (co.pub); choose another --signer",
        // …and, before that, it is a signer this one was not told to trust.
        "it is also signed by co (key ",
    ];
    code(out) == 1 && errors == 1 && said.iter().any(|s| stderr.contains(s))
}

#[test]
fn two_cosigners_under_one_name_at_once_one_wins_and_the_package_stays_whole() {
    for round in 0..20 {
        let tmp = fresh();
        let dir = tmp.path();
        let sign = |key: &str| {
            let args = ["sign", PKG, "--key", key, "--signer", "co", "--trust", "alice.pub"];
            accord_command(dir, &args)
        };
        let (bob, carol) = std::thread::scope(|s| {
            let bob = s.spawn(|| output_within(sign("bob.key"), Duration::from_secs(10)));
            let carol = s.spawn(|| output_within(sign("carol.key"), Duration::from_secs(10)));
            (bob.join().unwrap(), carol.join().unwrap())
        });
        let (winner, loser, lost) = match (code(&bob), code(&carol)) {
            (0, _) => ("bob", "carol", &carol),
            (_, 0) => ("carol", "bob", &bob),
            _ => panic!("round {round}: neither won:\n{}\n{}", text(&bob), text(&carol)),
        };
        assert!(
            refused_cleanly(lost),
            "round {round}: {winner} won, {loser} was not refused cleanly:\n{}",
            text(lost)
        );
        let pkg = dir.join(PKG);
        let winner_pub = format!("{winner}.pub");
        assert_eq!(
            fs::read(pkg.join("co.pub")).unwrap(),
            fs::read(dir.join(&winner_pub)).unwrap(),
            "round {round}: co.pub is not {winner}'s key"
        );
        let allowed = fs::read_to_string(pkg.join("allowed_signers")).unwrap();
        let listed = |who: &str| allowed.contains(&ssh_line(&dir.join(format!("{who}.pub"))));
        assert!(listed(winner), "round {round}: {winner} is not in allowed_signers");
        assert!(!listed(loser), "round {round}: {loser} is in allowed_signers");
        assert!(temporaries(&pkg).is_empty(), "round {round}: {:?} left", temporaries(&pkg));
        let out = verify_package(dir, &["alice.pub", &winner_pub]);
        assert_eq!(code(&out), 0, "round {round}: {winner} won:\n{}", text(&out));
        let third = ["sign", PKG, "--key", "dave.key", "--trust", "alice.pub", "--trust"];
        let out = run(dir, &[&third[..], &[&winner_pub]].concat());
        assert_eq!(code(&out), 0, "round {round}: no third signer after {winner}:\n{}", text(&out));
    }
}

/// A small pseudo-random generator (xorshift), seeded from the clock and printed, so that a
/// failing run can be replayed.
struct Random(u64);

impl Random {
    fn from_clock() -> Self {
        let nanos = SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_nanos();
        let seed = (nanos as u64) | 1;
        eprintln!("random seed {seed}");
        Self(seed)
    }

    fn below(&mut self, bound: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % bound
    }
}

/// How long an uninterrupted `accord sign` of the example takes here.
fn time_one_sign() -> Duration {
    let tmp = fresh();
    let started = Instant::now();
    assert_code(&run(tmp.path(), &["sign", PKG, "--key", "bob.key", "--trust", "alice.pub"]), 0);
    started.elapsed()
}

/// How many times the test of killed signs kills `accord sign`.
const ROUNDS: u64 = 10;

#[test]
fn a_killed_sign_never_leaves_the_package_unverifiable_and_the_next_sign_cleans_up() {
    // Round N is killed at a random moment of the Nth tenth of a sign's run.
    let tenth = time_one_sign().as_micros() as u64 / ROUNDS + 1;
    let mut random = Random::from_clock();
    let mut left_temporaries = 0;
    for round in 0..ROUNDS {
        let tmp = fresh();
        let dir = tmp.path();
        let pkg = dir.join(PKG);
        let delay = Duration::from_micros(round * tenth + random.below(tenth));
        let args = ["sign", PKG, "--key", "bob.key", "--trust", "alice.pub"];
        let mut child = accord_command(dir, &args)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start accord sign");
        std::thread::sleep(delay);
        child.kill().ok(); // SIGKILL; it may have finished already.
        child.wait().expect("wait for accord sign");
        let context = format!("round {round}, killed after {delay:?}");
        // Whatever the moment, the package still verifies with its signer's key.
        let out = verify_package(dir, &["alice.pub"]);
        assert_eq!(code(&out), 0, "{context}: the package no longer verifies:\n{}", text(&out));
        if !temporaries(&pkg).is_empty() {
            left_temporaries += 1;
        }
        // The next co-signer trusts every signer the package lists as complete.
        let allowed = fs::read_to_string(pkg.join("allowed_signers")).unwrap();
        let bob_listed = allowed.lines().any(|line| line.starts_with("bob "));
        let mut args = vec!["sign", PKG, "--key", "carol.key", "--trust", "alice.pub"];
        let mut keys = vec!["alice.pub", "carol.pub"];
        if bob_listed {
            args.extend(["--trust", "bob.pub"]);
            keys.push("bob.pub");
        }
        let out = run(dir, &args);
        assert_eq!(code(&out), 0, "{context}: carol cannot co-sign next:\n{}", text(&out));
        assert!(temporaries(&pkg).is_empty(), "{context}: {:?} left", temporaries(&pkg));
        let out = verify_package(dir, &keys);
        assert_eq!(code(&out), 0, "{context}: after carol, {keys:?}:\n{}", text(&out));
    }
    eprintln!("{left_temporaries} of {ROUNDS} killed signs left temporary files");
}

#[test]
fn an_interrupted_sign_is_finished_by_running_it_again() {
    // The states a killed `accord sign` by bob can leave, given the order it writes in (its
    // signatures of the documents and SHA256SUMS, of manifest.json, then allowed_signers,
    // verify.html, and bob.pub last), made by removing what it had not written yet.
    let unwritten: [(&str, &[&str], &[&str]); 3] = [
        (
            "before its signature of manifest.json",
            &["manifest.json.bob.minisig", "manifest.json.bob.sshsig", "bob.pub"],
            &["allowed_signers", "verify.html"],
        ),
        ("before verify.html", &["bob.pub"], &["verify.html"]),
        ("before bob.pub", &["bob.pub"], &[]),
    ];
    let sign = ["sign", PKG, "--key", "bob.key", "--trust", "alice.pub"];
    for (when, removed, restored) in unwritten {
        let tmp = fresh();
        let dir = tmp.path();
        let pkg = dir.join(PKG);
        let old: Vec<(&str, Vec<u8>)> =
            restored.iter().map(|name| (*name, fs::read(pkg.join(name)).unwrap())).collect();
        assert_code(&run(dir, &sign), 0);
        for name in removed {
            fs::remove_file(pkg.join(name)).unwrap();
        }
        for (name, bytes) in &old {
            fs::write(pkg.join(name), bytes).unwrap();
        }
        let out = verify_package(dir, &["alice.pub"]);
        assert_eq!(code(&out), 0, "killed {when}: does not verify:\n{}", text(&out));
        let out = run(dir, &sign);
        assert_eq!(
            code(&out),
            0,
            "killed {when}: running it again does not finish:\n{}",
            text(&out)
        );
        assert!(pkg.join("bob.pub").is_file(), "killed {when}: no bob.pub after the rerun");
        let out = verify_package(dir, &["alice.pub", "bob.pub"]);
        assert_eq!(code(&out), 0, "killed {when}: alice and bob:\n{}", text(&out));
    }
}

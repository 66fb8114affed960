//! Small helpers shared by the integration tests: run the binary, make temp dirs, read PDFs.

use std::collections::BTreeMap;
use std::io::{Read as _, Write as _};
use std::os::unix::fs::PermissionsExt as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

pub use tempfile::TempDir;

/// The repository root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The command running `accord` with `args` in `dir`.
pub fn accord_command(dir: &Path, args: &[&str]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_accord"));
    command.args(args).current_dir(dir).env_remove("ACCORD_PASSPHRASE").stdin(Stdio::null());
    command
}

/// Runs `accord` with `args` in `dir`.
pub fn accord(dir: &Path, args: &[&str]) -> Output {
    accord_command(dir, args).output().expect("run accord")
}

/// Exit code, stdout and stderr of a finished run, for assertions and messages.
pub fn code(out: &Output) -> i32 {
    out.status.code().unwrap_or(-1)
}

/// stdout and stderr together, as text.
pub fn text(out: &Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr))
}

/// A fresh temporary directory holding a copy of the example config as `session.toml`
/// with `edit` applied to its text.
pub fn session(edit: impl FnOnce(String) -> String) -> TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    let example = std::fs::read_to_string(root().join("config/un-iom-2016.toml")).unwrap();
    std::fs::write(dir.path().join("session.toml"), edit(example)).unwrap();
    dir
}

/// Replaces exactly one occurrence of `from` in `text`, failing loudly when absent.
pub fn replace_once(text: &str, from: &str, to: &str) -> String {
    assert_eq!(text.matches(from).count(), 1, "expected exactly one {from:?} in the config");
    text.replacen(from, to, 1)
}

/// Fails the test unless the stock tool `command` is installed: a test that compares with a
/// tool never passes by skipping (`.ci/run` installs every one with apt-get).
#[track_caller]
pub fn require_tool(command: &str, package: &str) {
    let found = Command::new("sh")
        .args(["-c", &format!("command -v {command}")])
        .output()
        .is_ok_and(|out| out.status.success());
    assert!(found, "{command} is not installed: apt-get install {package} (bash .ci/run does it)");
}

/// The text of a PDF, one string per page, as poppler's `pdftotext -raw` extracts it (the
/// default mode would join a word broken after a hard hyphen, dropping the hyphen).
pub fn pdf_pages(pdf: &Path) -> Vec<String> {
    let out = Command::new("pdftotext")
        .args(["-raw", "-enc", "UTF-8"])
        .arg(pdf)
        .arg("-")
        .output()
        .expect("pdftotext is installed (apt-get install poppler-utils; .ci/run does it)");
    assert!(out.status.success(), "pdftotext failed on {}", pdf.display());
    let text = String::from_utf8(out.stdout).expect("pdftotext gives UTF-8");
    let mut pages: Vec<String> = text.split('\u{c}').map(str::to_string).collect();
    if pages.last().is_some_and(|p| p.trim().is_empty()) {
        pages.pop();
    }
    pages
}

/// Words of `text` for comparison: typographic quotes made plain, the directional embedding
/// marks pdftotext puts around right-to-left runs dropped, a hyphen at a line end joined to
/// the next line (accord never hyphenates), split on white space.
pub fn words(text: &str) -> Vec<String> {
    let plain = text.replace(['\u{2019}', '\u{2018}'], "'").replace(['\u{201C}', '\u{201D}'], "\"");
    let plain = plain.replace(['\u{202A}', '\u{202B}', '\u{202C}'], "");
    let joined = plain.replace("-\n", "-");
    joined.split_whitespace().map(str::to_string).collect()
}

/// Asserts `actual` equals `expected` word by word, showing the first difference in context.
pub fn assert_same_words(what: &str, expected: &[String], actual: &[String]) {
    let first = expected.iter().zip(actual).position(|(e, a)| e != a);
    let at = match first {
        Some(i) => i,
        None if expected.len() == actual.len() => return,
        None => expected.len().min(actual.len()),
    };
    let ctx = |w: &[String]| w[at.saturating_sub(8)..(at + 8).min(w.len())].join(" ");
    panic!(
        "{what}: word {at} differs\n  expected: …{}…\n  actual:   …{}…\n  ({} expected words, {} actual)",
        ctx(expected),
        ctx(actual),
        expected.len(),
        actual.len()
    );
}

/// Every file and directory under `dir` (relative path) with its permissions and, for files,
/// the SHA-256 of its bytes: two equal snapshots mean nothing was created, changed or removed.
pub fn snapshot(dir: &Path) -> BTreeMap<String, String> {
    fn walk(root: &Path, dir: &Path, into: &mut BTreeMap<String, String>) {
        for entry in std::fs::read_dir(dir).expect("list directory") {
            let path = entry.expect("directory entry").path();
            let meta = std::fs::symlink_metadata(&path).expect("metadata");
            let name = path.strip_prefix(root).unwrap().display().to_string();
            let mode = meta.permissions().mode() & 0o7777;
            if meta.is_dir() {
                into.insert(name, format!("dir {mode:o}"));
                walk(root, &path, into);
            } else if meta.is_file() {
                let bytes = std::fs::read(&path).unwrap_or_default();
                into.insert(name, format!("file {mode:o} {}", accord::digest::sha256_hex(&bytes)));
            } else if meta.file_type().is_symlink() {
                let target = std::fs::read_link(&path).expect("read link");
                into.insert(name, format!("link {}", target.display()));
            } else {
                // A FIFO or a device: never opened, a read could block.
                into.insert(name, format!("special {mode:o}"));
            }
        }
    }
    let mut into = BTreeMap::new();
    walk(dir, dir, &mut into);
    into
}

/// Copies the directory tree `from` into `to` (created), keeping file permissions.
pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("create directory");
    for entry in std::fs::read_dir(from).expect("list directory") {
        let entry = entry.expect("directory entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("file type").is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).expect("copy file");
        }
    }
}

/// A fresh temporary copy of the directory tree `from`, for one test to change.
pub fn copy_of(from: &Path) -> TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    copy_dir(from, dir.path());
    dir
}

/// `accord keygen --name NAME --unencrypted` in `dir`; returns the secret key's path.
pub fn keygen(dir: &Path, name: &str) -> PathBuf {
    let out = accord(dir, &["keygen", "--name", name, "--unencrypted"]);
    assert_eq!(code(&out), 0, "{}", text(&out));
    dir.join(format!("{name}.key"))
}

/// A fresh temporary directory, removed on drop.
pub fn tmp() -> TempDir {
    tempfile::tempdir().expect("temp dir")
}

/// A temporary path as text, for accord's arguments.
pub fn path_str(path: &Path) -> &str {
    path.to_str().expect("UTF-8 temp path")
}

/// Asserts that `out` exited with `expected`, showing its output otherwise.
#[track_caller]
pub fn assert_code(out: &Output, expected: i32) {
    assert_eq!(code(out), expected, "exit code; output:\n{}", text(out));
}

/// Runs the stock tool `program` with `args` in `dir`, feeding `stdin`; fails the test when it
/// is not installed (`package` is its Debian package).
pub fn tool(dir: &Path, (program, package): (&str, &str), args: &[&str], stdin: &[u8]) -> Output {
    require_tool(program, package);
    let mut child = Command::new(program)
        .args(args)
        .current_dir(dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|err| panic!("run {program}: {err}"));
    child.stdin.take().expect("stdin").write_all(stdin).expect("write stdin");
    child.wait_with_output().unwrap_or_else(|err| panic!("wait for {program}: {err}"))
}

/// Stock minisign, for [`tool`].
pub const MINISIGN: (&str, &str) = ("minisign", "minisign");
/// OpenSSH's ssh-keygen, for [`tool`].
pub const SSH_KEYGEN: (&str, &str) = ("ssh-keygen", "openssh-client");
/// coreutils' sha256sum, for [`tool`].
pub const SHA256SUM: (&str, &str) = ("sha256sum", "coreutils");

/// Runs stock minisign with `args` in `dir`, feeding `stdin`.
pub fn minisign(dir: &Path, args: &[&str], stdin: &str) -> Output {
    tool(dir, MINISIGN, args, stdin.as_bytes())
}

/// The example built and signed once per test binary: `session.toml` (the example config),
/// the key pairs `alice` and `bob` (`.key`, `.pub`), and `out/un-iom-2016/` built and signed
/// by alice. Shared: copy it ([`copy_dir`]) before changing anything.
pub fn signed_example() -> &'static Path {
    static BUILT: OnceLock<TempDir> = OnceLock::new();
    BUILT
        .get_or_init(|| {
            let dir = session(|c| c);
            keygen(dir.path(), "alice");
            keygen(dir.path(), "bob");
            let out = accord(dir.path(), &["build", "session.toml", "--key", "alice.key"]);
            assert_eq!(code(&out), 0, "{}", text(&out));
            dir
        })
        .path()
}

/// A fresh copy of the [`signed_example`] with `more` done in it: where a test module's own
/// world starts.
pub fn example_with(more: impl FnOnce(&Path)) -> TempDir {
    let world = copy_of(signed_example());
    more(world.path());
    world
}

/// `accord verify ARGS…` in `dir`.
pub fn verify(dir: &Path, args: &[&str]) -> Output {
    accord(dir, &[&["verify"][..], args].concat())
}

/// `accord certify PACKAGE --config CONFIG --certification CERT --key KEY --trust TRUSTED
/// MORE…` in `dir`.
pub fn certify_package(
    dir: &Path,
    [package, config, cert, key, trusted]: [&str; 5],
    more: &[&str],
) -> Output {
    let args = [
        "certify",
        package,
        "--config",
        config,
        "--certification",
        cert,
        "--key",
        key,
        "--trust",
        trusted,
    ];
    accord(dir, &[&args[..], more].concat())
}

/// `PACKAGE/NAME`.
pub fn at(package: &str, name: &str) -> String {
    format!("{package}/{name}")
}

/// Writes the key pair `dir/NAME.key` (mode 0600, unencrypted) and `dir/NAME.pub` of a new
/// key (from `seed`) that carries the key id of the public key file `like`, as a forger who
/// edits the id bytes of a key would; returns the secret key's path.
pub fn forge_key(dir: &Path, name: &str, like: &Path, seed: [u8; 32]) -> PathBuf {
    let real = accord::minisign::PublicKey::parse(&std::fs::read(like).unwrap(), "real").unwrap();
    let forged = accord::minisign::SecretKey::from_seed(real.key_id, &seed);
    assert_ne!(forged.public_key().key, real.key, "the forged key must be another key");
    let secret = dir.join(format!("{name}.key"));
    let text = forged.to_file("minisign unencrypted secret key", None).unwrap();
    std::fs::write(&secret, text.as_bytes()).unwrap();
    std::fs::set_permissions(&secret, std::fs::Permissions::from_mode(0o600)).unwrap();
    std::fs::write(dir.join(format!("{name}.pub")), forged.public_key().to_file()).unwrap();
    secret
}

/// The one-line form (`RW…`) of the public key file `path`.
pub fn one_line_key(path: &Path) -> String {
    let text = std::fs::read_to_string(path).expect("read public key");
    text.lines().nth(1).expect("a key line").to_string()
}

/// Fails when `bytes`, printed by accord (`what`), hold a raw terminal control: ESC, the C1
/// control CSI (U+009B; a lone 0x9B byte would make the output invalid UTF-8, also refused),
/// any other C0 or C1 control but line ends, or a bidirectional embedding, override or isolate.
#[track_caller]
pub fn assert_no_terminal_controls(what: &str, bytes: &[u8]) {
    let text = std::str::from_utf8(bytes)
        .unwrap_or_else(|err| panic!("{what}: not UTF-8 ({err}), raw bytes reach the terminal"));
    let control = |c: char| c.is_control() && c != '\n';
    let bidi = |c: char| matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}');
    if let Some(c) = text.chars().find(|&c| control(c) || bidi(c)) {
        panic!("{what}: a raw U+{:04X} reaches the terminal:\n{text}", c as u32);
    }
}

/// Runs `command` to its end, failing the test when it runs longer than `limit`: for inputs
/// that could make accord hang (FIFOs), so that a hang is a failure, not a stuck test run.
pub fn output_within(mut command: Command, limit: Duration) -> Output {
    let mut child =
        command.stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().expect("start the command");
    let drain = |mut pipe: Box<dyn std::io::Read + Send>| {
        std::thread::spawn(move || {
            let mut bytes = Vec::new();
            pipe.read_to_end(&mut bytes).expect("read the output");
            bytes
        })
    };
    let stdout = drain(Box::new(child.stdout.take().expect("stdout")));
    let stderr = drain(Box::new(child.stderr.take().expect("stderr")));
    let deadline = Instant::now() + limit;
    let status = loop {
        if let Some(status) = child.try_wait().expect("poll the command") {
            break status;
        }
        if Instant::now() > deadline {
            child.kill().ok();
            child.wait().ok();
            panic!("{command:?} still runs after {limit:?}: it hangs");
        }
        std::thread::sleep(Duration::from_millis(5));
    };
    let stdout = stdout.join().expect("stdout reader");
    let stderr = stderr.join().expect("stderr reader");
    Output { status, stdout, stderr }
}

/// The JSON document `out` printed (`--json`), failing the test when it is not JSON.
#[track_caller]
pub fn json_report(out: &Output) -> serde_json::Value {
    match serde_json::from_slice(&out.stdout) {
        Ok(report) => report,
        Err(err) => {
            panic!("--json printed no JSON ({err}):\n{}", String::from_utf8_lossy(&out.stdout))
        }
    }
}

/// Asserts that `out` shows `needle`.
#[track_caller]
pub fn assert_shows(out: &Output, needle: &str) {
    assert!(text(out).contains(needle), "{needle:?} not in:\n{}", text(out));
}

/// Asserts that `out` does not show `needle`.
#[track_caller]
pub fn assert_hides(out: &Output, needle: &str) {
    assert!(!text(out).contains(needle), "{needle:?} in:\n{}", text(out));
}

/// Asserts that `out` failed with exit 2 and exactly one `error:` line, holding `needle`.
#[track_caller]
pub fn assert_error(out: &Output, needle: &str) {
    assert_code(out, 2);
    let stderr = String::from_utf8_lossy(&out.stderr);
    let errors: Vec<&str> = stderr.lines().filter(|l| l.starts_with("error: ")).collect();
    assert_eq!(errors.len(), 1, "one error line expected:\n{}", text(out));
    assert!(errors[0].contains(needle), "{needle:?} not in {:?}", errors[0]);
}

/// The fingerprint of the package in `dir`, from its manifest as accord computes it.
pub fn fingerprint_of(dir: &Path) -> String {
    let manifest = std::fs::read(dir.join("manifest.json")).expect("read manifest.json");
    accord::fingerprint::Fingerprint::of_manifest(&manifest).to_string()
}

/// The example config decided otherwise on one amendment, as an earlier genuine build might
/// have been, and declaring that it supersedes the signing with fingerprint `superseded`.
pub fn later_config(example: &str, superseded: &str) -> String {
    let decided = "art2-1-crucial = \"reject\"";
    let later = replace_once(example, decided, "art2-1-crucial = \"accept\"");
    let id = "id = \"un-iom-2016\"\n";
    replace_once(&later, id, &format!("{id}supersedes = [\"{superseded}\"]\n"))
}

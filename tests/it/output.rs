//! Standard output that goes away: a reader that stops early (`accord verify … | head -1`)
//! ends accord's output quietly, as Unix tools do, with the command's own exit code; a write
//! that fails otherwise (a full disk) is an error, exit 2. Never a panic.

use std::fs;
use std::io::Read as _;
use std::path::Path;
use std::process::{Output, Stdio};

use crate::util::{accord_command, assert_code, copy_dir, signed_example, text, tmp};

/// The copy checked, given [`COPIES`] times so that the report outgrows any pipe buffer
/// (64 KiB on Linux): accord is still writing when the reader goes.
const COPY: &str = "out/un-iom-2016/council-resolution.pdf";
const COPIES: usize = 400;

/// `accord verify COPY… EXTRA…` in `dir`, its stdout read for 10 bytes and then closed.
fn verify_read_briefly(dir: &Path, extra: &[&str]) -> Output {
    let mut args = vec!["verify"];
    args.extend(std::iter::repeat_n(COPY, COPIES));
    args.extend_from_slice(extra);
    let mut child = accord_command(dir, &args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start accord");
    let mut stdout = child.stdout.take().expect("stdout");
    let mut first = [0u8; 10];
    stdout.read_exact(&mut first).expect("the report's first bytes");
    drop(stdout);
    child.wait_with_output().expect("wait for accord")
}

#[test]
fn a_reader_that_stops_early_ends_the_output_quietly_with_the_exit_code() {
    let tmp = tmp();
    let dir = tmp.path();
    copy_dir(signed_example(), dir);
    let package = ["--package", "out/un-iom-2016"];
    for (extra, exit) in [
        (&[&package[..], &["--key", "alice.pub", "--json"]].concat(), 0),
        (&[&package[..], &["--json"]].concat(), 1),
        (&[&package[..], &["--key", "alice.pub"]].concat(), 0),
        (&vec!["--key", "alice.pub", "--json"], 0),
    ] {
        let out = verify_read_briefly(dir, extra);
        assert_code(&out, exit);
        assert!(out.status.code().is_some(), "killed by a signal: {:?}", out.status);
        let stderr = String::from_utf8_lossy(&out.stderr);
        for bad in ["panicked", "Broken pipe", "error:"] {
            assert!(!stderr.contains(bad), "{extra:?}: {bad:?} on stderr:\n{stderr}");
        }
    }
}

#[test]
fn a_full_disk_on_standard_output_is_an_error_exit_2() {
    let tmp = tmp();
    let dir = tmp.path();
    copy_dir(signed_example(), dir);
    for args in [
        &["verify", COPY, "--package", "out/un-iom-2016", "--key", "alice.pub", "--json"][..],
        &["verify", COPY, "--package", "out/un-iom-2016", "--key", "alice.pub"],
        &["verify", COPY, "--package", "out/un-iom-2016"],
        &["init"],
    ] {
        let full = fs::OpenOptions::new().write(true).open("/dev/full").expect("open /dev/full");
        let out = accord_command(dir, args)
            .stdout(full)
            .stderr(Stdio::piped())
            .output()
            .expect("run accord");
        assert_code(&out, 2);
        assert_eq!(
            String::from_utf8_lossy(&out.stderr),
            "error: cannot write to standard output: No space left on device\n",
            "{args:?}: {}",
            text(&out)
        );
    }
}

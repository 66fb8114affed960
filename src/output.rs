//! Writing to standard output and standard error without ever panicking: a closed pipe
//! (`accord verify … | head -1`) ends the output quietly, as Unix tools do, and the command
//! still exits with its own code; any other write error (a full disk) is an error, exit 2.
//!
//! Everything written goes through [`crate::chars::visible_lines`]: whatever a value holds,
//! no terminal control sequence leaves accord.
//!
//! This is the only module that writes to standard output and error. `print!` and `eprint!`,
//! which panic on a closed pipe, are denied everywhere by `Cargo.toml`'s `[lints]`, here too:
//! it writes to the locked handles instead.

use std::io::{ErrorKind, Write};
use std::sync::atomic::{AtomicBool, Ordering};

use crate::chars::visible_lines;
use crate::error::{plain_io, Error, Result};

/// Set once standard output is a closed pipe: nothing more is written to it.
static STDOUT_CLOSED: AtomicBool = AtomicBool::new(false);

/// Writes `text` to standard output, with its control characters made visible.
pub fn print(text: &str) -> Result<()> {
    write_stdout(visible_lines(text).as_bytes())
}

/// [`print`] and a line end.
pub fn println(text: &str) -> Result<()> {
    print(&format!("{text}\n"))
}

/// Writes `bytes` to standard output as they are (already safe, e.g. escaped JSON).
pub fn write_stdout(bytes: &[u8]) -> Result<()> {
    if STDOUT_CLOSED.load(Ordering::Relaxed) {
        return Ok(());
    }
    let mut out = std::io::stdout().lock();
    match out.write_all(bytes).and_then(|()| out.flush()) {
        Ok(()) => Ok(()),
        Err(err) if err.kind() == ErrorKind::BrokenPipe => {
            STDOUT_CLOSED.store(true, Ordering::Relaxed);
            Ok(())
        }
        Err(err) => {
            Err(Error::io_message(format!("cannot write to standard output: {}", plain_io(&err))))
        }
    }
}

/// Writes a line to standard error, with its control characters made visible; a failure to
/// write there has nowhere to be reported and is ignored.
pub fn eprintln(text: &str) {
    let _ = writeln!(std::io::stderr().lock(), "{}", visible_lines(text));
}

//! The limits the worker sets itself before it reads a byte of the PDF, with safe wrappers of
//! `setrlimit` (the `rlimit` crate). Each was chosen from what reading accord's own documents
//! and typical re-saved copies takes (BENCHMARKS.md): several times that, and far below what
//! would hurt the machine.

use std::thread;

use rlimit::Resource;

/// Address space (virtual memory): the executable's mappings, the PDF (64 MB at most) and its
/// copy in hayro, the renders, the thread stacks; many times what reading an accord document
/// takes (BENCHMARKS.md).
pub const ADDRESS_SPACE: u64 = 1 << 30;
/// CPU seconds (soft limit: SIGXCPU ends the worker); many times what reading an accord
/// document takes.
pub const CPU_SECONDS: u64 = 4;
/// The parse thread's stack: hayro recurses on nesting, which the guard bounds to
/// [`crate::pdftext::MAX_NESTING`] levels.
pub const PARSE_STACK: usize = 64 << 20;
/// Open files: standard input, output and error, nothing more can be opened.
pub const OPEN_FILES: u64 = 3;

/// Limits this process: address space, CPU time, core files, file size (no file can be
/// written), open files (none can be opened).
pub fn apply() -> std::io::Result<()> {
    Resource::CORE.set(0, 0)?;
    Resource::FSIZE.set(0, 0)?;
    Resource::CPU.set(CPU_SECONDS, CPU_SECONDS + 1)?;
    Resource::AS.set(ADDRESS_SPACE, ADDRESS_SPACE)?;
    Resource::NOFILE.set(OPEN_FILES, OPEN_FILES)?;
    Ok(())
}

/// Starts `f` on a thread with a [`PARSE_STACK`] stack.
pub fn spawn_parse_thread(
    f: impl FnOnce() + Send + 'static,
) -> std::io::Result<thread::JoinHandle<()>> {
    thread::Builder::new().stack_size(PARSE_STACK).spawn(f)
}

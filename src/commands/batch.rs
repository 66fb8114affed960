//! Running a command on several configs, one after the other: each error printed as it
//! comes, and the worst exit code kept.

use std::path::{Path, PathBuf};
use std::thread::ScopedJoinHandle;

use crate::error::{Error, Exit, Result};
use crate::output;

/// Runs `one` on every config of `configs`, printing each error as `error: …`, and returns
/// the worst exit.
pub fn each_config(configs: &[PathBuf], mut one: impl FnMut(&Path) -> Result<Exit>) -> Exit {
    let mut worst = Exit::Success;
    for path in configs {
        worst = worst.max(exit_of(one(path)));
    }
    worst
}

/// The exit of one config's result, its error printed.
fn exit_of(result: Result<Exit>) -> Exit {
    result.unwrap_or_else(|err| {
        output::eprintln(&format!("error: {err}"));
        err.exit()
    })
}

/// The rest of one config's work, writing into `dir` and printing what it did, run on a
/// thread of its own.
pub struct Rest<'a> {
    /// The directory it writes.
    pub dir: PathBuf,
    /// The work.
    pub work: Box<dyn FnOnce() -> Result<Exit> + Send + 'a>,
}

/// Like [`each_config`], with each config's work in two parts: `first` (reading, checking,
/// typesetting) on this thread, and the [`Rest`] it returns (writing a package, printing what
/// was done) on a thread of its own, while the next config's `first` runs; so one package is
/// written while the next is typeset. Output and errors keep the order of the configs. `first` is given the
/// [`Pending`] rest of the previous config, to wait for it when it needs what that one
/// writes (the same package directory).
pub fn each_config_overlapped<'a>(
    configs: &'a [PathBuf],
    mut first: impl FnMut(&'a Path, &mut Pending<'_>) -> Result<Rest<'a>>,
) -> Exit {
    std::thread::scope(|scope| {
        let mut pending = Pending { running: None, worst: Exit::Success };
        for path in configs {
            let part = first(path, &mut pending);
            pending.finish();
            match part {
                Ok(rest) => pending.running = Some((rest.dir, scope.spawn(rest.work))),
                Err(err) => pending.worst = pending.worst.max(exit_of(Err(err))),
            }
        }
        pending.finish();
        pending.worst
    })
}

/// The rest of the previous config's work, maybe still running.
pub struct Pending<'scope> {
    running: Option<(PathBuf, ScopedJoinHandle<'scope, Result<Exit>>)>,
    worst: Exit,
}

impl Pending<'_> {
    /// Waits for the pending rest if it writes `dir`.
    pub fn wait_for(&mut self, dir: &Path) {
        if self.running.as_ref().is_some_and(|(d, _)| d == dir) {
            self.finish();
        }
    }

    /// Waits for the pending rest, if any, and prints its error.
    fn finish(&mut self) {
        if let Some((_, handle)) = self.running.take() {
            let result = handle
                .join()
                .unwrap_or_else(|_| Err(Error::internal("the thread writing a package failed")));
            self.worst = self.worst.max(exit_of(result));
        }
    }
}

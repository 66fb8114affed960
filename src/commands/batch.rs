//! Running a command on several configs, one after the other: each error printed as it
//! comes, and the worst exit code kept.

use std::path::{Path, PathBuf};

use crate::error::{Exit, Result};
use crate::output;

/// Runs `one` on every config of `configs`, printing each error as `error: …`, and returns
/// the worst exit.
pub fn each_config(configs: &[PathBuf], mut one: impl FnMut(&Path) -> Result<Exit>) -> Exit {
    let mut worst = Exit::Success;
    for path in configs {
        let exit = one(path).unwrap_or_else(|err| {
            output::eprintln(&format!("error: {err}"));
            err.exit()
        });
        worst = worst.max(exit);
    }
    worst
}

//! Running a command on several configs, one after the other: each error printed as it
//! comes, and the worst exit code kept.

use std::path::{Path, PathBuf};

use crate::error::{Result, EXIT_OK};
use crate::output;

/// Runs `one` on every config of `configs`, printing each error as `error: …`, and returns
/// the worst exit code.
pub fn each_config(configs: &[PathBuf], mut one: impl FnMut(&Path) -> Result<u8>) -> u8 {
    let mut worst = EXIT_OK;
    for path in configs {
        let code = one(path).unwrap_or_else(|err| {
            output::eprintln(&format!("error: {err}"));
            err.code
        });
        worst = worst.max(code);
    }
    worst
}

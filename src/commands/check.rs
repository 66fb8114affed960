//! `accord check`: list every problem keeping a config from being signature-ready.

use crate::check;
use crate::cli::CheckArgs;
use crate::config::Loaded;
use crate::error::{Result, EXIT_FAILED, EXIT_OK};

/// Runs `accord check`: exit 0 only when every config is signature-ready.
pub fn run(args: &CheckArgs) -> Result<u8> {
    let mut worst = EXIT_OK;
    for path in &args.configs {
        let problems = match Loaded::read(path).and_then(|loaded| check::problems(&loaded)) {
            Ok(problems) => problems,
            Err(err) => {
                eprintln!("error: {err}");
                worst = worst.max(err.code);
                continue;
            }
        };
        if problems.is_empty() {
            println!("{}: signature-ready", path.display());
            continue;
        }
        for problem in &problems {
            println!("{problem}");
        }
        println!("{}: {} problem(s); not signature-ready", path.display(), problems.len());
        worst = worst.max(EXIT_FAILED);
    }
    Ok(worst)
}

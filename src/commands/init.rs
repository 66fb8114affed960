//! `accord init`: a starter config with every placeholder unfilled and each key explained.

use crate::cli::InitArgs;
use crate::error::{Result, EXIT_OK};
use crate::package::write_new;

/// The starter config, kept as a template file like every other text accord writes.
pub const STARTER: &str = include_str!("../../templates/starter.toml");

/// Runs `accord init`: writes the starter config (never over an existing file) or prints it.
pub fn run(args: &InitArgs) -> Result<u8> {
    match &args.path {
        Some(path) => {
            write_new(path, STARTER.as_bytes())?;
            println!(
                "wrote {}; fill in every \"xx\", then run: accord check {}",
                path.display(),
                path.display()
            );
        }
        None => print!("{STARTER}"),
    }
    Ok(EXIT_OK)
}

#[cfg(test)]
mod tests {
    use super::STARTER;

    #[test]
    fn starter_config_parses() {
        toml::from_str::<crate::config::Config>(STARTER).expect("starter config parses");
    }
}

//! `accord init`: a starter config with every placeholder unfilled and each key explained.

use crate::catalog::Catalog;
use crate::chars::Shown as _;
use crate::cli::InitArgs;
use crate::error::{Exit, Result};
use crate::fsio;
use crate::output;

/// Runs `accord init`: writes the starter config (never over an existing file) or prints it.
pub fn run(args: &InitArgs) -> Result<Exit> {
    let starter = Catalog::get()?.starter_source();
    match &args.path {
        Some(path) => {
            fsio::write_new(path, starter.as_bytes(), fsio::PUBLIC)?;
            output::println(&format!(
                "wrote {}; fill in every \"xx\", then run: accord check {}",
                path.shown(),
                path.shown()
            ))?;
        }
        None => output::print(starter)?,
    }
    Ok(Exit::Success)
}

#[cfg(test)]
mod tests {
    use crate::catalog::Catalog;

    #[test]
    fn starter_config_parses() {
        let starter = Catalog::get().unwrap().starter_source();
        toml::from_str::<crate::config::Config>(starter).expect("starter config parses");
    }
}

//! `accord sign`: co-sign a sealed package, adding this signer's signatures next to the
//! existing ones without touching the PDFs or the manifest (naming scheme: [`crate::seal`]).

use crate::cli::SignArgs;
use crate::error::{Error, Result, EXIT_OK};
use crate::seal;

/// Runs `accord sign`.
pub fn run(args: &SignArgs) -> Result<u8> {
    if !args.package.is_dir() {
        return Err(Error::usage(format!("{} is not a package directory", args.package.display())));
    }
    let signer = seal::load_signer(&args.key, args.signer.as_deref(), &args.passphrase)?;
    let written = seal::cosign(&args.package, &signer)?;
    println!(
        "Co-signed {} as {} (key {}); wrote:",
        args.package.display(),
        signer.name(),
        signer.public_key().key_id
    );
    for name in written {
        println!("  {name}");
    }
    Ok(EXIT_OK)
}

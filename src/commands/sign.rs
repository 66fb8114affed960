//! `accord sign`: co-sign a sealed package, adding this signer's signatures next to the
//! existing ones without touching the PDFs or the manifest, once the package verifies.

use crate::cli::SignArgs;
use crate::error::{Error, Result, EXIT_OK};
use crate::seal::{self, PassphraseSource};
use crate::verify;

/// Runs `accord sign`.
pub fn run(args: &SignArgs) -> Result<u8> {
    if !args.package.is_dir() {
        return Err(Error::usage(format!("{} is not a package directory", args.package.display())));
    }
    let pass = PassphraseSource::new(args.passphrase.passphrase_file.clone());
    let signer = seal::load_signer(&args.key, args.signer.as_deref(), &pass)?;
    let (report, signed_by, sealed) = verify::verify_whole(&args.package, &[])?;
    let Some(sealed) = sealed else {
        return Err(Error::failed(format!(
            "refusing to co-sign {}, it does not verify:\n  {}",
            args.package.display(),
            report.failures().join("\n  ")
        )));
    };
    let written = seal::cosign(&args.package, &sealed, &signed_by, &signer)?;
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

//! `accord sign`: co-sign a sealed package, adding this signer's signatures next to the
//! existing ones without touching the PDFs or the manifest, once the package verifies with
//! the trusted keys of every signer already in it.

use crate::chars::{visible, Shown as _};
use crate::cli::SignArgs;
use crate::error::{Error, Exit, Result};
use crate::fingerprint::Fingerprint;
use crate::fsio;
use crate::output;
use crate::seal::{self, PassphraseSource};
use crate::verify::{self, Report, Request};

/// Runs `accord sign`.
pub fn run(args: &SignArgs) -> Result<Exit> {
    let dir = &args.package;
    if !dir.is_dir() {
        return Err(Error::usage(format!("{} is not a package directory", dir.shown())));
    }
    let pass = PassphraseSource::new(args.passphrase.passphrase_file.clone());
    let signer = seal::load_signer(&args.key, args.signer.as_deref(), &pass)?;
    // One co-signer at a time: the second waits for nothing and is refused.
    let _lock = fsio::lock_dir(dir, "co-signing")?;
    fsio::remove_stale_temporaries(dir)?;
    let request = Request {
        keys: &args.trusted.trust,
        allowed_signers: args.trusted.allowed_signers.as_deref(),
        ..Request::default()
    };
    let own = signer.public_key().key;
    let (report, signed_by, sealed) = verify::verify_whole(dir, &request, &own)?;
    if !report.keys_trusted {
        return Err(Error::failed(untrusted(dir, &report)));
    }
    let Some(sealed) = sealed else {
        return Err(Error::failed(format!(
            "refusing to co-sign {}, it does not verify with the trusted keys:\n  {}",
            dir.shown(),
            report.failures().join("\n  ")
        )));
    };
    let checked: Vec<String> = report
        .keys
        .iter()
        .map(|k| {
            format!("{} (key {})", visible(k.signer.as_deref().unwrap_or("unnamed")), k.key_id)
        })
        .collect();
    let written = seal::cosign(dir, &sealed, &signed_by, &signer)?;
    let mut text = format!(
        "Checked {}: every document, manifest.json and SHA256SUMS validly signed by {}.\n\
         Co-signed it as {} (key {}); wrote:\n",
        dir.shown(),
        checked.join(", "),
        signer.name(),
        signer.public_key().key_id
    );
    written.iter().for_each(|name| text.push_str(&format!("  {name}\n")));
    let fingerprint = Fingerprint::of_manifest(&sealed.manifest_bytes);
    text.push_str(&format!("{}\n", fingerprint.publish_line()));
    output::print(&text)?;
    Ok(Exit::Success)
}

/// Why co-signing is refused without trusted keys, and which keys to pass.
fn untrusted(dir: &std::path::Path, report: &Report) -> String {
    let why = match (report.keys_given, &report.reason) {
        (true, Some(reason)) => visible(reason).into_owned(),
        _ => "no trusted key given".to_string(),
    };
    let mut text = format!(
        "refusing to co-sign {}: {why}, so nothing says the package is the one its signers \
         signed. Compare the keys it holds with the ones its signers published, then pass \
         them with --trust (or --allowed-signers):",
        dir.shown()
    );
    for key in &report.keys {
        let name = visible(key.signer.as_deref().unwrap_or("unnamed"));
        let (key, source) = (visible(&key.public_key), visible(&key.source));
        let key = if key.contains(' ') { format!("\"{key}\"") } else { key.into_owned() };
        text.push_str(&format!("\n  {name}: --trust {key}  ({source})"));
    }
    text
}

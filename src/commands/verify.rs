//! `accord verify`: say whether copies match a signed original, which one, and who signed it.
//!
//! The checking is done by [`crate::verify`], which also documents the `--json` shape;
//! this module prints the report for people. Exit 0 only when every file matches with a valid
//! signature by every key in use, 1 otherwise, 2 for usage, I/O and parse errors.

use crate::cli::VerifyArgs;
use crate::error::{Error, Result, EXIT_FAILED, EXIT_OK};
use crate::verify::{self, Report, SignatureReport, SignatureStatus, Status};

/// Runs `accord verify`.
pub fn run(args: &VerifyArgs) -> Result<u8> {
    let report = verify::verify(&args.files, args.package.as_deref(), &args.keys)?;
    if args.json {
        if !report.keys_trusted {
            eprintln!("warning: no --key given; the keys used were found next to the files and are NOT trusted");
        }
        let json = serde_json::to_string_pretty(&report)
            .map_err(|err| Error::usage(format!("cannot encode the report: {err}")))?;
        println!("{json}");
    } else {
        print!("{}", render(&report));
    }
    Ok(if report.ok { EXIT_OK } else { EXIT_FAILED })
}

/// The report as text for people.
fn render(report: &Report) -> String {
    let mut out = String::new();
    let mut line = |text: String| {
        out.push_str(&text);
        out.push('\n');
    };
    if !report.keys_trusted {
        let place = if report.package.is_some() { "in the package" } else { "next to the files" };
        line(format!("WARNING: no --key given, so the public keys found {place} are used."));
        line(
            "They are NOT trusted: whoever could change the files could have replaced them.".into(),
        );
        line("Compare these key ids with the ones the signers published:".into());
        if report.keys.is_empty() {
            line("  (none found)".into());
        }
        for key in &report.keys {
            line(format!("  {}  {}  {}", key.key_id, key.public_key, key.source));
        }
    }
    if let Some(package) = &report.package {
        let id = package.id.as_deref().unwrap_or("?");
        if package.ok {
            let signers = valid_signers(&package.signatures).join(", ");
            line(format!("Package {id} ({}): manifest.json signed by {signers}", package.dir));
            let others = package.signatures.iter().filter(|s| s.status != SignatureStatus::Valid);
            signature_lines(others, &mut line);
        } else {
            line(format!("Package {} DOES NOT VERIFY:", package.dir));
            signature_lines(&package.signatures, &mut line);
        }
        for missing in &package.missing {
            line(format!(
                "  MISSING: no valid signature of manifest.json by {}",
                missing.describe()
            ));
        }
        for problem in &package.problems {
            line(format!("  {problem}"));
        }
    }
    for file in &report.files {
        let what = match (&file.document, &file.role) {
            (Some(document), Some(role)) => format!(" {document} ({role})"),
            (Some(document), None) => format!(" {document}"),
            _ => String::new(),
        };
        line(match file.status {
            Status::Match => format!("{}: MATCH{what}", file.path),
            Status::NoMatch => format!("{}: NO MATCH", file.path),
            Status::Unverified => format!("{}: NOT VERIFIED", file.path),
        });
        signature_lines(&file.signatures, &mut line);
        for missing in &file.missing {
            line(format!("  MISSING: no valid signature by {}", missing.describe()));
        }
        for problem in &file.problems {
            line(format!("  {problem}"));
        }
    }
    let failed = report.files.iter().filter(|file| !file.ok).count();
    line(if report.ok {
        format!(
            "OK: {} file(s) match, each with a valid signature by every key in use",
            report.files.len()
        )
    } else {
        format!("FAILED: {failed} of {} file(s) do not verify", report.files.len())
    });
    out
}

fn valid_signers(signatures: &[SignatureReport]) -> Vec<String> {
    signatures
        .iter()
        .filter(|s| s.status == SignatureStatus::Valid)
        .map(|s| format!("{} (key {})", s.signer.as_deref().unwrap_or("?"), s.key_id))
        .collect()
}

fn signature_lines<'a>(
    signatures: impl IntoIterator<Item = &'a SignatureReport>,
    line: &mut impl FnMut(String),
) {
    for signature in signatures {
        let signer = signature.signer.as_deref().unwrap_or("unknown signer");
        line(match signature.status {
            SignatureStatus::Valid => {
                format!("  valid signature by {signer} (key {})", signature.key_id)
            }
            SignatureStatus::Invalid => format!(
                "  INVALID signature {} (key {}): {}",
                signature.file,
                signature.key_id,
                signature.reason.as_deref().unwrap_or("invalid")
            ),
            SignatureStatus::UnknownKey => format!(
                "  not checked: {} is by key {}, which is not one of the keys in use",
                signature.file, signature.key_id
            ),
        });
    }
}

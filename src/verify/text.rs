//! The report of a verification in words, as `accord verify` prints it and the workbench
//! shows it. Every string in it that comes from a file, a key or a signature is escaped
//! ([`visible`]), so nothing a package holds can rewrite the verdict on a terminal.

use super::report::{
    Closest, Difference, FileReport, OriginalText, OtherSigning, PackageReport, RebuildReport,
    Report, SignatureReport, SignatureStatus, Status,
};
use crate::chars::{quoted_name, visible};
use crate::typeset::TYPST_VERSION;

/// The report as text for people, as `accord verify` prints it.
pub fn text(report: &Report) -> String {
    let mut out = Lines::default();
    if !report.keys_trusted {
        untrusted_keys(report, &mut out);
    }
    if let Some(package) = &report.package {
        package_lines(package, &mut out);
    }
    let found = if report.package.is_some() { "in the package" } else { "next to it" };
    let trust = if report.keys_trusted { None } else { Some(found) };
    for file in &report.files {
        file_lines(file, report, trust, &mut out);
    }
    if let Some(rebuilt) = &report.rebuild {
        rebuild_lines(rebuilt, &mut out);
    }
    out.line(match &report.reason {
        None => format!(
            "OK: {} file(s) match, each with valid signatures by every trusted key",
            report.files.len()
        ),
        Some(reason) => format!("FAILED: {}", visible(reason)),
    });
    out.0
}

/// Text, one line at a time.
#[derive(Default)]
struct Lines(String);

impl Lines {
    fn line(&mut self, text: String) {
        self.0.push_str(&text);
        self.0.push('\n');
    }
}

/// The warning and the full keys to compare, when no trusted key was given.
fn untrusted_keys(report: &Report, out: &mut Lines) {
    let place = if report.package.is_some() { "in the package" } else { "next to the files" };
    out.line(match (report.keys_given, &report.reason) {
        (true, Some(reason)) => format!("NOT TRUSTED: {}.", visible(reason)),
        _ => format!(
            "NOT TRUSTED: no --key or --allowed-signers given, so the public keys found {place} \
             were used."
        ),
    });
    for line in [
        "Whoever could change the files could have replaced them. Compare these public keys",
        "with the ones the signers published, in full, to the last character (a forged key can",
        "begin like the real one), then pass the published keys as trusted keys:",
    ] {
        out.line(line.into());
    }
    if report.keys.is_empty() {
        out.line("  (none found)".into());
    }
    for key in &report.keys {
        let name = key.signer.as_deref().map(visible).unwrap_or("unnamed".into());
        out.line(format!("  {name} (key {}, {})", visible(&key.key_id), visible(&key.source)));
        out.line(format!("    {}", visible(&key.public_key)));
        if key.ssh_public_key != key.public_key {
            out.line(format!("    {}", visible(&key.ssh_public_key)));
        }
    }
}

fn package_lines(package: &PackageReport, out: &mut Lines) {
    let id = package.id.as_deref().map(visible).unwrap_or("?".into());
    let dir = visible(&package.dir);
    let sums = package.sha256sums_signatures.iter().filter(|s| s.status != SignatureStatus::Valid);
    if package.ok {
        let signers = valid_signers(&package.signatures).join(", ");
        let fingerprint = package.fingerprint.as_deref().unwrap_or_default();
        out.line(format!(
            "Package {id} ({dir}), fingerprint {fingerprint}: manifest.json signed by {signers}"
        ));
        if !package.supersedes.is_empty() {
            out.line(format!(
                "  it supersedes the earlier signing(s) {}",
                package.supersedes.join(", ")
            ));
        }
        let others = package.signatures.iter().filter(|s| s.status != SignatureStatus::Valid);
        signature_lines(others.chain(sums), false, out);
    } else {
        out.line(format!("Package {dir} DOES NOT VERIFY:"));
        signature_lines(package.signatures.iter().chain(sums), false, out);
    }
    for missing in &package.missing {
        out.line(format!(
            "  MISSING: no valid signature of manifest.json by {}",
            visible(&missing.describe())
        ));
    }
    for problem in &package.problems {
        out.line(format!("  {}", visible(problem)));
    }
}

/// The lines of one file of `report`; `untrusted` says where the keys in use were found, if
/// they are not trusted.
fn file_lines(file: &FileReport, report: &Report, untrusted: Option<&str>, out: &mut Lines) {
    let path = quoted_name(&file.path);
    let mut what = match (&file.document, &file.role) {
        (Some(document), Some(role)) => format!("{} ({})", visible(document), visible(role)),
        (Some(document), None) => visible(document).into_owned(),
        _ => String::new(),
    };
    let package = file.package_id.as_deref().map(|id| format!(", package {}", visible(id)));
    let package = package.unwrap_or_default();
    let fingerprint = file.fingerprint.as_deref().map(|f| format!(", fingerprint {f}"));
    let signing = format!("{package}{}", fingerprint.unwrap_or_default());
    let valid = file.signatures.iter().any(|s| s.status == SignatureStatus::Valid);
    if what.is_empty() {
        what = "signed bytes (no signature here says which document or role)".to_string();
    }
    out.line(match file.status {
        Status::Match if file.ok => format!("{path}: MATCH {what}{signing}"),
        Status::Match if valid && file.missing.is_empty() && untrusted.is_some() => format!(
            "{path}: NOT TRUSTED: it is {what}{signing}, as signed by keys found {}",
            untrusted.unwrap_or_default()
        ),
        Status::Match => format!(
            "{path}: NOT VERIFIED: its bytes are those of {what}{package}, but its signatures \
             do not all verify"
        ),
        Status::NoMatch => match &file.package_id {
            _ if file.other_signing.is_some() => {
                let other =
                    file.other_signing.as_ref().map(|o| other_signing(o, report, untrusted));
                format!("{path}: NO MATCH: {}", other.unwrap_or_default())
            }
            Some(id) if file.closest.is_none() => format!(
                "{path}: NO MATCH: not identical to any document of package {}",
                visible(id)
            ),
            _ => format!("{path}: NO MATCH"),
        },
        Status::Unverified => format!("{path}: NOT VERIFIED"),
    });
    if let Some(c) = &file.certifies {
        out.line(format!(
            "  a certified true copy of {} (package {}, fingerprint {}), certified by {} on {}",
            visible(&c.original),
            visible(&c.package_id),
            c.fingerprint,
            visible(&c.certifier),
            visible(&c.date)
        ));
        if let Some(checked) = &c.original_text {
            original_lines(checked, &c.original, out);
        }
    }
    if let Some(closest) = &file.closest {
        closest_lines(closest, file.other_signing.is_some(), out);
    }
    signature_lines(&file.signatures, true, out);
    for missing in &file.missing {
        out.line(format!("  MISSING: no valid signature by {}", visible(&missing.describe())));
    }
    for problem in &file.problems {
        out.line(format!("  {}", visible(problem)));
    }
}

/// What a certified copy's text is against the original it certifies (`--original`).
fn original_lines(checked: &OriginalText, original: &str, out: &mut Lines) {
    let (original, package) = (visible(original), visible(&checked.package));
    match &checked.problem {
        Some(problem) => out.line(format!("  NOT THE ORIGINAL'S: {}", visible(problem))),
        None if checked.same_text => out.line(format!(
            "  its text is word for word that of {original} in {package}, which verifies with \
             the trusted keys of its signers"
        )),
        None => {
            let count = checked.differences.len() + checked.more_differences;
            out.line(format!(
                "  NOT THE ORIGINAL'S TEXT: it differs from {original} in {package} in {count} \
                 place(s):"
            ));
            difference_lines(&checked.differences, checked.more_differences, out);
        }
    }
}

/// Each document rebuilt from the config: reproduced exactly, or why not.
fn rebuild_lines(rebuilt: &RebuildReport, out: &mut Lines) {
    out.line(format!(
        "Rebuilt from {} with accord {} (typst {}):",
        visible(&rebuilt.config),
        env!("CARGO_PKG_VERSION"),
        TYPST_VERSION
    ));
    for input in &rebuilt.inputs {
        out.line(format!("  {}", visible(input)));
    }
    for doc in &rebuilt.documents {
        let what = format!("{} ({})", visible(&doc.document), visible(&doc.role));
        match &doc.reason {
            None => out.line(format!("  {what}: reproduced exactly")),
            Some(reason) => out.line(format!("  {what}: NOT REPRODUCED: {}", visible(reason))),
        }
        difference_lines(&doc.differences, doc.more_differences, out);
    }
}

/// The differences of a text, one a line.
fn difference_lines(differences: &[Difference], more: usize, out: &mut Lines) {
    for d in differences {
        out.line(format!(
            "    {}: \"{}\" → \"{}\"",
            visible(&d.where_),
            visible(&d.before),
            visible(&d.after)
        ));
    }
    if more > 0 {
        out.line(format!("    … and {more} more difference(s)"));
    }
}

/// What a document of another signing or package is, said plainly (after "NO MATCH: ").
fn other_signing(other: &OtherSigning, report: &Report, untrusted: Option<&str>) -> String {
    let what = match untrusted {
        None => "a genuine document".to_string(),
        Some(place) => format!("a document, as signed by keys found {place} (not trusted),"),
    };
    let package = visible(&other.package_id);
    let signing = match &other.fingerprint {
        Some(fingerprint) => format!("fingerprint {fingerprint}"),
        None => "signed before accord wrote fingerprints".to_string(),
    };
    let this = report.package.as_ref();
    let this_package = this.and_then(|p| p.id.as_deref());
    if let Some(by) = &other.superseded_by {
        return format!(
            "{what} of an earlier signing of {package} ({signing}), superseded by this package \
             (fingerprint {by}); only the documents of this package are current"
        );
    }
    if this_package.is_some_and(|id| id != other.package_id) {
        let id = visible(this_package.unwrap_or_default());
        return format!("{what} of package {package} ({signing}), not of package {id}");
    }
    match (&report.expected_fingerprint, this.and_then(|p| p.fingerprint.as_deref())) {
        (Some(expected), _) if other.fingerprint.as_ref() != Some(expected) => format!(
            "{what} of another signing of {package} ({signing}), not the one you expect \
             ({expected})"
        ),
        (_, Some(current)) => format!(
            "{what} of another signing of {package} ({signing}), not of this package \
             (fingerprint {current})"
        ),
        _ => format!("{what} of package {package} ({signing})"),
    }
}

/// What a copy that is no signed document of the package is: re-saved, changed where, looking
/// different where, or a signed document with later revisions; `other` when it is a document
/// of another signing.
fn closest_lines(closest: &Closest, other: bool, out: &mut Lines) {
    let doc = format!("{} ({})", visible(&closest.document), visible(&closest.role));
    if other {
        match closest.differences.is_empty() {
            true => out.line(format!("  its text is that of {doc} of this package")),
            false => out.line(format!("  its text differs from that of {doc} of this package:")),
        }
        difference_lines(&closest.differences, closest.more_differences, out);
        return;
    }
    if let Some(later) = &closest.later_revisions {
        let adds: Vec<_> = later.adds.iter().map(|a| visible(a)).collect();
        let plural = if later.revisions == 1 { "revision that adds" } else { "revisions that add" };
        out.line(format!(
            "  it is the signed {doc}, byte for byte, followed by {} later {plural}: {}",
            later.revisions,
            adds.join(", ")
        ));
        out.line(format!(
            "  The signed part is its first {} bytes (head -c {} gives it; check that file). The \
             whole file is not a signed document.",
            later.signed_bytes, later.signed_bytes
        ));
        return;
    }
    let seen = match closest.observations.as_slice() {
        [] => String::new(),
        seen => format!(" What can be seen: {}.", visible(&seen.join("; "))),
    };
    let resaved = format!(
        "it is not the signed file: it was re-saved or converted by another program.{seen} \
         Only the signed file can be verified; ask for it."
    );
    if closest.same_text {
        out.line(format!("  its text is word for word that of {doc}, but {resaved}"));
        return;
    }
    let looks = looks_lines(closest);
    if closest.differences.is_empty() && closest.damaged_text_layer.is_none() {
        out.line(format!(
            "  its text layer reads word for word as {doc}, but the copy does not look the same:"
        ));
        looks.into_iter().for_each(|line| out.line(line));
        out.line("  It is not a signed document.".into());
        return;
    }
    if let Some(damage) = &closest.damaged_text_layer {
        out.line(format!("  {}", visible(damage)));
        if closest.differences.is_empty() && looks.is_empty() {
            out.line(format!("  It is {doc} as far as can be read, but {resaved}"));
            return;
        }
    }
    out.line(format!("  its text differs from that of {doc}, the closest signed document:"));
    difference_lines(&closest.differences, closest.more_differences, out);
    looks.into_iter().for_each(|line| out.line(line));
    out.line("  It is not a signed document: its text was changed.".into());
}

/// How a copy's pages differ from the signed document's, one a line.
fn looks_lines(closest: &Closest) -> Vec<String> {
    let mut out = Vec::new();
    let (signed, copy) = (closest.pages.signed, closest.pages.copy);
    if copy > signed {
        out.push(format!("    it has {} page(s) more ({copy}, not {signed})", copy - signed));
    } else if copy < signed {
        out.push(format!("    it has {} page(s) fewer ({copy}, not {signed})", signed - copy));
    }
    for page in &closest.looks_different {
        out.push(format!("    page {} looks different: {}", page.page, visible(&page.where_)));
    }
    for added in &closest.added {
        out.push(format!("    it adds {}", visible(added)));
    }
    out
}

fn valid_signers(signatures: &[SignatureReport]) -> Vec<String> {
    let mut signers: Vec<String> = signatures
        .iter()
        .filter(|s| s.status == SignatureStatus::Valid)
        .map(|s| {
            let name = s.signer.as_deref().map(visible).unwrap_or("?".into());
            format!("{name} (key {})", visible(&s.key_id))
        })
        .collect();
    signers.dedup();
    signers
}

/// One line per signature, and one for all those by each key not in use.
fn signature_lines<'a>(
    signatures: impl IntoIterator<Item = &'a SignatureReport>,
    comments: bool,
    out: &mut Lines,
) {
    let mut unknown: Vec<(&str, Vec<&str>)> = Vec::new();
    for s in signatures {
        if s.status == SignatureStatus::UnknownKey {
            match unknown.iter_mut().find(|(key, _)| *key == s.key_id) {
                Some((_, files)) => files.push(&s.file),
                None => unknown.push((&s.key_id, vec![&s.file])),
            }
            continue;
        }
        let file = visible(&s.file);
        let key = visible(&s.key_id);
        let reason = visible(s.reason.as_deref().unwrap_or_default());
        out.line(match s.status {
            SignatureStatus::Valid => {
                let signer = s.signer.as_deref().map(visible).unwrap_or("unnamed signer".into());
                format!("  valid signature by {signer} (key {key}, {file})")
            }
            SignatureStatus::Invalid => format!("  INVALID signature {file} (key {key}): {reason}"),
            SignatureStatus::UnknownKey => continue,
            SignatureStatus::Malformed => {
                format!("  not counted: {file} is not a signature: {reason}")
            }
            SignatureStatus::OtherFile | SignatureStatus::WrongPrincipal => {
                format!("  not counted: {file}: {reason}")
            }
        });
        if let (true, Some(comment)) = (comments, &s.trusted_comment) {
            out.line(format!("    trusted comment: {}", visible(comment)));
        }
    }
    for (key, files) in unknown {
        let files: Vec<_> = files.iter().map(|f| visible(f)).collect();
        out.line(format!(
            "  not counted: signed also by key {}, which is not one of the keys in use ({})",
            visible(key),
            files.join(", ")
        ));
    }
}

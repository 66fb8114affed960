//! A signer: a display name and an unlocked secret key, and the signatures it makes.

use std::path::Path;

use crate::attestation::{Attestation, Certifies};
use crate::chars::{composed, text_problem, visible};
use crate::digest::FileDigest;
use crate::error::{Error, Result};
use crate::fingerprint::Fingerprint;
use crate::minisign::{PublicKey, SecretKey};
use crate::package::layout::{
    signature_file_name, ssh_signature_file_name, PUB_SUFFIX, SSH_NAMESPACE,
};
use crate::sshsig::{self, SshPublicKey};

/// A file to sign: its name in the package, its digest, its role, the package id and the
/// package's fingerprint.
#[derive(Clone, Copy)]
pub struct ToSign<'a> {
    /// File name in the package.
    pub file: &'a str,
    /// Its digest.
    pub digest: &'a FileDigest,
    /// Its role (what the trusted comment attests).
    pub role: &'a str,
    /// The package id.
    pub package: &'a str,
    /// The package's fingerprint.
    pub fingerprint: &'a Fingerprint,
    /// What the file certifies, when it is a certified true copy.
    pub certifies: Option<&'a Certifies>,
}

/// Longest signer name accepted.
const SIGNER_NAME_MAX: usize = 200;
/// Longest file-name form of a signer name.
const SLUG_MAX: usize = 64;

/// A signer: a display name and an unlocked secret key.
pub struct Signer {
    name: String,
    key: SecretKey,
}

impl Signer {
    /// A signer; the name follows the rules of config values (one line of visible text), and
    /// is its key's principal in `allowed_signers`, as `ssh-keygen -Y verify -I NAME` checks it.
    pub fn new(name: &str, key: SecretKey) -> Result<Self> {
        let name = composed(name.trim());
        let problem = match text_problem(&name) {
            Some(problem) => Some(problem),
            None if name.is_empty() => Some("is empty".to_string()),
            None if name.len() > SIGNER_NAME_MAX => {
                Some(format!("is longer than {SIGNER_NAME_MAX} bytes"))
            }
            None => sshsig::check_principal(&name).err().map(|why| {
                format!(
                    "cannot name its key in an OpenSSH allowed_signers file (ssh-keygen -Y verify \
                     -I NAME): {why}"
                )
            }),
        };
        match problem {
            Some(problem) => Err(Error::usage(format!(
                "the signer name \"{}\" {problem} (give another with --signer)",
                visible(&name)
            ))),
            None => Ok(Self { name, key }),
        }
    }

    /// The signer's name as given.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The signer's public key.
    pub fn public_key(&self) -> PublicKey {
        self.key.public_key()
    }

    /// The name used in file names: lowercase ASCII letters, digits and hyphens.
    pub fn slug(&self) -> String {
        let mut slug = String::new();
        for c in self.name.chars() {
            if c.is_ascii_alphanumeric() {
                slug.push(c.to_ascii_lowercase());
            } else if !slug.is_empty() && !slug.ends_with('-') {
                slug.push('-');
            }
        }
        slug.truncate(SLUG_MAX);
        match slug.trim_end_matches('-') {
            "" => format!("key-{}", self.key.key_id().to_string().to_ascii_lowercase()),
            // `DOC.minisig.minisig` would read as the signature of `DOC.minisig`.
            slug @ ("minisig" | "sshsig") => format!("{slug}-signer"),
            slug => slug.to_string(),
        }
    }

    /// The name of this signer's public key file in a package, `SLUG.pub`.
    pub fn key_file(&self) -> String {
        format!("{}{PUB_SUFFIX}", self.slug())
    }

    /// Signs `signed`, writing `FILE[.SLUG].minisig` and `FILE[.SLUG].sshsig` into `dir` with
    /// `write` (`slug`: a co-signer's); returns the names of the files written.
    pub fn sign_file(
        &self,
        dir: &Path,
        signed: ToSign<'_>,
        slug: Option<&str>,
        write: fn(&Path, &[u8]) -> Result<()>,
    ) -> Result<[String; 2]> {
        let minisig = signature_file_name(signed.file, slug);
        let text = self.sign(signed, &minisig)?;
        write(&dir.join(&minisig), text.as_bytes())?;
        let sshsig = ssh_signature_file_name(signed.file, slug);
        let text = sshsig::sign(self.key.signing_key(), SSH_NAMESPACE, &signed.digest.sha512)?;
        write(&dir.join(&sshsig), text.as_bytes())?;
        Ok([minisig, sshsig])
    }

    /// The `allowed_signers` line of this signer: its name, which its trusted comments
    /// attest, as principal.
    pub fn allowed_signers_line(&self) -> Result<String> {
        let key = SshPublicKey::from(self.public_key().key);
        sshsig::allowed_signer_line(&self.name, SSH_NAMESPACE, &key)
    }

    /// The text of `sig_file`: the minisign signature of `signed`.
    fn sign(&self, signed: ToSign<'_>, sig_file: &str) -> Result<String> {
        let ToSign { file, digest, .. } = signed;
        let attestation = Attestation {
            file: file.to_string(),
            sha256: digest.sha256_hex(),
            role: signed.role.to_string(),
            package: signed.package.to_string(),
            fingerprint: Some(signed.fingerprint.clone()),
            signer: self.name.clone(),
            certifies: signed.certifies.cloned(),
        };
        let untrusted = format!(
            "accord signature, key {}; check with: minisign -Vm {file} -x {sig_file} -p {}",
            self.key.key_id(),
            self.key_file()
        );
        let signature =
            self.key.sign(&digest.blake2b512, &untrusted, &attestation.to_comment()?)?;
        Ok(signature.to_file())
    }
}

#[cfg(test)]
mod tests {
    use super::Signer;
    use crate::minisign::{KeyId, SecretKey};

    fn signer(name: &str) -> Signer {
        Signer::new(name, SecretKey::from_seed(KeyId([1, 2, 3, 4, 5, 6, 7, 8]), &[9; 32])).unwrap()
    }

    #[test]
    fn slugs_are_safe_file_names() {
        assert_eq!(signer("Alice").slug(), "alice");
        assert_eq!(signer("  Dr. Zoë O'Brien (IOM) ").slug(), "dr-zo-o-brien-iom");
        assert_eq!(signer("李").slug(), "key-0807060504030201");
        assert_eq!(signer("Minisig").slug(), "minisig-signer");
        assert_eq!(signer("SSHSIG").slug(), "sshsig-signer");
        assert!(Signer::new("a\nb", SecretKey::generate().unwrap()).is_err());
        for bad in ["Smith, John", "Dr. \"Q\"", "*", "a?", "!alice"] {
            let err = Signer::new(bad, SecretKey::generate().unwrap()).err().unwrap();
            assert!(err.message.contains("cannot name its key in an OpenSSH"), "{err}");
        }
        let line = signer("Dr. Zoë O'Brien").allowed_signers_line().unwrap();
        assert!(line.starts_with("\"Dr. Zoë O'Brien\" namespaces=\"accord\" ssh-ed25519 "));
        assert!(Signer::new(" ", SecretKey::generate().unwrap()).is_err());
        for bad in ["a\u{2028}b", "Alice\u{202e}", "x\u{1b}[2K"] {
            let err = Signer::new(bad, SecretKey::generate().unwrap()).err().unwrap();
            assert!(err.message.contains("(give another with --signer)"), "{err}");
            assert!(!err.message.contains('\u{1b}') && !err.message.contains('\u{202e}'));
        }
    }
}

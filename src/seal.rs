//! Sealing a staged package: signatures, `SHA256SUMS` and the manifest; co-signing a sealed
//! package; and the signer's key and passphrase handling both need.
//!
//! A sealed package directory holds, besides the PDFs:
//!
//! | file | what |
//! |---|---|
//! | `DOC.pdf.minisig` | signature by the signer who built the package |
//! | `DOC.pdf.SIGNER.minisig` | signature by co-signer `SIGNER` (`accord sign`) |
//! | `manifest.json` | [`crate::manifest`]; written once, never rewritten |
//! | `manifest.json.minisig`, `manifest.json.SIGNER.minisig` | signatures of the manifest |
//! | `SIGNER.pub` | public key of each signer (untrusted: anyone can swap it) |
//! | `SHA256SUMS` | `sha256sum -c` list of the PDFs |
//!
//! `SIGNER` is the signer's name reduced to lowercase ASCII letters, digits and hyphens, never
//! containing a dot, so `DOC.pdf.SIGNER.minisig` cannot be mistaken for the signature of
//! another file. Stock minisign checks every signature: `minisign -Vm DOC.pdf -p SIGNER.pub`
//! for the builder's, `minisign -Vm DOC.pdf -x DOC.pdf.SIGNER.minisig -p SIGNER.pub` for a
//! co-signer's. Because co-signers never rewrite the manifest, the builder's signature stays
//! valid; verification finds co-signatures by scanning for `*.minisig` files and matches them
//! to keys by key id, so file names are only a convention. Each trusted comment says which
//! file, hash, role, package and signer the signature is for (see [`comment`]).
//!
//! [`seal`] writes into the private staging directory of a build, which is flushed to disk as
//! a whole and published with one rename, so plain writes suffice there; every file added to
//! a published package is written atomically ([`write_atomic`]): a crash leaves the old file
//! or the new one, never a torn one. A co-signer writes the manifest signature after the
//! documents' and the public key last, so an interrupted `accord sign` never passes for a
//! complete co-signature, and running it again finishes the job.

pub mod comment;
pub mod verify;

use std::collections::BTreeSet;
use std::fs::{self, File, OpenOptions};
use std::io::{Read as _, Write as _};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use blake2::Blake2b512;
use sha2::{Digest as _, Sha256};
use zeroize::Zeroizing;

use crate::cli::PassphraseArgs;
use crate::error::{Error, Result};
use crate::manifest::{self, FileEntry, Manifest, SignatureEntry, SignerEntry, Template};
use crate::minisign::{PublicKey, SecretKey, SecretKeyFile, Signature};
use crate::package::{write_staged, Document, Provenance};
use comment::Attestation;

/// Environment variable holding the secret key's passphrase (after `--passphrase-file`).
pub const PASSPHRASE_ENV: &str = "ACCORD_PASSPHRASE";
/// Name of the checksum list in a package.
pub const SHA256SUMS: &str = "SHA256SUMS";
/// Suffix of signature files.
pub const SIG_SUFFIX: &str = ".minisig";
/// Suffix of public key files.
pub const PUB_SUFFIX: &str = ".pub";
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
    /// A signer; the name must be one printable line.
    pub fn new(name: &str, key: SecretKey) -> Result<Self> {
        let name = name.trim();
        if name.is_empty() || name.chars().any(char::is_control) || name.len() > SIGNER_NAME_MAX {
            return Err(Error::usage(format!(
                "signer name {name:?} must be one line of at most {SIGNER_NAME_MAX} bytes"
            )));
        }
        Ok(Self { name: name.to_string(), key })
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
            "minisig" => "minisig-signer".to_string(),
            slug => slug.to_string(),
        }
    }

    /// The text of `sig_file`: a signature of `file` (given its digest) as `role` in `package`.
    fn sign(
        &self,
        file: &str,
        sig_file: &str,
        digest: &FileDigest,
        role: &str,
        package: &str,
    ) -> Result<String> {
        let attestation = Attestation {
            file: file.to_string(),
            sha256: hex(&digest.sha256),
            role: role.to_string(),
            package: package.to_string(),
            signer: self.name.clone(),
        };
        let untrusted = format!(
            "accord signature, key {}; check with: minisign -Vm {file} -x {sig_file} -p {}.pub",
            self.key.key_id(),
            self.slug()
        );
        let signature =
            self.key.sign(&digest.blake2b512, &untrusted, &attestation.to_comment()?)?;
        Ok(signature.to_file())
    }
}

/// Loads and unlocks a secret key; the signer's name defaults to the key file's stem.
///
/// Refuses key files that group or others can access (exit 2), like ssh does. The passphrase
/// of an encrypted key comes from `--passphrase-file`, `ACCORD_PASSPHRASE` or a prompt.
pub fn load_signer(key_path: &Path, name: Option<&str>, pass: &PassphraseArgs) -> Result<Signer> {
    let metadata =
        fs::metadata(key_path).map_err(|err| Error::io("read secret key", key_path, err))?;
    if metadata.is_dir() {
        return Err(Error::usage(format!(
            "{} is a directory, not a secret key",
            key_path.display()
        )));
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        let mode = metadata.permissions().mode() & 0o777;
        if mode & 0o077 != 0 {
            return Err(Error::usage(format!(
                "secret key {0} is accessible by group or others (mode {mode:o}); \
                 restrict it with: chmod 600 {0}",
                key_path.display()
            )));
        }
    }
    let bytes = Zeroizing::new(
        fs::read(key_path).map_err(|err| Error::io("read secret key", key_path, err))?,
    );
    let origin = key_path.display().to_string();
    let file = SecretKeyFile::parse(&bytes, &origin)?;
    let key = if file.is_encrypted() {
        let passphrase = passphrase(pass, &format!("Passphrase for {origin}: "), false)?;
        eprintln!("Decrypting {origin} (scrypt, 1 GiB of memory)...");
        file.unlock(Some(passphrase.as_bytes()))?
    } else {
        file.unlock(None)?
    };
    let stem = key_path.file_stem().map(|stem| stem.to_string_lossy().into_owned());
    let name = name.map(str::to_string).or(stem).unwrap_or_default();
    Signer::new(&name, key)
}

/// The passphrase from `--passphrase-file` (first line), `ACCORD_PASSPHRASE` or a prompt
/// (asked twice and required non-empty when `confirm`, i.e. for a new key).
pub fn passphrase(pass: &PassphraseArgs, prompt: &str, confirm: bool) -> Result<Zeroizing<String>> {
    let passphrase = if let Some(path) = &pass.passphrase_file {
        let text = Zeroizing::new(
            fs::read_to_string(path).map_err(|err| Error::io("read passphrase file", path, err))?,
        );
        Zeroizing::new(text.lines().next().unwrap_or_default().to_string())
    } else if let Some(value) = std::env::var_os(PASSPHRASE_ENV) {
        Zeroizing::new(
            value
                .into_string()
                .map_err(|_| Error::usage(format!("{PASSPHRASE_ENV} is not valid UTF-8")))?,
        )
    } else {
        let ask = |prompt: &str| {
            rpassword::prompt_password(prompt).map(Zeroizing::new).map_err(|err| {
                Error::usage(format!(
                    "cannot read the passphrase from the terminal ({err}); \
                     use --passphrase-file or {PASSPHRASE_ENV}"
                ))
            })
        };
        let first = ask(prompt)?;
        if confirm && *ask("Passphrase (again): ")? != *first {
            return Err(Error::usage("the two passphrases differ"));
        }
        first
    };
    if confirm && passphrase.is_empty() {
        return Err(Error::usage("empty passphrase (use --unencrypted for a key without one)"));
    }
    Ok(passphrase)
}

/// Signs the documents staged in `dir` and writes their signatures, `SIGNER.pub`,
/// `SHA256SUMS`, `manifest.json` and `manifest.json.minisig` there.
///
/// The PDFs must already be in `dir`; what is signed is what is on disk, which must equal
/// `doc.pdf`.
pub fn seal(dir: &Path, docs: &[Document], prov: &Provenance, signer: &Signer) -> Result<()> {
    let slug = signer.slug();
    let key_file = format!("{slug}{PUB_SUFFIX}");
    let mut names = BTreeSet::new();
    for doc in docs {
        let name = doc.file_name.as_str();
        let reserved = name == manifest::FILE_NAME
            || name == SHA256SUMS
            || name.ends_with(SIG_SUFFIX)
            || name.ends_with(PUB_SUFFIX);
        if !manifest::is_plain_name(name) || reserved || !names.insert(name) {
            return Err(Error::usage(format!("cannot seal a document named {name:?}")));
        }
    }
    let public_key = signer.public_key();
    let key_id = public_key.key_id.to_string();
    let mut files = Vec::with_capacity(docs.len());
    let mut sums = Vec::with_capacity(docs.len());
    for doc in docs {
        let path = dir.join(&doc.file_name);
        let bytes = fs::read(&path).map_err(|err| Error::io("read", &path, err))?;
        if bytes != doc.pdf {
            return Err(Error::usage(format!(
                "{} differs from the document that was typeset",
                path.display()
            )));
        }
        let digest = FileDigest::of_bytes(&bytes);
        let sig_file = signature_file_name(&doc.file_name, None);
        let signature =
            signer.sign(&doc.file_name, &sig_file, &digest, &doc.role, &prov.package_id)?;
        write_staged(&dir.join(&sig_file), signature.as_bytes())?;
        sums.push((doc.file_name.clone(), hex(&digest.sha256)));
        files.push(FileEntry {
            name: doc.file_name.clone(),
            role: doc.role.clone(),
            size: digest.size,
            pages: doc.pages,
            sha256: hex(&digest.sha256),
            signatures: vec![SignatureEntry {
                signer: signer.name.clone(),
                key_id: key_id.clone(),
                signature_file: sig_file,
            }],
        });
    }
    write_staged(&dir.join(&key_file), public_key.to_file().as_bytes())?;
    sums.sort();
    let sums: String = sums.iter().map(|(name, sha256)| format!("{sha256}  {name}\n")).collect();
    write_staged(&dir.join(SHA256SUMS), sums.as_bytes())?;
    let manifest = Manifest {
        format: manifest::FORMAT.to_string(),
        package: prov.package_id.clone(),
        accord_version: env!("CARGO_PKG_VERSION").to_string(),
        typst_version: crate::typeset::TYPST_VERSION.to_string(),
        config_sha256: prov.config_sha256.clone(),
        templates: prov
            .templates
            .iter()
            .map(|(name, sha256)| Template { name: name.clone(), sha256: sha256.clone() })
            .collect(),
        signers: vec![SignerEntry {
            name: signer.name.clone(),
            key_id,
            public_key: public_key.to_base64(),
            public_key_file: key_file,
        }],
        files,
    };
    let bytes = manifest.to_bytes()?;
    write_staged(&dir.join(manifest::FILE_NAME), &bytes)?;
    let sig_file = signature_file_name(manifest::FILE_NAME, None);
    let digest = FileDigest::of_bytes(&bytes);
    let signature =
        signer.sign(manifest::FILE_NAME, &sig_file, &digest, manifest::ROLE, &prov.package_id)?;
    write_staged(&dir.join(sig_file), signature.as_bytes())
}

/// Adds `signer`'s signatures to the sealed package in `dir` without touching its PDFs or
/// manifest; returns the names of the files written.
///
/// Refuses (exit 1) when the package is incomplete, a PDF no longer matches the manifest, an
/// existing signature is invalid, this key already signed, or another signer uses the name.
pub fn cosign(dir: &Path, signer: &Signer) -> Result<Vec<String>> {
    let listing = verify::Listing::read(dir)?;
    if !listing.contains(manifest::FILE_NAME) {
        return Err(Error::failed(format!(
            "{} is not a complete package: it has no {}",
            dir.display(),
            manifest::FILE_NAME
        )));
    }
    let manifest_path = dir.join(manifest::FILE_NAME);
    let manifest_bytes =
        fs::read(&manifest_path).map_err(|err| Error::io("read", &manifest_path, err))?;
    let manifest = Manifest::parse(&manifest_bytes, &manifest_path)?;
    if let Some(file) = manifest.files.iter().find(|file| !listing.contains(&file.name)) {
        return Err(Error::failed(format!(
            "refusing to co-sign {}: {} is missing",
            dir.display(),
            file.name
        )));
    }
    // What to sign: every document, then the manifest (its signature marks completion).
    let mut planned = Vec::with_capacity(manifest.files.len() + 1);
    for file in &manifest.files {
        let digest = FileDigest::of_file(&dir.join(&file.name))?;
        if hex(&digest.sha256) != file.sha256 {
            return Err(Error::failed(format!(
                "refusing to co-sign {}: {} no longer matches {} (sha256 {}, expected {})",
                dir.display(),
                file.name,
                manifest::FILE_NAME,
                hex(&digest.sha256),
                file.sha256
            )));
        }
        planned.push((file.name.as_str(), file.role.as_str(), digest));
    }
    planned.push((manifest::FILE_NAME, manifest::ROLE, FileDigest::of_bytes(&manifest_bytes)));
    let documents: Vec<PathBuf> = manifest.files.iter().map(|file| dir.join(&file.name)).collect();
    let report = verify::verify(&documents, Some(dir), &[])?;
    if !report.ok {
        return Err(Error::failed(format!(
            "refusing to co-sign {}, it does not verify:\n  {}",
            dir.display(),
            report.failures().join("\n  ")
        )));
    }
    let key_id = signer.public_key().key_id;
    if report.keys.iter().any(|key| key.key_id == key_id.to_string()) {
        return Err(Error::failed(format!(
            "{} (key {key_id}) has already signed {}",
            signer.name,
            dir.display()
        )));
    }
    let slug = signer.slug();
    let key_file = format!("{slug}{PUB_SUFFIX}");
    if listing.contains(&key_file) {
        return Err(Error::failed(format!(
            "{} already has a signer named {slug} ({key_file}); choose another --signer",
            dir.display()
        )));
    }
    // Files left by an interrupted run of this signer are redone; anyone else's are kept.
    for (file, _, _) in &planned {
        let name = signature_file_name(file, Some(&slug));
        if listing.contains(&name) {
            let path = dir.join(name);
            let bytes = fs::read(&path).map_err(|err| Error::io("read", &path, err))?;
            if Signature::parse(&bytes, &path.display().to_string())?.key_id != key_id {
                return Err(Error::failed(format!(
                    "{} exists and was made by another key; choose another --signer",
                    path.display()
                )));
            }
        }
    }
    let mut written = Vec::with_capacity(planned.len() + 1);
    for (file, role, digest) in &planned {
        let name = signature_file_name(file, Some(&slug));
        let signature = signer.sign(file, &name, digest, role, &manifest.package)?;
        write_atomic(&dir.join(&name), signature.as_bytes())?;
        written.push(name);
    }
    write_atomic(&dir.join(&key_file), signer.public_key().to_file().as_bytes())?;
    written.push(key_file);
    Ok(written)
}

/// `FILE.minisig` for the builder (`slug` = None), `FILE.SLUG.minisig` for a co-signer.
pub fn signature_file_name(file: &str, slug: Option<&str>) -> String {
    match slug {
        Some(slug) => format!("{file}.{slug}{SIG_SUFFIX}"),
        None => format!("{file}{SIG_SUFFIX}"),
    }
}

/// Size, SHA-256 and BLAKE2b-512 (minisign's prehash) of a file, computed in one pass.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileDigest {
    /// Size in bytes.
    pub size: u64,
    /// SHA-256.
    pub sha256: [u8; 32],
    /// BLAKE2b-512.
    pub blake2b512: [u8; 64],
}

impl FileDigest {
    /// Digest of bytes in memory.
    pub fn of_bytes(bytes: &[u8]) -> Self {
        Self {
            size: bytes.len() as u64,
            sha256: Sha256::digest(bytes).into(),
            blake2b512: Blake2b512::digest(bytes).into(),
        }
    }

    /// Digest of a file, read as a stream (I/O errors, including directories: exit 2).
    pub fn of_file(path: &Path) -> Result<Self> {
        let read = |err| Error::io("read", path, err);
        let mut file = File::open(path).map_err(read)?;
        let mut sha256 = Sha256::new();
        let mut blake2b = Blake2b512::new();
        let mut size = 0u64;
        let mut buffer = vec![0u8; 1 << 16];
        loop {
            let n = match file.read(&mut buffer) {
                Ok(0) => break,
                Ok(n) => n,
                Err(err) if err.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(err) => return Err(read(err)),
            };
            sha256.update(&buffer[..n]);
            blake2b.update(&buffer[..n]);
            size += n as u64;
        }
        Ok(Self { size, sha256: sha256.finalize().into(), blake2b512: blake2b.finalize().into() })
    }
}

/// Lowercase hex.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Writes `bytes` to `path` atomically: a temporary file in the same directory is written,
/// fsynced and renamed over `path`, then the directory is fsynced.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let name = path
        .file_name()
        .ok_or_else(|| Error::usage(format!("cannot write {}: not a file path", path.display())))?;
    let dir = match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
    let temp = dir.join(format!(
        ".{}.{}-{}.tmp",
        name.to_string_lossy(),
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    ));
    let result = (|| {
        let mut file = OpenOptions::new().write(true).create_new(true).open(&temp)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        drop(file);
        fs::rename(&temp, path)?;
        sync_dir(dir)
    })();
    result.map_err(|err| {
        // Best effort: the temporary file may already be gone (renamed) or never created.
        let _ = fs::remove_file(&temp);
        Error::io("write", path, err)
    })
}

/// Makes a rename in `dir` durable.
fn sync_dir(dir: &Path) -> std::io::Result<()> {
    #[cfg(unix)]
    File::open(dir)?.sync_all()?;
    #[cfg(not(unix))]
    let _ = dir;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::minisign::KeyId;

    fn signer(name: &str) -> Signer {
        Signer::new(name, SecretKey::from_seed(KeyId([1, 2, 3, 4, 5, 6, 7, 8]), &[9; 32])).unwrap()
    }

    #[test]
    fn slugs_are_safe_file_names() {
        assert_eq!(signer("Alice").slug(), "alice");
        assert_eq!(signer("  Dr. Zoë O'Brien (IOM) ").slug(), "dr-zo-o-brien-iom");
        assert_eq!(signer("李").slug(), "key-0807060504030201");
        assert_eq!(signer("Minisig").slug(), "minisig-signer");
        assert!(Signer::new("a\nb", SecretKey::generate().unwrap()).is_err());
        assert!(Signer::new(" ", SecretKey::generate().unwrap()).is_err());
    }

    #[test]
    fn signature_names() {
        assert_eq!(signature_file_name("a.pdf", None), "a.pdf.minisig");
        assert_eq!(signature_file_name("a.pdf", Some("bob")), "a.pdf.bob.minisig");
    }

    #[test]
    fn digest_of_file_matches_digest_of_bytes() {
        let dir = std::env::temp_dir().join(format!("accord-seal-digest-{}", std::process::id()));
        fs::create_dir_all(&dir).unwrap();
        let path = dir.join("f");
        let bytes: Vec<u8> = (0..200_000u32).map(|i| (i % 251) as u8).collect();
        write_atomic(&path, &bytes).unwrap();
        assert_eq!(FileDigest::of_file(&path).unwrap(), FileDigest::of_bytes(&bytes));
        assert_eq!(
            hex(&FileDigest::of_bytes(b"abc").sha256),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        let err = FileDigest::of_file(&dir).unwrap_err();
        assert_eq!(err.code, 2);
        assert!(err.message.contains("Is a directory"), "{err}");
        assert_eq!(fs::read_dir(&dir).unwrap().count(), 1, "no temporary files left");
        fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn wrong_passphrase_and_loose_permissions_are_refused() {
        let dir = std::env::temp_dir().join(format!("accord-seal-load-{}", std::process::id()));
        fs::create_dir_all(&dir).unwrap();
        let key = SecretKey::generate().unwrap();
        let kdf =
            crate::minisign::KdfParams { salt: [3; 32], opslimit: 1 << 16, memlimit: 1 << 22 };
        let text = key.to_file("c", Some((b"right", &kdf))).unwrap();
        let key_path = dir.join("alice.key");
        fs::write(&key_path, text.as_bytes()).unwrap();
        let pass_path = dir.join("pass");
        let pass = PassphraseArgs { passphrase_file: Some(pass_path.clone()) };
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt as _;
            fs::set_permissions(&key_path, fs::Permissions::from_mode(0o640)).unwrap();
            fs::write(&pass_path, "right\n").unwrap();
            let err = load_signer(&key_path, None, &pass).err().unwrap();
            assert_eq!(err.code, 2);
            assert!(err.message.contains("chmod 600"), "{err}");
            fs::set_permissions(&key_path, fs::Permissions::from_mode(0o600)).unwrap();
        }
        fs::write(&pass_path, "wrong\nright\n").unwrap();
        let err = load_signer(&key_path, None, &pass).err().unwrap();
        assert_eq!(err.code, 2);
        assert!(err.message.starts_with("wrong passphrase for "), "{err}");
        fs::write(&pass_path, "right\r\n").unwrap();
        let signer = load_signer(&key_path, None, &pass).unwrap();
        assert_eq!(signer.name(), "alice");
        assert_eq!(signer.public_key(), key.public_key());
        fs::remove_dir_all(&dir).unwrap();
    }
}

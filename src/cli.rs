//! Command-line interface: the argument definitions only, importing nothing from the crate
//! (dispatch lives in `commands`).

use std::net::IpAddr;
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

const AFTER_HELP: &str = "\
Exit codes:
  0  success
  1  a check or verification failed (config not signature-ready, copy does not match, bad signature)
  2  usage or I/O error (bad arguments, unreadable or malformed file)";

const VERIFY_HELP: &str = "\
Only trusted keys make a copy pass: pass the signers' published public keys with --key or
--allowed-signers. Without them, verify still says which document a copy is and shows the full
public keys found in the package to compare with the published ones, but exits 1.

Exit codes:
  0  every file matches a signed document, with valid signatures by every trusted key
  1  a file does not match, a signature is missing or invalid, or no trusted key was given
  2  usage or I/O error (bad arguments, unreadable or malformed file, two keys with one key id)";

const SERVE_HELP: &str = "\
The first line printed is the address to open in a browser on this machine,
http://127.0.0.1:PORT/?token=TOKEN; the token is new on every run and is what lets your
browser in. Ctrl-C stops the workbench.

Exit codes:
  0  stopped with Ctrl-C
  2  usage or I/O error (the directory is missing, the port is taken)";

/// Turn a reviewed draft agreement into a signature-ready, verifiable signing package.
#[derive(Debug, Parser)]
#[command(name = "accord", version, about, after_help = AFTER_HELP)]
pub struct Cli {
    /// The subcommand.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Write a starter session config with every placeholder unfilled and a comment on each key.
    #[command(after_help = AFTER_HELP)]
    Init(InitArgs),
    /// List every problem that keeps a config from being signature-ready (exit 0 only when ready).
    #[command(after_help = AFTER_HELP)]
    Check(CheckArgs),
    /// Typeset the documents of a package (or, with --draft, the draft with proposed changes).
    #[command(after_help = AFTER_HELP)]
    Build(BuildArgs),
    /// Print the JSON Schema of a session config, for TOML editors (taplo, Even Better TOML).
    #[command(after_help = AFTER_HELP)]
    Schema(SchemaArgs),
    /// Create a signing key pair in minisign format (NAME.pub and NAME.key).
    #[command(after_help = AFTER_HELP)]
    Keygen(KeygenArgs),
    /// Co-sign an existing package: add this signer's signatures without touching the PDFs.
    #[command(after_help = AFTER_HELP)]
    Sign(SignArgs),
    /// Certify true copies of a signed package's originals, with the registration statement,
    /// in a package of their own signed by the certifier.
    #[command(after_help = AFTER_HELP)]
    Certify(CertifyArgs),
    /// Check that copies match a signed original, and say which one.
    #[command(after_help = VERIFY_HELP)]
    Verify(VerifyArgs),
    /// Open the workbench: prepare, build, sign and check sessions in a web browser.
    #[command(after_help = SERVE_HELP)]
    Serve(ServeArgs),
    /// Read a PDF from standard input within limits and describe it (accord's own worker).
    #[command(name = "read-pdf", hide = true)]
    ReadPdf,
}

/// Which template set to use.
#[derive(Debug, Args, Clone, Default)]
pub struct TemplatesArgs {
    /// Template set directory (catalog.toml, fields.toml and the templates); default: the
    /// built-in set.
    #[arg(long = "templates", value_name = "DIR")]
    pub dir: Option<PathBuf>,
}

/// Arguments of `accord init`.
#[derive(Debug, Args)]
pub struct InitArgs {
    /// Where to write the starter config (never overwritten), and accord.schema.json next to
    /// it; prints the config when omitted.
    pub path: Option<PathBuf>,
    /// The template set.
    #[command(flatten)]
    pub templates: TemplatesArgs,
}

/// Arguments of `accord check`.
#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Session config files (TOML) to check.
    #[arg(required = true, value_name = "CONFIG")]
    pub configs: Vec<PathBuf>,
    /// Also check this certification (accord certify) beside each config.
    #[arg(long, value_name = "FILE")]
    pub certification: Option<PathBuf>,
    /// The template set.
    #[command(flatten)]
    pub templates: TemplatesArgs,
}

/// Arguments of `accord schema`.
#[derive(Debug, Args)]
pub struct SchemaArgs {
    /// The template set.
    #[command(flatten)]
    pub templates: TemplatesArgs,
}

/// Where the passphrase of an encrypted secret key comes from.
#[derive(Debug, Args, Clone, Default)]
pub struct PassphraseArgs {
    /// Read the key's passphrase from this file, `-` for standard input (else ACCORD_PASSPHRASE, else a prompt).
    #[arg(long, value_name = "FILE")]
    pub passphrase_file: Option<PathBuf>,
}

/// Arguments of `accord build`.
#[derive(Debug, Args)]
pub struct BuildArgs {
    /// Session config files (TOML); one package is built per config.
    #[arg(required = true, value_name = "CONFIG")]
    pub configs: Vec<PathBuf>,
    /// Build the Working Group draft with redlines instead (never refuses for unfilled values).
    #[arg(long)]
    pub draft: bool,
    /// Output directory holding the packages.
    #[arg(long, value_name = "DIR", default_value = "out")]
    pub out: PathBuf,
    /// Secret key (minisign format) to sign the package with.
    #[arg(long, value_name = "SECRET_KEY", visible_alias = "secret-key")]
    pub key: Option<PathBuf>,
    /// Name of the signer, recorded in the signatures (defaults to the key file's name).
    #[arg(long, value_name = "NAME", requires = "key")]
    pub signer: Option<String>,
    /// Where the passphrase of an encrypted key comes from.
    #[command(flatten)]
    pub passphrase: PassphraseArgs,
    /// Also write the generated Typst sources into this directory (for debugging and benchmarks).
    #[arg(long, value_name = "DIR", hide = true)]
    pub dump_typst: Option<PathBuf>,
    /// The template set.
    #[command(flatten)]
    pub templates: TemplatesArgs,
}

/// Arguments of `accord keygen`.
#[derive(Debug, Args)]
pub struct KeygenArgs {
    /// Name of the key pair: writes NAME.pub and NAME.key.
    #[arg(long)]
    pub name: String,
    /// Directory to write the key files into.
    #[arg(long, value_name = "DIR", default_value = ".")]
    pub dir: PathBuf,
    /// Do not encrypt the secret key with a passphrase (only for automation and tests).
    #[arg(long)]
    pub unencrypted: bool,
    /// When NAME.key and NAME.pub exist already (and are a pair), succeed without writing.
    #[arg(long)]
    pub existing_ok: bool,
    /// Where the passphrase of an encrypted key comes from.
    #[command(flatten)]
    pub passphrase: PassphraseArgs,
}

/// The keys an existing package must verify with before it is co-signed or certified.
#[derive(Debug, Args)]
pub struct TrustArgs {
    /// Trusted public key of a signer already in the package: a .pub file or the one-line
    /// RW... form (repeatable); the package must verify with these first.
    #[arg(long = "trust", value_name = "PUBLIC_KEY")]
    pub trust: Vec<String>,
    /// Trusted keys of the signers already in the package, in OpenSSH's allowed_signers format.
    #[arg(long, value_name = "FILE")]
    pub allowed_signers: Option<PathBuf>,
}

/// Arguments of `accord sign`.
#[derive(Debug, Args)]
pub struct SignArgs {
    /// The package directory (out/<id>) to co-sign.
    #[arg(value_name = "PACKAGE_DIR")]
    pub package: PathBuf,
    /// Secret key (minisign format) of the co-signer.
    #[arg(long, value_name = "SECRET_KEY", visible_alias = "secret-key")]
    pub key: PathBuf,
    /// Name of the signer (defaults to the key file's name).
    #[arg(long, value_name = "NAME")]
    pub signer: Option<String>,
    /// The keys the package must verify with first.
    #[command(flatten)]
    pub trusted: TrustArgs,
    /// Where the passphrase of an encrypted key comes from.
    #[command(flatten)]
    pub passphrase: PassphraseArgs,
}

/// Arguments of `accord certify`.
#[derive(Debug, Args)]
pub struct CertifyArgs {
    /// The signed package directory (out/<id>) whose originals are certified.
    #[arg(value_name = "PACKAGE_DIR")]
    pub package: PathBuf,
    /// The session config the package was built from: its originals must be rebuilt from it
    /// byte for byte.
    #[arg(long, value_name = "CONFIG")]
    pub config: PathBuf,
    /// The certification: who certifies, where and when (a TOML file the template set
    /// declares; see config/un-iom-2016.certification.toml).
    #[arg(long, value_name = "FILE")]
    pub certification: PathBuf,
    /// Secret key (minisign format) of the certifier.
    #[arg(long, value_name = "SECRET_KEY", visible_alias = "secret-key")]
    pub key: PathBuf,
    /// Name of the certifier as signer (defaults to the key file's name).
    #[arg(long, value_name = "NAME")]
    pub signer: Option<String>,
    /// The keys the package must verify with first.
    #[command(flatten)]
    pub trusted: TrustArgs,
    /// Output directory holding the packages: the certified one is written to DIR/<id>-certified.
    #[arg(long, value_name = "DIR", default_value = "out")]
    pub out: PathBuf,
    /// Where the passphrase of an encrypted key comes from.
    #[command(flatten)]
    pub passphrase: PassphraseArgs,
    /// The template set the package was built with (default: the built-in set).
    #[command(flatten)]
    pub templates: TemplatesArgs,
}

/// Arguments of `accord verify`.
#[derive(Debug, Args)]
pub struct VerifyArgs {
    /// The copies to check (with --rebuild: by default, the package's own documents).
    #[arg(required_unless_present = "rebuild", value_name = "FILE")]
    pub files: Vec<PathBuf>,
    /// A signed package directory to match the copies against (else FILE.minisig is used).
    #[arg(long, value_name = "DIR")]
    pub package: Option<PathBuf>,
    /// Trusted public key: a .pub file or the one-line RW... form (repeatable).
    #[arg(long = "key", value_name = "PUBLIC_KEY", visible_alias = "public-key")]
    pub keys: Vec<String>,
    /// Trusted keys in OpenSSH's allowed_signers format (PRINCIPAL [options] ssh-ed25519 KEY).
    #[arg(long, value_name = "FILE")]
    pub allowed_signers: Option<PathBuf>,
    /// The package the copies must belong to (its id in the signed trusted comments).
    #[arg(long, value_name = "ID")]
    pub package_id: Option<String>,
    /// The fingerprint of the signing the copies must be documents of, as its signers
    /// published it (accord build prints it): a document of any other signing fails.
    #[arg(long, value_name = "FINGERPRINT")]
    pub fingerprint: Option<String>,
    /// Rebuild every document from this config and check that the package holds exactly
    /// those bytes (exit 0 only when every document is reproduced and the package verifies).
    #[arg(long, value_name = "CONFIG", requires = "package")]
    pub rebuild: Option<PathBuf>,
    /// The template set the package was built with, for --rebuild (default: the built-in set).
    #[arg(long = "templates", value_name = "DIR", requires = "rebuild")]
    pub templates: Option<PathBuf>,
    /// The signed package a certified copy certifies: its text must then be word for word
    /// that of the original it names, and the package verify with --original-key.
    #[arg(long, value_name = "DIR")]
    pub original: Option<PathBuf>,
    /// Trusted public key of a signer of the --original package: a .pub file or the one-line
    /// RW... form (repeatable).
    #[arg(long = "original-key", value_name = "PUBLIC_KEY", requires = "original")]
    pub original_keys: Vec<String>,
    /// Trusted keys of the --original package's signers, in OpenSSH's allowed_signers format.
    #[arg(long, value_name = "FILE", requires = "original")]
    pub original_allowed_signers: Option<PathBuf>,
    /// Print a stable machine-readable JSON report instead of text.
    #[arg(long)]
    pub json: bool,
}

/// Arguments of `accord serve`.
#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Directory of the session configs (TOML) to work on.
    #[arg(value_name = "DIR", default_value = "config")]
    pub configs: PathBuf,
    /// The template set.
    #[command(flatten)]
    pub templates: TemplatesArgs,
    /// Output directory holding the packages.
    #[arg(long, value_name = "DIR", default_value = "out")]
    pub out: PathBuf,
    /// Port to listen on (default: a free one).
    #[arg(long, default_value_t = 0)]
    pub port: u16,
    /// Open the workbench in the default web browser.
    #[arg(long)]
    pub open: bool,
    /// Listen on this address instead of the loopback address 127.0.0.1, which lets other
    /// machines reach the workbench (each still needs the token).
    #[arg(long, value_name = "ADDR")]
    pub listen: Option<IpAddr>,
}

#[cfg(test)]
mod tests {
    use clap::{CommandFactory, Parser};

    use super::{Cli, Command};

    fn parse(args: &[&str]) -> Command {
        Cli::try_parse_from([&["accord"], args].concat()).expect("the arguments parse").command
    }

    #[test]
    fn secret_key_and_public_key_are_aliases_of_the_two_meanings_of_key() {
        for flag in ["--key", "--secret-key"] {
            let Command::Build(build) = parse(&["build", "c.toml", flag, "s.key"]) else {
                panic!("not build")
            };
            assert_eq!(build.key.as_deref(), Some("s.key".as_ref()), "build {flag}");
            let Command::Sign(sign) = parse(&["sign", "out/p", flag, "s.key", "--trust", "RW"])
            else {
                panic!("not sign")
            };
            assert_eq!(sign.key, std::path::Path::new("s.key"), "sign {flag}");
        }
        let Command::Verify(verify) =
            parse(&["verify", "c.pdf", "--key", "a.pub", "--public-key", "RWb"])
        else {
            panic!("not verify")
        };
        assert_eq!(verify.keys, ["a.pub", "RWb"]);
        // A secret key is never taken where a trusted public key is meant, nor the reverse.
        assert!(
            Cli::try_parse_from(["accord", "verify", "c.pdf", "--secret-key", "s.key"]).is_err()
        );
        assert!(Cli::try_parse_from(["accord", "build", "c.toml", "--public-key", "p"]).is_err());
    }

    #[test]
    fn help_shows_the_aliases() {
        for (command, alias) in
            [("build", "--secret-key"), ("sign", "--secret-key"), ("verify", "--public-key")]
        {
            let mut cli = Cli::command();
            let help = cli.find_subcommand_mut(command).unwrap().render_help().to_string();
            assert!(help.contains(&format!("[alias: {alias}]")), "{command}: {help}");
        }
    }
}

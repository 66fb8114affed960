//! `allowed_signers` files (ssh-keygen(1), "ALLOWED SIGNERS"): which key may sign as whom,
//! for which namespaces. accord reads the ones users give it and writes one into each
//! package, so that `ssh-keygen -Y verify -f allowed_signers` checks the package unaided.
//!
//! A key line is `PRINCIPALS [OPTIONS] ssh-ed25519 BASE64 [COMMENT]`; blank lines and `#`
//! comments are skipped. Lines are split as ssh-keygen splits them, but accord accepts less,
//! so that the two tools can never disagree on who signed:
//!
//! - principals and namespaces are literal names: OpenSSH's patterns (`*`, `?`, `!`) are
//!   refused, so that a name in the file means exactly one signer;
//! - `namespaces="…"` is the only option; `cert-authority` is refused (accord checks plain
//!   keys), and so are `valid-after` and `valid-before`: an SSH signature does not say when
//!   it was made, so ssh-keygen checks them against the clock of whoever verifies, and a
//!   package that verifies today would fail once a date passes.
//!
//! Any line accord cannot read this way is an error naming the file and the line.

use super::key::{looks_like_key_type, SshPublicKey};
use super::wire::{line_error, Parse, KEY_TYPE, SPACE};
use crate::error::{Error, Result};

/// Longest principal or namespace accepted (OpenSSH stops matching patterns at 1023).
const NAME_MAX: usize = 255;
/// Longest `allowed_signers` line accepted.
const LINE_MAX: usize = 4096;
/// Characters a principal may have, besides ASCII letters and digits, without being quoted.
const PLAIN: &[u8] = b"@._+-";

/// One key line of an `allowed_signers` file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AllowedSigner {
    /// Who may sign with the key (literal names).
    pub principals: Vec<String>,
    /// The namespaces the key may sign for (`namespaces="…"`); `None` means any.
    pub namespaces: Option<Vec<String>>,
    /// The signer's key.
    pub key: SshPublicKey,
    /// Line number in the file (from 1).
    pub line: usize,
}

impl AllowedSigner {
    /// Whether this line's key may sign for `namespace` (a line without `namespaces=`: any).
    pub fn allows_namespace(&self, namespace: &str) -> bool {
        self.namespaces.as_ref().is_none_or(|list| list.iter().any(|n| n == namespace))
    }

    /// Whether this line lets `key` sign as `principal` for `namespace`.
    pub fn permits(&self, principal: &str, namespace: &str, key: &SshPublicKey) -> bool {
        self.key == *key
            && self.principals.iter().any(|p| p == principal)
            && self.allows_namespace(namespace)
    }
}

/// Parses an `allowed_signers` file; any bad key line is an error naming `origin` and the line.
pub fn parse_allowed_signers(bytes: &[u8], origin: &str) -> Result<Vec<AllowedSigner>> {
    let text = std::str::from_utf8(bytes).map_err(|err| {
        let line = bytes[..err.valid_up_to()].iter().filter(|&&b| b == b'\n').count() + 1;
        line_error(origin, line, "not UTF-8 text")
    })?;
    // A byte-order mark, as some Windows editors write, is not text of the file.
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut signers = Vec::new();
    for (raw, n) in text.split('\n').zip(1..) {
        let raw = raw.strip_suffix('\r').unwrap_or(raw);
        // Comments too: a terminal control in one could hide lines from whoever reads the file.
        let hidden =
            raw.chars().filter(|&c| c != '\t').find_map(|c| Some((c, crate::chars::forbidden(c)?)));
        if let Some((c, what)) = hidden {
            let message = format!("holds the {what} U+{:04X}, which no line of it needs", c as u32);
            return Err(line_error(origin, n, message));
        }
        let line = raw.trim_start_matches(SPACE);
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let signer = signer_line(line, n).map_err(|message| line_error(origin, n, message))?;
        signers.push(signer);
    }
    Ok(signers)
}

/// The `allowed_signers` line `PRINCIPAL namespaces="NAMESPACE" ssh-ed25519 AAAA…`.
pub fn allowed_signer_line(principal: &str, namespace: &str, key: &SshPublicKey) -> Result<String> {
    check_principal(principal).map_err(Error::internal)?;
    check_namespace(namespace).map_err(Error::internal)?;
    let plain = principal.bytes().all(|b| b.is_ascii_alphanumeric() || PLAIN.contains(&b));
    let principal = if plain { principal.to_string() } else { format!("\"{principal}\"") };
    Ok(format!("{principal} namespaces=\"{namespace}\" {KEY_TYPE} {}\n", key.to_base64()))
}

/// Parses a key line (leading blanks removed) as ssh-keygen splits it.
fn signer_line(line: &str, n: usize) -> Parse<AllowedSigner> {
    if line.len() > LINE_MAX {
        return Err(format!("line longer than {LINE_MAX} bytes"));
    }
    if let Some(c) = line.chars().find(|&c| c.is_control() && c != '\t') {
        return Err(format!("control character {c:?}"));
    }
    let (principals, rest) = split_principals(line)?;
    let principals = names(&principals, check_principal)?;
    let rest = rest.trim_start_matches(SPACE);
    let (first, after) = option_field(rest);
    if first.is_empty() {
        return Err("missing key after the principals".into());
    }
    let (namespaces, key) = if looks_like_key_type(first) {
        (None, rest)
    } else {
        (Some(parse_options(first)?), after.trim_start_matches(SPACE))
    };
    let key = SshPublicKey::from_line(key)?;
    Ok(AllowedSigner { principals, namespaces, key, line: n })
}

/// The principals field and what follows it: it ends at a blank, or at the closing quote if
/// a quote comes first (`"Alice Smith"`, but also `alice,"Alice Smith"`).
fn split_principals(line: &str) -> Parse<(String, &str)> {
    match line.find(['"', ' ', '\t']) {
        None => Err("missing key after the principals".into()),
        Some(i) if line[i..].starts_with('"') => {
            let quoted = &line[i + 1..];
            let end = quoted.find('"').ok_or("missing closing quote in the principals")?;
            let rest = &quoted[end + 1..];
            if !rest.is_empty() && !rest.starts_with(SPACE) {
                return Err("expected a blank after the quoted principals".into());
            }
            Ok((format!("{}{}", &line[..i], &quoted[..end]), rest))
        }
        Some(i) => Ok((line[..i].to_string(), &line[i..])),
    }
}

/// Parses the options field (`opt[,opt…]`, names in any case): the namespaces it allows.
fn parse_options(field: &str) -> Parse<Vec<String>> {
    let mut namespaces = None;
    let mut rest = field;
    loop {
        let value = strip_ci(rest, "namespaces=").ok_or_else(|| refused_option(rest))?;
        let (value, after) = dequote(value)?;
        if namespaces.replace(names(&value, check_namespace)?).is_some() {
            return Err("more than one namespaces option".into());
        }
        match after.strip_prefix(',') {
            None if after.is_empty() => return Ok(namespaces.unwrap_or_default()),
            Some(next) if !next.is_empty() => rest = next,
            _ => return Err("unexpected text after the namespaces option".into()),
        }
    }
}

/// Why the option at the start of `options` is refused.
fn refused_option(options: &str) -> String {
    let name = options.split([',', '=']).next().unwrap_or_default();
    if name.eq_ignore_ascii_case("cert-authority") {
        "cert-authority is not supported: accord checks plain keys".into()
    } else if ["valid-after", "valid-before"].iter().any(|v| name.eq_ignore_ascii_case(v)) {
        format!(
            "{name} is not supported: an SSH signature does not say when it was made, so \
             accord does not check validity periods; remove the option"
        )
    } else {
        format!("unknown option {name:.40} (accord accepts only namespaces=\"…\")")
    }
}

/// A quoted option value (`\"` is a quote) and what follows the closing quote.
fn dequote(text: &str) -> Parse<(String, &str)> {
    let body = text.strip_prefix('"').ok_or("option value must be in double quotes")?;
    let mut value = String::new();
    let mut chars = body.char_indices();
    while let Some((i, c)) = chars.next() {
        match c {
            '\\' if body[i + 1..].starts_with('"') => {
                chars.next();
                value.push('"');
            }
            '"' => return Ok((value, &body[i + 1..])),
            _ => value.push(c),
        }
    }
    Err("missing closing quote in an option value".into())
}

/// The options field: up to the first blank outside double quotes (`\"` does not count).
fn option_field(text: &str) -> (&str, &str) {
    let mut quoted = false;
    let mut escaped = false;
    for (i, c) in text.char_indices() {
        match c {
            _ if escaped => escaped = false,
            '\\' => escaped = text[i + 1..].starts_with('"'),
            '"' => quoted = !quoted,
            ' ' | '\t' if !quoted => return (&text[..i], &text[i..]),
            _ => {}
        }
    }
    (text, "")
}

/// `text` without `prefix`, compared ignoring ASCII case (OpenSSH's option names).
fn strip_ci<'a>(text: &'a str, prefix: &str) -> Option<&'a str> {
    let head = text.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix).then(|| text.get(prefix.len()..)).flatten()
}

/// Splits a comma-separated list of literal names, each checked by `check`.
fn names(list: &str, check: fn(&str) -> Parse<()>) -> Parse<Vec<String>> {
    list.split(',').map(|name| check(name).map(|()| name.to_string())).collect()
}

/// Checks that `name` is a literal principal an `allowed_signers` line can hold; the error
/// says why not.
pub fn check_principal(name: &str) -> Parse<()> {
    check_name(name, "principal", &['"', ','])
}

/// Checks that `name` is a literal namespace; `\` is refused, as `\"` would escape the quote.
pub(super) fn check_namespace(name: &str) -> Parse<()> {
    check_name(name, "namespace", &['"', ',', '\\'])
}

/// Refuses empty or long names, patterns, control characters and the `refused` ones.
fn check_name(name: &str, what: &str, refused: &[char]) -> Parse<()> {
    if name.is_empty() || name.len() > NAME_MAX {
        return Err(format!("a {what} must be 1 to {NAME_MAX} bytes long"));
    }
    if name.starts_with('!') || name.contains(['*', '?']) {
        return Err(format!(
            "{what} {name:?} is a pattern (*, ? or a leading !); accord accepts only literal names"
        ));
    }
    match name.chars().find(|c| c.is_control() || refused.contains(c)) {
        Some(c) => Err(format!("{what} {name:?} contains {c:?}, which accord does not accept")),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use ed25519_dalek::SigningKey;

    use super::super::tests::kat_key;
    use super::*;

    fn parse(text: &str) -> Vec<AllowedSigner> {
        parse_allowed_signers(text.as_bytes(), "allowed").unwrap()
    }

    #[test]
    fn allowed_signers_parse() {
        let key = kat_key().to_base64();
        let text = format!(
            "# signers\n\n   \n\
             alice@example.org ssh-ed25519 {key}\n\
             \tbob@example.org,\"Bob Smith\"  NameSpaces=\"accord,git\"\tssh-ed25519 {key} bob's key\r\n\
             carol,\"Carol C\" namespaces=\"x\" ssh-ed25519 {key}\n"
        );
        let signers = parse(&text);
        assert_eq!(signers.len(), 3);
        assert_eq!(signers[0].principals, ["alice@example.org"]);
        assert_eq!((signers[0].namespaces.clone(), signers[0].line), (None, 4));
        assert_eq!(signers[1].principals, ["bob@example.org", "Bob Smith"]);
        assert_eq!(signers[1].namespaces, Some(vec!["accord".into(), "git".into()]));
        assert_eq!(signers[2].principals, ["carol", "Carol C"]);
        assert!(signers.iter().all(|s| s.key == kat_key()));
    }

    #[test]
    fn only_the_listed_namespaces_key_and_principals_are_permitted() {
        let key = kat_key().to_base64();
        let signers = parse(&format!(
            "alice ssh-ed25519 {key}\n\"Bob Smith\" namespaces=\"git,accord\" ssh-ed25519 {key}\n\
             carol namespaces=\"git\" ssh-ed25519 {key}\n"
        ));
        let allowed: Vec<bool> = signers.iter().map(|s| s.allows_namespace("accord")).collect();
        assert_eq!(allowed, [true, true, false]);
        assert!(signers[0].allows_namespace("anything"));
        assert!(signers[1].permits("Bob Smith", "accord", &kat_key()));
        assert!(!signers[1].permits("bob smith", "accord", &kat_key()));
        assert!(!signers[1].permits("Bob Smith", "other", &kat_key()));
        assert!(!signers[2].permits("carol", "accord", &kat_key()));
        let other = SigningKey::from_bytes(&[1; 32]).verifying_key().into();
        assert!(!signers[0].permits("alice", "accord", &other));
    }

    #[test]
    fn allowed_signers_errors_name_the_line() {
        let key = kat_key().to_base64();
        let cases = [
            (
                format!("*@example.org ssh-ed25519 {key}"),
                "principal \"*@example.org\" is a pattern",
            ),
            (format!("a,!b ssh-ed25519 {key}"), "principal \"!b\" is a pattern"),
            (format!("a namespaces=\"acc*\" ssh-ed25519 {key}"), "namespace \"acc*\" is a pattern"),
            (format!("a cert-authority ssh-ed25519 {key}"), "cert-authority is not supported"),
            (
                format!("a valid-after=\"20240101Z\" ssh-ed25519 {key}"),
                "valid-after is not supported: an SSH signature does not say when it was made",
            ),
            (
                format!("a namespaces=\"x\",VALID-BEFORE=\"20240101Z\" ssh-ed25519 {key}"),
                "VALID-BEFORE is not supported",
            ),
            (format!("a namespaces=x ssh-ed25519 {key}"), "must be in double quotes"),
            (
                format!("a namespaces=\"x\",namespaces=\"y\" ssh-ed25519 {key}"),
                "more than one namespaces",
            ),
            (
                format!("a namespaces=\"x\", ssh-ed25519 {key}"),
                "unexpected text after the namespaces",
            ),
            (
                format!("a namespaces=\"x\"y ssh-ed25519 {key}"),
                "unexpected text after the namespaces",
            ),
            (format!("a namespaces=\"x ssh-ed25519 {key}"), "missing closing quote"),
            (format!("a namespaces=\"a\\\"b\" ssh-ed25519 {key}"), "contains '\"'"),
            (format!("a restrict ssh-ed25519 {key}"), "unknown option restrict"),
            (format!("a ssh-rsa {key}"), "ssh-rsa keys are not supported"),
            (
                format!("a namespaces=\"x\" ecdsa-sha2-nistp256 {key}"),
                "ecdsa-sha2-nistp256 keys are not",
            ),
            (format!("a namespaces=\"x\" {key}"), "expected a key type (ssh-ed25519)"),
            (format!("\"a b ssh-ed25519 {key}"), "missing closing quote in the principals"),
            (format!("\"a\",b ssh-ed25519 {key}"), "expected a blank after the quoted"),
            (format!("a,,b ssh-ed25519 {key}"), "must be 1 to 255 bytes"),
            (format!("a ssh-ed25519 {key}\u{7}"), "control character"),
            (format!("a ssh-ed25519 {}", &key[..20]), "truncated (in the ed25519 key)"),
            (format!("a ssh-ed25519 {}", &key[..21]), "not valid base64"),
            ("alice".to_string(), "missing key after the principals"),
            ("alice   ".to_string(), "missing key after the principals"),
            (format!("a {}", "x".repeat(LINE_MAX)), "line longer than"),
        ];
        for (line, expected) in cases {
            let text = format!("# first\n{line}\n");
            let err = parse_allowed_signers(text.as_bytes(), "allowed").unwrap_err();
            assert_eq!(err.kind, crate::error::Kind::Malformed);
            assert!(err.message.starts_with("allowed, line 2: "), "{line}: {}", err.message);
            assert!(err.message.contains(expected), "{line}: {}", err.message);
        }
        let hidden = format!("a ssh-ed25519 {key}\n# \u{1b}[1A\u{1b}[2K a ssh-ed25519 {key}\n");
        let err = parse_allowed_signers(hidden.as_bytes(), "allowed").unwrap_err();
        assert!(err.message.starts_with("allowed, line 2: holds the control character U+001B"));
        let err = parse_allowed_signers(b"# ok\n\xff\n", "allowed").unwrap_err();
        assert_eq!(err.message, "allowed, line 2: not UTF-8 text");
    }

    #[test]
    fn allowed_signer_lines_are_written_quoted_when_needed() {
        let key = kat_key();
        let b64 = key.to_base64();
        let line = |p: &str| allowed_signer_line(p, "accord", &key).unwrap();
        assert_eq!(
            line("alice@example.org"),
            format!("alice@example.org namespaces=\"accord\" ssh-ed25519 {b64}\n")
        );
        assert_eq!(
            line("Alice Smith"),
            format!("\"Alice Smith\" namespaces=\"accord\" ssh-ed25519 {b64}\n")
        );
        assert!(line("#x").starts_with("\"#x\" "));
        for p in ["Alice Smith", "#x", "Zoë", "a=b", "DOMAIN\\user", "ssh-ed25519"] {
            assert_eq!(parse(&line(p))[0].principals, [p]);
        }
        for bad in ["", "a,b", "a\"b", "*", "a?", "!a", "a\nb", &"x".repeat(NAME_MAX + 1)] {
            assert!(allowed_signer_line(bad, "accord", &key).is_err(), "{bad:?}");
        }
        for bad in ["", "a,b", "a\\", "a*"] {
            assert!(allowed_signer_line("a", bad, &key).is_err(), "{bad:?}");
        }
    }
}

//! Who may use the workbench: a local server is reachable by every web page the user opens,
//! so each request must prove it comes from the workbench's own page.
//!
//! - `Host` must name this server by address (or `localhost`) and port: a page of another
//!   site whose name was rebound to 127.0.0.1 (DNS rebinding) sends its own name, and is
//!   refused.
//! - `Origin`, when the browser sends one, must be this server's: another site's form or
//!   script is refused (cross-site request forgery); so is `Sec-Fetch-Site: cross-site`.
//! - The per-run token: the address printed at start carries it once (`/?token=…`); the
//!   answer sets it as a cookie (`HttpOnly`, `SameSite=Strict`, named after the port, since
//!   browsers share cookies between the ports of one host) and sends the browser on to `/`,
//!   so the token leaves the address bar. Every other request must carry that cookie.

use std::net::IpAddr;

use tiny_http::Request;

use crate::digest::hex;
use crate::error::{Error, Result};

/// Bytes of randomness in a token.
const TOKEN_BYTES: usize = 24;

/// The rules of one run: its address, port and token.
pub struct Guard {
    ip: IpAddr,
    port: u16,
    token: String,
}

/// Why a request is refused: its HTTP status and a plain sentence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    /// HTTP status (4xx).
    pub status: u16,
    /// What is wrong and what to do, for a person.
    pub message: String,
}

impl Refusal {
    /// A refusal with `status` and `message`.
    pub fn new(status: u16, message: impl Into<String>) -> Self {
        Self { status, message: message.into() }
    }
}

/// What a request that passes the guard is.
#[derive(Debug, PartialEq, Eq)]
pub enum Admitted {
    /// It carries the token cookie.
    Member,
    /// It is the first visit, with the token in the address: set the cookie, go to `/`.
    Entering,
}

impl Guard {
    /// The guard of a server on `ip` and `port`, with a new random token.
    pub fn new(ip: IpAddr, port: u16) -> Result<Self> {
        let mut bytes = [0u8; TOKEN_BYTES];
        getrandom::fill(&mut bytes)
            .map_err(|e| Error::internal(format!("cannot make a random token: {e}")))?;
        Ok(Self { ip, port, token: hex(&bytes) })
    }

    /// The address to open, with the token: `http://127.0.0.1:PORT/?token=TOKEN`.
    pub fn address(&self) -> String {
        format!("http://{}/?token={}", self.authority(), self.token)
    }

    /// `127.0.0.1:PORT`, `[::1]:PORT`.
    fn authority(&self) -> String {
        match self.ip {
            IpAddr::V4(ip) => format!("{ip}:{}", self.port),
            IpAddr::V6(ip) => format!("[{ip}]:{}", self.port),
        }
    }

    /// The name of the cookie that carries the token.
    fn cookie_name(&self) -> String {
        format!("accord-{}", self.port)
    }

    /// The `Set-Cookie` value of a first visit.
    pub fn set_cookie(&self) -> String {
        format!("{}={}; Path=/; HttpOnly; SameSite=Strict", self.cookie_name(), self.token)
    }

    /// Whether `request` may be served, and how.
    pub fn admit(&self, request: &Request) -> std::result::Result<Admitted, Refusal> {
        let header = |name: &str| {
            request
                .headers()
                .iter()
                .find(|h| h.field.as_str().as_str().eq_ignore_ascii_case(name))
                .map(|h| h.value.as_str().to_string())
        };
        let host = header("Host").unwrap_or_default();
        if !self.host_is_ours(&host) {
            return Err(Refusal::new(
                421,
                "This address does not name the workbench. Open the address that accord serve \
                 printed (it begins with http://127.0.0.1).",
            ));
        }
        if let Some(origin) = header("Origin") {
            if origin != format!("http://{host}") {
                return Err(Refusal::new(
                    403,
                    "Refused: this request comes from another web site than the workbench.",
                ));
            }
        }
        if header("Sec-Fetch-Site").is_some_and(|site| site == "cross-site") {
            return Err(Refusal::new(
                403,
                "Refused: this request comes from another web site than the workbench.",
            ));
        }
        let (path, query) = request.url().split_once('?').unwrap_or((request.url(), ""));
        let offered = query.split('&').find_map(|pair| pair.strip_prefix("token="));
        if let (Some(offered), "/") = (offered, path) {
            return match same(offered, &self.token) {
                true => Ok(Admitted::Entering),
                false => Err(Refusal::new(
                    403,
                    "This token is not the one of this workbench: it changes every time the \
                     workbench starts. Open the address accord serve printed last.",
                )),
            };
        }
        let cookie = header("Cookie").unwrap_or_default();
        let name = self.cookie_name();
        let carried = cookie
            .split(';')
            .filter_map(|c| c.trim().split_once('='))
            .any(|(key, value)| key == name && same(value, &self.token));
        match carried {
            true => Ok(Admitted::Member),
            false => Err(Refusal::new(
                401,
                "Open the workbench with the address accord serve printed: it carries the key \
                 (the token) that lets this browser in.",
            )),
        }
    }

    /// Whether `host` (a `Host` header) names this server: its address, or `localhost` when
    /// it listens on the loopback address, with its port. A server listening on every
    /// address accepts any address, never a name.
    fn host_is_ours(&self, host: &str) -> bool {
        let Some((name, port)) = host.rsplit_once(':') else { return false };
        if port != self.port.to_string() {
            return false;
        }
        let name = name.strip_prefix('[').and_then(|n| n.strip_suffix(']')).unwrap_or(name);
        match name.parse::<IpAddr>() {
            Ok(ip) if self.ip.is_unspecified() => !ip.is_unspecified(),
            Ok(ip) => ip == self.ip,
            Err(_) => name.eq_ignore_ascii_case("localhost") && self.ip.is_loopback(),
        }
    }
}

/// Whether two tokens are equal, in time independent of where they differ.
fn same(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.bytes().zip(b.bytes()).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use std::net::{IpAddr, Ipv4Addr};

    use super::{same, Guard};

    fn guard(ip: IpAddr) -> Guard {
        Guard { ip, port: 8123, token: "t".repeat(48) }
    }

    #[test]
    fn only_this_servers_address_and_port_are_its_host() {
        let local = guard(IpAddr::V4(Ipv4Addr::LOCALHOST));
        for ok in ["127.0.0.1:8123", "localhost:8123", "LOCALHOST:8123"] {
            assert!(local.host_is_ours(ok), "{ok}");
        }
        for bad in ["evil.example:8123", "127.0.0.1:80", "127.0.0.2:8123", "127.0.0.1", ""] {
            assert!(!local.host_is_ours(bad), "{bad}");
        }
        let any = guard(IpAddr::V4(Ipv4Addr::UNSPECIFIED));
        assert!(any.host_is_ours("192.0.2.7:8123"));
        assert!(!any.host_is_ours("localhost:8123") && !any.host_is_ours("evil.example:8123"));
        let v6 = guard("::1".parse().unwrap());
        assert!(v6.host_is_ours("[::1]:8123") && v6.host_is_ours("localhost:8123"));
        assert!(v6.address().starts_with("http://[::1]:8123/?token="));
    }

    #[test]
    fn tokens_compare_whole() {
        assert!(same("abc", "abc"));
        assert!(!same("abc", "abd") && !same("abc", "ab") && !same("", "a"));
    }
}

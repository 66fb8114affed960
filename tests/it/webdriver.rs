//! A tiny W3C WebDriver client for the browser tests of `verify.html` (tests/it/page.rs): std
//! and serde_json only, HTTP/1.1 over a `TcpStream` to a `chromedriver` it starts on a free
//! localhost port, driving headless Chromium.
//!
//! ```ignore
//! let browser = Browser::start()?;              // chromedriver + a fresh Chromium profile
//! browser.goto("file:///tmp/verify.html")?;
//! browser.find("#files")?.send_keys("/tmp/a.pdf")?;   // a file input takes paths
//! browser.wait_until(Duration::from_secs(10), "document.body.dataset.state === 'done'")?;
//! let n = browser.execute("return document.querySelectorAll('.verdict').length", &[])?;
//! browser.screenshot(Path::new("shot.png"))?;
//! ```                                           // dropping it quits and kills chromedriver
//!
//! `chromium` and `chromedriver` are found on `PATH` (Debian: `apt-get install chromium
//! chromium-driver`). Chromium runs with `--headless=new --no-sandbox` (tests may run as root)
//! and with its background networking switched off, so that a test machine without network
//! sees no stray connection. At most [`MAX_BROWSERS`] run at once in the test process: a
//! `Browser` waits for a free slot before it starts, and frees it when dropped.

use std::fmt;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Condvar, Mutex};
use std::thread::sleep;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use serde_json::{json, Value};

/// The key W3C WebDriver uses for element references.
const ELEMENT_KEY: &str = "element-6066-11e4-a52e-4f735466cecf";
/// Most Chromiums running at once (each takes a core while it starts).
pub const MAX_BROWSERS: usize = 2;

/// A WebDriver error (`error` is the W3C error code, or `io`, `http`, `timeout`).
#[derive(Debug)]
pub struct Error {
    pub error: String,
    pub message: String,
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "webdriver {}: {}", self.error, self.message)
    }
}

impl std::error::Error for Error {}

pub type Result<T> = std::result::Result<T, Error>;

fn error(kind: &str, message: impl fmt::Display) -> Error {
    Error { error: kind.to_string(), message: message.to_string() }
}

impl From<std::io::Error> for Error {
    fn from(err: std::io::Error) -> Self {
        error("io", err)
    }
}

/// One of the [`MAX_BROWSERS`] slots, taken until dropped.
struct Slot;

static RUNNING: Mutex<usize> = Mutex::new(0);
static FREED: Condvar = Condvar::new();

impl Slot {
    fn take() -> Slot {
        let mut running = RUNNING.lock().unwrap_or_else(|e| e.into_inner());
        while *running >= MAX_BROWSERS {
            running = FREED.wait(running).unwrap_or_else(|e| e.into_inner());
        }
        *running += 1;
        Slot
    }
}

impl Drop for Slot {
    fn drop(&mut self) {
        *RUNNING.lock().unwrap_or_else(|e| e.into_inner()) -= 1;
        FREED.notify_one();
    }
}

/// A chromedriver process with one Chromium session.
pub struct Browser {
    chromedriver: Child,
    port: u16,
    session: String,
    profile: PathBuf,
    quit: bool,
    // Last, so that it is freed after Drop::drop has ended the browser.
    _slot: Slot,
}

/// An element found in the page.
pub struct Element<'a> {
    browser: &'a Browser,
    id: String,
}

/// The full path of `command` on `PATH`.
pub fn on_path(command: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path).map(|dir| dir.join(command)).find(|p| p.is_file())
}

impl Browser {
    /// Waits for a free slot, then starts `chromedriver` and a headless `chromium` with a new
    /// temporary profile and a 1000 × 1400 window.
    pub fn start() -> Result<Self> {
        let slot = Slot::take();
        let find = |command: &str| {
            on_path(command).ok_or_else(|| error("io", format!("{command} is not on PATH")))
        };
        let (driver, chromium) = (find("chromedriver")?, find("chromium")?);
        let port = free_port()?;
        let profile = unique_temp_dir("accord-chromium")?;
        let chromedriver = Command::new(&driver)
            .arg(format!("--port={port}"))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|err| error("io", format!("cannot start {}: {err}", driver.display())))?;
        let mut browser = Browser {
            chromedriver,
            port,
            session: String::new(),
            profile,
            quit: true,
            _slot: slot,
        };
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            match browser.http("GET", "/status", None) {
                Ok(status) if status["ready"] == true => break,
                _ if Instant::now() > deadline => {
                    return Err(error("timeout", "chromedriver did not become ready in 30 s"))
                }
                _ => sleep(Duration::from_millis(20)),
            }
        }
        let args = [
            "--headless=new",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-default-apps",
            "--disable-extensions",
            "--no-first-run",
            "--no-default-browser-check",
            "--window-size=1000,1400",
        ];
        let mut args: Vec<String> = args.iter().map(|a| a.to_string()).collect();
        args.push(format!("--user-data-dir={}", browser.profile.display()));
        let caps = json!({ "capabilities": { "alwaysMatch": {
            "browserName": "chrome",
            "goog:chromeOptions": { "binary": chromium, "args": args },
        }}});
        let created = browser.http("POST", "/session", Some(caps))?;
        browser.session = created["sessionId"]
            .as_str()
            .ok_or_else(|| error("http", format!("no session id in {created}")))?
            .to_string();
        browser.quit = false;
        browser.cmd("POST", "timeouts", json!({ "script": 60_000, "pageLoad": 60_000 }))?;
        Ok(browser)
    }

    /// The browser's user agent string (it holds its version).
    pub fn version(&self) -> Result<String> {
        let value = self.execute("return navigator.userAgent", &[])?;
        Ok(value.as_str().unwrap_or_default().to_string())
    }

    /// Opens `url` and waits for it to load.
    pub fn goto(&self, url: &str) -> Result<()> {
        self.cmd("POST", "url", json!({ "url": url })).map(drop)
    }

    /// The first element matching a CSS selector.
    pub fn find(&self, css: &str) -> Result<Element<'_>> {
        let found =
            self.cmd("POST", "element", json!({ "using": "css selector", "value": css }))?;
        Ok(Element {
            browser: self,
            id: found[ELEMENT_KEY].as_str().unwrap_or_default().to_string(),
        })
    }

    /// Runs `script` (a function body; `arguments` holds `args`) and returns its value.
    pub fn execute(&self, script: &str, args: &[Value]) -> Result<Value> {
        self.cmd("POST", "execute/sync", json!({ "script": script, "args": args }))
    }

    /// Runs `script` asynchronously: it calls `arguments[arguments.length - 1](value)` to finish.
    pub fn execute_async(&self, script: &str, args: &[Value]) -> Result<Value> {
        self.cmd("POST", "execute/async", json!({ "script": script, "args": args }))
    }

    /// Waits until the JavaScript expression `expression` is truthy, polling every 20 ms.
    pub fn wait_until(&self, timeout: Duration, expression: &str) -> Result<()> {
        let script = format!("return !!({expression})");
        let deadline = Instant::now() + timeout;
        while self.execute(&script, &[])? != true {
            if Instant::now() > deadline {
                return Err(error("timeout", format!("not true in {timeout:?}: {expression}")));
            }
            sleep(Duration::from_millis(20));
        }
        Ok(())
    }

    /// Sets the window's outer size in pixels.
    pub fn set_window_size(&self, width: u32, height: u32) -> Result<()> {
        self.cmd("POST", "window/rect", json!({ "width": width, "height": height })).map(drop)
    }

    /// Saves a PNG screenshot of the viewport.
    pub fn screenshot(&self, path: &Path) -> Result<()> {
        let value = self.cmd("GET", "screenshot", Value::Null)?;
        let png = base64_decode(value.as_str().unwrap_or_default())
            .ok_or_else(|| error("http", "the screenshot is not base64"))?;
        std::fs::write(path, png)?;
        Ok(())
    }

    /// Saves the page as the browser prints it (print stylesheet), as a PDF.
    pub fn print_pdf(&self, path: &Path) -> Result<()> {
        let value = self.cmd("POST", "print", json!({ "background": true }))?;
        let pdf = base64_decode(value.as_str().unwrap_or_default())
            .ok_or_else(|| error("http", "the PDF is not base64"))?;
        std::fs::write(path, pdf)?;
        Ok(())
    }

    /// A Chrome DevTools Protocol command (chromedriver's `goog/cdp/execute`), e.g.
    /// `Page.addScriptToEvaluateOnNewDocument` to change the browser before a page's scripts run.
    pub fn cdp(&self, command: &str, params: Value) -> Result<Value> {
        self.cmd("POST", "goog/cdp/execute", json!({ "cmd": command, "params": params }))
    }

    /// Ends the session (closing Chromium); dropping the browser does it too.
    fn quit(&mut self) -> Result<()> {
        if !self.quit {
            self.quit = true;
            self.http("DELETE", &format!("/session/{}", self.session), None)?;
        }
        Ok(())
    }

    /// A session command: `METHOD /session/{id}/{path}`.
    fn cmd(&self, method: &str, path: &str, body: Value) -> Result<Value> {
        let body = if method == "POST" { Some(body) } else { None };
        self.http(method, &format!("/session/{}/{path}", self.session), body)
    }

    /// One HTTP/1.1 request to chromedriver; the response's `value`, or its error.
    fn http(&self, method: &str, path: &str, body: Option<Value>) -> Result<Value> {
        let mut stream = TcpStream::connect(("127.0.0.1", self.port))?;
        stream.set_read_timeout(Some(Duration::from_secs(120)))?;
        let body = body.map(|b| b.to_string()).unwrap_or_default();
        write!(
            stream,
            "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{}\r\nContent-Type: application/json; \
             charset=utf-8\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            self.port,
            body.len()
        )?;
        let mut reader = BufReader::new(stream);
        let mut status = String::new();
        reader.read_line(&mut status)?;
        let code: u16 = status.split(' ').nth(1).and_then(|c| c.parse().ok()).unwrap_or(0);
        let (mut length, mut chunked) = (None, false);
        loop {
            let mut line = String::new();
            if reader.read_line(&mut line)? == 0 || line.trim().is_empty() {
                break;
            }
            let (name, value) = line.split_once(':').unwrap_or((&line, ""));
            match name.trim().to_ascii_lowercase().as_str() {
                "content-length" => length = value.trim().parse::<usize>().ok(),
                "transfer-encoding" => chunked = value.trim().eq_ignore_ascii_case("chunked"),
                _ => {}
            }
        }
        let mut raw = Vec::new();
        if chunked {
            loop {
                let mut size = String::new();
                reader.read_line(&mut size)?;
                let size = usize::from_str_radix(size.trim(), 16)
                    .map_err(|_| error("http", "bad chunk size"))?;
                let mut chunk = vec![0; size + 2];
                reader.read_exact(&mut chunk)?;
                if size == 0 {
                    break;
                }
                raw.extend_from_slice(&chunk[..size]);
            }
        } else if let Some(length) = length {
            raw.resize(length, 0);
            reader.read_exact(&mut raw)?;
        } else {
            reader.read_to_end(&mut raw)?;
        }
        let reply: Value = serde_json::from_slice(&raw).map_err(|err| {
            let raw = String::from_utf8_lossy(&raw);
            error("http", format!("HTTP {code}, not JSON ({err}): {raw}"))
        })?;
        let value = reply.get("value").cloned().unwrap_or(Value::Null);
        if code != 200 || value.get("error").is_some_and(|e| e.is_string()) {
            return Err(Error {
                error: value["error"].as_str().unwrap_or("http").to_string(),
                message: format!("{method} {path} (HTTP {code}): {}", value["message"]),
            });
        }
        Ok(value)
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self.quit();
        let _ = self.chromedriver.kill();
        let _ = self.chromedriver.wait();
        let _ = std::fs::remove_dir_all(&self.profile);
    }
}

impl Element<'_> {
    /// Types `text`; into an `<input type=file>`, the absolute path(s) of the file(s),
    /// separated by newlines.
    pub fn send_keys(&self, text: &str) -> Result<()> {
        let path = format!("element/{}/value", self.id);
        self.browser.cmd("POST", &path, json!({ "text": text })).map(drop)
    }

    /// Clicks it.
    pub fn click(&self) -> Result<()> {
        self.browser.cmd("POST", &format!("element/{}/click", self.id), json!({})).map(drop)
    }

    /// Empties an input.
    pub fn clear(&self) -> Result<()> {
        self.browser.cmd("POST", &format!("element/{}/clear", self.id), json!({})).map(drop)
    }

    /// Its rendered text.
    pub fn text(&self) -> Result<String> {
        let value = self.browser.cmd("GET", &format!("element/{}/text", self.id), Value::Null)?;
        Ok(value.as_str().unwrap_or_default().to_string())
    }
}

/// A port nobody listens on right now.
fn free_port() -> Result<u16> {
    Ok(TcpListener::bind("127.0.0.1:0")?.local_addr()?.port())
}

/// A new empty directory under the system's temporary directory.
fn unique_temp_dir(prefix: &str) -> Result<PathBuf> {
    static COUNT: AtomicUsize = AtomicUsize::new(0);
    let nanos = SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_nanos()).unwrap_or(0);
    let n = COUNT.fetch_add(1, Ordering::Relaxed);
    let dir = std::env::temp_dir().join(format!("{prefix}-{}-{n}-{nanos}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    Ok(dir)
}

/// Standard base64 (what WebDriver sends screenshots in); `None` if it is not.
fn base64_decode(text: &str) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(text.len() / 4 * 3);
    let (mut acc, mut bits) = (0u32, 0);
    for c in text.bytes().filter(|&c| c != b'=' && !c.is_ascii_whitespace()) {
        let digit = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => return None,
        };
        acc = acc << 6 | u32::from(digit);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
        }
    }
    Some(out)
}

#[test]
fn webdriver_client_decodes_base64() {
    assert_eq!(base64_decode("aGVsbG8gd29ybGQ=").unwrap(), b"hello world");
    assert_eq!(base64_decode("").unwrap(), b"");
    assert!(base64_decode("a*b").is_none());
}

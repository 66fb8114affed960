//! `accord serve`, the workbench: a web application on this machine through which secretariat
//! staff fill in a session, decide the amendments, see the documents as they will be signed,
//! build and sign the package, and check copies, all in a browser.
//!
//! The server is tiny_http's: synchronous, one thread per request, which suits a server with
//! one user whose heavy work (typesetting) runs on threads of its own anyway. Every request
//! passes the [`guard`] first (loopback Host, same Origin, the per-run token); the page is
//! plain HTML, CSS and JavaScript embedded in the binary ([`assets`]), and everything it shows
//! from a config, a file name, a manifest or a signature it sets as text. A session's config
//! is edited in place ([`workspace`]), previewed by typst on a worker thread that always
//! works on the newest edit ([`preview`]), and built, signed and checked through the same
//! library steps the commands use ([`package`], [`copies`]; a changed copy's pages are shown
//! beside the signed ones by [`sidebyside`]).

mod amendments;
mod app;
mod assets;
mod body;
mod copies;
mod form;
mod guard;
mod package;
mod preview;
mod reply;
mod routes;
mod sessions;
mod sidebyside;
mod workspace;

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use socket2::{Domain, Socket, Type};

use crate::chars::Shown as _;
use crate::error::{Error, Exit, Result};
use crate::output;
use crate::set::TemplateSet;
use crate::worker::Reader;

use app::App;
use guard::Guard;

/// Requests handled at once; more are refused (503) rather than queued.
const MAX_IN_FLIGHT: usize = 32;
/// How long a stopping server waits for the requests under way (a build, a save) to end.
const DRAIN: Duration = Duration::from_secs(60);

/// How `accord serve` was asked to run.
#[derive(Clone)]
pub struct Options {
    /// Directory of the session configs.
    pub dir: PathBuf,
    /// Output directory of the packages.
    pub out: PathBuf,
    /// Port to listen on; 0 for a free one.
    pub port: u16,
    /// Whether to open the default browser.
    pub open: bool,
    /// Address to listen on instead of the loopback address.
    pub listen: Option<IpAddr>,
    /// The template set the sessions are filled for.
    pub set: Arc<TemplateSet>,
    /// How the copies given to check are read.
    pub reader: Reader,
}

/// A socket listening on `addr` whose connections send each write at once (`TCP_NODELAY`,
/// which accepted sockets inherit on Linux): tiny_http writes a reply's headers and its body
/// in two writes, and with Nagle's algorithm the body waited for the browser's delayed
/// acknowledgement of the headers, 40 ms on a loopback connection (BENCHMARKS.md).
fn listen(addr: SocketAddr) -> std::io::Result<std::net::TcpListener> {
    let socket = Socket::new(Domain::for_address(addr), Type::STREAM, None)?;
    socket.set_reuse_address(true)?;
    socket.set_nodelay(true)?;
    socket.bind(&addr.into())?;
    socket.listen(128)?;
    Ok(socket.into())
}

/// Runs the workbench until Ctrl-C (or SIGTERM), then lets the requests under way finish.
pub fn run(options: Options) -> Result<Exit> {
    let places = sessions::Places::new(&options.dir, &options.out)?;
    let ip = options.listen.unwrap_or(IpAddr::V4(Ipv4Addr::LOCALHOST));
    let cannot = |e: &dyn std::fmt::Display| {
        Error::io_message(format!("cannot listen on {ip} port {}: {e}", options.port))
    };
    let listener = listen(SocketAddr::new(ip, options.port)).map_err(|e| cannot(&e))?;
    let server = tiny_http::Server::from_listener(listener, None).map_err(|e| cannot(&e))?;
    let port = server.server_addr().to_ip().map_or(options.port, |a| a.port());
    let guard = Guard::new(ip, port)?;
    let address = guard.address();
    let app = Arc::new(App {
        places,
        guard,
        workspaces: workspace::Open::default(),
        copies: copies::Received::default(),
        pictures: Arc::default(),
        set: Arc::clone(&options.set),
        building: std::sync::Mutex::new(()),
        reader: options.reader.clone(),
    });
    output::println(&address)?;
    output::eprintln(&format!(
        "The workbench for the sessions in {} is open at the address above; Ctrl-C stops it.",
        app.places.dir.shown()
    ));
    if !ip.is_loopback() {
        output::eprintln(&format!(
            "warning: listening on {ip}, not only on this machine: anyone who can reach it and \
             learns the address with its token can use the workbench"
        ));
    }
    if options.open {
        open_browser(&address);
    }
    crate::typeset::preload();
    let stop = Arc::new(AtomicBool::new(false));
    for signal in [signal_hook::consts::SIGINT, signal_hook::consts::SIGTERM] {
        signal_hook::flag::register(signal, Arc::clone(&stop))
            .map_err(|e| Error::internal(format!("cannot handle Ctrl-C: {e}")))?;
    }
    let in_flight = Arc::new(AtomicUsize::new(0));
    let own = SocketAddr::new(
        if ip.is_unspecified() { IpAddr::V4(Ipv4Addr::LOCALHOST) } else { ip },
        port,
    );
    while !stop.load(Ordering::Relaxed) {
        let request = match server.recv_timeout(NUDGE) {
            Ok(Some(request)) => request,
            Ok(None) | Err(_) => {
                nudge(own);
                continue;
            }
        };
        if in_flight.load(Ordering::Relaxed) >= MAX_IN_FLIGHT {
            let _ = request.respond(reply::refusal(503, "The workbench is busy; try again.", true));
            continue;
        }
        in_flight.fetch_add(1, Ordering::Relaxed);
        let (app, in_flight) = (Arc::clone(&app), Arc::clone(&in_flight));
        std::thread::spawn(move || {
            routes::handle(&app, request);
            in_flight.fetch_sub(1, Ordering::Relaxed);
        });
    }
    let deadline = Instant::now() + DRAIN;
    while in_flight.load(Ordering::Relaxed) > 0 && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(20));
    }
    output::eprintln("The workbench has stopped.");
    Ok(Exit::Success)
}

/// tiny_http 0.12 hands each new connection to a pool of threads, and two connections
/// arriving together can leave the second queued while every thread serves a kept-alive
/// connection: it waits until the next connection arrives. An idle server therefore opens
/// (and at once closes) a connection to itself this often, which lets a pool thread take up
/// any connection left waiting.
const NUDGE: Duration = Duration::from_millis(200);

/// Opens and closes a connection to the server at `own` (see [`NUDGE`]).
fn nudge(own: SocketAddr) {
    let _ = std::net::TcpStream::connect_timeout(&own, NUDGE);
}

/// Opens `address` in the default browser, if the desktop has a way to.
fn open_browser(address: &str) {
    let opener = if cfg!(target_os = "macos") { "open" } else { "xdg-open" };
    let started = std::process::Command::new(opener)
        .arg(address)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn();
    if started.is_err() {
        output::eprintln(&format!("cannot open a browser ({opener}); open the address yourself"));
    }
}

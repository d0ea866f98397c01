//! `clavepin serve`: the reference PIN service on the real clock.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use clavepin_server::{OPERATOR_TOKEN_FILE, Service, ServiceConfig, TlsFiles};

use crate::config;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Address to listen on (`127.0.0.1:8480`, `localhost:8480`, `[::1]:8480`). Plain
    /// HTTP only on loopback; any other address needs TLS.
    #[arg(long, default_value_t = config::listen())]
    listen: String,
    /// Data folder: database, keys and the operator token.
    #[arg(long, env = "CLAVEPIN_SERVICE_DATA", default_value_os_t = config::service_data())]
    data: PathBuf,
    /// TLS certificate chain (PEM), required off loopback.
    #[arg(long, requires = "tls_key")]
    tls_cert: Option<PathBuf>,
    /// TLS private key (PEM).
    #[arg(long, requires = "tls_cert")]
    tls_key: Option<PathBuf>,
}

/// An address as typed: a socket address, or a host name and port.
fn listen_address(text: &str) -> Result<SocketAddr, String> {
    use std::net::ToSocketAddrs;
    let unusable = || format!("cannot listen on {text:?}: give an address such as 127.0.0.1:8480");
    text.to_socket_addrs().map_err(|_| unusable())?.next().ok_or_else(unusable)
}

pub fn run(args: Args) -> ExitCode {
    crate::logging::init();
    let listen = match listen_address(&args.listen) {
        Ok(addr) => addr,
        Err(e) => {
            eprintln!("clavepin serve: {e}");
            return ExitCode::FAILURE;
        }
    };
    let data = args.data;
    // A folder this run makes is removed again if the service cannot start.
    let made_here = !data.exists();
    let service = match Service::open(ServiceConfig::new(&data)) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("clavepin serve: {e}");
            return ExitCode::FAILURE;
        }
    };
    let tls = match (args.tls_cert, args.tls_key) {
        (Some(cert), Some(key)) => Some(TlsFiles { cert, key }),
        _ => None,
    };
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("clavepin serve: cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    let token_file = data.join(OPERATOR_TOKEN_FILE);
    let result = runtime.block_on(clavepin_server::serve_on(
        service,
        listen,
        tls,
        |addr, tls| {
            let scheme = if tls { "https" } else { "http" };
            println!("clavepin service listening on {scheme}://{addr}");
            println!("data folder: {}", data.display());
            println!("operator token: {}", token_file.display());
        },
        // Ctrl-C or SIGTERM: stop accepting, finish what is in flight.
        crate::signals::stop_requested(),
    ));
    match result {
        Ok(()) => {
            println!("clavepin service stopped");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("clavepin serve: {e}");
            if made_here {
                let _ = std::fs::remove_dir_all(&data);
            }
            ExitCode::FAILURE
        }
    }
}

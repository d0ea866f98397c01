//! `clavepin serve`: the reference PIN service on the real clock.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use clavepin_server::{
    Addresses, AppLinks, Limits, OPERATOR_TOKEN_FILE, Service, ServiceConfig, TlsFiles,
    TrustedProxies,
};

use crate::config;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Address to listen on (`127.0.0.1:8480`, `localhost:8480`, `[::1]:8480`). Plain
    /// HTTP only on loopback; any other address needs TLS.
    #[arg(long, default_value_t = config::listen())]
    listen: String,
    /// Address of the operator API (census, registration, outboxes, audit): loopback
    /// by default, port chosen by the system and written to DATA/operator.address.
    /// Off loopback it needs TLS too.
    #[arg(long, default_value_t = config::operator_listen())]
    operator_listen: String,
    /// Data folder: database, keys and the operator token.
    #[arg(long, env = "CLAVEPIN_SERVICE_DATA", default_value_os_t = config::service_data())]
    data: PathBuf,
    /// Keep the data in PostgreSQL (`postgres://user:password@host/db`) instead of the
    /// data folder's SQLite file, so that several instances share it; each keeps its
    /// own data folder, and all are given the same --keys. Prefer the environment
    /// variable or the config file for a URL with a password.
    #[arg(long, env = "CLAVEPIN_DATABASE_URL", value_parser = database_url, hide_env_values = true)]
    database: Option<clavepin_server::DatabaseUrl>,
    /// CA certificates (PEM) the database's TLS certificate may chain to, besides the
    /// web's: for `sslmode=require` with a certificate of the operator's own CA.
    #[arg(long, value_name = "FILE")]
    database_ca: Option<PathBuf>,
    /// The service's key file, shared by every instance of one service (made on the
    /// first start); by default DATA/service.key.
    #[arg(long, value_name = "FILE")]
    keys: Option<PathBuf>,
    /// The public URL sites reach the service at, which its OpenID Connect provider
    /// names as its issuer (`https://clave.example.es`); by default the address it
    /// listens on.
    #[arg(long)]
    issuer: Option<String>,
    /// How to write logs: `text`, or `json` (one object per line).
    #[arg(long, value_enum, default_value_t = config::serve().log_format.unwrap_or_default())]
    log_format: crate::logging::Format,
    /// TLS certificate chain (PEM), required off loopback.
    #[arg(long, requires = "tls_key")]
    tls_cert: Option<PathBuf>,
    /// TLS private key (PEM).
    #[arg(long, requires = "tls_cert")]
    tls_key: Option<PathBuf>,
    /// A proxy in front of the service whose `X-Forwarded-For` names the client
    /// (repeat for each); without one, the connection's peer is the client.
    #[arg(long = "trusted-proxy", value_name = "IP")]
    trusted_proxies: Vec<std::net::IpAddr>,
    /// Open connections, all clients together.
    #[arg(long, default_value_t = limit(config::serve().max_connections, Limits::default().max_connections), value_parser = at_least_one())]
    max_connections: u32,
    /// Open connections from one client address (IPv6: one /64).
    #[arg(long, default_value_t = limit(config::serve().max_connections_per_address, Limits::default().max_connections_per_client), value_parser = at_least_one())]
    max_connections_per_address: u32,
    /// Requests being answered at once, all clients together (then 503).
    #[arg(long, default_value_t = limit(config::serve().max_requests_in_flight, Limits::default().max_requests_in_flight), value_parser = at_least_one())]
    max_requests_in_flight: u32,
    /// Requests being answered at once for one client address (then 429).
    #[arg(long, default_value_t = limit(config::serve().max_requests_in_flight_per_address, Limits::default().max_requests_in_flight_per_client), value_parser = at_least_one())]
    max_requests_in_flight_per_address: u32,
    /// An Android app the log-in page's `/approve` links open, as
    /// `PACKAGE:SHA256_FINGERPRINT` of its signing certificate (repeat for each); the
    /// service then serves `/.well-known/assetlinks.json`.
    #[arg(long = "android-app", value_name = "PACKAGE:FINGERPRINT")]
    android_apps: Vec<String>,
    /// An iOS app those links open, as `TEAMID.BUNDLE_ID` (repeat for each); the service
    /// then serves `/.well-known/apple-app-site-association`.
    #[arg(long = "ios-app", value_name = "TEAMID.BUNDLE_ID")]
    ios_apps: Vec<String>,
    #[command(flatten)]
    gateways: crate::gateways::GatewayArgs,
}

/// The apps `/approve` links open, from the flags (or else the config file).
fn app_links(android: &[String], ios: &[String]) -> Result<AppLinks, String> {
    let mut links = AppLinks::default();
    for app in android {
        links = links.with_android(app).map_err(|e| format!("--android-app {app}: {e}"))?;
    }
    for app in ios {
        links = links.with_ios(app).map_err(|e| format!("--ios-app {app}: {e}"))?;
    }
    Ok(links)
}

fn database_url(text: &str) -> Result<clavepin_server::DatabaseUrl, String> {
    clavepin_server::DatabaseUrl::parse(text).map_err(|e| e.to_string())
}

/// A cap from the config file, else the built-in one.
fn limit(configured: Option<u32>, built_in: usize) -> u32 {
    configured.unwrap_or(u32::try_from(built_in).unwrap_or(u32::MAX))
}

/// A cap of 0 would refuse every client.
fn at_least_one() -> clap::builder::RangedI64ValueParser<u32> {
    clap::value_parser!(u32).range(1..)
}

impl Args {
    fn limits(&self) -> Limits {
        Limits {
            max_connections: self.max_connections as usize,
            max_connections_per_client: self.max_connections_per_address as usize,
            max_requests_in_flight: self.max_requests_in_flight as usize,
            max_requests_in_flight_per_client: self.max_requests_in_flight_per_address as usize,
            ..Limits::default()
        }
    }
}

/// An address as typed: a socket address, or a host name and port.
fn listen_address(text: &str) -> Result<SocketAddr, String> {
    use std::net::ToSocketAddrs;
    let unusable = || format!("cannot listen on {text:?}: give an address such as 127.0.0.1:8480");
    text.to_socket_addrs().map_err(|_| unusable())?.next().ok_or_else(unusable)
}

/// An issuer is an `https` URL (`http` on loopback) with no query or fragment
/// (OpenID Connect Discovery §3).
fn check_issuer(text: &str) -> Result<(), &'static str> {
    let url = url::Url::parse(text).map_err(|_| "not an absolute URL")?;
    if url.query().is_some() || url.fragment().is_some() {
        return Err("an issuer has no query or fragment");
    }
    match url.scheme() {
        "https" => Ok(()),
        "http" if clavepin_server::is_loopback(&url) => Ok(()),
        _ => Err("use https (plain http only on loopback)"),
    }
}

pub fn run(mut args: Args) -> ExitCode {
    crate::logging::init(args.log_format);
    // What the command line left out, the config file's [serve] table says.
    let file = config::serve();
    args.issuer = args.issuer.or_else(|| file.issuer.clone());
    if args.tls_cert.is_none() && args.tls_key.is_none() {
        (args.tls_cert, args.tls_key) = (file.tls_cert.clone(), file.tls_key.clone());
    }
    if args.trusted_proxies.is_empty() {
        args.trusted_proxies = file.trusted_proxies.clone();
    }
    if args.android_apps.is_empty() {
        args.android_apps = file.android_apps.clone();
    }
    if args.ios_apps.is_empty() {
        args.ios_apps = file.ios_apps.clone();
    }
    args.keys = args.keys.or_else(|| file.keys.clone());
    args.database_ca = args.database_ca.or_else(|| file.database_ca.clone());
    if args.database.is_none()
        && let Some(url) = &file.database
    {
        match clavepin_server::DatabaseUrl::parse(url) {
            Ok(url) => args.database = Some(url),
            Err(e) => {
                eprintln!("clavepin serve: the config file's database: {e}");
                return ExitCode::FAILURE;
            }
        }
    }
    let addresses = match (listen_address(&args.listen), listen_address(&args.operator_listen)) {
        (Ok(public), Ok(operator)) => Addresses { public, operator },
        (Err(e), _) | (_, Err(e)) => {
            eprintln!("clavepin serve: {e}");
            return ExitCode::FAILURE;
        }
    };
    if args.database_ca.is_some() && args.database.is_none() {
        eprintln!("clavepin serve: --database-ca is for a PostgreSQL --database");
        return ExitCode::FAILURE;
    }
    let links = match app_links(&args.android_apps, &args.ios_apps) {
        Ok(links) => links,
        Err(e) => {
            eprintln!("clavepin serve: {e}");
            return ExitCode::FAILURE;
        }
    };
    let mut config = ServiceConfig::new(&args.data)
        .with_app_links(links)
        .with_limits(args.limits())
        .with_trusted_proxies(TrustedProxies::new(args.trusted_proxies.clone()));
    if let Some(mut url) = args.database.clone() {
        if let Some(ca) = &args.database_ca {
            url = url.trusting(ca);
        }
        config = config.with_database(url);
    }
    if let Some(keys) = &args.keys {
        config = config.with_keys_file(keys);
    }
    let database = match &args.database {
        Some(url) => url.to_string(),
        None => args.data.join(clavepin_server::DATABASE_FILE).display().to_string(),
    };
    let gateways = std::mem::take(&mut args.gateways).or_from_file();
    let (mut config, used) = match gateways.apply(config) {
        Ok(applied) => applied,
        Err(e) => {
            eprintln!("clavepin serve: {e}");
            return ExitCode::FAILURE;
        }
    };
    if let Some(issuer) = &args.issuer {
        if let Err(e) = check_issuer(issuer) {
            eprintln!("clavepin serve: --issuer {issuer}: {e}");
            return ExitCode::FAILURE;
        }
        config = config.with_issuer(issuer.trim_end_matches('/'));
    }
    let issuer = args.issuer.clone();
    let data = args.data;
    // A folder this run makes is removed again if the service cannot start.
    let made_here = !data.exists();
    let service = match Service::open(config) {
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
        addresses,
        tls,
        |bound| {
            let scheme = if bound.tls { "https" } else { "http" };
            println!("clavepin service listening on {scheme}://{}", bound.public);
            println!("operator API on {scheme}://{}", bound.operator);
            let derived = format!("{scheme}://{}", bound.public);
            let issuer = issuer.as_deref().map(|i| i.trim_end_matches('/')).unwrap_or(&derived);
            println!("OpenID Connect issuer: {issuer}");
            if used.is_empty() {
                println!("gateways: embedded (messages stay in the outbox: admin outbox)");
            } else {
                println!("gateways: {}", used.join(", "));
            }
            println!("data folder: {}", data.display());
            tracing::info!(
                public = %bound.public, operator = %bound.operator, tls = bound.tls, %issuer,
                "clavepin service listening"
            );
            println!("operator token: {}", token_file.display());
            println!("database: {database}");
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

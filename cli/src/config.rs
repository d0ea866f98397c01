//! The optional config file: defaults for the service's address, the address `serve`
//! listens on and the two data folders. Flags win over the environment, which wins
//! over this file, which wins over the built-in defaults (clap asks us for a default
//! only when neither a flag nor an environment variable gave the value).

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use serde::Deserialize;

use crate::paths;

/// What the file may say; any other key is refused, so a typo is not silently ignored.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// The PIN service (`--url`).
    url: Option<String>,
    /// Where `serve` listens (`serve --listen`).
    listen: Option<String>,
    /// Where `serve` listens for the operator API (`serve --operator-listen`).
    operator_listen: Option<String>,
    /// The desktop companion's data folder (`device --data`).
    device_data: Option<PathBuf>,
    /// The service's data folder (`serve --data`, `admin --data`).
    service_data: Option<PathBuf>,
    /// What else `serve` takes on its command line.
    #[serde(default)]
    serve: Serve,
}

/// The `[serve]` table: every other `serve` flag, under the flag's name with `_` for
/// `-` (a flag still wins).
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Serve {
    pub issuer: Option<String>,
    pub tls_cert: Option<PathBuf>,
    pub tls_key: Option<PathBuf>,
    #[serde(default)]
    pub trusted_proxies: Vec<std::net::IpAddr>,
    /// `--android-app`, each `PACKAGE:FINGERPRINT`.
    #[serde(default)]
    pub android_apps: Vec<String>,
    /// `--ios-app`, each `TEAMID.BUNDLE_ID`.
    #[serde(default)]
    pub ios_apps: Vec<String>,
    pub max_connections: Option<u32>,
    pub max_connections_per_address: Option<u32>,
    pub max_requests_in_flight: Option<u32>,
    pub max_requests_in_flight_per_address: Option<u32>,
    pub log_format: Option<crate::logging::Format>,
    /// `--database`: a `postgres://` URL.
    pub database: Option<String>,
    /// `--database-ca`: the CA the database's certificate chains to.
    pub database_ca: Option<PathBuf>,
    /// `--keys`: the key file every instance shares.
    pub keys: Option<PathBuf>,
    /// The real gateways' settings (`--fcm-service-account`…), flattened in.
    #[serde(flatten)]
    pub gateways: crate::gateways::GatewayArgs,
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read the config file {}: {source}", path.display())]
    Unreadable { path: PathBuf, source: std::io::Error },
    #[error("the config file {} is not valid: {reason}", path.display())]
    Invalid { path: PathBuf, reason: String },
}

static LOADED: OnceLock<Config> = OnceLock::new();

/// Where the file is looked for: `--config`, `CLAVEPIN_CONFIG`, or the platform's
/// config folder.
pub fn location(flag: Option<PathBuf>) -> (PathBuf, bool) {
    if let Some(path) = flag {
        return (path, true);
    }
    match std::env::var_os("CLAVEPIN_CONFIG").filter(|v| !v.is_empty()) {
        Some(named) => (PathBuf::from(named), true),
        None => (paths::config_home().join("config.toml"), false),
    }
}

/// `--config FILE` (or `--config=FILE`) anywhere on the command line: read before
/// clap parses it, since the file gives clap its defaults.
pub fn flag(args: &[std::ffi::OsString]) -> Option<PathBuf> {
    let mut args = args.iter().skip(1);
    while let Some(arg) = args.next() {
        let text = arg.to_string_lossy();
        if text == "--" {
            return None;
        }
        if text == "--config" {
            return args.next().map(PathBuf::from);
        }
        if let Some(path) = text.strip_prefix("--config=") {
            return Some(PathBuf::from(path));
        }
    }
    None
}

/// Reads the file once, before the command line is parsed. A missing file is fine
/// unless `--config` or `CLAVEPIN_CONFIG` names it.
pub fn load(flag: Option<PathBuf>) -> Result<(), ConfigError> {
    let (path, named) = location(flag);
    let config = match std::fs::read_to_string(&path) {
        Ok(text) => parse(&text, &path)?,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound && !named => Config::default(),
        Err(source) => return Err(ConfigError::Unreadable { path, source }),
    };
    let _ = LOADED.set(config);
    Ok(())
}

fn parse(text: &str, path: &Path) -> Result<Config, ConfigError> {
    let mut config: Config = toml::from_str(text)
        .map_err(|e| ConfigError::Invalid { path: path.to_owned(), reason: e.to_string() })?;
    // Relative folders are relative to the file, not to wherever the command runs.
    let base = path.parent().unwrap_or(Path::new("."));
    let serve = &mut config.serve;
    let folders = [&mut config.device_data, &mut config.service_data, &mut serve.tls_cert];
    for folder in folders
        .into_iter()
        .chain([&mut serve.tls_key, &mut serve.keys, &mut serve.database_ca])
        .flatten()
    {
        *folder = resolve(folder, base);
    }
    Ok(config)
}

fn resolve(folder: &Path, base: &Path) -> PathBuf {
    if let Ok(rest) = folder.strip_prefix("~") {
        return paths::home().join(rest);
    }
    base.join(folder)
}

fn loaded() -> &'static Config {
    LOADED.get_or_init(Config::default)
}

/// The service's address when `--url` and `CLAVEPIN_URL` are not given.
pub fn url() -> String {
    loaded().url.clone().unwrap_or_else(|| format!("http://{}", paths::DEFAULT_LISTEN))
}

/// Where `serve` listens when `--listen` is not given.
pub fn listen() -> String {
    loaded().listen.clone().unwrap_or_else(|| paths::DEFAULT_LISTEN.to_owned())
}

/// Where `serve` listens for the operator API when `--operator-listen` is not given.
pub fn operator_listen() -> String {
    loaded().operator_listen.clone().unwrap_or_else(|| paths::DEFAULT_OPERATOR_LISTEN.to_owned())
}

/// The desktop companion's folder when `--data` and `CLAVEPIN_DATA` are not given.
pub fn device_data() -> PathBuf {
    loaded().device_data.clone().unwrap_or_else(paths::default_device_dir)
}

/// The `[serve]` table (empty without a file).
pub fn serve() -> &'static Serve {
    &loaded().serve
}

/// The service's folder when `--data` and `CLAVEPIN_SERVICE_DATA` are not given.
pub fn service_data() -> PathBuf {
    loaded().service_data.clone().unwrap_or_else(paths::default_service_dir)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn folders_are_relative_to_the_file_and_unknown_keys_are_refused() {
        let path = Path::new("/etc/clavepin/config.toml");
        let config = parse("device_data = \"phone\"\nservice_data = \"/srv/svc\"\n", path).unwrap();
        assert_eq!(config.device_data.unwrap(), Path::new("/etc/clavepin/phone"));
        assert_eq!(config.service_data.unwrap(), Path::new("/srv/svc"));
        let typo = parse("serivce_data = \"x\"\n", path).unwrap_err().to_string();
        assert!(typo.contains("unknown field `serivce_data`"), "{typo}");
        assert!(typo.contains("/etc/clavepin/config.toml"), "{typo}");
        let wrong = parse("url = 8480\n", path).unwrap_err().to_string();
        assert!(wrong.contains("url"), "{wrong}");
    }

    #[test]
    fn the_serve_table_takes_every_serve_flag_and_refuses_others() {
        let path = Path::new("/etc/clavepin/config.toml");
        let text = "[serve]\nissuer = \"https://clave.example.es\"\ntls_cert = \"cert.pem\"\n\
                    tls_key = \"/k.pem\"\ntrusted_proxies = [\"10.0.0.1\", \"::1\"]\n\
                    max_connections = 100\nmax_connections_per_address = 10\n\
                    max_requests_in_flight = 50\nmax_requests_in_flight_per_address = 5\n\
                    log_format = \"json\"\n";
        let config = parse(text, path).unwrap();
        let serve = &config.serve;
        assert_eq!(serve.issuer.as_deref(), Some("https://clave.example.es"));
        assert_eq!(serve.tls_cert.as_deref(), Some(Path::new("/etc/clavepin/cert.pem")));
        assert_eq!(serve.tls_key.as_deref(), Some(Path::new("/k.pem")));
        assert_eq!(serve.trusted_proxies.len(), 2);
        assert_eq!(serve.max_requests_in_flight_per_address, Some(5));
        assert_eq!(serve.log_format, Some(crate::logging::Format::Json));
        let typo = parse("[serve]\nmax_conections = 1\n", path).unwrap_err().to_string();
        assert!(typo.contains("max_conections"), "{typo}");
        let bad = parse("[serve]\ntrusted_proxies = [\"a proxy\"]\n", path).unwrap_err();
        assert!(bad.to_string().contains("trusted_proxies"), "{bad}");
    }

    #[test]
    fn the_config_flag_is_found_before_parsing() {
        let args = |v: &[&str]| v.iter().map(std::ffi::OsString::from).collect::<Vec<_>>();
        assert_eq!(
            flag(&args(&["clavepin", "serve", "--config", "c.toml"])),
            Some("c.toml".into())
        );
        assert_eq!(flag(&args(&["clavepin", "--config=/x.toml", "serve"])), Some("/x.toml".into()));
        assert_eq!(flag(&args(&["clavepin", "device", "--", "--config", "x"])), None);
        assert_eq!(flag(&args(&["clavepin", "serve"])), None);
    }
}

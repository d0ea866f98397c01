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
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read the config file {}: {source}", path.display())]
    Unreadable { path: PathBuf, source: std::io::Error },
    #[error("the config file {} is not valid: {reason}", path.display())]
    Invalid { path: PathBuf, reason: String },
}

static LOADED: OnceLock<Config> = OnceLock::new();

/// Where the file is looked for: `CLAVEPIN_CONFIG`, or the platform's config folder.
pub fn location() -> (PathBuf, bool) {
    match std::env::var_os("CLAVEPIN_CONFIG").filter(|v| !v.is_empty()) {
        Some(named) => (PathBuf::from(named), true),
        None => (paths::config_home().join("config.toml"), false),
    }
}

/// Reads the file once, before the command line is parsed. A missing file is fine
/// unless `CLAVEPIN_CONFIG` names it.
pub fn load() -> Result<(), ConfigError> {
    let (path, named) = location();
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
    for folder in [&mut config.device_data, &mut config.service_data].into_iter().flatten() {
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
}

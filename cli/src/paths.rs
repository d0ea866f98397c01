//! Default folders, following each platform's convention for application data and
//! configuration.

use std::path::PathBuf;

pub fn home() -> PathBuf {
    std::env::var_os("HOME").map(PathBuf::from).unwrap_or_else(|| PathBuf::from("."))
}

/// `$XDG_DATA_HOME/clavepin` (or `~/.local/share/clavepin`) on Linux,
/// `~/Library/Application Support/clavepin` on macOS.
pub fn data_home() -> PathBuf {
    xdg_or("XDG_DATA_HOME", ".local/share")
}

/// `$XDG_CONFIG_HOME/clavepin` (or `~/.config/clavepin`) on Linux,
/// `~/Library/Application Support/clavepin` on macOS.
pub fn config_home() -> PathBuf {
    xdg_or("XDG_CONFIG_HOME", ".config")
}

fn xdg_or(variable: &str, fallback: &str) -> PathBuf {
    if cfg!(target_os = "macos") {
        return home().join("Library/Application Support/clavepin");
    }
    match std::env::var_os(variable).filter(|v| !v.is_empty()) {
        Some(xdg) => PathBuf::from(xdg).join("clavepin"),
        None => home().join(fallback).join("clavepin"),
    }
}

/// Where the desktop companion keeps its store by default.
pub fn default_device_dir() -> PathBuf {
    data_home().join("device")
}

/// Where `clavepin serve` keeps its database and keys by default.
pub fn default_service_dir() -> PathBuf {
    data_home().join("service")
}

/// The address `clavepin serve` listens on, and `admin` talks to, by default.
pub const DEFAULT_LISTEN: &str = "127.0.0.1:8480";
/// The operator API: loopback, on a port the system picks; `serve` writes it to the
/// data folder, where `admin --data` finds it.
pub const DEFAULT_OPERATOR_LISTEN: &str = "127.0.0.1:0";

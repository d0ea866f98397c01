//! Default folders, following each platform's convention for application data.

use std::path::PathBuf;

/// `$XDG_DATA_HOME/clavepin` (or `~/.local/share/clavepin`) on Linux,
/// `~/Library/Application Support/clavepin` on macOS.
pub fn data_home() -> PathBuf {
    let home = std::env::var_os("HOME").map(PathBuf::from).unwrap_or_else(|| PathBuf::from("."));
    if cfg!(target_os = "macos") {
        return home.join("Library/Application Support/clavepin");
    }
    match std::env::var_os("XDG_DATA_HOME").filter(|v| !v.is_empty()) {
        Some(xdg) => PathBuf::from(xdg).join("clavepin"),
        None => home.join(".local/share/clavepin"),
    }
}

/// Where `clavepin serve` keeps its database and keys by default.
pub fn default_service_dir() -> PathBuf {
    data_home().join("service")
}

/// The address `clavepin serve` listens on, and `admin` talks to, by default.
pub const DEFAULT_LISTEN: &str = "127.0.0.1:8480";

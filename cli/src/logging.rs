//! Logs go to stderr; `RUST_LOG` picks the level (default: info). `serve` may write
//! them as JSON, one object per line, for a log collector.

use std::io::IsTerminal;

/// How log lines are written.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, clap::ValueEnum, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    /// For people: one readable line per event, coloured on a terminal.
    #[default]
    Text,
    /// For machines: one JSON object per line (`timestamp`, `level`, `target`,
    /// `fields`).
    Json,
}

pub fn init(format: Format) {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let logs = tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr);
    let _ = match format {
        Format::Text => logs.with_ansi(std::io::stderr().is_terminal()).try_init(),
        Format::Json => logs.json().with_ansi(false).try_init(),
    };
}

//! Instants in the database are Unix milliseconds.

use clavepin_protocol::Timestamp;

/// Milliseconds since the epoch.
pub fn millis(t: Timestamp) -> i64 {
    t.timestamp_millis()
}

/// Back from milliseconds; out-of-range values (a corrupt row) become the epoch.
pub fn from_millis(ms: i64) -> Timestamp {
    Timestamp::from_timestamp_millis(ms).unwrap_or_default()
}

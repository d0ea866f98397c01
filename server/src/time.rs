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

/// Seconds until the oldest event of a rolling window leaves it (at least 1): what a
/// rate-limit refusal tells the client to wait.
pub fn retry_after_secs(oldest_ms: Option<i64>, window: chrono::TimeDelta, now: Timestamp) -> i64 {
    let free_at = oldest_ms.unwrap_or(millis(now)) + window.num_milliseconds();
    ((free_at - millis(now)) / 1000).max(1)
}

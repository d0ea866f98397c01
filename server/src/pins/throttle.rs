//! Throttling wrong PINs (SPEC.md's table). A 3-character PIN has 29,791 values, far
//! fewer than NIST SP 800-63B's 10⁶ for a 6-digit one, so the limits carry the weight:
//! 3 tries per request, then per citizen waits of 1, 5, 15 and 60 minutes from the
//! 10th consecutive failure, and a stop at 100 (SP 800-63B §5.2.2). docs/SECURITY.md
//! works out the odds.

use chrono::TimeDelta;
use clavepin_protocol::{DocumentNumber, Timestamp};

use crate::db::StoreResult;
use crate::db::pins::PinStore;
use crate::error::{PinError, PinResult};
use crate::time::millis;

/// Wrong tries before a PIN request dies.
pub const TRIES_PER_REQUEST: i64 = 3;

/// Consecutive failures at which PINs are refused until re-activation or an operator
/// unlocks.
pub const LOCK_AT: i64 = 100;

/// Consecutive failures before the first wait.
const FREE_FAILURES: i64 = 10;

/// The wait after the `failures`-th consecutive failure: none before the 10th, then 1,
/// 5 and 15 minutes, then an hour after each further failure.
pub fn wait_after(failures: i64) -> TimeDelta {
    match failures - FREE_FAILURES {
        ..0 => TimeDelta::zero(),
        0 => TimeDelta::minutes(1),
        1 => TimeDelta::minutes(5),
        2 => TimeDelta::minutes(15),
        _ => TimeDelta::hours(1),
    }
}

/// At most this many PIN requests per citizen in [`PUSH_CAP_WINDOW`], so nobody can
/// flood a citizen's phone (SPEC.md's "push cap").
pub const PUSH_CAP: i64 = 5;
/// The push cap's window.
pub const PUSH_CAP_WINDOW: TimeDelta = TimeDelta::minutes(10);

/// Refuses while the citizen waits after wrong PINs, or is stopped at 100.
pub fn check_not_throttled(
    store: &dyn PinStore,
    document: &DocumentNumber,
    now: Timestamp,
) -> PinResult<()> {
    let block = store.pin_block(document)?;
    if block.locked {
        return Err(PinError::PinsLocked);
    }
    let wait_ms = block.blocked_until - millis(now);
    if wait_ms > 0 {
        return Err(PinError::Throttled { retry_after_secs: (wait_ms + 999) / 1000 });
    }
    Ok(())
}

/// Clears a citizen's PIN failures (operator unlock, or a new activation).
pub fn clear_failures(store: &dyn PinStore, document: &DocumentNumber) -> StoreResult<bool> {
    store.clear_pin_failures(document)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_waits_follow_the_table() {
        for f in 0..10 {
            assert_eq!(wait_after(f), TimeDelta::zero(), "{f}");
        }
        assert_eq!(wait_after(10), TimeDelta::minutes(1));
        assert_eq!(wait_after(11), TimeDelta::minutes(5));
        assert_eq!(wait_after(12), TimeDelta::minutes(15));
        assert_eq!(wait_after(13), TimeDelta::hours(1));
        assert_eq!(wait_after(99), TimeDelta::hours(1));
    }
}

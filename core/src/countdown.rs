//! The expiry counter on the app screen (seed 002: "This screen will refresh every
//! 10 seconds"). Pure arithmetic over an injected `now`, so it is tested to the
//! millisecond without waiting.
//!
//! Refresh instants are aligned to the PIN's expiry (expiry − 10 s·k), not to when
//! the screen opened: every refresh shows a round number of seconds, two screens
//! agree, and the last refresh lands exactly on the expiry and shows "expired".

use chrono::TimeDelta;
use clavepin_protocol::Timestamp;

/// How often the app screen refreshes (seed 002, SPEC.md's table).
pub const REFRESH_INTERVAL: TimeDelta = TimeDelta::seconds(10);

/// What the expiry counter shows at one instant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct Countdown {
    /// When the PIN stops being accepted.
    pub expires_at: Timestamp,
    /// Whole seconds left, rounded up, so the counter reads 0 only once expired.
    pub seconds_left: u32,
    /// Whether the PIN has expired.
    pub expired: bool,
    /// When the screen should refresh next; `None` once expired.
    pub next_refresh_at: Option<Timestamp>,
}

impl Countdown {
    /// The counter for a PIN expiring at `expires_at`, seen at `now`.
    pub fn at(expires_at: Timestamp, now: Timestamp) -> Self {
        let left = time_left(expires_at, now);
        let millis = left.num_milliseconds();
        Countdown {
            expires_at,
            seconds_left: u32::try_from((millis + 999) / 1000).unwrap_or(u32::MAX),
            expired: is_expired(expires_at, now),
            next_refresh_at: next_refresh(expires_at, now),
        }
    }

    /// The time left as the screen writes it, `m:ss`.
    pub fn display(&self) -> String {
        format!("{}:{:02}", self.seconds_left / 60, self.seconds_left % 60)
    }
}

/// Time left before `expires_at`; zero once it has passed.
pub fn time_left(expires_at: Timestamp, now: Timestamp) -> TimeDelta {
    (expires_at - now).max(TimeDelta::zero())
}

/// A PIN is expired from its expiry instant on: at exactly 10:00 it is refused.
pub fn is_expired(expires_at: Timestamp, now: Timestamp) -> bool {
    now >= expires_at
}

/// The first refresh instant strictly after `now`, or `None` once expired.
pub fn next_refresh(expires_at: Timestamp, now: Timestamp) -> Option<Timestamp> {
    if is_expired(expires_at, now) {
        return None;
    }
    let step = REFRESH_INTERVAL.num_milliseconds();
    let left = (expires_at - now).num_milliseconds();
    // The largest k with expires_at − k·step > now, i.e. k = ceil(left / step) − 1.
    let k = (left + step - 1) / step - 1;
    Some(expires_at - TimeDelta::milliseconds(k * step))
}

/// Every refresh instant after `now`, up to and including the expiry.
pub fn refresh_instants(expires_at: Timestamp, now: Timestamp) -> impl Iterator<Item = Timestamp> {
    std::iter::successors(next_refresh(expires_at, now), move |&t| {
        (t < expires_at).then(|| (t + REFRESH_INTERVAL).min(expires_at))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::DateTime;

    fn t0() -> Timestamp {
        DateTime::from_timestamp(1_800_000_000, 0).unwrap_or_default()
    }

    fn secs(s: i64) -> TimeDelta {
        TimeDelta::seconds(s)
    }

    #[test]
    fn a_fresh_pin_has_ten_minutes() {
        let expires = t0() + secs(600);
        let c = Countdown::at(expires, t0());
        assert_eq!(c.seconds_left, 600);
        assert!(!c.expired);
        assert_eq!(c.display(), "10:00");
        assert_eq!(c.next_refresh_at, Some(t0() + secs(10)));
    }

    #[test]
    fn seconds_round_up_until_the_last_moment() {
        let expires = t0() + secs(600);
        let c = Countdown::at(expires, t0() + TimeDelta::milliseconds(599_001));
        assert_eq!((c.seconds_left, c.expired), (1, false));
        assert_eq!(c.display(), "0:01");
        let c = Countdown::at(expires, t0() + TimeDelta::milliseconds(599_999));
        assert_eq!((c.seconds_left, c.expired), (1, false));
    }

    #[test]
    fn expiry_is_inclusive_and_then_clamped() {
        let expires = t0() + secs(600);
        for after in [600, 601, 3_600] {
            let c = Countdown::at(expires, t0() + secs(after));
            assert_eq!((c.seconds_left, c.expired, c.next_refresh_at), (0, true, None));
            assert_eq!(c.display(), "0:00");
        }
        assert_eq!(time_left(expires, t0() + secs(700)), TimeDelta::zero());
    }

    #[test]
    fn refreshes_align_to_the_expiry() {
        // Opened 3.5 s after issue: the first refresh waits for the next round 10 s.
        let expires = t0() + secs(600);
        let now = t0() + TimeDelta::milliseconds(3_500);
        assert_eq!(next_refresh(expires, now), Some(t0() + secs(10)));
        // Exactly on a refresh instant, the next one is 10 s later.
        assert_eq!(next_refresh(expires, t0() + secs(10)), Some(t0() + secs(20)));
        // Half a second before expiry, the next refresh is the expiry itself.
        let late = expires - TimeDelta::milliseconds(500);
        assert_eq!(next_refresh(expires, late), Some(expires));
    }

    #[test]
    fn a_whole_pin_life_has_sixty_refreshes_ending_at_expiry() {
        let expires = t0() + secs(600);
        let instants: Vec<_> = refresh_instants(expires, t0()).collect();
        assert_eq!(instants.len(), 60);
        assert_eq!(instants.first(), Some(&(t0() + secs(10))));
        assert_eq!(instants.last(), Some(&expires));
        assert!(instants.windows(2).all(|w| w[1] - w[0] == REFRESH_INTERVAL));
        // Each refresh shows a round ten seconds.
        assert!(
            instants.iter().all(|&t| Countdown::at(expires, t).seconds_left.is_multiple_of(10))
        );
    }

    #[test]
    fn an_odd_expiry_still_ends_on_the_expiry() {
        let expires = t0() + TimeDelta::milliseconds(25_250);
        let instants: Vec<_> = refresh_instants(expires, t0()).collect();
        assert_eq!(instants, vec![expires - secs(20), expires - secs(10), expires]);
    }
}

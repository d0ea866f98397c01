//! Retrying what is safe to retry. A phone's network drops, resets and times out, and
//! a service behind a load balancer answers 502 or 503 while an instance restarts:
//! requests that change nothing when repeated (every signed device request, and
//! completing an activation, which the service answers the same way twice) are sent
//! again, up to [`ATTEMPTS`] times with a doubling wait, or the wait the service asked
//! for. Starting an activation is never repeated: it would text the citizen a new code.

use std::time::Duration;

use clavepin_protocol::wire::ErrorCode;

use super::ClientError;

/// Tries in all, the first included.
pub const ATTEMPTS: u32 = 4;

/// The wait before the first retry; it doubles after each.
const FIRST_WAIT: Duration = Duration::from_millis(250);

/// The longest wait honoured when the service names one (`Retry-After`): beyond it
/// the caller hears of the refusal and decides.
const LONGEST_WAIT: Duration = Duration::from_secs(5);

/// Whether `error` may pass if the same request is sent again, and after how long
/// (`retry` is the number of retries already made).
pub fn wait_before_retry(error: &ClientError, retry: u32) -> Option<Duration> {
    let backoff = FIRST_WAIT * 2u32.saturating_pow(retry);
    match error {
        // Offline, reset, timed out, or an answer that broke off: try again.
        ClientError::Unreachable(_) => Some(backoff),
        ClientError::Refused { code, retry_after_secs, .. } => match code {
            ErrorCode::Busy | ErrorCode::RequestTimeout | ErrorCode::Internal => {
                let asked = retry_after_secs.map(|s| Duration::from_secs(s.max(0).unsigned_abs()));
                let wait = asked.unwrap_or(backoff).max(backoff);
                (wait <= LONGEST_WAIT).then_some(wait)
            }
            _ => None,
        },
        // A certificate not trusted, an answer not understood, a local failure: the
        // same again would fail the same way.
        ClientError::Untrusted
        | ClientError::InsecureAddress
        | ClientError::Protocol(_)
        | ClientError::Local(_) => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refused(code: ErrorCode, retry_after_secs: Option<i64>) -> ClientError {
        ClientError::Refused { code, message: String::new(), tries_left: None, retry_after_secs }
    }

    #[test]
    fn only_what_may_pass_next_time_is_retried() {
        let offline = ClientError::Unreachable("connection failed".into());
        assert_eq!(wait_before_retry(&offline, 0), Some(Duration::from_millis(250)));
        assert_eq!(wait_before_retry(&offline, 2), Some(Duration::from_secs(1)));
        assert_eq!(
            wait_before_retry(&refused(ErrorCode::Busy, Some(1)), 0),
            Some(Duration::from_secs(1))
        );
        assert_eq!(wait_before_retry(&refused(ErrorCode::Busy, Some(60)), 0), None, "too long");
        assert_eq!(wait_before_retry(&refused(ErrorCode::WrongPin, None), 0), None);
        assert_eq!(wait_before_retry(&ClientError::Protocol("garbage".into()), 0), None);
        assert_eq!(wait_before_retry(&ClientError::Untrusted, 0), None);
    }
}

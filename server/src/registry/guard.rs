//! Throttling guesses of contrast data. A DNI's validity date is one of a few
//! thousand days, so without a limit it could be found by trying; every public
//! endpoint that checks a claim counts failures (unknown documents too) by client and
//! by document, so that an attacker's failures stop the attacker and only slow the
//! document down, never lock its citizen out:
//!
//! - one client (an address, `serving::client`) fails at most [`PER_CLIENT_AND_DOCUMENT`]
//!   claims for one document, and [`PER_CLIENT`] claims in all, in [`WINDOW`]; then it
//!   waits, and nobody else does;
//! - from [`FREE_FAILURES`] failures for one document in [`DOCUMENT_WINDOW`], from
//!   anyone, each further claim for it waits [`document_delay`] after the latest
//!   failure: 30 s, doubling, at most 15 minutes. The citizen waits at most that long;
//!   an attacker who rotates addresses gets about 100 guesses a day
//!   (docs/SECURITY.md works out the odds).

use crate::store::Store;
use chrono::TimeDelta;
use clavepin_protocol::{DocumentNumber, Timestamp};

use crate::db::registry::RegistryStore;
use crate::db::{Db, StoreResult};
use crate::error::{ClaimOutcome, RegistryError, RegistryResult};
use crate::serving::client::ClientAddress;
use crate::time::{from_millis, millis, retry_after_secs};

/// Failed claims one client may make for one document in [`WINDOW`].
pub const PER_CLIENT_AND_DOCUMENT: i64 = 5;
/// Failed claims one client may make in all in [`WINDOW`]: generous, because many
/// citizens share a carrier's NAT address, and each mistypes now and then.
pub const PER_CLIENT: i64 = 100;
/// The per-client window.
pub const WINDOW: TimeDelta = TimeDelta::hours(1);
/// Failures for a document, from anyone, before its claims are spaced out.
pub const FREE_FAILURES: i64 = 5;
/// The per-document window.
pub const DOCUMENT_WINDOW: TimeDelta = TimeDelta::hours(24);
/// The longest wait a document's failures impose.
pub const MAX_DOCUMENT_DELAY: TimeDelta = TimeDelta::minutes(15);

/// The wait after a document's `failures`-th failure in [`DOCUMENT_WINDOW`]: none for
/// the first [`FREE_FAILURES`] - 1, then 30 s doubling up to [`MAX_DOCUMENT_DELAY`].
pub fn document_delay(failures: i64) -> TimeDelta {
    let beyond = failures - FREE_FAILURES;
    if beyond < 0 {
        return TimeDelta::zero();
    }
    let secs = 30i64.saturating_mul(1i64 << beyond.min(10));
    TimeDelta::seconds(secs).min(MAX_DOCUMENT_DELAY)
}

/// Runs `f` in a write transaction once the document is not throttled. The check, `f`
/// and the count of a contrast mismatch are one job on the writer, so concurrent
/// claims cannot all pass the check before any failure is counted: `f`'s changes roll
/// back with its refusal (its own savepoint), the count stays. Every endpoint and
/// page that checks a citizen's claim goes through here.
pub async fn guarded<T, E, F>(
    db: &Db,
    now: Timestamp,
    document: DocumentNumber,
    client: ClientAddress,
    f: F,
) -> Result<T, E>
where
    T: Send + 'static,
    E: ClaimOutcome + Send + 'static,
    F: FnOnce(&dyn Store) -> Result<T, E> + Send + 'static,
{
    db.write(move |tx| {
        let client = client.as_key();
        check(tx, &document, &client, now)?;
        tx.savepoint("claim")?;
        match f(tx) {
            Ok(value) => {
                tx.release("claim")?;
                Ok::<_, E>(Ok(value))
            }
            Err(refused) => {
                tx.rollback_to("claim")?;
                if refused.is_contrast_mismatch() {
                    record_failure(tx, &document, &client, now)?;
                }
                Ok(Err(refused))
            }
        }
    })
    .await?
}

/// Refuses while this client has failed too often, or the document's wait runs.
pub fn check(
    store: &dyn RegistryStore,
    document: &DocumentNumber,
    client: &str,
    now: Timestamp,
) -> RegistryResult<()> {
    let since = millis(now - WINDOW);
    for (cap, of_document) in [(PER_CLIENT_AND_DOCUMENT, Some(document)), (PER_CLIENT, None)] {
        let (count, oldest) = store.client_claim_failures_since(client, of_document, since)?;
        if count >= cap {
            return Err(RegistryError::TooManyAttempts {
                retry_after_secs: retry_after_secs(oldest, WINDOW, now),
            });
        }
    }
    let (count, latest) = store.claim_failures_since(document, millis(now - DOCUMENT_WINDOW))?;
    if let Some(latest) = latest {
        let until = from_millis(latest) + document_delay(count);
        if until > now {
            let wait_ms = (until - now).num_milliseconds();
            return Err(RegistryError::TooManyAttempts {
                retry_after_secs: (wait_ms + 999) / 1000,
            });
        }
    }
    Ok(())
}

/// Counts one failed claim.
pub fn record_failure(
    store: &dyn RegistryStore,
    document: &DocumentNumber,
    client: &str,
    now: Timestamp,
) -> RegistryResult<()> {
    Ok(store.insert_claim_failure(document, client, millis(now))?)
}

/// Forgets failures older than the window.
pub fn prune(store: &dyn RegistryStore, now: Timestamp) -> StoreResult<usize> {
    store.prune_claim_failures(millis(now - DOCUMENT_WINDOW.max(WINDOW)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_documents_wait_grows_from_30_s_to_15_minutes() {
        assert_eq!(document_delay(4), TimeDelta::zero());
        assert_eq!(document_delay(5), TimeDelta::seconds(30));
        assert_eq!(document_delay(6), TimeDelta::minutes(1));
        assert_eq!(document_delay(9), TimeDelta::minutes(8));
        assert_eq!(document_delay(10), TimeDelta::minutes(15));
        assert_eq!(document_delay(i64::MAX), TimeDelta::minutes(15));
    }
}

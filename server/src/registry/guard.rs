//! Throttling guesses of contrast data. A DNI's validity date is one of a few
//! thousand days, so without a limit it could be found by trying; every public
//! endpoint that checks a claim counts failures per document (unknown documents too).

use chrono::TimeDelta;
use clavepin_protocol::{DocumentNumber, Timestamp};
use rusqlite::Connection;

use crate::db::registry::RegistryStore;
use crate::db::{Db, StoreError, StoreResult};
use crate::error::{ClaimOutcome, RegistryError, RegistryResult};
use crate::time::{millis, retry_after_secs};

/// Failed claims allowed per document in [`WINDOW`].
pub const MAX_FAILURES: i64 = 5;
/// The rolling window.
pub const WINDOW: TimeDelta = TimeDelta::hours(1);

/// Runs `f` in a write transaction once the document is not throttled. The check, `f`
/// and the count of a contrast mismatch are one job on the writer, so concurrent
/// claims cannot all pass the check before any failure is counted: `f`'s changes roll
/// back with its refusal (its own savepoint), the count stays. Every endpoint and
/// page that checks a citizen's claim goes through here.
pub async fn guarded<T, E, F>(
    db: &Db,
    now: Timestamp,
    document: DocumentNumber,
    f: F,
) -> Result<T, E>
where
    T: Send + 'static,
    E: ClaimOutcome + Send + 'static,
    F: FnOnce(&Connection) -> Result<T, E> + Send + 'static,
{
    db.write(move |tx| {
        check(tx, &document, now)?;
        let sql = |batch: &str| tx.execute_batch(batch).map_err(|e| E::from(StoreError::from(e)));
        sql("SAVEPOINT claim")?;
        match f(tx) {
            Ok(value) => {
                sql("RELEASE claim")?;
                Ok::<_, E>(Ok(value))
            }
            Err(refused) => {
                sql("ROLLBACK TO claim; RELEASE claim")?;
                if refused.is_contrast_mismatch() {
                    record_failure(tx, &document, now)?;
                }
                Ok(Err(refused))
            }
        }
    })
    .await?
}

/// Refuses while a document has had too many failed claims.
pub fn check(
    store: &impl RegistryStore,
    document: &DocumentNumber,
    now: Timestamp,
) -> RegistryResult<()> {
    let (count, oldest) = store.claim_failures_since(document, millis(now - WINDOW))?;
    if count >= MAX_FAILURES {
        return Err(RegistryError::TooManyAttempts {
            retry_after_secs: retry_after_secs(oldest, WINDOW, now),
        });
    }
    Ok(())
}

/// Counts one failed claim.
pub fn record_failure(
    store: &impl RegistryStore,
    document: &DocumentNumber,
    now: Timestamp,
) -> RegistryResult<()> {
    Ok(store.insert_claim_failure(document, millis(now))?)
}

/// Forgets failures older than the window.
pub fn prune(store: &impl RegistryStore, now: Timestamp) -> StoreResult<usize> {
    store.prune_claim_failures(millis(now - WINDOW))
}

//! Throttling guesses of contrast data. A DNI's validity date is one of a few
//! thousand days, so without a limit it could be found by trying; every public
//! endpoint that checks a claim counts failures per document (unknown documents too).

use chrono::TimeDelta;
use clavepin_protocol::{DocumentNumber, Timestamp};
use rusqlite::Connection;

use crate::db::registry::RegistryStore;
use crate::db::{Db, StoreResult};
use crate::error::{ClaimOutcome, RegistryError, RegistryResult};
use crate::time::{millis, retry_after_secs};

/// Failed claims allowed per document in [`WINDOW`].
pub const MAX_FAILURES: i64 = 5;
/// The rolling window.
pub const WINDOW: TimeDelta = TimeDelta::hours(1);

/// Runs `f` in a write transaction once the document is not throttled; a contrast
/// mismatch is then counted in a transaction of its own (the refused one rolls back).
/// Every endpoint and page that checks a citizen's claim goes through here.
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
    let outcome = db
        .write(move |tx| {
            check(tx, &document, now)?;
            f(tx)
        })
        .await;
    if matches!(&outcome, Err(e) if e.is_contrast_mismatch()) {
        db.write(move |tx| record_failure(tx, &document, now).map_err(E::from)).await?;
    }
    outcome
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

//! Endpoints that check a citizen's claim run through the guess throttle.

use clavepin_protocol::DocumentNumber;
use rusqlite::Transaction;

use crate::error::{ServiceError, ServiceResult};
use crate::registry::guard;
use crate::state::AppState;

/// Runs `f` in a write transaction once the document is not throttled; a contrast
/// mismatch is then counted in a transaction of its own (the refused one rolls back).
pub async fn guarded<T, F>(state: &AppState, document: DocumentNumber, f: F) -> ServiceResult<T>
where
    T: Send + 'static,
    F: FnOnce(&Transaction<'_>) -> ServiceResult<T> + Send + 'static,
{
    let now = state.now();
    let outcome = state
        .db
        .write(move |tx| {
            guard::check(tx, &document, now)?;
            f(tx)
        })
        .await;
    if matches!(outcome, Err(ServiceError::ContrastDataMismatch)) {
        state.db.write(move |tx| guard::record_failure(tx, &document, now)).await?;
    }
    outcome
}

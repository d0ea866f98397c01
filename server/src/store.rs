//! Everything the rules may ask of storage, for a rule that crosses areas (issuing a
//! PIN checks the registry, reads the device, queues a push), and the database's
//! `write` and `read`, which hand a closure the store of whichever engine runs.

use crate::db::activation::ActivationStore;
use crate::db::activity::ActivityStore;
use crate::db::approvals::ApprovalStore;
use crate::db::audit::AuditStore;
use crate::db::devices::DeviceStore;
use crate::db::oidc::OidcStore;
use crate::db::pins::PinStore;
use crate::db::registry::RegistryStore;
use crate::db::shared::SharedStore;
use crate::db::{Db, Savepoints, StoreError, Tx};
use crate::delivery::outbox::OutboxStore;

pub trait Store:
    RegistryStore
    + ActivationStore
    + ActivityStore
    + ApprovalStore
    + DeviceStore
    + PinStore
    + OutboxStore
    + OidcStore
    + AuditStore
    + SharedStore
    + Savepoints
{
}

impl<T> Store for T where
    T: RegistryStore
        + ActivationStore
        + ActivityStore
        + ApprovalStore
        + DeviceStore
        + PinStore
        + OutboxStore
        + OidcStore
        + AuditStore
        + SharedStore
        + Savepoints
        + ?Sized
{
}

impl Db {
    /// Runs `f` in a write transaction (its own savepoint of the batch's), kept if it
    /// returns `Ok`; the answer comes once it is committed. Where a refusal must still
    /// leave a trace (a wrong code counts a try), `f` returns `Ok(Err(refusal))`.
    pub async fn write<T, E, F>(&self, f: F) -> Result<T, E>
    where
        T: Send + 'static,
        E: From<StoreError> + Send + 'static,
        F: FnOnce(&dyn Store) -> Result<T, E> + Send + 'static,
    {
        self.write_tx(move |tx| on_store(tx, f)).await
    }

    /// Runs `f` on a reader, off the async threads.
    pub async fn read<T, E, F>(&self, f: F) -> Result<T, E>
    where
        T: Send + 'static,
        E: From<StoreError> + Send + 'static,
        F: FnOnce(&dyn Store) -> Result<T, E> + Send + 'static,
    {
        self.read_tx(move |tx| on_store(tx, f)).await
    }
}

/// Runs `f` on the engine's connection, as the store traits.
fn on_store<R>(tx: Tx<'_, '_>, f: impl FnOnce(&dyn Store) -> R) -> R {
    match tx {
        Tx::Sqlite(conn) => f(conn),
        Tx::Postgres(pg) => f(pg),
    }
}

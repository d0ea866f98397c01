//! The operator audit log: every change made through the operator API is recorded in
//! the transaction that makes it, so the log holds exactly what happened. There is
//! one operator token, so the log names the client address, not a person; a
//! deployment with several operators puts its own identity proxy in front.

use clavepin_protocol::{DocumentNumber, Timestamp};

use crate::db::StoreResult;
use crate::db::audit::{AuditStore, NewEntry};
use crate::serving::client::ClientAddress;
use crate::time::millis;

/// What an operator did.
#[derive(Debug, Clone, Copy)]
pub enum Action<'a> {
    /// Census records loaded: how many.
    CensusLoaded { records: usize },
    /// A load changed a registered citizen's contrast data (allowed explicitly).
    RegisteredCitizenChanged(&'a DocumentNumber),
    /// A citizen registered at an office.
    CitizenRegistered(&'a DocumentNumber),
    /// A citizen's PIN failures cleared.
    PinsUnlocked(&'a DocumentNumber),
    /// A citizen's activation-code limit cleared.
    CodeLimitCleared(&'a DocumentNumber),
    /// A site registered with the OpenID Connect provider: its id and name.
    ClientRegistered { id: &'a str, name: &'a str },
    /// A site removed.
    ClientRemoved { id: &'a str },
    /// The token-signing key replaced at once: the new key's id.
    SigningKeyRotated { kid: &'a str },
}

/// Records `action` by `client` at `now`.
pub fn record(
    store: &dyn AuditStore,
    action: Action<'_>,
    client: ClientAddress,
    now: Timestamp,
) -> StoreResult<()> {
    let (name, document, detail) = match action {
        Action::CensusLoaded { records } => {
            ("census_loaded", None, format!("{records} census records loaded"))
        }
        Action::RegisteredCitizenChanged(d) => (
            "registered_citizen_changed",
            Some(d),
            "a census load changed a registered citizen's contrast data".to_owned(),
        ),
        Action::CitizenRegistered(d) => {
            ("citizen_registered", Some(d), "registered at an office".to_owned())
        }
        Action::PinsUnlocked(d) => ("pins_unlocked", Some(d), "PIN failures cleared".to_owned()),
        Action::CodeLimitCleared(d) => {
            ("code_limit_cleared", Some(d), "activation-code limit cleared".to_owned())
        }
        Action::ClientRegistered { id, name } => {
            ("client_registered", None, format!("site {name:?} registered as {id}"))
        }
        Action::ClientRemoved { id } => ("client_removed", None, format!("site {id} removed")),
        Action::SigningKeyRotated { kid } => {
            ("signing_key_rotated", None, format!("token-signing key {kid} signs from now"))
        }
    };
    store.append_audit(&NewEntry {
        at: millis(now),
        action: name,
        document: document.map(DocumentNumber::as_str),
        detail: &detail,
        client: &client.as_key(),
    })
}

//! The citizens on this device (a family phone holds several; seed 004 keeps "a list
//! of registered Clave PIN users" to pick from), removing one, and learning from the
//! service that this device was replaced.

use clavepin_protocol::wire::{DeviceState, DeviceStatus};
use clavepin_protocol::{DocumentKind, DocumentNumber, Timestamp};
use reqwest::Method;

use super::Device;
use crate::error::{CoreError, CoreResult};
use crate::store::CitizenState;

/// A citizen as the list shows them.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct CitizenSummary {
    /// The document number.
    pub document: DocumentNumber,
    /// DNI or NIE.
    pub kind: DocumentKind,
    /// Where their activation stands.
    pub state: CitizenState,
    /// When activated.
    pub activated_at: Timestamp,
    /// Whether unlocked now.
    pub unlocked: bool,
}

impl Device {
    /// Everyone activated on this device, oldest first.
    pub fn citizens(&self) -> CoreResult<Vec<CitizenSummary>> {
        let citizens = self.store().citizens()?;
        let sessions = self.sessions();
        Ok(citizens
            .into_iter()
            .map(|c| CitizenSummary {
                kind: c.document.kind(),
                unlocked: sessions.contains_key(&c.document),
                document: c.document,
                state: c.state,
                activated_at: c.activated_at,
            })
            .collect())
    }

    /// Asks the service whether this device is still the citizen's; a replaced one
    /// is marked so, and stops trying to receive PINs. Needs the citizen unlocked.
    pub async fn check_status(&self, document: &str) -> CoreResult<CitizenState> {
        let document = Self::document(document)?;
        let session = self.session(&document)?;
        let status: Result<DeviceStatus, _> = self
            .client()
            .signed::<(), _>(session.signer(), Method::GET, "/device/status", None)
            .await;
        match status.map_err(CoreError::from) {
            Ok(s) if s.state == DeviceState::Active => Ok(CitizenState::Active),
            Ok(_) | Err(CoreError::DeviceReplaced | CoreError::DeviceRemoved) => {
                self.store().mark_replaced(&document)?;
                self.notify_changed();
                Ok(CitizenState::Replaced)
            }
            Err(e) => Err(e),
        }
    }

    /// Removes a citizen from this device: tells the service (if unlocked and
    /// reachable) and deletes everything stored. Returns whether the service heard.
    pub async fn remove_citizen(&self, document: &str) -> CoreResult<bool> {
        let document = Self::document(document)?;
        if self.store().citizen(&document)?.is_none() {
            return Err(CoreError::UnknownCitizen);
        }
        let told = match self.session(&document) {
            Ok(session) => self
                .client()
                .signed::<(), ()>(session.signer(), Method::DELETE, "/device", None)
                .await
                .map_err(CoreError::from)
                .is_ok(),
            Err(_) => false,
        };
        self.store().remove_citizen(&document)?;
        self.sessions().remove(&document);
        self.notify_changed();
        Ok(told)
    }
}

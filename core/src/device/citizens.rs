//! The citizens on this device (a family phone holds several; seed 004 keeps "a list
//! of registered Clave PIN users" to pick from), removing one, and learning from the
//! service that this device was replaced.

use clavepin_protocol::wire::{DeviceState, DeviceStatus};
use clavepin_protocol::{DocumentKind, DocumentNumber, Timestamp};
use reqwest::Method;

use super::Device;
use crate::client::Signer;
use crate::error::{CoreError, CoreResult};
use crate::store::CitizenState;
use clavepin_protocol::crypto::DeviceSigningKey;
use clavepin_protocol::wire::ErrorCode;

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

    /// Removes a citizen from this device and tells the service, so it stops sending
    /// their PINs here. Needs the citizen unlocked: the removal is signed. Offline, the
    /// citizen is gone from the device at once and the service is told the next time
    /// the device reaches it ([`Device::tell_pending_removals`]). Returns whether the
    /// service heard now.
    pub async fn remove_citizen(&self, document: &str) -> CoreResult<bool> {
        let document = Self::document(document)?;
        let citizen = self.store().citizen(&document)?.ok_or(CoreError::UnknownCitizen)?;
        let session = match self.session(&document) {
            Ok(session) => Some(session),
            // Replaced or never finished: the service no longer sends PINs here.
            Err(_) if citizen.state != CitizenState::Active => None,
            Err(e) => return Err(e),
        };
        let told = match &session {
            None => true,
            Some(session) => {
                let sent: Result<(), _> = self
                    .client()
                    .signed::<(), ()>(session.signer(), Method::DELETE, "/device", None)
                    .await;
                match sent.map_err(CoreError::from) {
                    Ok(()) | Err(CoreError::DeviceReplaced | CoreError::DeviceRemoved) => true,
                    Err(CoreError::Offline(_) | CoreError::Untrusted | CoreError::Protocol(_)) => {
                        let pkcs8 = session.key.pkcs8();
                        self.store().queue_removal(&citizen.device_id, pkcs8, self.now())?;
                        false
                    }
                    Err(e) => return Err(e),
                }
            }
        };
        self.store().remove_citizen(&document)?;
        self.sessions().remove(&document);
        self.notify_changed();
        Ok(told)
    }

    /// Tells the service of removals made while offline. Returns how many it heard;
    /// stops at the first that cannot reach it (they stay for the next time).
    pub async fn tell_pending_removals(&self) -> CoreResult<usize> {
        let pending = self.store().pending_removals()?;
        let mut told = 0;
        for (device_id, pkcs8) in pending {
            let key = DeviceSigningKey::from_pkcs8(&pkcs8, self.store().rng())
                .map_err(|_| crate::store::StoreError::Corrupt("pending removal key"))?;
            let signer = Signer { device_id: &device_id, key: &key };
            let sent: Result<(), _> =
                self.client().signed::<(), ()>(signer, Method::DELETE, "/device", None).await;
            match sent.map_err(CoreError::from) {
                Ok(()) | Err(CoreError::DeviceReplaced | CoreError::DeviceRemoved) => {}
                Err(CoreError::Refused { code: ErrorCode::UnknownDevice, .. }) => {}
                Err(e @ (CoreError::Offline(_) | CoreError::Untrusted)) => {
                    return if told > 0 { Ok(told) } else { Err(e) };
                }
                Err(e) => return Err(e),
            }
            self.store().forget_removal(&device_id)?;
            told += 1;
        }
        Ok(told)
    }
}

//! Receiving PINs: from a push (`push.rs`), a pull, the direct channel. A PIN is
//! opened with the citizen's sealing key, stored, then acknowledged (only once stored,
//! and only with the citizen unlocked: a PIN that arrives while locked is acknowledged
//! by the next pull).

use clavepin_protocol::crypto::{SealedPin, SealingContext};
use clavepin_protocol::wire::{
    NotMeRecorded, PendingPin, PendingPins, PinState, PinStates, PinStatesQuery,
};
use clavepin_protocol::{DocumentNumber, RequestId, Timestamp};
use reqwest::Method;

use super::Device;
use crate::error::{CoreError, CoreResult};
use crate::store::{StoredCitizen, StoredPin};

/// A PIN that just arrived, for the notification.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct ReceivedPin {
    /// The request.
    pub request_id: RequestId,
    /// Whose PIN.
    pub document: DocumentNumber,
    /// The code.
    pub code: String,
    /// When it expires.
    pub expires_at: Timestamp,
}

pub(super) fn millis_text(text: &str) -> CoreResult<Timestamp> {
    text.parse::<i64>()
        .ok()
        .and_then(Timestamp::from_timestamp_millis)
        .ok_or(CoreError::MalformedPush)
}

impl Device {
    /// Opens and stores one pending PIN; `None` if already stored.
    pub(crate) fn store_pending(
        &self,
        citizen: &StoredCitizen,
        pending: &PendingPin,
    ) -> CoreResult<Option<ReceivedPin>> {
        if pending.device_id != citizen.device_id {
            return Err(CoreError::ForeignPush);
        }
        // The id goes into URL paths (the acknowledgement): parsed before any use.
        let request_id =
            RequestId::parse(&pending.request_id).map_err(|_| CoreError::MalformedPush)?;
        let mut store = self.store();
        let key = store.sealing_key(&citizen.document)?;
        let context = SealingContext {
            device_id: &citizen.device_id,
            document: &citizen.document,
            request_id: request_id.as_str(),
            expires_at: pending.expires_at,
        };
        let sealed = SealedPin::from_b64(&pending.sealed).map_err(|_| CoreError::TamperedPush)?;
        let envelope = key.open(&context, &sealed).map_err(|_| CoreError::TamperedPush)?;
        let now = self.now();
        // An expired PIN is never stored: a late delivery shows nothing, and a replay of
        // one already pruned from the history cannot come back as new.
        if pending.expires_at <= now {
            return Err(CoreError::PinNotLive { state: PinState::Expired });
        }
        let stored = StoredPin {
            request_id,
            document: citizen.document,
            code: envelope.code,
            issued_at: pending.issued_at,
            expires_at: pending.expires_at,
            received_at: now,
            state: PinState::Live,
            acknowledged: false,
        };
        if !store.insert_pin(&stored, &envelope.pin)? {
            return Ok(None);
        }
        store.prune_history(now)?;
        drop(store);
        self.notify_changed();
        Ok(Some(ReceivedPin {
            request_id: stored.request_id,
            document: stored.document,
            code: stored.code.to_string(),
            expires_at: stored.expires_at,
        }))
    }

    /// Acknowledges a stored PIN if the citizen is unlocked.
    pub(crate) async fn acknowledge_if_unlocked(
        &self,
        document: &DocumentNumber,
        request_id: &RequestId,
    ) {
        let Ok(session) = self.session(document) else { return };
        let path = format!("/device/pins/{request_id}/ack");
        let acked: Result<(), _> =
            self.client().signed::<(), ()>(session.signer(), Method::POST, &path, None).await;
        if acked.is_ok() {
            let _ = self.store().mark_acknowledged(request_id.as_str());
        }
    }

    /// Fetches the citizen's pending PINs (catching up on anything missed), stores and
    /// acknowledges them, and registers a push token that is waiting. Needs the
    /// citizen unlocked. Returns the new ones.
    pub async fn pull(&self, document: &str) -> CoreResult<Vec<ReceivedPin>> {
        let document = Self::document(document)?;
        let citizen = self.store().citizen(&document)?.ok_or(CoreError::UnknownCitizen)?;
        self.pull_for(&citizen).await
    }

    pub(super) async fn pull_for(&self, citizen: &StoredCitizen) -> CoreResult<Vec<ReceivedPin>> {
        let session = self.session(&citizen.document)?;
        let pending: Result<PendingPins, _> = self
            .client()
            .signed::<(), _>(session.signer(), Method::GET, "/device/pins", None)
            .await;
        let pending = pending.map_err(|e| self.learn_replacement(&citizen.document, e.into()))?;
        let mut received = Vec::new();
        for pin in &pending.pins {
            // A tampered or malformed one is skipped, not fatal: the others still arrive.
            match self.store_pending(citizen, pin) {
                Ok(Some(new)) => {
                    self.acknowledge_if_unlocked(&citizen.document, &new.request_id).await;
                    received.push(new);
                }
                Ok(None) => {
                    if let Ok(id) = RequestId::parse(&pin.request_id) {
                        self.acknowledge_if_unlocked(&citizen.document, &id).await;
                    }
                }
                Err(
                    CoreError::TamperedPush
                    | CoreError::ForeignPush
                    | CoreError::MalformedPush
                    | CoreError::PinNotLive { .. },
                ) => {}
                Err(e) => return Err(e),
            }
        }
        // Best effort: a token or a removal that cannot go now stays for the next pull.
        let _ = self.sync_push_token(&citizen.document).await;
        let _ = self.tell_pending_removals().await;
        Ok(received)
    }

    /// Asks the service the state of the citizen's recent PINs (a PIN used on the
    /// portal shows as used). Needs the citizen unlocked.
    pub async fn refresh_states(&self, document: &str) -> CoreResult<()> {
        let document = Self::document(document)?;
        let session = self.session(&document)?;
        let recent: Vec<String> = self
            .store()
            .pins(Some(&document), 20)?
            .into_iter()
            .filter(|p| p.state == PinState::Live)
            .map(|p| p.request_id.to_string())
            .collect();
        if recent.is_empty() {
            return Ok(());
        }
        let query = PinStatesQuery { request_ids: recent };
        let states: Result<PinStates, _> = self
            .client()
            .signed(session.signer(), Method::POST, "/device/pins/states", Some(&query))
            .await;
        let states = states.map_err(|e| self.learn_replacement(&document, e.into()))?;
        let mut changed = false;
        {
            let store = self.store();
            for entry in states.states {
                if entry.state != PinState::Live {
                    store.set_pin_state(&entry.request_id, entry.state)?;
                    changed = true;
                }
            }
        }
        if changed {
            self.notify_changed();
        }
        Ok(())
    }

    /// "This wasn't me": the citizen did not ask for this PIN. The service kills it
    /// at once and sends the citizen's PINs by SMS for a while (the answer says until
    /// when, on the service's clock); the screen shows it as ended. Needs the citizen
    /// unlocked. Saying it twice is harmless.
    pub async fn report_not_me(
        &self,
        document: &str,
        request_id: &RequestId,
    ) -> CoreResult<Timestamp> {
        let document = Self::document(document)?;
        let session = self.session(&document)?;
        let path = format!("/device/pins/{request_id}/not-me");
        let recorded: Result<NotMeRecorded, _> =
            self.client().signed::<(), _>(session.signer(), Method::POST, &path, None).await;
        let recorded = recorded.map_err(|e| self.learn_replacement(&document, e.into()))?;
        if self.store().pin(request_id.as_str())?.is_some() {
            self.store().set_pin_state(request_id.as_str(), PinState::Dead)?;
            self.notify_changed();
        }
        Ok(recorded.pushes_held_until)
    }

    /// A refusal that says this device was replaced or removed is remembered, and the
    /// screen told.
    pub(crate) fn learn_replacement(&self, document: &DocumentNumber, e: CoreError) -> CoreError {
        if matches!(e, CoreError::DeviceReplaced | CoreError::DeviceRemoved) {
            let _ = self.store().mark_replaced(document);
            self.notify_changed();
        }
        e
    }
}

//! Receiving PINs: from a push payload (FCM or APNs, sealed PIN inside or not), from
//! a pull, from the direct channel. A PIN is opened with the citizen's sealing key,
//! stored, then acknowledged (only once stored, and only with the citizen unlocked:
//! a PIN that arrives while locked is acknowledged by the next pull).

use clavepin_protocol::crypto::{SealedPin, SealingContext};
use clavepin_protocol::wire::{
    PUSH_VERSION, PendingPin, PendingPins, PinState, PinStates, PinStatesQuery, PushData,
    PushPlatform, RegisterPushToken,
};
use clavepin_protocol::{DocumentNumber, Timestamp};
use reqwest::Method;
use serde_json::Value;

use super::Device;
use crate::error::{CoreError, CoreResult};
use crate::store::{CitizenState, StoredCitizen, StoredPin};

/// A PIN that just arrived, for the notification.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct ReceivedPin {
    /// The request.
    pub request_id: String,
    /// Whose PIN.
    pub document: DocumentNumber,
    /// The code.
    pub code: String,
    /// When it expires.
    pub expires_at: Timestamp,
}

/// What a push said.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum PushOutcome {
    /// The PIN was in the payload and is stored.
    Received(ReceivedPin),
    /// The payload had no sealed PIN and the citizen is locked: the notification
    /// says a PIN arrived, and unlocking fetches it.
    PendingUnlock {
        /// Whose PIN.
        document: DocumentNumber,
    },
}

/// Reads the push data from what FCM (`message.data` or `data`) or APNs (`clavepin`)
/// delivered, or from the bare data object.
fn push_data(payload: &str) -> CoreResult<PushData> {
    let value: Value = serde_json::from_str(payload).map_err(|_| CoreError::MalformedPush)?;
    let data = [&value["message"]["data"], &value["data"], &value["clavepin"]]
        .into_iter()
        .find(|v| v.is_object())
        .unwrap_or(&value)
        .clone();
    let data: PushData = serde_json::from_value(data).map_err(|_| CoreError::MalformedPush)?;
    if data.v != PUSH_VERSION || data.kind != "pin" {
        return Err(CoreError::MalformedPush);
    }
    Ok(data)
}

fn millis_text(text: &str) -> CoreResult<Timestamp> {
    text.parse::<i64>()
        .ok()
        .and_then(Timestamp::from_timestamp_millis)
        .ok_or(CoreError::MalformedPush)
}

impl Device {
    fn citizen_for_device_id(&self, device_id: &str) -> CoreResult<StoredCitizen> {
        self.store()
            .citizens()?
            .into_iter()
            .find(|c| c.device_id == device_id && c.state != CitizenState::NeedsPattern)
            .ok_or(CoreError::ForeignPush)
    }

    /// Handles a push payload exactly as FCM or APNs delivered it. Malformed,
    /// tampered, replayed or foreign payloads are refused and change nothing.
    pub async fn handle_push(&self, payload: &str) -> CoreResult<PushOutcome> {
        let data = push_data(payload)?;
        let citizen = self.citizen_for_device_id(&data.device_id)?;
        let Some(sealed) = data.sealed else {
            if self.session(&citizen.document).is_err() {
                return Ok(PushOutcome::PendingUnlock { document: citizen.document });
            }
            let received = self.pull_for(&citizen).await?;
            return received
                .into_iter()
                .find(|p| p.request_id == data.request_id)
                .map(PushOutcome::Received)
                .ok_or(CoreError::ReplayedPush);
        };
        let pending = PendingPin {
            request_id: data.request_id,
            device_id: data.device_id,
            sealed,
            issued_at: millis_text(&data.issued_at)?,
            expires_at: millis_text(&data.expires_at)?,
        };
        let received = self.store_pending(&citizen, &pending)?.ok_or(CoreError::ReplayedPush)?;
        self.acknowledge_if_unlocked(&citizen.document, &pending.request_id).await;
        Ok(PushOutcome::Received(received))
    }

    /// Opens and stores one pending PIN; `None` if already stored.
    pub(crate) fn store_pending(
        &self,
        citizen: &StoredCitizen,
        pending: &PendingPin,
    ) -> CoreResult<Option<ReceivedPin>> {
        if pending.device_id != citizen.device_id {
            return Err(CoreError::ForeignPush);
        }
        let mut store = self.store();
        let key = store.sealing_key(&citizen.document)?;
        let context = SealingContext {
            device_id: &citizen.device_id,
            document: &citizen.document,
            request_id: &pending.request_id,
            expires_at: pending.expires_at,
        };
        let sealed = SealedPin::from_b64(&pending.sealed).map_err(|_| CoreError::TamperedPush)?;
        let envelope = key.open(&context, &sealed).map_err(|_| CoreError::TamperedPush)?;
        let now = self.now();
        let stored = StoredPin {
            request_id: pending.request_id.clone(),
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
        request_id: &str,
    ) {
        let Ok(session) = self.session(document) else { return };
        let path = format!("/device/pins/{request_id}/ack");
        let acked: Result<(), _> =
            self.client().signed::<(), ()>(session.signer(), Method::POST, &path, None).await;
        if acked.is_ok() {
            let _ = self.store().mark_acknowledged(request_id);
        }
    }

    /// Fetches the citizen's pending PINs (catching up on anything missed), stores and
    /// acknowledges them. Needs the citizen unlocked. Returns the new ones.
    pub async fn pull(&self, document: &str) -> CoreResult<Vec<ReceivedPin>> {
        let document = Self::document(document)?;
        let citizen = self.store().citizen(&document)?.ok_or(CoreError::UnknownCitizen)?;
        self.pull_for(&citizen).await
    }

    async fn pull_for(&self, citizen: &StoredCitizen) -> CoreResult<Vec<ReceivedPin>> {
        let session = self.session(&citizen.document)?;
        let pending: PendingPins = self
            .client()
            .signed::<(), _>(session.signer(), Method::GET, "/device/pins", None)
            .await?;
        let mut received = Vec::new();
        for pin in &pending.pins {
            // A tampered one is skipped, not fatal: the others still arrive.
            match self.store_pending(citizen, pin) {
                Ok(Some(new)) => received.push(new),
                Ok(None) => {}
                Err(CoreError::TamperedPush | CoreError::ForeignPush) => continue,
                Err(e) => return Err(e),
            }
            self.acknowledge_if_unlocked(&citizen.document, &pin.request_id).await;
        }
        Ok(received)
    }

    /// Registers or refreshes where pushes for this citizen go (the app calls it after
    /// unlocking, and when the platform hands it a new token).
    pub async fn register_push_token(
        &self,
        document: &str,
        platform: PushPlatform,
        token: &str,
    ) -> CoreResult<()> {
        let document = Self::document(document)?;
        let session = self.session(&document)?;
        let body = RegisterPushToken { platform, token: token.to_owned() };
        Ok(self
            .client()
            .signed(session.signer(), Method::PUT, "/device/push-token", Some(&body))
            .await?)
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
            .map(|p| p.request_id)
            .collect();
        if recent.is_empty() {
            return Ok(());
        }
        let query = PinStatesQuery { request_ids: recent };
        let states: PinStates = self
            .client()
            .signed(session.signer(), Method::POST, "/device/pins/states", Some(&query))
            .await?;
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
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn push_data_is_found_in_fcm_apns_and_bare_payloads() {
        let data = r#"{"v":"1","type":"pin","device_id":"d","request_id":"r","sealed":"s","issued_at":"1","expires_at":"2"}"#;
        for payload in [
            format!(r#"{{"message":{{"token":"t","data":{data}}}}}"#),
            format!(r#"{{"data":{data}}}"#),
            format!(r#"{{"aps":{{"mutable-content":1}},"clavepin":{data}}}"#),
            data.to_owned(),
        ] {
            assert_eq!(
                push_data(&payload).map(|d| d.request_id).ok().as_deref(),
                Some("r"),
                "{payload}"
            );
        }
        for bad in [
            "",
            "{}",
            "[1]",
            r#"{"v":"2","type":"pin"}"#,
            &data.replace(r#""type":"pin""#, r#""type":"ad""#),
        ] {
            assert!(matches!(push_data(bad), Err(CoreError::MalformedPush)), "{bad}");
        }
    }
}

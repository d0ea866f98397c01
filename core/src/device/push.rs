//! Push payloads exactly as FCM or APNs delivered them: found in the platform's
//! envelope, read leniently (fields a newer service adds are ignored), and refused —
//! each with its own error — when malformed, foreign, tampered or replayed.

use clavepin_protocol::DocumentNumber;
use clavepin_protocol::wire::{PUSH_VERSION, PendingPin, PushData};
use serde_json::Value;

use super::Device;
use super::pins::{ReceivedPin, millis_text};
use crate::error::{CoreError, CoreResult};
use crate::store::{CitizenState, StoredCitizen};

/// What a push said.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum PushOutcome {
    /// The PIN was in the payload (or fetched at once) and is stored.
    Received(ReceivedPin),
    /// The payload had no sealed PIN and the citizen is locked: the notification
    /// says a PIN arrived (`pending_notification`), and unlocking fetches it.
    PendingUnlock {
        /// Whose PIN.
        document: DocumentNumber,
    },
}

/// Reads the push data from what FCM (`message.data` or `data`) or APNs (`clavepin`)
/// delivered, or from the bare data object (Android's `RemoteMessage.data` as JSON).
pub(super) fn push_data(payload: &str) -> CoreResult<PushData> {
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

impl Device {
    fn citizen_for_device_id(&self, device_id: &str) -> CoreResult<StoredCitizen> {
        self.store()
            .citizens()?
            .into_iter()
            .find(|c| c.device_id == device_id && c.state != CitizenState::NeedsPattern)
            .ok_or(CoreError::ForeignPush)
    }

    /// Handles a push payload exactly as FCM or APNs delivered it. Malformed,
    /// foreign, tampered or replayed payloads are refused and change nothing.
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
                .find(|p| p.request_id.as_str() == data.request_id)
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
        self.acknowledge_if_unlocked(&citizen.document, &received.request_id).await;
        Ok(PushOutcome::Received(received))
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

    #[test]
    fn fields_a_newer_service_adds_are_ignored() {
        let data = r#"{"v":"1","type":"pin","device_id":"d","request_id":"r","issued_at":"1","expires_at":"2","site":"Agencia Tributaria","priority":"high"}"#;
        assert_eq!(push_data(data).map(|d| d.request_id).ok().as_deref(), Some("r"));
    }
}

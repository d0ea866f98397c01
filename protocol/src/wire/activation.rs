//! Device activation messages (SPEC.md flow 2, "Signing" and "Sealing").

use serde::{Deserialize, Serialize};

use super::control::DeviceLabel;
use crate::{ContrastData, DocumentNumber, Timestamp};

/// Domain separation for the proof that the device holds its new signing key.
pub const ACTIVATION_PROOF_CONTEXT: &str = "clavepin-activation-proof-v1";

/// The bytes the device signs with its new key when completing activation.
pub fn activation_proof_input(activation_id: &str, agreement_share_b64: &str) -> Vec<u8> {
    format!("{ACTIVATION_PROOF_CONTEXT}\n{activation_id}\n{agreement_share_b64}").into_bytes()
}

/// `POST /device/activation`: start activating this device for a citizen.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StartActivation {
    /// DNI or NIE.
    pub document: DocumentNumber,
    /// Contrast data, checked against the census.
    pub contrast: ContrastData,
}

/// Answer to [`StartActivation`]: an SMS code is on its way.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActivationStarted {
    /// Names this attempt in the completing request.
    pub activation_id: String,
    /// When the SMS code stops working.
    pub code_expires_at: Timestamp,
    /// The last digits of the phone the code went to, e.g. `•••••••78`.
    pub phone_hint: String,
}

/// `POST /device/activation/{activation_id}/complete`: prove the SMS code, register
/// the device's keys, agree the sealing key.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CompleteActivation {
    /// The 6-digit code from the SMS.
    pub code: String,
    /// The device's P-256 public key, uncompressed SEC1, base64url.
    pub signing_key: String,
    /// The device's X25519 share, base64url.
    pub agreement_share: String,
    /// Signature with the new key over [`activation_proof_input`], base64url.
    pub proof: String,
    /// The name the phone goes by (its owner's, e.g. "Ana's Pixel"), shown on the
    /// citizen's "My devices" page and in the notice of a new binding.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub device_name: Option<DeviceLabel>,
    /// The phone's model, e.g. "Pixel 8" or "iPhone15,2".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub device_model: Option<DeviceLabel>,
}

/// Answer to [`CompleteActivation`]: the device is bound.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActivationCompleted {
    /// The id the device signs its requests with.
    pub device_id: String,
    /// The service's X25519 share, base64url.
    pub service_share: String,
    /// The citizen now bound to the device (normalised: the form in the transcript).
    pub document: DocumentNumber,
    /// When.
    pub activated_at: Timestamp,
    /// HMAC-SHA256(sealing key, "clavepin v1 key confirmation" ‖ transcript hash),
    /// base64url: the device checks it derived the same key.
    pub key_confirmation: String,
}

/// Where a device stands with the service.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DeviceState {
    /// Bound, receiving PINs.
    Active,
    /// Another device was activated for the citizen afterwards.
    Replaced,
    /// The citizen removed it.
    Removed,
}

/// `GET /device/status` answer (signed request).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeviceStatus {
    /// The device id.
    pub device_id: String,
    /// The citizen it is bound to.
    pub document: DocumentNumber,
    /// Its state.
    pub state: DeviceState,
    /// When it was activated.
    pub activated_at: Timestamp,
}

/// Which push service delivers to the device.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum PushPlatform {
    /// Firebase Cloud Messaging (Android).
    Fcm,
    /// Apple Push Notification service (iOS).
    Apns,
}

impl PushPlatform {
    /// The name on the wire and in storage: `fcm`, `apns`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Fcm => "fcm",
            Self::Apns => "apns",
        }
    }

    /// The platform a stored or sent name stands for.
    pub fn from_name(name: &str) -> Option<Self> {
        [Self::Fcm, Self::Apns].into_iter().find(|p| p.as_str() == name)
    }
}

/// `PUT /device/push-token` (signed): register or refresh the device's push token.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RegisterPushToken {
    /// The push service.
    pub platform: PushPlatform,
    /// The token the platform gave the app (opaque, at most 4096 bytes).
    pub token: String,
}

impl std::fmt::Debug for CompleteActivation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CompleteActivation").field("code", &"***").finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::PushPlatform;

    #[test]
    fn a_platform_has_one_name_on_the_wire_and_in_storage() {
        for platform in [PushPlatform::Fcm, PushPlatform::Apns] {
            let wire = serde_json::to_value(platform).unwrap_or_default();
            assert_eq!(wire, platform.as_str());
            assert_eq!(PushPlatform::from_name(platform.as_str()), Some(platform));
        }
        assert_eq!(PushPlatform::from_name("gcm"), None);
    }
}

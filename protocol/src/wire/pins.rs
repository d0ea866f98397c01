//! Obtaining, delivering and verifying PINs (SPEC.md flows 3–5).

use serde::{Deserialize, Serialize};

use crate::{ContrastData, DocumentNumber, Timestamp};

/// How a PIN reaches the citizen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PinChannel {
    /// Pushed to the activated app.
    App,
    /// By SMS to the registered mobile.
    Sms,
}

/// `POST /portal/pin-requests`: "Obtain PIN".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ObtainPin {
    /// DNI or NIE.
    pub document: DocumentNumber,
    /// Contrast data, checked against the census.
    pub contrast: ContrastData,
    /// The 4-character code, if the citizen ticked "I want to customise PIN generation".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    /// The channel the citizen chose; by default the app if activated, else SMS.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub channel: Option<PinChannel>,
}

/// Answer to [`ObtainPin`] (and to "Request again").
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PinRequestCreated {
    /// Names the request in "Access", "Request SMS" and "Request again".
    pub request_id: String,
    /// The code, which the log-in form shows locked.
    pub code: String,
    /// Where the PIN went.
    pub channel: PinChannel,
    /// When the PIN stops working.
    pub expires_at: Timestamp,
    /// The last digits of the registered mobile.
    pub phone_hint: String,
    /// Whether the app could receive it (an active device exists).
    pub app_available: bool,
}

/// Answer to "Request SMS to be sent to your mobile".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PinSmsSent {
    /// The last digits of the mobile it went to.
    pub phone_hint: String,
}

/// `POST /portal/pin-requests/{id}/verify`: "Access".
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VerifyPin {
    /// The code the form shows (locked).
    pub code: String,
    /// The PIN the citizen typed, case-insensitive.
    pub pin: String,
}

/// Answer to a granted [`VerifyPin`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccessGranted {
    /// Who signed in.
    pub document: DocumentNumber,
    /// Their name, as the census has it.
    pub full_name: String,
}

/// A PIN request as a device sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum PinState {
    /// Can still be used.
    Live,
    /// Used to sign in.
    Used,
    /// Ten minutes passed.
    Expired,
    /// A newer PIN request replaced it.
    Superseded,
    /// Three wrong tries killed it.
    Dead,
}

/// A PIN waiting for a device: on the direct channel, in a pull, in a push payload.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PendingPin {
    /// The request.
    pub request_id: String,
    /// The device it is sealed for.
    pub device_id: String,
    /// The code and PIN, sealed (docs/PROTOCOL.md, "PIN sealing"), base64url.
    pub sealed: String,
    /// When it was issued.
    pub issued_at: Timestamp,
    /// When it expires (part of the sealing's associated data).
    pub expires_at: Timestamp,
}

/// `GET /device/pins` answer: live PINs not yet acknowledged.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PendingPins {
    /// Oldest first.
    pub pins: Vec<PendingPin>,
}

/// `POST /device/pins/states`: ask the state of some requests.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PinStatesQuery {
    /// At most 100 ids.
    pub request_ids: Vec<String>,
}

/// One request's state.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PinStateEntry {
    /// The request.
    pub request_id: String,
    /// Its state; ids unknown to the service, or not this device's, are left out.
    pub state: PinState,
}

/// Answer to [`PinStatesQuery`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PinStates {
    /// The known ones.
    pub states: Vec<PinStateEntry>,
}

/// The `data` of a push message for a PIN: what FCM delivers as `data` and APNs under
/// the `clavepin` key. All values are strings (FCM's data payload is string-only).
/// Fields this version does not know are ignored: a newer service may add some, and
/// installed apps must still read its pushes (the seal and `v` guard the rest).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PushData {
    /// Payload format version, `"1"`.
    pub v: String,
    /// `"pin"`.
    #[serde(rename = "type")]
    pub kind: String,
    /// The device (activation) the PIN is sealed for.
    pub device_id: String,
    /// The request.
    pub request_id: String,
    /// The sealed PIN, base64url; may be absent, then the device pulls.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sealed: Option<String>,
    /// Issued, Unix milliseconds as text.
    pub issued_at: String,
    /// Expires, Unix milliseconds as text.
    pub expires_at: String,
}

/// Push payload version this build writes and reads.
pub const PUSH_VERSION: &str = "1";

impl std::fmt::Debug for VerifyPin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("VerifyPin").field("code", &self.code).field("pin", &"***").finish()
    }
}

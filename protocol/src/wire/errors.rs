//! Errors on the wire: an HTTP status and a JSON body `{"error": code, "message": text}`.

use serde::{Deserialize, Serialize};

/// What went wrong, as a stable machine-readable code. Clients act on the code; the
/// message is for people and may change.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum ErrorCode {
    /// The body is not the JSON the endpoint takes, or a field is invalid.
    BadRequest,
    /// The body is larger than the service reads.
    BodyTooLarge,
    /// Missing or wrong operator token.
    Unauthorized,
    /// No census record for the document.
    NotInCensus,
    /// The contrast data does not match the census.
    ContrastDataMismatch,
    /// The citizen is not registered in Cl@ve.
    NotRegistered,
    /// The citizen is already registered.
    AlreadyRegistered,
    /// The invitation letter's CSV code is wrong, used, expired or void.
    InvalidInvitation,
    /// More activation codes than allowed in an hour.
    TooManyCodes,
    /// No such activation attempt, or it ended.
    UnknownActivation,
    /// The activation code is wrong; tries remain.
    WrongCode,
    /// The activation code expired.
    CodeExpired,
    /// Too many wrong codes: ask for a new one.
    CodeExhausted,
    /// The proof that the device holds its key does not verify.
    BadProof,
    /// A device request without valid signature headers, or a bad signature.
    BadSignature,
    /// A device request outside the 5-minute window.
    StaleRequest,
    /// A device request whose nonce was already used.
    ReplayedRequest,
    /// The device id is unknown.
    UnknownDevice,
    /// Another device was activated for this citizen after this one.
    DeviceReplaced,
    /// The citizen removed this device.
    DeviceRemoved,
    /// Too many failed claims for this document in the last hour.
    TooManyAttempts,
    /// The citizen asked for the app, but no device is activated.
    AppNotActivated,
    /// More than 5 PIN requests in 10 minutes.
    TooManyPins,
    /// Too many consecutive wrong PINs: wait (`retry_after_secs`).
    Throttled,
    /// 100 consecutive wrong PINs: PINs are refused until re-activation or an operator unlocks.
    PinsLocked,
    /// No such PIN request.
    UnknownPinRequest,
    /// The code does not belong to this PIN request, or the PIN is wrong.
    WrongPin,
    /// The PIN was already used.
    PinUsed,
    /// The PIN expired.
    PinExpired,
    /// A newer PIN request replaced this one.
    PinSuperseded,
    /// Three wrong tries killed the request.
    PinRequestDead,
    /// The SMS for this request was already sent as often as allowed.
    SmsLimit,
    /// No sign-in waits for approval with this code: it is wrong, was answered or
    /// replaced, or its 5 minutes are over.
    UnknownApproval,
    /// (portal API) The approval still waits for the app's answer.
    ApprovalPending,
    /// (operator API) A census load would change a registered citizen's contrast data
    /// without `change_registered`.
    RegisteredCitizenChanged,
    /// Invitation letters were posted to this citizen recently.
    TooManyLetters,
    /// No such route.
    NotFound,
    /// The route exists, but not with this method.
    MethodNotAllowed,
    /// The body is not JSON (`Content-Type: application/json`).
    UnsupportedMediaType,
    /// The request took too long to arrive or to answer.
    RequestTimeout,
    /// The service, or this client's share of it, is at its limit; try again shortly.
    Busy,
    /// The service failed; nothing was changed.
    Internal,
    /// A code this client does not know (a newer service).
    #[serde(other)]
    Unknown,
}

/// The JSON body of every error response.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorBody {
    /// The stable code.
    pub error: ErrorCode,
    /// A human-readable explanation, without personal data.
    pub message: String,
    /// Tries left, where the error allows retrying (wrong code or PIN).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tries_left: Option<u32>,
    /// Seconds to wait, where the error is a wait.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retry_after_secs: Option<i64>,
}

//! What puts the citizen in control: the device's name on "My devices", the
//! "this wasn't me" report on a PIN the citizen did not ask for, and approving a
//! sign-in in the app.

use serde::{Deserialize, Serialize};

use crate::{ApprovalCode, ContrastData, DocumentNumber, Timestamp};

/// The most characters a device's name or model keeps.
pub const DEVICE_LABEL_MAX_CHARS: usize = 64;

/// A device's name or model as shown to its citizen: 1 to 64 characters, no control
/// characters, no surrounding spaces. The service refuses anything else; the device
/// makes one from what its platform says with [`DeviceLabel::lossy`].
#[derive(Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct DeviceLabel(String);

/// Why a text is not a device label.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum DeviceLabelError {
    #[error("a device name or model cannot be empty")]
    Empty,
    #[error("a device name or model has at most {DEVICE_LABEL_MAX_CHARS} characters")]
    TooLong,
    #[error("a device name or model cannot hold control characters")]
    ControlCharacter,
}

impl DeviceLabel {
    /// A label exactly as given, trimmed.
    pub fn parse(text: &str) -> Result<Self, DeviceLabelError> {
        let text = text.trim();
        if text.is_empty() {
            return Err(DeviceLabelError::Empty);
        }
        if text.chars().any(char::is_control) {
            return Err(DeviceLabelError::ControlCharacter);
        }
        if text.chars().count() > DEVICE_LABEL_MAX_CHARS {
            return Err(DeviceLabelError::TooLong);
        }
        Ok(Self(text.to_owned()))
    }

    /// The best label a platform's text gives: control characters become spaces,
    /// runs of spaces one, cut at 64 characters; `None` if nothing is left.
    pub fn lossy(text: &str) -> Option<Self> {
        let cleaned: String = text
            .chars()
            .map(|c| if c.is_control() { ' ' } else { c })
            .collect::<String>()
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        let cut: String = cleaned.chars().take(DEVICE_LABEL_MAX_CHARS).collect();
        Self::parse(&cut).ok()
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for DeviceLabel {
    type Error = DeviceLabelError;
    fn try_from(text: String) -> Result<Self, Self::Error> {
        Self::parse(&text)
    }
}

impl From<DeviceLabel> for String {
    fn from(label: DeviceLabel) -> Self {
        label.0
    }
}

impl std::fmt::Display for DeviceLabel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::fmt::Debug for DeviceLabel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "DeviceLabel({:?})", self.0)
    }
}

/// Answer to `POST /device/pins/{id}/not-me`: the request is dead, and pushes to the
/// citizen are held until `pushes_held_until` (PINs go by SMS meanwhile).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NotMeRecorded {
    pub pushes_held_until: Timestamp,
}

/// One "this wasn't me" report, as the operator API lists them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NotMeReport {
    /// The report's id, for paging (`after`).
    pub id: i64,
    pub document: DocumentNumber,
    pub at: Timestamp,
    /// The site the PIN was asked for, if a site asked.
    pub site: Option<String>,
    /// How the PIN went: `app` or `sms`.
    pub channel: Option<String>,
}

/// `GET /operator/reports`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NotMeReports {
    /// Reports with an id above the `after` query parameter, oldest first.
    pub reports: Vec<NotMeReport>,
}

/// `POST /portal/approvals`: "Approve in the app" instead of "Obtain PIN".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StartApproval {
    pub document: DocumentNumber,
    /// Checked against the census, as for a PIN.
    pub contrast: ContrastData,
}

/// Answer to [`StartApproval`]: what the log-in page shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApprovalStarted {
    /// Names the approval in the status and completion requests.
    pub approval_id: String,
    /// The code to show, and to put in the link the QR code holds.
    pub code: ApprovalCode,
    /// The link into the app (`…/approve?code=…`) the QR code holds.
    pub link: String,
    pub expires_at: Timestamp,
}

/// `GET /portal/approvals/{id}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApprovalStatus {
    pub state: ApprovalState,
}

/// `POST /device/approvals/look-up`: the code the citizen scanned or typed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LookUpApproval {
    pub code: ApprovalCode,
}

/// What the app shows before the citizen decides: who is asking, and since when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApprovalRequest {
    /// The site the citizen is signing in to; `None` for the portal itself.
    pub site: Option<String>,
    pub requested_at: Timestamp,
    pub expires_at: Timestamp,
}

/// The citizen's answer to an approval.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ApprovalDecision {
    /// Sign in, confirmed with the pattern.
    Approve,
    /// Not now: the request ends.
    Refuse,
    /// "This wasn't me": the request ends and pushes are held, as for a PIN.
    NotMe,
}

/// `POST /device/approvals/decide`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DecideApproval {
    pub code: ApprovalCode,
    pub decision: ApprovalDecision,
}

/// Answer to `POST /device/approvals/decide`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApprovalDecided {
    pub decision: ApprovalDecision,
    /// After "this wasn't me": pushes to the citizen are held until then.
    pub pushes_held_until: Option<Timestamp>,
}

/// Where an approval stands, as the log-in page asks (`GET /access/approve/status`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ApprovalState {
    /// Waiting for the app.
    Pending,
    /// The app approved: the page goes on.
    Approved,
    /// Refused in the app, reported as not the citizen's, or replaced by a PIN.
    Ended,
    /// Five minutes went by.
    Expired,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_label_is_trimmed_and_bounded() {
        assert_eq!(DeviceLabel::parse("  Pixel 8 ").map(|l| l.0), Ok("Pixel 8".into()));
        assert_eq!(DeviceLabel::parse("   "), Err(DeviceLabelError::Empty));
        assert_eq!(DeviceLabel::parse("a\nb"), Err(DeviceLabelError::ControlCharacter));
        assert_eq!(DeviceLabel::parse(&"é".repeat(65)), Err(DeviceLabelError::TooLong));
        assert!(DeviceLabel::parse(&"é".repeat(64)).is_ok(), "characters, not bytes");
        let json: Result<DeviceLabel, _> = serde_json::from_str("\"\\u0007bell\"");
        assert!(json.is_err(), "the wire refuses what parse refuses");
    }

    #[test]
    fn a_platforms_text_becomes_the_best_label_it_gives() {
        let label = DeviceLabel::lossy("Ana's\tPixel\u{0}  8");
        assert_eq!(label.map(|l| l.0), Some("Ana's Pixel 8".into()));
        assert_eq!(DeviceLabel::lossy("\n\t"), None);
        assert_eq!(DeviceLabel::lossy(&"x".repeat(200)).map(|l| l.0.len()), Some(64));
    }
}

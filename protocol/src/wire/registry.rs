//! Census and registry messages (SPEC.md flow 1).

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::{ContrastData, DocumentNumber, Timestamp};

/// A resident as the tax agency's census knows them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CensusRecord {
    /// DNI or NIE.
    pub document: DocumentNumber,
    /// Full name, as letters are addressed.
    pub full_name: String,
    /// Date of birth.
    pub birth_date: NaiveDate,
    /// The contrast data on record; citizens must match it.
    pub contrast: ContrastData,
    /// Where invitation letters go.
    pub fiscal_address: String,
}

/// `POST /operator/census`: load or update census records.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LoadCensus {
    /// The records; an existing document is updated.
    pub records: Vec<CensusRecord>,
    /// Whether records may change a registered citizen's contrast data (a renewed
    /// DNI, a new NIE card). Without it such a batch is refused whole: a census load
    /// must not silently change what a registered citizen proves themselves with.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub change_registered: bool,
}

/// One operator action, from `GET /operator/audit`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditEntry {
    /// Increasing id, for reading only what is new.
    pub id: i64,
    /// When.
    pub at: Timestamp,
    /// What: `census_loaded`, `registered_citizen_changed`, `citizen_registered`,
    /// `pins_unlocked`, `code_limit_cleared`.
    pub action: String,
    /// The citizen it concerned, if one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub document: Option<String>,
    /// More, for people.
    pub detail: String,
    /// The client address the request came from.
    pub client: String,
}

/// Answer to [`LoadCensus`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct CensusLoaded {
    /// How many records were written.
    pub loaded: u32,
}

/// `POST /operator/citizens`: registration at a registry office, where an operator has
/// seen the citizen's document.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RegisterCitizen {
    /// DNI or NIE.
    pub document: DocumentNumber,
    /// Contrast data, checked against the census.
    pub contrast: ContrastData,
    /// Mobile number for SMS (`+34612345678`, or 9 digits for Spain).
    pub mobile: String,
    /// E-mail address.
    pub email: String,
}

/// `POST /registration/invitation`: a citizen asks for an invitation letter.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RequestInvitation {
    /// DNI or NIE.
    pub document: DocumentNumber,
    /// Contrast data, checked against the census.
    pub contrast: ContrastData,
}

/// Answer to [`RequestInvitation`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvitationSent {
    /// When the letter's code stops working.
    pub valid_until: Timestamp,
}

/// `POST /registration/complete`: the citizen registers with the letter's CSV code.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CompleteRegistration {
    /// DNI or NIE.
    pub document: DocumentNumber,
    /// The contrast data: the letter's code alone does not register anyone.
    pub contrast: ContrastData,
    /// The 16-character secure verification code on the letter.
    pub csv: String,
    /// Mobile number for SMS.
    pub mobile: String,
    /// E-mail address.
    pub email: String,
}

/// How a citizen was registered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RegistrationChannel {
    /// In person, at a registry office.
    Office,
    /// Online, with an invitation letter.
    Letter,
}

/// Answer to a registration.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CitizenRegistered {
    /// The registered document.
    pub document: DocumentNumber,
    /// How.
    pub channel: RegistrationChannel,
    /// When.
    pub registered_at: Timestamp,
}

/// An SMS the gateway sent (the embedded gateway keeps them in an outbox).
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutboxSms {
    /// Increasing id, for reading only what is new.
    pub id: i64,
    /// The mobile number.
    pub to: String,
    /// The text.
    pub text: String,
    /// When it was sent.
    pub sent_at: Timestamp,
}

/// A message a gateway never took: refused for good, a dead push token, or out of
/// tries (`GET /operator/outbox/dead-letters`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeadLetter {
    /// `sms` or `push`.
    pub outbox: String,
    /// The message's id in its outbox.
    pub id: i64,
    /// Where it was going: the number's last digits, or the push platform.
    pub to: String,
    /// How many times a gateway was tried.
    pub attempts: i64,
    /// When it was queued.
    pub queued_at: Timestamp,
}

/// A letter posted to a fiscal address.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutboxLetter {
    /// Increasing id.
    pub id: i64,
    /// Addressee.
    pub to_name: String,
    /// The fiscal address.
    pub address: String,
    /// The letter's text, with the CSV code in it.
    pub text: String,
    /// When it was posted.
    pub sent_at: Timestamp,
}

/// An e-mail in the embedded gateway's outbox (`GET /operator/outbox/email`).
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutboxEmail {
    /// Increasing id.
    pub id: i64,
    /// The citizen's registered address.
    pub to: String,
    pub subject: String,
    pub text: String,
    /// When it was queued.
    pub sent_at: Timestamp,
}

/// A registered citizen, as `GET /operator/citizens` lists them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegisteredCitizen {
    /// DNI or NIE.
    pub document: DocumentNumber,
    /// The last digits of the registered mobile.
    pub mobile_hint: String,
    /// `office` or `letter`.
    pub channel: String,
    /// When.
    pub registered_at: Timestamp,
    /// Whether an activated device receives their PINs.
    pub app_activated: bool,
}

/// A push message the gateway sent.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OutboxPush {
    /// Increasing id.
    pub id: i64,
    /// The device it went to.
    pub device_id: String,
    /// FCM or APNs.
    pub platform: super::PushPlatform,
    /// The push token.
    pub token: String,
    /// The request body the platform's API would get (FCM HTTP v1 or APNs).
    pub payload: serde_json::Value,
    /// When.
    pub sent_at: Timestamp,
}

/// `GET /operator/outbox/sms` and `/operator/outbox/letters` answers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Outbox<T> {
    /// Items with an id above the `after` query parameter, oldest first.
    pub items: Vec<T>,
}

/// Contact data, codes and SMS texts stay out of `Debug` output (and so out of logs).
macro_rules! redacted_debug {
    ($($ty:ident),*) => {$(
        impl std::fmt::Debug for $ty {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(concat!(stringify!($ty), "(***)"))
            }
        }
    )*};
}

redacted_debug!(RegisterCitizen, CompleteRegistration, OutboxSms, OutboxEmail);

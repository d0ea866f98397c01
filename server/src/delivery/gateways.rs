//! The gateways that carry messages to phones and mailboxes, behind plain traits.
//! The embedded ones accept every message: the outbox the operator reads
//! (`GET /operator/outbox/…`) is then where they end, which is what the demo and the
//! tests use in place of a phone network.

use std::fmt;
use std::future::Future;
use std::pin::Pin;

use clavepin_protocol::wire::PushPlatform;
use serde_json::Value;

use crate::registry::MobileNumber;

/// Where one device's pushes go.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PushTarget {
    /// FCM or APNs.
    pub platform: PushPlatform,
    /// The token the app registered.
    pub token: String,
}

/// One SMS. Its text carries codes and PINs: `Debug` does not show it.
#[derive(Clone)]
pub struct SmsMessage {
    pub to: MobileNumber,
    pub text: String,
}

impl fmt::Debug for SmsMessage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SmsMessage").field("to", &self.to.hint()).finish_non_exhaustive()
    }
}

/// One push: the FCM or APNs body for the device's token.
#[derive(Debug, Clone)]
pub struct PushMessage {
    pub device_id: String,
    pub target: PushTarget,
    pub payload: Value,
}

/// One e-mail, for the notices to come (a new device, a removal).
#[derive(Clone)]
pub struct EmailMessage {
    pub to: String,
    pub subject: String,
    pub body: String,
}

impl fmt::Debug for EmailMessage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EmailMessage").field("subject", &self.subject).finish_non_exhaustive()
    }
}

/// Why a gateway did not take a message.
#[derive(Debug, thiserror::Error)]
pub enum GatewayError {
    /// Try again later: the gateway is down, slow or throttling us.
    #[error("the gateway is unavailable: {0}")]
    Unavailable(String),
    /// Never going to work (a number the carrier refuses, a message it cannot take):
    /// the message is given up on.
    #[error("the gateway refused the message: {0}")]
    Refused(String),
    /// The device's push token no longer works (the app was removed, or its token
    /// changed): the token is dropped and the PIN goes by SMS instead.
    #[error("the push token is no longer registered: {0}")]
    Unregistered(String),
}

/// What a gateway's `send` returns: sending is I/O, and the trait stays object-safe.
pub type Sending<'a> = Pin<Box<dyn Future<Output = Result<(), GatewayError>> + Send + 'a>>;

/// Carries SMS. Implementations must not log the text.
pub trait SmsGateway: Send + Sync + fmt::Debug {
    fn send<'a>(&'a self, message: &'a SmsMessage) -> Sending<'a>;

    /// Whether the outbox is where messages end (the embedded gateway): then what it
    /// took stays readable for `outbox::OUTBOX_LIFE`; a real gateway's is forgotten
    /// once taken.
    fn is_the_outbox(&self) -> bool {
        false
    }
}

/// Carries pushes to FCM or APNs.
pub trait PushGateway: Send + Sync + fmt::Debug {
    fn send<'a>(&'a self, message: &'a PushMessage) -> Sending<'a>;

    /// As [`SmsGateway::is_the_outbox`].
    fn is_the_outbox(&self) -> bool {
        false
    }
}

/// Carries e-mail.
pub trait EmailGateway: Send + Sync + fmt::Debug {
    fn send<'a>(&'a self, message: &'a EmailMessage) -> Sending<'a>;
}

/// The push gateways configured, by platform: FCM for Android, APNs for iOS. A
/// platform without one treats its tokens as dead: the PIN is then sent by SMS, so
/// the citizen still gets it.
#[derive(Debug, Default)]
pub struct PushGateways {
    pub fcm: Option<super::fcm::Fcm>,
    pub apns: Option<super::apns::Apns>,
}

impl PushGateway for PushGateways {
    fn send<'a>(&'a self, message: &'a PushMessage) -> Sending<'a> {
        Box::pin(async move {
            match (message.target.platform, &self.fcm, &self.apns) {
                (PushPlatform::Fcm, Some(fcm), _) => fcm.send(message).await,
                (PushPlatform::Apns, _, Some(apns)) => apns.send(message).await,
                (platform, _, _) => Err(GatewayError::Unregistered(format!(
                    "no {} gateway is configured",
                    platform.as_str()
                ))),
            }
        })
    }
}

impl SmsGateway for super::twilio::Twilio {
    fn send<'a>(&'a self, message: &'a SmsMessage) -> Sending<'a> {
        Box::pin(self.send(message))
    }
}

/// The embedded gateway for SMS, pushes and e-mail: takes everything, and the outbox
/// keeps it for the operator to read.
#[derive(Debug, Default, Clone, Copy)]
pub struct Embedded;

impl SmsGateway for Embedded {
    fn send<'a>(&'a self, message: &'a SmsMessage) -> Sending<'a> {
        tracing::info!(to = %message.to.hint(), "SMS handed to the embedded gateway");
        Box::pin(async { Ok(()) })
    }

    fn is_the_outbox(&self) -> bool {
        true
    }
}

impl PushGateway for Embedded {
    fn send<'a>(&'a self, message: &'a PushMessage) -> Sending<'a> {
        tracing::info!(
            platform = message.target.platform.as_str(),
            "push handed to the embedded gateway"
        );
        Box::pin(async { Ok(()) })
    }

    fn is_the_outbox(&self) -> bool {
        true
    }
}

impl EmailGateway for Embedded {
    fn send<'a>(&'a self, _message: &'a EmailMessage) -> Sending<'a> {
        tracing::info!("e-mail handed to the embedded gateway");
        Box::pin(async { Ok(()) })
    }
}

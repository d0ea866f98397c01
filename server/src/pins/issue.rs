//! "Obtain PIN" and "Request again": the channel (the app where there is one, SMS
//! otherwise, the citizen's choice when they made one), the push cap, the PIN sealed
//! for the device or sent by SMS, and the push.

use clavepin_protocol::crypto::{PinEnvelope, SealingContext};
use clavepin_protocol::wire::{ObtainPin, PendingPin, PinChannel, PinRequestCreated};
use clavepin_protocol::{DocumentNumber, IdentityClaim, Pin, PinCode, Timestamp};
use ring::rand::SecureRandom;

use super::request::load_request;
use super::sms_text::pin_sms;
use super::throttle::{self, check_not_throttled};
use super::{CODE_PURPOSE, PIN_LIFE, PIN_PURPOSE};
use crate::db::pins::{NewRequest, PinStore};
use crate::delivery::gateways::{PushMessage, PushTarget};
use crate::delivery::outbox::QueuedSms;
use crate::delivery::payloads;
use crate::devices::sealing_key;
use crate::error::{Fault, PinError, PinResult, RegistryError};
use crate::ids::random_id;
use crate::keys::ServiceKeys;
use crate::registry::{self, MobileNumber};
use crate::store::Store;
use crate::time::{from_millis, millis, retry_after_secs};

/// What issuing needs besides the transaction.
#[derive(Clone, Copy)]
pub struct Issuer<'a> {
    pub now: Timestamp,
    pub rng: &'a dyn SecureRandom,
    pub keys: &'a ServiceKeys,
    /// The site the citizen is signing in to, if a site asked: kept with the request
    /// for the citizen's activity and a "this wasn't me" report.
    pub site: Option<&'a str>,
}

impl<'a> Issuer<'a> {
    /// For a sign-in at `site`.
    pub fn for_site(self, site: Option<&'a str>) -> Self {
        Self { site, ..self }
    }
}

/// A new request, and the PIN to announce on the direct channel once committed.
#[derive(Debug)]
pub struct Issued {
    pub created: PinRequestCreated,
    pub pending: Option<PendingPin>,
    /// Whether an SMS or a push was queued: the delivery worker is woken only then.
    pub queued: bool,
}

/// Whether the citizen has an activated app that a PIN could be pushed to: the
/// portal then offers the choice of app or SMS (seed 001).
pub fn app_available(store: &dyn PinStore, document: &DocumentNumber) -> PinResult<bool> {
    Ok(store.active_device(document)?.is_some())
}

/// "Obtain PIN".
pub fn obtain(tx: &dyn Store, req: &ObtainPin, issuer: Issuer<'_>) -> PinResult<Issued> {
    let claim = IdentityClaim::new(req.document, req.contrast)
        .map_err(|e| PinError::Invalid(e.to_string()))?;
    let citizen = registry::registered_citizen(tx, &claim)?;
    let code = match &req.code {
        Some(text) => PinCode::parse(text).map_err(|e| PinError::Invalid(e.to_string()))?,
        None => PinCode::random(issuer.rng).map_err(|_| Fault("randomness"))?,
    };
    issue(tx, &claim.document(), &citizen.mobile, code, req.channel, issuer)
}

fn issue(
    tx: &dyn Store,
    document: &DocumentNumber,
    mobile: &MobileNumber,
    code: PinCode,
    choice: Option<PinChannel>,
    issuer: Issuer<'_>,
) -> PinResult<Issued> {
    let now = issuer.now;
    check_not_throttled(tx, document, now)?;
    // The cap counts since the last sign-in (SPEC.md, "failure counts"): a citizen who
    // got in is not held back by the PINs before, a flood never ends by itself.
    let window = tx.push_window(document)?;
    let since = millis(now - throttle::PUSH_CAP_WINDOW).max(window.last_sign_in_at);
    let (recent, oldest) = tx.requests_since(document, since)?;
    if recent >= throttle::PUSH_CAP {
        return Err(PinError::TooManyPins {
            retry_after_secs: retry_after_secs(oldest, throttle::PUSH_CAP_WINDOW, now),
        });
    }
    let device = tx.active_device(document)?;
    // After "this wasn't me" nothing is pushed for a while; SMS still works.
    let pushes_held = window.pushes_held_until > millis(now);
    let channel = match (choice, &device) {
        (Some(PinChannel::App), None) => return Err(PinError::AppNotActivated),
        (_, Some(_)) if pushes_held => PinChannel::Sms,
        (Some(channel), _) => channel,
        (None, Some(_)) => PinChannel::App,
        (None, None) => PinChannel::Sms,
    };
    tx.supersede_live(document)?;
    // One live way in at a time: a pending approval in the app ends too.
    tx.supersede_approvals(document.as_str())?;

    let request_id = random_id(issuer.rng)?;
    let pin = Pin::random(issuer.rng).map_err(|_| Fault("randomness"))?;
    let expires_at = from_millis(millis(now + PIN_LIFE));
    let mut pending = None;
    let mut sms_sent = 0;
    let mut queued = false;
    match (channel, &device) {
        (PinChannel::App, Some(device)) => {
            let key = sealing_key(issuer.keys, &device.id, &device.sealing_key)?;
            let context = SealingContext {
                device_id: &device.id,
                document,
                request_id: &request_id,
                expires_at,
            };
            let sealed = key
                .seal(&context, &PinEnvelope { code, pin: pin.clone() }, issuer.rng)
                .map_err(|_| Fault("sealing"))?;
            pending = Some(PendingPin {
                request_id: request_id.clone(),
                device_id: device.id.clone(),
                sealed: sealed.to_b64(),
                issued_at: from_millis(millis(now)),
                expires_at,
            });
        }
        _ => {
            let text = pin_sms(&code, &pin);
            tx.queue_sms(&QueuedSms::sealed(issuer.keys, issuer.rng, mobile.clone(), &text)?, now)?;
            sms_sent = 1;
            queued = true;
        }
    }
    tx.insert_request(&NewRequest {
        id: &request_id,
        document,
        code_hash: issuer.keys.keyed_hash(CODE_PURPOSE, &request_id, code.as_str()),
        pin_hash: issuer.keys.keyed_hash(PIN_PURPOSE, &request_id, pin.expose()),
        channel: channel_text(channel),
        device_id: pending.as_ref().map(|p| p.device_id.as_str()),
        sealed: pending.as_ref().map(|p| p.sealed.as_str()),
        issued_at: millis(now),
        expires_at: millis(expires_at),
        sms_sent,
        site: issuer.site,
    })?;
    if let (Some(pin), Some(device)) = (&pending, &device)
        && let Some((platform, token)) = &device.push
    {
        let target = PushTarget { platform: *platform, token: token.clone() };
        let payload = payloads::payload_for(&target, pin, now);
        let message = PushMessage { device_id: device.id.clone(), target, payload };
        tx.queue_push(&message, now)?;
        queued = true;
    }
    tracing::info!(document = %document.masked(), channel = channel_text(channel), "PIN issued");
    Ok(Issued {
        created: PinRequestCreated {
            request_id,
            code: code.to_string(),
            channel,
            expires_at,
            phone_hint: mobile.hint(),
            app_available: device.is_some(),
        },
        pending,
        queued,
    })
}

fn channel_text(channel: PinChannel) -> &'static str {
    match channel {
        PinChannel::App => "app",
        PinChannel::Sms => "sms",
    }
}

/// "Request again": a fresh PIN with the same code, replacing the request (live,
/// expired or dead, but not used or already replaced). The code proves the caller
/// holds the form the first request gave.
pub fn request_again(
    tx: &dyn Store,
    request_id: &str,
    code: &str,
    issuer: Issuer<'_>,
) -> PinResult<Issued> {
    let request = load_request(tx, request_id)?;
    let code = PinCode::parse(code).map_err(|e| PinError::Invalid(e.to_string()))?;
    if !issuer.keys.keyed_hash_matches(CODE_PURPOSE, request_id, code.as_str(), &request.code_hash)
    {
        return Err(PinError::UnknownPinRequest);
    }
    match request.state.as_str() {
        "used" => return Err(PinError::PinUsed),
        // Only the newest request may be renewed: renewing a replaced one would
        // bring it back and replace the live one behind the citizen's back.
        "superseded" => return Err(PinError::PinSuperseded),
        _ => {}
    }
    let citizen = registry::citizen(tx, &request.document)?.ok_or(RegistryError::NotRegistered)?;
    let channel = if request.channel == "app" { PinChannel::App } else { PinChannel::Sms };
    issue(tx, &request.document, &citizen.mobile, code, Some(channel), issuer)
}

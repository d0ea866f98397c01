//! Device activation (SPEC.md flow 2): contrast data → a 6-digit code by SMS → the
//! device proves the code, registers its signing key and X25519 share, gets the
//! service's share, and both derive the sealing key. The new device replaces the
//! citizen's previous one.

use chrono::TimeDelta;
use clavepin_protocol::crypto::{
    ActivationTranscript, AgreementShare, DevicePublicKey, KeyAgreement, RequestSignature,
    b64_encode,
};
use clavepin_protocol::wire::{
    ActivationCompleted, ActivationStarted, CompleteActivation, activation_proof_input,
};
use clavepin_protocol::{ActivationCode, DocumentNumber, IdentityClaim, Timestamp};
use ring::rand::SecureRandom;

use crate::activity::{self, Event};
use crate::binding_notice;
use crate::db::StoreResult;
use crate::db::activation::{ActivationStore, NewPendingDevice};
use crate::delivery::outbox::QueuedSms;
use crate::devices::{Device, sealing_key_aad};
use crate::error::{ActivationError, ActivationResult, Fault};
use crate::ids::random_id;
use crate::keys::ServiceKeys;
use crate::registry;
use crate::store::Store;
use crate::time::{from_millis, millis, retry_after_secs};

/// An activation code lives 10 minutes (SPEC.md's table).
pub const CODE_LIFE: TimeDelta = TimeDelta::minutes(10);
/// Wrong codes before the attempt dies.
pub const MAX_TRIES: i64 = 3;
/// Codes per citizen in rolling windows: 3 an hour lets a citizen retry a lost SMS,
/// and the day's and month's ceilings stop a caller from sending 26,000 a year.
pub const CODE_LIMITS: [(TimeDelta, i64); 3] =
    [(TimeDelta::hours(1), 3), (TimeDelta::days(1), 10), (TimeDelta::days(30), 30)];

const CODE_PURPOSE: &str = "activation";

/// Checks the claim, enforces the hourly limit, and sends a new code by SMS. A new
/// code supersedes any earlier pending one.
pub fn start(
    tx: &dyn Store,
    claim: &IdentityClaim,
    now: Timestamp,
    rng: &dyn SecureRandom,
    keys: &ServiceKeys,
) -> ActivationResult<ActivationStarted> {
    let citizen = registry::registered_citizen(tx, claim)?;
    let document = claim.document();
    // Codes sent before an operator cleared the limit do not count. The longest
    // wait any ceiling imposes is the one to tell.
    let mut wait = 0;
    for (window, cap) in CODE_LIMITS {
        let (recent, oldest) = tx.codes_since(&document, millis(now - window))?;
        if recent >= cap {
            wait = wait.max(retry_after_secs(oldest, window, now));
        }
    }
    if wait > 0 {
        return Err(ActivationError::TooManyCodes { retry_after_secs: wait });
    }
    tx.end_pending_attempts(&document)?;
    let id = random_id(rng)?;
    let code = ActivationCode::random(rng).map_err(|_| Fault("randomness"))?;
    let expires_at = now + CODE_LIFE;
    let code_hash = keys.keyed_hash(CODE_PURPOSE, &id, code.expose());
    tx.insert_attempt(&id, &document, &code_hash, millis(expires_at), millis(now))?;
    let text = format!(
        "Cl@ve PIN: su código de activación es {} (caduca en 10 minutos). No lo comparta con nadie. \
         / Your activation code is {}.",
        code.expose(),
        code.expose()
    );
    tx.queue_sms(&QueuedSms::sealed(keys, rng, citizen.mobile.clone(), &text)?, now)?;
    Ok(ActivationStarted {
        activation_id: id,
        code_expires_at: expires_at,
        phone_hint: citizen.mobile.hint(),
    })
}

/// Completes an activation (docs/PROTOCOL.md gives the order of the checks).
/// Refusals that must be remembered (a wrong code counts a try) come back as
/// `Ok(Err(_))` so the transaction still commits.
pub fn complete(
    tx: &dyn Store,
    activation_id: &str,
    req: &CompleteActivation,
    now: Timestamp,
    rng: &dyn SecureRandom,
    keys: &ServiceKeys,
) -> ActivationResult<ActivationResult<ActivationCompleted>> {
    let attempt = tx.attempt(activation_id)?.ok_or(ActivationError::UnknownActivation)?;
    let code_ok = ActivationCode::parse(&req.code).is_ok_and(|code| {
        keys.keyed_hash_matches(CODE_PURPOSE, activation_id, code.expose(), &attempt.code_hash)
    });

    // The same request again (its answer was lost on the way): the same answer.
    if attempt.state == "completed" {
        let same_request = code_ok
            && millis(now) < attempt.expires_at
            && attempt.agreement_share.as_deref() == Some(req.agreement_share.as_str())
            && DevicePublicKey::from_b64(&req.signing_key)
                .is_ok_and(|k| attempt.signing_key.as_deref() == Some(k.as_bytes()));
        return match (same_request, attempt.answer) {
            (true, Some(answer)) => serde_json::from_str(&answer)
                .map(Ok)
                .map_err(|_| Fault("corrupt activation answer").into()),
            _ => Err(ActivationError::UnknownActivation),
        };
    }
    if attempt.state != "pending" {
        return Err(ActivationError::UnknownActivation);
    }
    if millis(now) >= attempt.expires_at {
        tx.kill_attempt(activation_id)?;
        return Ok(Err(ActivationError::CodeExpired));
    }
    if !code_ok {
        let tries = attempt.tries + 1;
        tx.count_attempt_try(activation_id, tries)?;
        if tries >= MAX_TRIES {
            tx.kill_attempt(activation_id)?;
            return Ok(Err(ActivationError::CodeExhausted));
        }
        return Ok(Err(ActivationError::WrongCode { tries_left: (MAX_TRIES - tries) as u32 }));
    }
    // The code is right. Now the keys: malformed ones, or a proof that does not
    // verify, are refused without using up the code.
    let signing_key = DevicePublicKey::from_b64(&req.signing_key)
        .map_err(|_| ActivationError::Invalid("signing_key is not a P-256 public key".into()))?;
    let device_share = AgreementShare::from_b64(&req.agreement_share)
        .map_err(|_| ActivationError::Invalid("agreement_share is not an X25519 share".into()))?;
    let proof = RequestSignature::from_b64(&req.proof).map_err(|_| ActivationError::BadProof)?;
    // The device shows it holds the private key before the key is trusted.
    let proof_input = activation_proof_input(activation_id, &req.agreement_share);
    if signing_key.verify(&proof_input, &proof).is_err() {
        return Err(ActivationError::BadProof);
    }
    let document =
        DocumentNumber::parse(&attempt.document).map_err(|_| Fault("corrupt activation row"))?;

    let service = KeyAgreement::start(rng).map_err(|_| Fault("key agreement"))?;
    let service_share = service.share();
    let transcript = ActivationTranscript {
        activation_id,
        document: &document,
        device_signing_key: &signing_key,
        device_share: &device_share,
        service_share: &service_share,
    };
    let sealing_key = service
        .finish(&device_share, &transcript)
        .map_err(|_| ActivationError::Invalid("agreement_share is not usable".into()))?;

    let device_id = random_id(rng)?;
    let sealed = keys.encrypt(&sealing_key_aad(&device_id), sealing_key.expose(), rng)?;
    // Bound, but pending: the citizen's current device stays active until this one's
    // first signed request shows it kept its keys (`devices::confirm`).
    tx.insert_pending_device(&NewPendingDevice {
        id: &device_id,
        document: &document,
        public_key: signing_key.as_bytes(),
        sealing_key: &sealed,
        bound_at: millis(now),
        name: req.device_name.as_ref().map_or("", |l| l.as_str()),
        model: req.device_model.as_ref().map_or("", |l| l.as_str()),
    })?;
    let answer = ActivationCompleted {
        device_id,
        service_share: service_share.to_b64(),
        document,
        activated_at: from_millis(millis(now)),
        key_confirmation: b64_encode(&sealing_key.confirmation(&transcript.hash())),
    };
    let stored = serde_json::to_string(&answer).map_err(|_| Fault("serialise"))?;
    tx.complete_attempt(activation_id, signing_key.as_bytes(), &req.agreement_share, &stored)?;
    tracing::info!(document = %document.masked(), "device bound, pending its first signed request");
    Ok(Ok(answer))
}

/// A device bound by the round trip and not yet confirmed, by id.
pub fn load_pending(store: &dyn ActivationStore, id: &str) -> ActivationResult<Option<Device>> {
    Ok(store.pending_device(id)?)
}

/// The pending device's first signed request (verified by the caller) shows it stored
/// its keys: it becomes the citizen's device, and the one before is replaced.
pub fn confirm_pending(
    tx: &dyn Store,
    id: &str,
    now: Timestamp,
    keys: &ServiceKeys,
    rng: &dyn SecureRandom,
) -> ActivationResult<bool> {
    let Some(device) = tx.pending_device(id)? else { return Ok(false) };
    let before = tx.active_device(&device.document)?.map(|d| d.id);
    let replaced = tx.confirm_pending_device(&device, millis(now))?;
    let devices = tx.devices_of(&device.document)?;
    let label = |id: &str| devices.iter().find(|d| d.id == id).map(|d| d.label());
    if let Some(old) = before.as_deref().and_then(label) {
        activity::record(tx, &device.document, now, &Event::DeviceReplaced { device: old })?;
    }
    let new = label(id).unwrap_or_default();
    binding_notice::tell_of_binding(tx, keys, rng, &device.document, &new, before.is_some(), now)?;
    activity::record(tx, &device.document, now, &Event::DeviceActivated { device: new })?;
    // Re-activating is how a citizen stopped at 100 wrong PINs gets PINs again.
    crate::pins::throttle::clear_failures(tx, &device.document)?;
    tracing::info!(document = %device.document.masked(), replaced, "device activated");
    Ok(true)
}

/// How long a bound device may wait for its first signed request: an app that died
/// mid-activation never sends one.
pub const PENDING_DEVICE_LIFE: chrono::TimeDelta = chrono::TimeDelta::days(1);

/// Forgets devices that never confirmed.
pub fn prune_pending(store: &dyn ActivationStore, now: Timestamp) -> StoreResult<usize> {
    store.prune_pending_devices(millis(now - PENDING_DEVICE_LIFE))
}

/// An operator clears the citizen's activation-code limit; `false` if not registered.
pub fn clear_code_limit(
    tx: &dyn Store,
    document: &DocumentNumber,
    now: Timestamp,
) -> ActivationResult<bool> {
    if registry::citizen(tx, document)?.is_none() {
        return Ok(false);
    }
    tx.reset_code_limit(document, millis(now))?;
    Ok(true)
}

//! Push delivery. The production targets are FCM HTTP v1 (Android) and APNs (iOS);
//! their payloads are built here, each a few hundred bytes (both allow 4 KB), carrying
//! the sealed PIN so the notification can show it without a round trip.

use clavepin_protocol::Timestamp;
use clavepin_protocol::wire::{PUSH_VERSION, PendingPin, PushData, PushPlatform};
use rusqlite::{Transaction, params};
use serde_json::{Value, json};

use crate::error::ServiceResult;
use crate::time::millis;

/// Where one device's pushes go.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PushTarget {
    /// FCM or APNs.
    pub platform: PushPlatform,
    /// The token the app registered.
    pub token: String,
}

/// Sends push messages. The service calls it inside the transaction that issued the
/// PIN, so a production gateway queues there and delivers after commit (a
/// transactional outbox), and a PIN is never pushed without being stored.
pub trait PushGateway: Send + Sync + std::fmt::Debug {
    /// Hands one message over.
    fn push(
        &self,
        tx: &Transaction<'_>,
        device_id: &str,
        target: &PushTarget,
        payload: &Value,
        now: Timestamp,
    ) -> ServiceResult<()>;
}

/// The embedded gateway: the outbox table is the destination; the demo and tests read
/// it (`GET /operator/outbox/push`) and hand the payload to the device as FCM or APNs
/// would.
#[derive(Debug, Default, Clone, Copy)]
pub struct OutboxPushGateway;

impl PushGateway for OutboxPushGateway {
    fn push(
        &self,
        tx: &Transaction<'_>,
        device_id: &str,
        target: &PushTarget,
        payload: &Value,
        now: Timestamp,
    ) -> ServiceResult<()> {
        let platform = match target.platform {
            PushPlatform::Fcm => "fcm",
            PushPlatform::Apns => "apns",
        };
        tx.prepare_cached(
            "INSERT INTO push_outbox (device_id, platform, token, payload, sent_at) VALUES (?1, ?2, ?3, ?4, ?5)",
        )?
        .execute(params![device_id, platform, target.token, payload.to_string(), millis(now)])?;
        tracing::info!(push_id = tx.last_insert_rowid(), platform, "push sent");
        Ok(())
    }
}

/// The push data for a pending PIN.
pub fn push_data(pin: &PendingPin) -> PushData {
    PushData {
        v: PUSH_VERSION.into(),
        kind: "pin".into(),
        device_id: pin.device_id.clone(),
        request_id: pin.request_id.clone(),
        sealed: Some(pin.sealed.clone()),
        issued_at: millis(pin.issued_at).to_string(),
        expires_at: millis(pin.expires_at).to_string(),
    }
}

/// The body of an FCM HTTP v1 `messages:send` request: a data message (the app builds
/// the notification itself, with and without the PIN for the lock screen), high
/// priority, living as long as the PIN.
pub fn fcm_payload(token: &str, data: &PushData, ttl_secs: i64) -> Value {
    json!({
        "message": {
            "token": token,
            "data": data,
            "android": { "priority": "high", "ttl": format!("{}s", ttl_secs.max(0)) }
        }
    })
}

/// The body of an APNs request: an alert that a Notification Service Extension
/// (`mutable-content`) rewrites with the PIN once it has opened the seal; the
/// localised fallback says only that a PIN arrived, never the PIN.
pub fn apns_payload(data: &PushData) -> Value {
    json!({
        "aps": {
            "alert": { "title-loc-key": "PIN_ARRIVED_TITLE", "loc-key": "PIN_ARRIVED_BODY" },
            "mutable-content": 1,
            "interruption-level": "time-sensitive",
            "sound": "default"
        },
        "clavepin": data
    })
}

/// The payload for a target's platform.
pub fn payload_for(target: &PushTarget, pin: &PendingPin, now: Timestamp) -> Value {
    let data = push_data(pin);
    match target.platform {
        PushPlatform::Fcm => {
            fcm_payload(&target.token, &data, (pin.expires_at - now).num_seconds())
        }
        PushPlatform::Apns => apns_payload(&data),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn payloads_stay_well_under_four_kilobytes() {
        let now = Timestamp::from_timestamp(1_800_000_000, 0).unwrap_or_default();
        let pin = PendingPin {
            request_id: "A".repeat(22),
            device_id: "B".repeat(22),
            sealed: "C".repeat(47),
            issued_at: now,
            expires_at: now + chrono::TimeDelta::minutes(10),
        };
        let fcm = PushTarget { platform: PushPlatform::Fcm, token: "t".repeat(200) };
        let apns = PushTarget { platform: PushPlatform::Apns, token: "a".repeat(64) };
        for target in [fcm, apns] {
            let size = payload_for(&target, &pin, now).to_string().len();
            assert!(size < 1024, "{:?}: {size} bytes", target.platform);
        }
        let fcm =
            payload_for(&PushTarget { platform: PushPlatform::Fcm, token: "t".into() }, &pin, now);
        assert_eq!(fcm["message"]["android"]["ttl"], "600s");
        assert_eq!(fcm["message"]["data"]["type"], "pin");
    }
}

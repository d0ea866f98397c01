//! The push bodies for FCM HTTP v1 (Android) and APNs (iOS), each a few hundred bytes
//! (both allow 4 KB), carrying the sealed PIN so the notification can show it
//! without a round trip.

use clavepin_protocol::Timestamp;
use clavepin_protocol::wire::{PUSH_VERSION, PendingPin, PushData, PushPlatform};
use serde_json::{Value, json};

use super::gateways::PushTarget;
use crate::time::millis;

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

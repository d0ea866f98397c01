//! What the fuzz targets run, one function each, so that `cargo fuzz` (the binaries in
//! `fuzz_targets/`) and the ordinary test suite (which replays every corpus in
//! `corpus/`) exercise the same code. Each takes arbitrary bytes and must neither
//! panic nor, for the service, answer with a 5xx: bad input gets a typed refusal.
//!
//! - [`identity`]: document numbers, dates, contrast data and claims, as typed;
//! - [`codes`]: the portal's code, PINs, activation codes, request ids, patterns,
//!   keys, signatures and agreement shares;
//! - [`push_payload`]: push payloads as FCM or APNs deliver them, and sealed PINs;
//! - [`http_request`]: every JSON body, form and signed-request header set the
//!   service accepts, through its real router.

use std::sync::{Arc, OnceLock};

use chrono::NaiveDate;
use clavepin_protocol::crypto::{
    AgreementShare, DevicePublicKey, RequestSignature, SealedPin, SealingContext, SealingKey,
};
use clavepin_protocol::{
    ActivationCode, ContrastData, DocumentNumber, IdentityClaim, Pin, PinCode, RequestId,
    SupportNumber,
};

fn text(data: &[u8]) -> String {
    String::from_utf8_lossy(data).into_owned()
}

/// Document numbers, dates and contrast data as a citizen types them.
pub fn identity(data: &[u8]) {
    let input = text(data);
    let today = NaiveDate::from_ymd_opt(2026, 12, 1).unwrap_or_default();
    let (first, rest) = input.split_once('|').unwrap_or((&input, ""));
    if let Ok(document) = DocumentNumber::parse(first) {
        // What parses prints back as itself.
        assert_eq!(DocumentNumber::parse(document.as_str()).ok(), Some(document));
        for permanent in [false, true] {
            if let Ok(contrast) = ContrastData::parse_for(&document, rest, permanent, today) {
                let _ = IdentityClaim::new(document, contrast);
            }
        }
    }
    let _ = clavepin_protocol::identity::parse_date(&input);
    if let Ok(support) = SupportNumber::parse(&input) {
        assert_eq!(SupportNumber::parse(support.as_str()).ok(), Some(support));
    }
    if let Ok(contrast) = serde_json::from_slice::<ContrastData>(data)
        && let Ok(document) = DocumentNumber::parse(first)
    {
        let _ = IdentityClaim::new(document, contrast);
    }
}

/// Codes, PINs and the encoded keys and signatures devices send.
pub fn codes(data: &[u8]) {
    let input = text(data);
    if let Ok(code) = PinCode::parse(&input) {
        assert_eq!(PinCode::parse(code.as_str()).ok(), Some(code));
    }
    if let Ok(pin) = Pin::parse(&input) {
        assert_eq!(Pin::parse(pin.expose()).ok().as_ref().map(Pin::expose), Some(pin.expose()));
    }
    let _ = ActivationCode::parse(&input);
    let _ = RequestId::parse(&input);
    let _ = clavepin_core::Pattern::parse(&input);
    let _ = DevicePublicKey::from_b64(&input);
    let _ = RequestSignature::from_b64(&input);
    let _ = AgreementShare::from_b64(&input);
}

struct Phone {
    runtime: tokio::runtime::Runtime,
    device: clavepin_core::Device,
    _dir: tempfile::TempDir,
}

fn phone() -> Option<&'static Phone> {
    static PHONE: OnceLock<Option<Phone>> = OnceLock::new();
    PHONE
        .get_or_init(|| {
            let dir = tempfile::tempdir().ok()?;
            let keys =
                clavepin_core::store::FileKeyStore::open(&dir.path().join("k"), true).ok()?;
            let config =
                clavepin_core::DeviceConfig::new(dir.path(), "http://127.0.0.1:9", Arc::new(keys));
            let device = clavepin_core::Device::open(config).ok()?;
            let runtime =
                tokio::runtime::Builder::new_current_thread().enable_all().build().ok()?;
            Some(Phone { runtime, device, _dir: dir })
        })
        .as_ref()
}

/// A push payload as the platform hands it to the app, and a sealed PIN in it.
pub fn push_payload(data: &[u8]) {
    let payload = text(data);
    assert!(phone().is_some(), "the device did not open");
    if let Some(phone) = phone() {
        // Refused or not, never a panic; nothing is stored from a foreign push.
        let _ = phone.runtime.block_on(phone.device.handle_push(&payload));
    }
    if let Ok(sealed) = SealedPin::from_b64(payload.trim()) {
        let (Ok(key), Ok(document)) =
            (SealingKey::from_bytes(&[7u8; 32]), DocumentNumber::parse("12345678Z"))
        else {
            return;
        };
        let context = SealingContext {
            device_id: "device",
            document: &document,
            request_id: "request",
            expires_at: chrono::DateTime::from_timestamp(1_800_000_000, 0).unwrap_or_default(),
        };
        assert!(key.open(&context, &sealed).is_err(), "random bytes never open");
    }
}

mod service;
pub use service::http_request;

#[cfg(test)]
mod replay {
    /// Every input in `corpus/<target>/`, the seeds and what fuzzing found.
    fn corpus(target: &str) -> Vec<Vec<u8>> {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus").join(target);
        let mut inputs: Vec<_> = std::fs::read_dir(&dir)
            .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
            .map(|entry| entry.map(|e| e.path()).unwrap_or_else(|e| panic!("{e}")))
            .collect();
        inputs.sort();
        assert!(!inputs.is_empty(), "{} has no seeds", dir.display());
        inputs.iter().map(|p| std::fs::read(p).unwrap_or_else(|e| panic!("{e}"))).collect()
    }

    #[test]
    fn identity_corpus() {
        corpus("identity").iter().for_each(|input| super::identity(input));
    }

    #[test]
    fn codes_corpus() {
        corpus("codes").iter().for_each(|input| super::codes(input));
    }

    #[test]
    fn push_payload_corpus() {
        corpus("push_payload").iter().for_each(|input| super::push_payload(input));
    }

    #[test]
    fn http_request_corpus() {
        corpus("http_request").iter().for_each(|input| super::http_request(input));
    }
}

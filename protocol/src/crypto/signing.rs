//! Device request signatures: ECDSA P-256 with SHA-256 (FIPS 186-5), the curve phone
//! hardware key stores support, so a later version can move the key into them.

use std::fmt;

use ring::rand::SecureRandom;
use ring::signature::{
    ECDSA_P256_SHA256_FIXED, ECDSA_P256_SHA256_FIXED_SIGNING, EcdsaKeyPair, KeyPair,
    UnparsedPublicKey,
};
use zeroize::Zeroizing;

use super::CryptoError;
use super::encoding::{b64_decode, b64_encode};
use crate::Timestamp;

/// Domain separation: a signature over this input can never be mistaken for one over
/// another protocol message.
const REQUEST_CONTEXT: &str = "clavepin-request-v1";

/// The bytes a device signs for one HTTP request. Each field is on its own line, and
/// none can contain a newline (method and path are checked by the HTTP layer; the rest
/// are encoded), so the input parses back unambiguously.
pub fn signing_input(
    method: &str,
    path_and_query: &str,
    body: &[u8],
    timestamp_ms: i64,
    nonce: &str,
    device_id: &str,
) -> Vec<u8> {
    let body_hash = ring::digest::digest(&ring::digest::SHA256, body);
    let body_hex: String = body_hash.as_ref().iter().map(|b| format!("{b:02x}")).collect();
    format!(
        "{REQUEST_CONTEXT}\n{method}\n{path_and_query}\n{body_hex}\n{timestamp_ms}\n{nonce}\n{device_id}"
    )
    .into_bytes()
}

/// A device's private signing key. Held as PKCS#8 so it can be stored (encrypted);
/// zeroised on drop and never printed.
pub struct DeviceSigningKey {
    pkcs8: Zeroizing<Vec<u8>>,
    pair: EcdsaKeyPair,
}

impl DeviceSigningKey {
    /// Makes a new key pair.
    pub fn generate(rng: &dyn SecureRandom) -> Result<Self, CryptoError> {
        let pkcs8 = EcdsaKeyPair::generate_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, rng)?;
        Self::from_pkcs8(pkcs8.as_ref(), rng)
    }

    /// Loads a stored key.
    pub fn from_pkcs8(pkcs8: &[u8], rng: &dyn SecureRandom) -> Result<Self, CryptoError> {
        let pair = EcdsaKeyPair::from_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, pkcs8, rng)
            .map_err(|_| CryptoError::MalformedKey)?;
        Ok(Self { pkcs8: Zeroizing::new(pkcs8.to_vec()), pair })
    }

    /// The PKCS#8 document, for the encrypted store only.
    pub fn pkcs8(&self) -> &[u8] {
        &self.pkcs8
    }

    /// The public half, which the service keeps.
    pub fn public_key(&self) -> DevicePublicKey {
        DevicePublicKey(self.pair.public_key().as_ref().to_vec())
    }

    /// Signs `message` (already domain-separated by the caller).
    pub fn sign(
        &self,
        message: &[u8],
        rng: &dyn SecureRandom,
    ) -> Result<RequestSignature, CryptoError> {
        let sig = self.pair.sign(rng, message)?;
        Ok(RequestSignature(sig.as_ref().to_vec()))
    }
}

impl fmt::Debug for DeviceSigningKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("DeviceSigningKey(***)")
    }
}

/// A device's public key: an uncompressed SEC1 P-256 point (65 bytes).
#[derive(Clone, PartialEq, Eq)]
pub struct DevicePublicKey(Vec<u8>);

impl DevicePublicKey {
    /// Parses the base64url form, checking that it is a point on the curve.
    pub fn from_b64(text: &str) -> Result<Self, CryptoError> {
        let bytes = b64_decode(text).ok_or(CryptoError::MalformedKey)?;
        Self::from_bytes(&bytes)
    }

    /// Parses the raw SEC1 form.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, CryptoError> {
        if bytes.len() != 65 || bytes.first() != Some(&0x04) {
            return Err(CryptoError::MalformedKey);
        }
        // Curve membership is checked by ring on every verification, so an off-curve
        // point can only ever fail to verify.
        Ok(Self(bytes.to_vec()))
    }

    /// The raw SEC1 bytes.
    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }

    /// The base64url form used on the wire.
    pub fn to_b64(&self) -> String {
        b64_encode(&self.0)
    }

    /// Checks a signature over `message`.
    pub fn verify(&self, message: &[u8], signature: &RequestSignature) -> Result<(), CryptoError> {
        UnparsedPublicKey::new(&ECDSA_P256_SHA256_FIXED, &self.0)
            .verify(message, &signature.0)
            .map_err(|_| CryptoError::BadSignature)
    }
}

impl fmt::Debug for DevicePublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "DevicePublicKey({})", self.to_b64())
    }
}

/// A fixed-length (r ‖ s, 64 bytes) ECDSA signature.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestSignature(Vec<u8>);

impl RequestSignature {
    /// Parses the base64url form.
    pub fn from_b64(text: &str) -> Result<Self, CryptoError> {
        let bytes = b64_decode(text).ok_or(CryptoError::BadSignature)?;
        if bytes.len() != 64 {
            return Err(CryptoError::BadSignature);
        }
        Ok(Self(bytes))
    }

    /// The base64url form.
    pub fn to_b64(&self) -> String {
        b64_encode(&self.0)
    }
}

/// The headers that authenticate one device request (docs/PROTOCOL.md).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedRequest {
    /// Which device (activation) signs.
    pub device_id: String,
    /// When the device sent it, in Unix milliseconds.
    pub timestamp_ms: i64,
    /// 16 random bytes, base64url: a request is accepted once.
    pub nonce: String,
    /// Signature over [`signing_input`].
    pub signature: RequestSignature,
}

impl SignedRequest {
    /// Signs a request for `device_id` at `now`.
    pub fn sign(
        key: &DeviceSigningKey,
        device_id: &str,
        method: &str,
        path_and_query: &str,
        body: &[u8],
        now: Timestamp,
        rng: &dyn SecureRandom,
    ) -> Result<Self, CryptoError> {
        let mut nonce = [0u8; 16];
        rng.fill(&mut nonce)?;
        let nonce = b64_encode(&nonce);
        let timestamp_ms = now.timestamp_millis();
        let input = signing_input(method, path_and_query, body, timestamp_ms, &nonce, device_id);
        Ok(SignedRequest {
            device_id: device_id.to_owned(),
            timestamp_ms,
            nonce,
            signature: key.sign(&input, rng)?,
        })
    }

    /// Verifies the signature for this method, path and body.
    pub fn verify(
        &self,
        key: &DevicePublicKey,
        method: &str,
        path_and_query: &str,
        body: &[u8],
    ) -> Result<(), CryptoError> {
        let input = signing_input(
            method,
            path_and_query,
            body,
            self.timestamp_ms,
            &self.nonce,
            &self.device_id,
        );
        key.verify(&input, &self.signature)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ring::rand::SystemRandom;

    fn now() -> Timestamp {
        chrono::DateTime::from_timestamp(1_800_000_000, 0).unwrap_or_default()
    }

    #[test]
    fn a_signed_request_verifies_only_as_sent() {
        let rng = SystemRandom::new();
        let key = DeviceSigningKey::generate(&rng).unwrap();
        let public = key.public_key();
        let body = br#"{"token":"abc"}"#;
        let req =
            SignedRequest::sign(&key, "dev1", "POST", "/device/push-token", body, now(), &rng)
                .unwrap();
        assert_eq!(req.verify(&public, "POST", "/device/push-token", body), Ok(()));
        // Any change to what was signed breaks it.
        let bad = CryptoError::BadSignature;
        assert_eq!(req.verify(&public, "PUT", "/device/push-token", body), Err(bad));
        assert_eq!(req.verify(&public, "POST", "/device/status", body), Err(bad));
        assert_eq!(req.verify(&public, "POST", "/device/push-token", b"{}"), Err(bad));
        let mut later = req.clone();
        later.timestamp_ms += 1;
        assert_eq!(later.verify(&public, "POST", "/device/push-token", body), Err(bad));
        let mut other = req.clone();
        other.device_id = "dev2".into();
        assert_eq!(other.verify(&public, "POST", "/device/push-token", body), Err(bad));
        // Another device's key does not verify it.
        let stranger = DeviceSigningKey::generate(&rng).unwrap().public_key();
        assert_eq!(req.verify(&stranger, "POST", "/device/push-token", body), Err(bad));
    }

    #[test]
    fn keys_survive_a_round_trip_through_pkcs8_and_base64() {
        let rng = SystemRandom::new();
        let key = DeviceSigningKey::generate(&rng).unwrap();
        let again = DeviceSigningKey::from_pkcs8(key.pkcs8(), &rng).unwrap();
        assert_eq!(key.public_key(), again.public_key());
        let public = DevicePublicKey::from_b64(&key.public_key().to_b64()).unwrap();
        assert_eq!(public, key.public_key());
        assert_eq!(format!("{key:?}"), "DeviceSigningKey(***)");
    }

    #[test]
    fn malformed_keys_and_signatures_are_refused() {
        assert_eq!(DevicePublicKey::from_b64("not base64!"), Err(CryptoError::MalformedKey));
        assert_eq!(DevicePublicKey::from_bytes(&[4u8; 64]), Err(CryptoError::MalformedKey));
        assert_eq!(DevicePublicKey::from_bytes(&[2u8; 65]), Err(CryptoError::MalformedKey));
        assert_eq!(
            RequestSignature::from_b64(&b64_encode(&[0u8; 63])),
            Err(CryptoError::BadSignature)
        );
        let rng = SystemRandom::new();
        assert!(DeviceSigningKey::from_pkcs8(b"junk", &rng).is_err());
        // A point not on the curve never verifies anything.
        let off_curve = DevicePublicKey::from_bytes(&[4u8; 65]).unwrap();
        let sig = RequestSignature(vec![1u8; 64]);
        assert_eq!(off_curve.verify(b"x", &sig), Err(CryptoError::BadSignature));
    }
}

//! Sealing a PIN for one device (SPEC.md, "Sealing"). Each PIN gets its own
//! ChaCha20-Poly1305 key (RFC 8439), derived with HKDF-SHA256 from the device's
//! sealing key and the PIN request's id; the device, citizen, request and expiry are
//! associated data, so a sealed PIN moved to another device, citizen or request, or
//! with its expiry changed, does not open.
//!
//! What this gives: confidentiality and integrity of each PIN between the service and
//! the one device. What it does not: forward secrecy across messages — whoever gets
//! the sealing key opens every PIN sealed under it (docs/SECURITY.md).

use ring::aead::{Aad, CHACHA20_POLY1305, LessSafeKey, NONCE_LEN, Nonce, UnboundKey};
use ring::hkdf::{HKDF_SHA256, Salt};
use ring::rand::SecureRandom;
use zeroize::Zeroizing;

use super::CryptoError;
use super::agreement::SealingKey;
use super::encoding::{b64_decode, b64_encode};
use crate::{DocumentNumber, Pin, PinCode, Timestamp};

/// HKDF info prefix for per-message keys; the request id follows it.
const MESSAGE_KEY_INFO: &[u8] = b"clavepin v1 pin key";

/// Domain separation for the associated data.
const AAD_CONTEXT: &str = "clavepin-pin-v1";

/// What binds a sealed PIN to its place: who it is for, which request, until when.
#[derive(Debug, Clone, Copy)]
pub struct SealingContext<'a> {
    /// The device (activation) it is sealed for.
    pub device_id: &'a str,
    /// The citizen it was issued to.
    pub document: &'a DocumentNumber,
    /// The PIN request.
    pub request_id: &'a str,
    /// When the PIN expires.
    pub expires_at: Timestamp,
}

impl SealingContext<'_> {
    fn aad(&self) -> Vec<u8> {
        format!(
            "{AAD_CONTEXT}\n{}\n{}\n{}\n{}",
            self.device_id,
            self.document,
            self.request_id,
            self.expires_at.timestamp_millis()
        )
        .into_bytes()
    }
}

/// The plaintext: the request's code and its PIN.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PinEnvelope {
    /// The 4-character code the portal shows.
    pub code: PinCode,
    /// The PIN.
    pub pin: Pin,
}

/// A sealed PIN: nonce ‖ ciphertext ‖ tag, 12 + 7 + 16 = 35 bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SealedPin(Vec<u8>);

impl SealedPin {
    /// Parses the base64url form.
    pub fn from_b64(text: &str) -> Result<Self, CryptoError> {
        let bytes = b64_decode(text).ok_or(CryptoError::Unsealable)?;
        if bytes.len() <= NONCE_LEN {
            return Err(CryptoError::Unsealable);
        }
        Ok(Self(bytes))
    }

    /// The base64url form carried in push payloads and pulls.
    pub fn to_b64(&self) -> String {
        b64_encode(&self.0)
    }
}

fn message_key(key: &SealingKey, request_id: &str) -> Result<LessSafeKey, CryptoError> {
    let mut raw = Zeroizing::new([0u8; 32]);
    Salt::new(HKDF_SHA256, &[])
        .extract(key.expose())
        .expand(&[MESSAGE_KEY_INFO, request_id.as_bytes()], HKDF_SHA256)
        .and_then(|okm| okm.fill(raw.as_mut()))?;
    Ok(LessSafeKey::new(UnboundKey::new(&CHACHA20_POLY1305, raw.as_ref())?))
}

impl SealingKey {
    /// Seals a PIN for the context's device. The nonce is random: a request re-sent
    /// never reuses one under the same key.
    pub fn seal(
        &self,
        context: &SealingContext<'_>,
        envelope: &PinEnvelope,
        rng: &dyn SecureRandom,
    ) -> Result<SealedPin, CryptoError> {
        let key = message_key(self, context.request_id)?;
        let mut nonce = [0u8; NONCE_LEN];
        rng.fill(&mut nonce)?;
        let mut buffer = Zeroizing::new(Vec::with_capacity(7 + 16));
        buffer.extend_from_slice(envelope.code.as_str().as_bytes());
        buffer.extend_from_slice(envelope.pin.expose().as_bytes());
        key.seal_in_place_append_tag(
            Nonce::assume_unique_for_key(nonce),
            Aad::from(context.aad()),
            &mut *buffer,
        )?;
        let mut out = nonce.to_vec();
        out.extend_from_slice(&buffer);
        Ok(SealedPin(out))
    }

    /// Opens a sealed PIN, or refuses it: tampered, or sealed for another device,
    /// citizen, request or expiry.
    pub fn open(
        &self,
        context: &SealingContext<'_>,
        sealed: &SealedPin,
    ) -> Result<PinEnvelope, CryptoError> {
        let key = message_key(self, context.request_id)?;
        let (nonce, ciphertext) =
            sealed.0.split_at_checked(NONCE_LEN).ok_or(CryptoError::Unsealable)?;
        let nonce = Nonce::try_assume_unique_for_key(nonce).map_err(|_| CryptoError::Unsealable)?;
        let mut buffer = Zeroizing::new(ciphertext.to_vec());
        let plain = key
            .open_in_place(nonce, Aad::from(context.aad()), &mut buffer)
            .map_err(|_| CryptoError::Unsealable)?;
        let text = std::str::from_utf8(plain).map_err(|_| CryptoError::Unsealable)?;
        let (code, pin) = text.split_at_checked(4).ok_or(CryptoError::Unsealable)?;
        Ok(PinEnvelope {
            code: PinCode::parse(code).map_err(|_| CryptoError::Unsealable)?,
            pin: Pin::parse(pin).map_err(|_| CryptoError::Unsealable)?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ring::rand::SystemRandom;

    fn key(byte: u8) -> SealingKey {
        SealingKey::from_bytes(&[byte; 32]).unwrap()
    }

    #[test]
    fn a_sealed_pin_opens_only_in_its_own_context() {
        let rng = SystemRandom::new();
        let dni = DocumentNumber::parse("12345678Z").unwrap();
        let other = DocumentNumber::parse("X1234567L").unwrap();
        let expires = chrono::DateTime::from_timestamp(1_800_000_600, 0).unwrap();
        let ctx = SealingContext {
            device_id: "dev1",
            document: &dni,
            request_id: "req1",
            expires_at: expires,
        };
        let envelope =
            PinEnvelope { code: PinCode::parse("AB12").unwrap(), pin: Pin::parse("X7K").unwrap() };
        let sealed = key(1).seal(&ctx, &envelope, &rng).unwrap();
        assert_eq!(sealed.0.len(), 35);
        assert_eq!(key(1).open(&ctx, &sealed), Ok(envelope.clone()));
        let round_trip = SealedPin::from_b64(&sealed.to_b64()).unwrap();
        assert_eq!(key(1).open(&ctx, &round_trip), Ok(envelope));

        let refused = Err(CryptoError::Unsealable);
        assert_eq!(key(2).open(&ctx, &sealed), refused);
        for moved in [
            SealingContext { device_id: "dev2", ..ctx },
            SealingContext { document: &other, ..ctx },
            SealingContext { request_id: "req2", ..ctx },
            SealingContext { expires_at: expires + chrono::TimeDelta::seconds(1), ..ctx },
        ] {
            assert_eq!(key(1).open(&moved, &sealed), refused);
        }
        for i in 0..sealed.0.len() {
            let mut tampered = sealed.clone();
            tampered.0[i] ^= 0x01;
            assert_eq!(key(1).open(&ctx, &tampered), refused, "byte {i}");
        }
        assert!(SealedPin::from_b64("AAAA").is_err());
    }
}

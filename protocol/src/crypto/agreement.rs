//! The sealing key, agreed once per activation. `ring` only has ephemeral X25519 keys
//! (RFC 7748), so the agreement happens inside the activation round trip that proves
//! the SMS code; both sides then keep only the derived key. A device that restarts
//! mid-way has lost its private share and must ask for a new SMS code.

use std::fmt;

use ring::agreement::{EphemeralPrivateKey, UnparsedPublicKey, X25519, agree_ephemeral};
use ring::hkdf::{HKDF_SHA256, Salt};
use ring::rand::SecureRandom;
use zeroize::Zeroizing;

use super::CryptoError;
use super::encoding::{b64_decode, b64_encode};
use super::signing::DevicePublicKey;
use crate::DocumentNumber;

/// HKDF info for the sealing key (RFC 5869 §3.2: names the protocol version and purpose).
const SEALING_KEY_INFO: &[u8] = b"clavepin v1 sealing key";

/// Domain separation for the transcript hash.
const TRANSCRIPT_CONTEXT: &[u8] = b"clavepin-activation-v1";

/// Domain separation for the key confirmation.
const CONFIRMATION_CONTEXT: &[u8] = b"clavepin v1 key confirmation";

/// A public X25519 share (32 bytes).
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct AgreementShare([u8; 32]);

impl AgreementShare {
    /// Parses the base64url form.
    pub fn from_b64(text: &str) -> Result<Self, CryptoError> {
        let bytes = b64_decode(text).ok_or(CryptoError::MalformedKey)?;
        Ok(Self(bytes.try_into().map_err(|_| CryptoError::MalformedKey)?))
    }

    /// The base64url form used on the wire.
    pub fn to_b64(&self) -> String {
        b64_encode(&self.0)
    }
}

impl fmt::Debug for AgreementShare {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "AgreementShare({})", self.to_b64())
    }
}

/// Everything the activation round trip agreed on. Its hash salts the key derivation,
/// so a share swapped in transit, or replayed into another activation, gives a
/// different key and nothing opens.
#[derive(Debug, Clone, Copy)]
pub struct ActivationTranscript<'a> {
    /// The service's id for this activation attempt.
    pub activation_id: &'a str,
    /// The citizen being activated.
    pub document: &'a DocumentNumber,
    /// The device's new signing key.
    pub device_signing_key: &'a DevicePublicKey,
    /// The device's X25519 share.
    pub device_share: &'a AgreementShare,
    /// The service's X25519 share.
    pub service_share: &'a AgreementShare,
}

impl ActivationTranscript<'_> {
    /// SHA-256 over the context and each field, each prefixed by its length (u32, big
    /// endian) so no two transcripts serialise alike.
    pub fn hash(&self) -> [u8; 32] {
        let mut ctx = ring::digest::Context::new(&ring::digest::SHA256);
        for field in [
            TRANSCRIPT_CONTEXT,
            self.activation_id.as_bytes(),
            self.document.as_str().as_bytes(),
            self.device_signing_key.as_bytes(),
            &self.device_share.0,
            &self.service_share.0,
        ] {
            ctx.update(&(field.len() as u32).to_be_bytes());
            ctx.update(field);
        }
        let mut out = [0u8; 32];
        out.copy_from_slice(ctx.finish().as_ref());
        out
    }
}

/// One side's half of the agreement, alive only for the activation round trip.
pub struct KeyAgreement {
    private: EphemeralPrivateKey,
    share: AgreementShare,
}

impl KeyAgreement {
    /// Makes a fresh X25519 key pair.
    pub fn start(rng: &dyn SecureRandom) -> Result<Self, CryptoError> {
        let private = EphemeralPrivateKey::generate(&X25519, rng)?;
        let public = private.compute_public_key()?;
        let share = AgreementShare(public.as_ref().try_into().map_err(|_| CryptoError::Failure)?);
        Ok(Self { private, share })
    }

    /// The public share to send.
    pub fn share(&self) -> AgreementShare {
        self.share
    }

    /// Combines with the peer's share and derives the sealing key; the private key is
    /// consumed, so it cannot be used twice.
    pub fn finish(
        self,
        peer: &AgreementShare,
        transcript: &ActivationTranscript<'_>,
    ) -> Result<SealingKey, CryptoError> {
        let peer = UnparsedPublicKey::new(&X25519, peer.0);
        let salt = Salt::new(HKDF_SHA256, &transcript.hash());
        agree_ephemeral(self.private, &peer, |shared| {
            let mut key = Zeroizing::new([0u8; 32]);
            salt.extract(shared)
                .expand(&[SEALING_KEY_INFO], HKDF_SHA256)
                .and_then(|okm| okm.fill(key.as_mut()))
                .map(|()| SealingKey(key))
        })
        .map_err(|_| CryptoError::MalformedKey)?
        .map_err(CryptoError::from)
    }
}

impl fmt::Debug for KeyAgreement {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "KeyAgreement({:?})", self.share)
    }
}

/// The key both sides derived at activation; PINs are sealed under keys derived from
/// it. Zeroised on drop, never printed.
pub struct SealingKey(pub(super) Zeroizing<[u8; 32]>);

impl SealingKey {
    /// Restores a stored key.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, CryptoError> {
        let array: [u8; 32] = bytes.try_into().map_err(|_| CryptoError::MalformedKey)?;
        Ok(Self(Zeroizing::new(array)))
    }

    /// The raw key, for the encrypted store only.
    pub fn expose(&self) -> &[u8; 32] {
        &self.0
    }

    /// Key confirmation: HMAC-SHA256(key, context ‖ transcript hash). The service
    /// sends it with the activation's answer; a device whose derivation differs (a
    /// share swapped in transit, a client bug) finds out at once, not at the first PIN.
    pub fn confirmation(&self, transcript_hash: &[u8; 32]) -> Vec<u8> {
        let key = ring::hmac::Key::new(ring::hmac::HMAC_SHA256, self.0.as_ref());
        let mut ctx = ring::hmac::Context::with_key(&key);
        ctx.update(CONFIRMATION_CONTEXT);
        ctx.update(transcript_hash);
        ctx.sign().as_ref().to_vec()
    }

    /// Checks a confirmation in constant time.
    pub fn confirms(&self, transcript_hash: &[u8; 32], confirmation: &[u8]) -> bool {
        let key = ring::hmac::Key::new(ring::hmac::HMAC_SHA256, self.0.as_ref());
        let mut message = CONFIRMATION_CONTEXT.to_vec();
        message.extend_from_slice(transcript_hash);
        ring::hmac::verify(&key, &message, confirmation).is_ok()
    }
}

impl fmt::Debug for SealingKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SealingKey(***)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crypto::DeviceSigningKey;
    use ring::rand::SystemRandom;

    #[test]
    fn both_sides_derive_the_same_key_and_a_tampered_transcript_does_not() {
        let rng = SystemRandom::new();
        let document = DocumentNumber::parse("12345678Z").unwrap();
        let signing = DeviceSigningKey::generate(&rng).unwrap().public_key();
        let device = KeyAgreement::start(&rng).unwrap();
        let service = KeyAgreement::start(&rng).unwrap();
        let (device_share, service_share) = (device.share(), service.share());
        let transcript = ActivationTranscript {
            activation_id: "act-1",
            document: &document,
            device_signing_key: &signing,
            device_share: &device_share,
            service_share: &service_share,
        };
        let on_service = service.finish(&device_share, &transcript).unwrap();
        let on_device = device.finish(&service_share, &transcript).unwrap();
        assert_eq!(on_service.expose(), on_device.expose());
        let confirmation = on_service.confirmation(&transcript.hash());
        assert!(on_device.confirms(&transcript.hash(), &confirmation));
        assert!(!on_device.confirms(&[0u8; 32], &confirmation));

        // The same shares under another activation id give another key.
        let device = KeyAgreement::start(&rng).unwrap();
        let service = KeyAgreement::start(&rng).unwrap();
        let (ds, ss) = (device.share(), service.share());
        let t1 = ActivationTranscript {
            activation_id: "act-1",
            device_share: &ds,
            service_share: &ss,
            ..transcript
        };
        let t2 = ActivationTranscript { activation_id: "act-2", ..t1 };
        let k1 = service.finish(&ds, &t1).unwrap();
        let k2 = device.finish(&ss, &t2).unwrap();
        assert_ne!(k1.expose(), k2.expose());
        assert_eq!(format!("{k1:?}"), "SealingKey(***)");
    }

    #[test]
    fn malformed_shares_are_refused() {
        assert_eq!(AgreementShare::from_b64("AAAA"), Err(CryptoError::MalformedKey));
        assert_eq!(AgreementShare::from_b64("%%%"), Err(CryptoError::MalformedKey));
        assert!(SealingKey::from_bytes(&[0u8; 31]).is_err());
    }
}

//! The cryptography device and service share (SPEC.md, "Security"), all on `ring`:
//! ECDSA P-256 request signatures, the one-time X25519 agreement at activation, and
//! the AEAD sealing of each PIN. Keys are types of their own, zeroised and unprintable.

mod agreement;
mod encoding;
mod sealing;
mod signing;

pub use agreement::{ActivationTranscript, AgreementShare, KeyAgreement, SealingKey};
pub use encoding::{b64_decode, b64_decode_standard, b64_encode};
pub use sealing::{PinEnvelope, SealedPin, SealingContext};
pub use signing::{
    DevicePublicKey, DeviceSigningKey, RequestSignature, SignedRequest, signing_input,
};

/// A cryptographic operation failed: a malformed key, a bad signature, a tampered
/// ciphertext. Deliberately says no more: details help attackers, not citizens.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum CryptoError {
    /// A key that does not parse as the kind it claims to be.
    #[error("malformed key")]
    MalformedKey,
    /// A signature that does not verify.
    #[error("bad signature")]
    BadSignature,
    /// A sealed message that does not open: tampered, or meant for someone else.
    #[error("sealed message does not open")]
    Unsealable,
    /// The system's randomness or a primitive failed.
    #[error("cryptographic failure")]
    Failure,
}

impl From<ring::error::Unspecified> for CryptoError {
    fn from(_: ring::error::Unspecified) -> Self {
        CryptoError::Failure
    }
}

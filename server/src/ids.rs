//! Random identifiers: 16 bytes (128 bits) from the CSPRNG, base64url. Unguessable,
//! so knowing one id tells nothing about another.

use clavepin_protocol::crypto::b64_encode;
use ring::rand::SecureRandom;

use crate::error::Fault;

/// A fresh random id.
pub fn random_id(rng: &dyn SecureRandom) -> Result<String, Fault> {
    let mut bytes = [0u8; 16];
    rng.fill(&mut bytes).map_err(|_| Fault("randomness"))?;
    Ok(b64_encode(&bytes))
}

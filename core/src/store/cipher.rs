//! Encryption of secrets at rest: AES-256-GCM under the store's data key, each value
//! bound to its place (table, column, row) by associated data, so a value copied to
//! another row, or changed, does not decrypt.

use ring::aead::{AES_256_GCM, Aad, LessSafeKey, NONCE_LEN, Nonce, UnboundKey};
use ring::rand::SecureRandom;
use zeroize::Zeroizing;

use super::StoreError;

/// The store's data key.
pub struct DataKey(LessSafeKey);

impl std::fmt::Debug for DataKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("DataKey(***)")
    }
}

impl DataKey {
    /// From raw bytes (unwrapped by the platform key store).
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, StoreError> {
        let unbound = UnboundKey::new(&AES_256_GCM, bytes).map_err(|_| StoreError::WrongKey)?;
        Ok(Self(LessSafeKey::new(unbound)))
    }

    /// Encrypts `plain` for the place `aad` names.
    pub fn seal(
        &self,
        aad: &str,
        plain: &[u8],
        rng: &dyn SecureRandom,
    ) -> Result<Vec<u8>, StoreError> {
        seal_with(&self.0, aad, plain, rng)
    }

    /// Decrypts a value stored at `aad`; anything else is [`StoreError::Tampered`].
    pub fn open(&self, aad: &str, sealed: &[u8]) -> Result<Zeroizing<Vec<u8>>, StoreError> {
        open_with(&self.0, aad, sealed)
    }
}

pub fn seal_with(
    key: &LessSafeKey,
    aad: &str,
    plain: &[u8],
    rng: &dyn SecureRandom,
) -> Result<Vec<u8>, StoreError> {
    let mut nonce = [0u8; NONCE_LEN];
    rng.fill(&mut nonce).map_err(|_| StoreError::Randomness)?;
    let mut buffer = plain.to_vec();
    key.seal_in_place_append_tag(
        Nonce::assume_unique_for_key(nonce),
        Aad::from(aad.as_bytes()),
        &mut buffer,
    )
    .map_err(|_| StoreError::Randomness)?;
    let mut out = nonce.to_vec();
    out.extend_from_slice(&buffer);
    Ok(out)
}

pub fn open_with(
    key: &LessSafeKey,
    aad: &str,
    sealed: &[u8],
) -> Result<Zeroizing<Vec<u8>>, StoreError> {
    let tampered =
        || StoreError::Tampered { place: aad.split(':').take(2).collect::<Vec<_>>().join(":") };
    let (nonce, body) = sealed.split_at_checked(NONCE_LEN).ok_or_else(tampered)?;
    let nonce = Nonce::try_assume_unique_for_key(nonce).map_err(|_| tampered())?;
    let mut buffer = Zeroizing::new(body.to_vec());
    let len = key
        .open_in_place(nonce, Aad::from(aad.as_bytes()), &mut buffer)
        .map_err(|_| tampered())?
        .len();
    buffer.truncate(len);
    Ok(buffer)
}

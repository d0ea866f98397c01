//! The service's secrets, kept in its data folder readable by its owner only:
//! - `service.key`: 32 random bytes from which the HMAC key (codes, PINs, CSVs are
//!   stored only as keyed hashes) and the storage key (devices' sealing keys are
//!   stored encrypted) are derived with HKDF-SHA256;
//! - `operator.token`: the bearer token of the operator API.

use std::fs;
use std::io;
use std::path::Path;

use clavepin_protocol::crypto::{b64_decode, b64_encode};
use ring::aead::{AES_256_GCM, Aad, LessSafeKey, NONCE_LEN, Nonce, UnboundKey};
use ring::hkdf::{HKDF_SHA256, Salt};
use ring::hmac;
use ring::rand::{SecureRandom, SystemRandom};
use zeroize::Zeroizing;

use crate::error::Fault;

const MASTER_FILE: &str = "service.key";
const TOKEN_FILE: &str = "operator.token";

/// Keys derived from the master secret.
pub struct ServiceKeys {
    hmac: hmac::Key,
    storage: LessSafeKey,
    operator_token: String,
    operator_token_hash: [u8; 32],
}

impl std::fmt::Debug for ServiceKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ServiceKeys(***)")
    }
}

impl ServiceKeys {
    /// Loads the keys, making them on first start: the master key from `master` (the
    /// data folder's `service.key` unless instances share one file), the operator
    /// token from `dir`. With `first_start` false a missing key file is an error,
    /// never a new key: a new key could not check the stored hashes nor open the
    /// stored sealing keys.
    pub fn load_or_create(
        dir: &Path,
        master: Option<&Path>,
        rng: &SystemRandom,
        first_start: bool,
    ) -> io::Result<Self> {
        let own = dir.join(MASTER_FILE);
        let master_path = master.unwrap_or(&own);
        if !first_start && !master_path.exists() {
            return Err(io::Error::new(
                io::ErrorKind::NotFound,
                format!(
                    "{} is missing but the database exists: restore {} from a backup",
                    master_path.display(),
                    master_path.file_name().unwrap_or_default().to_string_lossy()
                ),
            ));
        }
        let master = read_or_create(master_path, rng)?;
        let master = b64_decode(master.trim())
            .filter(|m| m.len() == 32)
            .map(Zeroizing::new)
            .ok_or_else(|| invalid_data("the service key file is corrupt"))?;
        let token = read_or_create(&dir.join(TOKEN_FILE), rng)?;
        let token = token.trim().to_owned();
        if token.len() < 32 {
            return Err(invalid_data("operator.token is corrupt"));
        }
        let derive = |info: &[u8]| -> io::Result<Zeroizing<[u8; 32]>> {
            let mut out = Zeroizing::new([0u8; 32]);
            Salt::new(HKDF_SHA256, b"clavepin service v1")
                .extract(&master)
                .expand(&[info], HKDF_SHA256)
                .and_then(|okm| okm.fill(out.as_mut()))
                .map_err(|_| invalid_data("key derivation failed"))?;
            Ok(out)
        };
        let hmac_key = derive(b"hmac")?;
        let storage_key = derive(b"storage")?;
        let storage = UnboundKey::new(&AES_256_GCM, storage_key.as_ref())
            .map_err(|_| invalid_data("bad storage key"))?;
        Ok(Self {
            hmac: hmac::Key::new(hmac::HMAC_SHA256, hmac_key.as_ref()),
            storage: LessSafeKey::new(storage),
            operator_token_hash: sha256(token.as_bytes()),
            operator_token: token,
        })
    }

    /// Names the keys without revealing them: the database records it on first start
    /// and every instance started with other keys is refused.
    pub fn fingerprint(&self) -> Vec<u8> {
        hmac::sign(&self.hmac, b"clavepin key fingerprint v1").as_ref()[..16].to_vec()
    }

    /// The operator's bearer token.
    pub fn operator_token(&self) -> &str {
        &self.operator_token
    }

    /// Checks a presented token. Comparing digests keeps the comparison's timing
    /// independent of where the presented token first differs.
    pub fn operator_token_matches(&self, presented: &str) -> bool {
        sha256(presented.as_bytes()) == self.operator_token_hash
    }

    /// The keyed hash of a secret (a code, a PIN, a CSV) in its context.
    pub fn keyed_hash(&self, purpose: &str, context: &str, secret: &str) -> Vec<u8> {
        let input = format!("{purpose}\n{context}\n{secret}");
        hmac::sign(&self.hmac, input.as_bytes()).as_ref().to_vec()
    }

    /// Checks a secret against its stored keyed hash in constant time.
    pub fn keyed_hash_matches(
        &self,
        purpose: &str,
        context: &str,
        secret: &str,
        stored: &[u8],
    ) -> bool {
        let input = format!("{purpose}\n{context}\n{secret}");
        hmac::verify(&self.hmac, input.as_bytes(), stored).is_ok()
    }

    /// Encrypts a secret for storage, bound to `aad` (the row it belongs to).
    pub fn encrypt(
        &self,
        aad: &str,
        plaintext: &[u8],
        rng: &dyn SecureRandom,
    ) -> Result<Vec<u8>, Fault> {
        let mut nonce = [0u8; NONCE_LEN];
        rng.fill(&mut nonce).map_err(|_| Fault("randomness"))?;
        let mut buffer = plaintext.to_vec();
        self.storage
            .seal_in_place_append_tag(
                Nonce::assume_unique_for_key(nonce),
                Aad::from(aad.as_bytes()),
                &mut buffer,
            )
            .map_err(|_| Fault("encryption"))?;
        let mut out = nonce.to_vec();
        out.extend_from_slice(&buffer);
        Ok(out)
    }

    /// Decrypts a stored secret; fails if it was tampered with or moved to another row.
    pub fn decrypt(&self, aad: &str, stored: &[u8]) -> Result<Zeroizing<Vec<u8>>, Fault> {
        let (nonce, ciphertext) =
            stored.split_at_checked(NONCE_LEN).ok_or(Fault("stored key truncated"))?;
        let nonce = Nonce::try_assume_unique_for_key(nonce).map_err(|_| Fault("stored key"))?;
        let mut buffer = Zeroizing::new(ciphertext.to_vec());
        let len = self
            .storage
            .open_in_place(nonce, Aad::from(aad.as_bytes()), &mut buffer)
            .map_err(|_| Fault("stored key does not decrypt"))?
            .len();
        buffer.truncate(len);
        Ok(buffer)
    }
}

fn sha256(bytes: &[u8]) -> [u8; 32] {
    let mut out = [0u8; 32];
    out.copy_from_slice(ring::digest::digest(&ring::digest::SHA256, bytes).as_ref());
    out
}

fn invalid_data(what: &str) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, what.to_owned())
}

/// Reads a secret file, or writes a new random one readable by its owner only.
fn read_or_create(path: &Path, rng: &SystemRandom) -> io::Result<String> {
    match fs::read_to_string(path) {
        Ok(text) => Ok(text),
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            let mut bytes = Zeroizing::new([0u8; 32]);
            rng.fill(bytes.as_mut()).map_err(|_| invalid_data("randomness failed"))?;
            let text = b64_encode(bytes.as_ref());
            // Made beside it under a name of its own, then linked into place, which
            // never replaces a file: of instances starting together with one shared
            // key file, one key wins and every other instance reads it.
            let mut tag = [0u8; 8];
            rng.fill(&mut tag).map_err(|_| invalid_data("randomness failed"))?;
            let name = path.file_name().unwrap_or_default().to_string_lossy();
            let made = path.with_file_name(format!("{name}.{}.new", b64_encode(&tag)));
            write_private(&made, &text)?;
            let linked = fs::hard_link(&made, path);
            let _ = fs::remove_file(&made);
            match linked {
                Ok(()) => Ok(text),
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists => fs::read_to_string(path),
                Err(e) => Err(e),
            }
        }
        Err(e) => Err(e),
    }
}

pub use crate::files::write_private;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_persist_and_secret_files_are_owner_only() {
        let dir = tempfile::tempdir().unwrap();
        let rng = SystemRandom::new();
        let first = ServiceKeys::load_or_create(dir.path(), None, &rng, true).unwrap();
        let again = ServiceKeys::load_or_create(dir.path(), None, &rng, true).unwrap();
        assert_eq!(first.operator_token(), again.operator_token());
        let h = first.keyed_hash("code", "act1", "123456");
        assert!(again.keyed_hash_matches("code", "act1", "123456", &h));
        assert!(!again.keyed_hash_matches("code", "act2", "123456", &h));
        assert!(again.operator_token_matches(first.operator_token()));
        assert!(!again.operator_token_matches("guess"));
        #[cfg(unix)]
        for file in [MASTER_FILE, TOKEN_FILE] {
            use std::os::unix::fs::PermissionsExt;
            let mode = fs::metadata(dir.path().join(file)).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600, "{file}");
        }
    }

    #[test]
    fn stored_secrets_open_only_in_their_row() {
        let dir = tempfile::tempdir().unwrap();
        let rng = SystemRandom::new();
        let keys = ServiceKeys::load_or_create(dir.path(), None, &rng, true).unwrap();
        let stored = keys.encrypt("device:d1", b"secret", &rng).unwrap();
        assert_eq!(keys.decrypt("device:d1", &stored).unwrap().as_slice(), b"secret");
        assert!(keys.decrypt("device:d2", &stored).is_err());
        let mut tampered = stored.clone();
        tampered[20] ^= 1;
        assert!(keys.decrypt("device:d1", &tampered).is_err());
    }

    #[test]
    fn instances_making_one_shared_key_file_together_all_get_the_same_key() {
        let dir = tempfile::tempdir().unwrap();
        let shared = dir.path().join("shared.key");
        let made: Vec<String> = (0..8)
            .map(|_| {
                let shared = shared.clone();
                std::thread::spawn(move || read_or_create(&shared, &SystemRandom::new()).unwrap())
            })
            .collect::<Vec<_>>()
            .into_iter()
            .map(|t| t.join().unwrap())
            .collect();
        assert!(made.iter().all(|k| *k == made[0]), "one key won");
        assert_eq!(fs::read_to_string(&shared).unwrap(), made[0]);
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1, "nothing left beside it");
    }

    #[test]
    fn a_corrupt_key_file_is_an_error_not_a_new_key() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join(MASTER_FILE), "garbage").unwrap();
        let err =
            ServiceKeys::load_or_create(dir.path(), None, &SystemRandom::new(), true).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::InvalidData);
        assert_eq!(fs::read_to_string(dir.path().join(MASTER_FILE)).unwrap(), "garbage");
    }

    #[test]
    fn a_lost_key_file_is_not_silently_replaced() {
        let dir = tempfile::tempdir().unwrap();
        let err =
            ServiceKeys::load_or_create(dir.path(), None, &SystemRandom::new(), false).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::NotFound);
        assert!(!dir.path().join(MASTER_FILE).exists());
    }
}

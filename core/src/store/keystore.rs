//! The platform key store that wraps the store's data key: Android Keystore or the
//! iOS Keychain in the apps (through the shells' callback), a key file on desktops.

use std::fmt;
use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use ring::aead::{AES_256_GCM, Aad, LessSafeKey, NONCE_LEN, Nonce, UnboundKey};
use ring::rand::{SecureRandom, SystemRandom};
use zeroize::Zeroizing;

/// Why the platform key store failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KeyStoreError {
    /// The wrapping key is gone (app data cleared, key file deleted, device restored).
    #[error("the platform key is missing")]
    KeyMissing,
    /// The wrapped key does not unwrap with this platform key.
    #[error("the stored data key does not unwrap with the platform key")]
    WrongKey,
    /// The platform refused for another reason (locked keystore, I/O).
    #[error("the platform key store failed: {0}")]
    Platform(String),
}

/// Wraps and unwraps the store's data key. Implementations keep their own key out of
/// this process's memory where the platform allows (hardware-backed keystores).
pub trait KeyStore: Send + Sync + fmt::Debug {
    /// Encrypts a data key for storage.
    fn wrap(&self, data_key: &[u8]) -> Result<Vec<u8>, KeyStoreError>;
    /// Decrypts a stored data key.
    fn unwrap_key(&self, wrapped: &[u8]) -> Result<Vec<u8>, KeyStoreError>;
}

/// The desktop's key store: a 32-byte key in a file readable only by its owner,
/// wrapping with AES-256-GCM. As strong as the file's permissions and the disk's
/// encryption; the apps use hardware-backed stores instead.
pub struct FileKeyStore {
    path: PathBuf,
}

impl fmt::Debug for FileKeyStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FileKeyStore").field("path", &self.path).finish()
    }
}

const WRAP_AAD: &[u8] = b"clavepin device data key v1";

impl FileKeyStore {
    /// Uses the key file at `path`, creating it (mode 0600) if `create` and absent.
    pub fn open(path: &Path, create: bool) -> Result<Self, KeyStoreError> {
        if !path.exists() {
            if !create {
                return Err(KeyStoreError::KeyMissing);
            }
            let mut key = Zeroizing::new([0u8; 32]);
            SystemRandom::new()
                .fill(key.as_mut())
                .map_err(|_| KeyStoreError::Platform("randomness".into()))?;
            write_private(path, key.as_ref())
                .map_err(|e| KeyStoreError::Platform(e.to_string()))?;
        }
        Ok(Self { path: path.to_owned() })
    }

    fn key(&self) -> Result<LessSafeKey, KeyStoreError> {
        let bytes = Zeroizing::new(fs::read(&self.path).map_err(|e| match e.kind() {
            io::ErrorKind::NotFound => KeyStoreError::KeyMissing,
            _ => KeyStoreError::Platform(e.to_string()),
        })?);
        let unbound = UnboundKey::new(&AES_256_GCM, &bytes)
            .map_err(|_| KeyStoreError::Platform("the key file is corrupt".into()))?;
        Ok(LessSafeKey::new(unbound))
    }
}

impl KeyStore for FileKeyStore {
    fn wrap(&self, data_key: &[u8]) -> Result<Vec<u8>, KeyStoreError> {
        let key = self.key()?;
        let mut nonce = [0u8; NONCE_LEN];
        SystemRandom::new()
            .fill(&mut nonce)
            .map_err(|_| KeyStoreError::Platform("randomness".into()))?;
        let mut buffer = data_key.to_vec();
        key.seal_in_place_append_tag(
            Nonce::assume_unique_for_key(nonce),
            Aad::from(WRAP_AAD),
            &mut buffer,
        )
        .map_err(|_| KeyStoreError::Platform("wrapping failed".into()))?;
        let mut out = nonce.to_vec();
        out.extend_from_slice(&buffer);
        Ok(out)
    }

    fn unwrap_key(&self, wrapped: &[u8]) -> Result<Vec<u8>, KeyStoreError> {
        let key = self.key()?;
        let (nonce, sealed) = wrapped.split_at_checked(NONCE_LEN).ok_or(KeyStoreError::WrongKey)?;
        let nonce = Nonce::try_assume_unique_for_key(nonce).map_err(|_| KeyStoreError::WrongKey)?;
        let mut buffer = sealed.to_vec();
        let plain = key
            .open_in_place(nonce, Aad::from(WRAP_AAD), &mut buffer)
            .map_err(|_| KeyStoreError::WrongKey)?;
        Ok(plain.to_vec())
    }
}

/// Writes a secret file with mode 0600 from creation, whole or not at all.
pub fn write_private(path: &Path, contents: &[u8]) -> io::Result<()> {
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent)?;
    }
    let temporary = path.with_extension("tmp");
    let mut options = fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options.open(&temporary)?;
    file.write_all(contents)?;
    file.sync_all()?;
    fs::rename(&temporary, path)
}

//! When the platform key is gone (app data restored onto a new phone, a key the
//! platform invalidated), the store can never be opened again and the app would be
//! stuck. Setting it aside lets the citizens activate again; it is refused while the
//! store still opens with the key store given, so nothing that can be read is lost.

use std::path::{Path, PathBuf};

use super::{KeyStore, KeyStoreError, STORE_FILE, Store, StoreError};

/// Why a store was not set aside.
#[derive(Debug, thiserror::Error)]
pub enum SetAsideError {
    /// The store opens with this key store: nothing is lost, nothing was moved.
    #[error("the store still opens with this key store; nothing was moved")]
    StillOpens,
    /// It fails for another reason than its key (corrupt, too new, the disk): not
    /// something a new activation would mend.
    #[error(transparent)]
    NotAKeyProblem(StoreError),
    /// Moving the files failed.
    #[error("the store could not be set aside: {0}")]
    Io(#[from] std::io::Error),
}

/// Moves the store in `dir` (and its journal) to `clavepin-device.db.lost-<ms>`, if
/// and only if its key is gone. Returns where it went.
pub fn set_aside_if_key_lost(
    dir: &Path,
    key_store: &dyn KeyStore,
    now_ms: i64,
) -> Result<PathBuf, SetAsideError> {
    match Store::open(dir, key_store) {
        Ok(_) => Err(SetAsideError::StillOpens),
        Err(
            StoreError::WrongKey
            | StoreError::KeyStore(KeyStoreError::KeyMissing | KeyStoreError::WrongKey),
        ) => {
            let kept = dir.join(format!("{STORE_FILE}.lost-{now_ms}"));
            for suffix in ["-wal", "-shm"] {
                let journal = dir.join(format!("{STORE_FILE}{suffix}"));
                if journal.exists() {
                    std::fs::rename(
                        &journal,
                        dir.join(format!("{STORE_FILE}.lost-{now_ms}{suffix}")),
                    )?;
                }
            }
            std::fs::rename(dir.join(STORE_FILE), &kept)?;
            Ok(kept)
        }
        Err(other) => Err(SetAsideError::NotAKeyProblem(other)),
    }
}

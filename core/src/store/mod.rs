//! The device's store: SQLite (bundled), versioned migrations, every secret sealed
//! under a data key that the platform key store wraps. A wrong or missing key, a
//! tampered value or a corrupt file is a clear error; nothing is ever deleted to
//! "recover" (a wrong key looks like corruption, and deleting would lose citizens).

mod cipher;
mod citizens;
mod keystore;
mod lost_key;
mod meta;
mod pins;
mod push_token;
mod removals;
mod schema;

use std::path::{Path, PathBuf};

use ring::rand::{SecureRandom, SystemRandom};
use rusqlite::{Connection, OptionalExtension, params};
use zeroize::Zeroizing;

pub use citizens::{CitizenState, PatternLock, PendingActivation, StoredCitizen};
pub use keystore::{FileKeyStore, KeyStore, KeyStoreError, write_private};
pub use lost_key::{SetAsideError, set_aside_if_key_lost};
pub use pins::StoredPin;
pub use push_token::StoredPushToken;

use cipher::DataKey;
pub use cipher::{open_with, seal_with};

/// The database file inside the device's data folder.
pub const STORE_FILE: &str = "clavepin-device.db";

/// A value only the right data key opens; tells "wrong key" from "tampered row".
const CANARY: &[u8] = b"clavepin device store canary v1";

/// Why the store failed.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The file is not a ClavePIN store (or not SQLite at all). It was left untouched.
    #[error("{path} is not a readable ClavePIN store: {reason}")]
    Unreadable {
        /// The file.
        path: PathBuf,
        /// What SQLite said.
        reason: String,
    },
    /// Written by a newer version of ClavePIN.
    #[error("the store has schema version {found}, newer than this version's {supported}")]
    TooNew {
        /// Its version.
        found: i64,
        /// Ours.
        supported: i64,
    },
    /// The platform key store failed or holds another key.
    #[error("the store's key cannot be opened: {0}")]
    KeyStore(#[from] KeyStoreError),
    /// The data key opened but does not open the canary: another device's key.
    #[error("the store's key is not the one its data was sealed with")]
    WrongKey,
    /// A sealed value was changed or moved.
    #[error("stored data was tampered with ({place})")]
    Tampered {
        /// Which table and column (never the value).
        place: String,
    },
    /// A row that does not parse.
    #[error("stored data is corrupt ({0})")]
    Corrupt(&'static str),
    /// The system's randomness failed.
    #[error("the system's random number generator failed")]
    Randomness,
    /// SQLite failed.
    #[error("storage failure: {0}")]
    Sqlite(#[from] rusqlite::Error),
}

/// Instants are stored as Unix milliseconds.
fn ms(t: clavepin_protocol::Timestamp) -> i64 {
    t.timestamp_millis()
}

/// Back from milliseconds; out-of-range values (a corrupt row) become the epoch.
fn from_ms(v: i64) -> clavepin_protocol::Timestamp {
    clavepin_protocol::Timestamp::from_timestamp_millis(v).unwrap_or_default()
}

/// The open store.
pub struct Store {
    conn: Connection,
    key: DataKey,
    rng: SystemRandom,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Store")
    }
}

impl Store {
    /// Opens the store in `dir`, creating it on first use with a fresh data key
    /// wrapped by `key_store`.
    pub fn open(dir: &Path, key_store: &dyn KeyStore) -> Result<Self, StoreError> {
        let path = dir.join(STORE_FILE);
        let unreadable = |e: rusqlite::Error| StoreError::Unreadable {
            path: path.clone(),
            reason: e.to_string(),
        };
        std::fs::create_dir_all(dir)
            .map_err(|e| StoreError::Unreadable { path: path.clone(), reason: e.to_string() })?;
        let mut conn = Connection::open(&path).map_err(unreadable)?;
        // Reading the schema is what tells a database from any other file.
        conn.pragma_update(None, "journal_mode", "WAL").map_err(unreadable)?;
        conn.pragma_update(None, "synchronous", "NORMAL").map_err(unreadable)?;
        conn.pragma_update(None, "foreign_keys", "ON").map_err(unreadable)?;
        if let Some(found) = schema::migrate(&mut conn).map_err(unreadable)? {
            return Err(StoreError::TooNew { found, supported: schema::VERSION });
        }
        let rng = SystemRandom::new();
        let wrapped: Option<Vec<u8>> = conn
            .query_row("SELECT value FROM meta WHERE name = 'wrapped_data_key'", [], |r| r.get(0))
            .optional()?;
        let key = match wrapped {
            Some(wrapped) => {
                let raw = Zeroizing::new(key_store.unwrap_key(&wrapped)?);
                let key = DataKey::from_bytes(&raw)?;
                let canary: Vec<u8> = conn
                    .query_row("SELECT value FROM meta WHERE name = 'canary'", [], |r| r.get(0))
                    .optional()?
                    .ok_or(StoreError::Corrupt("the canary is missing"))?;
                match key.open("meta:canary", &canary) {
                    Ok(plain) if plain.as_slice() == CANARY => key,
                    _ => return Err(StoreError::WrongKey),
                }
            }
            None => {
                let mut raw = Zeroizing::new([0u8; 32]);
                rng.fill(raw.as_mut()).map_err(|_| StoreError::Randomness)?;
                let key = DataKey::from_bytes(raw.as_ref())?;
                let wrapped = key_store.wrap(raw.as_ref())?;
                let canary = key.seal("meta:canary", CANARY, &rng)?;
                let tx = conn.transaction()?;
                tx.execute(
                    "INSERT INTO meta (name, value) VALUES ('wrapped_data_key', ?1)",
                    params![wrapped],
                )?;
                tx.execute(
                    "INSERT INTO meta (name, value) VALUES ('canary', ?1)",
                    params![canary],
                )?;
                tx.commit()?;
                key
            }
        };
        Ok(Self { conn, key, rng })
    }

    fn seal(&self, aad: &str, plain: &[u8]) -> Result<Vec<u8>, StoreError> {
        self.key.seal(aad, plain, &self.rng)
    }

    fn open_sealed(&self, aad: &str, sealed: &[u8]) -> Result<Zeroizing<Vec<u8>>, StoreError> {
        self.key.open(aad, sealed)
    }

    /// The randomness source the store uses.
    pub fn rng(&self) -> &SystemRandom {
        &self.rng
    }
}

#[cfg(test)]
mod tests;

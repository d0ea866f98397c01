//! Getting out of a store whose platform key is gone.

use std::sync::Arc;

use clavepin_core::store::{SetAsideError, set_aside_if_key_lost};
use clavepin_core::{CoreError, Locale};

use crate::errors::{PlatformError, platform};
use crate::platform::{KeyStoreAdapter, PlatformKeyStore};

/// After `open` threw `PlatformError.KeyUnavailable` (the app's data came back without
/// its Keystore or Keychain key): sets the unopenable store in `data_dir` aside, so
/// the next `open` starts empty and the citizens can activate again. Refused with
/// `StoreStillOpens` if the store opens with `key_store`; nothing is ever deleted (the
/// old file stays beside it). Returns where the old store went.
#[uniffi::export]
pub fn set_aside_lost_store(
    data_dir: String,
    key_store: Arc<dyn PlatformKeyStore>,
    locale: Locale,
) -> Result<String, PlatformError> {
    let now_ms = chrono::Utc::now().timestamp_millis();
    let adapter = KeyStoreAdapter(key_store);
    match set_aside_if_key_lost(std::path::Path::new(&data_dir), &adapter, now_ms) {
        Ok(kept) => Ok(kept.display().to_string()),
        Err(SetAsideError::StillOpens) => Err(platform(&CoreError::StoreStillOpens, locale)),
        Err(SetAsideError::NotAKeyProblem(e)) => Err(platform(&CoreError::Store(e), locale)),
        Err(SetAsideError::Io(e)) => {
            let e = clavepin_core::store::StoreError::Unreadable {
                path: data_dir.into(),
                reason: e.to_string(),
            };
            Err(platform(&CoreError::Store(e), locale))
        }
    }
}

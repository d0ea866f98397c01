//! What the app provides, as callback interfaces, and their adapters to the core's
//! plain Rust traits. Observers are called on the device's background thread (its
//! tokio worker), never on the app's main thread: post to the UI yourself (the Kotlin
//! Flows and Swift `AsyncStream`s do).

use std::sync::{Arc, PoisonError, RwLock};

use clavepin_core::store::{KeyStore, KeyStoreError};
use clavepin_core::{
    ChannelListener, ChannelStatus, CoreError, Locale, ReceivedPin, ScreenListener, ScreenModel,
};

use crate::errors::{PinsError, PlatformError};

/// The platform key store (Android Keystore, iOS Keychain) that wraps the store's
/// data key. Keep the wrapping key in hardware where the platform allows. Throw
/// `PlatformError.KeyUnavailable` when the key is gone or is another one (the app's
/// data came back from a backup without it), `Failure` for anything transient.
#[uniffi::export(with_foreign)]
pub trait PlatformKeyStore: Send + Sync {
    /// Encrypts the data key for storage.
    fn wrap(&self, data_key: Vec<u8>) -> Result<Vec<u8>, PlatformError>;
    /// Decrypts it.
    fn unwrap_key(&self, wrapped: Vec<u8>) -> Result<Vec<u8>, PlatformError>;
}

/// Receives the screen model: at once, every 10 s, and on every change (a PIN
/// arrives or changes, a citizen is unlocked, locked, removed or replaced).
#[uniffi::export(with_foreign)]
pub trait ScreenObserver: Send + Sync {
    /// The screen to show now.
    fn on_screen(&self, screen: ScreenModel);
    /// The screen could not be read; the ticker goes on and tries again.
    fn on_error(&self, error: PlatformError);
}

/// Hears from the direct channel.
#[uniffi::export(with_foreign)]
pub trait ChannelObserver: Send + Sync {
    /// The channel's state changed; `Locked`, `Replaced` and `Removed` are its last.
    fn on_status(&self, status: ChannelStatus);
    /// A PIN arrived and is stored.
    fn on_pin(&self, pin: ReceivedPin);
    /// A connection failed or dropped; a `Reconnecting` status follows.
    fn on_error(&self, error: PinsError);
}

/// The language errors are explained in; the app changes it with `set_locale`.
pub(crate) type SharedLocale = Arc<RwLock<Locale>>;

pub(crate) fn current(locale: &SharedLocale) -> Locale {
    *locale.read().unwrap_or_else(PoisonError::into_inner)
}

pub(crate) struct KeyStoreAdapter(pub Arc<dyn PlatformKeyStore>);

impl std::fmt::Debug for KeyStoreAdapter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("PlatformKeyStore")
    }
}

fn key_store_error(e: PlatformError) -> KeyStoreError {
    match e {
        PlatformError::KeyUnavailable { .. } => KeyStoreError::KeyMissing,
        other => KeyStoreError::Platform(other.to_string()),
    }
}

impl KeyStore for KeyStoreAdapter {
    fn wrap(&self, data_key: &[u8]) -> Result<Vec<u8>, KeyStoreError> {
        self.0.wrap(data_key.to_vec()).map_err(key_store_error)
    }
    fn unwrap_key(&self, wrapped: &[u8]) -> Result<Vec<u8>, KeyStoreError> {
        self.0.unwrap_key(wrapped.to_vec()).map_err(key_store_error)
    }
}

pub(crate) struct ScreenAdapter(pub Arc<dyn ScreenObserver>, pub SharedLocale);

impl ScreenListener for ScreenAdapter {
    fn on_screen(&self, screen: ScreenModel) {
        self.0.on_screen(screen);
    }
    fn on_error(&self, error: &CoreError) {
        self.0.on_error(crate::errors::platform(error, current(&self.1)));
    }
}

pub(crate) struct ChannelAdapter(pub Arc<dyn ChannelObserver>, pub SharedLocale);

impl ChannelListener for ChannelAdapter {
    fn on_status(&self, status: ChannelStatus) {
        self.0.on_status(status);
    }
    fn on_pin(&self, pin: ReceivedPin) {
        self.0.on_pin(pin);
    }
    fn on_error(&self, error: &CoreError) {
        let error = PinsError::from_core(error, current(&self.1));
        self.0.on_error(error);
    }
}

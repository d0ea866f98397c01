//! What the app provides, as callback interfaces, and their adapters to the core's
//! plain Rust traits.

use std::sync::Arc;

use clavepin_core::store::{KeyStore, KeyStoreError};
use clavepin_core::{ChannelListener, ChannelStatus, ReceivedPin, ScreenListener, ScreenModel};

use crate::error::DeviceError;

/// The platform key store (Android Keystore, iOS Keychain) that wraps the store's
/// data key. Keep the wrapping key in hardware where the platform allows.
#[uniffi::export(with_foreign)]
pub trait PlatformKeyStore: Send + Sync {
    /// Encrypts the data key for storage.
    fn wrap(&self, data_key: Vec<u8>) -> Result<Vec<u8>, DeviceError>;
    /// Decrypts it. Throw if the platform key is gone or does not fit.
    fn unwrap_key(&self, wrapped: Vec<u8>) -> Result<Vec<u8>, DeviceError>;
}

/// Receives the screen model (at once, every 10 s, and on every change).
#[uniffi::export(with_foreign)]
pub trait ScreenObserver: Send + Sync {
    /// The screen to show now.
    fn on_screen(&self, screen: ScreenModel);
}

/// Hears from the direct channel.
#[uniffi::export(with_foreign)]
pub trait ChannelObserver: Send + Sync {
    /// The channel's state changed.
    fn on_status(&self, status: ChannelStatus);
    /// A PIN arrived and is stored.
    fn on_pin(&self, pin: ReceivedPin);
}

pub(crate) struct KeyStoreAdapter(pub Arc<dyn PlatformKeyStore>);

impl std::fmt::Debug for KeyStoreAdapter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("PlatformKeyStore")
    }
}

impl KeyStore for KeyStoreAdapter {
    fn wrap(&self, data_key: &[u8]) -> Result<Vec<u8>, KeyStoreError> {
        self.0.wrap(data_key.to_vec()).map_err(|e| KeyStoreError::Platform(e.to_string()))
    }
    fn unwrap_key(&self, wrapped: &[u8]) -> Result<Vec<u8>, KeyStoreError> {
        self.0.unwrap_key(wrapped.to_vec()).map_err(|e| KeyStoreError::Platform(e.to_string()))
    }
}

pub(crate) struct ScreenAdapter(pub Arc<dyn ScreenObserver>);

impl ScreenListener for ScreenAdapter {
    fn on_screen(&self, screen: ScreenModel) {
        self.0.on_screen(screen);
    }
}

pub(crate) struct ChannelAdapter(pub Arc<dyn ChannelObserver>);

impl ChannelListener for ChannelAdapter {
    fn on_status(&self, status: ChannelStatus) {
        self.0.on_status(status);
    }
    fn on_pin(&self, pin: ReceivedPin) {
        self.0.on_pin(pin);
    }
}

//! The families every area shares: the network and the platform.

use clavepin_core::store::{KeyStoreError, StoreError};
use clavepin_core::{CoreError, Locale, explain};
use clavepin_protocol::wire::ErrorCode;

/// A refusal by the service, as docs/PROTOCOL.md defines it.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct ServiceRefusal {
    /// The stable code the app acts on.
    pub code: ErrorCode,
    /// Tries left, where another try is allowed.
    pub tries_left: Option<u32>,
    /// Seconds to wait, where the refusal is a wait.
    pub retry_after_secs: Option<i64>,
}

/// The service could not be reached, refused, or answered something unexpected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, uniffi::Error)]
#[uniffi::export(Display)]
pub enum NetworkError {
    /// No answer (no connection, DNS, TLS, timeout): try again when online.
    #[error("{explanation}")]
    Offline {
        /// What to tell the citizen.
        explanation: String,
    },
    /// The service's TLS certificate is not trusted (unknown root, wrong name, or no
    /// pinned key): do not retry on this network.
    #[error("{explanation}")]
    Untrusted {
        /// What to tell the citizen.
        explanation: String,
    },
    /// The service refused; `refusal.code` says why.
    #[error("{explanation}")]
    Refused {
        /// The service's code and its numbers.
        refusal: ServiceRefusal,
        /// What to tell the citizen.
        explanation: String,
    },
    /// The service answered something this version does not understand: not a
    /// connection problem, so retrying at once will not help.
    #[error("{explanation}")]
    UnexpectedAnswer {
        /// What to tell the citizen.
        explanation: String,
    },
}

/// The phone's side failed: storage, the platform key store, the runtime. Nothing
/// stored was deleted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, uniffi::Error)]
#[uniffi::export(Display)]
pub enum PlatformError {
    /// The platform key that wraps the store's key is gone or is another one (app data
    /// restored without its Keystore or Keychain key): the citizens must activate again.
    #[error("{explanation}")]
    KeyUnavailable {
        /// What to tell the citizen.
        explanation: String,
    },
    /// Stored data was tampered with or is corrupt.
    #[error("{explanation}")]
    StoreDamaged {
        /// What to tell the citizen.
        explanation: String,
    },
    /// Asked to set the store aside, but it still opens with this key store: nothing
    /// was moved.
    #[error("{explanation}")]
    StoreStillOpens {
        /// What to tell the citizen.
        explanation: String,
    },
    /// The store was written by a newer version of the app.
    #[error("{explanation}")]
    StoreTooNew {
        /// What to tell the citizen.
        explanation: String,
    },
    /// Anything else on the phone: disk, randomness, a key store exception, the runtime.
    #[error("{explanation}")]
    Failure {
        /// What to tell the citizen.
        explanation: String,
    },
}

/// Where a core error belongs among the shared families, if it does.
pub(super) enum Shared {
    Network(NetworkError),
    Platform(PlatformError),
}

pub(super) fn shared(e: &CoreError, locale: Locale) -> Option<Shared> {
    let explanation = explain(e, locale);
    Some(match e {
        CoreError::Offline(_) => Shared::Network(NetworkError::Offline { explanation }),
        CoreError::Untrusted => Shared::Network(NetworkError::Untrusted { explanation }),
        CoreError::Refused { code, tries_left, retry_after_secs, .. } => {
            Shared::Network(NetworkError::Refused {
                refusal: ServiceRefusal {
                    code: *code,
                    tries_left: *tries_left,
                    retry_after_secs: *retry_after_secs,
                },
                explanation,
            })
        }
        CoreError::Protocol(_) => Shared::Network(NetworkError::UnexpectedAnswer { explanation }),
        CoreError::Store(store) => Shared::Platform(match store {
            StoreError::WrongKey
            | StoreError::KeyStore(KeyStoreError::KeyMissing | KeyStoreError::WrongKey) => {
                PlatformError::KeyUnavailable { explanation }
            }
            StoreError::Tampered { .. }
            | StoreError::Corrupt(_)
            | StoreError::Unreadable { .. } => PlatformError::StoreDamaged { explanation },
            StoreError::TooNew { .. } => PlatformError::StoreTooNew { explanation },
            StoreError::KeyStore(KeyStoreError::Platform(_))
            | StoreError::Randomness
            | StoreError::Sqlite(_) => PlatformError::Failure { explanation },
        }),
        CoreError::StoreStillOpens => {
            Shared::Platform(PlatformError::StoreStillOpens { explanation })
        }
        CoreError::Crypto(_) | CoreError::NoRuntime | CoreError::InsecureAddress => {
            Shared::Platform(PlatformError::Failure { explanation })
        }
        _ => return None,
    })
}

/// The platform family for any core error (opening the device, the screen ticker).
pub(crate) fn platform(e: &CoreError, locale: Locale) -> PlatformError {
    match shared(e, locale) {
        Some(Shared::Platform(p)) => p,
        _ => PlatformError::Failure { explanation: explain(e, locale) },
    }
}

/// An app exception thrown in a callback (the key store) becomes a typed error, not
/// a panic.
impl From<uniffi::UnexpectedUniFFICallbackError> for PlatformError {
    fn from(e: uniffi::UnexpectedUniFFICallbackError) -> Self {
        PlatformError::Failure { explanation: format!("platform failure: {}", e.reason) }
    }
}

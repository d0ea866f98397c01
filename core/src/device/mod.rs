//! The core's public face: this device, its citizens, their activation, unlocking,
//! and (in `pins`) the PINs they receive. The shells and the desktop companion drive
//! it; it knows nothing of FFI.

mod activation;
mod approvals;
mod citizens;
mod pins;
mod push;
mod push_token;
mod unlock;

use std::collections::HashMap;
use std::num::NonZeroU32;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use clavepin_protocol::crypto::DeviceSigningKey;
use clavepin_protocol::{Clock, DocumentNumber, SystemClock, Timestamp};

pub use activation::ActivationProgress;
pub use approvals::SignInToApprove;
pub use citizens::CitizenSummary;
pub use pins::ReceivedPin;
pub use push::PushOutcome;
pub use push_token::PushTokenReport;

use crate::client::{ServiceClient, Signer, TlsTrust};
use crate::error::{CoreError, CoreResult};
use crate::pattern::DEFAULT_ITERATIONS;
use crate::store::{KeyStore, Store};

/// How to open this device's core.
#[derive(Debug, Clone)]
pub struct DeviceConfig {
    /// Where the store lives.
    pub data_dir: PathBuf,
    /// The PIN service, e.g. `https://pin.example.es` (plain http only on loopback).
    pub service_url: String,
    /// The platform key store that wraps the store's data key.
    pub key_store: Arc<dyn KeyStore>,
    /// The clock (the system's, except in tests and the demo).
    pub clock: Arc<dyn Clock>,
    /// PBKDF2 iterations for new patterns.
    pub pattern_iterations: NonZeroU32,
    /// How long the direct channel may stay silent before it counts as dead and
    /// reconnects. The service sends a keep-alive every 15 s; three missed ones is a
    /// connection a mobile network dropped without telling anyone.
    pub channel_silence_limit: Duration,
    /// What the device trusts for the service's TLS certificate.
    pub tls: TlsTrust,
    /// What the citizen's "My devices" page calls this device: the name its owner
    /// gave the phone, and its model. Sent at activation.
    pub description: DeviceDescription,
}

/// A device's name and model, as its platform gives them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DeviceDescription {
    pub name: Option<clavepin_protocol::wire::DeviceLabel>,
    pub model: Option<clavepin_protocol::wire::DeviceLabel>,
}

impl DeviceDescription {
    /// From the platform's texts, made fit to show ([`DeviceLabel::lossy`]).
    ///
    /// [`DeviceLabel::lossy`]: clavepin_protocol::wire::DeviceLabel::lossy
    pub fn from_platform(name: Option<&str>, model: Option<&str>) -> Self {
        use clavepin_protocol::wire::DeviceLabel;
        Self { name: name.and_then(DeviceLabel::lossy), model: model.and_then(DeviceLabel::lossy) }
    }
}

/// The direct channel's silence limit: three of the service's 15-s keep-alives.
pub const CHANNEL_SILENCE_LIMIT: Duration = Duration::from_secs(45);

impl DeviceConfig {
    /// The system clock and the calibrated pattern stretching.
    pub fn new(
        data_dir: impl Into<PathBuf>,
        service_url: &str,
        key_store: Arc<dyn KeyStore>,
    ) -> Self {
        Self {
            data_dir: data_dir.into(),
            service_url: service_url.to_owned(),
            key_store,
            clock: Arc::new(SystemClock),
            pattern_iterations: DEFAULT_ITERATIONS,
            channel_silence_limit: CHANNEL_SILENCE_LIMIT,
            tls: TlsTrust::default(),
            description: DeviceDescription::default(),
        }
    }

    /// The device's name and model, for the citizen's "My devices" page.
    pub fn with_description(mut self, description: DeviceDescription) -> Self {
        self.description = description;
        self
    }

    /// Another clock.
    pub fn with_clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = clock;
        self
    }

    /// Fewer iterations (tests; debug builds stretch slowly).
    pub fn with_pattern_iterations(mut self, iterations: NonZeroU32) -> Self {
        self.pattern_iterations = iterations;
        self
    }

    /// Another TLS trust: a private CA, pins.
    pub fn with_tls(mut self, tls: TlsTrust) -> Self {
        self.tls = tls;
        self
    }

    /// Another silence limit for the direct channel (tests).
    pub fn with_channel_silence_limit(mut self, limit: Duration) -> Self {
        self.channel_silence_limit = limit;
        self
    }
}

/// An unlocked citizen: its signing key is open in memory.
pub(crate) struct Session {
    device_id: String,
    pub(crate) key: DeviceSigningKey,
}

/// This device. Cheap to clone; every clone is the same device.
#[derive(Clone)]
pub struct Device {
    inner: Arc<Inner>,
}

struct Inner {
    store: Mutex<Store>,
    client: ServiceClient,
    sessions: Mutex<HashMap<DocumentNumber, Arc<Session>>>,
    pattern_iterations: NonZeroU32,
    channel_silence_limit: Duration,
    description: DeviceDescription,
    /// One pattern try at a time: a try reads the failure count, stretches (off the
    /// store's lock) and writes the count back, so two at once must not both read it.
    pattern_gate: tokio::sync::Mutex<()>,
    /// Bumped by every lock: an unlock whose stretching outlived a lock does not
    /// open the session (the phone was locked meanwhile).
    lock_epoch: std::sync::atomic::AtomicU64,
    /// Bumped whenever what the screen shows may have changed.
    changes: tokio::sync::watch::Sender<u64>,
}

impl std::fmt::Debug for Device {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Device")
    }
}

impl Device {
    /// Opens the store (creating it on first use) and the client.
    pub fn open(config: DeviceConfig) -> CoreResult<Self> {
        let store = Store::open(&config.data_dir, config.key_store.as_ref())?;
        let offset = store.clock_offset()?;
        let client =
            ServiceClient::with_trust(&config.service_url, config.clock.clone(), config.tls)?;
        Ok(Self {
            inner: Arc::new_cyclic(|me: &std::sync::Weak<Inner>| {
                // The offset to the service's clock is kept, so a cold start with a
                // wrong clock signs its first request right.
                let me = me.clone();
                let keep = move |offset| {
                    if let Some(inner) = me.upgrade() {
                        let store = inner.store.lock().unwrap_or_else(PoisonError::into_inner);
                        if let Err(e) = store.save_clock_offset(offset) {
                            tracing::warn!("the clock offset was not kept: {e}");
                        }
                    }
                };
                let client = client.with_offset(offset, Arc::new(keep));
                Inner {
                    store: Mutex::new(store),
                    client,
                    sessions: Mutex::new(HashMap::new()),
                    pattern_iterations: config.pattern_iterations,
                    channel_silence_limit: config.channel_silence_limit,
                    description: config.description,
                    pattern_gate: tokio::sync::Mutex::new(()),
                    lock_epoch: std::sync::atomic::AtomicU64::new(0),
                    changes: tokio::sync::watch::channel(0).0,
                }
            }),
        })
    }

    pub(crate) fn store(&self) -> MutexGuard<'_, Store> {
        self.inner.store.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn sessions(&self) -> MutexGuard<'_, HashMap<DocumentNumber, Arc<Session>>> {
        self.inner.sessions.lock().unwrap_or_else(PoisonError::into_inner)
    }

    pub(crate) fn session(&self, document: &DocumentNumber) -> CoreResult<Arc<Session>> {
        self.sessions().get(document).cloned().ok_or(CoreError::Locked)
    }

    /// Tells the screen ticker to look again.
    pub(crate) fn notify_changed(&self) {
        self.inner.changes.send_modify(|n| *n = n.wrapping_add(1));
    }

    pub(crate) fn changes(&self) -> tokio::sync::watch::Receiver<u64> {
        self.inner.changes.subscribe()
    }

    pub(crate) fn lock_epoch(&self) -> u64 {
        self.inner.lock_epoch.load(std::sync::atomic::Ordering::SeqCst)
    }

    pub(crate) fn bump_lock_epoch(&self) {
        self.inner.lock_epoch.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    }

    pub(crate) fn channel_silence_limit(&self) -> Duration {
        self.inner.channel_silence_limit
    }

    pub(crate) fn description(&self) -> &DeviceDescription {
        &self.inner.description
    }

    pub(crate) fn client(&self) -> &ServiceClient {
        &self.inner.client
    }

    /// Now, by the device's clock corrected with the service's.
    pub fn now(&self) -> Timestamp {
        self.inner.client.now()
    }

    /// How far the device's clock is behind the service's (negative: ahead), as last
    /// heard, kept across restarts.
    pub fn clock_offset(&self) -> chrono::TimeDelta {
        self.inner.client.clock_offset()
    }

    /// Parses a document number typed on a screen.
    pub(crate) fn document(text: &str) -> CoreResult<DocumentNumber> {
        Ok(DocumentNumber::parse(text)?)
    }
}

impl Session {
    pub(crate) fn signer(&self) -> Signer<'_> {
        Signer { device_id: &self.device_id, key: &self.key }
    }
}

//! `ClavePinDevice`: the core's device, for the shells. One-line methods over
//! `clavepin_core::Device`; async ones become Kotlin `suspend` and Swift `async`.

use std::num::NonZeroU32;
use std::sync::Arc;

use clavepin_core::store::CitizenState;
use clavepin_core::{
    ActivationProgress, CitizenSummary, ClipboardContent, Device, DeviceConfig, Locale,
    NotificationContent, Pattern, PinView, PushOutcome, ReceivedPin, ScreenModel,
};
use clavepin_protocol::wire::PushPlatform;

use crate::error::DeviceError;
use crate::identity::CalendarDate;
use crate::platform::{
    ChannelAdapter, ChannelObserver, KeyStoreAdapter, PlatformKeyStore, ScreenAdapter,
    ScreenObserver,
};

type Result<T> = std::result::Result<T, DeviceError>;

/// This device: its citizens, their activation, unlocking, and their PINs.
#[derive(Debug, uniffi::Object)]
pub struct ClavePinDevice {
    device: Device,
    /// Runs the background tasks (screen ticker, direct channel).
    runtime: tokio::runtime::Runtime,
}

/// Stops a background task; dropping it stops it too.
#[derive(Debug, uniffi::Object)]
pub struct TaskHandle(clavepin_core::TaskHandle);

#[uniffi::export]
impl TaskHandle {
    /// Stops the task.
    pub fn cancel(&self) {
        self.0.cancel();
    }
}

fn pattern(dots: &[u8]) -> Result<Pattern> {
    Pattern::from_dots(dots).map_err(|e| DeviceError::InvalidInput { reason: e.to_string() })
}

#[uniffi::export(async_runtime = "tokio")]
impl ClavePinDevice {
    /// Opens the device's store in `data_dir` (created on first use), talking to the
    /// service at `service_url`. `pattern_iterations` overrides the calibrated PBKDF2
    /// count (tests only).
    #[uniffi::constructor]
    pub fn open(
        data_dir: String,
        service_url: String,
        key_store: Arc<dyn PlatformKeyStore>,
        pattern_iterations: Option<u32>,
    ) -> Result<Arc<Self>> {
        let mut config =
            DeviceConfig::new(data_dir, &service_url, Arc::new(KeyStoreAdapter(key_store)));
        if let Some(n) = pattern_iterations.and_then(NonZeroU32::new) {
            config = config.with_pattern_iterations(n);
        }
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .map_err(|e| DeviceError::Platform { reason: e.to_string() })?;
        let device = Device::open(config)?;
        Ok(Arc::new(Self { device, runtime }))
    }

    /// Which activation screen comes next (after a restart too).
    pub fn activation_progress(&self) -> Result<ActivationProgress> {
        Ok(self.device.activation_progress()?)
    }

    /// Activation, step 1: document and contrast datum as typed; an SMS code is sent.
    pub async fn start_activation(
        &self,
        document: String,
        contrast: String,
        permanent_dni: bool,
        today: CalendarDate,
    ) -> Result<ActivationProgress> {
        let today = today.try_into().map_err(|e: clavepin_protocol::IdentityError| {
            DeviceError::InvalidInput { reason: e.to_string() }
        })?;
        Ok(self.device.start_activation(&document, &contrast, permanent_dni, today).await?)
    }

    /// Activation, step 2: the SMS code.
    pub async fn submit_activation_code(&self, code: String) -> Result<ActivationProgress> {
        Ok(self.device.submit_activation_code(&code).await?)
    }

    /// Activation, step 3: the security pattern, as the dots drawn (1–9).
    pub fn set_pattern(&self, document: String, dots: Vec<u8>) -> Result<()> {
        Ok(self.device.set_pattern(&document, &pattern(&dots)?)?)
    }

    /// Abandons an activation waiting for its code.
    pub fn cancel_activation(&self) -> Result<()> {
        Ok(self.device.cancel_activation()?)
    }

    /// Unlocks a citizen with the pattern.
    pub fn unlock(&self, document: String, dots: Vec<u8>) -> Result<()> {
        Ok(self.device.unlock(&document, &pattern(&dots)?)?)
    }

    /// Locks a citizen (the app went to the background).
    pub fn lock(&self, document: String) -> Result<()> {
        Ok(self.device.lock(&document)?)
    }

    /// Changes a citizen's pattern.
    pub fn change_pattern(
        &self,
        document: String,
        old_dots: Vec<u8>,
        new_dots: Vec<u8>,
    ) -> Result<()> {
        Ok(self.device.change_pattern(&document, &pattern(&old_dots)?, &pattern(&new_dots)?)?)
    }

    /// The citizens on this device.
    pub fn citizens(&self) -> Result<Vec<CitizenSummary>> {
        Ok(self.device.citizens()?)
    }

    /// Removes a citizen; returns whether the service was told.
    pub async fn remove_citizen(&self, document: String) -> Result<bool> {
        Ok(self.device.remove_citizen(&document).await?)
    }

    /// Asks the service whether this device is still the citizen's.
    pub async fn check_status(&self, document: String) -> Result<CitizenState> {
        Ok(self.device.check_status(&document).await?)
    }

    /// Registers or refreshes the push token.
    pub async fn register_push_token(
        &self,
        document: String,
        platform: PushPlatform,
        token: String,
    ) -> Result<()> {
        Ok(self.device.register_push_token(&document, platform, &token).await?)
    }

    /// Handles a push payload exactly as FCM or APNs delivered it.
    pub async fn handle_push(&self, payload: String) -> Result<PushOutcome> {
        Ok(self.device.handle_push(&payload).await?)
    }

    /// Fetches pending PINs (after unlocking, and on reconnecting).
    pub async fn pull(&self, document: String) -> Result<Vec<ReceivedPin>> {
        Ok(self.device.pull(&document).await?)
    }

    /// Refreshes the states of live PINs (a PIN used on the portal shows as used).
    pub async fn refresh_states(&self, document: String) -> Result<()> {
        Ok(self.device.refresh_states(&document).await?)
    }

    /// The screen model now.
    pub fn screen(&self) -> Result<ScreenModel> {
        Ok(self.device.screen()?)
    }

    /// Starts the screen ticker.
    pub fn subscribe_screen(&self, observer: Arc<dyn ScreenObserver>) -> Result<Arc<TaskHandle>> {
        let _inside = self.runtime.enter();
        let handle = self.device.subscribe_screen(Arc::new(ScreenAdapter(observer)))?;
        Ok(Arc::new(TaskHandle(handle)))
    }

    /// Opens the direct channel for an unlocked citizen.
    pub fn start_direct_channel(
        &self,
        document: String,
        observer: Arc<dyn ChannelObserver>,
    ) -> Result<Arc<TaskHandle>> {
        let _inside = self.runtime.enter();
        let handle =
            self.device.start_direct_channel(&document, Arc::new(ChannelAdapter(observer)))?;
        Ok(Arc::new(TaskHandle(handle)))
    }

    /// What "Copy PIN" puts on the clipboard, and when to clear it.
    pub fn clipboard_content(&self, request_id: String) -> Result<ClipboardContent> {
        Ok(self.device.clipboard_content(&request_id)?)
    }

    /// The notification for a stored PIN.
    pub fn notification(&self, request_id: String, locale: Locale) -> Result<NotificationContent> {
        Ok(self.device.notification(&request_id, locale)?)
    }

    /// The PINs received (without their values), newest first.
    pub fn history(&self, document: Option<String>, limit: u32) -> Result<Vec<PinView>> {
        Ok(self.device.history(document.as_deref(), limit)?)
    }
}

/// The locale for a BCP 47 tag (`es-ES` → Spanish; anything else → English).
#[uniffi::export]
pub fn locale_for_tag(tag: String) -> Locale {
    Locale::from_tag(&tag)
}

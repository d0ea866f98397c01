//! `ClavePinDevice`: the core's device, for the shells. One-line methods over
//! `clavepin_core::Device`, each mapping its errors once into its area's family.
//!
//! What the apps can rely on:
//! - every call that talks to the service or stretches the pattern is async (Kotlin
//!   `suspend`, Swift `async`) and never blocks the calling thread: call them from the
//!   main thread freely. The others read the local store and return in well under a
//!   millisecond.
//! - observers are called on the device's background thread.

use std::num::NonZeroU32;
use std::sync::{Arc, PoisonError, RwLock};
use std::time::Duration;

use clavepin_core::client::TlsTrust;
use clavepin_core::store::CitizenState;
use clavepin_core::{
    ActivationProgress, CitizenSummary, ClipboardContent, CoreError, Device, DeviceConfig,
    DeviceDescription, Locale, NotificationContent, Pattern, PinView, PushOutcome, PushTokenReport,
    ReceivedPin, ScreenModel, SignInToApprove,
};
use clavepin_protocol::wire::PushPlatform;
use clavepin_protocol::{ApprovalCode, DocumentNumber, RequestId};

use crate::errors::{
    ActivationError, ApprovalError, PinsError, PlatformError, UnlockError, platform,
};
use crate::identity::CalendarDate;
use crate::platform::{
    ChannelAdapter, ChannelObserver, KeyStoreAdapter, PlatformKeyStore, ScreenAdapter,
    ScreenObserver, SharedLocale, current,
};

/// How to open the device.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct DeviceSettings {
    /// The language of error explanations (the notification takes its own).
    pub locale: Locale,
    /// PBKDF2 iterations for new patterns; `None`: the calibrated 600,000. Fewer
    /// only in tests: debug builds stretch slowly.
    #[uniffi(default = None)]
    pub pattern_iterations: Option<u32>,
    /// Seconds of silence after which the direct channel reconnects; `None`: 45 (three
    /// of the service's keep-alives).
    #[uniffi(default = None)]
    pub channel_silence_limit_secs: Option<u32>,
    /// Root certificates (DER) trusted for the service besides Mozilla's: the
    /// operator's own CA.
    #[uniffi(default = [])]
    pub extra_root_certificates: Vec<Vec<u8>>,
    /// Public-key pins of the service (`sha256/BASE64` of a chain certificate's
    /// SubjectPublicKeyInfo, as OkHttp writes them). Empty: no pinning.
    #[uniffi(default = [])]
    pub spki_pins: Vec<String>,
    /// Development only: allow a plain `http://` service off this machine (an Android
    /// emulator reaches its host at 10.0.2.2). Release builds leave it off, and the
    /// device then refuses such an address when it opens.
    #[uniffi(default = false)]
    pub plain_http_off_loopback: bool,
    /// The phone's name as its owner set it (Android `Settings.Global.DEVICE_NAME`,
    /// iOS `UIDevice.name` where the app may read it), shown on the citizen's "My
    /// devices" page. Cleaned and cut to 64 characters.
    #[uniffi(default = None)]
    pub device_name: Option<String>,
    /// The phone's model (`Build.MODEL`, `utsname.machine`).
    #[uniffi(default = None)]
    pub device_model: Option<String>,
}

/// `sha256/BASE64` (or bare BASE64) → the digest.
fn parse_pin(pin: &str) -> Option<[u8; 32]> {
    let b64 = pin.strip_prefix("sha256/").unwrap_or(pin);
    let bytes = clavepin_protocol::crypto::b64_decode_standard(b64)?;
    bytes.try_into().ok()
}

/// This device: its citizens, their activation, unlocking, and their PINs.
#[derive(Debug, uniffi::Object)]
pub struct ClavePinDevice {
    device: Device,
    locale: SharedLocale,
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

    /// Whether it has stopped (cancelled, or the channel reached a final status).
    pub fn is_finished(&self) -> bool {
        self.0.is_finished()
    }
}

impl ClavePinDevice {
    fn locale(&self) -> Locale {
        current(&self.locale)
    }
    fn activation(&self) -> impl Fn(CoreError) -> ActivationError + '_ {
        move |e| ActivationError::from_core(&e, self.locale())
    }
    fn unlocking(&self) -> impl Fn(CoreError) -> UnlockError + '_ {
        move |e| UnlockError::from_core(&e, self.locale())
    }
    fn pins(&self) -> impl Fn(CoreError) -> PinsError + '_ {
        move |e| PinsError::from_core(&e, self.locale())
    }
    fn approving(&self) -> impl Fn(CoreError) -> ApprovalError + '_ {
        move |e| ApprovalError::from_core(&e, self.locale())
    }
}

#[uniffi::export(async_runtime = "tokio")]
impl ClavePinDevice {
    /// Opens the device's store in `data_dir` (created on first use), talking to the
    /// service at `service_url`.
    #[uniffi::constructor]
    pub fn open(
        data_dir: String,
        service_url: String,
        key_store: Arc<dyn PlatformKeyStore>,
        settings: DeviceSettings,
    ) -> Result<Arc<Self>, PlatformError> {
        let locale = settings.locale;
        let mut config =
            DeviceConfig::new(data_dir, &service_url, Arc::new(KeyStoreAdapter(key_store)));
        config = config.with_description(DeviceDescription::from_platform(
            settings.device_name.as_deref(),
            settings.device_model.as_deref(),
        ));
        if let Some(n) = settings.pattern_iterations.and_then(NonZeroU32::new) {
            config = config.with_pattern_iterations(n);
        }
        if let Some(secs) = settings.channel_silence_limit_secs.filter(|s| *s > 0) {
            config = config.with_channel_silence_limit(Duration::from_secs(secs.into()));
        }
        let spki_pins = settings.spki_pins.iter().map(|p| parse_pin(p)).collect::<Option<Vec<_>>>();
        let Some(spki_pins) = spki_pins else {
            let explanation = "a TLS pin is not sha256/ and a base64 SHA-256 digest".to_owned();
            return Err(PlatformError::Failure { explanation });
        };
        config = config.with_tls(TlsTrust {
            extra_roots: settings.extra_root_certificates,
            spki_pins,
            only_extra_roots: false,
            plain_http_off_loopback: settings.plain_http_off_loopback,
        });
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .thread_name("clavepin-device")
            .enable_all()
            .build()
            .map_err(|_| platform(&CoreError::NoRuntime, locale))?;
        let device = Device::open(config).map_err(|e| platform(&e, locale))?;
        Ok(Arc::new(Self { device, locale: Arc::new(RwLock::new(locale)), runtime }))
    }

    /// Now, on the service's clock (the phone's corrected by the offset): what a shell
    /// that draws its own countdown measures against.
    pub fn now(&self) -> clavepin_protocol::Timestamp {
        self.device.now()
    }

    /// How many seconds the phone's clock is behind the service's (negative: ahead),
    /// as last heard and kept across restarts: every deadline the core shows is
    /// already corrected by it; an app may tell the citizen their clock is off.
    pub fn clock_offset_secs(&self) -> i64 {
        self.device.clock_offset().num_seconds()
    }

    /// Changes the language of error explanations (the phone's language changed).
    pub fn set_locale(&self, locale: Locale) {
        *self.locale.write().unwrap_or_else(PoisonError::into_inner) = locale;
    }

    /// Which activation screen comes next (after a restart too).
    pub fn activation_progress(&self) -> Result<ActivationProgress, ActivationError> {
        self.device.activation_progress().map_err(self.activation())
    }

    /// Where one citizen's activation stands (each citizen's is their own).
    pub fn activation_progress_for(
        &self,
        document: DocumentNumber,
    ) -> Result<ActivationProgress, ActivationError> {
        self.device.activation_progress_for(document.as_str()).map_err(self.activation())
    }

    /// The activations waiting for their SMS codes, newest first.
    pub fn pending_activations(&self) -> Result<Vec<ActivationProgress>, ActivationError> {
        self.device.pending_activations().map_err(self.activation())
    }

    /// Activation, step 1: document and contrast datum as typed; an SMS code is sent.
    /// `AlreadyActivated` if the citizen is active on this device.
    pub async fn start_activation(
        &self,
        document: DocumentNumber,
        contrast: String,
        permanent_dni: bool,
        today: CalendarDate,
    ) -> Result<ActivationProgress, ActivationError> {
        let today = today.try_into().map_err(|_| ActivationError::bad_date(self.locale()))?;
        let started =
            self.device.start_activation(document.as_str(), &contrast, permanent_dni, today).await;
        started.map_err(self.activation())
    }

    /// Activation, step 2, for one citizen (a family phone may activate two at once).
    pub async fn submit_activation_code_for(
        &self,
        document: DocumentNumber,
        code: String,
    ) -> Result<ActivationProgress, ActivationError> {
        let progress = self.device.submit_activation_code_for(document.as_str(), &code).await;
        progress.map_err(self.activation())
    }

    /// Activation, step 2: the SMS code, for the newest activation waiting for one.
    pub async fn submit_activation_code(
        &self,
        code: String,
    ) -> Result<ActivationProgress, ActivationError> {
        self.device.submit_activation_code(&code).await.map_err(self.activation())
    }

    /// Activation, step 3: the security pattern, as the dots drawn (1–9). Stretches
    /// the pattern off the calling thread; the citizen is then active and unlocked.
    pub async fn set_pattern(
        &self,
        document: DocumentNumber,
        dots: Vec<u8>,
    ) -> Result<(), ActivationError> {
        let pattern = Pattern::from_dots(&dots).map_err(|e| self.activation()(e.into()))?;
        self.device.set_pattern(document.as_str(), &pattern).await.map_err(self.activation())
    }

    /// Abandons the newest activation waiting for its code.
    pub fn cancel_activation(&self) -> Result<(), ActivationError> {
        self.device.cancel_activation().map_err(self.activation())
    }

    /// Abandons one citizen's activation waiting for its code.
    pub fn cancel_activation_for(&self, document: DocumentNumber) -> Result<(), ActivationError> {
        self.device.cancel_activation_for(document.as_str()).map_err(self.activation())
    }

    /// Unlocks a citizen with the pattern. Stretches off the calling thread; the
    /// screen observers hear of it at once. Call `pull` next.
    pub async fn unlock(&self, document: DocumentNumber, dots: Vec<u8>) -> Result<(), UnlockError> {
        let pattern = Pattern::from_dots(&dots).map_err(|e| self.unlocking()(e.into()))?;
        self.device.unlock(document.as_str(), &pattern).await.map_err(self.unlocking())
    }

    /// Locks a citizen (the app went to the background); the screen hides the PIN at
    /// once, and the citizen's direct channel ends with `Locked`.
    pub fn lock(&self, document: DocumentNumber) -> Result<(), UnlockError> {
        self.device.lock(document.as_str()).map_err(self.unlocking())
    }

    /// Locks every citizen (the phone was locked).
    pub fn lock_all(&self) {
        self.device.lock_all();
    }

    /// Changes a citizen's pattern; the old one must be right (wrong tries count).
    pub async fn change_pattern(
        &self,
        document: DocumentNumber,
        old_dots: Vec<u8>,
        new_dots: Vec<u8>,
    ) -> Result<(), UnlockError> {
        let old = Pattern::from_dots(&old_dots).map_err(|e| self.unlocking()(e.into()))?;
        let new = Pattern::from_dots(&new_dots).map_err(|e| self.unlocking()(e.into()))?;
        let changed = self.device.change_pattern(document.as_str(), &old, &new).await;
        changed.map_err(self.unlocking())
    }

    /// The citizens on this device.
    pub fn citizens(&self) -> Result<Vec<CitizenSummary>, PinsError> {
        self.device.citizens().map_err(self.pins())
    }

    /// Removes a citizen from this phone and tells the service, so it stops sending
    /// their PINs here; needs the citizen unlocked (ask for the pattern, then confirm).
    /// Returns whether the service heard now: offline, the citizen is gone from the
    /// phone at once and the service is told at the next `pull` or
    /// `tell_pending_removals`.
    pub async fn remove_citizen(&self, document: DocumentNumber) -> Result<bool, PinsError> {
        self.device.remove_citizen(document.as_str()).await.map_err(self.pins())
    }

    /// Tells the service of removals made while offline (call it when the network is
    /// back); returns how many it heard.
    pub async fn tell_pending_removals(&self) -> Result<u32, PinsError> {
        let told = self.device.tell_pending_removals().await.map_err(self.pins())?;
        Ok(u32::try_from(told).unwrap_or(u32::MAX))
    }

    /// Asks the service whether this device is still the citizen's.
    pub async fn check_status(&self, document: DocumentNumber) -> Result<CitizenState, PinsError> {
        self.device.check_status(document.as_str()).await.map_err(self.pins())
    }

    /// Keeps the push token the platform handed the app (FCM's `onNewToken`, APNs'
    /// `didRegisterForRemoteNotificationsWithDeviceToken`, as hex) and registers it
    /// for every unlocked citizen; the locked ones get it when next unlocked. Works
    /// in the background with everyone locked.
    pub async fn register_push_token(
        &self,
        platform: PushPlatform,
        token: String,
    ) -> Result<PushTokenReport, PinsError> {
        self.device.register_push_token(platform, &token).await.map_err(self.pins())
    }

    /// Handles a push payload exactly as FCM or APNs delivered it, as JSON (Android:
    /// `RemoteMessage.data` as a JSON object; iOS: `userInfo`).
    pub async fn handle_push(&self, payload: String) -> Result<PushOutcome, PinsError> {
        self.device.handle_push(&payload).await.map_err(self.pins())
    }

    /// Fetches pending PINs (after unlocking, and on reconnecting), and registers a
    /// push token that is waiting.
    pub async fn pull(&self, document: DocumentNumber) -> Result<Vec<ReceivedPin>, PinsError> {
        self.device.pull(document.as_str()).await.map_err(self.pins())
    }

    /// Refreshes the states of live PINs (a PIN used on the portal shows as used).
    pub async fn refresh_states(&self, document: DocumentNumber) -> Result<(), PinsError> {
        self.device.refresh_states(document.as_str()).await.map_err(self.pins())
    }

    /// "This wasn't me" on a PIN the citizen did not ask for: the service kills it
    /// and sends the citizen's PINs by SMS until the instant returned (the service's
    /// clock). Show the citizen that their report was taken and that the portal's "My
    /// devices" lists it. Needs the citizen unlocked.
    pub async fn report_not_me(
        &self,
        document: DocumentNumber,
        request_id: RequestId,
    ) -> Result<clavepin_protocol::Timestamp, PinsError> {
        self.device.report_not_me(document.as_str(), &request_id).await.map_err(self.pins())
    }

    /// What a scanned QR code (the link it holds) or a typed code is for: the site
    /// and when it asked. Show both, and the time left, before asking for the
    /// pattern. Needs the citizen unlocked.
    pub async fn look_up_approval(
        &self,
        document: DocumentNumber,
        scanned: String,
    ) -> Result<SignInToApprove, ApprovalError> {
        let code = self.device.read_approval_code(&scanned).map_err(self.approving())?;
        self.device.look_up_approval(document.as_str(), &code).await.map_err(self.approving())
    }

    /// Approves the sign-in with the pattern drawn again (checked as an unlock is);
    /// the log-in page goes on by itself.
    pub async fn approve_sign_in(
        &self,
        document: DocumentNumber,
        code: ApprovalCode,
        dots: Vec<u8>,
    ) -> Result<(), ApprovalError> {
        let pattern = Pattern::from_dots(&dots).map_err(|e| self.approving()(e.into()))?;
        let approved = self.device.approve_sign_in(document.as_str(), &code, &pattern).await;
        approved.map_err(self.approving())
    }

    /// Refuses the sign-in; with `not_me`, also "this wasn't me" (PINs then go by
    /// SMS until the instant returned, on the service's clock).
    pub async fn refuse_sign_in(
        &self,
        document: DocumentNumber,
        code: ApprovalCode,
        not_me: bool,
    ) -> Result<Option<clavepin_protocol::Timestamp>, ApprovalError> {
        let refused = self.device.refuse_sign_in(document.as_str(), &code, not_me).await;
        refused.map_err(self.approving())
    }

    /// The screen model now.
    pub fn screen(&self) -> Result<ScreenModel, PinsError> {
        self.device.screen().map_err(self.pins())
    }

    /// Starts the screen ticker.
    pub fn subscribe_screen(
        &self,
        observer: Arc<dyn ScreenObserver>,
    ) -> Result<Arc<TaskHandle>, PlatformError> {
        let _inside = self.runtime.enter();
        let adapter = Arc::new(ScreenAdapter(observer, self.locale.clone()));
        let handle =
            self.device.subscribe_screen(adapter).map_err(|e| platform(&e, self.locale()))?;
        Ok(Arc::new(TaskHandle(handle)))
    }

    /// Opens the direct channel for an unlocked citizen; it reconnects by itself until
    /// cancelled or a final status (locked, replaced, removed).
    pub fn start_direct_channel(
        &self,
        document: DocumentNumber,
        observer: Arc<dyn ChannelObserver>,
    ) -> Result<Arc<TaskHandle>, PinsError> {
        let _inside = self.runtime.enter();
        let adapter = Arc::new(ChannelAdapter(observer, self.locale.clone()));
        let handle =
            self.device.start_direct_channel(document.as_str(), adapter).map_err(self.pins())?;
        Ok(Arc::new(TaskHandle(handle)))
    }

    /// What "Copy PIN" puts on the clipboard, and when to clear it.
    pub fn clipboard_content(&self, request_id: RequestId) -> Result<ClipboardContent, PinsError> {
        self.device.clipboard_content(&request_id).map_err(self.pins())
    }

    /// The notification for a stored PIN, by its state now.
    pub fn notification(
        &self,
        request_id: RequestId,
        locale: Locale,
    ) -> Result<NotificationContent, PinsError> {
        self.device.notification(&request_id, locale).map_err(self.pins())
    }

    /// The notification for `PushOutcome.PendingUnlock`: a PIN arrived for a locked
    /// citizen.
    pub fn pending_notification(
        &self,
        document: DocumentNumber,
        locale: Locale,
    ) -> Result<NotificationContent, PinsError> {
        self.device.pending_notification(document.as_str(), locale).map_err(self.pins())
    }

    /// The PINs received (without their values), newest first.
    pub fn history(
        &self,
        document: Option<DocumentNumber>,
        limit: u32,
    ) -> Result<Vec<PinView>, PinsError> {
        let document = document.as_ref().map(DocumentNumber::as_str);
        self.device.history(document, limit).map_err(self.pins())
    }
}

/// The locale for a BCP 47 tag (`es-ES`, `ca`, `gl`, `eu`, `en-GB`; anything else:
/// Spanish).
#[uniffi::export]
pub fn locale_for_tag(tag: String) -> Locale {
    Locale::from_tag(&tag)
}

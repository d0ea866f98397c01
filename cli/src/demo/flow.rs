//! The system end to end: the reference service in-process on loopback with a clock
//! the demo moves, a registry office, the portal, and this desktop as the citizen's
//! device, driven through the core's public API.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use chrono::{DateTime, NaiveDate, TimeDelta};
use clavepin_core::store::{CitizenState, FileKeyStore};
use clavepin_core::{
    ActivationProgress, ChannelListener, ChannelStatus, Clipboard, Device, DeviceConfig,
    DeviceDescription, Pattern, PushOutcome, ReceivedPin,
};
use clavepin_protocol::wire::{PinState, PushPlatform};
use clavepin_protocol::{Clock, ManualClock, Timestamp};
use clavepin_server::{Service, ServiceConfig};
use reqwest::Method;
use serde_json::{Value, json};
use tokio::sync::{mpsc, oneshot};

use super::Report;
use crate::admin::OperatorClient;

const DNI: &str = "12345678Z";
const VALIDITY: &str = "31/01/2030";
const PATTERN: &str = "1-2-3-6-9";
const CUSTOM_CODE: &str = "DEMO";
/// What the demo's device calls itself on "My devices".
const DEVICE_NAME: &str = "Demo desktop";

type StepResult = Result<String, String>;

/// Where the demo keeps its data.
enum Root {
    Temporary(tempfile::TempDir),
    Kept(PathBuf),
}

impl Root {
    fn path(&self) -> &Path {
        match self {
            Root::Temporary(t) => t.path(),
            Root::Kept(p) => p,
        }
    }
}

struct World {
    root: Root,
    clock: Arc<ManualClock>,
    url: String,
    operator: OperatorClient,
    http: reqwest::Client,
    device: Device,
    stop: Option<oneshot::Sender<()>>,
    served: Option<tokio::task::JoinHandle<std::io::Result<()>>>,
}

fn err(e: impl std::fmt::Display) -> String {
    e.to_string()
}

/// Runs every step in order; stops at the first that fails (later ones need it).
pub async fn run(report: &mut Report, keep: Option<PathBuf>) {
    let mut world = match World::start(keep).await {
        Ok((world, detail)) => {
            report.step("start-service", Ok(detail));
            world
        }
        Err(e) => return report.step("start-service", Err(e)),
    };
    macro_rules! step {
        ($name:literal, $call:expr) => {{
            let outcome = $call;
            let ok = outcome.is_ok();
            report.step($name, outcome);
            if !ok {
                return;
            }
        }};
    }
    macro_rules! pin_step {
        ($name:literal, $call:expr) => {{
            match $call {
                Ok((detail, pin, code)) => report.pin_step($name, Ok(detail), Some(&pin), &code),
                Err(e) => return report.step($name, Err(e)),
            }
        }};
    }
    step!("load-census", world.load_census().await);
    step!("register-citizen", world.register_citizen().await);
    step!("activation-code-sent", world.start_activation().await);
    step!("activate-device", world.activate().await);
    step!("set-pattern", world.set_pattern().await);
    let request = match world.obtain_pin(Some(CUSTOM_CODE)).await {
        Ok((detail, request)) => {
            report.pin_step("obtain-pin", Ok(detail), None, CUSTOM_CODE);
            request
        }
        Err(e) => return report.step("obtain-pin", Err(e)),
    };
    pin_step!("pin-arrives-by-push", world.receive_push(&request).await);
    pin_step!("countdown", world.countdown());
    pin_step!("copy-pin", world.copy_pin(&request));
    pin_step!("log-in", world.log_in(&request).await);
    pin_step!("used-pin-refused", world.used_pin_refused(&request).await);
    pin_step!(
        "site-signs-in-with-openid-connect",
        super::site::sign_in(
            &world.url,
            &world.operator,
            &world.device,
            &world.clock,
            DNI,
            VALIDITY
        )
        .await
    );
    let second = match world.direct_channel().await {
        Ok((detail, request, pin, code)) => {
            report.pin_step("pin-arrives-on-direct-channel", Ok(detail), Some(&pin), &code);
            request
        }
        Err(e) => return report.step("pin-arrives-on-direct-channel", Err(e)),
    };
    step!("wrong-pin-refused", world.wrong_pin_refused(&second).await);
    pin_step!("expired-pin-refused", world.expired_pin_refused(&second).await);
    let contrast = json!({ "kind": "dni_validity", "valid_until": "2030-01-31" });
    pin_step!(
        "report-not-me",
        super::control::report_not_me(&world.url, &world.operator, &world.device, DNI, contrast)
            .await
    );
    pin_step!(
        "my-devices",
        super::control::my_devices(&world.url, &world.operator, DNI, VALIDITY, DEVICE_NAME).await
    );
    step!(
        "approve-in-app",
        super::control::approve_in_app(&world.url, &world.device, DNI, VALIDITY, PATTERN).await
    );
    step!("second-device-replaces-first", world.second_device().await);
    step!("stop-service", world.stop().await);
}

/// What the portal answered for a PIN request.
struct Request {
    id: String,
    code: String,
}

impl World {
    async fn start(keep: Option<PathBuf>) -> Result<(World, String), String> {
        let root = match keep {
            Some(dir) => {
                std::fs::create_dir_all(&dir).map_err(err)?;
                if std::fs::read_dir(&dir).map_err(err)?.next().is_some() {
                    return Err(format!("--keep needs an empty folder; {} is not", dir.display()));
                }
                Root::Kept(dir)
            }
            None => Root::Temporary(tempfile::tempdir().map_err(err)?),
        };
        let start = DateTime::from_timestamp(1_795_000_000, 0).ok_or("bad start time")?;
        let clock = Arc::new(ManualClock::new(start));
        let service_dir = root.path().join("service");
        let service = Service::open(ServiceConfig::new(&service_dir).with_clock(clock.clone()))
            .map_err(err)?;
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.map_err(err)?;
        let url = format!("http://{}", listener.local_addr().map_err(err)?);
        let operator_listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.map_err(err)?;
        let operator_url = format!("http://{}", operator_listener.local_addr().map_err(err)?);
        let (stop, stopped) = oneshot::channel::<()>();
        let served = tokio::spawn(service.serve(listener, Some(operator_listener), async {
            let _ = stopped.await;
        }));
        let token_file = service_dir.join(clavepin_server::OPERATOR_TOKEN_FILE);
        let operator = OperatorClient::new(&url, Ok(operator_url), &token_file)?;
        let device = open_device(&root.path().join("device"), &url, clock.clone())?;
        let detail = format!("reference service on {url}, data in {}", root.path().display());
        let world = World {
            root,
            clock,
            url,
            operator,
            http: reqwest::Client::new(),
            device,
            stop: Some(stop),
            served: Some(served),
        };
        Ok((world, detail))
    }

    async fn operator_call(
        &self,
        method: Method,
        path: &str,
        body: Option<Value>,
    ) -> Result<Value, String> {
        self.operator.call(method, path, body.as_ref(), true).await
    }

    async fn portal(&self, path: &str, body: Value) -> (u16, Value) {
        match self.http.post(format!("{}{path}", self.url)).json(&body).send().await {
            Ok(resp) => (resp.status().as_u16(), resp.json().await.unwrap_or(Value::Null)),
            Err(e) => (0, json!({ "message": e.to_string() })),
        }
    }

    async fn load_census(&self) -> StepResult {
        let census = json!({ "records": [{
            "document": DNI, "full_name": "Ana García López", "birth_date": "1985-04-12",
            "contrast": { "kind": "dni_validity", "valid_until": "2030-01-31" },
            "fiscal_address": "Calle Mayor 1, 28013 Madrid"
        }]});
        let loaded = self.operator_call(Method::POST, "/operator/census", Some(census)).await?;
        Ok(format!("census record for {DNI} loaded ({} written)", loaded["loaded"]))
    }

    async fn register_citizen(&self) -> StepResult {
        let body = json!({
            "document": DNI, "contrast": { "kind": "dni_validity", "valid_until": "2030-01-31" },
            "mobile": "612 345 678", "email": "ana.garcia@example.es"
        });
        let done = self.operator_call(Method::POST, "/operator/citizens", Some(body)).await?;
        Ok(format!("{} registered at a registry office", done["document"].as_str().unwrap_or("?")))
    }

    async fn last_sms_code(&self) -> Result<String, String> {
        let outbox = self.operator_call(Method::GET, "/operator/outbox/sms", None).await?;
        let text = outbox["items"]
            .as_array()
            .and_then(|i| i.last())
            .and_then(|s| s["text"].as_str())
            .ok_or("no SMS sent")?;
        text.split(|c: char| !c.is_ascii_digit())
            .find(|w| w.len() == 6)
            .map(str::to_owned)
            .ok_or_else(|| "no code in the SMS".into())
    }

    async fn start_activation(&self) -> StepResult {
        let today = NaiveDate::from_ymd_opt(2026, 11, 23).ok_or("date")?;
        match self.device.start_activation(DNI, VALIDITY, false, today).await.map_err(err)? {
            ActivationProgress::AwaitingCode { phone_hint, .. } => {
                let code = self.last_sms_code().await?;
                Ok(format!("SMS with a {}-digit code sent to {phone_hint}", code.len()))
            }
            other => Err(format!("expected to wait for the code, got {other:?}")),
        }
    }

    async fn activate(&self) -> StepResult {
        let code = self.last_sms_code().await?;
        match self.device.submit_activation_code(&code).await.map_err(err)? {
            ActivationProgress::AwaitingPattern { .. } => {
                Ok("code proved, P-256 signing key registered, sealing key agreed and confirmed"
                    .into())
            }
            other => Err(format!("expected the pattern screen, got {other:?}")),
        }
    }

    async fn set_pattern(&self) -> StepResult {
        let started = std::time::Instant::now();
        let pattern = Pattern::parse(PATTERN).map_err(err)?;
        self.device.set_pattern(DNI, &pattern).await.map_err(err)?;
        let stretch = started.elapsed();
        // This desktop stands in for a phone: it registers a push token as FCM would give one.
        self.device
            .register_push_token(PushPlatform::Fcm, "demo-desktop-fcm-token")
            .await
            .map_err(err)?;
        let citizen =
            self.device.citizens().map_err(err)?.into_iter().next().ok_or("no citizen")?;
        if citizen.state != CitizenState::Active || !citizen.unlocked {
            return Err(format!("citizen is {:?}", citizen.state));
        }
        Ok(format!(
            "pattern {PATTERN} locks the signing key (PBKDF2-HMAC-SHA256, 600,000 iterations, {} ms); push token registered",
            stretch.as_millis()
        ))
    }

    async fn obtain_pin(&self, code: Option<&str>) -> Result<(String, Request), String> {
        let mut body = json!({ "document": DNI, "contrast": { "kind": "dni_validity", "valid_until": "2030-01-31" } });
        if let Some(code) = code {
            body["code"] = json!(code);
        }
        let (status, created) = self.portal("/portal/pin-requests", body).await;
        if status != 201 {
            return Err(format!("the portal answered {status}: {created}"));
        }
        let request = Request {
            id: created["request_id"].as_str().ok_or("no request id")?.to_owned(),
            code: created["code"].as_str().ok_or("no code")?.to_owned(),
        };
        let detail = format!(
            "\"Obtain PIN\" with code {} → sent to the {}",
            request.code,
            created["channel"].as_str().unwrap_or("?")
        );
        Ok((detail, request))
    }

    fn shown_pin(&self) -> Result<(String, String), String> {
        let latest = self.device.screen().map_err(err)?.latest.ok_or("the screen shows no PIN")?;
        let pin = latest.pin.ok_or("the screen hides the PIN")?;
        Ok((pin.expose().to_owned(), latest.code))
    }

    async fn receive_push(&self, request: &Request) -> Result<(String, String, String), String> {
        let pushes = self.operator_call(Method::GET, "/operator/outbox/push", None).await?;
        let push = pushes["items"].as_array().and_then(|i| i.last()).ok_or("nothing was pushed")?;
        let payload = push["payload"].to_string();
        let received = match self.device.handle_push(&payload).await.map_err(err)? {
            PushOutcome::Received(pin) => pin,
            other => return Err(format!("{other:?}")),
        };
        if received.request_id.as_str() != request.id || received.code != request.code {
            return Err("the push carried another request".into());
        }
        let (pin, code) = self.shown_pin()?;
        let detail = format!(
            "FCM payload ({} bytes) opened, stored, acknowledged; the screen shows code {code}, PIN {pin}",
            payload.len()
        );
        Ok((detail, pin, code))
    }

    fn countdown(&self) -> Result<(String, String, String), String> {
        let before = self.device.screen().map_err(err)?.latest.ok_or("no PIN")?;
        self.clock.advance(TimeDelta::seconds(10));
        let after = self.device.screen().map_err(err)?.latest.ok_or("no PIN")?;
        let (a, b) = (before.countdown.display(), after.countdown.display());
        if (before.countdown.seconds_left, after.countdown.seconds_left) != (600, 590) {
            return Err(format!("the counter went {a} → {b}"));
        }
        let (pin, code) = self.shown_pin()?;
        Ok((format!("{a} → {b} ten seconds later; the screen refreshes every 10 s"), pin, code))
    }

    fn copy_pin(&self, request: &Request) -> Result<(String, String, String), String> {
        let clipboard = Arc::new(MemoryClipboard::default());
        let id = clavepin_protocol::RequestId::parse(&request.id).map_err(err)?;
        let content = self.device.copy_pin(&id, clipboard.clone()).map_err(err)?;
        let (pin, code) = self.shown_pin()?;
        let held = clipboard.0.lock().unwrap_or_else(PoisonError::into_inner).clone();
        if held.as_deref() != Some(pin.as_str()) || !content.sensitive {
            return Err("the clipboard does not hold the PIN marked sensitive".into());
        }
        let left = (content.clear_at - self.clock.now()).num_seconds();
        Ok((
            format!(
                "\"Copy PIN\": on the clipboard marked sensitive, cleared at expiry (in {left} s)"
            ),
            pin,
            code,
        ))
    }

    async fn verify(&self, request: &Request, pin: &str) -> (u16, Value) {
        let path = format!("/portal/pin-requests/{}/verify", request.id);
        self.portal(&path, json!({ "code": request.code, "pin": pin })).await
    }

    async fn log_in(&self, request: &Request) -> Result<(String, String, String), String> {
        let (pin, code) = self.shown_pin()?;
        let (status, granted) = self.verify(request, &pin.to_lowercase()).await;
        if status != 200 {
            return Err(format!("access refused ({status}): {granted}"));
        }
        Ok((
            format!(
                "\"Access\" with the PIN typed in lower case: signed in as {}",
                granted["full_name"].as_str().unwrap_or("?")
            ),
            pin,
            code,
        ))
    }

    async fn expect_refusal(
        &self,
        request: &Request,
        pin: &str,
        expected: &str,
    ) -> Result<String, String> {
        let (status, refused) = self.verify(request, pin).await;
        match refused["error"].as_str() {
            Some(code) if code == expected => Ok(format!(
                "refused ({status} {code}): {}",
                refused["message"].as_str().unwrap_or("")
            )),
            _ => Err(format!("expected {expected}, the portal answered {status}: {refused}")),
        }
    }

    async fn used_pin_refused(
        &self,
        request: &Request,
    ) -> Result<(String, String, String), String> {
        let (pin, code) = self.shown_pin()?;
        let detail = self.expect_refusal(request, &pin, "pin_used").await?;
        self.device.refresh_states(DNI).await.map_err(err)?;
        let state = self.device.screen().map_err(err)?.latest.map(|l| l.state);
        if state != Some(PinState::Used) {
            return Err(format!("the device shows {state:?}"));
        }
        Ok((format!("{detail}; the device shows it as used"), pin, code))
    }

    async fn direct_channel(&self) -> Result<(String, Request, String, String), String> {
        let (listener, mut pins) = ChannelRecorder::new();
        let channel = self.device.start_direct_channel(DNI, listener).map_err(err)?;
        // Give the channel a moment to open; PINs issued before it opens are pulled anyway.
        tokio::time::sleep(Duration::from_millis(200)).await;
        let (_, request) = self.obtain_pin(None).await?;
        let received = tokio::time::timeout(Duration::from_secs(10), pins.recv())
            .await
            .map_err(|_| "no PIN within 10 s")?
            .ok_or("channel closed")?;
        channel.cancel();
        if received.request_id.as_str() != request.id {
            return Err("the channel delivered another request".into());
        }
        let (pin, code) = self.shown_pin()?;
        Ok((
            format!(
                "a random code {code}: the PIN reached the open channel (server-sent events) at once"
            ),
            request,
            pin,
            code,
        ))
    }

    async fn wrong_pin_refused(&self, request: &Request) -> StepResult {
        let (pin, _) = self.shown_pin()?;
        let wrong = if pin == "AAA" { "BBB" } else { "AAA" };
        self.expect_refusal(request, wrong, "wrong_pin").await
    }

    async fn expired_pin_refused(
        &self,
        request: &Request,
    ) -> Result<(String, String, String), String> {
        let (pin, code) = self.shown_pin()?;
        self.clock.advance(TimeDelta::minutes(10));
        let detail = self.expect_refusal(request, &pin, "pin_expired").await?;
        let latest = self.device.screen().map_err(err)?.latest.ok_or("no PIN")?;
        if latest.state != PinState::Expired || latest.countdown.display() != "0:00" {
            return Err(format!(
                "the screen shows {:?} {}",
                latest.state,
                latest.countdown.display()
            ));
        }
        Ok((format!("clock moved 10 minutes: {detail}; the screen says expired"), pin, code))
    }

    async fn second_device(&self) -> StepResult {
        let second =
            open_device(&self.root.path().join("second-device"), &self.url, self.clock.clone())?;
        let today = NaiveDate::from_ymd_opt(2026, 11, 23).ok_or("date")?;
        second.start_activation(DNI, VALIDITY, false, today).await.map_err(err)?;
        second.submit_activation_code(&self.last_sms_code().await?).await.map_err(err)?;
        second.set_pattern(DNI, &Pattern::parse("7-5-3-1").map_err(err)?).await.map_err(err)?;
        match self.device.check_status(DNI).await.map_err(err)? {
            CitizenState::Replaced => {
                Ok("a second device activated; this one learned it was replaced".into())
            }
            other => Err(format!("the first device is still {other:?}")),
        }
    }

    async fn stop(&mut self) -> StepResult {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(served) = self.served.take() {
            served.await.map_err(err)?.map_err(err)?;
        }
        Ok(match &self.root {
            Root::Kept(dir) => format!("service stopped; data kept in {}", dir.display()),
            Root::Temporary(_) => "service stopped; temporary data removed".into(),
        })
    }
}

fn open_device(dir: &Path, url: &str, clock: Arc<ManualClock>) -> Result<Device, String> {
    let keys = Arc::new(FileKeyStore::open(&dir.join("device.key"), true).map_err(err)?);
    let description = DeviceDescription::from_platform(Some(DEVICE_NAME), Some("clavepin demo"));
    let config = DeviceConfig::new(dir, url, keys).with_clock(clock).with_description(description);
    Device::open(config).map_err(err)
}

/// The demo's clipboard: remembers what it holds.
#[derive(Default)]
struct MemoryClipboard(Mutex<Option<String>>);

impl Clipboard for MemoryClipboard {
    fn set_sensitive(&self, text: &str, _clear_at: Timestamp) {
        *self.0.lock().unwrap_or_else(PoisonError::into_inner) = Some(text.to_owned());
    }
    fn clear(&self) {
        *self.0.lock().unwrap_or_else(PoisonError::into_inner) = None;
    }
}

/// Forwards the channel's PINs to the demo.
struct ChannelRecorder(mpsc::UnboundedSender<ReceivedPin>);

impl ChannelRecorder {
    fn new() -> (Arc<Self>, mpsc::UnboundedReceiver<ReceivedPin>) {
        let (tx, rx) = mpsc::unbounded_channel();
        (Arc::new(Self(tx)), rx)
    }
}

impl ChannelListener for ChannelRecorder {
    fn on_status(&self, _: ChannelStatus) {}
    fn on_error(&self, _: &clavepin_core::CoreError) {}
    fn on_pin(&self, pin: ReceivedPin) {
        let _ = self.0.send(pin);
    }
}

//! The service in-process on 127.0.0.1 with a clock the test moves, three citizens
//! registered at an office, and a real device (the core) activated for two of them.

use std::num::NonZeroU32;
use std::path::Path;
use std::sync::Arc;

use chrono::{DateTime, TimeDelta};
use clavepin_core::store::FileKeyStore;
use clavepin_core::{Device, DeviceConfig, DeviceDescription, Pattern};
use clavepin_protocol::{Clock, ManualClock};
use clavepin_server::{Service, ServiceConfig};
use serde_json::{Value, json};
use tokio::sync::oneshot;

/// Ana: a DNI with a validity date, and the app.
pub const ANA: &str = "12345678Z";
pub const ANA_VALIDITY: &str = "31/01/2030";
/// John: a NIE with a support number, and the app.
pub const JOHN: &str = "X1234567L";
pub const JOHN_SUPPORT: &str = "E12345678";
/// María: a permanent DNI (issue date), no app: SMS only.
pub const MARIA: &str = "00000000T";
pub const MARIA_ISSUED: &str = "02/03/2015";

pub struct TestService {
    pub url: String,
    pub clock: Arc<ManualClock>,
    pub root: tempfile::TempDir,
    operator_url: String,
    pub service: Service,
    token: String,
    http: reqwest::Client,
    stop: Option<oneshot::Sender<()>>,
}

impl TestService {
    /// Starts the service with the census loaded and the three citizens registered.
    pub async fn start() -> TestService {
        Self::start_with(|config| config).await
    }

    /// The same, with something changed in the service's configuration.
    pub async fn start_with(configure: impl FnOnce(ServiceConfig) -> ServiceConfig) -> TestService {
        // reqwest is built without a default TLS provider: one crypto library, ring.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let root = tempfile::tempdir().unwrap();
        let clock = Arc::new(ManualClock::new(DateTime::from_timestamp(1_800_000_000, 0).unwrap()));
        let dir = root.path().join("service");
        let config = ServiceConfig::new(&dir).with_clock(clock.clone());
        let config = crate::postgres::on_database_under_test(config, &dir);
        let svc = Self::serving(Service::open(configure(config)).unwrap(), root, clock).await;
        svc.register_citizens().await;
        svc
    }

    /// `service`, serving on loopback until the test ends.
    async fn serving(service: Service, root: tempfile::TempDir, clock: Arc<ManualClock>) -> Self {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let operator = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let operator_url = format!("http://{}", operator.local_addr().unwrap());
        let (stop, stopped) = oneshot::channel::<()>();
        tokio::spawn(service.clone().serve(listener, Some(operator), async {
            let _ = stopped.await;
        }));
        TestService {
            url,
            operator_url,
            clock,
            root,
            token: service.operator_token().to_owned(),
            service,
            http: reqwest::Client::new(),
            stop: Some(stop),
        }
    }

    /// A second instance of the same service, on the same PostgreSQL database with the
    /// same keys and clock, in a data folder of its own; `None` when the suite runs on
    /// SQLite, which one instance owns.
    pub async fn another_instance(&self) -> Option<TestService> {
        let first = self.root.path().join("service");
        let database = crate::postgres::database_for(&first)?;
        let root = tempfile::tempdir().unwrap();
        let config = ServiceConfig::new(root.path().join("service"))
            .with_clock(self.clock.clone())
            .with_database(database)
            .with_keys_file(first.join("service.key"));
        let service = Service::open(config).unwrap();
        Some(Self::serving(service, root, self.clock.clone()).await)
    }

    async fn register_citizens(&self) {
        let census = json!({ "records": [
            { "document": ANA, "full_name": "Ana García López", "birth_date": "1985-04-12",
              "contrast": { "kind": "dni_validity", "valid_until": "2030-01-31" },
              "fiscal_address": "Calle Mayor 1, 28013 Madrid" },
            { "document": JOHN, "full_name": "John Smith", "birth_date": "1979-09-30",
              "contrast": { "kind": "nie_support", "support": JOHN_SUPPORT },
              "fiscal_address": "Avinguda Diagonal 100, 08019 Barcelona" },
            { "document": MARIA, "full_name": "María Pérez Ruiz", "birth_date": "1950-07-01",
              "contrast": { "kind": "permanent_dni", "issued_on": "2015-03-02" },
              "fiscal_address": "Plaza Nueva 3, 41001 Sevilla" }
        ]});
        self.operator("POST", "/operator/census", Some(census)).await;
        for (document, contrast, mobile) in [
            (ANA, json!({ "kind": "dni_validity", "valid_until": "2030-01-31" }), "612345678"),
            (JOHN, json!({ "kind": "nie_support", "support": JOHN_SUPPORT }), "699000111"),
            (MARIA, json!({ "kind": "permanent_dni", "issued_on": "2015-03-02" }), "655000222"),
        ] {
            let body = json!({ "document": document, "contrast": contrast,
                               "mobile": mobile, "email": "citizen@example.es" });
            self.operator("POST", "/operator/citizens", Some(body)).await;
        }
    }

    /// An operator request that must succeed.
    pub async fn operator(&self, method: &str, path: &str, body: Option<Value>) -> Value {
        let mut req = self
            .http
            .request(method.parse().unwrap(), format!("{}{path}", self.operator_url))
            .bearer_auth(&self.token);
        if let Some(body) = body {
            req = req.json(&body);
        }
        let resp = req.send().await.unwrap();
        assert!(resp.status().is_success(), "{path}: {}", resp.status());
        resp.json().await.unwrap_or(Value::Null)
    }

    /// The SMS texts sent so far, oldest first.
    pub async fn sms_texts(&self) -> Vec<String> {
        let outbox = self.operator("GET", "/operator/outbox/sms", None).await;
        let items = outbox["items"].as_array().unwrap();
        items.iter().map(|i| i["text"].as_str().unwrap().to_owned()).collect()
    }

    /// The code and PIN in the latest SMS (`Cl@ve PIN: código CODE, PIN PIN …`).
    pub async fn last_sms_pin(&self) -> (String, String) {
        let text = self.sms_texts().await.pop().unwrap();
        let after = |label: &str| {
            let rest = text.split(label).nth(1).unwrap();
            rest.split([',', ' ']).find(|w| !w.is_empty()).unwrap().to_owned()
        };
        (after("código "), after("PIN "))
    }

    /// Where the operator API listens.
    pub fn operator_url(&self) -> &str {
        &self.operator_url
    }

    /// The operator's bearer token.
    pub fn operator_token(&self) -> &str {
        &self.token
    }

    /// Moves the service's (and the device's) clock.
    pub fn advance(&self, by: TimeDelta) {
        self.clock.advance(by);
    }

    /// A phone running the real core, activated for `citizens` (document, contrast
    /// datum as typed), each with a security pattern drawn, so it is unlocked.
    pub async fn phone(&self, citizens: &[(&str, &str)]) -> Device {
        let dir = self.root.path().join("phone");
        let keys = Arc::new(FileKeyStore::open(&dir.join("device.key"), true).unwrap());
        let config = DeviceConfig::new(&dir, &self.url, keys)
            .with_clock(self.clock.clone())
            // Few iterations: stretching is the benchmark's business, not this test's.
            .with_pattern_iterations(NonZeroU32::new(1_000).unwrap())
            .with_description(DeviceDescription::from_platform(
                Some("Pixel de Ana"),
                Some("Pixel 8"),
            ));
        let device = Device::open(config).unwrap();
        let today = self.clock.now().date_naive();
        for (document, contrast) in citizens {
            device.start_activation(document, contrast, false, today).await.unwrap();
            let text = self.sms_texts().await.pop().unwrap();
            let code = text.split(|c: char| !c.is_ascii_digit()).find(|w| w.len() == 6).unwrap();
            device.submit_activation_code(code).await.unwrap();
            device.set_pattern(document, &Pattern::parse("1-2-3-6-9").unwrap()).await.unwrap();
        }
        device
    }

    /// Where the test writes things it keeps (the browser's profile).
    pub fn scratch(&self, name: &str) -> std::path::PathBuf {
        let dir = self.root.path().join(name);
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }
}

impl Drop for TestService {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

/// What the phone's screen shows for `document` once it has pulled its PINs: the
/// PIN, after checking that it is the one for `code`.
pub async fn pin_on_phone(device: &Device, document: &str, code: &str) -> String {
    device.pull(document).await.unwrap();
    let screen = device.screen().unwrap();
    let citizen = screen.citizens.iter().find(|c| c.document.as_str() == document).unwrap();
    let latest = citizen.latest.as_ref().expect("the PIN reached the phone");
    assert_eq!(latest.code, code, "the phone shows the code the portal locked");
    latest.pin.clone().expect("unlocked: the screen shows the PIN").expose().to_owned()
}

/// A PIN that is well-formed but not `pin`.
pub fn wrong_pin(pin: &str) -> String {
    ["ABC", "XYZ"].into_iter().find(|p| !p.eq_ignore_ascii_case(pin)).unwrap().to_owned()
}

/// `target/portal-screenshots/<lang>`, emptied.
pub fn screenshot_dir(lang: &str) -> std::path::PathBuf {
    let target = Path::new(env!("CARGO_TARGET_TMPDIR")).parent().unwrap();
    let dir = target.join("portal-screenshots").join(lang);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

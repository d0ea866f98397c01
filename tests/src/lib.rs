//! The real service started in-process on loopback with a clock the test moves, and
//! what a registry office and the portal do, so end-to-end tests read like the flows.

// A panic in a test helper is a failed test, not a crash in a citizen's hands.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::num::NonZeroU32;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use chrono::{DateTime, NaiveDate};
use clavepin_core::store::FileKeyStore;
use clavepin_core::{Device, DeviceConfig};
use clavepin_protocol::ManualClock;
use clavepin_server::{Service, ServiceConfig};
use serde_json::{Value, json};
use tokio::sync::oneshot;

mod faults;
mod proxy;
mod recorder;
pub use faults::{Fault, Faults};
pub use proxy::Proxy;
pub use recorder::Recorder;

/// A DNI citizen in the census.
pub const DNI: &str = "12345678Z";
/// Their validity date, as typed.
pub const DNI_VALIDITY: &str = "31/01/2030";
/// A NIE citizen in the census.
pub const NIE: &str = "X1234567L";
/// Their support number.
pub const NIE_SUPPORT: &str = "E12345678";

/// The pattern most tests draw.
pub const PATTERN: &str = "1-2-3-6-9";

/// "Today" for contrast-data checks.
pub fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 23).unwrap()
}

/// Few iterations: stretching is measured in the benchmark, not paid in every test.
pub const TEST_ITERATIONS: NonZeroU32 = NonZeroU32::new(1_000).unwrap();

/// The reference service on 127.0.0.1, in a temporary folder.
#[allow(missing_debug_implementations)] // holds the service and a shutdown sender
pub struct Harness {
    pub url: String,
    addr: std::net::SocketAddr,
    operator_addr: std::net::SocketAddr,
    task: Option<tokio::task::JoinHandle<std::io::Result<()>>>,
    pub clock: Arc<ManualClock>,
    service: Option<Service>,
    pub root: tempfile::TempDir,
    http: reqwest::Client,
    token: String,
    stop: Option<oneshot::Sender<()>>,
}

impl Harness {
    /// Starts the service with the census and both citizens registered at an office.
    pub async fn start() -> Harness {
        let _ = rustls::crypto::ring::default_provider().install_default();
        let root = tempfile::tempdir().unwrap();
        let clock = Arc::new(ManualClock::new(DateTime::from_timestamp(1_795_000_000, 0).unwrap()));
        let service = Service::open(
            ServiceConfig::new(root.path().join("service")).with_clock(clock.clone()),
        )
        .unwrap();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let url = format!("http://{addr}");
        let operator = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let operator_addr = operator.local_addr().unwrap();
        let (stop, stopped) = oneshot::channel::<()>();
        let task = tokio::spawn(service.clone().serve(listener, Some(operator), async {
            let _ = stopped.await;
        }));
        let harness = Harness {
            url,
            addr,
            operator_addr,
            task: Some(task),
            clock,
            token: service.operator_token().to_owned(),
            service: Some(service),
            root,
            http: reqwest::Client::new(),
            stop: Some(stop),
        };
        harness.register_citizens().await;
        harness
    }

    async fn register_citizens(&self) {
        let census = json!({ "records": [
            { "document": DNI, "full_name": "Ana García López", "birth_date": "1985-04-12",
              "contrast": { "kind": "dni_validity", "valid_until": "2030-01-31" },
              "fiscal_address": "Calle Mayor 1, 28013 Madrid" },
            { "document": NIE, "full_name": "John Smith", "birth_date": "1979-09-30",
              "contrast": { "kind": "nie_support", "support": NIE_SUPPORT },
              "fiscal_address": "Avinguda Diagonal 100, 08019 Barcelona" }
        ]});
        self.operator("POST", "/operator/census", Some(census)).await;
        for (document, contrast, mobile) in [
            (DNI, json!({ "kind": "dni_validity", "valid_until": "2030-01-31" }), "612345678"),
            (NIE, json!({ "kind": "nie_support", "support": NIE_SUPPORT }), "699000111"),
        ] {
            let body = json!({ "document": document, "contrast": contrast, "mobile": mobile, "email": "c@example.es" });
            self.operator("POST", "/operator/citizens", Some(body)).await;
        }
    }

    /// Stops the service (gracefully): devices see it go down.
    pub async fn stop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(task) = self.task.take() {
            task.await.unwrap().unwrap();
        }
    }

    /// Starts the service again on the same address and data.
    pub async fn restart(&mut self) {
        self.stop().await;
        let config =
            ServiceConfig::new(self.root.path().join("service")).with_clock(self.clock.clone());
        // The old one lets go of the data folder's lock first, as a stopped process does.
        self.service = None;
        let service = Service::open(config).unwrap();
        let listener = tokio::net::TcpListener::bind(self.addr).await.unwrap();
        let operator = tokio::net::TcpListener::bind(self.operator_addr).await.unwrap();
        let (stop, stopped) = oneshot::channel::<()>();
        self.service = Some(service.clone());
        self.task = Some(tokio::spawn(service.serve(listener, Some(operator), async {
            let _ = stopped.await;
        })));
        self.stop = Some(stop);
    }

    /// The push messages the service handed to its push gateway.
    pub async fn push_outbox(&self) -> Vec<Value> {
        self.operator("GET", "/operator/outbox/push", None).await["items"]
            .as_array()
            .unwrap()
            .clone()
    }

    /// "Access" on the portal.
    pub async fn verify(&self, request_id: &str, code: &str, pin: &str) -> (u16, Value) {
        self.portal(
            &format!("/portal/pin-requests/{request_id}/verify"),
            json!({ "code": code, "pin": pin }),
        )
        .await
    }

    /// An operator request that must succeed.
    pub async fn operator(&self, method: &str, path: &str, body: Option<Value>) -> Value {
        let mut req = self
            .http
            .request(method.parse().unwrap(), format!("http://{}{path}", self.operator_addr))
            .bearer_auth(&self.token);
        if let Some(body) = body {
            req = req.json(&body);
        }
        let resp = req.send().await.unwrap();
        assert!(resp.status().is_success(), "{path}: {}", resp.status());
        resp.json().await.unwrap_or(Value::Null)
    }

    /// A portal request: status and body.
    pub async fn portal(&self, path: &str, body: Value) -> (u16, Value) {
        let resp = self.http.post(format!("{}{path}", self.url)).json(&body).send().await.unwrap();
        (resp.status().as_u16(), resp.json().await.unwrap_or(Value::Null))
    }

    /// The 6-digit code in the latest SMS.
    pub async fn last_sms_code(&self) -> String {
        let outbox = self.operator("GET", "/operator/outbox/sms", None).await;
        let text = outbox["items"].as_array().unwrap().last().unwrap()["text"]
            .as_str()
            .unwrap()
            .to_owned();
        text.split(|c: char| !c.is_ascii_digit()).find(|w| w.len() == 6).unwrap().to_owned()
    }

    /// A device whose store is in `name` under the harness's folder.
    pub fn device(&self, name: &str) -> Device {
        self.device_at(&self.root.path().join(name), &self.url)
    }

    /// A device in `dir` talking to `url`.
    pub fn device_at(&self, dir: &Path, url: &str) -> Device {
        self.device_with(dir, url, |config| config)
    }

    /// A device in `dir` talking to `url`, its configuration adjusted by `adjust`.
    pub fn device_with(
        &self,
        dir: &Path,
        url: &str,
        adjust: impl FnOnce(DeviceConfig) -> DeviceConfig,
    ) -> Device {
        let keys = Arc::new(FileKeyStore::open(&dir.join("device.key"), true).unwrap());
        let config = DeviceConfig::new(dir, url, keys)
            .with_clock(self.clock.clone())
            .with_pattern_iterations(TEST_ITERATIONS);
        Device::open(adjust(config)).unwrap()
    }

    /// The service's address, for a relay in front of it.
    pub fn addr(&self) -> std::net::SocketAddr {
        self.addr
    }

    /// The attempt a named device is activating, read from its store as a lost app
    /// process would have left it.
    pub fn pending_activation_id(&self, name: &str) -> String {
        rusqlite::Connection::open(self.device_dir(name).join("clavepin-device.db"))
            .unwrap()
            .query_row(
                "SELECT activation_id FROM pending_activations ORDER BY started_at DESC LIMIT 1",
                [],
                |r| r.get(0),
            )
            .unwrap()
    }

    /// The folder a named device keeps its store in.
    pub fn device_dir(&self, name: &str) -> PathBuf {
        self.root.path().join(name)
    }

    /// Activates `device` for a citizen, reading the SMS code, and sets [`PATTERN`].
    pub async fn activate(&self, device: &Device, document: &str, contrast: &str) {
        device.start_activation(document, contrast, false, today()).await.unwrap();
        let code = self.last_sms_code().await;
        device.submit_activation_code(&code).await.unwrap();
        device
            .set_pattern(document, &clavepin_core::Pattern::parse(PATTERN).unwrap())
            .await
            .unwrap();
    }

    /// Completes an activation attempt with throwaway keys, as a lost app process would
    /// have.
    pub async fn complete_activation_elsewhere(&self, activation_id: &str, code: &str) {
        use clavepin_protocol::crypto::{DeviceSigningKey, KeyAgreement};
        let rng = ring_rng();
        let key = DeviceSigningKey::generate(&rng).unwrap();
        let share = KeyAgreement::start(&rng).unwrap().share().to_b64();
        let proof = key
            .sign(&clavepin_protocol::wire::activation_proof_input(activation_id, &share), &rng)
            .unwrap();
        let body = json!({ "code": code, "signing_key": key.public_key().to_b64(), "agreement_share": share, "proof": proof.to_b64() });
        let (status, resp) =
            self.portal(&format!("/device/activation/{activation_id}/complete"), body).await;
        assert_eq!(status, 200, "{resp}");
    }

    /// "Obtain PIN" on the portal for the DNI citizen.
    pub async fn obtain_pin(&self, extra: Value) -> Value {
        let mut body = json!({ "document": DNI, "contrast": { "kind": "dni_validity", "valid_until": "2030-01-31" } });
        if let Value::Object(fields) = extra {
            for (k, v) in fields {
                body[k] = v;
            }
        }
        let (status, created) = self.portal("/portal/pin-requests", body).await;
        assert_eq!(status, 201, "{created}");
        created
    }
}

impl Drop for Harness {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

fn ring_rng() -> ring::rand::SystemRandom {
    ring::rand::SystemRandom::new()
}

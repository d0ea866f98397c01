//! A service started in-process on 127.0.0.1 with a manual clock, and helpers that
//! speak its API as a registry office, a citizen and a device would.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use chrono::DateTime;
use clavepin_protocol::crypto::{
    ActivationTranscript, AgreementShare, DeviceSigningKey, KeyAgreement, PinEnvelope, SealedPin,
    SealingContext, SealingKey, SignedRequest, b64_decode,
};
use clavepin_protocol::wire::{
    HEADER_DEVICE, HEADER_NONCE, HEADER_SIGNATURE, HEADER_TIMESTAMP, activation_proof_input,
};
use clavepin_protocol::{Clock, DocumentNumber, ManualClock};
use clavepin_server::{Service, ServiceConfig};
use reqwest::{Method, StatusCode};
use ring::rand::SystemRandom;
use serde_json::{Value, json};
use tokio::sync::oneshot;

pub const DNI: &str = "12345678Z";
pub const NIE: &str = "X1234567L";

/// A DNI citizen's census record and registration data.
pub fn dni_census() -> Value {
    json!({
        "document": DNI,
        "full_name": "Ana García López",
        "birth_date": "1985-04-12",
        "contrast": { "kind": "dni_validity", "valid_until": "2030-01-31" },
        "fiscal_address": "Calle Mayor 1, 28013 Madrid"
    })
}

pub fn nie_census() -> Value {
    json!({
        "document": NIE,
        "full_name": "John Smith",
        "birth_date": "1979-09-30",
        "contrast": { "kind": "nie_support", "support": "E12345678" },
        "fiscal_address": "Avinguda Diagonal 100, 08019 Barcelona"
    })
}

pub fn dni_claim() -> Value {
    json!({ "document": DNI, "contrast": { "kind": "dni_validity", "valid_until": "2030-01-31" } })
}

pub struct TestService {
    pub url: String,
    /// The operator API's own listener.
    pub operator_url: String,
    pub token: String,
    pub clock: Arc<ManualClock>,
    pub service: Service,
    pub client: reqwest::Client,
    dir: PathBuf,
    _tempdir: Option<tempfile::TempDir>,
    stop: Option<oneshot::Sender<()>>,
    task: Option<tokio::task::JoinHandle<std::io::Result<()>>>,
}

impl TestService {
    pub async fn start() -> Self {
        let tempdir = tempfile::tempdir().unwrap();
        let clock = Arc::new(ManualClock::new(DateTime::from_timestamp(1_800_000_000, 0).unwrap()));
        let mut svc = Self::start_in(tempdir.path(), clock).await;
        svc._tempdir = Some(tempdir);
        svc
    }

    pub async fn start_in(dir: &Path, clock: Arc<ManualClock>) -> Self {
        Self::start_configured(dir, clock, |config| config).await
    }

    /// A service whose configuration the test adjusts (its gateways, say).
    pub async fn start_with(configure: impl FnOnce(ServiceConfig) -> ServiceConfig) -> Self {
        let tempdir = tempfile::tempdir().unwrap();
        let clock = Arc::new(ManualClock::new(DateTime::from_timestamp(1_800_000_000, 0).unwrap()));
        let mut svc = Self::start_configured(tempdir.path(), clock, configure).await;
        svc._tempdir = Some(tempdir);
        svc
    }

    pub async fn start_configured(
        dir: &Path,
        clock: Arc<ManualClock>,
        configure: impl FnOnce(ServiceConfig) -> ServiceConfig,
    ) -> Self {
        // reqwest is built without a default TLS provider: one crypto library, ring.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let config = ServiceConfig::new(dir).with_clock(clock.clone());
        let config = configure(crate::postgres::on_database_under_test(config, dir));
        let service = Service::open(config).unwrap();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let operator = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let operator_url = format!("http://{}", operator.local_addr().unwrap());
        let (stop, stopped) = oneshot::channel::<()>();
        let task = tokio::spawn(service.clone().serve(listener, Some(operator), async {
            let _ = stopped.await;
        }));
        Self {
            url,
            operator_url,
            token: service.operator_token().to_owned(),
            clock,
            service,
            client: reqwest::Client::new(),
            dir: dir.to_owned(),
            _tempdir: None,
            stop: Some(stop),
            task: Some(task),
        }
    }

    pub fn clock_now(&self) -> chrono::DateTime<chrono::Utc> {
        self.clock.now()
    }

    /// Stops gracefully and starts again on the same data folder.
    pub async fn restart(mut self) -> Self {
        let _ = self.stop.take().unwrap().send(());
        self.task.take().unwrap().await.unwrap().unwrap();
        let tempdir = self._tempdir.take();
        drop(self.service);
        let mut again = Self::start_in(&self.dir, self.clock.clone()).await;
        again._tempdir = tempdir;
        again
    }

    pub async fn call(
        &self,
        method: Method,
        path: &str,
        body: Option<&Value>,
        token: Option<&str>,
    ) -> (StatusCode, Value) {
        // The operator API has a listener of its own.
        let base = if path.starts_with("/operator/") { &self.operator_url } else { &self.url };
        let mut req = self.client.request(method, format!("{base}{path}"));
        if let Some(token) = token {
            req = req.bearer_auth(token);
        }
        if let Some(body) = body {
            req = req.json(body);
        }
        let resp = req.send().await.unwrap();
        let status = resp.status();
        let text = resp.text().await.unwrap();
        (status, serde_json::from_str(&text).unwrap_or(Value::Null))
    }

    pub async fn post(&self, path: &str, body: &Value) -> (StatusCode, Value) {
        self.call(Method::POST, path, Some(body), None).await
    }

    pub async fn operator_post(&self, path: &str, body: &Value) -> (StatusCode, Value) {
        self.call(Method::POST, path, Some(body), Some(&self.token)).await
    }

    pub async fn operator_get(&self, path: &str) -> (StatusCode, Value) {
        self.call(Method::GET, path, None, Some(&self.token)).await
    }

    pub async fn load_census(&self, records: Vec<Value>) {
        let (status, body) =
            self.operator_post("/operator/census", &json!({ "records": records })).await;
        assert_eq!(status, StatusCode::OK, "{body}");
    }

    /// A DNI citizen in the census, registered at an office.
    pub async fn registered_citizen(&self) {
        self.load_census(vec![dni_census()]).await;
        let mut reg = dni_claim();
        reg["mobile"] = json!("612 345 678");
        reg["email"] = json!("ana@example.es");
        let (status, body) = self.operator_post("/operator/citizens", &reg).await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
    }

    pub async fn sms_outbox(&self) -> Vec<Value> {
        let (status, body) = self.operator_get("/operator/outbox/sms").await;
        assert_eq!(status, StatusCode::OK);
        body["items"].as_array().unwrap().clone()
    }

    /// The 6-digit code in the latest SMS.
    pub async fn last_sms_code(&self) -> String {
        let sms = self.sms_outbox().await;
        let text = sms.last().unwrap()["text"].as_str().unwrap().to_owned();
        text.split(|c: char| !c.is_ascii_digit()).find(|w| w.len() == 6).unwrap().to_owned()
    }
}

/// A device as the core will be: its keys, and what activation gave it.
pub struct TestDevice {
    pub key: DeviceSigningKey,
    pub device_id: String,
    pub sealing_key: SealingKey,
}

impl TestDevice {
    /// Activates a new device for the DNI citizen, reading the code from the outbox,
    /// and confirms it with its first signed request, as the core does once its keys
    /// are stored.
    pub async fn activate(svc: &TestService) -> TestDevice {
        let device = Self::bind(svc).await;
        let (status, body) = device.request(svc, Method::GET, "/device/status", b"").await;
        assert_eq!(status, StatusCode::OK, "{body}");
        device
    }

    /// The activation round trip only: the device is bound but not yet confirmed.
    pub async fn bind(svc: &TestService) -> TestDevice {
        let (status, started) = svc.post("/device/activation", &dni_claim()).await;
        assert_eq!(status, StatusCode::CREATED, "{started}");
        let id = started["activation_id"].as_str().unwrap().to_owned();
        let code = svc.last_sms_code().await;
        let (device, status, body) = Self::complete(svc, &id, &code).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        device.unwrap()
    }

    /// Sends the completing request; the device only exists if it succeeded.
    pub async fn complete(
        svc: &TestService,
        activation_id: &str,
        code: &str,
    ) -> (Option<TestDevice>, StatusCode, Value) {
        let rng = SystemRandom::new();
        let key = DeviceSigningKey::generate(&rng).unwrap();
        let agreement = KeyAgreement::start(&rng).unwrap();
        let share = agreement.share().to_b64();
        let proof = key.sign(&activation_proof_input(activation_id, &share), &rng).unwrap();
        let body = json!({
            "code": code,
            "signing_key": key.public_key().to_b64(),
            "agreement_share": share,
            "proof": proof.to_b64(),
            "device_name": "Ana's phone",
            "device_model": "Pixel 8",
        });
        let (status, resp) =
            svc.post(&format!("/device/activation/{activation_id}/complete"), &body).await;
        if status != StatusCode::OK {
            return (None, status, resp);
        }
        let service_share =
            AgreementShare::from_b64(resp["service_share"].as_str().unwrap()).unwrap();
        let document = DocumentNumber::parse(resp["document"].as_str().unwrap()).unwrap();
        let public = key.public_key();
        let device_share = agreement.share();
        let transcript = ActivationTranscript {
            activation_id,
            document: &document,
            device_signing_key: &public,
            device_share: &device_share,
            service_share: &service_share,
        };
        let sealing_key = agreement.finish(&service_share, &transcript).unwrap();
        let confirmation = b64_decode(resp["key_confirmation"].as_str().unwrap()).unwrap();
        assert!(
            sealing_key.confirms(&transcript.hash(), &confirmation),
            "both sides derived one key"
        );
        let device_id = resp["device_id"].as_str().unwrap().to_owned();
        (Some(TestDevice { key, device_id, sealing_key }), status, resp)
    }

    pub fn sign(&self, svc: &TestService, method: &str, path: &str, body: &[u8]) -> SignedRequest {
        SignedRequest::sign(
            &self.key,
            &self.device_id,
            method,
            path,
            body,
            svc.clock.now(),
            &SystemRandom::new(),
        )
        .unwrap()
    }

    /// Sends a request with the given signature headers.
    pub async fn send(
        svc: &TestService,
        method: Method,
        path: &str,
        body: &[u8],
        signed: &SignedRequest,
    ) -> (StatusCode, Value, reqwest::header::HeaderMap) {
        let resp = svc
            .client
            .request(method, format!("{}{path}", svc.url))
            .header(HEADER_DEVICE, &signed.device_id)
            .header(HEADER_TIMESTAMP, signed.timestamp_ms.to_string())
            .header(HEADER_NONCE, &signed.nonce)
            .header(HEADER_SIGNATURE, signed.signature.to_b64())
            .header("content-type", "application/json")
            .body(body.to_vec())
            .send()
            .await
            .unwrap();
        let status = resp.status();
        let headers = resp.headers().clone();
        let text = resp.text().await.unwrap();
        (status, serde_json::from_str(&text).unwrap_or(Value::Null), headers)
    }

    /// A correctly signed request.
    pub async fn request(
        &self,
        svc: &TestService,
        method: Method,
        path: &str,
        body: &[u8],
    ) -> (StatusCode, Value) {
        let signed = self.sign(svc, method.as_str(), path, body);
        let (status, json, _) = Self::send(svc, method, path, body, &signed).await;
        (status, json)
    }
}

impl TestService {
    /// "Obtain PIN" for the DNI citizen, with extra fields (code, channel).
    pub async fn obtain_pin(&self, extra: Value) -> (StatusCode, Value) {
        let mut body = dni_claim();
        if let Value::Object(fields) = extra {
            for (k, v) in fields {
                body[k] = v;
            }
        }
        self.post("/portal/pin-requests", &body).await
    }

    /// "Access" with a code and PIN.
    pub async fn verify(&self, request_id: &str, code: &str, pin: &str) -> (StatusCode, Value) {
        self.post(
            &format!("/portal/pin-requests/{request_id}/verify"),
            &json!({ "code": code, "pin": pin }),
        )
        .await
    }

    /// The code and PIN in the latest SMS.
    pub async fn last_sms_pin(&self) -> (String, String) {
        let sms = self.sms_outbox().await;
        let text = sms.last().unwrap()["text"].as_str().unwrap().to_owned();
        let after = |label: &str| {
            let rest = text.split(label).nth(1).unwrap();
            rest.split([',', ' ']).find(|w| !w.is_empty()).unwrap().to_owned()
        };
        (after("código "), after("PIN "))
    }

    pub async fn push_outbox(&self) -> Vec<Value> {
        let (status, body) = self.operator_get("/operator/outbox/push").await;
        assert_eq!(status, StatusCode::OK);
        body["items"].as_array().unwrap().clone()
    }
}

impl TestDevice {
    /// Opens a pending PIN (from a pull, an event or a push) as the core will.
    pub fn open(&self, pending: &Value) -> PinEnvelope {
        let document = DocumentNumber::parse(DNI).unwrap();
        let expires_at = pending["expires_at"].as_str().unwrap().parse().unwrap();
        let context = SealingContext {
            device_id: &self.device_id,
            document: &document,
            request_id: pending["request_id"].as_str().unwrap(),
            expires_at,
        };
        let sealed = SealedPin::from_b64(pending["sealed"].as_str().unwrap()).unwrap();
        self.sealing_key.open(&context, &sealed).unwrap()
    }

    /// `GET /device/pins`.
    pub async fn pull(&self, svc: &TestService) -> Vec<Value> {
        let (status, body) = self.request(svc, Method::GET, "/device/pins", b"").await;
        assert_eq!(status, StatusCode::OK, "{body}");
        body["pins"].as_array().unwrap().clone()
    }

    pub async fn register_push(&self, svc: &TestService, platform: &str, token: &str) {
        let body = serde_json::to_vec(&json!({ "platform": platform, "token": token })).unwrap();
        let (status, resp) = self.request(svc, Method::PUT, "/device/push-token", &body).await;
        assert_eq!(status, StatusCode::NO_CONTENT, "{resp}");
    }
}

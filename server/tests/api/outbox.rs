//! The transactional outbox: what a gateway could not take is tried again later, once;
//! what it refused for good is not; a message queued in a refused request is not sent.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::TimeDelta;
use clavepin_server::{GatewayError, PushGateway, PushMessage, Sending, SmsGateway, SmsMessage};
use reqwest::StatusCode;

use crate::support::*;

/// A gateway that fails its first `failures` sends, then takes every message.
#[derive(Debug)]
struct Flaky {
    failures: Mutex<u32>,
    permanent: bool,
    taken: Mutex<Vec<String>>,
    tried: Mutex<u32>,
}

impl Flaky {
    fn new(failures: u32, permanent: bool) -> Arc<Self> {
        Arc::new(Self {
            failures: Mutex::new(failures),
            permanent,
            taken: Mutex::default(),
            tried: Mutex::default(),
        })
    }

    fn take(&self, what: String) -> Result<(), GatewayError> {
        *self.tried.lock().unwrap() += 1;
        let mut failures = self.failures.lock().unwrap();
        if *failures > 0 {
            *failures -= 1;
            return Err(if self.permanent {
                GatewayError::Refused("not a phone".into())
            } else {
                GatewayError::Unavailable("carrier down".into())
            });
        }
        self.taken.lock().unwrap().push(what);
        Ok(())
    }

    fn taken(&self) -> Vec<String> {
        self.taken.lock().unwrap().clone()
    }

    fn tried(&self) -> u32 {
        *self.tried.lock().unwrap()
    }
}

impl SmsGateway for Flaky {
    fn send<'a>(&'a self, message: &'a SmsMessage) -> Sending<'a> {
        let result = self.take(message.text.clone());
        Box::pin(async move { result })
    }
}

impl PushGateway for Flaky {
    fn send<'a>(&'a self, message: &'a PushMessage) -> Sending<'a> {
        let result = self.take(message.device_id.clone());
        Box::pin(async move { result })
    }
}

/// Waits (briefly, in real time) until `check` holds: the worker runs on its own task.
async fn eventually(check: impl Fn() -> bool) -> bool {
    for _ in 0..100 {
        if check() {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    check()
}

#[tokio::test]
async fn an_sms_the_gateway_could_not_take_is_sent_again_later_and_only_once() {
    let gateway = Flaky::new(1, false);
    let sms: Arc<dyn SmsGateway> = gateway.clone();
    let svc = TestService::start_with(|config| config.with_sms(sms)).await;
    svc.registered_citizen().await;
    let (status, _) = svc.post("/device/activation", &dni_claim()).await;
    assert_eq!(status, StatusCode::CREATED);
    // Queued in the same transaction, so the operator sees it at once.
    assert_eq!(svc.sms_outbox().await.len(), 1);
    assert!(eventually(|| gateway.tried() == 1).await, "the worker tried at once");
    assert!(gateway.taken().is_empty());
    // Not due again until its wait has passed on the service's clock.
    assert_eq!(svc.service.deliver().await.unwrap(), 0);
    svc.clock.advance(TimeDelta::seconds(3));
    assert!(eventually(|| gateway.taken().len() == 1).await, "sent on the next round");
    assert!(gateway.taken()[0].contains("código de activación"));
    svc.clock.advance(TimeDelta::minutes(10));
    assert_eq!(svc.service.deliver().await.unwrap(), 0, "delivered once");
    assert_eq!(gateway.taken().len(), 1);
}

#[tokio::test]
async fn a_push_the_gateway_refused_for_good_is_not_tried_again() {
    let gateway = Flaky::new(u32::MAX, true);
    let push: Arc<dyn PushGateway> = gateway.clone();
    let svc = TestService::start_with(|config| config.with_push(push)).await;
    svc.registered_citizen().await;
    let device = TestDevice::activate(&svc).await;
    device.register_push(&svc, "fcm", "token-1").await;
    let (status, _) = svc.obtain_pin(serde_json::json!({})).await;
    assert_eq!(status, StatusCode::CREATED);
    assert!(eventually(|| gateway.tried() == 1).await);
    // The device still gets its PIN: the pull and the direct channel do not need push.
    assert_eq!(device.pull(&svc).await.len(), 1);
    svc.clock.advance(TimeDelta::hours(1));
    svc.service.deliver().await.unwrap();
    assert_eq!(gateway.tried(), 1, "a refusal is final");
}

#[tokio::test]
async fn nothing_is_queued_by_a_request_that_was_refused() {
    let gateway = Flaky::new(0, false);
    let sms: Arc<dyn SmsGateway> = gateway.clone();
    let svc = TestService::start_with(|config| config.with_sms(sms)).await;
    svc.registered_citizen().await;
    let wrong = serde_json::json!({ "document": DNI, "contrast": { "kind": "dni_validity", "valid_until": "2031-01-31" } });
    let (status, _) = svc.post("/device/activation", &wrong).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    svc.service.deliver().await.unwrap();
    assert!(svc.sms_outbox().await.is_empty());
    assert_eq!(gateway.tried(), 0);
}

/// Every text column of the outboxes, as stored.
fn stored_texts(svc: &TestService) -> Vec<String> {
    if let Some(url) = crate::postgres::database_for(svc.service.data_dir()) {
        let sql = "SELECT text FROM sms_outbox UNION ALL SELECT text FROM letters";
        return crate::postgres::strings(&url, sql);
    }
    let db = svc.service.data_dir().join("clavepin.db");
    let conn =
        rusqlite::Connection::open_with_flags(&db, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
            .unwrap();
    let mut texts = Vec::new();
    for table in ["sms_outbox", "letters"] {
        let mut stmt = conn.prepare(&format!("SELECT text FROM {table}")).unwrap();
        texts.extend(stmt.query_map([], |r| r.get::<_, String>(0)).unwrap().map(|t| t.unwrap()));
    }
    texts
}

/// The database's bytes, its write-ahead log included.
fn raw_database(svc: &TestService) -> Vec<u8> {
    let dir = svc.service.data_dir();
    if let Some(url) = crate::postgres::database_for(dir) {
        // On PostgreSQL, every row of every table as text: where a secret kept in the
        // clear would show.
        let tables = crate::postgres::strings(
            &url,
            "SELECT table_name::text FROM information_schema.tables
             WHERE table_schema = current_schema()",
        );
        let rows = tables
            .iter()
            .flat_map(|t| crate::postgres::strings(&url, &format!("SELECT r::text FROM {t} r")));
        return rows.collect::<Vec<_>>().join("\n").into_bytes();
    }
    let mut bytes = std::fs::read(dir.join("clavepin.db")).unwrap();
    bytes.extend(std::fs::read(dir.join("clavepin.db-wal")).unwrap_or_default());
    bytes
}

#[tokio::test]
async fn codes_and_letters_wait_sealed_and_only_for_minutes() {
    let svc = TestService::start().await;
    svc.registered_citizen().await;
    svc.load_census(vec![nie_census()]).await;
    let nie = serde_json::json!({ "document": NIE, "contrast": { "kind": "nie_support", "support": "E12345678" } });
    let (status, _) = svc.post("/registration/invitation", &nie).await;
    assert_eq!(status, StatusCode::ACCEPTED);
    let (status, _) = svc.post("/device/activation", &dni_claim()).await;
    assert_eq!(status, StatusCode::CREATED);
    // The operator (standing in for the phone and the letterbox) reads them in full…
    let code = svc.last_sms_code().await;
    let (_, letters) = svc.operator_get("/operator/outbox/letters").await;
    let letter = letters["items"][0]["text"].as_str().unwrap().to_owned();
    let csv = letter.lines().find_map(|l| l.strip_prefix("CSV: ")).unwrap().to_owned();
    assert_eq!(csv.len(), 16);
    // …but the database holds neither in the clear, in any table or page.
    let texts = stored_texts(&svc);
    assert_eq!(texts.len(), 2);
    assert!(texts.iter().all(|t| t.starts_with("sealed:1:")), "{texts:?}");
    assert!(texts.iter().all(|t| !t.contains(&code) && !t.contains(&csv)));
    let raw = raw_database(&svc);
    assert!(!raw.windows(csv.len()).any(|w| w == csv.as_bytes()), "the CSV is on disk");
    // Fifteen minutes on, nothing is left of either.
    svc.clock.advance(TimeDelta::minutes(15));
    svc.service.prune().await.unwrap();
    assert!(svc.sms_outbox().await.is_empty());
    let (_, letters) = svc.operator_get("/operator/outbox/letters").await;
    assert_eq!(letters["items"].as_array().unwrap().len(), 0);
}

#[tokio::test]
async fn a_real_gateway_s_message_is_forgotten_once_taken() {
    let gateway = Flaky::new(0, false);
    let sms: Arc<dyn SmsGateway> = gateway.clone();
    let svc = TestService::start_with(|config| config.with_sms(sms)).await;
    svc.registered_citizen().await;
    let (status, _) = svc.post("/device/activation", &dni_claim()).await;
    assert_eq!(status, StatusCode::CREATED);
    assert!(eventually(|| gateway.taken().len() == 1).await);
    assert!(gateway.taken()[0].contains("código de activación"), "the gateway got the text");
    for _ in 0..50 {
        if stored_texts(&svc) == [String::new()] {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(stored_texts(&svc), [String::new()], "the text outlived its hand-over");
    let items = svc.sms_outbox().await;
    assert_eq!(items.len(), 1);
    assert_eq!(items[0]["text"], "");
}

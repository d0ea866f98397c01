//! Killed with SIGKILL at any moment, the service loses nothing it acknowledged and
//! leaves nothing half-written: 100 times, while clients register citizens, start
//! activations, obtain PINs and sign in with them, `clavepin serve` is killed at a
//! random instant and started again on the same data folder; each time it must open,
//! and everything it had answered "done" to must be there, exactly once.

use std::io::BufRead;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicI64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

/// What the service acknowledged, and what is still to be checked after a restart.
#[derive(Default)]
struct Acknowledged {
    /// Citizens registered (201), by index.
    registered: Vec<u32>,
    /// Citizens an activation was ever asked for: one each, so none supersedes another.
    activation_asked: Vec<u32>,
    /// Activations started (201): their ids.
    activations: Vec<String>,
    /// PIN requests created (201): id and code.
    requests: Vec<(String, String)>,
    /// PINs that signed in (200): request id, code, PIN.
    used: Vec<(String, String, String)>,
    /// Citizens who obtained a PIN: twice at most, under the push cap.
    obtained: Vec<u32>,
}

fn dni(i: u32) -> String {
    let number = 40_000_000 + i;
    let letter = b"TRWAGMYFPDXBNJZSQVHLCKE"[(number % 23) as usize] as char;
    format!("{number}{letter}")
}

fn claim(i: u32) -> Value {
    json!({ "document": dni(i), "contrast": { "kind": "dni_validity", "valid_until": "2030-01-31" } })
}

struct Running {
    child: Child,
    public: String,
    operator: String,
    token: String,
}

fn start(data: &std::path::Path) -> Running {
    let mut child = Command::new(env!("CARGO_BIN_EXE_clavepin"))
        .args(["serve", "--listen", "127.0.0.1:0", "--data"])
        .arg(data)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut lines = std::io::BufReader::new(child.stdout.take().unwrap()).lines();
    let mut line = || lines.next().expect("serve stopped before it listened").unwrap();
    let public = line().strip_prefix("clavepin service listening on ").unwrap().to_owned();
    let operator = line().strip_prefix("operator API on ").unwrap().to_owned();
    let token = std::fs::read_to_string(data.join("operator.token")).unwrap().trim().to_owned();
    // Its later lines must have somewhere to go: a closed pipe would stop it.
    std::thread::spawn(move || lines.for_each(drop));
    Running { child, public, operator, token }
}

impl Running {
    async fn call(&self, http: &reqwest::Client, path: &str, body: &Value) -> Option<(u16, Value)> {
        let operator = path.starts_with("/operator/");
        let base = if operator { &self.operator } else { &self.public };
        let mut req = http.post(format!("{base}{path}")).json(body);
        if operator {
            req = req.bearer_auth(&self.token);
        }
        let resp = req.send().await.ok()?;
        let status = resp.status().as_u16();
        Some((status, resp.json().await.ok()?))
    }

    async fn get(&self, http: &reqwest::Client, path: &str) -> Value {
        let resp = http
            .get(format!("{}{path}", self.operator))
            .bearer_auth(&self.token)
            .send()
            .await
            .unwrap();
        resp.json().await.unwrap()
    }
}

/// A small deterministic generator: a failure can be replayed from its seed.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n
    }
}

/// The clients' work, until a request fails because the service is gone.
async fn work(
    svc: Arc<Running>,
    ack: Arc<Mutex<Acknowledged>>,
    next: Arc<Mutex<u32>>,
    killed: Arc<AtomicBool>,
    role: u8,
) {
    let http = reqwest::Client::new();
    while !killed.load(Ordering::SeqCst) {
        let done = match role {
            0 => {
                let i = {
                    let mut n = next.lock().unwrap();
                    *n += 1;
                    *n
                };
                let record = json!({ "records": [{ "document": dni(i), "full_name": "Crash Test",
                    "birth_date": "1990-01-01", "contrast": claim(i)["contrast"],
                    "fiscal_address": "Calle 1" }] });
                let Some((200, _)) = svc.call(&http, "/operator/census", &record).await else {
                    return;
                };
                let mut body = claim(i);
                body["mobile"] = json!("612345678");
                body["email"] = json!("c@example.es");
                match svc.call(&http, "/operator/citizens", &body).await {
                    Some((201, _)) => ack.lock().unwrap().registered.push(i),
                    _ => return,
                }
                true
            }
            1 => {
                let free = {
                    let mut a = ack.lock().unwrap();
                    let free = a.registered.iter().find(|i| !a.activation_asked.contains(i));
                    let free = free.copied();
                    a.activation_asked.extend(free);
                    free
                };
                let Some(i) = free else {
                    continue_later().await;
                    continue;
                };
                match svc.call(&http, "/device/activation", &claim(i)).await {
                    Some((201, body)) => {
                        let id = body["activation_id"].as_str().unwrap().to_owned();
                        ack.lock().unwrap().activations.push(id);
                        true
                    }
                    Some((status, body)) => panic!("activation refused: {status} {body}"),
                    None => return,
                }
            }
            _ => {
                let free = {
                    let mut a = ack.lock().unwrap();
                    let count = |i: &u32| a.obtained.iter().filter(|o| *o == i).count();
                    let free = a.registered.iter().rev().find(|i| count(i) < 2).copied();
                    a.obtained.extend(free);
                    free
                };
                let Some(i) = free else {
                    continue_later().await;
                    continue;
                };
                // Codes are random: an older SMS may carry the same one, so look only at
                // what was sent after this point.
                let from = SMS_SEEN.load(Ordering::SeqCst);
                let Some((status, created)) =
                    svc.call(&http, "/portal/pin-requests", &claim(i)).await
                else {
                    return;
                };
                assert_eq!(status, 201, "{created}");
                let id = created["request_id"].as_str().unwrap().to_owned();
                let code = created["code"].as_str().unwrap().to_owned();
                ack.lock().unwrap().requests.push((id.clone(), code.clone()));
                // The PIN went by SMS (no app): read it where the embedded gateway put it.
                let Some(pin) = sms_pin(&svc, &http, &code, from).await else { return };
                let verify = json!({ "code": code, "pin": pin });
                match svc.call(&http, &format!("/portal/pin-requests/{id}/verify"), &verify).await {
                    Some((200, _)) => ack.lock().unwrap().used.push((id, code, pin)),
                    Some((status, body)) => panic!("verify refused: {status} {body}"),
                    None => return,
                }
                true
            }
        };
        if !done {
            return;
        }
    }
}

async fn continue_later() {
    tokio::time::sleep(Duration::from_millis(5)).await;
}

/// The PIN of the SMS that carries `code`, once the worker has handed it over.
/// The id of an SMS every task has seen go by: one sent after it is newer than any
/// request made before it was read.
static SMS_SEEN: AtomicI64 = AtomicI64::new(0);

async fn sms_pin(svc: &Running, http: &reqwest::Client, code: &str, from: i64) -> Option<String> {
    let marker = format!("código {code}, PIN ");
    let mut after = from;
    for _ in 0..200 {
        let resp = http
            .get(format!("{}/operator/outbox/sms?after={after}", svc.operator))
            .bearer_auth(&svc.token)
            .send()
            .await
            .ok()?;
        let outbox: Value = resp.json().await.ok()?;
        let items = outbox["items"].as_array()?;
        for sms in items {
            let text = sms["text"].as_str().unwrap_or_default();
            if let Some(rest) = text.split(&marker).nth(1) {
                SMS_SEEN.fetch_max(sms["id"].as_i64()?, Ordering::SeqCst);
                return Some(rest.chars().take(3).collect());
            }
        }
        match items.last() {
            Some(last) => after = last["id"].as_i64()?,
            None => tokio::time::sleep(Duration::from_millis(10)).await,
        }
    }
    None
}

/// Everything acknowledged since the last check is there, once.
async fn check(svc: &Running, ack: &Acknowledged, from: &Checked) {
    let http = reqwest::Client::new();
    let mut citizens = Vec::new();
    let mut after = String::new();
    loop {
        let page = svc.get(&http, &format!("/operator/citizens?after={after}")).await;
        let items = page["items"].as_array().unwrap().clone();
        let Some(last) = items.last() else { break };
        after = last["document"].as_str().unwrap().to_owned();
        citizens.extend(items.iter().map(|c| c["document"].as_str().unwrap().to_owned()));
    }
    for i in &ack.registered {
        assert!(citizens.contains(&dni(*i)), "registered citizen {} lost", dni(*i));
    }
    for id in &ack.activations[from.activations..] {
        // A wrong code: counted against a live attempt, unknown only if it was lost.
        let body =
            json!({ "code": "000000", "signing_key": "x", "agreement_share": "x", "proof": "x" });
        let (status, answer) =
            svc.call(&http, &format!("/device/activation/{id}/complete"), &body).await.unwrap();
        assert_ne!(answer["error"], "unknown_activation", "activation {id} lost ({status})");
    }
    for (id, code) in &ack.requests[from.requests..] {
        let probe = json!({ "code": code, "pin": "zzz" });
        let path = format!("/portal/pin-requests/{id}/verify");
        let (_, answer) = svc.call(&http, &path, &probe).await.unwrap();
        assert_ne!(answer["error"], "unknown_pin_request", "PIN request {id} lost");
    }
    for (id, code, pin) in &ack.used[from.used..] {
        let again = json!({ "code": code, "pin": pin });
        let path = format!("/portal/pin-requests/{id}/verify");
        let (status, answer) = svc.call(&http, &path, &again).await.unwrap();
        assert_eq!((status, answer["error"].as_str()), (410, Some("pin_used")), "{id}");
    }
}

/// How far each list had been checked.
#[derive(Default, Clone, Copy)]
struct Checked {
    activations: usize,
    requests: usize,
    used: usize,
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn killed_a_hundred_times_the_service_loses_nothing_it_acknowledged() {
    // reqwest is built without a default TLS provider: one crypto library, ring.
    let _ = rustls::crypto::ring::default_provider().install_default();
    let data = tempfile::tempdir().unwrap();
    let ack = Arc::new(Mutex::new(Acknowledged::default()));
    let next = Arc::new(Mutex::new(0u32));
    let seed = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap();
    let seed = seed.as_nanos() as u64 | 1;
    let mut rng = Rng(seed);
    let mut checked = Checked::default();
    let started = Instant::now();
    for round in 0..100 {
        let svc = Arc::new(start(data.path()));
        {
            let snapshot = std::mem::take(&mut *ack.lock().unwrap());
            check(&svc, &snapshot, &checked).await;
            checked = Checked {
                activations: snapshot.activations.len(),
                requests: snapshot.requests.len(),
                used: snapshot.used.len(),
            };
            *ack.lock().unwrap() = snapshot;
        }
        let killed = Arc::new(AtomicBool::new(false));
        let clients: Vec<_> = (0..3u8)
            .map(|role| {
                let (svc, ack, next, killed) =
                    (svc.clone(), ack.clone(), next.clone(), killed.clone());
                tokio::spawn(work(svc, ack, next, killed, role))
            })
            .collect();
        // Killed at a random instant, mid-request as likely as not.
        tokio::time::sleep(Duration::from_millis(20 + rng.below(180))).await;
        let pid = svc.child.id().to_string();
        assert!(Command::new("kill").args(["-KILL", &pid]).status().unwrap().success());
        killed.store(true, Ordering::SeqCst);
        for client in clients {
            client.await.unwrap_or_else(|e| panic!("round {round} (seed {seed}): {e}"));
        }
        let mut svc = Arc::into_inner(svc).expect("every client let go");
        svc.child.wait().unwrap();
    }
    let svc = start(data.path());
    let all = std::mem::take(&mut *ack.lock().unwrap());
    check(&svc, &all, &Checked::default()).await;
    let mut svc = svc;
    svc.child.kill().unwrap();
    svc.child.wait().unwrap();
    // The run did real work: killed mid-stream, it still registered and signed in.
    assert!(all.registered.len() >= 100, "{} registered", all.registered.len());
    assert!(!all.activations.is_empty() && !all.used.is_empty());
    eprintln!(
        "100 kills in {:?}: {} citizens, {} activations, {} PIN requests, {} sign-ins acknowledged",
        started.elapsed(),
        all.registered.len(),
        all.activations.len(),
        all.requests.len(),
        all.used.len()
    );
}

/// The desktop companion's store, killed while it receives PINs: 30 times `device
/// watch` is killed at a random instant while PINs for its citizens are issued; the
/// store must open every time, and in the end every PIN issued is in its history,
/// once.
#[test]
fn the_device_store_killed_while_receiving_pins_loses_and_repeats_none() {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let served = crate::served::Served::start();
    let device_dir = tempfile::tempdir().unwrap();
    let device = |args: &[&str]| served.device(device_dir.path()).args(args).output().unwrap();
    // Four citizens on one device: the push cap (5 per citizen per 10 minutes) then
    // allows 20 PINs.
    let citizens: Vec<u32> = (1..=4).collect();
    for &i in &citizens {
        let document = dni(10_000 + i);
        let add = ["census", "add", "--document", &document, "--valid-until", "31/01/2030"];
        let who = ["--name", "Crash", "--birth-date", "01/01/1990", "--address", "Calle 1"];
        crate::ok(served.admin(&[&add[..], &who[..]].concat()));
        let register = ["register", "--document", &document, "--valid-until", "31/01/2030"];
        let contact = ["--mobile", "612345678", "--email", "c@example.es"];
        crate::ok(served.admin(&[&register[..], &contact[..]].concat()));
        device(&["activate", "--document", &document, "--valid-until", "31/01/2030"]);
        let code = served.last_sms_code();
        let done =
            device(&["activate", "--document", &document, "--code", &code, "--pattern", "1-2-3-6"]);
        assert!(done.status.success(), "{}", String::from_utf8_lossy(&done.stderr));
    }
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let http = reqwest::Client::new();
    let obtain = |i: u32| {
        let body = claim(10_000 + i);
        let url = format!("{}/portal/pin-requests", served.url);
        runtime.block_on(async {
            let resp = http.post(&url).json(&body).send().await.unwrap();
            assert_eq!(resp.status().as_u16(), 201);
            let created: Value = resp.json().await.unwrap();
            created["request_id"].as_str().unwrap().to_owned()
        })
    };
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let mut issued = Vec::new();
    for round in 0..30 {
        let i = citizens[rng.below(4) as usize];
        let document = dni(10_000 + i);
        let mut watching = served
            .device(device_dir.path())
            .args(["watch", "--json", "--document", &document, "--pattern", "1-2-3-6"])
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        // Two of three rounds issue a PIN while it watches, as long as the cap allows.
        if rng.below(3) < 2 && issued.len() < 20 {
            let next = citizens
                .iter()
                .copied()
                .find(|c| issued.iter().filter(|(who, _)| who == c).count() < 5);
            if let Some(c) = next {
                issued.push((c, obtain(c)));
            }
        }
        std::thread::sleep(Duration::from_millis(50 + rng.below(600)));
        watching.kill().unwrap();
        let status = watching.wait().unwrap();
        assert!(!status.success(), "round {round}: watch ended by itself");
    }
    // Every PIN reaches the store once it is opened again, and none twice.
    for &i in &citizens {
        let document = dni(10_000 + i);
        let pulled =
            device(&["watch", "--once", "--json", "--document", &document, "--pattern", "1-2-3-6"]);
        assert!(pulled.status.success(), "{}", String::from_utf8_lossy(&pulled.stderr));
    }
    let history: Value = serde_json::from_str(&crate::ok(device(&["history", "--json"]))).unwrap();
    let mut held: Vec<String> = history
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["request_id"].as_str().unwrap().to_owned())
        .collect();
    held.sort();
    // What the device acknowledged the service never sends again: it must be held. A
    // PIN replaced before the device fetched it is never sent, and is not expected.
    let db = rusqlite::Connection::open_with_flags(
        served.data.path().join("clavepin.db"),
        rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY,
    )
    .unwrap();
    let mut acked: Vec<String> = db
        .prepare("SELECT id FROM pin_requests WHERE delivered_at IS NOT NULL ORDER BY id")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    acked.sort();
    assert!(issued.len() >= 15, "only {} PINs issued", issued.len());
    assert!(acked.len() >= 4, "the last PIN of each citizen, at least: {acked:?}");
    assert_eq!(held, acked, "the store lost, or holds unacknowledged, PINs");
    assert!(issued.iter().all(|(_, id)| !held.contains(id) || acked.contains(id)));
    assert!(served.stop().success());
}

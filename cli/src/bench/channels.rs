//! Open direct channels: what each costs the service, and how fast a PIN still
//! arrives while thousands are open (SPEC.md: 50,000 or more, under 10 KiB each;
//! portal → device p99 under 10 ms).
//!
//! The service runs as its own `clavepin serve` process, so its memory is its own
//! (the resident set read from `/proc`), and each side has the machine's whole
//! open-file limit for its half of the connections. Every channel is a different
//! device, activated the way an app does (SMS code, signing key, key agreement), so
//! each PIN is for one channel only.

use std::io::BufRead;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use clavepin_protocol::crypto::{DeviceSigningKey, KeyAgreement, SignedRequest};
use clavepin_protocol::wire::{
    HEADER_DEVICE, HEADER_NONCE, HEADER_SIGNATURE, HEADER_TIMESTAMP, activation_proof_input,
};
use ring::rand::SystemRandom;
use serde_json::{Value, json};
use tokio::sync::mpsc;

use super::{CONTRAST, dni, err};

/// What the benchmark found.
#[derive(Debug)]
pub struct Channels {
    pub open: usize,
    pub kib_each: f64,
    pub p50_ms: f64,
    pub p99_ms: f64,
}

/// `clavepin serve` in a folder of its own, stopped on drop.
pub struct Served {
    child: Child,
    pub url: String,
    pub operator: String,
    pub token: String,
    _dir: tempfile::TempDir,
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Where several instances keep their data: one database, one key file.
pub struct Shared<'a> {
    pub database: &'a clavepin_server::DatabaseUrl,
    pub keys: &'a std::path::Path,
}

impl Served {
    /// An instance that accepts `channels` channels and then some; on its own SQLite
    /// file, or on `shared`.
    pub fn start(channels: usize, shared: Option<&Shared<'_>>) -> Result<Served, String> {
        let dir = tempfile::tempdir().map_err(err)?;
        let caps = (channels + 1_000).to_string();
        let mut command = Command::new(std::env::current_exe().map_err(err)?);
        command
            .args(["serve", "--listen", "127.0.0.1:0", "--max-connections", &caps])
            .args(["--max-connections-per-address", &caps])
            .arg("--data")
            .arg(dir.path().join("svc"));
        if let Some(shared) = shared {
            command
                .env("CLAVEPIN_DATABASE_URL", shared.database.as_str())
                .arg("--keys")
                .arg(shared.keys);
        }
        let mut child =
            command.stdout(Stdio::piped()).stderr(Stdio::null()).spawn().map_err(err)?;
        let mut lines = std::io::BufReader::new(child.stdout.take().ok_or("no stdout")?).lines();
        let mut url = None;
        let mut operator = None;
        while url.is_none() || operator.is_none() {
            let line = lines.next().ok_or("clavepin serve did not start")?.map_err(err)?;
            if let Some(u) = line.strip_prefix("clavepin service listening on ") {
                url = Some(u.to_owned());
            } else if let Some(u) = line.strip_prefix("operator API on ") {
                operator = Some(u.to_owned());
            }
        }
        // Whatever it prints later is read and dropped: a closed pipe would stop it.
        std::thread::spawn(move || lines.for_each(drop));
        let token = std::fs::read_to_string(dir.path().join("svc").join("operator.token"))
            .map_err(err)?
            .trim()
            .to_owned();
        Ok(Served {
            child,
            url: url.unwrap_or_default(),
            operator: operator.unwrap_or_default(),
            token,
            _dir: dir,
        })
    }

    /// The service process's resident memory, bytes.
    fn resident(&self) -> Result<u64, String> {
        let status =
            std::fs::read_to_string(format!("/proc/{}/status", self.child.id())).map_err(err)?;
        let kib = status
            .lines()
            .find_map(|l| l.strip_prefix("VmRSS:"))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
            .ok_or("no VmRSS")?;
        Ok(kib * 1024)
    }
}

/// How many channels this machine's open-file limit leaves room for (each process
/// holds one end of each), keeping some for the database, listeners and the rest.
pub fn most_channels() -> usize {
    let limit = std::fs::read_to_string("/proc/self/limits")
        .ok()
        .and_then(|text| {
            text.lines()
                .find(|l| l.starts_with("Max open files"))
                .and_then(|l| l.split_whitespace().nth(3).and_then(|v| v.parse::<usize>().ok()))
        })
        .unwrap_or(1024);
    limit.saturating_sub(300)
}

struct Activated {
    key: DeviceSigningKey,
    device_id: String,
}

/// Runs `f` over `0..count`, `concurrency` at a time, each client taking the next.
async fn each<T, F, Fut>(count: usize, concurrency: usize, f: F) -> Result<Vec<T>, String>
where
    F: Fn(usize) -> Fut,
    Fut: std::future::Future<Output = Result<T, String>>,
{
    let next = AtomicUsize::new(0);
    let clients = (0..concurrency).map(|_| async {
        let mut done = Vec::new();
        loop {
            let i = next.fetch_add(1, Ordering::Relaxed);
            if i >= count {
                return Ok::<_, String>(done);
            }
            done.push((i, f(i).await?));
        }
    });
    let mut all: Vec<(usize, T)> = Vec::with_capacity(count);
    for done in futures_util::future::join_all(clients).await {
        all.extend(done?);
    }
    all.sort_by_key(|(i, _)| *i);
    Ok(all.into_iter().map(|(_, t)| t).collect())
}

/// Opens `count` channels, measures them, and times `samples` PINs to them. With
/// `across`, two instances share that database: the channels are open on the
/// second, the PINs obtained through the first.
pub async fn measure(
    count: usize,
    samples: usize,
    across: Option<&Shared<'_>>,
) -> Result<Channels, String> {
    let served = Served::start(count, across)?;
    let holding = match across {
        Some(shared) => Some(Served::start(count, Some(shared))?),
        None => None,
    };
    let channels_on = holding.as_ref().unwrap_or(&served);
    let http = reqwest::Client::builder().pool_max_idle_per_host(64).build().map_err(err)?;
    let post = |base: &str, path: &str, body: Value, operator: bool| {
        let mut req = http.post(format!("{base}{path}")).json(&body);
        if operator {
            req = req.bearer_auth(&served.token);
        }
        async move {
            let resp = req.send().await.map_err(err)?;
            let status = resp.status().as_u16();
            Ok::<_, String>((status, resp.json::<Value>().await.unwrap_or(Value::Null)))
        }
    };
    let contrast: Value = serde_json::from_str(CONTRAST).map_err(err)?;
    let offset = 1_000_000;
    for chunk in (0..count).collect::<Vec<_>>().chunks(200) {
        let records: Vec<Value> = chunk
            .iter()
            .map(|&i| json!({ "document": dni(offset + i), "full_name": "Bench", "birth_date": "1990-01-01", "contrast": contrast, "fiscal_address": "Calle 1" }))
            .collect();
        let (status, body) =
            post(&served.operator, "/operator/census", json!({ "records": records }), true).await?;
        if status != 200 {
            return Err(format!("census: {body}"));
        }
    }
    let mobile = |i: usize| format!("+3461{i:07}");
    each(count, 64, |i| {
        let body = json!({ "document": dni(offset + i), "contrast": contrast, "mobile": mobile(i), "email": "b@example.es" });
        let call = post(&served.operator, "/operator/citizens", body, true);
        async move {
            match call.await? {
                (201, _) => Ok(()),
                (_, body) => Err(format!("registration: {body}")),
            }
        }
    })
    .await?;
    let started: Vec<String> = each(count, 64, |i| {
        let call = post(
            &served.url,
            "/device/activation",
            json!({ "document": dni(offset + i), "contrast": contrast }),
            false,
        );
        async move {
            match call.await? {
                (201, body) => Ok(body["activation_id"].as_str().unwrap_or_default().to_owned()),
                (_, body) => Err(format!("activation: {body}")),
            }
        }
    })
    .await?;
    let codes = sms_codes(&http, &served).await?;
    let rng = SystemRandom::new();
    let devices: Vec<Activated> = each(count, 64, |i| {
        let id = started[i].clone();
        let code = codes.get(&mobile(i)).cloned().unwrap_or_default();
        let made = (|| {
            let key = DeviceSigningKey::generate(&rng).map_err(err)?;
            let share = KeyAgreement::start(&rng).map_err(err)?.share().to_b64();
            let proof = key.sign(&activation_proof_input(&id, &share), &rng).map_err(err)?;
            let body = json!({ "code": code, "signing_key": key.public_key().to_b64(),
                               "agreement_share": share, "proof": proof.to_b64() });
            Ok::<_, String>((key, body))
        })();
        let served = &served;
        let post = &post;
        async move {
            let (key, body) = made?;
            let path = format!("/device/activation/{id}/complete");
            match post(&served.url, &path, body, false).await? {
                (200, body) => Ok(Activated {
                    key,
                    device_id: body["device_id"].as_str().unwrap_or_default().to_owned(),
                }),
                (_, body) => Err(format!("activation: {body}")),
            }
        }
    })
    .await?;

    let before = channels_on.resident()?;
    let (arrived, mut arrivals) = mpsc::unbounded_channel::<(usize, Instant)>();
    let opened = Arc::new(AtomicUsize::new(0));
    let streams = each(count, 256, |i| {
        let device = &devices[i];
        let now = chrono::Utc::now();
        let signed = SignedRequest::sign(
            &device.key,
            &device.device_id,
            "GET",
            "/device/events",
            b"",
            now,
            &rng,
        );
        let req = http.get(format!("{}/device/events", channels_on.url));
        let arrived = arrived.clone();
        let opened = opened.clone();
        async move {
            let signed = signed.map_err(err)?;
            let mut resp = req
                .header(HEADER_DEVICE, &signed.device_id)
                .header(HEADER_TIMESTAMP, signed.timestamp_ms.to_string())
                .header(HEADER_NONCE, &signed.nonce)
                .header(HEADER_SIGNATURE, signed.signature.to_b64())
                .send()
                .await
                .map_err(err)?;
            if !resp.status().is_success() {
                return Err(format!("channel refused: {}", resp.status()));
            }
            opened.fetch_add(1, Ordering::Relaxed);
            Ok(tokio::spawn(async move {
                while let Ok(Some(chunk)) = resp.chunk().await {
                    if chunk.windows(10).any(|w| w == b"event: pin") {
                        let _ = arrived.send((i, Instant::now()));
                    }
                }
            }))
        }
    })
    .await?;
    // Let the service settle (the first keep-alive, buffers grown to their size).
    tokio::time::sleep(Duration::from_secs(2)).await;
    let after = channels_on.resident()?;
    let open = opened.load(Ordering::Relaxed);
    let kib_each = after.saturating_sub(before) as f64 / open.max(1) as f64 / 1024.0;

    let mut latencies = Vec::with_capacity(samples);
    for s in 0..samples {
        let i = (s * 7919) % count;
        let body = json!({ "document": dni(offset + i), "contrast": contrast });
        let sent = Instant::now();
        let (status, created) = post(&served.url, "/portal/pin-requests", body, false).await?;
        if status != 201 || created["channel"] != "app" {
            return Err(format!("obtain for a channel's citizen: {created}"));
        }
        loop {
            let (who, at) = tokio::time::timeout(Duration::from_secs(5), arrivals.recv())
                .await
                .map_err(|_| "a PIN did not reach its open channel within 5 s")?
                .ok_or("channels closed")?;
            if who == i {
                latencies.push(at.duration_since(sent).as_secs_f64() * 1000.0);
                break;
            }
        }
    }
    for stream in streams {
        stream.abort();
    }
    latencies.sort_by(f64::total_cmp);
    let at = |q: f64| latencies[((latencies.len() as f64 - 1.0) * q).round() as usize];
    Ok(Channels { open, kib_each, p50_ms: at(0.5), p99_ms: at(0.99) })
}

/// The 6-digit code sent to each number, from the service's SMS outbox.
async fn sms_codes(
    http: &reqwest::Client,
    served: &Served,
) -> Result<std::collections::HashMap<String, String>, String> {
    let all = super::sms_outbox(http, &served.operator, &served.token).await?;
    let mut codes = std::collections::HashMap::new();
    for sms in &all {
        let text = sms["text"].as_str().unwrap_or_default();
        if let Some(code) = text.split(|c: char| !c.is_ascii_digit()).find(|w| w.len() == 6) {
            codes.insert(sms["to"].as_str().unwrap_or_default().to_owned(), code.to_owned());
        }
    }
    Ok(codes)
}

//! `clavepin bench`: SPEC.md's numbers, measured. The service runs in-process on
//! loopback with its SQLite file in a temporary folder; its clock is a manual one so
//! the push cap can be stepped past between latency samples (timings are wall-clock).

mod channels;

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use chrono::{DateTime, NaiveDate, TimeDelta};
use clavepin_core::store::FileKeyStore;
use clavepin_core::{ChannelListener, ChannelStatus, Device, DeviceConfig, Pattern, ReceivedPin};
use clavepin_protocol::identity::control_letter;
use clavepin_protocol::wire::{PendingPin, PushPlatform};
use clavepin_protocol::{ManualClock, Timestamp};
use clavepin_server::{PushTarget, Service, ServiceConfig};
use serde::Serialize;
use serde_json::{Value, json};
use tokio::sync::mpsc;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Print one JSON document instead of the table.
    #[arg(long)]
    json: bool,
    /// Obtain-PIN + verify pairs for the throughput benchmark.
    #[arg(long, default_value_t = 3000)]
    pairs: usize,
    /// Concurrent clients for the throughput benchmark.
    #[arg(long, default_value_t = 64)]
    concurrency: usize,
    /// Obtain-PIN + verify pairs made one at a time (a single client).
    #[arg(long, default_value_t = 1000)]
    sequential_pairs: usize,
    /// Latency samples (portal → screen model).
    #[arg(long, default_value_t = 200)]
    samples: usize,
    /// Direct channels to open for the memory and latency benchmark (each a device
    /// of its own, against a `clavepin serve` process) [default: as many as the
    /// open-file limit allows]; 0 skips it.
    #[arg(long)]
    channels: Option<usize>,
    /// Also measure PostgreSQL, in fresh schemas of this database (`postgres://…`):
    /// obtain + verify on one `clavepin serve` instance and on two sharing it, and a
    /// PIN's way to a channel open on the other instance.
    #[arg(long, env = "CLAVEPIN_BENCH_DATABASE", value_name = "URL", hide_env_values = true)]
    postgres: Option<String>,
    /// The mobile library to measure [default: target/mobile/libclavepin_ffi.so, from scripts/build-mobile-lib.sh].
    #[arg(long)]
    library: Option<PathBuf>,
}

/// One measured number.
#[derive(Debug, Serialize)]
struct Measure {
    name: &'static str,
    value: f64,
    unit: &'static str,
    aim: &'static str,
    meets: Option<bool>,
}

fn measure(
    name: &'static str,
    value: f64,
    unit: &'static str,
    aim: &'static str,
    meets: Option<bool>,
) -> Measure {
    Measure { name, value, unit, aim, meets }
}

pub fn run(args: Args) -> ExitCode {
    let runtime =
        match tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build() {
            Ok(rt) => rt,
            Err(e) => {
                eprintln!("clavepin bench: {e}");
                return ExitCode::FAILURE;
            }
        };
    match runtime.block_on(all(&args)) {
        Ok(measures) => {
            report(&measures, args.json);
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("clavepin bench: {e}");
            ExitCode::FAILURE
        }
    }
}

pub(super) fn err(e: impl std::fmt::Display) -> String {
    e.to_string()
}

async fn all(args: &Args) -> Result<Vec<Measure>, String> {
    let bench = Bench::start().await?;
    let mut out = Vec::new();
    let concurrent = args.pairs.max(10);
    let pairs = bench.throughput(0, concurrent, args.concurrency.max(1)).await?;
    out.push(measure(
        "obtain_verify_pairs_per_second",
        pairs,
        "pairs/s",
        ">= 25000 at 64 concurrent",
        Some(pairs >= 25_000.0),
    ));
    let one = bench.throughput(concurrent, args.sequential_pairs.max(10), 1).await?;
    out.push(measure(
        "obtain_verify_pairs_per_second_one_at_a_time",
        one,
        "pairs/s",
        ">= 6000",
        Some(one >= 6_000.0),
    ));
    let open = args.channels.unwrap_or_else(channels::most_channels);
    if open > 0 {
        let c = channels::measure(open, args.samples.max(10), None).await?;
        out.push(measure(
            "direct_channels_open",
            c.open as f64,
            "channels",
            "as many as the open-file limit allows (50,000 or more)",
            None,
        ));
        out.push(measure(
            "direct_channel_memory_each",
            c.kib_each,
            "KiB",
            "< 10",
            Some(c.kib_each < 10.0),
        ));
        out.push(measure("pin_to_open_channel_p50", c.p50_ms, "ms", "", None));
        out.push(measure(
            "pin_to_open_channel_p99",
            c.p99_ms,
            "ms",
            "< 10 with them all open",
            Some(c.p99_ms < 10.0),
        ));
    }
    if let Some(url) = &args.postgres {
        out.extend(postgres(args, url, concurrent, open).await?);
    }
    let (p50, p99) = bench.latency(args.samples.max(10)).await?;
    out.push(measure("portal_to_screen_p50", p50, "ms", "", None));
    out.push(measure("portal_to_screen_p99", p99, "ms", "< 10", Some(p99 < 10.0)));
    let startup = bench.startup()?;
    out.push(measure("core_startup_to_screen_median", startup, "ms", "< 5", Some(startup < 5.0)));
    let stretch = pattern_stretch_ms()?;
    out.push(measure("pattern_stretch_600k", stretch, "ms", "calibration", None));
    let (fcm, apns) = push_payload_sizes();
    out.push(measure("push_payload_fcm", fcm as f64, "bytes", "well under 4096", Some(fcm < 1024)));
    out.push(measure(
        "push_payload_apns",
        apns as f64,
        "bytes",
        "well under 4096",
        Some(apns < 1024),
    ));
    let library =
        args.library.clone().unwrap_or_else(|| PathBuf::from("target/mobile/libclavepin_ffi.so"));
    if let Some(size) = stripped_size(&library) {
        out.push(measure(
            "mobile_library_stripped",
            size as f64 / 1_048_576.0,
            "MiB",
            "< 4",
            Some(size < 4 * 1_048_576),
        ));
    }
    Ok(out)
}

/// Most channels held open for the latency across instances: it is the hop between
/// instances that is measured here; the cost of many channels is measured above.
const CHANNELS_ACROSS: usize = 2_000;

/// The PostgreSQL measures: each on `clavepin serve` processes, in a fresh schema.
async fn postgres(
    args: &Args,
    url: &str,
    pairs: usize,
    open: usize,
) -> Result<Vec<Measure>, String> {
    let base = clavepin_server::DatabaseUrl::parse(url).map_err(err)?;
    let keys = tempfile::tempdir().map_err(err)?;
    let concurrency = args.concurrency.max(1);
    let mut out = Vec::new();
    for instances in [1, 2] {
        let database = base.in_fresh_schema("bench").map_err(err)?;
        let key_file = keys.path().join(format!("keys-{instances}"));
        let shared = channels::Shared { database: &database, keys: &key_file };
        let served = (0..instances)
            .map(|_| channels::Served::start(concurrency, Some(&shared)))
            .collect::<Result<Vec<_>, _>>()?;
        let bench = Bench::of(&served)?;
        let rate = bench.throughput(0, pairs, concurrency).await?;
        out.push(if instances == 1 {
            measure(
                "obtain_verify_pairs_per_second_postgres_one_instance",
                rate,
                "pairs/s",
                "",
                None,
            )
        } else {
            measure(
                "obtain_verify_pairs_per_second_postgres_two_instances",
                rate,
                "pairs/s",
                ">= 5000 at 64 concurrent",
                Some(rate >= 5_000.0),
            )
        });
    }
    // At least one channel per sample: the push cap allows 5 PINs per citizen.
    let count = open.clamp(args.samples.max(10), CHANNELS_ACROSS);
    let database = base.in_fresh_schema("bench").map_err(err)?;
    let key_file = keys.path().join("keys-across");
    let shared = channels::Shared { database: &database, keys: &key_file };
    let c = channels::measure(count, args.samples.max(10), Some(&shared)).await?;
    out.push(measure("channels_open_across_instances", c.open as f64, "channels", "", None));
    out.push(measure("pin_to_channel_across_instances_p50", c.p50_ms, "ms", "", None));
    out.push(measure(
        "pin_to_channel_across_instances_p99",
        c.p99_ms,
        "ms",
        "< 10",
        Some(c.p99_ms < 10.0),
    ));
    Ok(out)
}

fn report(measures: &[Measure], json: bool) {
    if json {
        let doc = json!({
            "date": chrono::Utc::now().to_rfc3339(),
            "machine": { "cores": std::thread::available_parallelism().map(|n| n.get()).unwrap_or(0), "os": std::env::consts::OS, "arch": std::env::consts::ARCH },
            "benchmarks": measures,
        });
        println!("{doc}");
        return;
    }
    println!("{:<34} {:>12} {:<8} aim", "benchmark", "value", "unit");
    for m in measures {
        let verdict = match m.meets {
            Some(true) => "meets",
            Some(false) => "MISSES",
            None => "",
        };
        println!("{:<34} {:>12.2} {:<8} {:<16} {verdict}", m.name, m.value, m.unit, m.aim);
    }
}

/// Every SMS in the service's outbox, oldest first, page after page.
pub(super) async fn sms_outbox(
    http: &reqwest::Client,
    operator_url: &str,
    token: &str,
) -> Result<Vec<Value>, String> {
    let mut all = Vec::new();
    let mut after = 0i64;
    loop {
        let page: Value = http
            .get(format!("{operator_url}/operator/outbox/sms?after={after}"))
            .bearer_auth(token)
            .send()
            .await
            .map_err(err)?
            .json()
            .await
            .map_err(err)?;
        let items = page["items"].as_array().cloned().unwrap_or_default();
        let Some(last) = items.last() else { return Ok(all) };
        after = last["id"].as_i64().unwrap_or(after);
        all.extend(items);
    }
}

struct Bench {
    _root: tempfile::TempDir,
    device_dir: PathBuf,
    clock: Arc<ManualClock>,
    url: String,
    /// Every instance's public address (the first is `url`): clients take turns.
    public: Vec<String>,
    operator_url: String,
    token: String,
    http: reqwest::Client,
}

pub(super) fn dni(i: usize) -> String {
    let number = 30_000_000 + i as u32;
    format!("{number:08}{}", control_letter(number) as char)
}

pub(super) const CONTRAST: &str = r#"{"kind":"dni_validity","valid_until":"2030-01-31"}"#;

impl Bench {
    async fn start() -> Result<Bench, String> {
        let root = tempfile::tempdir().map_err(err)?;
        let start = DateTime::from_timestamp(1_795_000_000, 0).ok_or("time")?;
        let clock = Arc::new(ManualClock::new(start));
        let service = Service::open(
            ServiceConfig::new(root.path().join("service")).with_clock(clock.clone()),
        )
        .map_err(err)?;
        let token = service.operator_token().to_owned();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.map_err(err)?;
        let url = format!("http://{}", listener.local_addr().map_err(err)?);
        let operator = tokio::net::TcpListener::bind("127.0.0.1:0").await.map_err(err)?;
        let operator_url = format!("http://{}", operator.local_addr().map_err(err)?);
        tokio::spawn(service.serve(listener, Some(operator), std::future::pending()));
        let _ = rustls::crypto::ring::default_provider().install_default();
        let http = reqwest::Client::builder().pool_max_idle_per_host(256).build().map_err(err)?;
        Ok(Bench {
            device_dir: root.path().join("device"),
            _root: root,
            clock,
            public: vec![url.clone()],
            url,
            operator_url,
            token,
            http,
        })
    }

    /// The instances `served`, for the throughput (their clocks are the real one).
    fn of(served: &[channels::Served]) -> Result<Bench, String> {
        let first = served.first().ok_or("no instance")?;
        let root = tempfile::tempdir().map_err(err)?;
        let http = reqwest::Client::builder().pool_max_idle_per_host(256).build().map_err(err)?;
        Ok(Bench {
            device_dir: root.path().join("device"),
            _root: root,
            clock: Arc::new(ManualClock::new(chrono::Utc::now())),
            url: first.url.clone(),
            public: served.iter().map(|s| s.url.clone()).collect(),
            operator_url: first.operator.clone(),
            token: first.token.clone(),
            http,
        })
    }

    async fn post(&self, path: &str, body: &Value, operator: bool) -> Result<(u16, Value), String> {
        let base = if operator { &self.operator_url } else { &self.url };
        self.post_to(base, path, body, operator).await
    }

    async fn post_to(
        &self,
        base: &str,
        path: &str,
        body: &Value,
        operator: bool,
    ) -> Result<(u16, Value), String> {
        let mut req = self.http.post(format!("{base}{path}")).json(body);
        if operator {
            req = req.bearer_auth(&self.token);
        }
        let resp = req.send().await.map_err(err)?;
        Ok((resp.status().as_u16(), resp.json().await.unwrap_or(Value::Null)))
    }

    async fn register(&self, from: usize, count: usize, concurrency: usize) -> Result<(), String> {
        let contrast: Value = serde_json::from_str(CONTRAST).map_err(err)?;
        for chunk in (from..from + count).collect::<Vec<_>>().chunks(200) {
            let records: Vec<Value> = chunk
                .iter()
                .map(|&i| json!({ "document": dni(i), "full_name": "Bench", "birth_date": "1990-01-01", "contrast": contrast, "fiscal_address": "Calle 1" }))
                .collect();
            let (status, body) =
                self.post("/operator/census", &json!({ "records": records }), true).await?;
            if status != 200 {
                return Err(format!("census load failed: {body}"));
            }
        }
        let indices: Vec<usize> = (from..from + count).collect();
        for chunk in indices.chunks(concurrency) {
            let calls = chunk.iter().map(|&i| {
                let body = json!({ "document": dni(i), "contrast": contrast, "mobile": format!("+3460{i:07}"), "email": "b@example.es" });
                async move { self.post("/operator/citizens", &body, true).await }
            });
            for outcome in futures_util::future::join_all(calls).await {
                let (status, body) = outcome?;
                if status != 201 {
                    return Err(format!("registration failed: {body}"));
                }
            }
        }
        Ok(())
    }

    /// Obtain-PIN + verify pairs per second: every citizen obtains a PIN by SMS
    /// (concurrently), then every PIN, read from the SMS outbox, is verified
    /// (concurrently). Reading the outbox is not timed: a citizen reads a phone.
    async fn throughput(
        &self,
        from: usize,
        pairs: usize,
        concurrency: usize,
    ) -> Result<f64, String> {
        self.register(from, pairs, concurrency.max(16)).await?;
        let contrast: Value = serde_json::from_str(CONTRAST).map_err(err)?;
        // Each client sends its next request as soon as its last one is answered.
        let next = std::sync::atomic::AtomicUsize::new(0);
        let take = || {
            let k = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            (k < pairs).then_some(from + k)
        };
        // With several instances, clients take turns, and each verifies on another
        // instance than it obtained on.
        let instance = |c: usize| self.public[c % self.public.len()].as_str();
        let (contrast, take) = (&contrast, &take);
        let started = Instant::now();
        let clients = (0..concurrency).map(|c| async move {
            let mut made = Vec::new();
            while let Some(i) = take() {
                let body = json!({ "document": dni(i), "contrast": contrast, "code": "BNCH" });
                let (status, body) =
                    self.post_to(instance(c), "/portal/pin-requests", &body, false).await?;
                if status != 201 {
                    return Err(format!("obtain failed: {body}"));
                }
                made.push((i, body["request_id"].as_str().unwrap_or_default().to_owned()));
            }
            Ok::<_, String>(made)
        });
        let mut requests = Vec::with_capacity(pairs);
        for made in futures_util::future::join_all(clients).await {
            requests.extend(made?);
        }
        let obtaining = started.elapsed();
        let pins = self.sms_pins().await?;
        let queue = Mutex::new(requests);
        let (queue, pins) = (&queue, &pins);
        let started = Instant::now();
        let clients = (0..concurrency).map(|c| async move {
            loop {
                let Some((i, id)) = queue.lock().unwrap_or_else(PoisonError::into_inner).pop()
                else {
                    return Ok::<_, String>(());
                };
                let pin = pins.get(&format!("+3460{i:07}")).cloned().unwrap_or_default();
                let path = format!("/portal/pin-requests/{id}/verify");
                let body = json!({ "code": "BNCH", "pin": pin });
                let (status, body) = self.post_to(instance(c + 1), &path, &body, false).await?;
                if status != 200 {
                    return Err(format!("verify failed: {body}"));
                }
            }
        });
        for done in futures_util::future::join_all(clients).await {
            done?;
        }
        let total = obtaining + started.elapsed();
        Ok(pairs as f64 / total.as_secs_f64())
    }

    /// The newest SMS's text.
    async fn last_sms(&self) -> Result<String, String> {
        let all = sms_outbox(&self.http, &self.operator_url, &self.token).await?;
        let newest = all.last().ok_or("no SMS")?;
        Ok(newest["text"].as_str().unwrap_or_default().to_owned())
    }

    /// The latest PIN per mobile number, from the SMS outbox.
    async fn sms_pins(&self) -> Result<std::collections::HashMap<String, String>, String> {
        let all = sms_outbox(&self.http, &self.operator_url, &self.token).await?;
        let mut pins = std::collections::HashMap::new();
        for sms in &all {
            let text = sms["text"].as_str().unwrap_or_default();
            if let Some(pin) =
                text.split("PIN ").nth(1).and_then(|rest| rest.split([' ', ',']).next())
            {
                pins.insert(sms["to"].as_str().unwrap_or_default().to_owned(), pin.to_owned());
            }
        }
        Ok(pins)
    }

    /// Portal "Obtain PIN" → the PIN in the device's screen model, over the direct
    /// channel: p50 and p99 in milliseconds.
    async fn latency(&self, samples: usize) -> Result<(f64, f64), String> {
        let index = 9_000_000;
        self.register(index, 1, 1).await?;
        let document = dni(index);
        let keys =
            Arc::new(FileKeyStore::open(&self.device_dir.join("device.key"), true).map_err(err)?);
        let device = Device::open(
            DeviceConfig::new(&self.device_dir, &self.url, keys).with_clock(self.clock.clone()),
        )
        .map_err(err)?;
        let today = NaiveDate::from_ymd_opt(2026, 11, 23).ok_or("date")?;
        device.start_activation(&document, "31/01/2030", false, today).await.map_err(err)?;
        let text = self.last_sms().await?;
        let code =
            text.split(|c: char| !c.is_ascii_digit()).find(|w| w.len() == 6).ok_or("no code")?;
        device.submit_activation_code(code).await.map_err(err)?;
        device
            .set_pattern(&document, &Pattern::parse("1-2-3-6").map_err(err)?)
            .await
            .map_err(err)?;
        let (tx, mut rx) = mpsc::unbounded_channel();
        let _channel =
            device.start_direct_channel(&document, Arc::new(Arrivals(tx))).map_err(err)?;
        tokio::time::sleep(Duration::from_millis(300)).await;
        let body = json!({ "document": document, "contrast": serde_json::from_str::<Value>(CONTRAST).map_err(err)? });
        let mut timings = Vec::with_capacity(samples);
        for n in 0..samples {
            if n % 5 == 0 {
                // The push cap allows 5 PINs per 10 minutes: step the service's clock on.
                self.clock.advance(TimeDelta::minutes(10));
            }
            // PINs issued in the same instant would tie for "newest".
            self.clock.advance(TimeDelta::seconds(1));
            let started = Instant::now();
            let (status, created) = self.post("/portal/pin-requests", &body, false).await?;
            if status != 201 {
                return Err(format!("obtain failed: {created}"));
            }
            let id = created["request_id"].as_str().unwrap_or_default().to_owned();
            loop {
                let pin = tokio::time::timeout(Duration::from_secs(5), rx.recv())
                    .await
                    .map_err(|_| "no PIN within 5 s")?
                    .ok_or("channel closed")?;
                if pin.request_id.as_str() == id {
                    break;
                }
            }
            let shown = device
                .screen()
                .map_err(err)?
                .latest
                .is_some_and(|l| l.request_id.as_str() == id && l.pin.is_some());
            timings.push(started.elapsed().as_secs_f64() * 1000.0);
            if !shown {
                return Err("the screen model does not show the new PIN".into());
            }
        }
        timings.sort_by(f64::total_cmp);
        let at = |q: f64| {
            timings
                .get(((timings.len() as f64 * q).ceil() as usize).saturating_sub(1))
                .copied()
                .unwrap_or(0.0)
        };
        Ok((at(0.50), at(0.99)))
    }

    /// Opening the core (store, data key, client) and computing the screen model, with
    /// a citizen and PINs stored: the median of 20 starts, in milliseconds.
    fn startup(&self) -> Result<f64, String> {
        let mut timings = Vec::new();
        for _ in 0..20 {
            let started = Instant::now();
            let keys = Arc::new(
                FileKeyStore::open(&self.device_dir.join("device.key"), false).map_err(err)?,
            );
            let device = Device::open(
                DeviceConfig::new(&self.device_dir, &self.url, keys).with_clock(self.clock.clone()),
            )
            .map_err(err)?;
            let screen = device.screen().map_err(err)?;
            timings.push(started.elapsed().as_secs_f64() * 1000.0);
            if screen.latest.is_none() {
                return Err("no PIN on the screen after start-up".into());
            }
        }
        timings.sort_by(f64::total_cmp);
        Ok(timings.get(timings.len() / 2).copied().unwrap_or(0.0))
    }
}

struct Arrivals(mpsc::UnboundedSender<ReceivedPin>);

impl ChannelListener for Arrivals {
    fn on_error(&self, _: &clavepin_core::CoreError) {}
    fn on_status(&self, _: ChannelStatus) {}
    fn on_pin(&self, pin: ReceivedPin) {
        let _ = self.0.send(pin);
    }
}

/// PBKDF2-HMAC-SHA256 at the calibrated 600,000 iterations, in milliseconds.
fn pattern_stretch_ms() -> Result<f64, String> {
    let pattern = Pattern::parse("1-2-3-6-9").map_err(err)?;
    let started = Instant::now();
    pattern
        .lock(
            &[0u8; 138],
            clavepin_core::pattern::DEFAULT_ITERATIONS,
            &ring::rand::SystemRandom::new(),
        )
        .map_err(err)?;
    Ok(started.elapsed().as_secs_f64() * 1000.0)
}

/// The FCM and APNs payloads for a PIN, with ids, seal and tokens of their real sizes.
fn push_payload_sizes() -> (usize, usize) {
    let now = Timestamp::from_timestamp(1_795_000_000, 0).unwrap_or_default();
    let pin = PendingPin {
        request_id: "x".repeat(22),
        device_id: "y".repeat(22),
        sealed: "z".repeat(47),
        issued_at: now,
        expires_at: now + TimeDelta::minutes(10),
    };
    let fcm = PushTarget { platform: PushPlatform::Fcm, token: "f".repeat(163) };
    let apns = PushTarget { platform: PushPlatform::Apns, token: "a".repeat(64) };
    let size = |t: &PushTarget| clavepin_server::push_payload(t, &pin, now).to_string().len();
    (size(&fcm), size(&apns))
}

/// The library's size once stripped (a copy is stripped; the original keeps its
/// uniffi metadata for the bindings generator).
fn stripped_size(library: &Path) -> Option<u64> {
    let copy = std::env::temp_dir().join(format!("clavepin-bench-{}.so", std::process::id()));
    std::fs::copy(library, &copy).ok()?;
    let stripped =
        std::process::Command::new("strip").arg(&copy).status().is_ok_and(|s| s.success());
    let size = std::fs::metadata(&copy).ok().map(|m| m.len());
    let _ = std::fs::remove_file(&copy);
    stripped.then_some(size).flatten()
}

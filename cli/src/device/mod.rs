//! `clavepin device`: the desktop companion. It does what the phone does, on the
//! core's public API: activate, list and remove citizens, unlock, watch the last PIN
//! with its countdown, copy it, and show the history.

mod clipboard;
mod prompt;
mod watch;

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use chrono::Local;
use clavepin_core::store::{CitizenState, FileKeyStore};
use clavepin_core::{
    ActivationProgress, CoreError, Device, DeviceConfig, DeviceDescription, Locale, Pattern,
    explain,
};
use clavepin_protocol::wire::ErrorCode;
use serde_json::json;

use crate::config;
use crate::contrast_args::ContrastArgs;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// This device's data folder.
    #[arg(long, global = true, env = "CLAVEPIN_DATA", default_value_os_t = config::device_data())]
    data: PathBuf,
    /// The PIN service.
    #[arg(long, global = true, env = "CLAVEPIN_URL", default_value_t = config::url())]
    url: String,
    #[command(subcommand)]
    command: Command,
}

/// Which citizen, for commands that act on one.
#[derive(Debug, Clone, clap::Args)]
struct Citizen {
    /// DNI or NIE; may be left out when only one citizen is activated here.
    #[arg(long)]
    document: Option<String>,
    /// The security pattern as dots 1–9 (e.g. 1-2-3-6); asked for, without echo, when
    /// left out. For scripts: given here it lands in the shell's history.
    #[arg(long)]
    pattern: Option<String>,
}

#[derive(Debug, clap::Subcommand)]
enum Command {
    /// Activates this desktop for a citizen: asks for the SMS code and the pattern.
    Activate {
        /// DNI or NIE.
        #[arg(long)]
        document: Option<String>,
        #[command(flatten)]
        contrast: ContrastArgs,
        /// The SMS code (asked for when left out).
        #[arg(long)]
        code: Option<String>,
        /// The new security pattern (asked for, without echo, when left out). For
        /// scripts: given here it lands in the shell's history.
        #[arg(long)]
        pattern: Option<String>,
    },
    /// Stops a citizen's activation that waits for its SMS code.
    CancelActivation {
        /// DNI or NIE.
        #[arg(long)]
        document: String,
    },
    /// Lists the citizens activated on this device, and the activations waiting for
    /// their SMS codes.
    List {
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Removes a citizen from this device and tells the service, which then sends their
    /// PINs by SMS: asks for the pattern and for confirmation.
    Remove {
        #[command(flatten)]
        who: Citizen,
        /// Do not ask for confirmation (scripts).
        #[arg(long)]
        yes: bool,
    },
    /// Checks the pattern: unlocks, or says how long to wait.
    Unlock {
        #[command(flatten)]
        who: Citizen,
    },
    /// Shows the last PIN with its code and a countdown refreshed every 10 seconds.
    Watch {
        #[command(flatten)]
        who: Citizen,
        /// One JSON object per refresh.
        #[arg(long)]
        json: bool,
        /// Print the screen once and exit.
        #[arg(long)]
        once: bool,
    },
    /// Copies the last PIN to the desktop clipboard and clears it when the PIN expires.
    Copy {
        #[command(flatten)]
        who: Citizen,
    },
    /// "This wasn't me": reports a PIN the citizen did not ask for. The service kills
    /// it and sends the citizen's PINs by SMS for 20 minutes; the portal's "My
    /// devices" lists the report.
    NotMe {
        #[command(flatten)]
        who: Citizen,
        /// The PIN request's id (`history --json` shows it); the newest PIN when left out.
        // Ids are base64url, so one in 64 begins with '-'.
        #[arg(long, allow_hyphen_values = true)]
        request: Option<String>,
    },
    /// Approves a sign-in in the app's stead: the code the log-in page shows (or the
    /// link its QR code holds). Shows who asks, then approves with the pattern; the
    /// log-in page goes on by itself.
    Approve {
        #[command(flatten)]
        who: Citizen,
        /// The code, e.g. ABCD-EFGH (asked for when left out).
        code: Option<String>,
        /// Refuse it instead: the log-in page goes back to "Obtain PIN".
        #[arg(long)]
        refuse: bool,
        /// "This wasn't me": refuse it and report it; PINs go by SMS for 20 minutes.
        #[arg(long, conflicts_with = "refuse")]
        not_me: bool,
        /// Do not ask for confirmation (scripts).
        #[arg(long)]
        yes: bool,
    },
    /// The PINs received, with their outcome (asked of the service first when the
    /// pattern is given: a PIN used on the portal shows as used).
    History {
        /// Only this citizen's.
        #[arg(long)]
        document: Option<String>,
        /// The security pattern, to refresh the outcomes from the service first.
        #[arg(long)]
        pattern: Option<String>,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
}

pub fn run(args: Args) -> ExitCode {
    let runtime =
        match tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build() {
            Ok(rt) => rt,
            Err(e) => return fail(e),
        };
    let data = args.data.clone();
    let json = matches!(
        args.command,
        Command::List { json: true }
            | Command::Watch { json: true, .. }
            | Command::History { json: true, .. }
    );
    let outcome = runtime.block_on(async {
        let device = open(&data, &args.url)?;
        execute(&device, args.command).await
    });
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            if json {
                // Scripts that asked for JSON get their error in JSON too.
                println!("{}", json!({ "error": e }));
            }
            fail(e)
        }
    }
}

fn fail(e: impl std::fmt::Display) -> ExitCode {
    eprintln!("clavepin device: {e}");
    ExitCode::FAILURE
}

fn open(data: &std::path::Path, url: &str) -> Result<Device, String> {
    if !(url.starts_with("http://") || url.starts_with("https://")) {
        return Err(format!(
            "--url {url:?} needs its scheme: http://{url} (loopback) or https://{url}"
        ));
    }
    let keys = FileKeyStore::open(
        &data.join("device.key"),
        !data.join(clavepin_core::store::STORE_FILE).exists(),
    )
    .map_err(|e| format!("{e} ({})", data.join("device.key").display()))?;
    let config = DeviceConfig::new(data, url, Arc::new(keys)).with_description(description());
    Device::open(config).map_err(say)
}

/// What the citizen's "My devices" page calls this desktop: its host name, and what
/// it is.
fn description() -> DeviceDescription {
    let host = std::env::var("HOSTNAME")
        .ok()
        .or_else(|| std::fs::read_to_string("/etc/hostname").ok())
        .filter(|h| !h.trim().is_empty());
    let model = format!("clavepin desktop ({})", std::env::consts::OS);
    DeviceDescription::from_platform(host.as_deref(), Some(&model))
}

/// The citizen a command is about: the one named, or the only one.
fn pick(device: &Device, document: Option<&str>) -> Result<String, String> {
    if let Some(document) = document {
        return Ok(document.to_owned());
    }
    let citizens = device.citizens().map_err(say)?;
    match citizens.as_slice() {
        [only] => Ok(only.document.to_string()),
        [] => Err("no citizen is activated on this device: run `clavepin device activate`".into()),
        _ => Err("several citizens are activated here: choose one with --document".into()),
    }
}

/// Unlocks the citizen with the pattern given or asked for.
async fn unlock(device: &Device, who: &Citizen) -> Result<String, String> {
    unlock_with(device, who).await.map(|(document, _)| document)
}

/// Unlocks, and keeps the pattern for a step that asks for it again (approving).
async fn unlock_with(device: &Device, who: &Citizen) -> Result<(String, Pattern), String> {
    let document = pick(device, who.document.as_deref())?;
    let text = match &who.pattern {
        Some(p) => p.clone(),
        None => prompt::ask_secret("Security pattern (dots 1-9, e.g. 1-2-3-6): ")?,
    };
    let pattern = Pattern::parse(&text).map_err(|e| say(e.into()))?;
    device.unlock(&document, &pattern).await.map_err(say)?;
    Ok((document, pattern))
}

/// `device approve`: who asks, then the citizen's answer.
async fn approve(
    device: &Device,
    who: &Citizen,
    code: Option<String>,
    decision: clavepin_protocol::wire::ApprovalDecision,
    yes: bool,
) -> Result<(), String> {
    use clavepin_protocol::wire::ApprovalDecision;
    let text = match code {
        Some(code) => code,
        None => prompt::ask("Code on the log-in page (e.g. ABCD-EFGH): ")?,
    };
    let code = device.read_approval_code(&text).map_err(say)?;
    let (document, pattern) = unlock_with(device, who).await?;
    let asked = device.look_up_approval(&document, &code).await.map_err(say)?;
    let site = asked.site.as_deref().unwrap_or("the Cl@ve PIN portal");
    println!(
        "{site} asks {document} to sign in (asked at {}, valid until {})",
        asked.requested_at.with_timezone(&Local).format("%H:%M:%S"),
        asked.expires_at.with_timezone(&Local).format("%H:%M:%S")
    );
    match decision {
        ApprovalDecision::Approve => {
            if !yes {
                let answer = prompt::ask("Approve this sign-in? [y/N] ")?;
                if !matches!(answer.to_ascii_lowercase().as_str(), "y" | "yes" | "s" | "si" | "sí")
                {
                    println!("nothing approved; the log-in page waits until it expires");
                    return Ok(());
                }
            }
            // The pattern again: a tap alone approves nothing (`approve_sign_in`).
            device.approve_sign_in(&document, &code, &pattern).await.map_err(say)?;
            println!("approved: the log-in page goes on by itself");
        }
        ApprovalDecision::Refuse => {
            device.refuse_sign_in(&document, &code, false).await.map_err(say)?;
            println!("refused: the log-in page goes back to \"Obtain PIN\"");
        }
        ApprovalDecision::NotMe => {
            let until = device.refuse_sign_in(&document, &code, true).await.map_err(say)?;
            let until = until.map(|t| t.with_timezone(&Local).format("%H:%M").to_string());
            println!(
                "reported: that sign-in is refused, and until {} PINs for {document} go by SMS; \
                 the portal's \"My devices\" lists the report",
                until.unwrap_or_default()
            );
        }
    }
    Ok(())
}

async fn execute(device: &Device, command: Command) -> Result<(), String> {
    match command {
        Command::Activate { document, contrast, code, pattern } => {
            activate(device, document, &contrast, code, pattern).await
        }
        Command::List { json } => {
            let citizens = device.citizens().map_err(say)?;
            let pending = device.pending_activations().map_err(say)?;
            if json {
                let mut list: Vec<_> = citizens
                    .iter()
                    .map(|c| json!({ "document": c.document.as_str(), "kind": c.kind.to_string(), "state": state_name(c.state), "activated_at": c.activated_at }))
                    .collect();
                for p in &pending {
                    if let ActivationProgress::AwaitingCode {
                        document,
                        phone_hint,
                        code_expires_at,
                    } = p
                    {
                        list.push(json!({ "document": document.as_str(), "kind": document.kind().to_string(), "state": "awaiting-code", "phone_hint": phone_hint, "code_expires_at": code_expires_at }));
                    }
                }
                println!("{}", serde_json::Value::Array(list));
                return Ok(());
            }
            for p in &pending {
                if let ActivationProgress::AwaitingCode { document, phone_hint, code_expires_at } =
                    p
                {
                    println!(
                        "{document}  {}  waiting for the SMS code sent to {phone_hint} (valid until {}; `activate --document {document}` goes on, `cancel-activation` stops)",
                        document.kind(),
                        code_expires_at.with_timezone(&Local).format("%H:%M")
                    );
                }
            }
            if citizens.is_empty() {
                if pending.is_empty() {
                    println!("no citizen is activated on this device");
                }
            } else {
                for c in citizens {
                    println!(
                        "{}  {}  {}  activated {}",
                        c.document,
                        c.kind,
                        state_name(c.state),
                        c.activated_at.with_timezone(&Local).format("%d/%m/%Y %H:%M")
                    );
                }
            }
            Ok(())
        }
        Command::Remove { who, yes } => {
            // The removal is signed: the pattern first, and a wrong one removes nothing.
            let document = unlock(device, &who).await?;
            if !yes {
                let answer = prompt::ask(&format!(
                    "Remove {document} from this device? Their PINs will go by SMS. [y/N] "
                ))?;
                if !matches!(answer.to_ascii_lowercase().as_str(), "y" | "yes" | "s" | "si" | "sí")
                {
                    println!("nothing removed");
                    return Ok(());
                }
            }
            let told = device.remove_citizen(&document).await.map_err(say)?;
            if told {
                println!("removed {document} from this device; the service was told");
            } else {
                println!(
                    "removed {document} from this device; the service could not be reached and \
                     will be told the next time this device reaches it (any `watch`, `unlock` or `copy`)"
                );
            }
            Ok(())
        }
        Command::CancelActivation { document } => {
            device.cancel_activation_for(&document).map_err(say)?;
            println!("the activation of {document} on this device was stopped");
            Ok(())
        }
        Command::Unlock { who } => {
            let document = unlock(device, &who).await?;
            tell_removals(device).await;
            let state = device.check_status(&document).await.map_err(say)?;
            println!("{document} unlocked; this device is {}", state_name(state));
            Ok(())
        }
        Command::Watch { who, json, once } => {
            let document = unlock(device, &who).await?;
            tell_removals(device).await;
            watch::run(device, &document, json, once).await
        }
        Command::Copy { who } => {
            let document = unlock(device, &who).await?;
            device.pull(&document).await.map_err(say)?;
            clipboard::copy_latest(device).await
        }
        Command::NotMe { who, request } => {
            let document = unlock(device, &who).await?;
            let request = match request {
                Some(id) => clavepin_protocol::RequestId::parse(&id)
                    .map_err(|_| format!("--request {id:?} is not a PIN request's id"))?,
                None => device
                    .history(Some(&document), 1)
                    .map_err(say)?
                    .into_iter()
                    .next()
                    .map(|p| p.request_id)
                    .ok_or("no PIN has reached this device for that citizen")?,
            };
            let until = device.report_not_me(&document, &request).await.map_err(say)?;
            println!(
                "reported: that PIN no longer works, and until {} PINs for {document} go by SMS; \
                 the portal's \"My devices\" lists the report",
                until.with_timezone(&Local).format("%H:%M")
            );
            Ok(())
        }
        Command::Approve { who, code, refuse, not_me, yes } => {
            use clavepin_protocol::wire::ApprovalDecision;
            let decision = match (refuse, not_me) {
                (_, true) => ApprovalDecision::NotMe,
                (true, false) => ApprovalDecision::Refuse,
                (false, false) => ApprovalDecision::Approve,
            };
            approve(device, &who, code, decision, yes).await
        }
        Command::History { document, pattern, json } => {
            if pattern.is_some() {
                let who = Citizen { document: document.clone(), pattern };
                let unlocked = unlock(device, &who).await?;
                if let Err(e) = device.refresh_states(&unlocked).await {
                    eprintln!("showing the outcomes last known: {e}");
                }
            }
            let pins = device.history(document.as_deref(), 50).map_err(say)?;
            if json {
                let list: Vec<_> = pins
                    .iter()
                    .map(|p| json!({ "request_id": p.request_id, "document": p.document.as_str(), "code": p.code, "issued_at": p.issued_at, "expires_at": p.expires_at, "state": p.state }))
                    .collect();
                println!("{}", serde_json::Value::Array(list));
            } else {
                for p in pins {
                    let state = serde_json::to_value(p.state)
                        .ok()
                        .and_then(|v| v.as_str().map(str::to_owned))
                        .unwrap_or_default();
                    println!(
                        "{}  {}  code {}  {state}",
                        p.issued_at.with_timezone(&Local).format("%d/%m/%Y %H:%M"),
                        p.document,
                        p.code
                    );
                }
            }
            Ok(())
        }
    }
}

/// A core error as a person reads it: what happened and what to do, waits in minutes.
pub(crate) fn say(e: CoreError) -> String {
    explain(&e, Locale::En)
}

/// Tells the service of removals made offline; says so when some went.
async fn tell_removals(device: &Device) {
    match device.tell_pending_removals().await {
        Ok(1) => eprintln!("the service was told of a removal made while offline"),
        Ok(told @ 2..) => eprintln!("the service was told of {told} removals made while offline"),
        _ => {}
    }
}

/// What a person stopped half-way through an activation can do.
const RESUME: &str = "run `clavepin device activate` again to go on from here";

/// Sends the SMS code, asking again after a wrong one while tries remain. A code given
/// with --code is sent once.
async fn submit_code(
    device: &Device,
    document: &str,
    given: Option<String>,
) -> Result<ActivationProgress, String> {
    let mut given = given;
    loop {
        let asked = given.is_none();
        let code = match given.take() {
            Some(c) => c,
            None => prompt::ask("SMS code: ").map_err(|e| format!("{e}; {RESUME}"))?,
        };
        match device.submit_activation_code_for(document, &code).await {
            Ok(progress) => return Ok(progress),
            Err(
                e @ (CoreError::ActivationCode(_)
                | CoreError::Refused { code: ErrorCode::WrongCode, .. }),
            ) if asked => eprintln!("{}", explain(&e, Locale::En)),
            Err(e @ CoreError::ActivationExpired) => {
                return Err(format!("{e}: start again with --document and its contrast data"));
            }
            Err(e) => return Err(format!("{}; {RESUME}", explain(&e, Locale::En))),
        }
    }
}

fn state_name(state: CitizenState) -> &'static str {
    match state {
        CitizenState::NeedsPattern => "needs-pattern",
        CitizenState::Active => "active",
        CitizenState::Replaced => "replaced",
    }
}

async fn activate(
    device: &Device,
    document: Option<String>,
    contrast: &ContrastArgs,
    code: Option<String>,
    pattern: Option<String>,
) -> Result<(), String> {
    // Resume where a previous run stopped: this citizen's activation, each its own.
    let mut progress = match &document {
        Some(document) => device.activation_progress_for(document).map_err(say)?,
        None => {
            if device.pending_activations().map_err(say)?.len() > 1 {
                return Err("several activations wait for their SMS codes: choose one with \
                            --document (`clavepin device list` shows them)"
                    .into());
            }
            device.activation_progress().map_err(say)?
        }
    };
    let mut sent_now = false;
    if let (ActivationProgress::Idle, Some(document)) = (&progress, &document) {
        let (input, permanent) = contrast.input()?;
        let today = Local::now().date_naive();
        progress = device.start_activation(document, input, permanent, today).await.map_err(say)?;
        sent_now = true;
    }
    if let ActivationProgress::AwaitingCode { document, phone_hint, code_expires_at } = &progress {
        // "Sent" only when an SMS went out now; resuming says which one it waits for.
        if sent_now {
            eprintln!("an SMS with the activation code was sent to {phone_hint}");
        } else {
            eprintln!(
                "{document}: waiting for the SMS code sent to {phone_hint} (valid until {})",
                code_expires_at.with_timezone(&Local).format("%H:%M")
            );
        }
        let document = document.to_string();
        progress = submit_code(device, &document, code).await?;
    }
    match progress {
        ActivationProgress::AwaitingPattern { document } => {
            // A pattern that breaks a rule is asked for again; one given with
            // --pattern is not (a script gets the error).
            let mut given = pattern;
            let pattern = loop {
                let asked = given.is_none();
                let text = match given.take() {
                    Some(p) => p,
                    None => prompt::ask_secret(
                        "New security pattern (at least 4 dots of 1-9, e.g. 1-2-3-6): ",
                    )
                    .map_err(|e| format!("{e}; {RESUME}"))?,
                };
                match Pattern::parse(&text) {
                    Ok(pattern) => break pattern,
                    Err(e) if asked => eprintln!("{e}; draw it again"),
                    Err(e) => return Err(format!("{e}; {RESUME}")),
                }
            };
            device.set_pattern(document.as_str(), &pattern).await.map_err(say)?;
            println!("{document} is activated on this device");
            Ok(())
        }
        ActivationProgress::Idle => Err("give --document and its contrast data to start".into()),
        ActivationProgress::AwaitingCode { .. } => Err("the code was not accepted".into()),
    }
}

//! `clavepin admin`: what a registry office and an operator do, from the command line.

mod client;
mod sites;

use std::path::PathBuf;
use std::process::ExitCode;

use chrono::{Local, NaiveDate};
use clavepin_protocol::identity::parse_date;
use clavepin_protocol::wire::{
    AuditEntry, CensusLoaded, CensusRecord, CitizenRegistered, CompleteRegistration,
    InvitationSent, LoadCensus, NotMeReports, Outbox, OutboxEmail, OutboxLetter, OutboxPush,
    OutboxSms, RegisterCitizen, RegisteredCitizen, RequestInvitation,
};
use clavepin_protocol::{ContrastData, DocumentNumber};
use reqwest::Method;
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::config;
use crate::contrast_args::ContrastArgs;
pub use client::OperatorClient;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The service's address.
    #[arg(long, global = true, env = "CLAVEPIN_URL", default_value_t = config::url())]
    url: String,
    /// The service's data folder, where `serve` wrote the operator token.
    #[arg(long, global = true, env = "CLAVEPIN_SERVICE_DATA", default_value_os_t = config::service_data())]
    data: PathBuf,
    /// The operator API's address, if not the one `serve` wrote to the data folder
    /// (plain HTTP only on loopback: the token must not cross a network readable).
    #[arg(long, global = true, env = "CLAVEPIN_OPERATOR_URL")]
    operator_url: Option<String>,
    /// The operator token file, if not in the data folder.
    #[arg(long, global = true)]
    token_file: Option<PathBuf>,
    /// Print the service's JSON answers.
    #[arg(long, global = true)]
    json: bool,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, clap::Subcommand)]
enum Command {
    /// The census the service checks citizens against.
    #[command(subcommand)]
    Census(CensusCommand),
    /// Registers a citizen in person, as a registry office does.
    Register {
        #[command(flatten)]
        who: Who,
        /// Mobile phone for SMS (612345678 or +34612345678).
        #[arg(long)]
        mobile: String,
        /// E-mail address.
        #[arg(long)]
        email: String,
    },
    /// Asks for an invitation letter, as a citizen does online; it goes to the census's fiscal address.
    Invite {
        #[command(flatten)]
        who: Who,
    },
    /// Completes online registration with the letter's 16-character CSV code.
    CompleteRegistration {
        #[command(flatten)]
        who: Who,
        /// The CSV code on the letter.
        #[arg(long)]
        csv: String,
        /// Mobile phone for SMS.
        #[arg(long)]
        mobile: String,
        /// E-mail address.
        #[arg(long)]
        email: String,
    },
    /// Lists registered citizens in document order, 500 at a time: how they registered
    /// and whether an app receives their PINs.
    Citizens {
        /// Start after this document (the last one of the previous page).
        #[arg(long, default_value = "")]
        after: String,
    },
    /// Lets a citizen stopped at 100 consecutive wrong PINs obtain PINs again (after
    /// checking it is them: the stop protects against guessing).
    Unlock {
        /// DNI or NIE.
        #[arg(long)]
        document: String,
    },
    /// Clears a citizen's activation-code limit (3 an hour), after checking it is them:
    /// codes sent before no longer count.
    ClearCodeLimit {
        /// DNI or NIE.
        #[arg(long)]
        document: String,
    },
    /// Reads what the service sent: SMS, letters or push messages; or what it could
    /// not send (`dead-letters`).
    Outbox {
        /// `sms`, `letters` or `push`.
        #[arg(value_enum)]
        kind: OutboxKind,
        /// Only items after this id.
        #[arg(long, default_value_t = 0)]
        after: i64,
    },
    /// Sites that sign citizens in through the OpenID Connect provider.
    #[command(subcommand)]
    Clients(sites::ClientsCommand),
    /// What operators did: census loads, registrations, unlocks, cleared limits,
    /// sites registered and removed.
    Audit {
        /// Only entries after this id.
        #[arg(long, default_value_t = 0)]
        after: i64,
    },
    /// "This wasn't me" reports: PINs citizens said they did not ask for, a sign
    /// that someone knows their contrast data.
    Reports {
        /// Only reports after this id.
        #[arg(long, default_value_t = 0)]
        after: i64,
    },
}

#[derive(Debug, clap::Subcommand)]
enum CensusCommand {
    /// Adds or updates one census record.
    Add {
        #[command(flatten)]
        who: Who,
        /// Full name, as letters are addressed.
        #[arg(long)]
        name: String,
        /// Date of birth (DD/MM/YYYY or YYYY-MM-DD).
        #[arg(long)]
        birth_date: String,
        /// Fiscal address, where letters go.
        #[arg(long)]
        address: String,
    },
    /// Loads records from a JSON file: a list of records, or {"records": [...]}.
    Load {
        /// The file.
        file: PathBuf,
        /// Let records change the contrast data of registered citizens (a renewed
        /// DNI); without it such a file is refused whole. Recorded in the audit log.
        #[arg(long)]
        change_registered: bool,
    },
    /// Lists census records in document order, 500 at a time.
    List {
        /// Start after this document (the last one of the previous page).
        #[arg(long, default_value = "")]
        after: String,
    },
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
enum OutboxKind {
    Sms,
    Letters,
    Push,
    /// What the embedded e-mail gateway holds: the notices of new bindings.
    Email,
    /// What no gateway took: refused, a dead push token, or out of tries.
    DeadLetters,
}

/// A document number and its contrast datum.
#[derive(Debug, clap::Args)]
struct Who {
    /// DNI or NIE.
    #[arg(long)]
    document: String,
    #[command(flatten)]
    contrast: ContrastArgs,
}

impl Who {
    fn parse(&self) -> Result<(DocumentNumber, ContrastData), String> {
        let document =
            DocumentNumber::parse(&self.document).map_err(|e| format!("document: {e}"))?;
        let today = Local::now().date_naive();
        let (input, permanent) = self.contrast.input()?;
        let contrast = ContrastData::parse_for(&document, input, permanent, today)
            .map_err(|e| format!("contrast data: {e}"))?;
        Ok((document, contrast))
    }
}

pub fn run(args: Args) -> ExitCode {
    let json = args.json;
    let token_file = args
        .token_file
        .clone()
        .unwrap_or_else(|| args.data.join(clavepin_server::OPERATOR_TOKEN_FILE));
    let operator = operator_url(args.operator_url.clone(), &args.data);
    let outcome = OperatorClient::new(&args.url, operator, &token_file).and_then(|client| {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| format!("cannot start the runtime: {e}"))?;
        runtime.block_on(execute(&client, args.command, json))
    });
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            if json {
                // Scripts that asked for JSON get their error in JSON too.
                println!("{}", serde_json::json!({ "error": e }));
            }
            eprintln!("clavepin admin: {e}");
            ExitCode::FAILURE
        }
    }
}

/// The operator API's address: given, or written by `serve` into its data folder.
pub fn operator_url(given: Option<String>, data: &std::path::Path) -> Result<String, String> {
    if let Some(url) = given {
        return Ok(url);
    }
    let file = data.join(clavepin_server::OPERATOR_ADDRESS_FILE);
    match std::fs::read_to_string(&file) {
        Ok(text) => Ok(text.trim().to_owned()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Err(format!(
            "no operator API address in {}: is `clavepin serve --data {}` running? (or pass --operator-url)",
            file.display(),
            data.display()
        )),
        Err(e) => Err(format!("cannot read {}: {e}", file.display())),
    }
}

async fn post<B: Serialize, R: DeserializeOwned + Serialize>(
    client: &OperatorClient,
    path: &str,
    body: &B,
    operator: bool,
) -> Result<R, String> {
    client.call(Method::POST, path, Some(body), operator).await
}

fn print_json<T: Serialize>(value: &T) {
    println!("{}", serde_json::to_string_pretty(value).unwrap_or_default());
}

async fn execute(client: &OperatorClient, command: Command, json: bool) -> Result<(), String> {
    match command {
        Command::Census(CensusCommand::Add { who, name, birth_date, address }) => {
            let (document, contrast) = who.parse()?;
            let birth_date: NaiveDate =
                parse_date(&birth_date).map_err(|e| format!("birth date: {e}"))?;
            let record = CensusRecord {
                document,
                full_name: name,
                birth_date,
                contrast,
                fiscal_address: address,
            };
            let done: CensusLoaded = post(
                client,
                "/operator/census",
                &LoadCensus { records: vec![record], change_registered: false },
                true,
            )
            .await?;
            if json {
                print_json(&done)
            } else {
                println!("census: {} record written", done.loaded)
            }
        }
        Command::Census(CensusCommand::Load { file, change_registered }) => {
            let text =
                std::fs::read_to_string(&file).map_err(|e| format!("{}: {e}", file.display()))?;
            let mut load = serde_json::from_str::<LoadCensus>(&text)
                .or_else(|_| {
                    serde_json::from_str::<Vec<CensusRecord>>(&text)
                        .map(|records| LoadCensus { records, change_registered: false })
                })
                .map_err(|e| format!("{}: not a list of census records: {e}", file.display()))?;
            load.change_registered |= change_registered;
            let done: CensusLoaded = post(client, "/operator/census", &load, true).await?;
            if json {
                print_json(&done)
            } else {
                let noun = if done.loaded == 1 { "record" } else { "records" };
                println!("census: {} {noun} written", done.loaded)
            }
        }
        Command::Register { who, mobile, email } => {
            let (document, contrast) = who.parse()?;
            let req = RegisterCitizen { document, contrast, mobile, email };
            let done: CitizenRegistered = post(client, "/operator/citizens", &req, true).await?;
            if json {
                print_json(&done)
            } else {
                println!("registered {} at a registry office", done.document)
            }
        }
        Command::Invite { who } => {
            let (document, contrast) = who.parse()?;
            let sent: InvitationSent = post(
                client,
                "/registration/invitation",
                &RequestInvitation { document, contrast },
                false,
            )
            .await?;
            if json {
                print_json(&sent)
            } else {
                println!(
                    "invitation letter posted to the fiscal address; its code works until {}",
                    sent.valid_until.format("%d-%m-%Y")
                )
            }
        }
        Command::CompleteRegistration { who, csv, mobile, email } => {
            let (document, contrast) = who.parse()?;
            let req = CompleteRegistration { document, contrast, csv, mobile, email };
            let done: CitizenRegistered =
                post(client, "/registration/complete", &req, false).await?;
            if json {
                print_json(&done)
            } else {
                println!("registered {} with the invitation letter", done.document)
            }
        }
        Command::Clients(command) => sites::execute(client, command, json).await?,
        Command::Audit { after } => {
            let path = format!("/operator/audit?after={after}");
            let audit: Outbox<AuditEntry> =
                client.call::<(), _>(Method::GET, &path, None, true).await?;
            if json {
                print_json(&audit)
            } else {
                for entry in &audit.items {
                    let document = entry.document.as_deref().unwrap_or("-");
                    println!(
                        "#{} {} {} {document}: {} (from {})",
                        entry.id,
                        entry.at.format("%Y-%m-%d %H:%M:%S"),
                        entry.action,
                        entry.detail,
                        entry.client
                    );
                }
            }
        }
        Command::Reports { after } => {
            let path = format!("/operator/reports?after={after}");
            let reports: NotMeReports =
                client.call::<(), _>(Method::GET, &path, None, true).await?;
            if json {
                print_json(&reports)
            } else {
                if reports.reports.is_empty() {
                    println!("no reports");
                }
                for r in &reports.reports {
                    println!(
                        "#{} {} {} ({}{})",
                        r.id,
                        r.at.format("%Y-%m-%d %H:%M:%S"),
                        r.document,
                        r.channel.as_deref().unwrap_or("-"),
                        r.site.as_deref().map(|s| format!(", for {s}")).unwrap_or_default()
                    );
                }
            }
        }
        Command::Outbox { kind: OutboxKind::Email, after } => {
            let path = format!("/operator/outbox/email?after={after}");
            let outbox: Outbox<OutboxEmail> =
                client.call::<(), _>(Method::GET, &path, None, true).await?;
            if json {
                print_json(&outbox)
            } else {
                for e in &outbox.items {
                    println!("#{} to {}: {}\n{}\n", e.id, e.to, e.subject, e.text);
                }
            }
        }
        Command::Outbox { kind: OutboxKind::Sms, after } => {
            let outbox: Outbox<OutboxSms> = client
                .call::<(), _>(
                    Method::GET,
                    &format!("/operator/outbox/sms?after={after}"),
                    None,
                    true,
                )
                .await?;
            if json {
                print_json(&outbox)
            } else {
                for sms in &outbox.items {
                    println!(
                        "#{} {} to {}: {}",
                        sms.id,
                        sms.sent_at.format("%Y-%m-%d %H:%M:%S"),
                        sms.to,
                        sms.text
                    );
                }
            }
        }
        Command::Census(CensusCommand::List { after }) => {
            let page: Outbox<CensusRecord> = client
                .call::<(), _>(Method::GET, &format!("/operator/census?after={after}"), None, true)
                .await?;
            if json {
                print_json(&page)
            } else {
                for r in &page.items {
                    println!(
                        "{}  {}  born {}",
                        r.document,
                        r.full_name,
                        r.birth_date.format("%d/%m/%Y")
                    );
                }
            }
        }
        Command::Citizens { after } => {
            let page: Outbox<RegisteredCitizen> = client
                .call::<(), _>(
                    Method::GET,
                    &format!("/operator/citizens?after={after}"),
                    None,
                    true,
                )
                .await?;
            if json {
                print_json(&page)
            } else {
                for c in &page.items {
                    println!(
                        "{}  registered {} by {}  mobile {}  {}",
                        c.document,
                        c.registered_at.with_timezone(&Local).format("%d/%m/%Y"),
                        c.channel,
                        c.mobile_hint,
                        if c.app_activated { "app activated" } else { "no app: PINs by SMS" }
                    );
                }
            }
        }
        Command::ClearCodeLimit { document } => {
            let document = DocumentNumber::parse(&document).map_err(|e| e.to_string())?;
            let path = format!("/operator/citizens/{document}/clear-code-limit");
            client.call::<(), serde_json::Value>(Method::POST, &path, None, true).await?;
            if json {
                print_json(
                    &serde_json::json!({ "document": document, "code_limit_cleared": true }),
                );
            } else {
                println!("{document} can ask for activation codes again (3 an hour from now)");
            }
        }
        Command::Unlock { document } => {
            let document = DocumentNumber::parse(&document).map_err(|e| e.to_string())?;
            client
                .call::<(), serde_json::Value>(
                    Method::POST,
                    &format!("/operator/citizens/{document}/unlock"),
                    None,
                    true,
                )
                .await?;
            if json {
                print_json(&serde_json::json!({ "document": document, "unlocked": true }));
            } else {
                println!("{document} can obtain PINs again; their wrong-PIN count starts from 0");
            }
        }
        Command::Outbox { kind: OutboxKind::DeadLetters, .. } => {
            let dead: Outbox<clavepin_protocol::wire::DeadLetter> = client
                .call::<(), _>(Method::GET, "/operator/outbox/dead-letters", None, true)
                .await?;
            if json {
                print_json(&dead)
            } else if dead.items.is_empty() {
                println!("no dead letters: every message was taken");
            } else {
                for d in &dead.items {
                    println!(
                        "{} #{} queued {} to {}: given up after {} tries",
                        d.outbox,
                        d.id,
                        d.queued_at.format("%Y-%m-%d %H:%M:%S"),
                        d.to,
                        d.attempts
                    );
                }
            }
        }
        Command::Outbox { kind: OutboxKind::Push, after } => {
            let outbox: Outbox<OutboxPush> = client
                .call::<(), _>(
                    Method::GET,
                    &format!("/operator/outbox/push?after={after}"),
                    None,
                    true,
                )
                .await?;
            if json {
                print_json(&outbox)
            } else {
                for push in &outbox.items {
                    let platform = match push.platform {
                        clavepin_protocol::wire::PushPlatform::Fcm => "FCM",
                        clavepin_protocol::wire::PushPlatform::Apns => "APNs",
                    };
                    println!(
                        "#{} {} {platform} to device {}: {} bytes",
                        push.id,
                        push.sent_at.format("%Y-%m-%d %H:%M:%S"),
                        push.device_id,
                        push.payload.to_string().len()
                    );
                }
            }
        }
        Command::Outbox { kind: OutboxKind::Letters, after } => {
            let outbox: Outbox<OutboxLetter> = client
                .call::<(), _>(
                    Method::GET,
                    &format!("/operator/outbox/letters?after={after}"),
                    None,
                    true,
                )
                .await?;
            if json {
                print_json(&outbox)
            } else {
                for letter in &outbox.items {
                    println!(
                        "#{} {} to {}, {}\n{}",
                        letter.id,
                        letter.sent_at.format("%Y-%m-%d"),
                        letter.to_name,
                        letter.address,
                        letter.text
                    );
                }
            }
        }
    }
    Ok(())
}

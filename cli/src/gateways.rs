//! `serve`'s real gateways: FCM for Android pushes, APNs for iOS pushes, Twilio for
//! SMS. Without them the embedded gateway keeps every message in the outbox the
//! operator reads (`admin outbox`), which is what the demo and the tests use.
//! Secrets come from files (never from the command line, which `ps` shows).

use std::path::PathBuf;
use std::sync::Arc;

use clavepin_server::{
    APNS_DEVELOPMENT, APNS_PRODUCTION, Apns, ApnsKey, Fcm, PushGateways, ServiceAccount,
    ServiceConfig, SmsSender, Twilio,
};

use crate::config;

#[derive(Debug, Default, clap::Args, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GatewayArgs {
    /// The Firebase service-account key file (JSON): Android pushes go through FCM
    /// HTTP v1.
    #[arg(long, value_name = "FILE")]
    pub fcm_service_account: Option<PathBuf>,
    /// FCM's address, if not https://fcm.googleapis.com.
    #[arg(long, value_name = "URL")]
    pub fcm_endpoint: Option<String>,
    /// The APNs signing key (.p8): iOS pushes go through APNs with token authentication.
    #[arg(long, value_name = "FILE", requires_all = ["apns_key_id", "apns_team_id", "apns_topic"])]
    pub apns_key: Option<PathBuf>,
    /// The .p8 key's id (10 characters).
    #[arg(long, value_name = "ID")]
    pub apns_key_id: Option<String>,
    /// The Apple developer team id (10 characters).
    #[arg(long, value_name = "ID")]
    pub apns_team_id: Option<String>,
    /// The iOS app's bundle id.
    #[arg(long, value_name = "BUNDLE")]
    pub apns_topic: Option<String>,
    /// Use APNs's development environment (apps signed for development).
    #[arg(long)]
    #[serde(default)]
    pub apns_development: bool,
    /// APNs's address, if not Apple's production or development one.
    #[arg(long, value_name = "URL")]
    pub apns_endpoint: Option<String>,
    /// The Twilio account SID (AC…): SMS go through Twilio's Messaging API.
    #[arg(long, value_name = "SID", requires = "twilio_auth_token_file")]
    pub twilio_account_sid: Option<String>,
    /// A file holding the Twilio auth token.
    #[arg(long, value_name = "FILE")]
    pub twilio_auth_token_file: Option<PathBuf>,
    /// The number (or alphanumeric sender id) SMS come from.
    #[arg(long, value_name = "NUMBER", conflicts_with = "twilio_messaging_service")]
    pub sms_from: Option<String>,
    /// A Twilio Messaging Service (MG…) that picks the sending number.
    #[arg(long, value_name = "SID")]
    pub twilio_messaging_service: Option<String>,
    /// Twilio's address, if not https://api.twilio.com.
    #[arg(long, value_name = "URL")]
    pub twilio_endpoint: Option<String>,
}

fn read(path: &PathBuf, what: &str) -> Result<String, String> {
    std::fs::read_to_string(path).map_err(|e| format!("cannot read {what} {}: {e}", path.display()))
}

impl GatewayArgs {
    /// What the command line left out, from the config file's `[serve]` table.
    pub fn or_from_file(mut self) -> Self {
        let file = &config::serve().gateways;
        macro_rules! fill {
            ($($field:ident),*) => {$(
                if self.$field.is_none() {
                    self.$field = file.$field.clone();
                }
            )*};
        }
        fill!(
            fcm_service_account,
            fcm_endpoint,
            apns_key,
            apns_key_id,
            apns_team_id,
            apns_topic,
            apns_endpoint,
            twilio_account_sid,
            twilio_auth_token_file,
            sms_from,
            twilio_messaging_service,
            twilio_endpoint
        );
        self.apns_development |= file.apns_development;
        self
    }

    /// The service's configuration with the gateways given; the names of those in
    /// use, for the start-up lines.
    pub fn apply(
        &self,
        mut service: ServiceConfig,
    ) -> Result<(ServiceConfig, Vec<&'static str>), String> {
        let mut used = Vec::new();
        let fcm = match &self.fcm_service_account {
            None => None,
            Some(path) => {
                let account = ServiceAccount::from_json(&read(path, "the FCM service account")?)
                    .map_err(|e| e.to_string())?;
                used.push("FCM");
                Some(Fcm::new(account, self.fcm_endpoint.as_deref()).map_err(|e| e.to_string())?)
            }
        };
        let apns = match (&self.apns_key, &self.apns_key_id, &self.apns_team_id, &self.apns_topic) {
            (Some(path), Some(key_id), Some(team_id), Some(topic)) => {
                let key = ApnsKey {
                    team_id: team_id.clone(),
                    key_id: key_id.clone(),
                    p8: read(path, "the APNs key")?,
                    topic: topic.clone(),
                };
                let default =
                    if self.apns_development { APNS_DEVELOPMENT } else { APNS_PRODUCTION };
                let endpoint = self.apns_endpoint.as_deref().unwrap_or(default);
                used.push("APNs");
                Some(Apns::new(key, endpoint).map_err(|e| e.to_string())?)
            }
            (None, None, None, None) => None,
            _ => {
                return Err(
                    "APNs needs --apns-key, --apns-key-id, --apns-team-id and --apns-topic".into(),
                );
            }
        };
        if fcm.is_some() || apns.is_some() {
            service = service.with_push(Arc::new(PushGateways { fcm, apns }));
        }
        if let Some(sid) = &self.twilio_account_sid {
            let token_file =
                self.twilio_auth_token_file.as_ref().ok_or("--twilio-auth-token-file is needed")?;
            let token = read(token_file, "the Twilio auth token")?;
            let sender = match (&self.sms_from, &self.twilio_messaging_service) {
                (Some(from), None) => SmsSender::From(from.clone()),
                (None, Some(service)) => SmsSender::MessagingService(service.clone()),
                _ => return Err("Twilio needs --sms-from or --twilio-messaging-service".into()),
            };
            let twilio = Twilio::new(sid, &token, sender, self.twilio_endpoint.as_deref())
                .map_err(|e| e.to_string())?;
            service = service.with_sms(Arc::new(twilio));
            used.push("Twilio SMS");
        }
        Ok((service, used))
    }
}

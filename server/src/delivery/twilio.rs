//! SMS through Twilio's Programmable Messaging API (`POST
//! /2010-04-01/Accounts/{AccountSid}/Messages.json`, HTTP Basic with the account's
//! SID and auth token), a widely used SMS API; the sender is a phone number or a
//! Messaging Service.
//!
//! Twilio's answers are acted on: a number it cannot reach (error 21211, 21612,
//! 21614, or unsubscribed 21610) is given up on; `429` and `5xx` are retried with
//! the outbox's backoff; wrong credentials are retried too (the operator fixes
//! them; messages wait meanwhile) and logged.

use serde::Deserialize;

use super::gateways::{GatewayError, SmsMessage};
use super::https::{self, GatewayConfigError};

/// Twilio's own address.
pub const TWILIO_ENDPOINT: &str = "https://api.twilio.com";

/// Who the SMS comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Sender {
    /// A number of the account, E.164 (`+34…`), or an alphanumeric sender id.
    From(String),
    /// A Messaging Service (`MG…`), which picks the number.
    MessagingService(String),
}

/// The Twilio gateway.
pub struct Twilio {
    http: reqwest::Client,
    url: String,
    account_sid: String,
    auth_token: String,
    sender: Sender,
}

impl std::fmt::Debug for Twilio {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Twilio")
            .field("url", &self.url)
            .field("sender", &self.sender)
            .finish_non_exhaustive()
    }
}

#[derive(Deserialize, Default)]
struct ErrorBody {
    #[serde(default)]
    code: i64,
    #[serde(default)]
    message: String,
}

/// Twilio error codes for a number that will never take this SMS.
const UNREACHABLE: [i64; 5] = [21211, 21408, 21610, 21612, 21614];

impl Twilio {
    pub fn new(
        account_sid: &str,
        auth_token: &str,
        sender: Sender,
        endpoint: Option<&str>,
    ) -> Result<Twilio, GatewayConfigError> {
        let base = https::endpoint("the Twilio endpoint", endpoint.unwrap_or(TWILIO_ENDPOINT))?;
        let sid_ok = account_sid.len() == 34
            && account_sid.starts_with("AC")
            && account_sid.bytes().all(|b| b.is_ascii_alphanumeric());
        if !sid_ok {
            return Err(GatewayConfigError::invalid(
                "the Twilio account SID",
                "AC and 32 characters",
            ));
        }
        if auth_token.trim().is_empty() {
            return Err(GatewayConfigError::invalid("the Twilio auth token", "it is empty"));
        }
        let url = format!(
            "{}/2010-04-01/Accounts/{account_sid}/Messages.json",
            base.as_str().trim_end_matches('/')
        );
        Ok(Twilio {
            http: https::client(&base, false)?,
            url,
            account_sid: account_sid.to_owned(),
            auth_token: auth_token.trim().to_owned(),
            sender,
        })
    }

    /// Sends one SMS.
    pub async fn send(&self, message: &SmsMessage) -> Result<(), GatewayError> {
        let body = {
            let mut form = url::form_urlencoded::Serializer::new(String::new());
            form.append_pair("To", message.to.as_str()).append_pair("Body", &message.text);
            match &self.sender {
                Sender::From(from) => form.append_pair("From", from),
                Sender::MessagingService(sid) => form.append_pair("MessagingServiceSid", sid),
            };
            form.finish()
        };
        let resp = self
            .http
            .post(&self.url)
            .basic_auth(&self.account_sid, Some(&self.auth_token))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body)
            .send()
            .await
            .map_err(|e| https::unavailable("Twilio", &e))?;
        let status = resp.status();
        if status.is_success() {
            return Ok(());
        }
        let body: ErrorBody = resp.json().await.unwrap_or_default();
        if status == reqwest::StatusCode::UNAUTHORIZED || status == reqwest::StatusCode::FORBIDDEN {
            tracing::error!(%status, code = body.code, "Twilio refused the account's credentials");
            return Err(GatewayError::Unavailable(format!("Twilio answered {status}")));
        }
        if UNREACHABLE.contains(&body.code) {
            return Err(GatewayError::Refused(format!("Twilio {}: {}", body.code, body.message)));
        }
        Err(https::by_status("Twilio", status, &format!("{} {}", body.code, body.message)))
    }
}

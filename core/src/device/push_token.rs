//! The platform's push token. The platform hands the app a new one whenever it likes,
//! often in the background with every citizen locked; registering it needs a signed
//! request, which needs the citizen unlocked. So the token is kept in the store first
//! and registered for each citizen as soon as they are unlocked (now, or on their
//! next [`Device::pull`]), and nothing is lost in between, across restarts too.

use clavepin_protocol::DocumentNumber;
use clavepin_protocol::wire::{PushPlatform, RegisterPushToken};
use reqwest::Method;

use super::Device;
use crate::error::{CoreError, CoreResult};
use crate::store::CitizenState;

/// Longest token accepted: the service takes at most 4096 bytes (docs/PROTOCOL.md).
const MAX_TOKEN_BYTES: usize = 4096;

/// Where a new push token stands, citizen by citizen.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct PushTokenReport {
    /// The service has it for these citizens.
    pub registered: Vec<DocumentNumber>,
    /// Kept for these, registered when each is next unlocked (or back online).
    pub pending: Vec<DocumentNumber>,
}

impl Device {
    /// Keeps the push token the platform gave the app and registers it for every
    /// unlocked citizen; the others get it when next unlocked. Never needs the pattern.
    pub async fn register_push_token(
        &self,
        platform: PushPlatform,
        token: &str,
    ) -> CoreResult<PushTokenReport> {
        if token.is_empty()
            || token.len() > MAX_TOKEN_BYTES
            || token.chars().any(|c| c.is_control() || c.is_whitespace())
        {
            return Err(CoreError::InvalidPushToken);
        }
        self.store().save_push_token(platform, token)?;
        let citizens = self.store().citizens()?;
        let mut report = PushTokenReport { registered: Vec::new(), pending: Vec::new() };
        for citizen in citizens.into_iter().filter(|c| c.state == CitizenState::Active) {
            match self.sync_push_token(&citizen.document).await {
                Ok(true) => report.registered.push(citizen.document),
                Ok(false) | Err(CoreError::Offline(_) | CoreError::Locked) => {
                    report.pending.push(citizen.document);
                }
                Err(CoreError::DeviceReplaced | CoreError::DeviceRemoved) => {}
                Err(e) => return Err(e),
            }
        }
        Ok(report)
    }

    /// Registers the kept token for an unlocked citizen if the service does not have
    /// it yet. `Ok(false)`: the citizen is locked, nothing sent.
    pub(crate) async fn sync_push_token(&self, document: &DocumentNumber) -> CoreResult<bool> {
        let Ok(session) = self.session(document) else { return Ok(false) };
        let (token, sent) = {
            let store = self.store();
            (store.push_token()?, store.push_token_sent(document)?)
        };
        let Some(token) = token else { return Ok(true) };
        if sent == token.version {
            return Ok(true);
        }
        let body = RegisterPushToken { platform: token.platform, token: token.token };
        let sent: Result<(), _> = self
            .client()
            .signed(session.signer(), Method::PUT, "/device/push-token", Some(&body))
            .await;
        match sent.map_err(CoreError::from) {
            Ok(()) => {
                self.store().mark_push_token_sent(document, token.version)?;
                Ok(true)
            }
            Err(e @ (CoreError::DeviceReplaced | CoreError::DeviceRemoved)) => {
                self.store().mark_replaced(document)?;
                self.notify_changed();
                Err(e)
            }
            Err(e) => Err(e),
        }
    }
}

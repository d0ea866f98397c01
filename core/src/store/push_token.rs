//! The platform's push token, and which citizens have registered it with the service.

use clavepin_protocol::DocumentNumber;
use clavepin_protocol::wire::PushPlatform;
use rusqlite::{OptionalExtension, params};

use super::{Store, StoreError};

/// The push token the platform gave the app.
#[derive(Clone, PartialEq, Eq)]
pub struct StoredPushToken {
    /// FCM or APNs.
    pub platform: PushPlatform,
    /// The token.
    pub token: String,
    /// Grows with every new token, so a citizen who registered an older one is behind.
    pub version: i64,
}

impl std::fmt::Debug for StoredPushToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StoredPushToken").field("platform", &self.platform).finish_non_exhaustive()
    }
}

const AAD: &str = "push_token:token";

fn platform_text(platform: PushPlatform) -> &'static str {
    match platform {
        PushPlatform::Fcm => "fcm",
        PushPlatform::Apns => "apns",
    }
}

impl Store {
    /// Keeps a new push token (replacing the old one) and returns its version. The
    /// same token again keeps its version: nobody has to register it twice.
    pub fn save_push_token(
        &self,
        platform: PushPlatform,
        token: &str,
    ) -> Result<StoredPushToken, StoreError> {
        if let Some(current) = self.push_token()?
            && current.platform == platform
            && current.token == token
        {
            return Ok(current);
        }
        let sealed = self.seal(AAD, token.as_bytes())?;
        self.conn.execute(
            "INSERT INTO push_token (slot, platform, token, version) VALUES (1, ?1, ?2, 1)
             ON CONFLICT (slot) DO UPDATE SET platform = ?1, token = ?2, version = version + 1",
            params![platform_text(platform), sealed],
        )?;
        self.push_token()?.ok_or(StoreError::Corrupt("push token"))
    }

    /// The push token, if the platform gave one.
    pub fn push_token(&self) -> Result<Option<StoredPushToken>, StoreError> {
        let row: Option<(String, Vec<u8>, i64)> = self
            .conn
            .query_row("SELECT platform, token, version FROM push_token", [], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?))
            })
            .optional()?;
        let Some((platform, sealed, version)) = row else { return Ok(None) };
        let platform = match platform.as_str() {
            "fcm" => PushPlatform::Fcm,
            "apns" => PushPlatform::Apns,
            _ => return Err(StoreError::Corrupt("push platform")),
        };
        let token = String::from_utf8(self.open_sealed(AAD, &sealed)?.to_vec())
            .map_err(|_| StoreError::Corrupt("push token"))?;
        Ok(Some(StoredPushToken { platform, token, version }))
    }

    /// The token version a citizen last registered (0: none).
    pub fn push_token_sent(&self, document: &DocumentNumber) -> Result<i64, StoreError> {
        Ok(self
            .conn
            .query_row(
                "SELECT push_token_sent FROM citizens WHERE document = ?1",
                [document.as_str()],
                |r| r.get(0),
            )
            .optional()?
            .unwrap_or(0))
    }

    /// The service now has this token version for the citizen.
    pub fn mark_push_token_sent(
        &self,
        document: &DocumentNumber,
        version: i64,
    ) -> Result<(), StoreError> {
        self.conn.execute(
            "UPDATE citizens SET push_token_sent = ?2 WHERE document = ?1",
            params![document.as_str(), version],
        )?;
        Ok(())
    }
}

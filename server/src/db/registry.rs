//! What the registry rules need from storage: the census, registered citizens, the
//! guard's failed claims, invitation letters and the letters posted, and the
//! operator's pages.

use chrono::NaiveDate;
use clavepin_protocol::wire::{CensusRecord, RegisteredCitizen};
use clavepin_protocol::{ContrastData, DocumentNumber};
use rusqlite::{Connection, OptionalExtension, params};

use super::{StoreError, StoreResult};
use crate::time::from_millis;

/// A live invitation letter: its row, the keyed hash of its code, expiry and tries.
#[derive(Debug)]
pub struct LiveInvitation {
    pub id: i64,
    pub csv_hash: Vec<u8>,
    pub expires_at: i64,
    pub tries: i64,
}

pub trait RegistryStore {
    fn upsert_census(&self, record: &CensusRecord, contrast_json: &str, at: i64)
    -> StoreResult<()>;
    fn census_record(&self, document: &DocumentNumber) -> StoreResult<Option<CensusRecord>>;
    /// The registered citizen's mobile, as stored.
    fn citizen_mobile(&self, document: &DocumentNumber) -> StoreResult<Option<String>>;
    fn citizen_email(&self, document: &DocumentNumber) -> StoreResult<Option<String>>;
    fn insert_citizen(
        &self,
        document: &DocumentNumber,
        mobile: &str,
        email: &str,
        channel: &str,
        at: i64,
    ) -> StoreResult<()>;
    /// Failed claims for a document after `since`, and the oldest of them.
    /// Failed claims for `document` after `since`, from anyone: how many, and when
    /// the latest was.
    fn claim_failures_since(
        &self,
        document: &DocumentNumber,
        since: i64,
    ) -> StoreResult<(i64, Option<i64>)>;
    /// Failed claims from `client` after `since` (for `document` only, if given): how
    /// many, and when the oldest was.
    fn client_claim_failures_since(
        &self,
        client: &str,
        document: Option<&DocumentNumber>,
        since: i64,
    ) -> StoreResult<(i64, Option<i64>)>;
    fn insert_claim_failure(
        &self,
        document: &DocumentNumber,
        client: &str,
        at: i64,
    ) -> StoreResult<()>;
    fn prune_claim_failures(&self, before: i64) -> StoreResult<usize>;
    fn void_live_invitations(&self, document: &DocumentNumber) -> StoreResult<()>;
    /// Letters posted for `document` after `since`: how many, and when the oldest was.
    fn invitations_since(
        &self,
        document: &DocumentNumber,
        since: i64,
    ) -> StoreResult<(i64, Option<i64>)>;
    fn insert_invitation(
        &self,
        document: &DocumentNumber,
        csv_hash: &[u8],
        expires_at: i64,
        at: i64,
    ) -> StoreResult<()>;
    fn live_invitation(&self, document: &DocumentNumber) -> StoreResult<Option<LiveInvitation>>;
    fn void_invitation(&self, id: i64) -> StoreResult<()>;
    /// A wrong code: one more try, and the letter void when `void`.
    fn count_invitation_try(&self, id: i64, void: bool) -> StoreResult<()>;
    fn use_invitation(&self, id: i64) -> StoreResult<()>;
    /// A letter for the post (its outbox is what an operator prints).
    /// Posts a letter (its text sealed for the letters outbox).
    fn post_letter(
        &self,
        to_name: &str,
        address: &str,
        text: &crate::delivery::sealing::SealedText,
        at: i64,
    ) -> StoreResult<()>;
    fn census_page(&self, after: &str, page: i64) -> StoreResult<Vec<CensusRecord>>;
    fn citizens_page(&self, after: &str, page: i64) -> StoreResult<Vec<RegisteredCitizen>>;
}

pub(super) fn census_row(
    document: &str,
    full_name: String,
    birth_date: &str,
    contrast: &str,
    fiscal_address: String,
) -> StoreResult<CensusRecord> {
    let corrupt = || StoreError::Corrupt("census row");
    Ok(CensusRecord {
        document: DocumentNumber::parse(document).map_err(|_| corrupt())?,
        full_name,
        birth_date: birth_date.parse::<NaiveDate>().map_err(|_| corrupt())?,
        contrast: serde_json::from_str::<ContrastData>(contrast).map_err(|_| corrupt())?,
        fiscal_address,
    })
}

impl RegistryStore for Connection {
    fn upsert_census(&self, r: &CensusRecord, contrast_json: &str, at: i64) -> StoreResult<()> {
        self.prepare_cached(
            "INSERT INTO census (document, full_name, birth_date, contrast, fiscal_address, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)
             ON CONFLICT(document) DO UPDATE SET full_name = ?2, birth_date = ?3, contrast = ?4,
                 fiscal_address = ?5, updated_at = ?6",
        )?
        .execute(params![
            r.document.as_str(),
            r.full_name.trim(),
            r.birth_date.to_string(),
            contrast_json,
            r.fiscal_address.trim(),
            at
        ])?;
        Ok(())
    }

    fn census_record(&self, document: &DocumentNumber) -> StoreResult<Option<CensusRecord>> {
        let row = self
            .prepare_cached("SELECT full_name, birth_date, contrast, fiscal_address FROM census WHERE document = ?1")?
            .query_row([document.as_str()], |r| {
                Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?, r.get::<_, String>(3)?))
            })
            .optional()?;
        row.map(|(full_name, birth_date, contrast, address)| {
            census_row(document.as_str(), full_name, &birth_date, &contrast, address)
        })
        .transpose()
    }

    fn citizen_mobile(&self, document: &DocumentNumber) -> StoreResult<Option<String>> {
        Ok(self
            .prepare_cached("SELECT mobile FROM citizens WHERE document = ?1")?
            .query_row([document.as_str()], |r| r.get(0))
            .optional()?)
    }

    fn citizen_email(&self, document: &DocumentNumber) -> StoreResult<Option<String>> {
        Ok(self
            .prepare_cached("SELECT email FROM citizens WHERE document = ?1")?
            .query_row([document.as_str()], |r| r.get(0))
            .optional()?)
    }

    fn insert_citizen(
        &self,
        document: &DocumentNumber,
        mobile: &str,
        email: &str,
        channel: &str,
        at: i64,
    ) -> StoreResult<()> {
        self.prepare_cached(
            "INSERT INTO citizens (document, mobile, email, channel, registered_at) VALUES (?1, ?2, ?3, ?4, ?5)",
        )?
        .execute(params![document.as_str(), mobile, email, channel, at])?;
        Ok(())
    }

    fn claim_failures_since(
        &self,
        document: &DocumentNumber,
        since: i64,
    ) -> StoreResult<(i64, Option<i64>)> {
        Ok(self
            .prepare_cached(
                "SELECT count(*), max(failed_at) FROM claim_failures WHERE document = ?1 AND failed_at > ?2",
            )?
            .query_row(params![document.as_str(), since], |r| Ok((r.get(0)?, r.get(1)?)))?)
    }

    fn client_claim_failures_since(
        &self,
        client: &str,
        document: Option<&DocumentNumber>,
        since: i64,
    ) -> StoreResult<(i64, Option<i64>)> {
        let row = |r: &rusqlite::Row<'_>| Ok((r.get(0)?, r.get(1)?));
        Ok(match document {
            Some(document) => self
                .prepare_cached(
                    "SELECT count(*), min(failed_at) FROM claim_failures \
                     WHERE document = ?1 AND client = ?2 AND failed_at > ?3",
                )?
                .query_row(params![document.as_str(), client, since], row)?,
            None => self
                .prepare_cached(
                    "SELECT count(*), min(failed_at) FROM claim_failures \
                     WHERE client = ?1 AND failed_at > ?2",
                )?
                .query_row(params![client, since], row)?,
        })
    }

    fn insert_claim_failure(
        &self,
        document: &DocumentNumber,
        client: &str,
        at: i64,
    ) -> StoreResult<()> {
        self.prepare_cached(
            "INSERT INTO claim_failures (document, client, failed_at) VALUES (?1, ?2, ?3)",
        )?
        .execute(params![document.as_str(), client, at])?;
        Ok(())
    }

    fn prune_claim_failures(&self, before: i64) -> StoreResult<usize> {
        Ok(self
            .prepare_cached("DELETE FROM claim_failures WHERE failed_at < ?1")?
            .execute([before])?)
    }

    fn invitations_since(
        &self,
        document: &DocumentNumber,
        since: i64,
    ) -> StoreResult<(i64, Option<i64>)> {
        Ok(self
            .prepare_cached(
                "SELECT count(*), min(created_at) FROM invitations WHERE document = ?1 AND created_at > ?2",
            )?
            .query_row(params![document.as_str(), since], |r| Ok((r.get(0)?, r.get(1)?)))?)
    }

    fn void_live_invitations(&self, document: &DocumentNumber) -> StoreResult<()> {
        self.prepare_cached(
            "UPDATE invitations SET state = 'void' WHERE document = ?1 AND state = 'live'",
        )?
        .execute([document.as_str()])?;
        Ok(())
    }

    fn insert_invitation(
        &self,
        document: &DocumentNumber,
        csv_hash: &[u8],
        expires_at: i64,
        at: i64,
    ) -> StoreResult<()> {
        self.prepare_cached(
            "INSERT INTO invitations (document, csv_hash, expires_at, state, created_at) VALUES (?1, ?2, ?3, 'live', ?4)",
        )?
        .execute(params![document.as_str(), csv_hash, expires_at, at])?;
        Ok(())
    }

    fn live_invitation(&self, document: &DocumentNumber) -> StoreResult<Option<LiveInvitation>> {
        Ok(self
            .prepare_cached(
                "SELECT id, csv_hash, expires_at, tries FROM invitations WHERE document = ?1 AND state = 'live'",
            )?
            .query_row([document.as_str()], |r| {
                Ok(LiveInvitation { id: r.get(0)?, csv_hash: r.get(1)?, expires_at: r.get(2)?, tries: r.get(3)? })
            })
            .optional()?)
    }

    fn void_invitation(&self, id: i64) -> StoreResult<()> {
        self.prepare_cached("UPDATE invitations SET state = 'void' WHERE id = ?1")?
            .execute([id])?;
        Ok(())
    }

    fn count_invitation_try(&self, id: i64, void: bool) -> StoreResult<()> {
        let state = if void { "void" } else { "live" };
        self.prepare_cached("UPDATE invitations SET tries = tries + 1, state = ?2 WHERE id = ?1")?
            .execute(params![id, state])?;
        Ok(())
    }

    fn use_invitation(&self, id: i64) -> StoreResult<()> {
        self.prepare_cached("UPDATE invitations SET state = 'used' WHERE id = ?1")?
            .execute([id])?;
        Ok(())
    }

    fn post_letter(
        &self,
        to_name: &str,
        address: &str,
        text: &crate::delivery::sealing::SealedText,
        at: i64,
    ) -> StoreResult<()> {
        self.prepare_cached(
            "INSERT INTO letters (to_name, address, text, sent_at) VALUES (?1, ?2, ?3, ?4)",
        )?
        .execute(params![to_name, address, text.as_stored(), at])?;
        Ok(())
    }

    fn census_page(&self, after: &str, page: i64) -> StoreResult<Vec<CensusRecord>> {
        let mut stmt = self.prepare_cached(
            "SELECT document, full_name, birth_date, contrast, fiscal_address FROM census
             WHERE document > ?1 ORDER BY document LIMIT ?2",
        )?;
        let rows = stmt.query_map(params![after, page], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
                r.get(4)?,
            ))
        })?;
        rows.map(|row| {
            let (document, full_name, birth_date, contrast, address) = row?;
            census_row(&document, full_name, &birth_date, &contrast, address)
        })
        .collect()
    }

    fn citizens_page(&self, after: &str, page: i64) -> StoreResult<Vec<RegisteredCitizen>> {
        let mut stmt = self.prepare_cached(
            "SELECT c.document, c.mobile, c.channel, c.registered_at,
                    EXISTS (SELECT 1 FROM devices d WHERE d.document = c.document AND d.state = 'active')
             FROM citizens c WHERE c.document > ?1 ORDER BY c.document LIMIT ?2",
        )?;
        let rows = stmt.query_map(params![after, page], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
        })?;
        rows.map(|row| {
            let (document, mobile, channel, registered_at, app): (
                String,
                String,
                String,
                i64,
                bool,
            ) = row?;
            let tail: String =
                mobile.chars().rev().take(2).collect::<Vec<_>>().into_iter().rev().collect();
            Ok(RegisteredCitizen {
                document: DocumentNumber::parse(&document)
                    .map_err(|_| StoreError::Corrupt("citizen row"))?,
                mobile_hint: format!("•••••••{tail}"),
                channel,
                registered_at: from_millis(registered_at),
                app_activated: app,
            })
        })
        .collect()
    }
}

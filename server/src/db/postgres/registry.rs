//! The registry's storage on PostgreSQL (the SQLite version is in db/registry.rs).

use clavepin_protocol::DocumentNumber;
use clavepin_protocol::wire::{CensusRecord, RegisteredCitizen};

use super::{Params, Pg};
use crate::db::registry::{LiveInvitation, RegistryStore, census_row};
use crate::db::{StoreError, StoreResult};
use crate::delivery::sealing::SealedText;
use crate::time::from_millis;

/// A count and a time, from a query returning one row of both.
fn count_and_time(pg: &Pg<'_>, sql: &str, params: Params<'_>) -> StoreResult<(i64, Option<i64>)> {
    let r = pg.query_one(sql, params)?;
    Ok((r.try_get(0)?, r.try_get(1)?))
}

impl RegistryStore for Pg<'_> {
    fn upsert_census(&self, r: &CensusRecord, contrast_json: &str, at: i64) -> StoreResult<()> {
        self.execute(
            "INSERT INTO census (document, full_name, birth_date, contrast, fiscal_address, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6)
             ON CONFLICT (document) DO UPDATE SET full_name = $2, birth_date = $3, contrast = $4,
                 fiscal_address = $5, updated_at = $6",
            &[
                &r.document.as_str(),
                &r.full_name.trim(),
                &r.birth_date.to_string(),
                &contrast_json,
                &r.fiscal_address.trim(),
                &at,
            ],
        )?;
        Ok(())
    }

    fn census_record(&self, document: &DocumentNumber) -> StoreResult<Option<CensusRecord>> {
        self.query_opt(
            "SELECT full_name, birth_date, contrast, fiscal_address FROM census WHERE document = $1",
            &[&document.as_str()],
        )?
        .map(|r| {
            census_row(
                document.as_str(),
                r.try_get(0)?,
                r.try_get(1)?,
                r.try_get(2)?,
                r.try_get(3)?,
            )
        })
        .transpose()
    }

    fn citizen_mobile(&self, document: &DocumentNumber) -> StoreResult<Option<String>> {
        self.query_opt("SELECT mobile FROM citizens WHERE document = $1", &[&document.as_str()])?
            .map(|r| Ok(r.try_get(0)?))
            .transpose()
    }

    fn citizen_email(&self, document: &DocumentNumber) -> StoreResult<Option<String>> {
        self.query_opt("SELECT email FROM citizens WHERE document = $1", &[&document.as_str()])?
            .map(|r| Ok(r.try_get(0)?))
            .transpose()
    }

    fn insert_citizen(
        &self,
        document: &DocumentNumber,
        mobile: &str,
        email: &str,
        channel: &str,
        at: i64,
    ) -> StoreResult<()> {
        self.execute(
            "INSERT INTO citizens (document, mobile, email, channel, registered_at) VALUES ($1, $2, $3, $4, $5)",
            &[&document.as_str(), &mobile, &email, &channel, &at],
        )?;
        Ok(())
    }

    fn claim_failures_since(
        &self,
        document: &DocumentNumber,
        since: i64,
    ) -> StoreResult<(i64, Option<i64>)> {
        count_and_time(
            self,
            "SELECT count(*), max(failed_at) FROM claim_failures WHERE document = $1 AND failed_at > $2",
            &[&document.as_str(), &since],
        )
    }

    fn client_claim_failures_since(
        &self,
        client: &str,
        document: Option<&DocumentNumber>,
        since: i64,
    ) -> StoreResult<(i64, Option<i64>)> {
        match document {
            Some(document) => count_and_time(
                self,
                "SELECT count(*), min(failed_at) FROM claim_failures \
                 WHERE document = $1 AND client = $2 AND failed_at > $3",
                &[&document.as_str(), &client, &since],
            ),
            None => count_and_time(
                self,
                "SELECT count(*), min(failed_at) FROM claim_failures \
                 WHERE client = $1 AND failed_at > $2",
                &[&client, &since],
            ),
        }
    }

    fn insert_claim_failure(
        &self,
        document: &DocumentNumber,
        client: &str,
        at: i64,
    ) -> StoreResult<()> {
        self.execute(
            "INSERT INTO claim_failures (document, client, failed_at) VALUES ($1, $2, $3)",
            &[&document.as_str(), &client, &at],
        )?;
        Ok(())
    }

    fn prune_claim_failures(&self, before: i64) -> StoreResult<usize> {
        self.execute("DELETE FROM claim_failures WHERE failed_at < $1", &[&before])
    }

    fn invitations_since(
        &self,
        document: &DocumentNumber,
        since: i64,
    ) -> StoreResult<(i64, Option<i64>)> {
        count_and_time(
            self,
            "SELECT count(*), min(created_at) FROM invitations WHERE document = $1 AND created_at > $2",
            &[&document.as_str(), &since],
        )
    }

    fn void_live_invitations(&self, document: &DocumentNumber) -> StoreResult<()> {
        self.execute(
            "UPDATE invitations SET state = 'void' WHERE document = $1 AND state = 'live'",
            &[&document.as_str()],
        )?;
        Ok(())
    }

    fn insert_invitation(
        &self,
        document: &DocumentNumber,
        csv_hash: &[u8],
        expires_at: i64,
        at: i64,
    ) -> StoreResult<()> {
        self.execute(
            "INSERT INTO invitations (document, csv_hash, expires_at, state, created_at) VALUES ($1, $2, $3, 'live', $4)",
            &[&document.as_str(), &csv_hash, &expires_at, &at],
        )?;
        Ok(())
    }

    fn live_invitation(&self, document: &DocumentNumber) -> StoreResult<Option<LiveInvitation>> {
        // SQLite's query_row takes the first row (the oldest, by the index) should there
        // be several; query_opt would fail instead.
        self.query_opt(
            "SELECT id, csv_hash, expires_at, tries FROM invitations WHERE document = $1 AND state = 'live'
             ORDER BY id LIMIT 1",
            &[&document.as_str()],
        )?
        .map(|r| {
            Ok(LiveInvitation {
                id: r.try_get(0)?,
                csv_hash: r.try_get(1)?,
                expires_at: r.try_get(2)?,
                tries: r.try_get(3)?,
            })
        })
        .transpose()
    }

    fn void_invitation(&self, id: i64) -> StoreResult<()> {
        self.execute("UPDATE invitations SET state = 'void' WHERE id = $1", &[&id])?;
        Ok(())
    }

    fn count_invitation_try(&self, id: i64, void: bool) -> StoreResult<()> {
        let state = if void { "void" } else { "live" };
        self.execute(
            "UPDATE invitations SET tries = tries + 1, state = $2 WHERE id = $1",
            &[&id, &state],
        )?;
        Ok(())
    }

    fn use_invitation(&self, id: i64) -> StoreResult<()> {
        self.execute("UPDATE invitations SET state = 'used' WHERE id = $1", &[&id])?;
        Ok(())
    }

    fn post_letter(
        &self,
        to_name: &str,
        address: &str,
        text: &SealedText,
        at: i64,
    ) -> StoreResult<()> {
        self.execute(
            "INSERT INTO letters (to_name, address, text, sent_at) VALUES ($1, $2, $3, $4)",
            &[&to_name, &address, &text.as_stored(), &at],
        )?;
        Ok(())
    }

    fn census_page(&self, after: &str, page: i64) -> StoreResult<Vec<CensusRecord>> {
        self.query(
            "SELECT document, full_name, birth_date, contrast, fiscal_address FROM census
             WHERE document > $1 ORDER BY document LIMIT $2",
            &[&after, &page],
        )?
        .iter()
        .map(|r| {
            census_row(r.try_get(0)?, r.try_get(1)?, r.try_get(2)?, r.try_get(3)?, r.try_get(4)?)
        })
        .collect()
    }

    fn citizens_page(&self, after: &str, page: i64) -> StoreResult<Vec<RegisteredCitizen>> {
        self.query(
            "SELECT c.document, c.mobile, c.channel, c.registered_at,
                    EXISTS (SELECT 1 FROM devices d WHERE d.document = c.document AND d.state = 'active')
             FROM citizens c WHERE c.document > $1 ORDER BY c.document LIMIT $2",
            &[&after, &page],
        )?
        .iter()
        .map(|r| {
            let mobile: &str = r.try_get(1)?;
            let tail = mobile.char_indices().rev().nth(1).map_or(mobile, |(i, _)| &mobile[i..]);
            Ok(RegisteredCitizen {
                document: DocumentNumber::parse(r.try_get(0)?)
                    .map_err(|_| StoreError::Corrupt("citizen row"))?,
                mobile_hint: format!("•••••••{tail}"),
                channel: r.try_get(2)?,
                registered_at: from_millis(r.try_get(3)?),
                app_activated: r.try_get(4)?,
            })
        })
        .collect()
    }
}

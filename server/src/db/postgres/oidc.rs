//! The OpenID Connect provider's storage on PostgreSQL (the SQLite version is in
//! db/oidc.rs).

use postgres::Row;

use super::Pg;
use crate::db::StoreResult;
use crate::db::oidc::{CLIENT_COLUMNS, ClientRow, CodeRow, KeyRow, OidcStore, TokenRow};

fn client_from_row(r: &Row) -> StoreResult<ClientRow> {
    Ok(ClientRow {
        id: r.try_get(0)?,
        name: r.try_get(1)?,
        redirect_uris: r.try_get(2)?,
        post_logout_redirect_uris: r.try_get(3)?,
        scopes: r.try_get(4)?,
        auth_method: r.try_get(5)?,
        secret_hash: r.try_get(6)?,
        public_jwk: r.try_get(7)?,
        registered_at: r.try_get(8)?,
    })
}

impl OidcStore for Pg<'_> {
    fn insert_client(&self, c: &ClientRow) -> StoreResult<()> {
        self.execute(
            &format!(
                "INSERT INTO oidc_clients ({CLIENT_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)"
            ),
            &[
                &c.id,
                &c.name,
                &c.redirect_uris,
                &c.post_logout_redirect_uris,
                &c.scopes,
                &c.auth_method,
                &c.secret_hash,
                &c.public_jwk,
                &c.registered_at,
            ],
        )?;
        Ok(())
    }

    fn client(&self, id: &str) -> StoreResult<Option<ClientRow>> {
        self.query_opt(&format!("SELECT {CLIENT_COLUMNS} FROM oidc_clients WHERE id = $1"), &[&id])?
            .as_ref()
            .map(client_from_row)
            .transpose()
    }

    fn clients(&self) -> StoreResult<Vec<ClientRow>> {
        // COLLATE "C": SQLite compares text bytewise, PostgreSQL by the database's locale.
        self.query(
            &format!(
                "SELECT {CLIENT_COLUMNS} FROM oidc_clients ORDER BY registered_at, id COLLATE \"C\""
            ),
            &[],
        )?
        .iter()
        .map(client_from_row)
        .collect()
    }

    fn delete_client(&self, id: &str) -> StoreResult<bool> {
        Ok(self.execute("DELETE FROM oidc_clients WHERE id = $1", &[&id])? > 0)
    }

    fn insert_signing_key(&self, k: &KeyRow) -> StoreResult<()> {
        self.execute(
            "INSERT INTO oidc_signing_keys (kid, sealed_pkcs8, x, y, created_at, signs_from, retired_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
            &[&k.kid, &k.sealed_pkcs8, &k.x, &k.y, &k.created_at, &k.signs_from, &k.retired_at],
        )?;
        Ok(())
    }

    fn signing_keys(&self) -> StoreResult<Vec<KeyRow>> {
        self.query(
            "SELECT kid, sealed_pkcs8, x, y, created_at, signs_from, retired_at
             FROM oidc_signing_keys ORDER BY signs_from, created_at",
            &[],
        )?
        .iter()
        .map(|r| {
            Ok(KeyRow {
                kid: r.try_get(0)?,
                sealed_pkcs8: r.try_get(1)?,
                x: r.try_get(2)?,
                y: r.try_get(3)?,
                created_at: r.try_get(4)?,
                signs_from: r.try_get(5)?,
                retired_at: r.try_get(6)?,
            })
        })
        .collect()
    }

    fn retire_signing_key(&self, kid: &str, at: i64) -> StoreResult<()> {
        self.execute(
            "UPDATE oidc_signing_keys SET retired_at = $2 WHERE kid = $1 AND retired_at IS NULL",
            &[&kid, &at],
        )?;
        Ok(())
    }

    fn delete_signing_keys_retired_before(&self, at: i64) -> StoreResult<()> {
        self.execute("DELETE FROM oidc_signing_keys WHERE retired_at < $1", &[&at])?;
        Ok(())
    }

    fn insert_code(&self, hash: &[u8], c: &CodeRow) -> StoreResult<()> {
        self.execute(
            "INSERT INTO oidc_codes (code_hash, client_id, redirect_uri, code_challenge, claims, issued_at)
             VALUES ($1, $2, $3, $4, $5, $6)",
            &[&hash, &c.client_id, &c.redirect_uri, &c.code_challenge, &c.claims, &c.issued_at],
        )?;
        Ok(())
    }

    fn code(&self, hash: &[u8]) -> StoreResult<Option<CodeRow>> {
        self.query_opt(
            "SELECT client_id, redirect_uri, code_challenge, claims, issued_at, redeemed_at
             FROM oidc_codes WHERE code_hash = $1",
            &[&hash],
        )?
        .map(|r| {
            Ok(CodeRow {
                client_id: r.try_get(0)?,
                redirect_uri: r.try_get(1)?,
                code_challenge: r.try_get(2)?,
                claims: r.try_get(3)?,
                issued_at: r.try_get(4)?,
                redeemed_at: r.try_get(5)?,
            })
        })
        .transpose()
    }

    fn redeem_code(&self, hash: &[u8], at: i64) -> StoreResult<()> {
        self.execute(
            "UPDATE oidc_codes SET redeemed_at = $2, claims = NULL WHERE code_hash = $1",
            &[&hash, &at],
        )?;
        Ok(())
    }

    fn insert_access_token(
        &self,
        hash: &[u8],
        code_hash: &[u8],
        client_id: &str,
        subject: &str,
        claims: &str,
        expires_at: i64,
    ) -> StoreResult<()> {
        self.execute(
            "INSERT INTO oidc_access_tokens (token_hash, code_hash, client_id, subject, claims, expires_at)
             VALUES ($1, $2, $3, $4, $5, $6)",
            &[&hash, &code_hash, &client_id, &subject, &claims, &expires_at],
        )?;
        Ok(())
    }

    fn access_token(&self, hash: &[u8]) -> StoreResult<Option<TokenRow>> {
        self.query_opt(
            "SELECT claims, expires_at, revoked FROM oidc_access_tokens WHERE token_hash = $1",
            &[&hash],
        )?
        .map(|r| {
            Ok(TokenRow {
                claims: r.try_get(0)?,
                expires_at: r.try_get(1)?,
                revoked: r.try_get::<_, i64>(2)? != 0,
            })
        })
        .transpose()
    }

    fn revoke_tokens_of_code(&self, code_hash: &[u8]) -> StoreResult<usize> {
        self.execute(
            "UPDATE oidc_access_tokens SET revoked = 1 WHERE code_hash = $1",
            &[&code_hash],
        )
    }

    fn revoke_tokens_of_subject(&self, client_id: &str, subject: &str) -> StoreResult<usize> {
        self.execute(
            "UPDATE oidc_access_tokens SET revoked = 1 WHERE client_id = $1 AND subject = $2",
            &[&client_id, &subject],
        )
    }

    fn remember_assertion(&self, client_id: &str, jti: &str, expires_at: i64) -> StoreResult<bool> {
        let inserted = self.execute(
            "INSERT INTO oidc_assertions (client_id, jti, expires_at) VALUES ($1, $2, $3)
             ON CONFLICT DO NOTHING",
            &[&client_id, &jti, &expires_at],
        )?;
        Ok(inserted == 1)
    }

    fn prune_oidc(&self, codes_before: i64, now: i64) -> StoreResult<usize> {
        Ok(self.execute("DELETE FROM oidc_codes WHERE issued_at < $1", &[&codes_before])?
            + self.execute("DELETE FROM oidc_access_tokens WHERE expires_at < $1", &[&now])?
            + self.execute("DELETE FROM oidc_assertions WHERE expires_at < $1", &[&now])?)
    }
}

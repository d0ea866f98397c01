//! What the OpenID Connect provider needs from storage: registered sites, signing
//! keys, authorization codes, access tokens and seen client assertions.

use rusqlite::{Connection, OptionalExtension, params};

use super::StoreResult;

/// A signing key as stored: the private half still sealed.
#[derive(Debug, Clone)]
pub struct KeyRow {
    pub kid: String,
    pub sealed_pkcs8: Vec<u8>,
    pub x: String,
    pub y: String,
    pub created_at: i64,
    pub signs_from: i64,
    pub retired_at: Option<i64>,
}

/// An authorization code as stored.
#[derive(Debug)]
pub struct CodeRow {
    pub client_id: String,
    pub redirect_uri: String,
    pub code_challenge: String,
    /// What the tokens will say; `None` once redeemed.
    pub claims: Option<String>,
    pub issued_at: i64,
    pub redeemed_at: Option<i64>,
}

/// An access token as stored.
#[derive(Debug)]
pub struct TokenRow {
    pub claims: String,
    pub expires_at: i64,
    pub revoked: bool,
}

pub trait OidcStore {
    fn insert_client(&self, client: &ClientRow) -> StoreResult<()>;
    fn client(&self, id: &str) -> StoreResult<Option<ClientRow>>;
    fn clients(&self) -> StoreResult<Vec<ClientRow>>;
    /// Whether there was such a site.
    fn delete_client(&self, id: &str) -> StoreResult<bool>;

    fn insert_signing_key(&self, key: &KeyRow) -> StoreResult<()>;
    /// Every stored signing key, oldest first.
    fn signing_keys(&self) -> StoreResult<Vec<KeyRow>>;
    fn retire_signing_key(&self, kid: &str, at: i64) -> StoreResult<()>;
    fn delete_signing_keys_retired_before(&self, at: i64) -> StoreResult<()>;

    fn insert_code(&self, hash: &[u8], row: &CodeRow) -> StoreResult<()>;
    fn code(&self, hash: &[u8]) -> StoreResult<Option<CodeRow>>;
    /// Marks a code used and forgets what it carried.
    fn redeem_code(&self, hash: &[u8], at: i64) -> StoreResult<()>;

    fn insert_access_token(
        &self,
        hash: &[u8],
        code_hash: &[u8],
        client_id: &str,
        subject: &str,
        claims: &str,
        expires_at: i64,
    ) -> StoreResult<()>;
    fn access_token(&self, hash: &[u8]) -> StoreResult<Option<TokenRow>>;
    /// Revokes what a code issued; how many tokens.
    fn revoke_tokens_of_code(&self, code_hash: &[u8]) -> StoreResult<usize>;
    fn revoke_tokens_of_subject(&self, client_id: &str, subject: &str) -> StoreResult<usize>;

    /// Records a client assertion's `jti`; `false` if it was seen before.
    fn remember_assertion(&self, client_id: &str, jti: &str, expires_at: i64) -> StoreResult<bool>;

    /// Drops codes issued before `codes_before` and tokens and assertions expired at `now`.
    fn prune_oidc(&self, codes_before: i64, now: i64) -> StoreResult<usize>;
}

pub(super) const CLIENT_COLUMNS: &str = "id, name, redirect_uris, post_logout_redirect_uris, scopes, \
                                         auth_method, secret_hash, public_jwk, registered_at";

/// A registered site as stored; `oidc::clients` turns it into a checked `Client`.
#[derive(Debug, Clone)]
pub struct ClientRow {
    pub id: String,
    pub name: String,
    /// JSON arrays of strings.
    pub redirect_uris: String,
    pub post_logout_redirect_uris: String,
    /// Space-separated.
    pub scopes: String,
    pub auth_method: String,
    pub secret_hash: Option<Vec<u8>>,
    pub public_jwk: Option<String>,
    pub registered_at: i64,
}

fn client_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<ClientRow> {
    Ok(ClientRow {
        id: r.get(0)?,
        name: r.get(1)?,
        redirect_uris: r.get(2)?,
        post_logout_redirect_uris: r.get(3)?,
        scopes: r.get(4)?,
        auth_method: r.get(5)?,
        secret_hash: r.get(6)?,
        public_jwk: r.get(7)?,
        registered_at: r.get(8)?,
    })
}

impl OidcStore for Connection {
    fn insert_client(&self, c: &ClientRow) -> StoreResult<()> {
        self.prepare_cached(&format!(
            "INSERT INTO oidc_clients ({CLIENT_COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)"
        ))?
        .execute(params![
            c.id,
            c.name,
            c.redirect_uris,
            c.post_logout_redirect_uris,
            c.scopes,
            c.auth_method,
            c.secret_hash,
            c.public_jwk,
            c.registered_at,
        ])?;
        Ok(())
    }

    fn client(&self, id: &str) -> StoreResult<Option<ClientRow>> {
        Ok(self
            .prepare_cached(&format!("SELECT {CLIENT_COLUMNS} FROM oidc_clients WHERE id = ?1"))?
            .query_row([id], client_from_row)
            .optional()?)
    }

    fn clients(&self) -> StoreResult<Vec<ClientRow>> {
        let mut stmt = self.prepare_cached(&format!(
            "SELECT {CLIENT_COLUMNS} FROM oidc_clients ORDER BY registered_at, id"
        ))?;
        Ok(stmt.query_map([], client_from_row)?.collect::<Result<Vec<_>, _>>()?)
    }

    fn delete_client(&self, id: &str) -> StoreResult<bool> {
        Ok(self.prepare_cached("DELETE FROM oidc_clients WHERE id = ?1")?.execute([id])? > 0)
    }

    fn insert_signing_key(&self, k: &KeyRow) -> StoreResult<()> {
        self.prepare_cached(
            "INSERT INTO oidc_signing_keys (kid, sealed_pkcs8, x, y, created_at, signs_from, retired_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        )?
        .execute(params![k.kid, k.sealed_pkcs8, k.x, k.y, k.created_at, k.signs_from, k.retired_at])?;
        Ok(())
    }

    fn signing_keys(&self) -> StoreResult<Vec<KeyRow>> {
        let mut stmt = self.prepare_cached(
            "SELECT kid, sealed_pkcs8, x, y, created_at, signs_from, retired_at
             FROM oidc_signing_keys ORDER BY signs_from, created_at",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok(KeyRow {
                kid: r.get(0)?,
                sealed_pkcs8: r.get(1)?,
                x: r.get(2)?,
                y: r.get(3)?,
                created_at: r.get(4)?,
                signs_from: r.get(5)?,
                retired_at: r.get(6)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    fn retire_signing_key(&self, kid: &str, at: i64) -> StoreResult<()> {
        self.prepare_cached(
            "UPDATE oidc_signing_keys SET retired_at = ?2 WHERE kid = ?1 AND retired_at IS NULL",
        )?
        .execute(params![kid, at])?;
        Ok(())
    }

    fn delete_signing_keys_retired_before(&self, at: i64) -> StoreResult<()> {
        self.prepare_cached("DELETE FROM oidc_signing_keys WHERE retired_at < ?1")?
            .execute([at])?;
        Ok(())
    }

    fn insert_code(&self, hash: &[u8], c: &CodeRow) -> StoreResult<()> {
        self.prepare_cached(
            "INSERT INTO oidc_codes (code_hash, client_id, redirect_uri, code_challenge, claims, issued_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        )?
        .execute(params![hash, c.client_id, c.redirect_uri, c.code_challenge, c.claims, c.issued_at])?;
        Ok(())
    }

    fn code(&self, hash: &[u8]) -> StoreResult<Option<CodeRow>> {
        Ok(self
            .prepare_cached(
                "SELECT client_id, redirect_uri, code_challenge, claims, issued_at, redeemed_at
                 FROM oidc_codes WHERE code_hash = ?1",
            )?
            .query_row([hash], |r| {
                Ok(CodeRow {
                    client_id: r.get(0)?,
                    redirect_uri: r.get(1)?,
                    code_challenge: r.get(2)?,
                    claims: r.get(3)?,
                    issued_at: r.get(4)?,
                    redeemed_at: r.get(5)?,
                })
            })
            .optional()?)
    }

    fn redeem_code(&self, hash: &[u8], at: i64) -> StoreResult<()> {
        self.prepare_cached(
            "UPDATE oidc_codes SET redeemed_at = ?2, claims = NULL WHERE code_hash = ?1",
        )?
        .execute(params![hash, at])?;
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
        self.prepare_cached(
            "INSERT INTO oidc_access_tokens (token_hash, code_hash, client_id, subject, claims, expires_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        )?
        .execute(params![hash, code_hash, client_id, subject, claims, expires_at])?;
        Ok(())
    }

    fn access_token(&self, hash: &[u8]) -> StoreResult<Option<TokenRow>> {
        Ok(self
            .prepare_cached(
                "SELECT claims, expires_at, revoked FROM oidc_access_tokens WHERE token_hash = ?1",
            )?
            .query_row([hash], |r| {
                Ok(TokenRow { claims: r.get(0)?, expires_at: r.get(1)?, revoked: r.get(2)? })
            })
            .optional()?)
    }

    fn revoke_tokens_of_code(&self, code_hash: &[u8]) -> StoreResult<usize> {
        Ok(self
            .prepare_cached("UPDATE oidc_access_tokens SET revoked = 1 WHERE code_hash = ?1")?
            .execute([code_hash])?)
    }

    fn revoke_tokens_of_subject(&self, client_id: &str, subject: &str) -> StoreResult<usize> {
        Ok(self
            .prepare_cached(
                "UPDATE oidc_access_tokens SET revoked = 1 WHERE client_id = ?1 AND subject = ?2",
            )?
            .execute([client_id, subject])?)
    }

    fn remember_assertion(&self, client_id: &str, jti: &str, expires_at: i64) -> StoreResult<bool> {
        let inserted = self
            .prepare_cached(
                "INSERT OR IGNORE INTO oidc_assertions (client_id, jti, expires_at) VALUES (?1, ?2, ?3)",
            )?
            .execute(params![client_id, jti, expires_at])?;
        Ok(inserted == 1)
    }

    fn prune_oidc(&self, codes_before: i64, now: i64) -> StoreResult<usize> {
        Ok(self
            .prepare_cached("DELETE FROM oidc_codes WHERE issued_at < ?1")?
            .execute([codes_before])?
            + self
                .prepare_cached("DELETE FROM oidc_access_tokens WHERE expires_at < ?1")?
                .execute([now])?
            + self
                .prepare_cached("DELETE FROM oidc_assertions WHERE expires_at < ?1")?
                .execute([now])?)
    }
}

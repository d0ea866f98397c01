//! Codes and tokens: the authorization code issued when the citizen signs in, and
//! what the site gets for it at the token endpoint (an ID token and an access token
//! for the UserInfo endpoint), with what they say about the citizen.
//!
//! A code lasts [`CODE_LIFE`] and is good once. A second use is taken as a sign the
//! code leaked, so the tokens issued with it are revoked (RFC 6749 §4.1.2).

use crate::store::Store;
use chrono::TimeDelta;
use clavepin_protocol::crypto::b64_encode;
use clavepin_protocol::{DocumentNumber, Timestamp};
use ring::digest::{SHA256, digest};
use ring::rand::SecureRandom;
use serde::{Deserialize, Serialize};

use super::clients::{Client, Scope};
use super::error::OidcError;
use super::request::Authorization;
use super::signing;
use crate::db::oidc::CodeRow;
use crate::error::Fault;
use crate::keys::ServiceKeys;
use crate::time::millis;

/// How long a code may wait to be redeemed.
pub const CODE_LIFE: TimeDelta = TimeDelta::seconds(60);
/// How long an ID token is valid.
pub const ID_TOKEN_LIFE: TimeDelta = TimeDelta::minutes(5);
/// How long an access token is valid.
pub const ACCESS_TOKEN_LIFE: TimeDelta = TimeDelta::minutes(10);

/// eIDAS levels of assurance (Implementing Regulation (EU) 2015/1502), as the eIDAS
/// nodes name them.
pub const ACR_SUBSTANTIAL: &str = "http://eidas.europa.eu/LoA/substantial";
pub const ACR_LOW: &str = "http://eidas.europa.eu/LoA/low";

/// How the PIN reached the citizen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    /// Sealed to the activated app's device key, shown after the pattern unlocks it.
    App,
    /// By SMS to the registered mobile (also when the app's PIN was resent by SMS).
    Sms,
    /// Approved in the app: the log-in page's code carried into it, the device key
    /// used after the pattern.
    Approval,
}

impl Method {
    /// The level reached (docs/SECURITY.md, "Levels of assurance"): the app is a
    /// device-bound key unlocked by the pattern; an SMS is a restricted
    /// authenticator (NIST SP 800-63B-4 §3.1.3.3) beside contrast data printed on
    /// the document itself.
    pub fn acr(self) -> &'static str {
        match self {
            Method::App | Method::Approval => ACR_SUBSTANTIAL,
            Method::Sms => ACR_LOW,
        }
    }

    /// RFC 8176 values: a one-time password and how it came, or for an approval a
    /// software-held key and the pattern that unlocked it.
    pub fn amr(self) -> Vec<String> {
        let values: [&str; 2] = match self {
            Method::App => ["otp", "swk"],
            Method::Sms => ["otp", "sms"],
            Method::Approval => ["swk", "pin"],
        };
        values.map(str::to_owned).to_vec()
    }
}

/// A citizen who just signed in with a PIN for a site.
#[derive(Debug)]
pub struct SignIn {
    pub document: DocumentNumber,
    pub full_name: String,
    pub method: Method,
    pub at: Timestamp,
}

/// What the tokens will say, fixed when the code is issued (stored with it).
#[derive(Debug, Serialize, Deserialize)]
struct Grant {
    sub: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    document_number: Option<String>,
    acr: String,
    amr: Vec<String>,
    auth_time: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    nonce: Option<String>,
}

/// The ID token's claims: who, for whom, how, when; and nothing else.
#[derive(Debug, Serialize, Deserialize)]
pub struct IdTokenClaims {
    pub iss: String,
    pub sub: String,
    pub aud: String,
    pub exp: i64,
    pub iat: i64,
    pub auth_time: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nonce: Option<String>,
    pub acr: String,
    pub amr: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub document_number: Option<String>,
}

/// The token endpoint's answer (OpenID Connect Core §3.1.3.3).
#[derive(Debug, Serialize)]
pub struct Tokens {
    pub access_token: String,
    pub token_type: &'static str,
    pub expires_in: i64,
    pub id_token: String,
    pub scope: String,
}

/// The citizen's identifier for one site: pairwise (OpenID Connect Core §8.1), so
/// two sites cannot match their users by it; the document number is a separate
/// claim the site must ask for.
pub fn subject(keys: &ServiceKeys, client_id: &str, document: &DocumentNumber) -> String {
    b64_encode(&keys.keyed_hash("oidc-subject", client_id, document.as_str())[..16])
}

fn code_hash(keys: &ServiceKeys, code: &str) -> Vec<u8> {
    keys.keyed_hash("oidc-code", "", code)
}

fn token_hash(keys: &ServiceKeys, token: &str) -> Vec<u8> {
    keys.keyed_hash("oidc-access-token", "", token)
}

fn random_secret(rng: &dyn SecureRandom) -> Result<String, Fault> {
    let mut bytes = [0u8; 32];
    rng.fill(&mut bytes).map_err(|_| Fault("randomness"))?;
    Ok(b64_encode(&bytes))
}

/// Issues the code the citizen's browser takes back to the site.
pub fn issue_code(
    tx: &dyn Store,
    keys: &ServiceKeys,
    rng: &dyn SecureRandom,
    auth: &Authorization,
    sign_in: &SignIn,
    now: Timestamp,
) -> Result<String, OidcError> {
    let grant = Grant {
        sub: subject(keys, &auth.client_id, &sign_in.document),
        name: auth.scopes.contains(Scope::Profile).then(|| sign_in.full_name.clone()),
        document_number: auth
            .scopes
            .contains(Scope::Document)
            .then(|| sign_in.document.as_str().to_owned()),
        acr: sign_in.method.acr().to_owned(),
        amr: sign_in.method.amr(),
        auth_time: sign_in.at.timestamp(),
        nonce: auth.nonce.clone(),
    };
    let claims = serde_json::to_string(&grant).map_err(|_| Fault("grant"))?;
    let code = random_secret(rng)?;
    let row = CodeRow {
        client_id: auth.client_id.clone(),
        redirect_uri: auth.redirect_uri.clone(),
        code_challenge: auth.code_challenge.clone(),
        claims: Some(claims),
        issued_at: millis(now),
        redeemed_at: None,
    };
    tx.insert_code(&code_hash(keys, &code), &row)?;
    Ok(code)
}

/// The token request's own parameters, client authentication apart.
#[derive(Debug)]
pub struct CodeExchange<'a> {
    pub code: &'a str,
    pub redirect_uri: &'a str,
    pub code_verifier: &'a str,
}

/// RFC 7636 §4.1: 43 to 128 unreserved characters.
fn verifier_well_formed(v: &str) -> bool {
    (43..=128).contains(&v.len())
        && v.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~'))
}

/// Redeems a code for `client`. The outer error changed nothing; the inner one is a
/// refusal that must still be committed (the code burnt, its tokens revoked).
pub fn redeem(
    tx: &dyn Store,
    keys: &ServiceKeys,
    rng: &dyn SecureRandom,
    issuer: &str,
    client: &Client,
    exchange: &CodeExchange<'_>,
    now: Timestamp,
) -> Result<Result<Tokens, OidcError>, OidcError> {
    let hash = code_hash(keys, exchange.code);
    let Some(row) = tx.code(&hash)? else {
        return Ok(Err(OidcError::InvalidGrant("the code is not known or has expired")));
    };
    if row.redeemed_at.is_some() {
        tx.revoke_tokens_of_code(&hash)?;
        return Ok(Err(OidcError::InvalidGrant(
            "the code was already used: the tokens issued with it are revoked",
        )));
    }
    if row.client_id != client.id {
        return Ok(Err(OidcError::InvalidGrant("the code was issued to another client")));
    }
    // One attempt per code, whatever its outcome.
    tx.redeem_code(&hash, millis(now))?;
    if millis(now) - row.issued_at > CODE_LIFE.num_milliseconds() {
        return Ok(Err(OidcError::InvalidGrant("the code expired: codes last 60 seconds")));
    }
    if row.redirect_uri != exchange.redirect_uri {
        return Ok(Err(OidcError::InvalidGrant(
            "redirect_uri is not the one of the authorization request",
        )));
    }
    let challenge = b64_encode(digest(&SHA256, exchange.code_verifier.as_bytes()).as_ref());
    if !verifier_well_formed(exchange.code_verifier) || challenge != row.code_challenge {
        return Ok(Err(OidcError::InvalidGrant(
            "the PKCE code_verifier does not match the code_challenge",
        )));
    }
    let grant: Grant = row
        .claims
        .as_deref()
        .and_then(|c| serde_json::from_str(c).ok())
        .ok_or(crate::db::StoreError::Corrupt("authorization code claims"))?;
    let claims = IdTokenClaims {
        iss: issuer.to_owned(),
        sub: grant.sub.clone(),
        aud: client.id.clone(),
        exp: (now + ID_TOKEN_LIFE).timestamp(),
        iat: now.timestamp(),
        auth_time: grant.auth_time,
        nonce: grant.nonce,
        acr: grant.acr,
        amr: grant.amr,
        name: grant.name.clone(),
        document_number: grant.document_number.clone(),
    };
    let id_token = signing::signer(tx, keys, rng, now)?.sign(&claims)?;
    let access_token = random_secret(rng)?;
    let userinfo = serde_json::json!({
        "sub": grant.sub, "name": grant.name, "document_number": grant.document_number,
    });
    let userinfo = strip_nulls(userinfo).to_string();
    tx.insert_access_token(
        &token_hash(keys, &access_token),
        &hash,
        &client.id,
        &claims.sub,
        &userinfo,
        millis(now + ACCESS_TOKEN_LIFE),
    )?;
    let mut scope = vec!["openid"];
    scope.extend(claims.name.as_ref().map(|_| "profile"));
    scope.extend(claims.document_number.as_ref().map(|_| "document"));
    Ok(Ok(Tokens {
        access_token,
        token_type: "Bearer",
        expires_in: ACCESS_TOKEN_LIFE.num_seconds(),
        id_token,
        scope: scope.join(" "),
    }))
}

/// Forgets codes once their tokens are dead (a code is kept that long so that a
/// second use can still revoke them), expired tokens and seen assertions.
pub fn prune(tx: &dyn Store, now: Timestamp) -> crate::db::StoreResult<usize> {
    tx.prune_oidc(millis(now - CODE_LIFE - ACCESS_TOKEN_LIFE), millis(now))
}

fn strip_nulls(mut value: serde_json::Value) -> serde_json::Value {
    if let Some(map) = value.as_object_mut() {
        map.retain(|_, v| !v.is_null());
    }
    value
}

/// What the UserInfo endpoint says for an access token.
pub fn userinfo(
    conn: &dyn Store,
    keys: &ServiceKeys,
    token: &str,
    now: Timestamp,
) -> Result<serde_json::Value, OidcError> {
    let row = conn.access_token(&token_hash(keys, token))?.ok_or(OidcError::InvalidToken)?;
    if row.revoked || row.expires_at <= millis(now) {
        return Err(OidcError::InvalidToken);
    }
    serde_json::from_str(&row.claims)
        .map_err(|_| crate::db::StoreError::Corrupt("access token claims").into())
}

//! Who is asking at the token endpoint: `client_secret_basic` (RFC 6749 §2.3.1),
//! `private_key_jwt` (OpenID Connect Core §9, RFC 7523), or, for a native app,
//! nothing but its `client_id` (PKCE then binds the code to the app).

use crate::store::Store;
use axum::http::{HeaderMap, header};
use chrono::TimeDelta;
use clavepin_protocol::Timestamp;
use clavepin_protocol::crypto::b64_decode_standard;
use jsonwebtoken::jwk::AlgorithmParameters;
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use serde::Deserialize;

use super::clients::{Client, ClientAuth};
use super::error::OidcError;
use crate::keys::ServiceKeys;
use crate::time::millis;

/// RFC 7523 §2.2.
pub const ASSERTION_TYPE: &str = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

/// The longest an assertion may be valid: its `jti` is remembered that long.
const MAX_ASSERTION_LIFE: TimeDelta = TimeDelta::minutes(5);
/// Clock difference allowed with the site's server.
const LEEWAY: TimeDelta = TimeDelta::seconds(30);

/// What the token request says about its client.
#[derive(Debug, Default)]
pub struct Presented<'a> {
    pub client_id: Option<&'a str>,
    pub assertion_type: Option<&'a str>,
    pub assertion: Option<&'a str>,
}

fn secret_hash_matches(keys: &ServiceKeys, client_id: &str, secret: &str, stored: &[u8]) -> bool {
    keys.keyed_hash_matches("oidc-client-secret", client_id, secret, stored)
}

/// The keyed hash a new secret is stored as.
pub fn hash_secret(keys: &ServiceKeys, client_id: &str, secret: &str) -> Vec<u8> {
    keys.keyed_hash("oidc-client-secret", client_id, secret)
}

/// `Authorization: Basic`, its two halves form-decoded (RFC 6749 §2.3.1).
fn basic(headers: &HeaderMap) -> Option<Result<(String, String), OidcError>> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, encoded) = value.split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("basic") {
        return None;
    }
    let bad = || OidcError::InvalidClient("the Basic credentials are malformed");
    let Some(decoded) = b64_decode_standard(encoded.trim()).and_then(|d| String::from_utf8(d).ok())
    else {
        return Some(Err(bad()));
    };
    let Some((id, secret)) = decoded.split_once(':') else { return Some(Err(bad())) };
    let form_decode = |s: &str| -> String {
        url::form_urlencoded::parse(format!("x={s}").as_bytes())
            .next()
            .map(|(_, v)| v.into_owned())
            .unwrap_or_default()
    };
    Some(Ok((form_decode(id), form_decode(secret))))
}

fn load(tx: &dyn Store, client_id: &str) -> Result<Client, OidcError> {
    let row = tx.client(client_id)?.ok_or(OidcError::InvalidClient("unknown client"))?;
    Ok(Client::from_row(row)?)
}

#[derive(Debug, Deserialize)]
struct AssertionClaims {
    iss: String,
    sub: String,
    exp: i64,
    #[serde(default)]
    iat: Option<i64>,
    jti: String,
}

/// The site that sent this token request, proven. `token_endpoint` is the audience
/// an assertion must name (the issuer is accepted too, as Core §9 allows).
pub fn authenticate(
    tx: &dyn Store,
    keys: &ServiceKeys,
    issuer: &str,
    token_endpoint: &str,
    headers: &HeaderMap,
    presented: &Presented<'_>,
    now: Timestamp,
) -> Result<Client, OidcError> {
    if let Some(basic) = basic(headers) {
        let (id, secret) = basic?;
        if presented.client_id.is_some_and(|c| c != id) || presented.assertion.is_some() {
            return Err(OidcError::InvalidRequest("more than one client authentication"));
        }
        let client = load(tx, &id)?;
        let ClientAuth::SecretBasic { secret_hash } = &client.auth else {
            return Err(OidcError::InvalidClient("this client does not use client_secret_basic"));
        };
        if !secret_hash_matches(keys, &client.id, &secret, secret_hash) {
            return Err(OidcError::InvalidClient("wrong client secret"));
        }
        return Ok(client);
    }
    if let Some(assertion) = presented.assertion {
        if presented.assertion_type != Some(ASSERTION_TYPE) {
            return Err(OidcError::InvalidRequest("client_assertion_type must be jwt-bearer"));
        }
        return by_assertion(tx, issuer, token_endpoint, presented.client_id, assertion, now);
    }
    let id = presented.client_id.ok_or(OidcError::InvalidClient(
        "client authentication is required: client_secret_basic or private_key_jwt",
    ))?;
    let client = load(tx, id)?;
    match client.auth {
        ClientAuth::None => Ok(client),
        _ => Err(OidcError::InvalidClient(
            "this client must authenticate: client_secret_basic or private_key_jwt",
        )),
    }
}

fn by_assertion(
    tx: &dyn Store,
    issuer: &str,
    token_endpoint: &str,
    client_id: Option<&str>,
    assertion: &str,
    now: Timestamp,
) -> Result<Client, OidcError> {
    let bad = OidcError::InvalidClient;
    let header = jsonwebtoken::decode_header(assertion).map_err(|_| bad("malformed assertion"))?;
    // Which client: the form says, or else the assertion's own `iss` (checked below
    // against the signature of that client's key).
    let claimed = match client_id {
        Some(id) => id.to_owned(),
        None => {
            let mut peek = Validation::new(header.alg);
            peek.insecure_disable_signature_validation();
            peek.validate_exp = false;
            peek.validate_aud = false;
            peek.required_spec_claims.clear();
            let key = DecodingKey::from_secret(&[]);
            jsonwebtoken::decode::<AssertionClaims>(assertion, &key, &peek)
                .map_err(|_| bad("malformed assertion"))?
                .claims
                .iss
        }
    };
    let client = load(tx, &claimed)?;
    let ClientAuth::PrivateKeyJwt { jwk } = &client.auth else {
        return Err(bad("this client does not use private_key_jwt"));
    };
    let allowed: &[Algorithm] = match &jwk.algorithm {
        AlgorithmParameters::EllipticCurve(_) => &[Algorithm::ES256],
        AlgorithmParameters::RSA(_) => &[
            Algorithm::RS256,
            Algorithm::RS384,
            Algorithm::RS512,
            Algorithm::PS256,
            Algorithm::PS384,
            Algorithm::PS512,
        ],
        _ => &[],
    };
    if !allowed.contains(&header.alg) {
        return Err(bad("the assertion's algorithm does not fit the registered key"));
    }
    let key = DecodingKey::from_jwk(jwk).map_err(|_| bad("the registered key is not usable"))?;
    let mut validation = Validation::new(header.alg);
    validation.algorithms = allowed.to_vec();
    validation.set_audience(&[token_endpoint, issuer]);
    validation.set_issuer(&[client.id.as_str()]);
    // Times are checked on the service's clock below, not the system's.
    validation.validate_exp = false;
    validation.set_required_spec_claims(&["exp", "aud", "iss", "sub"]);
    let claims = jsonwebtoken::decode::<AssertionClaims>(assertion, &key, &validation)
        .map_err(|_| bad("the assertion's signature, audience or issuer is wrong"))?
        .claims;
    if claims.sub != client.id || claims.iss != client.id {
        return Err(bad("the assertion's iss and sub must be the client_id"));
    }
    let now_s = now.timestamp();
    if claims.exp + LEEWAY.num_seconds() < now_s {
        return Err(bad("the assertion has expired"));
    }
    if claims.exp > now_s + (MAX_ASSERTION_LIFE + LEEWAY).num_seconds() {
        return Err(bad("the assertion may be valid for 5 minutes at most"));
    }
    if claims.iat.is_some_and(|iat| iat > now_s + LEEWAY.num_seconds()) {
        return Err(bad("the assertion was issued in the future"));
    }
    if claims.jti.is_empty() || claims.jti.len() > 256 {
        return Err(bad("the assertion needs a jti"));
    }
    let expires = millis(now + MAX_ASSERTION_LIFE + LEEWAY);
    if !tx.remember_assertion(&client.id, &claims.jti, expires)? {
        return Err(bad("the assertion was already used"));
    }
    Ok(client)
}

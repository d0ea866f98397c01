//! The provider's token-signing keys (ES256, P-256) and the JWKS that publishes them.
//!
//! Keys overlap, so a site that caches the JWKS never meets a token it cannot check:
//! a new key is published [`PUBLISH_AHEAD`] before it starts signing (every
//! [`ROTATE_EVERY`]), and a key that stopped signing stays published
//! [`KEEP_RETIRED`] more, well past the life of anything it signed. An operator may
//! rotate at once (a key feared lost); the old key is then kept just as long. The
//! private halves are stored sealed with the service's storage key.

use crate::store::Store;
use chrono::TimeDelta;
use clavepin_protocol::Timestamp;
use clavepin_protocol::crypto::b64_encode;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use ring::digest::{SHA256, digest};
use ring::rand::SecureRandom;
use ring::signature::{ECDSA_P256_SHA256_FIXED_SIGNING, EcdsaKeyPair, KeyPair};
use serde::Serialize;
use serde::de::DeserializeOwned;

use super::error::OidcError;
use crate::db::oidc::KeyRow;
use crate::error::Fault;
use crate::keys::ServiceKeys;
use crate::time::millis;

/// How long a key signs before the next takes over.
pub const ROTATE_EVERY: TimeDelta = TimeDelta::days(90);
/// How long a new key is published before it signs.
pub const PUBLISH_AHEAD: TimeDelta = TimeDelta::days(1);
/// How long a key that stopped signing stays published.
pub const KEEP_RETIRED: TimeDelta = TimeDelta::days(1);

/// The key that signs now.
pub struct Signer {
    kid: String,
    key: EncodingKey,
}

impl std::fmt::Debug for Signer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Signer").field("kid", &self.kid).finish_non_exhaustive()
    }
}

impl Signer {
    /// A compact JWS of `claims`, `typ` as given (`JWT`, RFC 7519).
    pub fn sign<T: Serialize>(&self, claims: &T) -> Result<String, Fault> {
        let mut header = Header::new(Algorithm::ES256);
        header.kid = Some(self.kid.clone());
        jsonwebtoken::encode(&header, claims, &self.key).map_err(|_| Fault("token signing"))
    }

    #[cfg(test)]
    pub fn kid(&self) -> &str {
        &self.kid
    }
}

fn aad(kid: &str) -> String {
    format!("oidc-signing-key\n{kid}")
}

/// RFC 7638 thumbprint of a P-256 public key: its members in lexical order.
fn thumbprint(x: &str, y: &str) -> String {
    let canonical = format!(r#"{{"crv":"P-256","kty":"EC","x":"{x}","y":"{y}"}}"#);
    b64_encode(digest(&SHA256, canonical.as_bytes()).as_ref())
}

fn new_key(
    keys: &ServiceKeys,
    rng: &dyn SecureRandom,
    now: Timestamp,
    signs_from: Timestamp,
) -> Result<KeyRow, OidcError> {
    let pkcs8 = EcdsaKeyPair::generate_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, rng)
        .map_err(|_| Fault("signing key generation"))?;
    let pair = EcdsaKeyPair::from_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, pkcs8.as_ref(), rng)
        .map_err(|_| Fault("signing key"))?;
    // An uncompressed point: 0x04, then x and y, 32 bytes each.
    let point = pair.public_key().as_ref();
    let (x, y) = (b64_encode(&point[1..33]), b64_encode(&point[33..65]));
    let kid = thumbprint(&x, &y);
    let sealed_pkcs8 = keys.encrypt(&aad(&kid), pkcs8.as_ref(), rng)?;
    Ok(KeyRow {
        kid,
        sealed_pkcs8,
        x,
        y,
        created_at: millis(now),
        signs_from: millis(signs_from),
        retired_at: None,
    })
}

/// Brings the keys up to date at `now` (the first key, the next one, retirements,
/// deletions) and returns the one that signs.
pub fn maintain(
    tx: &dyn Store,
    keys: &ServiceKeys,
    rng: &dyn SecureRandom,
    now: Timestamp,
) -> Result<KeyRow, OidcError> {
    let now_ms = millis(now);
    tx.delete_signing_keys_retired_before(millis(now - KEEP_RETIRED))?;
    let rows = tx.signing_keys()?;
    let active = rows
        .iter()
        .filter(|k| k.retired_at.is_none() && k.signs_from <= now_ms)
        .max_by_key(|k| (k.signs_from, k.created_at))
        .cloned();
    let Some(active) = active else {
        let first = new_key(keys, rng, now, now)?;
        tx.insert_signing_key(&first)?;
        return Ok(first);
    };
    for older in rows.iter().filter(|k| k.retired_at.is_none() && k.signs_from < active.signs_from)
    {
        tx.retire_signing_key(&older.kid, active.signs_from)?;
    }
    let pending = rows.iter().any(|k| k.signs_from > now_ms);
    let due = now_ms - active.signs_from >= (ROTATE_EVERY - PUBLISH_AHEAD).num_milliseconds();
    if due && !pending {
        tx.insert_signing_key(&new_key(keys, rng, now, now + PUBLISH_AHEAD)?)?;
    }
    Ok(active)
}

/// The key that signs at `now`, ready to sign.
pub fn signer(
    tx: &dyn Store,
    keys: &ServiceKeys,
    rng: &dyn SecureRandom,
    now: Timestamp,
) -> Result<Signer, OidcError> {
    let row = maintain(tx, keys, rng, now)?;
    let pkcs8 = keys.decrypt(&aad(&row.kid), &row.sealed_pkcs8)?;
    Ok(Signer { kid: row.kid, key: EncodingKey::from_ec_der(&pkcs8) })
}

/// A new key that signs from `now`; the one before is retired (and stays published
/// [`KEEP_RETIRED`]). Returns the new key's id.
pub fn rotate_now(
    tx: &dyn Store,
    keys: &ServiceKeys,
    rng: &dyn SecureRandom,
    now: Timestamp,
) -> Result<String, OidcError> {
    // Brought up to date first, so the new key is newer than any key made just now.
    maintain(tx, keys, rng, now)?;
    let row = new_key(keys, rng, now, now)?;
    tx.insert_signing_key(&row)?;
    let kid = row.kid.clone();
    for older in tx.signing_keys()?.iter().filter(|k| k.kid != kid && k.retired_at.is_none()) {
        if older.signs_from <= millis(now) {
            tx.retire_signing_key(&older.kid, millis(now))?;
        }
    }
    Ok(kid)
}

/// The JWKS (RFC 7517 §5): every published key.
pub fn jwks(conn: &dyn Store) -> Result<serde_json::Value, OidcError> {
    let keys: Vec<_> = conn
        .signing_keys()?
        .iter()
        .map(|k| {
            serde_json::json!({
                "kty": "EC", "crv": "P-256", "x": k.x, "y": k.y,
                "kid": k.kid, "use": "sig", "alg": "ES256",
            })
        })
        .collect();
    Ok(serde_json::json!({ "keys": keys }))
}

/// Claims of a token this provider signed with a key it still publishes, checked
/// against `validation` (whose algorithm is set to ES256 here).
pub fn verify_own<T: DeserializeOwned>(
    conn: &dyn Store,
    token: &str,
    mut validation: Validation,
) -> Result<Option<T>, OidcError> {
    let Ok(header) = jsonwebtoken::decode_header(token) else { return Ok(None) };
    let Some(kid) = header.kid else { return Ok(None) };
    let Some(row) = conn.signing_keys()?.into_iter().find(|k| k.kid == kid) else {
        return Ok(None);
    };
    let Ok(key) = DecodingKey::from_ec_components(&row.x, &row.y) else { return Ok(None) };
    validation.algorithms = vec![Algorithm::ES256];
    Ok(jsonwebtoken::decode::<T>(token, &key, &validation).ok().map(|d| d.claims))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::DateTime;
    use ring::rand::SystemRandom;

    fn keys() -> ServiceKeys {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        ServiceKeys::load_or_create(dir.path(), None, &SystemRandom::new(), true)
            .unwrap_or_else(|e| panic!("{e}"))
    }

    fn kids(conn: &dyn Store) -> Vec<String> {
        let jwks = jwks(conn).unwrap_or_else(|e| panic!("{e}"));
        let keys = jwks["keys"].as_array().cloned().unwrap_or_default();
        keys.iter().map(|k| k["kid"].as_str().unwrap_or_default().to_owned()).collect()
    }

    #[derive(Serialize, serde::Deserialize)]
    struct Claims {
        sub: String,
    }

    fn verifies(conn: &dyn Store, token: &str) -> bool {
        let mut v = Validation::new(Algorithm::ES256);
        v.validate_exp = false;
        v.required_spec_claims.clear();
        verify_own::<Claims>(conn, token, v).unwrap_or_else(|e| panic!("{e}")).is_some()
    }

    #[test]
    fn keys_rotate_with_overlap_and_old_tokens_still_verify_meanwhile() {
        let conn = crate::db::in_memory();
        let (keys, rng) = (keys(), SystemRandom::new());
        let t0 = DateTime::from_timestamp(1_800_000_000, 0).unwrap_or_default();
        let first = signer(&conn, &keys, &rng, t0).unwrap_or_else(|e| panic!("{e}"));
        let token = first.sign(&Claims { sub: "s".into() }).unwrap_or_else(|e| panic!("{e}"));
        assert!(verifies(&conn, &token));
        assert_eq!(kids(&conn), vec![first.kid().to_owned()]);

        // A day before its turn the next key is published, but does not sign yet.
        let t1 = t0 + ROTATE_EVERY - PUBLISH_AHEAD;
        let still = signer(&conn, &keys, &rng, t1).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(still.kid(), first.kid());
        assert_eq!(kids(&conn).len(), 2, "the next key is published ahead");

        // Its turn: it signs; the first is still published, and its token verifies.
        let t2 = t1 + PUBLISH_AHEAD;
        let next = signer(&conn, &keys, &rng, t2).unwrap_or_else(|e| panic!("{e}"));
        assert_ne!(next.kid(), first.kid());
        assert!(verifies(&conn, &token));

        // A retired key goes once what it signed is long dead.
        let t3 = t2 + KEEP_RETIRED + TimeDelta::seconds(1);
        let _ = signer(&conn, &keys, &rng, t3).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(kids(&conn), vec![next.kid().to_owned()]);
        assert!(!verifies(&conn, &token));
    }

    #[test]
    fn an_operator_rotation_signs_at_once_and_keeps_the_old_key_published() {
        let conn = crate::db::in_memory();
        let (keys, rng) = (keys(), SystemRandom::new());
        let t0 = DateTime::from_timestamp(1_800_000_000, 0).unwrap_or_default();
        let old = signer(&conn, &keys, &rng, t0).unwrap_or_else(|e| panic!("{e}"));
        let token = old.sign(&Claims { sub: "s".into() }).unwrap_or_else(|e| panic!("{e}"));
        let new = rotate_now(&conn, &keys, &rng, t0).unwrap_or_else(|e| panic!("{e}"));
        let later = t0 + TimeDelta::seconds(1);
        let signing = signer(&conn, &keys, &rng, later).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(signing.kid(), new);
        assert!(verifies(&conn, &token), "the old key's tokens still verify");
        let _ = signer(&conn, &keys, &rng, later + KEEP_RETIRED).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(kids(&conn), vec![new]);
    }
}

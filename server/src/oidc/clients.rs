//! Sites registered with the provider (relying parties): what the operator registers,
//! checked once at registration, so that a stored client is always a valid one.

use clavepin_protocol::Timestamp;
use clavepin_protocol::wire::{RegisterClient, RegisteredClient};
use jsonwebtoken::jwk::{AlgorithmParameters, EllipticCurve, Jwk};

use crate::db::oidc::ClientRow;
use crate::db::{StoreError, StoreResult};
use crate::time::{from_millis, millis};

/// A client id: 22 random base64url characters, made by the service.
pub type ClientId = String;

/// Longest site name shown to citizens.
const MAX_NAME: usize = 120;
/// At most this many redirect URIs of each kind per site.
const MAX_URIS: usize = 10;
/// Longest redirect URI.
const MAX_URI: usize = 2_000;
/// Smallest RSA modulus accepted for a site's key, in bytes (2048 bits).
const MIN_RSA_BYTES: usize = 256;

/// What a site may ask to learn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// Signing in at all (`sub`, `acr`, `amr`, `auth_time`).
    OpenId,
    /// The citizen's full name (`name`).
    Profile,
    /// The DNI or NIE (`document_number`).
    Document,
}

impl Scope {
    const ALL: [Scope; 3] = [Scope::OpenId, Scope::Profile, Scope::Document];

    pub fn name(self) -> &'static str {
        match self {
            Scope::OpenId => "openid",
            Scope::Profile => "profile",
            Scope::Document => "document",
        }
    }

    fn parse(name: &str) -> Option<Scope> {
        Scope::ALL.into_iter().find(|s| s.name() == name)
    }

    fn bit(self) -> u8 {
        1 << self as u8
    }
}

/// A set of scopes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub struct Scopes(u8);

impl Scopes {
    /// What a site registered without scopes may ask for.
    pub const DEFAULT: Scopes = Scopes(0b111);

    pub fn contains(self, scope: Scope) -> bool {
        self.0 & scope.bit() != 0
    }

    pub fn with(self, scope: Scope) -> Scopes {
        Scopes(self.0 | scope.bit())
    }

    /// Every scope in `self` is in `other`.
    pub fn within(self, other: Scopes) -> bool {
        self.0 & !other.0 == 0
    }

    /// The scopes of a space-separated list, and whether it named any this provider
    /// does not know (OpenID Connect Core §5.4: those are ignored).
    pub fn parse_list(list: &str) -> Scopes {
        list.split(' ').filter_map(Scope::parse).fold(Scopes::default(), Scopes::with)
    }

    pub fn names(self) -> Vec<&'static str> {
        Scope::ALL.into_iter().filter(|s| self.contains(*s)).map(Scope::name).collect()
    }

    /// Space-separated, as stored and as OAuth writes it.
    pub fn to_list(self) -> String {
        self.names().join(" ")
    }
}

/// An address the provider may send a citizen back to, checked at registration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RedirectUri(String);

impl RedirectUri {
    /// `https` anywhere; `http` only to loopback (a site in development, or a native
    /// app's loopback redirect, RFC 8252 §7.3); or a native app's private-use scheme
    /// in reverse-domain form (§7.1). Never a fragment (RFC 6749 §3.1.2).
    pub fn parse(text: &str) -> Result<RedirectUri, ClientError> {
        let bad = |why: &'static str| ClientError::RedirectUri { uri: shorten(text), why };
        if text.len() > MAX_URI {
            return Err(bad("is too long"));
        }
        let url = url::Url::parse(text).map_err(|_| bad("is not an absolute URL"))?;
        if url.fragment().is_some() {
            return Err(bad("has a fragment"));
        }
        if !url.username().is_empty() || url.password().is_some() {
            return Err(bad("carries credentials"));
        }
        match url.scheme() {
            "https" if url.host().is_some() => {}
            "http" if crate::urls::is_loopback(&url) => {}
            "http" => return Err(bad("uses plain http off loopback: use https")),
            scheme if scheme.contains('.') => {}
            _ => return Err(bad("needs https, loopback http or a reverse-domain app scheme")),
        }
        Ok(RedirectUri(text.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Whether `presented` is this URI: character for character (OpenID Connect Core
    /// §3.1.2.1), except that a loopback IP redirect may name any port, since a native
    /// app listens where the system lets it (RFC 8252 §7.3).
    pub fn matches(&self, presented: &str) -> bool {
        if self.0 == presented {
            return true;
        }
        let (Ok(ours), Ok(theirs)) = (url::Url::parse(&self.0), url::Url::parse(presented)) else {
            return false;
        };
        let ip_loopback = |u: &url::Url| {
            u.scheme() == "http"
                && match u.host() {
                    Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
                    Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
                    _ => false,
                }
        };
        if !(ip_loopback(&ours) && ip_loopback(&theirs)) {
            return false;
        }
        let mut theirs = theirs;
        let _ = theirs.set_port(ours.port());
        ours == theirs
    }
}

fn shorten(text: &str) -> String {
    text.chars().take(80).collect()
}

/// How a site proves itself at the token endpoint.
#[derive(Debug, Clone)]
pub enum ClientAuth {
    /// HTTP Basic with a secret the service made (its keyed hash is kept).
    SecretBasic { secret_hash: Vec<u8> },
    /// A JWT signed with the site's private key (RFC 7523), checked with this key.
    PrivateKeyJwt { jwk: Box<Jwk> },
    /// A native app, which can keep no secret: PKCE alone binds the code to it.
    None,
}

impl ClientAuth {
    pub fn method(&self) -> &'static str {
        match self {
            ClientAuth::SecretBasic { .. } => "client_secret_basic",
            ClientAuth::PrivateKeyJwt { .. } => "private_key_jwt",
            ClientAuth::None => "none",
        }
    }
}

/// A registered site.
#[derive(Debug, Clone)]
pub struct Client {
    pub id: ClientId,
    pub name: String,
    pub redirect_uris: Vec<RedirectUri>,
    pub post_logout_redirect_uris: Vec<RedirectUri>,
    pub scopes: Scopes,
    pub auth: ClientAuth,
    pub registered_at: Timestamp,
}

impl Client {
    /// The registered redirect URI `presented` names, if any.
    pub fn redirect_uri(&self, presented: &str) -> Option<&RedirectUri> {
        self.redirect_uris.iter().find(|u| u.matches(presented))
    }

    pub fn post_logout_redirect_uri(&self, presented: &str) -> Option<&RedirectUri> {
        self.post_logout_redirect_uris.iter().find(|u| u.matches(presented))
    }

    pub fn to_wire(&self) -> RegisteredClient {
        let uris = |v: &[RedirectUri]| v.iter().map(|u| u.0.clone()).collect();
        RegisteredClient {
            client_id: self.id.clone(),
            name: self.name.clone(),
            redirect_uris: uris(&self.redirect_uris),
            post_logout_redirect_uris: uris(&self.post_logout_redirect_uris),
            scopes: self.scopes.names().into_iter().map(str::to_owned).collect(),
            auth_method: self.auth.method().to_owned(),
            registered_at: self.registered_at,
        }
    }
}

impl Client {
    /// A stored site, checked again: a row changed outside the service is corrupt.
    pub fn from_row(row: ClientRow) -> StoreResult<Client> {
        let auth = match (row.auth_method.as_str(), row.secret_hash, row.public_jwk) {
            ("client_secret_basic", Some(secret_hash), None) => {
                ClientAuth::SecretBasic { secret_hash }
            }
            ("private_key_jwt", None, Some(jwk)) => {
                let jwk = serde_json::from_str(&jwk)
                    .map_err(|_| StoreError::Corrupt("client public key"))?;
                ClientAuth::PrivateKeyJwt { jwk: Box::new(jwk) }
            }
            ("none", None, None) => ClientAuth::None,
            _ => return Err(StoreError::Corrupt("client authentication")),
        };
        Ok(Client {
            id: row.id,
            name: row.name,
            redirect_uris: parse_stored_uris(&row.redirect_uris)?,
            post_logout_redirect_uris: parse_stored_uris(&row.post_logout_redirect_uris)?,
            scopes: Scopes::parse_list(&row.scopes),
            auth,
            registered_at: from_millis(row.registered_at),
        })
    }

    pub fn to_row(&self) -> StoreResult<ClientRow> {
        let (secret_hash, public_jwk) = match &self.auth {
            ClientAuth::SecretBasic { secret_hash } => (Some(secret_hash.clone()), None),
            ClientAuth::PrivateKeyJwt { jwk } => (
                None,
                Some(serde_json::to_string(jwk).map_err(|_| StoreError::Corrupt("client key"))?),
            ),
            ClientAuth::None => (None, None),
        };
        let uris = |v: &[RedirectUri]| {
            serde_json::Value::from(v.iter().map(RedirectUri::as_str).collect::<Vec<_>>())
                .to_string()
        };
        Ok(ClientRow {
            id: self.id.clone(),
            name: self.name.clone(),
            redirect_uris: uris(&self.redirect_uris),
            post_logout_redirect_uris: uris(&self.post_logout_redirect_uris),
            scopes: self.scopes.to_list(),
            auth_method: self.auth.method().to_owned(),
            secret_hash,
            public_jwk,
            registered_at: millis(self.registered_at),
        })
    }
}

fn parse_stored_uris(json: &str) -> StoreResult<Vec<RedirectUri>> {
    let list: Vec<String> =
        serde_json::from_str(json).map_err(|_| StoreError::Corrupt("client redirect URI list"))?;
    list.iter()
        .map(|u| RedirectUri::parse(u).map_err(|_| StoreError::Corrupt("client redirect URI")))
        .collect()
}

/// A registration, checked, before the service gives it an id and a secret.
#[derive(Debug)]
pub struct NewClient {
    pub name: String,
    pub redirect_uris: Vec<RedirectUri>,
    pub post_logout_redirect_uris: Vec<RedirectUri>,
    pub scopes: Scopes,
    /// `None`: the service makes a secret.
    pub public_key: Option<Box<Jwk>>,
    pub native_app: bool,
}

impl NewClient {
    pub fn parse(req: &RegisterClient) -> Result<NewClient, ClientError> {
        let name = req.name.trim();
        if name.is_empty() || name.chars().count() > MAX_NAME || name.chars().any(char::is_control)
        {
            return Err(ClientError::Name);
        }
        if req.redirect_uris.is_empty() {
            return Err(ClientError::NoRedirectUri);
        }
        if req.redirect_uris.len() > MAX_URIS || req.post_logout_redirect_uris.len() > MAX_URIS {
            return Err(ClientError::TooManyUris);
        }
        let parse_all =
            |v: &[String]| v.iter().map(|u| RedirectUri::parse(u)).collect::<Result<Vec<_>, _>>();
        let mut scopes = Scopes::default().with(Scope::OpenId);
        for name in &req.scopes {
            let scope = Scope::parse(name).ok_or_else(|| ClientError::Scope(shorten(name)))?;
            scopes = scopes.with(scope);
        }
        if req.scopes.is_empty() {
            scopes = Scopes::DEFAULT;
        }
        let public_key = req.public_key.as_ref().map(parse_public_key).transpose()?;
        if req.native_app && public_key.is_some() {
            return Err(ClientError::NativeAppWithKey);
        }
        Ok(NewClient {
            name: name.to_owned(),
            redirect_uris: parse_all(&req.redirect_uris)?,
            post_logout_redirect_uris: parse_all(&req.post_logout_redirect_uris)?,
            scopes,
            public_key,
            native_app: req.native_app,
        })
    }
}

/// A site's public key: EC P-256 or RSA of 2048 bits or more, and public only.
pub fn parse_public_key(value: &serde_json::Value) -> Result<Box<Jwk>, ClientError> {
    let private = ["d", "p", "q", "dp", "dq", "qi", "k"];
    if private.iter().any(|field| value.get(field).is_some()) {
        return Err(ClientError::PublicKey(
            "holds a private key: register the public half only, and replace that key",
        ));
    }
    let jwk: Jwk = serde_json::from_value(value.clone())
        .map_err(|_| ClientError::PublicKey("is not a JSON Web Key"))?;
    match &jwk.algorithm {
        AlgorithmParameters::EllipticCurve(ec) if ec.curve == EllipticCurve::P256 => {}
        AlgorithmParameters::RSA(rsa) => {
            let n = clavepin_protocol::crypto::b64_decode(&rsa.n)
                .ok_or(ClientError::PublicKey("has an RSA modulus that is not base64url"))?;
            if n.len() < MIN_RSA_BYTES {
                return Err(ClientError::PublicKey("is an RSA key shorter than 2048 bits"));
            }
        }
        _ => return Err(ClientError::PublicKey("must be EC P-256 or RSA")),
    }
    Ok(Box::new(jwk))
}

/// Registers a site: its id and, for `client_secret_basic`, its secret, which is
/// returned this once and kept only as a keyed hash.
pub fn register(
    tx: &dyn crate::store::Store,
    keys: &crate::keys::ServiceKeys,
    rng: &dyn ring::rand::SecureRandom,
    new: NewClient,
    now: Timestamp,
) -> Result<(Client, Option<String>), super::error::OidcError> {
    let id = crate::ids::random_id(rng)?;
    let (auth, secret) = match (new.public_key, new.native_app) {
        (Some(jwk), _) => (ClientAuth::PrivateKeyJwt { jwk }, None),
        (None, true) => (ClientAuth::None, None),
        (None, false) => {
            let mut bytes = [0u8; 32];
            rng.fill(&mut bytes).map_err(|_| crate::error::Fault("randomness"))?;
            let secret = clavepin_protocol::crypto::b64_encode(&bytes);
            let secret_hash = super::client_auth::hash_secret(keys, &id, &secret);
            (ClientAuth::SecretBasic { secret_hash }, Some(secret))
        }
    };
    let client = Client {
        id,
        name: new.name,
        redirect_uris: new.redirect_uris,
        post_logout_redirect_uris: new.post_logout_redirect_uris,
        scopes: new.scopes,
        auth,
        registered_at: now,
    };
    tx.insert_client(&client.to_row()?)?;
    Ok((client, secret))
}

/// Why a registration was refused.
#[derive(Debug, thiserror::Error)]
pub enum ClientError {
    #[error("the site's name must have 1 to 120 printable characters")]
    Name,
    #[error("a site needs at least one redirect URI")]
    NoRedirectUri,
    #[error("at most 10 redirect URIs of each kind")]
    TooManyUris,
    #[error("the redirect URI {uri:?} {why}")]
    RedirectUri { uri: String, why: &'static str },
    #[error("unknown scope {0:?}: the provider knows openid, profile and document")]
    Scope(String),
    #[error("the site's public key {0}")]
    PublicKey(&'static str),
    #[error("a native app keeps no key: register it without a public key")]
    NativeAppWithKey,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redirect_uris_are_https_loopback_or_an_app_scheme() {
        for ok in [
            "https://sede.example.es/callback",
            "https://sede.example.es/cb?x=1",
            "http://127.0.0.1:8080/cb",
            "http://[::1]/cb",
            "http://localhost:3000/cb",
            "es.gob.tramites:/oauth2redirect",
        ] {
            assert!(RedirectUri::parse(ok).is_ok(), "{ok}");
        }
        for bad in [
            "http://sede.example.es/cb",
            "https://sede.example.es/cb#frag",
            "/relative",
            "javascript:alert(1)",
            "https://user:pw@sede.example.es/cb",
            "ftp://example.es/cb",
        ] {
            assert!(RedirectUri::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn matching_is_exact_but_a_loopback_ip_may_change_port() {
        let https =
            RedirectUri::parse("https://sede.example.es/cb").unwrap_or_else(|e| panic!("{e}"));
        assert!(https.matches("https://sede.example.es/cb"));
        for other in [
            "https://sede.example.es/cb/",
            "https://sede.example.es/CB",
            "https://sede.example.es/cb?x=1",
            "https://sede.example.es:443/cb",
            "https://evil.example/cb",
        ] {
            assert!(!https.matches(other), "{other}");
        }
        let native = RedirectUri::parse("http://127.0.0.1/cb").unwrap_or_else(|e| panic!("{e}"));
        assert!(native.matches("http://127.0.0.1:51234/cb"));
        assert!(!native.matches("http://127.0.0.1:51234/other"));
        let localhost =
            RedirectUri::parse("http://localhost:3000/cb").unwrap_or_else(|e| panic!("{e}"));
        assert!(!localhost.matches("http://localhost:3001/cb"), "only IP literals float");
    }

    #[test]
    fn scopes_parse_known_names_only() {
        let s = Scopes::parse_list("openid profile email");
        assert!(s.contains(Scope::OpenId) && s.contains(Scope::Profile));
        assert!(!s.contains(Scope::Document));
        assert_eq!(s.to_list(), "openid profile");
        assert!(s.within(Scopes::DEFAULT));
    }

    #[test]
    fn a_private_key_is_refused_at_registration() {
        let jwk = serde_json::json!({"kty":"EC","crv":"P-256","x":"AA","y":"AA","d":"AA"});
        assert!(matches!(parse_public_key(&jwk), Err(ClientError::PublicKey(_))));
    }
}

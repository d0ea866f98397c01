//! How the device trusts the service's certificate (OWASP MASVS-NETWORK-1 and -2):
//! webpki's chain and name checks against a root store that is part of the library —
//! Mozilla's roots, and any the operator adds for a private CA — and, when pins are
//! configured, a certificate of the chain whose public key (SHA-256 of its
//! SubjectPublicKeyInfo, as OkHttp and iOS pin) is one of them.
//!
//! Why not the platform's verifier (reqwest's default, `rustls-platform-verifier`): on
//! Android it must be initialised through JNI with the app's `Context` and needs a
//! companion Android library, and a library that works only after hidden set-up fails
//! on the first phone that skips it. This one needs nothing from the platform and
//! behaves the same on Android, iOS and desktops; the price is that a root the user
//! installed on the phone is not trusted, which for a log-in service is a feature.

use std::sync::Arc;

use ring::digest::{SHA256, digest};
use rustls::DigitallySignedStruct;
use rustls::client::WebPkiServerVerifier;
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};

use super::ClientError;

/// What the device trusts for the service's TLS certificate.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TlsTrust {
    /// Root certificates (DER) trusted besides Mozilla's: a private CA, a test CA.
    pub extra_roots: Vec<Vec<u8>>,
    /// Public-key pins: SHA-256 of the SubjectPublicKeyInfo of a certificate the
    /// service presents (its own, or an intermediate CA's; a root is not sent, so it
    /// cannot be pinned). Empty: no pinning. Give at least two (the current key and
    /// the next) so a key rotation does not lock every phone out.
    pub spki_pins: Vec<[u8; 32]>,
    /// Trust only `extra_roots`, not Mozilla's.
    pub only_extra_roots: bool,
}

/// The TLS configuration for the service's client.
pub(super) fn client_config(trust: &TlsTrust) -> Result<rustls::ClientConfig, ClientError> {
    let bad = |what: &str| ClientError::Protocol(format!("TLS set-up: {what}"));
    let mut roots = rustls::RootCertStore::empty();
    if !trust.only_extra_roots {
        roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
    }
    for der in &trust.extra_roots {
        roots
            .add(CertificateDer::from(der.clone()))
            .map_err(|_| bad("a root is not a certificate"))?;
    }
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let webpki = WebPkiServerVerifier::builder_with_provider(Arc::new(roots), provider.clone())
        .build()
        .map_err(|_| bad("no root to trust"))?;
    let verifier = PinningVerifier { webpki, pins: trust.spki_pins.clone() };
    Ok(rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|_| bad("protocol versions"))?
        .dangerous()
        .with_custom_certificate_verifier(Arc::new(verifier))
        .with_no_client_auth())
}

/// SHA-256 of a certificate's SubjectPublicKeyInfo, the pin's form.
pub fn spki_sha256(certificate_der: &[u8]) -> Option<[u8; 32]> {
    let der = CertificateDer::from(certificate_der);
    let cert = webpki::EndEntityCert::try_from(&der).ok()?;
    digest(&SHA256, cert.subject_public_key_info().as_ref()).as_ref().try_into().ok()
}

/// webpki's verification, then the pins.
#[derive(Debug)]
struct PinningVerifier {
    webpki: Arc<WebPkiServerVerifier>,
    pins: Vec<[u8; 32]>,
}

impl ServerCertVerifier for PinningVerifier {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp_response: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        let verified = self.webpki.verify_server_cert(
            end_entity,
            intermediates,
            server_name,
            ocsp_response,
            now,
        )?;
        if self.pins.is_empty() {
            return Ok(verified);
        }
        let pinned = std::iter::once(end_entity)
            .chain(intermediates)
            .filter_map(|cert| spki_sha256(cert))
            .any(|hash| self.pins.contains(&hash));
        if pinned {
            Ok(verified)
        } else {
            Err(rustls::Error::InvalidCertificate(
                rustls::CertificateError::ApplicationVerificationFailure,
            ))
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.webpki.verify_tls12_signature(message, cert, dss)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.webpki.verify_tls13_signature(message, cert, dss)
    }

    fn supported_verify_schemes(&self) -> Vec<rustls::SignatureScheme> {
        self.webpki.supported_verify_schemes()
    }
}

/// Whether a request failed because the service's certificate was not trusted. The
/// rustls error sits inside `io::Error`s inside hyper's, and `io::Error::source`
/// skips the error it wraps, so the walk looks inside each `io::Error` itself.
pub(super) fn is_untrusted(error: &reqwest::Error) -> bool {
    let mut next: Option<&(dyn std::error::Error + 'static)> = Some(error);
    while let Some(e) = next {
        if let Some(rustls::Error::InvalidCertificate(_)) = e.downcast_ref::<rustls::Error>() {
            return true;
        }
        next = match e.downcast_ref::<std::io::Error>().and_then(std::io::Error::get_ref) {
            Some(inner) => Some(inner as &(dyn std::error::Error + 'static)),
            None => e.source(),
        };
    }
    false
}

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
use rustls::pki_types::{CertificateDer, ServerName, TrustAnchor, UnixTime};

use super::ClientError;

/// What the device trusts for the service's TLS certificate.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TlsTrust {
    /// Root certificates (DER) trusted besides Mozilla's: a private CA, a test CA.
    pub extra_roots: Vec<Vec<u8>>,
    /// Public-key pins: SHA-256 of the SubjectPublicKeyInfo of a certificate on the
    /// verified path (the service's own, an intermediate CA's, or the root's). Empty:
    /// no pinning. Give at least two (the current key and the next) so a key
    /// rotation does not lock every phone out.
    pub spki_pins: Vec<[u8; 32]>,
    /// Trust only `extra_roots`, not Mozilla's.
    pub only_extra_roots: bool,
    /// Allow plain `http://` to a host that is not loopback. For development only: an
    /// Android emulator reaches its host's loopback service at 10.0.2.2. Without it a
    /// plain-HTTP address off this machine is refused when the device opens.
    pub plain_http_off_loopback: bool,
}

/// Whether `base` may carry the device's traffic: https, or plain http to loopback.
pub(super) fn secure_enough(base: &str) -> bool {
    let Ok(url) = reqwest::Url::parse(base) else { return false };
    if url.scheme() == "https" {
        return true;
    }
    let Some(host) = url.host_str() else { return false };
    let host = host.trim_start_matches('[').trim_end_matches(']');
    url.scheme() == "http"
        && match host.parse::<std::net::IpAddr>() {
            Ok(ip) => ip.is_loopback(),
            Err(_) => host.eq_ignore_ascii_case("localhost"),
        }
}

/// The TLS configuration for the service's client.
pub(super) fn client_config(trust: &TlsTrust) -> Result<rustls::ClientConfig, ClientError> {
    let bad = |what: &str| ClientError::Protocol(format!("TLS set-up: {what}"));
    let mut anchors: Vec<TrustAnchor<'static>> = Vec::new();
    if !trust.only_extra_roots {
        anchors.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
    }
    for der in &trust.extra_roots {
        let cert = CertificateDer::from(der.as_slice());
        let anchor = webpki::anchor_from_trusted_cert(&cert)
            .map_err(|_| bad("a root is not a certificate"))?;
        anchors.push(anchor.to_owned());
    }
    let roots = rustls::RootCertStore { roots: anchors.clone() };
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let webpki = WebPkiServerVerifier::builder_with_provider(Arc::new(roots), provider.clone())
        .build()
        .map_err(|_| bad("no root to trust"))?;
    let verifier = PinningVerifier {
        webpki,
        anchors,
        algorithms: provider.signature_verification_algorithms.all,
        pins: trust.spki_pins.clone(),
    };
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

/// webpki's verification, then the pins, checked on the path webpki verified (the
/// end entity, the intermediates it used, the root): a certificate the service merely
/// sends beside its chain proves nothing, since anyone can append a public one
/// (OkHttp's CVE-2016-2402).
struct PinningVerifier {
    webpki: Arc<WebPkiServerVerifier>,
    anchors: Vec<TrustAnchor<'static>>,
    algorithms: &'static [&'static dyn rustls::pki_types::SignatureVerificationAlgorithm],
    pins: Vec<[u8; 32]>,
}

impl std::fmt::Debug for PinningVerifier {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PinningVerifier").field("pins", &self.pins.len()).finish_non_exhaustive()
    }
}

impl PinningVerifier {
    /// Whether a key on the verified path is pinned.
    fn path_is_pinned(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        now: UnixTime,
    ) -> bool {
        let Ok(cert) = webpki::EndEntityCert::try_from(end_entity) else { return false };
        let path = cert.verify_for_usage(
            self.algorithms,
            &self.anchors,
            intermediates,
            now,
            webpki::KeyUsage::server_auth(),
            None,
            None,
        );
        let Ok(path) = path else { return false };
        let hash =
            |spki: &[u8]| -> Option<[u8; 32]> { digest(&SHA256, spki).as_ref().try_into().ok() };
        std::iter::once(hash(path.end_entity().subject_public_key_info().as_ref()))
            .chain(
                path.intermediate_certificates()
                    .map(|c| hash(c.subject_public_key_info().as_ref())),
            )
            .chain(std::iter::once(hash(webpki::spki_for_anchor(path.anchor()).as_ref())))
            .flatten()
            .any(|h| self.pins.contains(&h))
    }
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
        if self.path_is_pinned(end_entity, intermediates, now) {
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

#[cfg(test)]
mod address_tests {
    use super::secure_enough;

    #[test]
    fn plain_http_only_to_this_machine() {
        for (base, ok) in [
            ("https://pin.example.es", true),
            ("http://127.0.0.1:8480", true),
            ("http://[::1]:8480", true),
            ("http://localhost:8480", true),
            ("http://10.0.2.2:8480", false),
            ("http://pin.example.es", false),
            ("ftp://127.0.0.1", false),
            ("not a url", false),
        ] {
            assert_eq!(secure_enough(base), ok, "{base}");
        }
    }
}

//! The core against the service over TLS, with a throwaway CA: trusted when the CA is
//! given (and the pin matches), refused with a typed error otherwise.

use std::path::Path;
use std::process::Command;
use std::sync::Arc;

use clavepin_core::client::{TlsTrust, spki_sha256};
use clavepin_core::store::FileKeyStore;
use clavepin_core::{CoreError, Device, DeviceConfig};
use clavepin_e2e::*;
use clavepin_protocol::wire::ErrorCode;

fn openssl(dir: &Path, args: &[&str]) {
    let out = Command::new("openssl")
        .current_dir(dir)
        .args(args)
        .output()
        .expect("Debian's openssl makes the test certificates");
    assert!(out.status.success(), "openssl {args:?}: {}", String::from_utf8_lossy(&out.stderr));
}

/// A CA and a certificate for `localhost` it signed; returns (CA DER, leaf DER).
fn throwaway_ca(dir: &Path) -> (Vec<u8>, Vec<u8>) {
    let p256 = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes"];
    openssl(
        dir,
        &[
            &["req", "-x509"][..],
            &p256,
            &["-days", "2", "-subj", "/CN=ClavePIN test CA", "-keyout", "ca.key", "-out", "ca.pem"],
        ]
        .concat(),
    );
    openssl(
        dir,
        &[
            &["req"][..],
            &p256,
            &["-subj", "/CN=localhost", "-keyout", "key.pem", "-out", "leaf.csr"],
        ]
        .concat(),
    );
    std::fs::write(
        dir.join("leaf.ext"),
        "subjectAltName=DNS:localhost\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n",
    )
    .unwrap();
    openssl(
        dir,
        &[
            "x509",
            "-req",
            "-in",
            "leaf.csr",
            "-CA",
            "ca.pem",
            "-CAkey",
            "ca.key",
            "-CAcreateserial",
            "-days",
            "1",
            "-extfile",
            "leaf.ext",
            "-out",
            "cert.pem",
        ],
    );
    openssl(dir, &["x509", "-in", "ca.pem", "-outform", "der", "-out", "ca.der"]);
    openssl(dir, &["x509", "-in", "cert.pem", "-outform", "der", "-out", "cert.der"]);
    (std::fs::read(dir.join("ca.der")).unwrap(), std::fs::read(dir.join("cert.der")).unwrap())
}

/// A second CA the device does not trust, and the service's "real" certificate from
/// it: public, so an attacker can append it to a chain of their own.
fn untrusted_ca_leaf(dir: &Path) -> Vec<u8> {
    let p256 = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes"];
    openssl(
        dir,
        &[
            &["req", "-x509"][..],
            &p256,
            &["-days", "2", "-subj", "/CN=Other CA", "-keyout", "ca2.key", "-out", "ca2.pem"],
        ]
        .concat(),
    );
    openssl(
        dir,
        &[
            &["req"][..],
            &p256,
            &["-subj", "/CN=localhost", "-keyout", "key2.pem", "-out", "leaf2.csr"],
        ]
        .concat(),
    );
    openssl(
        dir,
        &[
            "x509",
            "-req",
            "-in",
            "leaf2.csr",
            "-CA",
            "ca2.pem",
            "-CAkey",
            "ca2.key",
            "-CAcreateserial",
            "-days",
            "1",
            "-extfile",
            "leaf.ext",
            "-out",
            "cert2.pem",
        ],
    );
    openssl(dir, &["x509", "-in", "cert2.pem", "-outform", "der", "-out", "cert2.der"]);
    std::fs::read(dir.join("cert2.der")).unwrap()
}

/// The service over TLS with `cert` (a PEM chain) and `key`; returns its address and
/// a way to stop it.
async fn serve_tls(
    data: &Path,
    cert: std::path::PathBuf,
    key: std::path::PathBuf,
) -> (
    String,
    tokio::sync::oneshot::Sender<()>,
    tokio::task::JoinHandle<Result<(), clavepin_server::ListenError>>,
) {
    let service =
        clavepin_server::Service::open(clavepin_server::ServiceConfig::new(data)).unwrap();
    let (bound_tx, bound_rx) = tokio::sync::oneshot::channel();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let served = tokio::spawn(clavepin_server::serve_on(
        service,
        clavepin_server::Addresses {
            public: "127.0.0.1:0".parse().unwrap(),
            operator: "127.0.0.1:0".parse().unwrap(),
        },
        Some(clavepin_server::TlsFiles { cert, key }),
        move |bound| {
            let _ = bound_tx.send(bound.public);
        },
        async {
            let _ = stopped.await;
        },
    ));
    (format!("https://localhost:{}", bound_rx.await.unwrap().port()), stop, served)
}

fn device(dir: &Path, url: &str, tls: TlsTrust) -> Device {
    let keys = Arc::new(FileKeyStore::open(&dir.join("device.key"), true).unwrap());
    let config =
        DeviceConfig::new(dir, url, keys).with_pattern_iterations(TEST_ITERATIONS).with_tls(tls);
    Device::open(config).unwrap()
}

#[tokio::test]
async fn the_device_trusts_the_services_ca_and_its_pins_and_nothing_else() {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let root = tempfile::tempdir().unwrap();
    let (ca, leaf) = throwaway_ca(root.path());
    let (url, stop, served) = serve_tls(
        &root.path().join("service"),
        root.path().join("cert.pem"),
        root.path().join("key.pem"),
    )
    .await;
    // Any answer from the service shows the handshake succeeded: its census is empty,
    // so it refuses the claim.
    let answered = |result: &Result<_, CoreError>| {
        matches!(result, Err(CoreError::Refused { code: ErrorCode::ContrastDataMismatch, .. }))
    };
    let attempt = |name: &str, tls: TlsTrust| {
        let dir = root.path().join(name);
        let url = url.clone();
        async move { device(&dir, &url, tls).start_activation(DNI, DNI_VALIDITY, false, today()).await }
    };

    let with_ca = TlsTrust { extra_roots: vec![ca.clone()], ..TlsTrust::default() };
    let trusted = attempt("trusted", with_ca.clone()).await;
    assert!(answered(&trusted), "the CA given: trusted: {trusted:?}");

    let unknown = attempt("unknown", TlsTrust::default()).await;
    assert!(matches!(unknown, Err(CoreError::Untrusted)), "Mozilla's roots only: {unknown:?}");

    let pinned = TlsTrust { spki_pins: vec![spki_sha256(&leaf).unwrap()], ..with_ca.clone() };
    let pinned = attempt("pinned", pinned).await;
    assert!(answered(&pinned), "the service's key pinned: {pinned:?}");

    let root_pinned =
        TlsTrust { spki_pins: vec![[7; 32], spki_sha256(&ca).unwrap()], ..with_ca.clone() };
    let root_pinned = attempt("root-pinned", root_pinned).await;
    assert!(answered(&root_pinned), "a pin on the root's key: {root_pinned:?}");

    let wrong_pin = TlsTrust { spki_pins: vec![[7; 32]], ..with_ca.clone() };
    let refused = attempt("wrong-pin", wrong_pin).await;
    assert!(
        matches!(refused, Err(CoreError::Untrusted)),
        "no pinned key in the chain: {refused:?}"
    );
    let _ = stop.send(());
    served.await.unwrap().unwrap();

    // An attacker with a certificate from a trusted CA appends the service's real,
    // pinned (and public) certificate to their chain: the pin must not be fooled.
    let real = untrusted_ca_leaf(root.path());
    let mut appended = std::fs::read(root.path().join("cert.pem")).unwrap();
    appended.extend(std::fs::read(root.path().join("cert2.pem")).unwrap());
    std::fs::write(root.path().join("attack.pem"), appended).unwrap();
    let (attack_url, stop, served) = serve_tls(
        &root.path().join("attacker"),
        root.path().join("attack.pem"),
        root.path().join("key.pem"),
    )
    .await;
    let unpinned = device(&root.path().join("unpinned"), &attack_url, with_ca.clone())
        .start_activation(DNI, DNI_VALIDITY, false, today())
        .await;
    assert!(answered(&unpinned), "without pins the attacker's chain verifies: {unpinned:?}");
    let pinned_real = TlsTrust { spki_pins: vec![spki_sha256(&real).unwrap()], ..with_ca };
    let fooled = device(&root.path().join("attacked"), &attack_url, pinned_real)
        .start_activation(DNI, DNI_VALIDITY, false, today())
        .await;
    assert!(
        matches!(fooled, Err(CoreError::Untrusted)),
        "an appended pinned certificate is not the path: {fooled:?}"
    );
    let _ = stop.send(());
    served.await.unwrap().unwrap();
}

#[test]
fn plain_http_off_this_machine_is_refused_unless_a_development_build_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let open = |url: &str, allow: bool| {
        let keys = std::sync::Arc::new(
            clavepin_core::store::FileKeyStore::open(&dir.path().join("device.key"), true).unwrap(),
        );
        let trust = TlsTrust { plain_http_off_loopback: allow, ..TlsTrust::default() };
        clavepin_core::Device::open(
            clavepin_core::DeviceConfig::new(dir.path(), url, keys).with_tls(trust),
        )
    };
    let refused = open("http://192.0.2.10:8480", false).unwrap_err();
    assert!(matches!(refused, clavepin_core::CoreError::InsecureAddress), "{refused:?}");
    assert!(refused.to_string().contains("https://"), "{refused}");
    // The Android emulator's host, from a debug build.
    drop(open("http://10.0.2.2:8480", true).unwrap());
    drop(open("http://127.0.0.1:8480", false).unwrap());
    drop(open("https://pin.example.es", false).unwrap());
}

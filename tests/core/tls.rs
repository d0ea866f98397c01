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
    let service = clavepin_server::Service::open(clavepin_server::ServiceConfig::new(
        root.path().join("service"),
    ))
    .unwrap();
    let (bound_tx, bound_rx) = tokio::sync::oneshot::channel();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let tls = clavepin_server::TlsFiles {
        cert: root.path().join("cert.pem"),
        key: root.path().join("key.pem"),
    };
    let served = tokio::spawn(clavepin_server::serve_on(
        service,
        "127.0.0.1:0".parse().unwrap(),
        Some(tls),
        move |addr, _| {
            let _ = bound_tx.send(addr);
        },
        async {
            let _ = stopped.await;
        },
    ));
    let url = format!("https://localhost:{}", bound_rx.await.unwrap().port());
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

    let wrong_pin = TlsTrust { spki_pins: vec![[7; 32]], ..with_ca };
    let refused = attempt("wrong-pin", wrong_pin).await;
    assert!(
        matches!(refused, Err(CoreError::Untrusted)),
        "no pinned key in the chain: {refused:?}"
    );

    let _ = stop.send(());
    served.await.unwrap().unwrap();
}

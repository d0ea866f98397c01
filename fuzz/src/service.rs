//! The service's router, in-process, fed arbitrary requests. One service per process,
//! with a registered citizen, so that claims that happen to match go through the
//! rules too.

use std::sync::OnceLock;

use axum::body::Body;
use axum::http::{Method, Request, header};
use clavepin_protocol::wire::{HEADER_DEVICE, HEADER_NONCE, HEADER_SIGNATURE, HEADER_TIMESTAMP};
use tower::ServiceExt;

/// Every endpoint that reads a body, a form, a query or signed headers: (method,
/// path, which listener).
const ROUTES: &[(&str, &str, bool)] = &[
    ("POST", "/registration/invitation", false),
    ("POST", "/registration/complete", false),
    ("POST", "/device/activation", false),
    ("POST", "/device/activation/x/complete", false),
    ("POST", "/portal/pin-requests", false),
    ("POST", "/portal/pin-requests/x/sms", false),
    ("POST", "/portal/pin-requests/x/again", false),
    ("POST", "/portal/pin-requests/x/verify", false),
    ("GET", "/device/status", false),
    ("DELETE", "/device", false),
    ("PUT", "/device/push-token", false),
    ("GET", "/device/pins", false),
    ("POST", "/device/pins/states", false),
    ("POST", "/device/pins/x/ack", false),
    ("POST", "/", false),
    ("POST", "/access/contrast", false),
    ("POST", "/access/obtain", false),
    ("POST", "/access/pin", false),
    ("POST", "/access/pin/sms", false),
    ("POST", "/access/pin/again", false),
    ("POST", "/access/sign-out", false),
    ("POST", "/operator/census", true),
    ("POST", "/operator/citizens", true),
    ("GET", "/operator/outbox/sms?after=", true),
    ("POST", "/operator/citizens/x/unlock", true),
    ("POST", "/oidc/token", false),
    ("POST", "/oidc/userinfo", false),
    ("POST", "/oidc/authorize/cancel", false),
    ("POST", "/oidc/logout", false),
    ("GET", "/oidc/authorize?", false),
    ("GET", "/oidc/logout?", false),
    ("POST", "/operator/clients", true),
];

const CONTENT_TYPES: &[Option<&str>] = &[
    Some("application/json"),
    Some("application/x-www-form-urlencoded"),
    Some("text/plain"),
    None,
];

struct Service {
    runtime: tokio::runtime::Runtime,
    public: axum::Router,
    operator: axum::Router,
    token: String,
    _dir: tempfile::TempDir,
}

fn service() -> Option<&'static Service> {
    static SERVICE: OnceLock<Option<Service>> = OnceLock::new();
    SERVICE.get_or_init(start).as_ref()
}

fn start() -> Option<Service> {
    let dir = tempfile::tempdir().ok()?;
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().ok()?;
    let service = runtime.block_on(async {
        clavepin_server::Service::open(clavepin_server::ServiceConfig::new(dir.path())).ok()
    })?;
    let (public, operator) = (service.router(), service.operator_router());
    let token = service.operator_token().to_owned();
    let svc = Service { runtime, public, operator, token, _dir: dir };
    let census = r#"{"records":[{"document":"12345678Z","full_name":"Ana García",
        "birth_date":"1985-04-12","contrast":{"kind":"dni_validity","valid_until":"2030-01-31"},
        "fiscal_address":"Calle Mayor 1"}]}"#;
    let register = r#"{"document":"12345678Z","contrast":{"kind":"dni_validity",
        "valid_until":"2030-01-31"},"mobile":"612345678","email":"ana@example.es"}"#;
    for (path, body) in [("/operator/census", census), ("/operator/citizens", register)] {
        let status = svc.send("POST", path, true, Some("application/json"), &[], body.as_bytes());
        assert!(status.is_some_and(|s| s < 300), "setting up {path}: {status:?}");
    }
    Some(svc)
}

impl Service {
    fn send(
        &self,
        method: &str,
        path: &str,
        operator: bool,
        content_type: Option<&str>,
        signed: &[&[u8]],
        body: &[u8],
    ) -> Option<u16> {
        let mut request = Request::builder().method(Method::from_bytes(method.as_bytes()).ok()?);
        // A path ending in `?` takes the body as its query, if it can be one.
        let (uri, body) = match path.strip_suffix('?') {
            Some(_) => (format!("{path}{}", String::from_utf8_lossy(body)), &b""[..]),
            None => (path.to_owned(), body),
        };
        let uri = axum::http::Uri::try_from(uri).ok()?;
        request = request.uri(uri);
        if let Some(content_type) = content_type {
            request = request.header(header::CONTENT_TYPE, content_type);
        }
        if operator {
            request = request.header(header::AUTHORIZATION, format!("Bearer {}", self.token));
        }
        for (name, value) in
            [HEADER_DEVICE, HEADER_TIMESTAMP, HEADER_NONCE, HEADER_SIGNATURE].iter().zip(signed)
        {
            // A value HTTP cannot carry never reaches the service: skip it.
            if let Ok(value) = axum::http::HeaderValue::from_bytes(value) {
                request = request.header(*name, value);
            }
        }
        let request = request.body(Body::from(body.to_vec())).ok()?;
        let router = if operator { &self.operator } else { &self.public };
        let response = self.runtime.block_on(router.clone().oneshot(request)).ok()?;
        Some(response.status().as_u16())
    }
}

/// One request: byte 0 picks the endpoint, byte 1 the content type; then up to four
/// lines of signed-request headers (device, timestamp, nonce, signature) ended by an
/// empty line, then the body. The service must answer, and never with a 5xx.
pub fn http_request(data: &[u8]) {
    let svc = service();
    assert!(svc.is_some(), "the service did not start");
    let Some(svc) = svc else { return };
    let [route, kind, rest @ ..] = data else { return };
    let (method, path, operator) = ROUTES[usize::from(*route) % ROUTES.len()];
    let content_type = CONTENT_TYPES[usize::from(*kind) % CONTENT_TYPES.len()];
    let (head, body) = match rest.windows(2).position(|w| w == b"\n\n") {
        Some(at) => (&rest[..at], &rest[at + 2..]),
        None => (&[][..], rest),
    };
    let signed: Vec<&[u8]> = head.split(|b| *b == b'\n').take(4).collect();
    let valid_uri = !path.ends_with('?')
        || axum::http::Uri::try_from(format!("{path}{}", String::from_utf8_lossy(body))).is_ok();
    let status = svc.send(method, path, operator, content_type, &signed, body);
    if valid_uri {
        assert!(status.is_some_and(|s| s < 500), "{method} {path}: {status:?}");
    }
}

//! The portal's pages: "Access with Cl@ve PIN" as a citizen's browser sees it,
//! server-rendered, in Spanish and English, with no script (SPEC.md flows 3 and 5,
//! following the official help page, seed 002):
//!
//! 1. `/` — the DNI or NIE;
//! 2. `/access/contrast` — the contrast data (validity date, or issue date for a
//!    permanent DNI; support number for a NIE), checked against the census;
//! 3. `/access/obtain` — "Obtain PIN", with the custom code and, where the citizen
//!    has an activated app, the choice of app or SMS;
//! 4. `/access/pin` — where the PIN went ("Request SMS to be sent to your mobile" /
//!    "Request again"), and the form with the code locked and the PIN → "Access";
//! 5. `/access/signed-in` — who signed in, and "Sign out";
//! 6. `/access/devices` — "My devices": the active device (deactivate it), moving to
//!    a new phone, the citizen's recent activity;
//! 7. `/access/approve` — approving in the app instead of a PIN, chosen on step 3:
//!    the QR code and the short code, the only page with a script (its own).
//!
//! The pages call the same domain functions as the JSON API (`pins::obtain`,
//! `pins::verify`…, claims through [`crate::registry::guard::guarded`]), so the same
//! throttling applies. Every POST needs the session's CSRF token; every answer
//! carries a strict Content-Security-Policy and is not cached. Document numbers and
//! PINs travel only in POST bodies, never in addresses, and are never logged.

mod access;
mod approve;
mod csrf;
mod devices;
mod flow;
mod html;
mod i18n;
mod pages;
mod session;
mod sites;
mod visit;

use axum::Router;
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::get;

pub use session::Sessions;

use crate::error::PinError;
use crate::refusal::Refusal;
use crate::state::AppState;

/// The pages' addresses.
pub mod paths {
    /// Step 1, the document.
    pub const START: &str = "/";
    /// Step 2, contrast data.
    pub const CONTRAST: &str = "/access/contrast";
    /// Step 3, "Obtain PIN".
    pub const OBTAIN: &str = "/access/obtain";
    /// Step 4, the notice and "Access".
    pub const PIN: &str = "/access/pin";
    /// "Request SMS to be sent to your mobile".
    pub const SMS: &str = "/access/pin/sms";
    /// "Request again".
    pub const AGAIN: &str = "/access/pin/again";
    /// Step 5, signed in.
    pub const SIGNED_IN: &str = "/access/signed-in";
    /// "Sign out".
    pub const SIGN_OUT: &str = "/access/sign-out";
    /// "My devices", after signing in.
    pub const DEVICES: &str = "/access/devices";
    /// "Deactivate this device".
    pub const DEACTIVATE: &str = "/access/devices/deactivate";
    /// The privacy notice.
    pub const PRIVACY: &str = "/privacy";
    /// Approving in the app: the QR code, the short code, the timer.
    pub const APPROVE: &str = "/access/approve";
    /// Where the approval stands, for the page's script.
    pub const APPROVE_STATUS: &str = "/access/approve/status";
    /// The page's script.
    pub const APPROVE_SCRIPT: &str = "/access/approve.js";
    /// The link into the app (app link, universal link); a page in a browser.
    pub const APP_LINK: &str = "/approve";
}

/// The stylesheet, served by the service itself: the policy allows no other origin.
pub const STYLESHEET_PATH: &str = "/access/style.css";
const STYLESHEET: &str = include_str!("style.css");

/// No script, no frames, no plugins, forms only to this origin, styles only from
/// this origin's stylesheet (so no inline `style`), no `<base>` rewriting.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'none'; style-src 'self'; \
     form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

/// What the page handlers share: the service, and how cookies are marked.
#[derive(Clone, Debug)]
pub struct Portal {
    app: AppState,
    sessions: std::sync::Arc<Sessions>,
    issuer: crate::oidc::Issuer,
    secure_cookies: bool,
}

impl Portal {
    /// With TLS the cookie is `Secure` and takes the `__Host-` prefix, which browsers
    /// honour only for a `Secure`, host-only cookie with `Path=/` (RFC 6265bis §4.1.3.2),
    /// so no sibling domain or plain-HTTP page can plant one. Over plain HTTP on
    /// loopback a `Secure` cookie would not come back, so neither is used.
    fn cookie_name(&self) -> &'static str {
        if self.secure_cookies { "__Host-clavepin-session" } else { "clavepin-session" }
    }

    /// The `Set-Cookie` value for a session id. No `Max-Age`: the cookie ends with
    /// the browser, the session on the service after 15 idle minutes.
    fn cookie(&self, id: &str) -> String {
        let secure = if self.secure_cookies { "; Secure" } else { "" };
        format!("{}={id}; Path=/; HttpOnly; SameSite=Strict{secure}", self.cookie_name())
    }
}

/// The pages' routes, to merge into the service's router. `secure_cookies` when the
/// service is reached over TLS.
pub fn routes(
    app: AppState,
    sessions: std::sync::Arc<Sessions>,
    issuer: crate::oidc::Issuer,
    secure_cookies: bool,
) -> Router<AppState> {
    let portal = Portal { app, sessions, issuer, secure_cookies };
    use crate::oidc::paths as oidc;
    Router::new()
        .route(paths::START, get(flow::document_page).post(flow::submit_document))
        .route(paths::CONTRAST, get(flow::contrast_page).post(flow::submit_contrast))
        .route(paths::OBTAIN, get(flow::obtain_page).post(flow::submit_obtain))
        .route(paths::PIN, get(access::pin_page).post(access::submit_pin))
        .route(paths::SMS, get(back_to_pin).post(access::request_sms))
        .route(paths::AGAIN, get(back_to_pin).post(access::request_again))
        .route(paths::SIGNED_IN, get(access::signed_in_page))
        .route(paths::SIGN_OUT, get(back_to_start).post(access::sign_out))
        .route(paths::DEVICES, get(devices::devices_page))
        .route(paths::DEACTIVATE, get(back_to_devices).post(devices::deactivate))
        .route(oidc::AUTHORIZE, get(sites::authorize))
        .route(oidc::CANCEL, get(back_to_start).post(sites::cancel))
        .route(oidc::LOGOUT, get(sites::logout_page).post(sites::logout))
        .route(paths::PRIVACY, get(privacy_page))
        .route(paths::APPROVE, get(approve::approve_page))
        .route(paths::APPROVE_STATUS, get(approve::status))
        .route(paths::APPROVE_SCRIPT, get(approve::script))
        .route(paths::APP_LINK, get(approve::link_landing))
        .route(STYLESHEET_PATH, get(stylesheet))
        .layer(middleware::from_fn_with_state(portal.clone(), visit::store_sessions))
        .layer(middleware::map_response(page_headers))
        .with_state(portal)
}

/// Headers on every page (OWASP Secure Headers): the policy above, no MIME sniffing,
/// no referrer (a page's address is nobody's business), no framing for old browsers
/// that ignore `frame-ancestors`, and no caching unless the answer says otherwise:
/// pages carry personal data and one-use forms.
async fn page_headers(mut response: Response) -> Response {
    let headers = response.headers_mut();
    let set = [
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (header::REFERRER_POLICY, "no-referrer"),
        (header::X_FRAME_OPTIONS, "DENY"),
    ];
    // A page of a site's sign-in set its own policy (`policy_sending_forms_to`).
    headers
        .entry(header::CONTENT_SECURITY_POLICY)
        .or_insert(HeaderValue::from_static(CONTENT_SECURITY_POLICY));
    for (name, value) in set {
        headers.insert(name, HeaderValue::from_static(value));
    }
    headers.entry(header::CACHE_CONTROL).or_insert(HeaderValue::from_static("no-store"));
    response
}

/// The policy of a page whose forms may end at `target` (a site's redirect URI):
/// `form-action` governs the redirect after a form too, so the site's origin (or an
/// app's scheme) joins `'self'` there, and nowhere else. `base` is the page's own
/// policy, the portal's unless the page set another.
fn policy_sending_forms_to(base: &str, target: &str) -> Option<HeaderValue> {
    let url = url::Url::parse(target).ok()?;
    let source = match url.scheme() {
        "https" | "http" => url.origin().ascii_serialization(),
        scheme => format!("{scheme}:"),
    };
    let policy = base.replace("form-action 'self'", &format!("form-action 'self' {source}"));
    HeaderValue::from_str(&policy).ok()
}

async fn stylesheet() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            // Not personal, but small: revalidating costs nothing.
            (header::CACHE_CONTROL, "no-cache"),
        ],
        STYLESHEET,
    )
        .into_response()
}

/// A rendered page.
fn page(status: StatusCode, html: String) -> Response {
    (status, Html(html)).into_response()
}

/// After a POST that worked, the next page (303, so a reload does not post again).
fn see_other(path: &'static str) -> Response {
    Redirect::to(path).into_response()
}

/// The status of a refused step. Failures of the service itself are logged; refusals
/// are not (the citizen sees them, and the log must not learn who tried what).
fn refusal_status(e: &PinError) -> StatusCode {
    let (status, _) = e.status_and_code();
    if status.is_server_error() {
        tracing::error!(error = ?e, "portal page failed");
    }
    status
}

/// A refused step's page, with `Retry-After` when the refusal is a wait: browsers and
/// proxies read the header, people the page.
fn with_wait(e: &PinError, mut response: Response) -> Response {
    if let Some(secs) = e.retry_after_secs()
        && let Ok(value) = HeaderValue::from_str(&secs.to_string())
    {
        response.headers_mut().insert(header::RETRY_AFTER, value);
    }
    response
}

/// `GET /privacy`: the privacy notice, in the visit's language.
async fn privacy_page(
    axum::extract::State(p): axum::extract::State<Portal>,
    visit: visit::Visit,
) -> Response {
    let html = pages::privacy(&visit.frame(paths::PRIVACY));
    visit.respond(&p, page(StatusCode::OK, html))
}

/// A form's address opened directly (a bookmark, a reload after a redirect).
async fn back_to_pin() -> Redirect {
    Redirect::to(paths::PIN)
}

async fn back_to_devices() -> Redirect {
    Redirect::to(paths::DEVICES)
}

async fn back_to_start() -> Redirect {
    Redirect::to(paths::START)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_policy_allows_no_script_and_only_this_origin() {
        assert!(CONTENT_SECURITY_POLICY.starts_with("default-src 'none';"));
        assert!(!CONTENT_SECURITY_POLICY.contains("script-src"));
        assert!(!STYLESHEET.contains("url("), "the stylesheet loads nothing");
    }

    #[test]
    fn a_sites_sign_in_may_send_forms_to_that_site_only() {
        let policy = |t: &str| {
            policy_sending_forms_to(CONTENT_SECURITY_POLICY, t)
                .map(|v| v.to_str().unwrap_or("").to_owned())
        };
        let https = policy("https://sede.example.es/cb?x=1").unwrap_or_default();
        assert!(https.contains("form-action 'self' https://sede.example.es;"), "{https}");
        assert!(https.starts_with("default-src 'none';") && !https.contains("script-src"));
        let app = policy("es.gob.tramites:/cb").unwrap_or_default();
        assert!(app.contains("form-action 'self' es.gob.tramites:;"), "{app}");
        let port = policy("http://127.0.0.1:8080/cb").unwrap_or_default();
        assert!(port.contains("form-action 'self' http://127.0.0.1:8080;"), "{port}");
    }
}

//! The HTTP API (docs/PROTOCOL.md): routes, and what every response carries.

pub mod app_links;
mod device;
pub(crate) mod error;
mod extract;
mod observe;
mod operator;
mod portal;
mod public;
mod sites;

use std::sync::Arc;

use axum::Router;
use axum::error_handling::HandleErrorLayer;
use axum::extract::{DefaultBodyLimit, Request, State};
use axum::http::HeaderValue;
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, post, put};
use clavepin_protocol::wire::{HEADER_SERVICE_TIME, MAX_BODY_BYTES};

use self::error::HttpError;
use crate::metrics::Listener;
use crate::serving::Limits;
use crate::serving::admission::PerClient;
use crate::serving::client::ClientAddress;
use crate::state::AppState;

/// The public routes (device API, registration, "Obtain PIN", the portal's pages, the
/// files that hand `/approve` links to the apps); the pages mark their cookie `Secure`
/// if `secure_cookies` (the service is reached over TLS). Every route but the device's event stream, which stays open by design,
/// is bounded in time and in how many requests run at once (`limits`).
pub fn router(
    state: AppState,
    sessions: Arc<crate::portal::Sessions>,
    issuer: crate::oidc::Issuer,
    secure_cookies: bool,
    limits: &Limits,
    app_links: app_links::AppLinks,
) -> Router {
    let routes = Router::new()
        .route("/health", get(health))
        .route("/ready", get(observe::ready))
        .route("/portal/pin-requests", post(portal::obtain))
        .route("/portal/pin-requests/{id}/sms", post(portal::send_by_sms))
        .route("/portal/pin-requests/{id}/again", post(portal::request_again))
        .route("/portal/pin-requests/{id}/verify", post(portal::verify))
        .route("/portal/approvals/{id}", get(portal::approval_status))
        .route("/portal/approvals/{id}/complete", post(portal::complete_approval))
        .route("/registration/invitation", post(public::request_invitation))
        .route("/registration/complete", post(public::complete_registration))
        .route("/device/activation", post(public::start_activation))
        .route("/device/activation/{id}/complete", post(public::complete_activation))
        .route("/device/status", get(device::status))
        .route("/device", delete(device::remove))
        .route("/device/push-token", put(device::set_push_token))
        .route("/device/pins", get(device::pending))
        .route("/device/pins/states", post(device::states))
        .route("/device/pins/{id}/ack", post(device::acknowledge))
        .route("/device/pins/{id}/not-me", post(device::not_me))
        .route("/device/approvals/look-up", post(device::look_up_approval))
        .route("/device/approvals/decide", post(device::decide_approval))
        .merge(
            Router::new()
                .route("/.well-known/assetlinks.json", get(app_links::assetlinks))
                .route(
                    "/.well-known/apple-app-site-association",
                    get(app_links::apple_app_site_association),
                )
                .with_state(app_links),
        )
        // Its answer holds the link into the app, on the service's public address.
        .merge(
            Router::new()
                .route("/portal/approvals", post(portal::start_approval))
                .with_state((state.clone(), issuer.clone())),
        )
        .merge(crate::oidc::routes(state.clone(), issuer.clone()))
        .merge(crate::portal::routes(state.clone(), sessions, issuer, secure_cookies));
    bounded(routes, limits, &state, Listener::Public)
        // Outside the limits, added after them: an open stream is not "in flight". Its
        // request must still arrive in time.
        .merge(
            Router::new().route("/device/events", get(device::events)).layer(
                tower_http::timeout::RequestBodyTimeoutLayer::new(limits.request_body_timeout),
            ),
        )
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(middleware::map_response_with_state(state.clone(), stamp_service_time))
        .with_state(state)
}

/// The operator API, served on a listener of its own (loopback by default), so the
/// public address never takes an operator token.
pub fn operator_router(
    state: AppState,
    sessions: Arc<crate::portal::Sessions>,
    limits: &Limits,
) -> Router {
    let metrics = Router::new()
        .route("/metrics", get(observe::metrics))
        .with_state(observe::Observed { app: state.clone(), sessions });
    let routes = Router::new()
        .route("/health", get(health))
        .route("/ready", get(observe::ready))
        .route("/operator/census", post(operator::load_census).get(operator::census_page))
        .route("/operator/citizens", post(operator::register_citizen).get(operator::citizens_page))
        .route("/operator/outbox/sms", get(operator::sms_outbox))
        .route("/operator/outbox/letters", get(operator::letters_outbox))
        .route("/operator/outbox/push", get(operator::push_outbox))
        .route("/operator/outbox/email", get(operator::email_outbox))
        .route("/operator/outbox/dead-letters", get(operator::dead_letters))
        .route("/operator/audit", get(operator::audit_page))
        .route("/operator/reports", get(operator::reports))
        .route("/operator/citizens/{document}/unlock", post(operator::unlock))
        .route("/operator/citizens/{document}/clear-code-limit", post(operator::clear_code_limit))
        .route("/operator/clients", post(sites::register).get(sites::list))
        .route("/operator/clients/{id}", delete(sites::remove))
        .route("/operator/signing-keys/rotate", post(sites::rotate_signing_key))
        .merge(metrics);
    bounded(routes, limits, &state, Listener::Operator)
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(middleware::map_response_with_state(state.clone(), stamp_service_time))
        .with_state(state)
}

async fn health() -> axum::Json<serde_json::Value> {
    axum::Json(serde_json::json!({ "status": "ok" }))
}

/// `routes` with the answers every router gives to unknown paths and methods, and
/// the request limits: body and request timeouts, requests in flight in all (503)
/// and per client (429).
fn bounded(
    routes: Router<AppState>,
    limits: &Limits,
    state: &AppState,
    listener: Listener,
) -> Router<AppState> {
    let in_flight = tower::ServiceBuilder::new()
        .layer(HandleErrorLayer::new(|e: tower::BoxError| async move { HttpError::from_limit(&e) }))
        .load_shed()
        .layer(tower::limit::GlobalConcurrencyLimitLayer::new(limits.max_requests_in_flight))
        .timeout(limits.request_timeout);
    let per_client = PerClient::new(limits.max_requests_in_flight_per_client);
    let counted = (state.metrics.clone(), listener);
    routes
        .route_layer(middleware::from_fn_with_state(counted, observe::count))
        .fallback(|| async { HttpError::NotFound })
        .method_not_allowed_fallback(|| async { HttpError::MethodNotAllowed })
        .layer(tower_http::timeout::RequestBodyTimeoutLayer::new(limits.request_body_timeout))
        .layer(in_flight)
        .layer(middleware::from_fn_with_state(per_client, admit_per_client))
}

/// Every response carries the service's clock, so devices can correct theirs.
async fn stamp_service_time(State(state): State<AppState>, mut response: Response) -> Response {
    let now = state.now().timestamp_millis();
    if let Ok(value) = HeaderValue::from_str(&now.to_string()) {
        response.headers_mut().insert(HEADER_SERVICE_TIME, value);
    }
    response
}

/// One client may run only so many requests at once; the rest of its requests wait
/// for none of them and are told to come back.
async fn admit_per_client(
    State(limit): State<Arc<PerClient>>,
    client: ClientAddress,
    request: Request,
    next: Next,
) -> Response {
    match limit.admit(client) {
        Some(_admitted) => next.run(request).await,
        None => HttpError::ClientBusy.into_response(),
    }
}

//! Approving the sign-in in the app, beside "Obtain PIN": the page with who asks, the
//! QR code and the short code and the 5-minute timer, which goes on by itself once
//! the app approves (a small script of the portal's own asks every two seconds;
//! without script the page reloads every five); and `/approve`, where the link to
//! the app lands in a browser on a phone without it.

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use clavepin_protocol::IdentityClaim;
use clavepin_protocol::wire::{ApprovalState, PinChannel};

use super::access::{signed_in, site_code};
use super::pages::{self, ApproveView, ObtainView};
use super::session::{ApproveStep, Flow, Notice};
use super::visit::Visit;
use super::{Portal, page, paths, refusal_status, see_other, with_wait};
use crate::approvals;
use crate::error::PinError;
use crate::oidc::tokens::Method;
use crate::serving::client::ClientAddress;

/// The approval page's own script.
const SCRIPT: &str = include_str!("approve.js");

/// The policy of the approval page: the portal's, plus its own script and the
/// status requests the script makes, from this origin only.
pub const APPROVE_POLICY: &str = "default-src 'none'; style-src 'self'; \
     script-src 'self'; connect-src 'self'; \
     form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

/// "Approve in the app" chosen on "Obtain PIN": the claim is checked again (through
/// the guard, as for a PIN), and the approval started.
pub async fn start(
    p: &Portal,
    client: ClientAddress,
    mut visit: Visit,
    claim: IdentityClaim,
) -> Response {
    let app = p.app.clone();
    let now = app.now();
    let site = visit.session.authorization.as_ref().map(|a| a.client_name.clone());
    let started = p
        .app
        .guarded(client, claim.document(), move |tx| {
            approvals::start(tx, &claim, app.issuer(now).for_site(site.as_deref()))
        })
        .await;
    match started {
        Ok(started) => {
            visit.session.flow = Flow::Approve(ApproveStep {
                claim,
                approval_id: started.id,
                code: started.code,
                expires_at: started.expires_at,
            });
            visit.respond(p, see_other(paths::APPROVE))
        }
        Err(e) => {
            let app_available = !matches!(e, PinError::AppNotActivated);
            if !app_available {
                // The device went away since step 2: offer only what still works.
                visit.session.flow = Flow::Obtain { claim, app_available };
            }
            let message = visit.lang.text().service_error(&e);
            let masked = claim.document().masked();
            let view = ObtainView {
                masked: &masked,
                app_available,
                customise: false,
                code: "",
                code_error: None,
                channel: PinChannel::App,
                approve_chosen: app_available,
                general: Some(&message),
            };
            let html = pages::obtain(&visit.frame(paths::OBTAIN), &view);
            with_wait(&e, visit.respond(p, page(refusal_status(&e), html)))
        }
    }
}

/// `GET /access/approve`: the page while the approval waits; once the app answered,
/// the sign-in (or back to "Obtain PIN", saying why).
pub async fn approve_page(State(p): State<Portal>, visit: Visit) -> Response {
    let Flow::Approve(step) = &visit.session.flow else {
        return visit.respond(&p, see_other(paths::START));
    };
    let (id, claim) = (step.approval_id.clone(), step.claim);
    let now = p.app.now();
    let read_id = id.clone();
    let state = p.app.db.read(move |c| approvals::state(c, &read_id, now)).await;
    let back = |mut visit: Visit, notice| {
        visit.session.flow = Flow::Obtain { claim, app_available: true };
        visit.session.notice = Some(notice);
        visit.respond(&p, see_other(paths::OBTAIN))
    };
    match state {
        Ok(ApprovalState::Pending) => render(&p, visit),
        Ok(ApprovalState::Approved) => {
            let app = p.app.clone();
            let authorization = visit.session.authorization.clone();
            let completed = p
                .app
                .db
                .write(move |tx| {
                    let Some(granted) = approvals::complete(tx, &id, now)? else {
                        return Ok(None);
                    };
                    let code = site_code(
                        tx,
                        &app,
                        authorization.as_deref(),
                        &granted,
                        Method::Approval,
                        now,
                    )?;
                    Ok(Some((granted, code)))
                })
                .await;
            match completed {
                Ok(Some((granted, code))) => signed_in(&p, visit, granted, code),
                // Collected by another tab of the same session a moment ago.
                Ok(None) => back(visit, Notice::ApprovalEnded),
                Err(e) => failed(&p, visit, &e),
            }
        }
        Ok(ApprovalState::Ended) => back(visit, Notice::ApprovalEnded),
        Ok(ApprovalState::Expired) => back(visit, Notice::ApprovalExpired),
        Err(e) => failed(&p, visit, &e),
    }
}

fn failed(p: &Portal, visit: Visit, e: &PinError) -> Response {
    let status = refusal_status(e);
    let t = visit.lang.text();
    let html = pages::message(&visit.frame(paths::APPROVE), t.approve.title, t.err.internal);
    visit.respond(p, page(status, html))
}

fn render(p: &Portal, visit: Visit) -> Response {
    let Flow::Approve(step) = &visit.session.flow else {
        return visit.respond(p, see_other(paths::START));
    };
    let t = visit.lang.text();
    let site = visit
        .session
        .authorization
        .as_ref()
        .map_or_else(|| t.approve.this_portal.to_owned(), |a| a.client_name.clone());
    let link = approvals::app_link(&p.issuer, &step.code);
    let view = ApproveView {
        site: &site,
        code: step.code.grouped(),
        qr: qr_svg(&link),
        link: &link,
        expires_at: step.expires_at,
        now: p.app.now(),
    };
    let html = pages::approve(&visit.frame(paths::APPROVE), &view);
    let mut response = page(StatusCode::OK, html);
    response
        .headers_mut()
        .insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(APPROVE_POLICY));
    visit.respond(p, response)
}

/// The QR code as inline SVG: under the policy no image may load, and inline markup
/// is no load. Its text is only the link, so it cannot fail to fit; if it ever did,
/// the page still shows the code to type.
fn qr_svg(link: &str) -> String {
    let Ok(code) = qrcode::QrCode::new(link.as_bytes()) else { return String::new() };
    let svg = code
        .render::<qrcode::render::svg::Color<'_>>()
        .min_dimensions(200, 200)
        .quiet_zone(true)
        .build();
    // The XML declaration has no place inside an HTML page.
    let start = svg.find("<svg").unwrap_or(0);
    svg[start..].replacen("<svg ", "<svg id=\"approve-qr\" aria-hidden=\"true\" ", 1)
}

/// `GET /access/approve/status`: where the session's approval stands, for the page's
/// script. Only the session's own approval: no id is taken from the request.
pub async fn status(State(p): State<Portal>, visit: Visit) -> Response {
    let state = match &visit.session.flow {
        Flow::Approve(step) => {
            let id = step.approval_id.clone();
            let now = p.app.now();
            match p.app.db.read(move |c| approvals::state(c, &id, now)).await {
                Ok(state) => state,
                Err(e) => {
                    refusal_status(&e);
                    return visit.respond(&p, StatusCode::INTERNAL_SERVER_ERROR.into_response());
                }
            }
        }
        // Signed in already (another tab), or started over.
        _ => ApprovalState::Ended,
    };
    let body = Json(serde_json::json!({ "state": state }));
    visit.respond(&p, body.into_response())
}

/// `GET /access/approve.js`.
pub async fn script() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "no-cache"),
        ],
        SCRIPT,
    )
        .into_response()
}

/// `GET /approve?code=…`: the app link, opened in a browser (the app is not on this
/// phone, or the platform did not hand the link to it): how to approve by typing the
/// code the log-in page shows, or go back to a PIN. The query is not read.
pub async fn link_landing(State(p): State<Portal>, visit: Visit) -> Response {
    let html = pages::approve_landing(&visit.frame(paths::APP_LINK));
    visit.respond(&p, page(StatusCode::OK, html))
}

//! Steps 4–5: the notice with "Request SMS to be sent to your mobile" or "Request
//! again", "Access" with the PIN, the signed-in page and "Sign out".

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use clavepin_protocol::Timestamp;
use clavepin_protocol::wire::{AccessGranted, VerifyPin};
use serde::Deserialize;

use super::pages::{self, PinView};
use super::session::{Flow, Notice, PinStep};
use super::visit::{PageForm, Visit};
use super::{Portal, page, paths, refusal_status, see_other, with_wait};
use crate::error::{PinError, PinResult};
use crate::oidc::error::OidcError;
use crate::oidc::request::Authorization;
use crate::oidc::tokens::{self, Method, SignIn};
use crate::pins;
use crate::state::AppState;
use crate::store::Store;

fn render_pin(
    p: &Portal,
    visit: Visit,
    status: StatusCode,
    pin_error: Option<&str>,
    general: Option<&str>,
) -> Response {
    let Flow::Pin(step) = &visit.session.flow else {
        return visit.respond(p, see_other(paths::START));
    };
    let view = PinView { step, pin_error, general };
    let html = pages::pin(&visit.frame(paths::PIN), &view);
    visit.respond(p, page(status, html))
}

/// The live PIN request, if the session has one.
fn step(visit: &mut Visit) -> Option<&mut PinStep> {
    match &mut visit.session.flow {
        Flow::Pin(step) => Some(step),
        _ => None,
    }
}

/// `GET /access/pin`.
pub async fn pin_page(State(p): State<Portal>, visit: Visit) -> Response {
    render_pin(&p, visit, StatusCode::OK, None, None)
}

/// Forms whose only field is the CSRF token.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct EmptyForm {
    csrf: String,
}

/// The "Access" form. The code is not read from it: the session holds it.
#[derive(Default, Deserialize)]
#[serde(default)]
pub struct PinForm {
    csrf: String,
    pin: String,
}

/// `POST /access/pin`: "Access", through `pins::verify`.
pub async fn submit_pin(
    State(p): State<Portal>,
    mut visit: Visit,
    PageForm(form): PageForm<PinForm>,
) -> Response {
    if !visit.form_ok(&form.csrf) {
        return visit.form_expired(&p);
    }
    let t = visit.lang.text();
    let Some(step) = step(&mut visit) else {
        return visit.respond(&p, see_other(paths::START));
    };
    let pin = form.pin.trim();
    if pin.is_empty() {
        return render_pin(&p, visit, StatusCode::BAD_REQUEST, Some(t.err.pin_missing), None);
    }
    let request = VerifyPin { code: step.code.clone(), pin: pin.to_owned() };
    let id = step.request_id.clone();
    let method = super::sites::method(step);
    let authorization = visit.session.authorization.clone();
    let app = p.app.clone();
    let now = app.now();
    let outcome = p
        .app
        .db
        .write(move |tx| {
            let granted = match pins::verify(tx, &id, &request, now, &app.keys)? {
                Ok(granted) => granted,
                Err(wrong) => return Ok(Err(wrong)),
            };
            let code = site_code(tx, &app, authorization.as_deref(), &granted, method, now)?;
            Ok(Ok((granted, code)))
        })
        .await;
    // The outer result is a refusal that changed nothing, the inner one a wrong try
    // that was counted; the citizen sees both the same way.
    let outcome = outcome.and_then(|inner| inner);
    p.app.count_verification(&outcome);
    match outcome {
        Ok((granted, code)) => signed_in(&p, visit, granted, code),
        Err(e @ (PinError::WrongPin { .. } | PinError::Invalid(_))) => {
            let message = t.service_error(&e);
            with_wait(&e, render_pin(&p, visit, refusal_status(&e), Some(&message), None))
        }
        Err(e) => {
            let message = t.service_error(&e);
            with_wait(&e, render_pin(&p, visit, refusal_status(&e), None, Some(&message)))
        }
    }
}

/// For a site, its authorization code, issued in the same transaction that spends
/// the PIN or the approval: a sign-in is never spent without the citizen getting
/// where they were going.
pub(super) fn site_code(
    tx: &dyn Store,
    app: &AppState,
    authorization: Option<&Authorization>,
    granted: &AccessGranted,
    method: Method,
    now: Timestamp,
) -> PinResult<Option<String>> {
    let Some(auth) = authorization else { return Ok(None) };
    let sign_in = SignIn {
        document: granted.document,
        full_name: granted.full_name.clone(),
        method,
        at: now,
    };
    tokens::issue_code(tx, &app.keys, &app.rng, auth, &sign_in, now).map(Some).map_err(
        |e| match e {
            OidcError::Store(e) => PinError::Store(e),
            _ => PinError::Fault(crate::error::Fault("issuing the code")),
        },
    )
}

/// Signed in: a new session id, then back to the site with its code, or the
/// signed-in page.
pub(super) fn signed_in(
    p: &Portal,
    mut visit: Visit,
    granted: AccessGranted,
    code: Option<String>,
) -> Response {
    if visit.rotate(p).is_err() {
        return visit.failed(p);
    }
    visit.session.flow =
        Flow::SignedIn { document: granted.document, full_name: granted.full_name };
    match (visit.session.authorization.take(), code) {
        (Some(auth), Some(code)) => {
            let location = super::sites::code_location(p, &auth, &code);
            visit.respond(p, Redirect::to(&location).into_response())
        }
        _ => visit.respond(p, see_other(paths::SIGNED_IN)),
    }
}

/// `POST /access/pin/sms`: "Request SMS to be sent to your mobile", the same PIN.
pub async fn request_sms(
    State(p): State<Portal>,
    mut visit: Visit,
    PageForm(form): PageForm<EmptyForm>,
) -> Response {
    if !visit.form_ok(&form.csrf) {
        return visit.form_expired(&p);
    }
    let Some(step) = step(&mut visit) else {
        return visit.respond(&p, see_other(paths::START));
    };
    let id = step.request_id.clone();
    let app = p.app.clone();
    let sent = p.app.db.write(move |tx| pins::send_by_sms(tx, &id, app.issuer(app.now()))).await;
    p.app.delivery.wake();
    match sent {
        Ok(sent) => {
            step.sms_sent = true;
            step.phone_hint = sent.phone_hint;
            visit.respond(&p, see_other(paths::PIN))
        }
        Err(e) => {
            let message = visit.lang.text().service_error(&e);
            with_wait(&e, render_pin(&p, visit, refusal_status(&e), None, Some(&message)))
        }
    }
}

/// `POST /access/pin/again`: "Request again", a new PIN with the same code.
pub async fn request_again(
    State(p): State<Portal>,
    mut visit: Visit,
    PageForm(form): PageForm<EmptyForm>,
) -> Response {
    if !visit.form_ok(&form.csrf) {
        return visit.form_expired(&p);
    }
    let site = visit.session.authorization.as_ref().map(|a| a.client_name.clone());
    let Some(step) = step(&mut visit) else {
        return visit.respond(&p, see_other(paths::START));
    };
    let (id, code) = (step.request_id.clone(), step.code.clone());
    let app = p.app.clone();
    let issued = p
        .app
        .db
        .write(move |tx| {
            let issuer = app.issuer(app.now()).for_site(site.as_deref());
            pins::request_again(tx, &id, &code, issuer)
        })
        .await;
    match issued {
        Ok(issued) => {
            let created = p.app.announce(issued);
            step.request_id = created.request_id;
            step.code = created.code;
            step.channel = created.channel;
            step.phone_hint = created.phone_hint;
            step.app_available = created.app_available;
            step.sms_sent = false;
            step.renewed = true;
            visit.respond(&p, see_other(paths::PIN))
        }
        Err(e) => {
            let message = visit.lang.text().service_error(&e);
            with_wait(&e, render_pin(&p, visit, refusal_status(&e), None, Some(&message)))
        }
    }
}

/// `GET /access/signed-in`: who signed in, the document masked.
pub async fn signed_in_page(State(p): State<Portal>, visit: Visit) -> Response {
    let Flow::SignedIn { document, full_name } = &visit.session.flow else {
        return visit.respond(&p, see_other(paths::START));
    };
    let html = pages::signed_in(&visit.frame(paths::SIGNED_IN), full_name, &document.masked());
    visit.respond(&p, page(StatusCode::OK, html))
}

/// `POST /access/sign-out`: the session is dropped; a fresh one says so.
pub async fn sign_out(
    State(p): State<Portal>,
    mut visit: Visit,
    PageForm(form): PageForm<EmptyForm>,
) -> Response {
    if !visit.form_ok(&form.csrf) {
        return visit.form_expired(&p);
    }
    if visit.rotate(&p).is_err() {
        return visit.failed(&p);
    }
    visit.session.flow = Flow::Start;
    visit.session.notice = Some(Notice::SignedOut);
    visit.respond(&p, see_other(paths::START))
}

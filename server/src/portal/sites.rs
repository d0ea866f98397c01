//! The OpenID Connect provider's pages: the authorization endpoint, where a site
//! sends the citizen and the portal's own steps take over, "Cancel and return to
//! the site", and RP-initiated logout.
//!
//! The session cookie is `SameSite=Strict`, so it does not come with the site's
//! cross-site link: the authorization endpoint starts a session of its own and
//! shows the first step itself rather than redirecting (a redirect would lose the
//! new cookie as well). Logout, likewise, shows a confirmation page (as the spec
//! recommends) whose same-site POST then brings the cookie of the session to end.

use std::sync::Arc;

use axum::extract::{Query, RawQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};

use super::html::Frame;
use super::i18n::Lang;
use super::pages::{self, DocumentView};
use super::session::{Flow, PinStep};
use super::visit::{PageForm, Visit};
use super::{Portal, page, paths, see_other};
use crate::db::StoreError;
use crate::oidc::logout::{self, LogoutError, LogoutParams};
use crate::oidc::request::{self, AuthorizeError, BadLink};
use crate::oidc::tokens::Method;

/// How the PIN reached the citizen: by SMS if it was ever sent so.
pub fn method(step: &PinStep) -> Method {
    if step.channel == clavepin_protocol::wire::PinChannel::Sms || step.sms_sent {
        Method::Sms
    } else {
        Method::App
    }
}

/// `GET /oidc/authorize`: a site's sign-in request; the document step if it holds.
pub async fn authorize(
    State(p): State<Portal>,
    RawQuery(query): RawQuery,
    mut visit: Visit,
) -> Response {
    let query = query.unwrap_or_default();
    let checked = p.app.db.read(move |c| Ok::<_, StoreError>(request::check(c, &query))).await;
    let auth = match checked {
        Ok(Ok(auth)) => auth,
        Ok(Err(AuthorizeError::Redirect(refused))) => {
            return Redirect::to(&refused.location(p.issuer.as_str())).into_response();
        }
        Ok(Err(AuthorizeError::Page(bad))) => {
            let t = visit.lang.text();
            let text = match bad {
                BadLink::NoClient | BadLink::NoRedirectUri => t.bad_link_incomplete,
                BadLink::UnknownClient => t.bad_link_unknown_site,
                BadLink::UnregisteredRedirectUri => t.bad_link_unregistered_return,
            };
            let html = pages::message(&visit.frame(paths::START), t.bad_link_title, text);
            return page(StatusCode::BAD_REQUEST, html);
        }
        Ok(Err(AuthorizeError::Store(e))) | Err(e) => {
            tracing::error!(error = %e, "authorization request failed");
            return visit.failed(&p);
        }
    };
    if let Some(lang) = auth.ui_locales.as_deref().and_then(Lang::from_locales) {
        visit.session.lang = Some(lang);
        visit.lang = lang;
    }
    // Every site's sign-in starts afresh, whatever this browser did before.
    visit.session.flow = Flow::Start;
    visit.session.notice = None;
    visit.session.authorization = Some(Arc::new(auth));
    let view = DocumentView { value: "", error: None, notice: None };
    let html = pages::document(&visit.frame(paths::START), &view);
    visit.respond(&p, page(StatusCode::OK, html))
}

/// The form of "Cancel and return to the site".
#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct CancelForm {
    csrf: String,
}

/// `POST /oidc/authorize/cancel`: the site hears `access_denied`; the session ends.
pub async fn cancel(
    State(p): State<Portal>,
    mut visit: Visit,
    PageForm(form): PageForm<CancelForm>,
) -> Response {
    if !visit.form_ok(&form.csrf) {
        return visit.form_expired(&p);
    }
    let Some(auth) = visit.session.authorization.take() else {
        return visit.respond(&p, see_other(paths::START));
    };
    let mut params = vec![
        ("error", "access_denied"),
        ("error_description", "the citizen cancelled the sign-in"),
    ];
    if let Some(state) = &auth.state {
        params.push(("state", state));
    }
    let location = request::redirect_to(&auth.redirect_uri, p.issuer.as_str(), &params);
    if visit.rotate(&p).is_err() {
        return visit.failed(&p);
    }
    visit.session.flow = Flow::Start;
    visit.respond(&p, Redirect::to(&location).into_response())
}

/// The code for the site, and where the browser takes it, after "Access" worked.
pub fn code_location(p: &Portal, auth: &crate::oidc::request::Authorization, code: &str) -> String {
    let mut params = vec![("code", code)];
    if let Some(state) = &auth.state {
        params.push(("state", state.as_str()));
    }
    request::redirect_to(&auth.redirect_uri, p.issuer.as_str(), &params)
}

fn logout_lang(params: &LogoutParams, headers: &axum::http::HeaderMap) -> Lang {
    params
        .ui_locales
        .as_deref()
        .and_then(Lang::from_locales)
        .or_else(|| {
            let header = headers.get(axum::http::header::ACCEPT_LANGUAGE)?.to_str().ok()?;
            Lang::negotiate(header)
        })
        .unwrap_or(Lang::Es)
}

async fn check_logout(p: &Portal, params: LogoutParams) -> Result<logout::Logout, LogoutError> {
    let issuer = p.issuer.clone();
    p.app.db.read(move |c| logout::check(c, &issuer, &params)).await
}

/// `GET /oidc/logout`: "Sign out of Cl@ve?", naming the site that asks. No session
/// is touched, and no cookie set: this request came from another site.
pub async fn logout_page(
    State(p): State<Portal>,
    headers: axum::http::HeaderMap,
    Query(params): Query<LogoutParams>,
) -> Response {
    let lang = logout_lang(&params, &headers);
    let t = lang.text();
    let frame = Frame { lang, csrf: "", path: paths::START, site: None };
    match check_logout(&p, params.clone()).await {
        Ok(checked) => {
            let site = checked.client.as_ref().map(|c| c.name.as_str());
            let mut response = page(StatusCode::OK, pages::logout(&frame, site, &params));
            let policy = checked
                .then
                .as_deref()
                .and_then(|t| super::policy_sending_forms_to(super::CONTENT_SECURITY_POLICY, t));
            if let Some(policy) = policy {
                response.headers_mut().insert(axum::http::header::CONTENT_SECURITY_POLICY, policy);
            }
            response
        }
        Err(LogoutError::Store(_)) => page(
            StatusCode::INTERNAL_SERVER_ERROR,
            pages::message(&frame, t.err.internal, t.err.internal),
        ),
        Err(_) => page(
            StatusCode::BAD_REQUEST,
            pages::message(&frame, t.bad_link_title, t.bad_logout_link),
        ),
    }
}

/// `POST /oidc/logout`: ends this browser's session, revokes the site's tokens for
/// the citizen, and goes back to the site if it registered where.
///
/// No CSRF token: the confirmation page was shown without a session. A forged
/// cross-site POST carries no `SameSite=Strict` cookie, so it can end nothing.
pub async fn logout(
    State(p): State<Portal>,
    mut visit: Visit,
    PageForm(params): PageForm<LogoutParams>,
) -> Response {
    let checked = match check_logout(&p, params).await {
        Ok(checked) => checked,
        Err(LogoutError::Store(_)) => return visit.failed(&p),
        Err(_) => {
            let t = visit.lang.text();
            let html =
                pages::message(&visit.frame(paths::START), t.bad_link_title, t.bad_logout_link);
            return page(StatusCode::BAD_REQUEST, html);
        }
    };
    if let (Some(client), Some(subject)) = (&checked.client, checked.subject.clone()) {
        let client_id = client.id.clone();
        let revoked =
            p.app.db.write(move |tx| tx.revoke_tokens_of_subject(&client_id, &subject)).await;
        if revoked.is_err() {
            return visit.failed(&p);
        }
    }
    if visit.rotate(&p).is_err() {
        return visit.failed(&p);
    }
    visit.session = super::session::Session { lang: visit.session.lang, ..Default::default() };
    match checked.then {
        Some(location) => visit.respond(&p, Redirect::to(&location).into_response()),
        None => {
            visit.session.notice = Some(super::session::Notice::SignedOut);
            visit.respond(&p, see_other(paths::START))
        }
    }
}

//! One request's view of its session: the cookie in, the session and language out,
//! and on the way back the session stored again and, for a new one, the cookie set.
//!
//! A visit that has not got anywhere yet (nothing typed) is not stored: its CSRF
//! token is a keyed hash of its cookie's id, checked without any state, and a
//! language it chose goes in a cookie of its own. So a flood of page views costs the
//! service no memory; a session is stored from the first form that moves it on.
//!
//! Handlers answer synchronously; what the store must keep or forget travels with
//! the answer (a [`SessionWrite`]) to [`store_sessions`], the layer that stores it
//! before the answer leaves, so that the next request finds it on any instance.

use axum::extract::{Form, FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::de::DeserializeOwned;

use super::html::Frame;
use super::i18n::Lang;
use super::session::{Flow, Session};
use super::{Portal, csrf, pages};
use crate::error::Fault;
use crate::ids::random_id;
use crate::serving::client::ClientAddress;

/// The request's session (a fresh one if it brought none that is alive) and the
/// language to answer in.
#[derive(Debug)]
pub struct Visit {
    /// The session's id: the cookie's, or a fresh one (then `new`, and the cookie is
    /// set with the answer); `None` once rotated away.
    id: Option<String>,
    new: bool,
    /// Whether the session is in the store (else it is anonymous).
    stored: bool,
    /// An id rotated away, for the store to forget.
    forget: Option<String>,
    client: ClientAddress,
    /// The session, changed by the handler and stored when it answers.
    pub session: Session,
    /// The language of this answer.
    pub lang: Lang,
}

impl FromRequestParts<Portal> for Visit {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, portal: &Portal) -> Result<Self, Response> {
        let now = portal.app.now();
        let client = parts.extensions.get::<ClientAddress>().copied();
        let client = client.unwrap_or_else(ClientAddress::unknown);
        let cookie = session_cookie(&parts.headers, portal.cookie_name());
        let loaded = match cookie {
            Some(id) => match portal.sessions.load(id, now).await {
                Ok(session) => session.map(|s| (id, s)),
                Err(e) => {
                    tracing::error!(error = %e, "cannot read a portal session");
                    return Err(StatusCode::SERVICE_UNAVAILABLE.into_response());
                }
            },
            None => None,
        };
        let (id, new, stored, mut session) = match (loaded, cookie) {
            (Some((id, session)), _) => (id.to_owned(), false, true, session),
            (None, Some(id)) => (id.to_owned(), false, false, Session::default()),
            (None, None) => {
                let id = random_id(&portal.app.rng)
                    .map_err(|_| StatusCode::INTERNAL_SERVER_ERROR.into_response())?;
                (id, true, false, Session::default())
            }
        };
        if session.csrf.is_empty() {
            session.csrf = anonymous_token(portal, &id);
        }
        if let Some(lang) = query_lang(parts.uri.query()) {
            session.lang = Some(lang);
        }
        let lang = session
            .lang
            .or_else(|| lang_cookie(&parts.headers))
            .or_else(|| {
                let header = parts.headers.get(header::ACCEPT_LANGUAGE)?.to_str().ok()?;
                Lang::negotiate(header)
            })
            .unwrap_or(Lang::Es);
        Ok(Visit { id: Some(id), new, stored, forget: None, client, session, lang })
    }
}

/// An anonymous session's CSRF token: a keyed hash of its id, so the token can be
/// checked without storing anything, and cannot be made without the service's key.
fn anonymous_token(portal: &Portal, id: &str) -> String {
    let hash = portal.app.keys.keyed_hash("portal-csrf", "anonymous", id);
    clavepin_protocol::crypto::b64_encode(&hash[..16])
}

impl Visit {
    /// What a page of this visit renders with; `path` is the page's own address.
    pub fn frame(&self, path: &'static str) -> Frame<'_> {
        let site = self.session.authorization.as_ref().map(|a| a.client_name.as_str());
        Frame { lang: self.lang, csrf: &self.session.csrf, path, site }
    }

    /// Whether a POST may act: it must come with the session's cookie (a fresh visit
    /// has none yet) and carry that session's CSRF token.
    pub fn form_ok(&self, presented: &str) -> bool {
        self.id.is_some() && !self.new && csrf::matches(&self.session.csrf, presented)
    }

    /// The answer to a POST that may not act: nothing happened; start again.
    pub fn form_expired(self, portal: &Portal) -> Response {
        let t = self.lang.text();
        let html =
            pages::message(&self.frame(super::paths::START), t.form_expired_title, t.form_expired);
        self.respond(portal, (StatusCode::FORBIDDEN, axum::response::Html(html)).into_response())
    }

    /// Gives the session a new id and CSRF token, dropping the old id (at sign-in, so
    /// an id planted before it, or seen on the way, is worth nothing after).
    pub fn rotate(&mut self, portal: &Portal) -> Result<(), Fault> {
        // The old id is forgotten with the answer, by `store_sessions`.
        self.session.csrf = csrf::new_token(&portal.app.rng)?;
        self.forget = self.id.take();
        self.stored = false;
        Ok(())
    }

    /// The answer when the service itself failed: nothing was changed.
    pub fn failed(self, portal: &Portal) -> Response {
        let t = self.lang.text();
        let html = pages::message(&self.frame(super::paths::START), t.err.internal, t.err.internal);
        let response = (StatusCode::INTERNAL_SERVER_ERROR, axum::response::Html(html));
        self.respond(portal, response.into_response())
    }

    /// Stores the session (unless it is still anonymous) and answers with
    /// `response`, setting the cookie when the session is new.
    pub fn respond(self, portal: &Portal, mut response: Response) -> Response {
        let (id, new) = match self.id {
            Some(id) => (id, self.new),
            None => match random_id(&portal.app.rng) {
                Ok(id) => (id, true),
                Err(_) => return StatusCode::INTERNAL_SERVER_ERROR.into_response(),
            },
        };
        let anonymous = !self.stored
            && matches!(self.session.flow, Flow::Start)
            && self.session.notice.is_none()
            && self.session.authorization.is_none();
        let lang = self.session.lang;
        let sends_to = self.session.authorization.as_ref().map(|a| a.redirect_uri.clone());
        let base = response
            .headers()
            .get(header::CONTENT_SECURITY_POLICY)
            .and_then(|v| v.to_str().ok())
            .unwrap_or(super::CONTENT_SECURITY_POLICY)
            .to_owned();
        if let Some(policy) =
            sends_to.as_deref().and_then(|t| super::policy_sending_forms_to(&base, t))
        {
            response.headers_mut().insert(header::CONTENT_SECURITY_POLICY, policy);
        }
        let save = (!anonymous).then(|| (id.clone(), self.session));
        let write = SessionWrite {
            forget: self.forget,
            save,
            loaded: self.stored,
            client: self.client,
            lang: self.lang,
        };
        response.extensions_mut().insert(std::sync::Arc::new(std::sync::Mutex::new(Some(write))));
        if new && let Ok(value) = HeaderValue::from_str(&portal.cookie(&id)) {
            response.headers_mut().append(header::SET_COOKIE, value);
        }
        if anonymous
            && let Some(lang) = lang
            && let Ok(value) = HeaderValue::from_str(&lang_cookie_value(lang))
        {
            response.headers_mut().append(header::SET_COOKIE, value);
        }
        response
    }
}

/// What an answer asks of the session store: an id to forget, a session to keep.
struct SessionWrite {
    forget: Option<String>,
    save: Option<(String, Session)>,
    /// The session came from the store (else it is new, or its id is).
    loaded: bool,
    client: ClientAddress,
    lang: Lang,
}

/// The extension an answer carries it in (extensions must be `Clone`).
type PendingWrite = std::sync::Arc<std::sync::Mutex<Option<SessionWrite>>>;

/// The layer that stores what each answer asks before the answer leaves: a session
/// that cannot be kept (its client holds too many) turns the answer into "busy", and
/// one the database would not take into "unavailable"; nothing is half done.
pub async fn store_sessions(
    axum::extract::State(portal): axum::extract::State<Portal>,
    request: Request,
    next: axum::middleware::Next,
) -> Response {
    let mut response = next.run(request).await;
    let pending = response.extensions_mut().remove::<PendingWrite>();
    let write =
        pending.and_then(|p| p.lock().unwrap_or_else(std::sync::PoisonError::into_inner).take());
    let Some(SessionWrite { forget, save, loaded, client, lang }) = write else {
        return response;
    };
    let now = portal.app.now();
    let stored = async {
        if let Some(old) = forget {
            portal.sessions.remove(&old).await?;
        }
        match save {
            Some((id, session)) => portal.sessions.save(&id, session, loaded, client, now).await,
            None => Ok(Ok(())),
        }
    };
    let t = lang.text();
    let frame = Frame { lang, csrf: "", path: super::paths::START, site: None };
    match stored.await {
        Ok(Ok(())) => response,
        Ok(Err(super::session::Full)) => {
            let html = pages::message(&frame, t.err.internal, t.err.busy);
            let headers = [(header::RETRY_AFTER, "60")];
            (StatusCode::TOO_MANY_REQUESTS, headers, axum::response::Html(html)).into_response()
        }
        Err(e) => {
            tracing::error!(error = %e, "cannot store a portal session");
            let html = pages::message(&frame, t.err.internal, t.err.internal);
            (StatusCode::SERVICE_UNAVAILABLE, axum::response::Html(html)).into_response()
        }
    }
}

/// The language an anonymous visitor chose: not secret, but no script reads it.
const LANG_COOKIE: &str = "clavepin-lang";

fn lang_cookie_value(lang: Lang) -> String {
    format!("{LANG_COOKIE}={}; Path=/; HttpOnly; SameSite=Lax", lang.tag())
}

fn lang_cookie(headers: &HeaderMap) -> Option<Lang> {
    cookie_values(headers).find(|(n, _)| *n == LANG_COOKIE).and_then(|(_, v)| Lang::parse(v))
}

fn cookie_values(headers: &HeaderMap) -> impl Iterator<Item = (&str, &str)> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .map(|(n, v)| (n, v.trim()))
}

/// The session id from the `Cookie` headers, if present.
fn session_cookie<'h>(headers: &'h HeaderMap, name: &str) -> Option<&'h str> {
    cookie_values(headers)
        .find(|(n, _)| *n == name)
        .map(|(_, value)| value)
        // An id is 22 base64url characters; anything else names no session.
        .filter(|v| v.len() == 22)
}

/// `?lang=es` or `?lang=en`, from the language switch.
fn query_lang(query: Option<&str>) -> Option<Lang> {
    let (_, value) =
        query?.split('&').filter_map(|kv| kv.split_once('=')).find(|(k, _)| *k == "lang")?;
    Lang::parse(value)
}

/// A form body. One that cannot be read (too large, not a form) reads as the empty
/// form, whose missing CSRF token then refuses it like any forged form.
#[derive(Debug)]
pub struct PageForm<T>(pub T);

impl<T, S> FromRequest<S> for PageForm<T>
where
    T: DeserializeOwned + Default,
    S: Send + Sync,
{
    type Rejection = std::convert::Infallible;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        Ok(PageForm(Form::<T>::from_request(req, state).await.map(|f| f.0).unwrap_or_default()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_session_cookie_is_found_among_others() {
        let mut headers = HeaderMap::new();
        let id = "AAAAAAAAAAAAAAAAAAAAAA";
        headers.append(header::COOKIE, HeaderValue::from_static("a=1; other=2"));
        headers.append(
            header::COOKIE,
            HeaderValue::from_static("b=3; clavepin-session=AAAAAAAAAAAAAAAAAAAAAA"),
        );
        assert_eq!(session_cookie(&headers, "clavepin-session"), Some(id));
        assert_eq!(session_cookie(&headers, "__Host-clavepin-session"), None);
        let mut short = HeaderMap::new();
        short.append(header::COOKIE, HeaderValue::from_static("clavepin-session=abc"));
        assert_eq!(session_cookie(&short, "clavepin-session"), None);
    }

    #[test]
    fn the_language_switch_is_read_from_the_query() {
        assert_eq!(query_lang(Some("lang=en")), Some(Lang::En));
        assert_eq!(query_lang(Some("x=1&lang=es")), Some(Lang::Es));
        assert_eq!(query_lang(Some("lang=fr")), None);
        assert_eq!(query_lang(None), None);
    }
}

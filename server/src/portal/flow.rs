//! Steps 1–3: the document, the contrast data, "Obtain PIN". Each GET shows its
//! form; each POST checks it and either moves the session on (303 to the next page)
//! or shows the same form again with the field marked.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use clavepin_protocol::wire::{ObtainPin, PinChannel};
use clavepin_protocol::{ContrastData, DocumentKind, DocumentNumber, IdentityClaim, PinCode};
use serde::Deserialize;

use super::pages::{self, ContrastView, DocumentView, ObtainView};
use super::session::{Flow, Notice, PinStep};
use super::visit::{PageForm, Visit};
use super::{Portal, page, paths, refusal_status, see_other, with_wait};
use crate::error::{PinError, RegistryError};
use crate::serving::client::ClientAddress;
use crate::{pins, registry};

/// `GET /`: "Enter your DNI or NIE to start the process."
pub async fn document_page(State(p): State<Portal>, mut visit: Visit) -> Response {
    if matches!(visit.session.flow, Flow::SignedIn { .. }) {
        return visit.respond(&p, see_other(paths::SIGNED_IN));
    }
    let t = visit.lang.text();
    let notice = visit.session.notice.take().map(|n| match n {
        Notice::SignedOut => t.signed_out,
        Notice::Deactivated => t.my.deactivated,
        Notice::ApprovalEnded => t.approve.refused,
        Notice::ApprovalExpired => t.approve.expired,
    });
    let view = DocumentView { value: "", error: None, notice };
    let html = pages::document(&visit.frame(paths::START), &view);
    visit.respond(&p, page(StatusCode::OK, html))
}

/// The document form.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct DocumentForm {
    csrf: String,
    document: String,
}

/// `POST /`: "Continue" with a DNI or NIE.
pub async fn submit_document(
    State(p): State<Portal>,
    mut visit: Visit,
    PageForm(form): PageForm<DocumentForm>,
) -> Response {
    if !visit.form_ok(&form.csrf) {
        return visit.form_expired(&p);
    }
    match DocumentNumber::parse(&form.document) {
        Ok(document) => {
            // From here the session is stored, under an id and a token of its own: an
            // anonymous visit's token is derived from its id and would outlive it.
            if visit.rotate(&p).is_err() {
                return visit.failed(&p);
            }
            visit.session.flow = Flow::Contrast { document };
            visit.respond(&p, see_other(paths::CONTRAST))
        }
        Err(e) => {
            let error = visit.lang.text().document_error(&e);
            let view = DocumentView { value: &form.document, error: Some(error), notice: None };
            let html = pages::document(&visit.frame(paths::START), &view);
            visit.respond(&p, page(StatusCode::BAD_REQUEST, html))
        }
    }
}

/// The document being signed in with, unless the session has none (or has signed in).
fn current_document(visit: &Visit) -> Option<DocumentNumber> {
    match visit.session.flow {
        Flow::SignedIn { .. } => None,
        ref flow => flow.document(),
    }
}

fn render_contrast(
    p: &Portal,
    visit: Visit,
    status: StatusCode,
    document: DocumentNumber,
    edit: (&str, bool),
    errors: (Option<&str>, Option<&str>),
) -> Response {
    let masked = document.masked();
    let view = ContrastView {
        kind: document.kind(),
        masked: &masked,
        value: edit.0,
        permanent: edit.1,
        error: errors.0,
        general: errors.1,
    };
    let html = pages::contrast(&visit.frame(paths::CONTRAST), &view);
    visit.respond(p, page(status, html))
}

/// `GET /access/contrast`.
pub async fn contrast_page(State(p): State<Portal>, visit: Visit) -> Response {
    match current_document(&visit) {
        Some(document) => {
            render_contrast(&p, visit, StatusCode::OK, document, ("", false), (None, None))
        }
        None => visit.respond(&p, see_other(paths::START)),
    }
}

/// The contrast form. `permanent` is the "Permanent DNI" checkbox: ticked, the date
/// typed is the issue date (the validity being 01-01-9999).
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ContrastForm {
    csrf: String,
    contrast: String,
    permanent: Option<String>,
}

/// `POST /access/contrast`: the claim is checked against the census now, through the
/// guess throttle, so a mismatch is shown on this page with the field marked.
pub async fn submit_contrast(
    State(p): State<Portal>,
    client: ClientAddress,
    mut visit: Visit,
    PageForm(form): PageForm<ContrastForm>,
) -> Response {
    if !visit.form_ok(&form.csrf) {
        return visit.form_expired(&p);
    }
    let Some(document) = current_document(&visit) else {
        return visit.respond(&p, see_other(paths::START));
    };
    let t = visit.lang.text();
    let permanent = form.permanent.is_some() && document.kind() == DocumentKind::Dni;
    let edit = (form.contrast.as_str(), permanent);
    let field_error = |visit, message| {
        render_contrast(&p, visit, StatusCode::BAD_REQUEST, document, edit, (Some(message), None))
    };
    if form.contrast.trim().is_empty() {
        let missing = match document.kind() {
            DocumentKind::Dni => t.err.date_missing,
            DocumentKind::Nie => t.err.support_missing,
        };
        return field_error(visit, missing);
    }
    let today = p.app.now().date_naive();
    let claim = match ContrastData::parse_for(&document, &form.contrast, permanent, today)
        .and_then(|contrast| IdentityClaim::new(document, contrast))
    {
        Ok(claim) => claim,
        Err(e) => return field_error(visit, t.contrast_error(&e)),
    };
    let checked = p
        .app
        .guarded(client, document, move |tx| {
            registry::registered_citizen(tx, &claim)?;
            pins::app_available(tx, &claim.document())
        })
        .await;
    match checked {
        Ok(app_available) => {
            visit.session.flow = Flow::Obtain { claim, app_available };
            visit.respond(&p, see_other(paths::OBTAIN))
        }
        Err(PinError::Registry(RegistryError::ContrastDataMismatch)) => {
            let status = StatusCode::FORBIDDEN;
            let message = t.err.contrast_mismatch;
            render_contrast(&p, visit, status, document, edit, (Some(message), None))
        }
        Err(e) => {
            let message = t.service_error(&e);
            with_wait(
                &e,
                render_contrast(
                    &p,
                    visit,
                    refusal_status(&e),
                    document,
                    edit,
                    (None, Some(&message)),
                ),
            )
        }
    }
}

/// The claim that passed step 2, and whether the citizen's app can receive the PIN.
fn current_claim(visit: &Visit) -> Option<(IdentityClaim, bool)> {
    match &visit.session.flow {
        Flow::Obtain { claim, app_available } => Some((*claim, *app_available)),
        Flow::Pin(step) => Some((step.claim, step.app_available)),
        Flow::Approve(step) => Some((step.claim, true)),
        _ => None,
    }
}

/// `GET /access/obtain`.
pub async fn obtain_page(State(p): State<Portal>, mut visit: Visit) -> Response {
    let Some((claim, app_available)) = current_claim(&visit) else {
        return visit.respond(&p, see_other(paths::START));
    };
    let t = visit.lang.text();
    // Back from an approval that did not end in a sign-in.
    let ended = visit.session.notice.take().and_then(|n| match n {
        Notice::ApprovalEnded => Some(t.approve.refused),
        Notice::ApprovalExpired => Some(t.approve.expired),
        _ => None,
    });
    let masked = claim.document().masked();
    let view = ObtainView {
        masked: &masked,
        app_available,
        customise: false,
        code: "",
        code_error: None,
        channel: PinChannel::App,
        approve_chosen: false,
        general: ended,
    };
    let html = pages::obtain(&visit.frame(paths::OBTAIN), &view);
    visit.respond(&p, page(StatusCode::OK, html))
}

/// The "Obtain PIN" form.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ObtainForm {
    csrf: String,
    /// "I want to customise PIN generation".
    customise: Option<String>,
    #[serde(rename = "custom-code")]
    custom_code: String,
    /// `app` or `sms`, offered only where the citizen has an activated app.
    channel: Option<String>,
}

/// `POST /access/obtain`: "Obtain PIN", through `pins::obtain` and the claim guard,
/// exactly as the JSON API does.
pub async fn submit_obtain(
    State(p): State<Portal>,
    client: ClientAddress,
    mut visit: Visit,
    PageForm(form): PageForm<ObtainForm>,
) -> Response {
    if !visit.form_ok(&form.csrf) {
        return visit.form_expired(&p);
    }
    let Some((claim, app_available)) = current_claim(&visit) else {
        return visit.respond(&p, see_other(paths::START));
    };
    let t = visit.lang.text();
    let customise = form.customise.is_some();
    let typed = form.custom_code.trim();
    // Without script the code field cannot be enabled by the checkbox, so the
    // checkbox decides: ticked needs a code, unticked takes none.
    let code = match (customise, typed.is_empty()) {
        (true, true) => Err(t.err.code_missing),
        (true, false) => PinCode::parse(typed).map(Some).map_err(|e| t.code_error(&e)),
        (false, true) => Ok(None),
        (false, false) => Err(t.err.code_unticked),
    };
    let channel = match form.channel.as_deref() {
        Some("sms") if app_available => Some(PinChannel::Sms),
        Some("app") if app_available => Some(PinChannel::App),
        Some("approve") if app_available => {
            return super::approve::start(&p, client, visit, claim).await;
        }
        _ => None,
    };
    let masked = claim.document().masked();
    let render = |visit: Visit, status, code_error, general: Option<&str>| {
        let app_available = match &visit.session.flow {
            Flow::Obtain { app_available, .. } => *app_available,
            _ => app_available,
        };
        let view = ObtainView {
            masked: &masked,
            app_available,
            customise,
            code: typed,
            code_error,
            channel: channel.unwrap_or(PinChannel::App),
            approve_chosen: false,
            general,
        };
        let html = pages::obtain(&visit.frame(paths::OBTAIN), &view);
        visit.respond(&p, page(status, html))
    };
    let code = match code {
        Ok(code) => code,
        Err(message) => return render(visit, StatusCode::BAD_REQUEST, Some(message), None),
    };
    let request = ObtainPin {
        document: claim.document(),
        contrast: claim.contrast(),
        code: code.map(|c| c.to_string()),
        channel,
    };
    let app = p.app.clone();
    let now = app.now();
    let site = visit.session.authorization.as_ref().map(|a| a.client_name.clone());
    let issued = p
        .app
        .guarded(client, claim.document(), move |tx| {
            pins::obtain(tx, &request, app.issuer(now).for_site(site.as_deref()))
        })
        .await;
    match issued {
        Ok(issued) => {
            let created = p.app.announce(issued);
            visit.session.flow = Flow::Pin(PinStep {
                claim,
                app_available: created.app_available,
                request_id: created.request_id,
                code: created.code,
                channel: created.channel,
                phone_hint: created.phone_hint,
                sms_sent: false,
                renewed: false,
            });
            visit.respond(&p, see_other(paths::PIN))
        }
        Err(e) => {
            if matches!(e, PinError::AppNotActivated) {
                // The device went away since step 2: offer only what still works.
                visit.session.flow = Flow::Obtain { claim, app_available: false };
            }
            let message = t.service_error(&e);
            with_wait(&e, render(visit, refusal_status(&e), None, Some(&message)))
        }
    }
}

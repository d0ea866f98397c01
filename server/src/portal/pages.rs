//! Each page of "Access with Cl@ve PIN", in the order of the official help (seed
//! 002): the document, the contrast data, "Obtain PIN", the notice with the PIN
//! form, and the signed-in page; then the pages around them (a message, the
//! logout confirmation, the privacy notice). Each is an askama template in
//! `server/templates/portal/`, checked when the crate compiles; the functions here
//! decide what a page shows, the handlers when.

use askama::Template;
use clavepin_protocol::wire::PinChannel;
use clavepin_protocol::{DocumentKind, Timestamp};

use super::html::{Frame, Input, Problem, problem, rendered};
use super::i18n::Text;
use super::session::PinStep;

/// Step 1: "Enter your DNI or NIE to start the process."
pub struct DocumentView<'a> {
    pub value: &'a str,
    pub error: Option<&'a str>,
    pub notice: Option<&'a str>,
}

#[derive(Template)]
#[template(path = "portal/document.html")]
struct DocumentPage<'a> {
    f: &'a Frame<'a>,
    t: &'static Text,
    title: &'a str,
    problems: Vec<Problem>,
    notice: Option<&'a str>,
    document_input: String,
}

pub fn document(frame: &Frame<'_>, v: &DocumentView<'_>) -> String {
    let t = frame.t();
    let document_input = Input {
        id: "document",
        label: t.document_label,
        hint: Some(t.document_hint),
        error: v.error,
        value: v.value,
        attrs: "autocomplete=\"off\" spellcheck=\"false\" autocapitalize=\"characters\" \
                maxlength=\"20\"",
        placeholder: None,
        readonly: false,
        required: true,
    }
    .html();
    rendered(&DocumentPage {
        f: frame,
        t,
        title: t.access_title,
        problems: v.error.map(|e| problem(Some("document"), e)).into_iter().collect(),
        notice: v.notice,
        document_input,
    })
}

/// Step 2: contrast data, by kind of document.
pub struct ContrastView<'a> {
    pub kind: DocumentKind,
    pub masked: &'a str,
    pub value: &'a str,
    pub permanent: bool,
    pub error: Option<&'a str>,
    pub general: Option<&'a str>,
}

#[derive(Template)]
#[template(path = "portal/contrast.html")]
struct ContrastPage<'a> {
    f: &'a Frame<'a>,
    t: &'static Text,
    title: &'a str,
    problems: Vec<Problem>,
    masked: &'a str,
    is_dni: bool,
    permanent: bool,
    contrast_input: String,
}

pub fn contrast(frame: &Frame<'_>, v: &ContrastView<'_>) -> String {
    let t = frame.t();
    let mut problems: Vec<Problem> =
        v.error.map(|e| problem(Some("contrast"), e)).into_iter().collect();
    problems.extend(v.general.map(|e| problem(None, e)));
    let (label, hint, attrs) = match v.kind {
        DocumentKind::Dni => (
            if v.permanent { t.issue_date_label } else { t.validity_label },
            t.date_hint,
            "autocomplete=\"off\" inputmode=\"numeric\" maxlength=\"10\"",
        ),
        DocumentKind::Nie => (
            t.support_label,
            t.support_hint,
            "autocomplete=\"off\" spellcheck=\"false\" autocapitalize=\"characters\" \
             maxlength=\"14\"",
        ),
    };
    let contrast_input = Input {
        id: "contrast",
        label,
        hint: Some(hint),
        error: v.error,
        value: v.value,
        attrs,
        placeholder: (v.kind == DocumentKind::Dni).then_some(t.date_placeholder),
        readonly: false,
        required: true,
    }
    .html();
    rendered(&ContrastPage {
        f: frame,
        t,
        title: t.contrast_title,
        problems,
        masked: v.masked,
        is_dni: v.kind == DocumentKind::Dni,
        permanent: v.permanent,
        contrast_input,
    })
}

/// Step 3: "Obtain PIN", with the custom code and, where both work, the channel.
pub struct ObtainView<'a> {
    pub masked: &'a str,
    pub app_available: bool,
    pub customise: bool,
    pub code: &'a str,
    pub code_error: Option<&'a str>,
    pub channel: PinChannel,
    /// "Approve in the app" was the choice.
    pub approve_chosen: bool,
    pub general: Option<&'a str>,
}

#[derive(Template)]
#[template(path = "portal/obtain.html")]
struct ObtainPage<'a> {
    f: &'a Frame<'a>,
    t: &'static Text,
    title: &'a str,
    problems: Vec<Problem>,
    masked: &'a str,
    customise: bool,
    code_input: String,
    app_available: bool,
    app_chosen: bool,
    approve_chosen: bool,
}

pub fn obtain(frame: &Frame<'_>, v: &ObtainView<'_>) -> String {
    let t = frame.t();
    let mut problems: Vec<Problem> =
        v.code_error.map(|e| problem(Some("custom-code"), e)).into_iter().collect();
    problems.extend(v.general.map(|e| problem(None, e)));
    let code_input = Input {
        id: "custom-code",
        label: t.custom_code_label,
        hint: Some(t.custom_code_hint),
        error: v.code_error,
        value: v.code,
        attrs: "autocomplete=\"off\" spellcheck=\"false\" autocapitalize=\"characters\" \
                maxlength=\"4\" size=\"6\"",
        placeholder: None,
        readonly: false,
        // Only with the box ticked; the page says so.
        required: false,
    }
    .html();
    rendered(&ObtainPage {
        f: frame,
        t,
        title: t.obtain_title,
        problems,
        masked: v.masked,
        customise: v.customise,
        code_input,
        app_available: v.app_available,
        app_chosen: v.channel == PinChannel::App && !v.approve_chosen,
        approve_chosen: v.approve_chosen,
    })
}

/// Step 4: where the PIN went, then the PIN form with the code locked.
pub struct PinView<'a> {
    pub step: &'a PinStep,
    pub pin_error: Option<&'a str>,
    pub general: Option<&'a str>,
}

#[derive(Template)]
#[template(path = "portal/pin.html")]
struct PinPage<'a> {
    f: &'a Frame<'a>,
    t: &'static Text,
    title: &'a str,
    problems: Vec<Problem>,
    sms: bool,
    renewed: bool,
    sms_requested: bool,
    sms_sent: String,
    code_input: String,
    pin_input: String,
}

pub fn pin(frame: &Frame<'_>, v: &PinView<'_>) -> String {
    let t = frame.t();
    let step = v.step;
    let mut problems: Vec<Problem> =
        v.pin_error.map(|e| problem(Some("pin"), e)).into_iter().collect();
    problems.extend(v.general.map(|e| problem(None, e)));
    // Shown, never read back: the code the service checks comes from the session.
    let code_input = Input {
        id: "code",
        label: t.code_label,
        hint: Some(t.code_hint),
        error: None,
        value: &step.code,
        attrs: "autocomplete=\"off\" size=\"6\"",
        placeholder: None,
        readonly: true,
        required: false,
    }
    .html();
    let pin_input = Input {
        id: "pin",
        label: t.pin_label,
        hint: Some(t.pin_hint),
        error: v.pin_error,
        value: "",
        attrs: "autocomplete=\"one-time-code\" spellcheck=\"false\" \
                autocapitalize=\"characters\" maxlength=\"3\" size=\"6\"",
        placeholder: None,
        readonly: false,
        required: true,
    }
    .html();
    rendered(&PinPage {
        f: frame,
        t,
        title: t.pin_title,
        problems,
        sms: step.channel == PinChannel::Sms,
        renewed: step.renewed,
        sms_requested: step.sms_sent,
        sms_sent: (t.sms_sent)(&step.phone_hint),
        code_input,
        pin_input,
    })
}

#[derive(Template)]
#[template(path = "portal/signed_in.html")]
struct SignedInPage<'a> {
    f: &'a Frame<'a>,
    t: &'static Text,
    title: &'a str,
    problems: Vec<Problem>,
    full_name: &'a str,
    masked: &'a str,
}

/// Step 5: who signed in.
pub fn signed_in(frame: &Frame<'_>, full_name: &str, masked: &str) -> String {
    let t = frame.t();
    rendered(&SignedInPage {
        f: frame,
        t,
        title: t.signed_in_title,
        problems: Vec::new(),
        full_name,
        masked,
    })
}

/// The active device's lines on "My devices".
#[derive(Debug)]
pub struct DeviceLine {
    pub id: String,
    pub name: String,
    pub model: String,
    pub activated: String,
    pub last_used: String,
}

/// One line of the citizen's activity: `kind` names it for styling and tests.
#[derive(Debug)]
pub struct ActivityLine {
    pub kind: &'static str,
    pub when: String,
    pub what: String,
    pub how: String,
}

/// What "My devices" shows.
#[derive(Debug)]
pub struct DevicesView<'a> {
    pub notice: Option<&'a str>,
    pub active: Option<DeviceLine>,
    pub entries: Vec<ActivityLine>,
}

#[derive(Template)]
#[template(path = "portal/devices.html")]
struct DevicesPage<'a> {
    f: &'a Frame<'a>,
    t: &'static Text,
    title: &'a str,
    problems: Vec<Problem>,
    notice: Option<&'a str>,
    active: &'a Option<DeviceLine>,
    entries: &'a [ActivityLine],
}

/// "My devices", after signing in.
pub fn devices(frame: &Frame<'_>, v: &DevicesView<'_>) -> String {
    let t = frame.t();
    rendered(&DevicesPage {
        f: frame,
        t,
        title: t.my.title,
        problems: Vec::new(),
        notice: v.notice,
        active: &v.active,
        entries: &v.entries,
    })
}

/// Approving in the app: who asks, the code, its QR code and link, the time left.
pub struct ApproveView<'a> {
    pub site: &'a str,
    pub code: String,
    /// Inline SVG, made by the service from the link alone.
    pub qr: String,
    pub link: &'a str,
    pub expires_at: Timestamp,
    pub now: Timestamp,
}

#[derive(Template)]
#[template(path = "portal/approve.html")]
struct ApprovePage<'a> {
    f: &'a Frame<'a>,
    t: &'static Text,
    title: &'a str,
    problems: Vec<Problem>,
    v: &'a ApproveView<'a>,
    status_path: &'static str,
    until: String,
    until_iso: String,
    left: String,
    expires_ms: i64,
    now_ms: i64,
}

pub fn approve(frame: &Frame<'_>, v: &ApproveView<'_>) -> String {
    let t = frame.t();
    let secs = (v.expires_at - v.now).num_seconds().max(0);
    rendered(&ApprovePage {
        f: frame,
        t,
        title: t.approve.title,
        problems: Vec::new(),
        v,
        status_path: super::paths::APPROVE_STATUS,
        // UTC, said so: the service does not know the citizen's time zone.
        until: v.expires_at.format("%H:%M:%S UTC").to_string(),
        until_iso: v.expires_at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        left: format!("{}:{:02}", secs / 60, secs % 60),
        expires_ms: v.expires_at.timestamp_millis(),
        now_ms: v.now.timestamp_millis(),
    })
}

#[derive(Template)]
#[template(path = "portal/approve_link.html")]
struct ApproveLinkPage<'a> {
    f: &'a Frame<'a>,
    t: &'static Text,
    title: &'a str,
    problems: Vec<Problem>,
}

/// Where the link to the app lands in a browser: approve in the app with the code the
/// log-in page shows. The link's code is not repeated: a link someone sends must not
/// read as an invitation to approve.
pub fn approve_landing(frame: &Frame<'_>) -> String {
    let t = frame.t();
    rendered(&ApproveLinkPage { f: frame, t, title: t.approve.landing_title, problems: Vec::new() })
}

#[derive(Template)]
#[template(path = "portal/message.html")]
struct MessagePage<'a> {
    f: &'a Frame<'a>,
    t: &'static Text,
    title: &'a str,
    problems: Vec<Problem>,
    text: &'a str,
}

/// A page that only says something, with a way back to the start.
pub fn message(frame: &Frame<'_>, title: &str, text: &str) -> String {
    let t = frame.t();
    rendered(&MessagePage { f: frame, t, title, problems: Vec::new(), text })
}

#[derive(Template)]
#[template(path = "portal/logout.html")]
struct LogoutPage<'a> {
    f: &'a Frame<'a>,
    t: &'static Text,
    title: &'a str,
    problems: Vec<Problem>,
    asks: String,
    hidden: Vec<(&'static str, &'a str)>,
}

/// RP-initiated logout: "Sign out of Cl@ve?", naming the site that asks, with the
/// request's parameters carried to the confirming POST.
pub fn logout(
    frame: &Frame<'_>,
    site: Option<&str>,
    params: &crate::oidc::logout::LogoutParams,
) -> String {
    let t = frame.t();
    let asks = match site {
        Some(site) => (t.logout_asks)(site),
        None => t.logout_asks_anonymous.to_owned(),
    };
    let hidden = [
        ("id_token_hint", &params.id_token_hint),
        ("client_id", &params.client_id),
        ("post_logout_redirect_uri", &params.post_logout_redirect_uri),
        ("state", &params.state),
        ("ui_locales", &params.ui_locales),
    ]
    .into_iter()
    .filter_map(|(name, value)| value.as_deref().map(|v| (name, v)))
    .collect();
    rendered(&LogoutPage { f: frame, t, title: t.logout_title, problems: Vec::new(), asks, hidden })
}

#[derive(Template)]
#[template(path = "portal/privacy.html")]
struct PrivacyPage<'a> {
    f: &'a Frame<'a>,
    t: &'static Text,
    title: &'a str,
    problems: Vec<Problem>,
}

/// The privacy notice (GDPR art. 13), one link away from every page.
pub fn privacy(frame: &Frame<'_>) -> String {
    let t = frame.t();
    rendered(&PrivacyPage { f: frame, t, title: t.privacy_title, problems: Vec::new() })
}

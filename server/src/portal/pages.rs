//! Each page of "Access with Cl@ve PIN", in the order of the official help (seed
//! 002): the document, the contrast data, "Obtain PIN", the notice with the PIN
//! form, and the signed-in page. Pages are plain functions from what they show to
//! HTML; the handlers decide what that is.

use std::fmt::Write;

use clavepin_protocol::DocumentKind;
use clavepin_protocol::wire::PinChannel;

use super::html::{self, Esc, Frame, Input, Problem, problem};
use super::paths;
use super::session::PinStep;

/// Step 1: "Enter your DNI or NIE to start the process."
pub struct DocumentView<'a> {
    pub value: &'a str,
    pub error: Option<&'a str>,
    pub notice: Option<&'a str>,
}

pub fn document(frame: &Frame<'_>, v: &DocumentView<'_>) -> String {
    let t = frame.t();
    let problems: Vec<Problem> =
        v.error.map(|e| problem(Some("document"), e)).into_iter().collect();
    let mut out = String::new();
    html::heading(&mut out, t, t.access_title, &problems);
    if let Some(notice) = v.notice {
        html::status(&mut out, notice);
    }
    html::para(&mut out, t.access_intro);
    html::form_start(&mut out, frame, paths::START);
    Input {
        id: "document",
        label: t.document_label,
        hint: Some(t.document_hint),
        error: v.error,
        value: v.value,
        attrs: "autocomplete=\"off\" spellcheck=\"false\" autocapitalize=\"characters\" \
                maxlength=\"20\"",
        readonly: false,
        required: true,
    }
    .render(&mut out);
    html::button(&mut out, "continue", t.continue_button, false);
    out.push_str("</form>\n");
    html::para(&mut out, t.access_registered);
    html::layout(frame, t.access_title, &problems, &out)
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

pub fn contrast(frame: &Frame<'_>, v: &ContrastView<'_>) -> String {
    let t = frame.t();
    let mut problems: Vec<Problem> =
        v.error.map(|e| problem(Some("contrast"), e)).into_iter().collect();
    problems.extend(v.general.map(|e| problem(None, e)));
    let mut out = String::new();
    html::heading(&mut out, t, t.contrast_title, &problems);
    summary_list(&mut out, &[(t.document_short, v.masked)]);
    html::para(&mut out, t.contrast_intro);
    html::form_start(&mut out, frame, paths::CONTRAST);
    let (label, hint, attrs) = match v.kind {
        DocumentKind::Dni => (
            if v.permanent { t.issue_date_label } else { t.validity_label },
            t.date_hint,
            "autocomplete=\"off\" inputmode=\"numeric\" maxlength=\"10\" \
             placeholder=\"DD/MM/YYYY\"",
        ),
        DocumentKind::Nie => (
            t.support_label,
            t.support_hint,
            "autocomplete=\"off\" spellcheck=\"false\" autocapitalize=\"characters\" \
             maxlength=\"14\"",
        ),
    };
    Input {
        id: "contrast",
        label,
        hint: Some(hint),
        error: v.error,
        value: v.value,
        attrs,
        readonly: false,
        required: true,
    }
    .render(&mut out);
    if v.kind == DocumentKind::Dni {
        html::checkbox(
            &mut out,
            "permanent",
            t.permanent_label,
            Some(t.permanent_hint),
            v.permanent,
        );
    }
    html::button(&mut out, "continue", t.continue_button, false);
    out.push_str("</form>\n");
    // The help links of the official page, as disclosures that need no script.
    let _ = writeln!(out, "<h2>{}</h2>", Esc(t.help_heading));
    let help: &[(&str, &str)] = match v.kind {
        DocumentKind::Dni => &[
            (t.help_validity_summary, t.help_validity),
            (t.help_permanent_summary, t.help_permanent),
        ],
        DocumentKind::Nie => &[(t.help_support_summary, t.help_support)],
    };
    for (summary, text) in help {
        let _ = writeln!(
            out,
            "<details><summary>{}</summary><p>{}</p></details>",
            Esc(summary),
            Esc(text)
        );
    }
    start_again(&mut out, frame);
    html::layout(frame, t.contrast_title, &problems, &out)
}

/// Step 3: "Obtain PIN", with the custom code and, where both work, the channel.
pub struct ObtainView<'a> {
    pub masked: &'a str,
    pub app_available: bool,
    pub customise: bool,
    pub code: &'a str,
    pub code_error: Option<&'a str>,
    pub channel: PinChannel,
    pub general: Option<&'a str>,
}

pub fn obtain(frame: &Frame<'_>, v: &ObtainView<'_>) -> String {
    let t = frame.t();
    let mut problems: Vec<Problem> =
        v.code_error.map(|e| problem(Some("custom-code"), e)).into_iter().collect();
    problems.extend(v.general.map(|e| problem(None, e)));
    let mut out = String::new();
    html::heading(&mut out, t, t.obtain_title, &problems);
    summary_list(&mut out, &[(t.document_short, v.masked)]);
    html::para(&mut out, t.obtain_intro);
    html::form_start(&mut out, frame, paths::OBTAIN);
    html::checkbox(&mut out, "customise", t.customise_label, None, v.customise);
    Input {
        id: "custom-code",
        label: t.custom_code_label,
        hint: Some(t.custom_code_hint),
        error: v.code_error,
        value: v.code,
        attrs: "autocomplete=\"off\" spellcheck=\"false\" autocapitalize=\"characters\" \
                maxlength=\"4\" size=\"6\"",
        readonly: false,
        // Only with the box ticked; the page says so.
        required: false,
    }
    .render(&mut out);
    if v.app_available {
        let _ =
            writeln!(out, "<fieldset class=\"field\">\n<legend>{}</legend>", Esc(t.channel_legend));
        let app = v.channel == PinChannel::App;
        html::radio(&mut out, "channel", "channel-app", "app", t.channel_app, app);
        html::radio(&mut out, "channel", "channel-sms", "sms", t.channel_sms, !app);
        out.push_str("</fieldset>\n");
    } else {
        html::para(&mut out, t.sms_only);
    }
    html::button(&mut out, "obtain", t.obtain_button, false);
    out.push_str("</form>\n");
    start_again(&mut out, frame);
    html::layout(frame, t.obtain_title, &problems, &out)
}

/// Step 4: where the PIN went, then the PIN form with the code locked.
pub struct PinView<'a> {
    pub step: &'a PinStep,
    pub pin_error: Option<&'a str>,
    pub general: Option<&'a str>,
}

pub fn pin(frame: &Frame<'_>, v: &PinView<'_>) -> String {
    let t = frame.t();
    let step = v.step;
    let mut problems: Vec<Problem> =
        v.pin_error.map(|e| problem(Some("pin"), e)).into_iter().collect();
    problems.extend(v.general.map(|e| problem(None, e)));
    let mut out = String::new();
    html::heading(&mut out, t, t.pin_title, &problems);
    out.push_str("<section class=\"notice-box\" aria-labelledby=\"notice-heading\">\n");
    let sms = step.channel == PinChannel::Sms;
    let heading = if sms { t.sms_notice_heading } else { t.app_notice_heading };
    let _ = writeln!(out, "<h2 id=\"notice-heading\">{}</h2>", Esc(heading));
    if step.renewed {
        html::status(&mut out, t.renewed);
    }
    if sms {
        html::para(&mut out, &(t.sms_sent)(&step.phone_hint));
        html::para(&mut out, t.sms_again);
        html::button_form(&mut out, frame, paths::AGAIN, "request-again", t.request_again_button);
    } else {
        html::para(&mut out, t.app_notice);
        if step.sms_sent {
            html::status(&mut out, &(t.sms_sent)(&step.phone_hint));
        } else {
            html::para(&mut out, t.app_fallback);
            html::button_form(&mut out, frame, paths::SMS, "request-sms", t.request_sms_button);
        }
    }
    html::para(&mut out, t.pin_life);
    out.push_str("</section>\n");

    html::form_start(&mut out, frame, paths::PIN);
    // Shown, never read back: the code the service checks comes from the session.
    Input {
        id: "code",
        label: t.code_label,
        hint: Some(t.code_hint),
        error: None,
        value: &step.code,
        attrs: "autocomplete=\"off\" size=\"6\"",
        readonly: true,
        required: false,
    }
    .render(&mut out);
    Input {
        id: "pin",
        label: t.pin_label,
        hint: Some(t.pin_hint),
        error: v.pin_error,
        value: "",
        attrs: "autocomplete=\"one-time-code\" spellcheck=\"false\" \
                autocapitalize=\"characters\" maxlength=\"3\" size=\"6\"",
        readonly: false,
        required: true,
    }
    .render(&mut out);
    html::button(&mut out, "access", t.access_button, false);
    out.push_str("</form>\n");
    let _ = writeln!(
        out,
        "<p><a id=\"obtain-new\" href=\"{}\">{}</a></p>",
        paths::OBTAIN,
        Esc(t.obtain_new)
    );
    start_again(&mut out, frame);
    html::layout(frame, t.pin_title, &problems, &out)
}

/// Step 5: who signed in.
pub fn signed_in(frame: &Frame<'_>, full_name: &str, masked: &str) -> String {
    let t = frame.t();
    let mut out = String::new();
    html::heading(&mut out, t, t.signed_in_title, &[]);
    html::para(&mut out, t.signed_in_intro);
    summary_list(&mut out, &[(t.name_label, full_name), (t.document_short, masked)]);
    html::button_form(&mut out, frame, paths::SIGN_OUT, "sign-out", t.sign_out_button);
    html::layout(frame, t.signed_in_title, &[], &out)
}

/// RP-initiated logout: "Sign out of Cl@ve?", naming the site that asks, with the
/// request's parameters carried to the confirming POST.
pub fn logout(
    frame: &Frame<'_>,
    site: Option<&str>,
    params: &crate::oidc::logout::LogoutParams,
) -> String {
    let t = frame.t();
    let mut out = String::new();
    html::heading(&mut out, t, t.logout_title, &[]);
    match site {
        Some(site) => html::para(&mut out, &(t.logout_asks)(site)),
        None => html::para(&mut out, t.logout_asks_anonymous),
    }
    let _ = writeln!(
        out,
        "<form method=\"post\" action=\"{}\" novalidate>",
        crate::oidc::paths::LOGOUT
    );
    let hidden = [
        ("id_token_hint", &params.id_token_hint),
        ("client_id", &params.client_id),
        ("post_logout_redirect_uri", &params.post_logout_redirect_uri),
        ("state", &params.state),
        ("ui_locales", &params.ui_locales),
    ];
    for (name, value) in hidden {
        if let Some(value) = value {
            let _ =
                writeln!(out, "<input type=\"hidden\" name=\"{name}\" value=\"{}\">", Esc(value));
        }
    }
    html::button(&mut out, "sign-out", t.sign_out_button, false);
    out.push_str("</form>\n");
    html::layout(frame, t.logout_title, &[], &out)
}

/// A page that only says something, with a way back to the start.
pub fn message(frame: &Frame<'_>, title: &str, text: &str) -> String {
    let t = frame.t();
    let mut out = String::new();
    html::heading(&mut out, t, title, &[]);
    let _ = writeln!(out, "<p role=\"alert\">{}</p>", Esc(text));
    start_again(&mut out, frame);
    html::layout(frame, title, &[], &out)
}

fn summary_list(out: &mut String, rows: &[(&str, &str)]) {
    out.push_str("<dl class=\"summary\">\n");
    for (term, value) in rows {
        let _ = writeln!(out, "<div><dt>{}</dt><dd>{}</dd></div>", Esc(term), Esc(value));
    }
    out.push_str("</dl>\n");
}

fn start_again(out: &mut String, frame: &Frame<'_>) {
    let _ = writeln!(
        out,
        "<p><a id=\"start-again\" href=\"{}\">{}</a></p>",
        paths::START,
        Esc(frame.t().start_again)
    );
}

//! "My devices", after signing in: the device that receives the citizen's PINs
//! (deactivate it, and PINs go by SMS), how to move to a new phone, and the
//! citizen's recent activity (sign-ins with site, time and channel; "this wasn't me"
//! reports; devices bound and ended).

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use clavepin_protocol::DocumentNumber;
use clavepin_protocol::wire::DeviceState;
use serde::Deserialize;

use super::i18n::Text;
use super::pages::{self, ActivityLine, DeviceLine, DevicesView};
use super::session::{Flow, Notice};
use super::visit::{PageForm, Visit};
use super::{Portal, page, paths, see_other};
use crate::activity::{self, Channel, Entry, Event};
use crate::db::StoreError;
use crate::db::devices::DeviceSummary;
use crate::devices;
use crate::error::DeviceError;
use crate::time::from_millis;

/// The signed-in citizen's document, if the session has signed in.
fn signed_in(visit: &Visit) -> Option<DocumentNumber> {
    match &visit.session.flow {
        Flow::SignedIn { document, .. } => Some(*document),
        _ => None,
    }
}

/// An instant as the page shows it. UTC, said so: the service does not know the
/// citizen's time zone.
fn when(ms: i64) -> String {
    from_millis(ms).format("%d-%m-%Y %H:%M UTC").to_string()
}

fn device_line(t: &Text, d: &DeviceSummary) -> DeviceLine {
    let or_unnamed = |s: &str| if s.is_empty() { t.my.unnamed.to_owned() } else { s.to_owned() };
    DeviceLine {
        id: d.id.clone(),
        name: or_unnamed(&d.name),
        model: or_unnamed(&d.model),
        activated: when(d.activated_at),
        last_used: d.last_used_at.map_or_else(|| t.my.not_yet.to_owned(), when),
    }
}

fn activity_line(t: &Text, e: &Entry) -> ActivityLine {
    let channel = |c: &Channel| match c {
        Channel::App => t.my.channel_app,
        Channel::Sms => t.my.channel_sms,
        Channel::Approval => t.my.channel_approval,
    };
    let at_site = |what: &str, site: &Option<String>| match site {
        Some(site) => format!("{what}: {site}"),
        None => what.to_owned(),
    };
    let with_device = |what: &str, device: &str| {
        if device.is_empty() { what.to_owned() } else { format!("{what}: {device}") }
    };
    let (kind, what, how) = match &e.event {
        Event::SignIn { site, channel: c } => ("sign-in", at_site(t.my.sign_in, site), channel(c)),
        Event::NotMe { site, channel: c } => ("not-me", at_site(t.my.not_me, site), channel(c)),
        Event::DeviceActivated { device } => {
            ("device-activated", with_device(t.my.device_activated, device), "")
        }
        Event::DeviceReplaced { device } => {
            ("device-replaced", with_device(t.my.device_replaced, device), "")
        }
        Event::DeviceRemoved { device } => {
            ("device-removed", with_device(t.my.device_removed, device), "")
        }
    };
    ActivityLine { kind, when: when(e.at.timestamp_millis()), what, how: how.to_owned() }
}

/// `GET /access/devices`.
pub async fn devices_page(State(p): State<Portal>, mut visit: Visit) -> Response {
    let Some(document) = signed_in(&visit) else {
        return visit.respond(&p, see_other(paths::START));
    };
    let loaded = p
        .app
        .db
        .read(move |c| {
            Ok::<_, StoreError>((c.devices_of(&document)?, activity::recent(c, &document)?))
        })
        .await;
    let Ok((devices, entries)) = loaded else {
        return visit.failed(&p);
    };
    let t = visit.lang.text();
    let notice = match visit.session.notice.take() {
        Some(Notice::Deactivated) => Some(t.my.deactivated),
        other => {
            visit.session.notice = other;
            None
        }
    };
    let active = devices.iter().find(|d| d.state == DeviceState::Active);
    let view = DevicesView {
        notice,
        active: active.map(|d| device_line(t, d)),
        entries: entries.iter().map(|e| activity_line(t, e)).collect(),
    };
    let html = pages::devices(&visit.frame(paths::DEVICES), &view);
    visit.respond(&p, page(StatusCode::OK, html))
}

/// The "Deactivate this device" form: the device the page showed, so a page left
/// open never ends a phone activated after it was drawn.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct DeactivateForm {
    csrf: String,
    device: String,
}

/// `POST /access/devices/deactivate`.
pub async fn deactivate(
    State(p): State<Portal>,
    mut visit: Visit,
    PageForm(form): PageForm<DeactivateForm>,
) -> Response {
    if !visit.form_ok(&form.csrf) {
        return visit.form_expired(&p);
    }
    let Some(document) = signed_in(&visit) else {
        return visit.respond(&p, see_other(paths::START));
    };
    let now = p.app.now();
    let device = form.device;
    let ended = p
        .app
        .db
        .write(move |tx| {
            let theirs = tx
                .devices_of(&document)?
                .into_iter()
                .any(|d| d.id == device && d.state == DeviceState::Active);
            if theirs {
                devices::remove(tx, &device, now)?;
            }
            Ok::<_, DeviceError>(theirs)
        })
        .await;
    match ended {
        Ok(true) => {
            visit.session.notice = Some(Notice::Deactivated);
            visit.respond(&p, see_other(paths::DEVICES))
        }
        // Already ended, or replaced meanwhile: the page shows what is true now.
        Ok(false) => visit.respond(&p, see_other(paths::DEVICES)),
        Err(_) => visit.failed(&p),
    }
}

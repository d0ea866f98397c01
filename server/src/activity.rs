//! The citizen's activity: what "My devices" shows them (sign-ins with site, time
//! and channel; "this wasn't me" reports; devices bound and ended) and what the
//! operator reads of the reports. Written in the transaction of what it records.

use chrono::TimeDelta;
use clavepin_protocol::wire::NotMeReport;
use clavepin_protocol::{DocumentNumber, Timestamp};

use crate::db::activity::{ActivityRow, ActivityStore, NewActivity};
use crate::db::{StoreError, StoreResult};
use crate::time::{from_millis, millis};

/// How long an entry is kept: a year of sign-ins is what a citizen checking for
/// misuse looks back over, and no more is needed (docs/SECURITY.md, retention).
pub const ACTIVITY_LIFE: TimeDelta = TimeDelta::days(365);

/// How many entries "My devices" shows.
pub const RECENT: i64 = 20;

/// How a sign-in was made.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Channel {
    /// A PIN pushed to the app.
    App,
    /// A PIN by SMS.
    Sms,
    /// Approved in the app.
    Approval,
}

impl Channel {
    fn name(self) -> &'static str {
        match self {
            Channel::App => "app",
            Channel::Sms => "sms",
            Channel::Approval => "approval",
        }
    }

    fn from_name(name: &str) -> Option<Self> {
        Some(match name {
            "app" => Channel::App,
            "sms" => Channel::Sms,
            "approval" => Channel::Approval,
            _ => return None,
        })
    }
}

/// One thing that happened to the citizen's account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    /// Signed in, at a site if one asked.
    SignIn { site: Option<String>, channel: Channel },
    /// "This wasn't me" on a PIN (or an approval) the citizen did not ask for.
    NotMe { site: Option<String>, channel: Channel },
    /// A device was bound (its name, as the app gave it).
    DeviceActivated { device: String },
    /// A device was replaced by a newer one.
    DeviceReplaced { device: String },
    /// A device was ended by its citizen (in the app, or on "My devices").
    DeviceRemoved { device: String },
}

/// An entry of the citizen's activity.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub at: Timestamp,
    pub event: Event,
}

impl Event {
    fn columns(&self) -> (&'static str, Option<&str>, Option<Channel>, Option<&str>) {
        match self {
            Event::SignIn { site, channel } => ("sign_in", site.as_deref(), Some(*channel), None),
            Event::NotMe { site, channel } => ("not_me", site.as_deref(), Some(*channel), None),
            Event::DeviceActivated { device } => ("device_activated", None, None, Some(device)),
            Event::DeviceReplaced { device } => ("device_replaced", None, None, Some(device)),
            Event::DeviceRemoved { device } => ("device_removed", None, None, Some(device)),
        }
    }

    fn from_row(row: ActivityRow) -> StoreResult<Self> {
        let corrupt = || StoreError::Corrupt("activity row");
        let channel = || row.channel.as_deref().and_then(Channel::from_name).ok_or_else(corrupt);
        let device = || row.device.clone().unwrap_or_default();
        Ok(match row.kind.as_str() {
            "sign_in" => Event::SignIn { site: row.site.clone(), channel: channel()? },
            "not_me" => Event::NotMe { site: row.site.clone(), channel: channel()? },
            "device_activated" => Event::DeviceActivated { device: device() },
            "device_replaced" => Event::DeviceReplaced { device: device() },
            "device_removed" => Event::DeviceRemoved { device: device() },
            _ => return Err(corrupt()),
        })
    }
}

/// Records `event` for the citizen, at `now`.
pub fn record(
    store: &dyn ActivityStore,
    document: &DocumentNumber,
    now: Timestamp,
    event: &Event,
) -> StoreResult<()> {
    let (kind, site, channel, device) = event.columns();
    store.append_activity(&NewActivity {
        document: document.as_str(),
        at: millis(now),
        kind,
        site,
        channel: channel.map(Channel::name),
        device,
    })
}

/// The citizen's newest entries, newest first.
pub fn recent(store: &dyn ActivityStore, document: &DocumentNumber) -> StoreResult<Vec<Entry>> {
    store
        .activity_of(document.as_str(), RECENT)?
        .into_iter()
        .map(|row| Ok(Entry { at: from_millis(row.at), event: Event::from_row(row)? }))
        .collect()
}

/// "This wasn't me" reports after the report `after`, oldest first, for operators.
pub fn reports(store: &dyn ActivityStore, after: i64, page: i64) -> StoreResult<Vec<NotMeReport>> {
    store
        .activity_of_kind("not_me", after, page)?
        .into_iter()
        .map(|row| {
            let document = DocumentNumber::parse(&row.document)
                .map_err(|_| StoreError::Corrupt("activity"))?;
            Ok(NotMeReport {
                id: row.id,
                document,
                at: from_millis(row.at),
                site: row.site,
                channel: row.channel,
            })
        })
        .collect()
}

/// Forgets entries older than [`ACTIVITY_LIFE`].
pub fn prune(store: &dyn ActivityStore, now: Timestamp) -> StoreResult<usize> {
    store.prune_activity(millis(now - ACTIVITY_LIFE))
}

/// The channel a PIN request went by, as stored.
pub fn pin_channel(stored: &str) -> Channel {
    if stored == "app" { Channel::App } else { Channel::Sms }
}

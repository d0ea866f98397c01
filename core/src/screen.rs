//! The app screen (seed 002: "view the PIN and expiration time counter … This screen
//! will refresh every 10 seconds, automatically displaying the last PIN obtained").

use clavepin_protocol::wire::PinState;
use clavepin_protocol::{DocumentNumber, RequestId, SecretText, Timestamp};

use crate::countdown::{Countdown, REFRESH_INTERVAL};
use crate::device::Device;
use crate::error::CoreResult;
use crate::store::{CitizenState, StoredPin};

/// One PIN as the screen shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct PinView {
    /// The request.
    pub request_id: RequestId,
    /// Whose PIN.
    pub document: DocumentNumber,
    /// The code, as the portal shows it.
    pub code: String,
    /// The PIN; `None` while the citizen is locked (the screen asks for the pattern)
    /// or once it can no longer be used. Secret: it never prints.
    pub pin: Option<SecretText>,
    /// Issued.
    pub issued_at: Timestamp,
    /// Expires.
    pub expires_at: Timestamp,
    /// Live, used, expired, superseded or dead (expiry applied by the corrected clock).
    pub state: PinState,
    /// The expiry counter.
    pub countdown: Countdown,
}

/// A citizen's part of the screen.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct CitizenScreen {
    /// The citizen.
    pub document: DocumentNumber,
    /// Their activation's state.
    pub state: CitizenState,
    /// Whether unlocked.
    pub unlocked: bool,
    /// Their newest PIN.
    pub latest: Option<PinView>,
}

/// Everything the app screen shows at one instant.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct ScreenModel {
    /// The instant it describes (device clock corrected by the service's).
    pub now: Timestamp,
    /// The last PIN obtained, across the device's citizens.
    pub latest: Option<PinView>,
    /// Per citizen.
    pub citizens: Vec<CitizenScreen>,
    /// When the screen should refresh next.
    pub next_refresh_at: Timestamp,
}

/// A stored PIN's state now: a live PIN past its expiry is expired.
pub fn state_at(pin: &StoredPin, now: Timestamp) -> PinState {
    match pin.state {
        PinState::Live if now >= pin.expires_at => PinState::Expired,
        other => other,
    }
}

impl Device {
    fn view(&self, pin: &StoredPin, unlocked: bool, now: Timestamp) -> CoreResult<PinView> {
        let state = state_at(pin, now);
        let value = if unlocked && state == PinState::Live {
            Some(SecretText::new(self.store().pin_value(pin.request_id.as_str())?.expose()))
        } else {
            None
        };
        Ok(PinView {
            request_id: pin.request_id.clone(),
            document: pin.document,
            code: pin.code.to_string(),
            pin: value,
            issued_at: pin.issued_at,
            expires_at: pin.expires_at,
            state,
            countdown: Countdown::at(pin.expires_at, now),
        })
    }

    /// The screen model now.
    pub fn screen(&self) -> CoreResult<ScreenModel> {
        let now = self.now();
        let citizens = self.citizens()?;
        let mut screens = Vec::with_capacity(citizens.len());
        let mut latest: Option<PinView> = None;
        for citizen in citizens {
            let newest = self.store().pins(Some(&citizen.document), 1)?.into_iter().next();
            let view = newest.map(|p| self.view(&p, citizen.unlocked, now)).transpose()?;
            if let Some(v) = &view
                && latest.as_ref().is_none_or(|l| v.issued_at > l.issued_at)
            {
                latest = Some(v.clone());
            }
            screens.push(CitizenScreen {
                document: citizen.document,
                state: citizen.state,
                unlocked: citizen.unlocked,
                latest: view,
            });
        }
        let next_refresh_at = latest
            .as_ref()
            .and_then(|l| l.countdown.next_refresh_at)
            .unwrap_or(now + REFRESH_INTERVAL);
        Ok(ScreenModel { now, latest, citizens: screens, next_refresh_at })
    }

    /// The PINs received for a citizen (or all), newest first, without their values.
    pub fn history(&self, document: Option<&str>, limit: u32) -> CoreResult<Vec<PinView>> {
        let document = document.map(Self::document).transpose()?;
        let now = self.now();
        let pins = self.store().pins(document.as_ref(), limit)?;
        pins.iter().map(|p| self.view(p, false, now)).collect()
    }
}

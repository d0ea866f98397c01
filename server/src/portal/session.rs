//! Server-side sessions for the portal's pages, in memory. The browser holds only a
//! random 128-bit id in a cookie; where the citizen is in the flow (document, claim,
//! PIN request, who signed in) stays here. A session dies after 15 minutes without a
//! request (OWASP's session guidance for a log-in flow; a PIN lives 10), measured on
//! the service's clock so tests can move it.
//!
//! Sessions are keyed by the SHA-256 of their id: looking one up takes the same time
//! whether or not the id exists, and the store holds nothing a cookie can be made
//! from.

use std::collections::HashMap;
use std::fmt;
use std::sync::{Mutex, PoisonError};

use chrono::TimeDelta;
use clavepin_protocol::wire::PinChannel;
use clavepin_protocol::{DocumentNumber, IdentityClaim, Timestamp};
use ring::digest::{SHA256, digest};

use super::i18n::Lang;

/// A session dies after this long without a request.
pub const IDLE_LIFE: TimeDelta = TimeDelta::minutes(15);

/// At most this many live sessions: each fresh visitor makes one, so without a cap a
/// client could fill memory. Past it new visitors are told the service is busy.
const MAX_SESSIONS: usize = 100_000;

/// Expired sessions are swept at most this often (a sweep walks them all).
const SWEEP_EVERY: TimeDelta = TimeDelta::minutes(1);

/// One browser's session.
#[derive(Clone, Default)]
pub struct Session {
    /// The language chosen with the switch, if any.
    pub lang: Option<Lang>,
    /// The CSRF token its forms carry.
    pub csrf: String,
    /// Where the citizen is.
    pub flow: Flow,
    /// A message for the next page only.
    pub notice: Option<Notice>,
}

/// Where the citizen is in "Access with Cl@ve PIN" (seed 002).
#[derive(Clone, Default)]
pub enum Flow {
    /// Nothing typed yet.
    #[default]
    Start,
    /// The document is typed; contrast data next.
    Contrast { document: DocumentNumber },
    /// The claim matched the census; "Obtain PIN" next.
    Obtain { claim: IdentityClaim, app_available: bool },
    /// A PIN request is live; the notice and "Access".
    Pin(PinStep),
    /// Signed in.
    SignedIn { document: DocumentNumber, full_name: String },
}

/// A live PIN request, as the PIN page needs it. The code lives here, never in a
/// form field the browser could change.
#[derive(Clone)]
pub struct PinStep {
    pub claim: IdentityClaim,
    pub app_available: bool,
    pub request_id: String,
    pub code: String,
    pub channel: PinChannel,
    pub phone_hint: String,
    /// "Request SMS to be sent to your mobile" was used for this request.
    pub sms_sent: bool,
    /// "Request again" replaced the first request.
    pub renewed: bool,
}

/// A one-off message.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Notice {
    /// After "Sign out".
    SignedOut,
}

impl Flow {
    /// The document typed so far, if any.
    pub fn document(&self) -> Option<DocumentNumber> {
        match self {
            Flow::Start => None,
            Flow::Contrast { document } | Flow::SignedIn { document, .. } => Some(*document),
            Flow::Obtain { claim, .. } => Some(claim.document()),
            Flow::Pin(step) => Some(step.claim.document()),
        }
    }
}

/// Sessions hold personal data and a CSRF token: `Debug` shows neither.
impl fmt::Debug for Session {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let step = match self.flow {
            Flow::Start => "start",
            Flow::Contrast { .. } => "contrast",
            Flow::Obtain { .. } => "obtain",
            Flow::Pin(_) => "pin",
            Flow::SignedIn { .. } => "signed-in",
        };
        f.debug_struct("Session").field("lang", &self.lang).field("step", &step).finish()
    }
}

type Key = [u8; 32];

fn key(id: &str) -> Key {
    let mut key = [0u8; 32];
    key.copy_from_slice(digest(&SHA256, id.as_bytes()).as_ref());
    key
}

struct Entry {
    session: Session,
    last_seen: Timestamp,
}

#[derive(Default)]
struct Store {
    entries: HashMap<Key, Entry>,
    last_sweep: Option<Timestamp>,
}

/// Every live session.
#[derive(Default)]
pub struct Sessions {
    store: Mutex<Store>,
}

impl fmt::Debug for Sessions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Sessions").field("live", &self.lock().entries.len()).finish()
    }
}

/// Why a session could not be stored.
#[derive(Debug, PartialEq, Eq)]
pub struct Full;

impl Sessions {
    fn lock(&self) -> std::sync::MutexGuard<'_, Store> {
        // A panic elsewhere cannot leave a map half-updated: every change is one call.
        self.store.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The session with this id if it is alive at `now`; touching it keeps it alive.
    pub fn load(&self, id: &str, now: Timestamp) -> Option<Session> {
        let mut store = self.lock();
        let key = key(id);
        match store.entries.get_mut(&key) {
            Some(entry) if now - entry.last_seen < IDLE_LIFE => {
                entry.last_seen = now;
                Some(entry.session.clone())
            }
            Some(_) => {
                store.entries.remove(&key);
                None
            }
            None => None,
        }
    }

    /// Stores a session under `id` (new or existing).
    pub fn save(&self, id: &str, session: Session, now: Timestamp) -> Result<(), Full> {
        let mut store = self.lock();
        let due = store.last_sweep.is_none_or(|at| now - at >= SWEEP_EVERY);
        if due || store.entries.len() >= MAX_SESSIONS {
            store.entries.retain(|_, e| now - e.last_seen < IDLE_LIFE);
            store.last_sweep = Some(now);
        }
        let key = key(id);
        if store.entries.len() >= MAX_SESSIONS && !store.entries.contains_key(&key) {
            return Err(Full);
        }
        store.entries.insert(key, Entry { session, last_seen: now });
        Ok(())
    }

    /// Forgets a session (sign-out, or its id is being replaced).
    pub fn remove(&self, id: &str) {
        self.lock().entries.remove(&key(id));
    }

    /// How many sessions are held, live or not yet swept.
    #[cfg(test)]
    pub fn len(&self) -> usize {
        self.lock().entries.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::DateTime;

    fn at(secs: i64) -> Timestamp {
        DateTime::from_timestamp(1_800_000_000 + secs, 0).unwrap_or_default()
    }

    #[test]
    fn a_session_lives_fifteen_idle_minutes() {
        let sessions = Sessions::default();
        let session = Session { csrf: "token".into(), ..Session::default() };
        assert_eq!(sessions.save("id-1", session, at(0)), Ok(()));
        assert!(sessions.load("id-1", at(14 * 60)).is_some(), "touching keeps it alive");
        assert!(sessions.load("id-1", at(28 * 60)).is_some());
        assert!(sessions.load("id-1", at(43 * 60)).is_none(), "15 idle minutes end it");
        assert!(sessions.load("id-1", at(0)).is_none(), "and it is gone for good");
        assert!(sessions.load("unknown", at(0)).is_none());
    }

    #[test]
    fn expired_sessions_are_swept_and_removed_ones_are_gone() {
        let sessions = Sessions::default();
        for i in 0..10 {
            assert_eq!(sessions.save(&format!("old-{i}"), Session::default(), at(0)), Ok(()));
        }
        assert_eq!(sessions.save("new", Session::default(), at(16 * 60)), Ok(()));
        assert_eq!(sessions.len(), 1);
        sessions.remove("new");
        assert!(sessions.load("new", at(16 * 60)).is_none());
    }

    #[test]
    fn debug_shows_neither_token_nor_personal_data() {
        let document = DocumentNumber::parse("12345678Z").unwrap_or_else(|e| panic!("{e}"));
        let session = Session {
            csrf: "secret-token".into(),
            flow: Flow::SignedIn { document, full_name: "Ana García López".into() },
            ..Session::default()
        };
        let debug = format!("{session:?}");
        assert!(!debug.contains("secret") && !debug.contains("Ana") && !debug.contains("1234"));
    }
}

//! Server-side sessions for the portal's pages: in memory for one instance, in the
//! database when several share it (PostgreSQL), so that a request may land on any of
//! them. The browser holds only a random 128-bit id in a cookie; where the citizen is
//! in the flow (document, claim, PIN request, who signed in) stays here. A session dies after 15 minutes without a
//! request (OWASP's session guidance for a log-in flow; a PIN lives 10), measured on
//! the service's clock so tests can move it.
//!
//! Sessions are keyed by the SHA-256 of their id: looking one up takes the same time
//! whether or not the id exists, and the store holds nothing a cookie can be made
//! from.
//!
//! Only a visit that got somewhere is stored (an anonymous one carries a CSRF token
//! derived from its cookie instead, `visit.rs`), so page views cost no memory. What
//! is stored is bounded: one client address holds at most [`MAX_SESSIONS_PER_CLIENT`],
//! and when the memory store is full the session idle longest makes room, so nobody
//! is ever turned away for want of space (the database is pruned of idle sessions
//! every minute instead).

use std::collections::{BTreeSet, HashMap};
use std::fmt;
use std::sync::{Mutex, PoisonError};

use chrono::TimeDelta;
use clavepin_protocol::wire::PinChannel;
use clavepin_protocol::{ApprovalCode, DocumentNumber, IdentityClaim, Timestamp};
use ring::digest::{SHA256, digest};

use super::i18n::Lang;
use crate::db::StoreError;
use crate::serving::client::ClientAddress;
use crate::time::millis;

/// A session dies after this long without a request.
pub const IDLE_LIFE: TimeDelta = TimeDelta::minutes(15);

/// At most this many stored sessions (a few hundred bytes each).
const MAX_SESSIONS: usize = 100_000;

/// At most this many stored sessions per client address: generous, for citizens
/// behind one carrier NAT, but a small share of [`MAX_SESSIONS`].
pub const MAX_SESSIONS_PER_CLIENT: usize = 2_000;

/// One browser's session.
#[derive(Clone, Default, serde::Serialize, serde::Deserialize)]
pub struct Session {
    /// The language chosen with the switch, if any.
    pub lang: Option<Lang>,
    /// The CSRF token its forms carry.
    pub csrf: String,
    /// Where the citizen is.
    pub flow: Flow,
    /// A message for the next page only.
    pub notice: Option<Notice>,
    /// The site the citizen is signing in for, through the OpenID Connect provider.
    pub authorization: Option<std::sync::Arc<crate::oidc::request::Authorization>>,
}

/// Where the citizen is in "Access with Cl@ve PIN" (seed 002).
#[derive(Clone, Default, serde::Serialize, serde::Deserialize)]
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
    /// An approval in the app is pending: the QR code, the short code, the timer.
    Approve(ApproveStep),
    /// Signed in.
    SignedIn { document: DocumentNumber, full_name: String },
}

/// A live PIN request, as the PIN page needs it. The code lives here, never in a
/// form field the browser could change.
#[derive(Clone, serde::Serialize, serde::Deserialize)]
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

/// A pending approval, as its page needs it. The code is shown, never read back
/// from the browser.
#[derive(Clone, serde::Serialize, serde::Deserialize)]
pub struct ApproveStep {
    pub claim: IdentityClaim,
    pub approval_id: String,
    pub code: ApprovalCode,
    pub expires_at: Timestamp,
}

/// A one-off message.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Notice {
    /// After "Sign out".
    SignedOut,
    /// After "Deactivate this device".
    Deactivated,
    /// The approval was refused (or reported) in the app, or a PIN replaced it.
    ApprovalEnded,
    /// The approval's 5 minutes went by.
    ApprovalExpired,
}

impl Flow {
    /// The document typed so far, if any.
    pub fn document(&self) -> Option<DocumentNumber> {
        match self {
            Flow::Start => None,
            Flow::Contrast { document } | Flow::SignedIn { document, .. } => Some(*document),
            Flow::Obtain { claim, .. } => Some(claim.document()),
            Flow::Pin(step) => Some(step.claim.document()),
            Flow::Approve(step) => Some(step.claim.document()),
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
            Flow::Approve(_) => "approve",
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
    client: ClientAddress,
}

#[derive(Default)]
pub struct Store {
    entries: HashMap<Key, Entry>,
    /// Every entry by when it was last seen, oldest first.
    by_age: BTreeSet<(Timestamp, Key)>,
    per_client: HashMap<ClientAddress, usize>,
}

impl Store {
    fn forget(&mut self, key: &Key) {
        if let Some(entry) = self.entries.remove(key) {
            self.by_age.remove(&(entry.last_seen, *key));
            if let Some(count) = self.per_client.get_mut(&entry.client) {
                *count -= 1;
                if *count == 0 {
                    self.per_client.remove(&entry.client);
                }
            }
        }
    }

    /// Drops sessions idle too long, and makes room if full, oldest first.
    fn sweep(&mut self, now: Timestamp) {
        while let Some(&(seen, key)) = self.by_age.first() {
            if now - seen < IDLE_LIFE && self.entries.len() < MAX_SESSIONS {
                break;
            }
            self.forget(&key);
        }
    }

    fn touch(&mut self, key: Key, now: Timestamp) {
        if let Some(entry) = self.entries.get_mut(&key) {
            self.by_age.remove(&(entry.last_seen, key));
            entry.last_seen = now;
            self.by_age.insert((now, key));
        }
    }
}

/// Every stored session: in this process's memory, or in the database.
pub enum Sessions {
    Memory(Mutex<Store>),
    Database(crate::db::Db),
}

impl Default for Sessions {
    fn default() -> Self {
        Sessions::Memory(Mutex::default())
    }
}

impl fmt::Debug for Sessions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Sessions::Memory(store) => {
                let live = lock(store).entries.len();
                f.debug_struct("Sessions").field("live", &live).finish()
            }
            Sessions::Database(_) => f.write_str("Sessions(database)"),
        }
    }
}

/// Why a session could not be stored: its client address holds too many.
#[derive(Debug, PartialEq, Eq)]
pub struct Full;

fn lock(store: &Mutex<Store>) -> std::sync::MutexGuard<'_, Store> {
    // A panic elsewhere cannot leave a map half-updated: every change is one call.
    store.lock().unwrap_or_else(PoisonError::into_inner)
}

impl Sessions {
    /// The session with this id if it is alive at `now`; touching it keeps it alive.
    /// A stored session that no longer reads (written by another version) is none.
    pub async fn load(&self, id: &str, now: Timestamp) -> Result<Option<Session>, StoreError> {
        let store = match self {
            Sessions::Memory(store) => return Ok(load_in_memory(&mut lock(store), id, now)),
            Sessions::Database(db) => db,
        };
        let (hash, now, idle_since) = (key(id), millis(now), millis(now - IDLE_LIFE));
        let data = store.write(move |tx| tx.load_session(&hash, now, idle_since)).await?;
        Ok(data.and_then(|json| serde_json::from_str(&json).ok()))
    }

    /// Stores a session under `id` for `client`: a new one, or (`loaded`) the one the
    /// request came with, which is stored only if it is still there, so a request
    /// that was in flight at sign-out cannot bring the session back.
    pub async fn save(
        &self,
        id: &str,
        session: Session,
        loaded: bool,
        client: ClientAddress,
        now: Timestamp,
    ) -> Result<Result<(), Full>, StoreError> {
        let store = match self {
            Sessions::Memory(store) => {
                let mut store = lock(store);
                if loaded && !store.entries.contains_key(&key(id)) {
                    return Ok(Ok(()));
                }
                return Ok(save_in_memory(&mut store, id, session, client, now));
            }
            Sessions::Database(db) => db,
        };
        let data = serde_json::to_string(&session).map_err(|_| StoreError::Corrupt("session"))?;
        if loaded {
            let (hash, now) = (key(id), millis(now));
            store.write(move |tx| tx.update_session(&hash, &data, now)).await?;
            return Ok(Ok(()));
        }
        let (hash, client) = (key(id), client.as_key());
        let (now, idle_since) = (millis(now), millis(now - IDLE_LIFE));
        let cap = MAX_SESSIONS_PER_CLIENT as i64;
        let saved = store
            .write(move |tx| tx.save_session(&hash, &client, &data, now, idle_since, cap))
            .await?;
        Ok(if saved { Ok(()) } else { Err(Full) })
    }

    /// Forgets a session (sign-out, or its id is being replaced).
    pub async fn remove(&self, id: &str) -> Result<(), StoreError> {
        match self {
            Sessions::Memory(store) => {
                lock(store).forget(&key(id));
                Ok(())
            }
            Sessions::Database(db) => {
                let hash = key(id);
                db.write(move |tx| tx.remove_session(&hash)).await
            }
        }
    }

    /// How many sessions are stored and live at `now` (in memory: not yet swept).
    pub async fn len(&self, now: Timestamp) -> Result<usize, StoreError> {
        match self {
            Sessions::Memory(store) => Ok(lock(store).entries.len()),
            Sessions::Database(db) => {
                let idle_since = millis(now - IDLE_LIFE);
                let live = db.read(move |tx| tx.live_sessions(idle_since)).await?;
                Ok(usize::try_from(live).unwrap_or(0))
            }
        }
    }

    /// Forgets the database's idle sessions (memory sweeps as it goes).
    pub async fn prune(&self, now: Timestamp) -> Result<usize, StoreError> {
        match self {
            Sessions::Memory(_) => Ok(0),
            Sessions::Database(db) => {
                let idle_since = millis(now - IDLE_LIFE);
                db.write(move |tx| tx.prune_sessions(idle_since)).await
            }
        }
    }
}

fn load_in_memory(store: &mut Store, id: &str, now: Timestamp) -> Option<Session> {
    let key = key(id);
    let seen = store.entries.get(&key)?.last_seen;
    if now - seen >= IDLE_LIFE {
        store.forget(&key);
        return None;
    }
    store.touch(key, now);
    store.entries.get(&key).map(|e| e.session.clone())
}

fn save_in_memory(
    store: &mut Store,
    id: &str,
    session: Session,
    client: ClientAddress,
    now: Timestamp,
) -> Result<(), Full> {
    let key = key(id);
    if let Some(entry) = store.entries.get_mut(&key) {
        entry.session = session;
        store.touch(key, now);
        return Ok(());
    }
    if store.per_client.get(&client).copied().unwrap_or(0) >= MAX_SESSIONS_PER_CLIENT {
        store.sweep(now);
        if store.per_client.get(&client).copied().unwrap_or(0) >= MAX_SESSIONS_PER_CLIENT {
            return Err(Full);
        }
    }
    store.sweep(now);
    store.entries.insert(key, Entry { session, last_seen: now, client });
    store.by_age.insert((now, key));
    *store.per_client.entry(client).or_insert(0) += 1;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::DateTime;

    fn client(last: u8) -> ClientAddress {
        ClientAddress::of(std::net::IpAddr::from([127, 0, 0, last]))
    }

    fn at(secs: i64) -> Timestamp {
        DateTime::from_timestamp(1_800_000_000 + secs, 0).unwrap_or_default()
    }

    #[test]
    fn a_session_lives_fifteen_idle_minutes() {
        let mut sessions = Store::default();
        let session = Session { csrf: "token".into(), ..Session::default() };
        assert_eq!(save_in_memory(&mut sessions, "id-1", session, client(1), at(0)), Ok(()));
        assert!(
            load_in_memory(&mut sessions, "id-1", at(14 * 60)).is_some(),
            "touching keeps it alive"
        );
        assert!(load_in_memory(&mut sessions, "id-1", at(28 * 60)).is_some());
        assert!(
            load_in_memory(&mut sessions, "id-1", at(43 * 60)).is_none(),
            "15 idle minutes end it"
        );
        assert!(load_in_memory(&mut sessions, "id-1", at(0)).is_none(), "and it is gone for good");
        assert!(load_in_memory(&mut sessions, "unknown", at(0)).is_none());
    }

    #[test]
    fn expired_sessions_are_swept_and_removed_ones_are_gone() {
        let mut sessions = Store::default();
        for i in 0..10 {
            let id = format!("old-{i}");
            assert_eq!(
                save_in_memory(&mut sessions, &id, Session::default(), client(1), at(0)),
                Ok(())
            );
        }
        assert_eq!(
            save_in_memory(&mut sessions, "new", Session::default(), client(1), at(16 * 60)),
            Ok(())
        );
        assert_eq!(sessions.entries.len(), 1);
        sessions.forget(&key("new"));
        assert!(load_in_memory(&mut sessions, "new", at(16 * 60)).is_none());
    }

    #[test]
    fn one_client_cannot_fill_the_store_and_a_full_store_makes_room() {
        let mut sessions = Store::default();
        for i in 0..MAX_SESSIONS_PER_CLIENT {
            assert_eq!(
                save_in_memory(
                    &mut sessions,
                    &format!("a-{i}"),
                    Session::default(),
                    client(2),
                    at(0)
                ),
                Ok(())
            );
        }
        assert_eq!(
            save_in_memory(&mut sessions, "a-more", Session::default(), client(2), at(1)),
            Err(Full)
        );
        assert_eq!(
            save_in_memory(&mut sessions, "b-0", Session::default(), client(3), at(1)),
            Ok(())
        );
        // Filled by many clients, the store drops whoever has been idle longest.
        for i in 0..MAX_SESSIONS {
            let c = ClientAddress::of(std::net::IpAddr::from((i as u32 + 10).to_be_bytes()));
            assert_eq!(
                save_in_memory(&mut sessions, &format!("c-{i}"), Session::default(), c, at(2)),
                Ok(())
            );
        }
        assert_eq!(sessions.entries.len(), MAX_SESSIONS);
        assert!(load_in_memory(&mut sessions, "a-0", at(2)).is_none(), "the idlest went first");
        assert!(load_in_memory(&mut sessions, &format!("c-{}", MAX_SESSIONS - 1), at(2)).is_some());
        // Client 2's sessions went with the room made, so it may store again.
        assert_eq!(
            save_in_memory(&mut sessions, "a-again", Session::default(), client(2), at(3)),
            Ok(())
        );
    }

    #[tokio::test]
    async fn a_request_in_flight_at_sign_out_does_not_bring_the_session_back() {
        let sessions = Sessions::default();
        let signed_in = Session { csrf: "token".into(), ..Session::default() };
        let save = |loaded| sessions.save("id-1", signed_in.clone(), loaded, client(1), at(0));
        assert_eq!(save(false).await.ok(), Some(Ok(())));
        sessions.remove("id-1").await.ok();
        // The request that loaded it before the sign-out answers now.
        assert_eq!(save(true).await.ok(), Some(Ok(())));
        assert!(sessions.load("id-1", at(1)).await.ok().flatten().is_none(), "still signed out");
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

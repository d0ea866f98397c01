//! The direct channel: devices that hold `GET /device/events` open hear about new
//! PINs at once. Each instance holds its own channels; a PIN issued on one instance
//! is passed to the others by the hook given with [`EventHub::beyond`] (the
//! database's notifications, `fanout.rs`). Anything missed is in the pull
//! (`GET /device/pins`).
//!
//! Each open channel subscribes for its own device, so a PIN wakes only the
//! channels of the device it is for: with tens of thousands open, announcing one
//! costs a map lookup, not a message to every channel. A channel that falls
//! [`QUEUE`] PINs behind is told to pull instead.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use clavepin_protocol::wire::PendingPin;
use tokio::sync::{mpsc, watch};

/// PINs held for a channel that has not read them yet.
const QUEUE: usize = 16;

/// What an open channel hears.
#[derive(Debug)]
pub enum Heard {
    /// A PIN for its device.
    Pin(PendingPin),
    /// It fell behind: the device should pull.
    Resync,
}

struct Listener {
    id: u64,
    sender: mpsc::Sender<PendingPin>,
    lagged: Arc<AtomicBool>,
}

#[derive(Default)]
struct Listeners {
    by_device: Mutex<HashMap<String, Vec<Listener>>>,
    next_id: AtomicU64,
    open: AtomicUsize,
}

impl Listeners {
    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Vec<Listener>>> {
        // Every change is one call: a panic elsewhere leaves no half-made entry.
        self.by_device.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// Passes a PIN to the other instances.
pub type Beyond = Arc<dyn Fn(&PendingPin) + Send + Sync>;

/// Fans new PINs out to the channels of their device.
#[derive(Clone)]
pub struct EventHub {
    listeners: Arc<Listeners>,
    closing: watch::Sender<bool>,
    beyond: Option<Beyond>,
}

impl std::fmt::Debug for EventHub {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EventHub").field("open", &self.listeners()).finish()
    }
}

impl Default for EventHub {
    fn default() -> Self {
        Self { listeners: Arc::default(), closing: watch::channel(false).0, beyond: None }
    }
}

/// One open channel's subscription; dropping it unsubscribes.
pub struct Subscription {
    listeners: Arc<Listeners>,
    device_id: String,
    id: u64,
    receiver: mpsc::Receiver<PendingPin>,
    lagged: Arc<AtomicBool>,
}

impl std::fmt::Debug for Subscription {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Subscription").field("id", &self.id).finish_non_exhaustive()
    }
}

impl Subscription {
    /// The next thing heard; `None` once the hub is gone.
    pub async fn recv(&mut self) -> Option<Heard> {
        if self.lagged.swap(false, Ordering::AcqRel) {
            return Some(Heard::Resync);
        }
        self.receiver.recv().await.map(Heard::Pin)
    }
}

impl Drop for Subscription {
    fn drop(&mut self) {
        let mut map = self.listeners.lock();
        if let Some(list) = map.get_mut(&self.device_id) {
            list.retain(|l| l.id != self.id);
            if list.is_empty() {
                map.remove(&self.device_id);
            }
        }
        self.listeners.open.fetch_sub(1, Ordering::Relaxed);
    }
}

impl EventHub {
    /// A hub that also passes every PIN it is given to the other instances.
    pub fn beyond(mut self, beyond: Beyond) -> Self {
        self.beyond = Some(beyond);
        self
    }

    /// Announces a PIN issued here to its device's open channels, on this instance
    /// and the others; none open is fine.
    pub fn publish(&self, pin: PendingPin) {
        if let Some(beyond) = &self.beyond {
            beyond(&pin);
        }
        self.deliver(pin);
    }

    /// A handle that delivers while the hub lives, without keeping it alive.
    pub fn weak(&self) -> WeakHub {
        WeakHub(Arc::downgrade(&self.listeners))
    }

    /// Announces a PIN to its device's channels open on this instance.
    pub fn deliver(&self, pin: PendingPin) {
        deliver(&self.listeners, pin);
    }

    /// Listens for `device_id`'s PINs.
    pub fn subscribe(&self, device_id: &str) -> Subscription {
        let (sender, receiver) = mpsc::channel(QUEUE);
        let lagged = Arc::new(AtomicBool::new(false));
        let id = self.listeners.next_id.fetch_add(1, Ordering::Relaxed);
        let listener = Listener { id, sender, lagged: lagged.clone() };
        self.listeners.lock().entry(device_id.to_owned()).or_default().push(listener);
        self.listeners.open.fetch_add(1, Ordering::Relaxed);
        Subscription {
            listeners: self.listeners.clone(),
            device_id: device_id.to_owned(),
            id,
            receiver,
            lagged,
        }
    }

    /// How many direct channels are open on this instance.
    pub fn listeners(&self) -> usize {
        self.listeners.open.load(Ordering::Relaxed)
    }

    /// Tells every open stream to end: the service is shutting down.
    pub fn close(&self) {
        let _ = self.closing.send(true);
    }

    /// Resolves once [`close`](Self::close) was called.
    pub fn closed(&self) -> watch::Receiver<bool> {
        self.closing.subscribe()
    }
}

/// A hub held weakly (by the listener to the other instances).
#[derive(Clone)]
pub struct WeakHub(std::sync::Weak<Listeners>);

impl WeakHub {
    pub fn is_alive(&self) -> bool {
        self.0.strong_count() > 0
    }

    /// Delivers on this instance, if the hub is still there.
    pub fn deliver(&self, pin: PendingPin) {
        if let Some(listeners) = self.0.upgrade() {
            deliver(&listeners, pin);
        }
    }
}

fn deliver(listeners: &Listeners, pin: PendingPin) {
    let map = listeners.lock();
    let Some(list) = map.get(&pin.device_id) else { return };
    for listener in list {
        if listener.sender.try_send(pin.clone()).is_err() {
            listener.lagged.store(true, Ordering::Release);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::DateTime;

    fn pin(device: &str, request: &str) -> PendingPin {
        let at = DateTime::from_timestamp(1_800_000_000, 0).unwrap_or_default();
        PendingPin {
            request_id: request.to_owned(),
            device_id: device.to_owned(),
            sealed: String::new(),
            issued_at: at,
            expires_at: at,
        }
    }

    #[tokio::test]
    async fn a_pin_reaches_only_its_devices_channels_and_a_slow_one_is_told_to_pull() {
        let hub = EventHub::default();
        let mut mine = hub.subscribe("device-a");
        let mut also_mine = hub.subscribe("device-a");
        let other = hub.subscribe("device-b");
        assert_eq!(hub.listeners(), 3);
        hub.publish(pin("device-a", "r1"));
        for channel in [&mut mine, &mut also_mine] {
            match channel.recv().await {
                Some(Heard::Pin(p)) => assert_eq!(p.request_id, "r1"),
                other => panic!("{other:?}"),
            }
        }
        drop(other);
        assert_eq!(hub.listeners(), 2);
        hub.publish(pin("device-b", "nobody listens"));
        for i in 0..=QUEUE {
            hub.publish(pin("device-a", &format!("burst-{i}")));
        }
        assert!(matches!(mine.recv().await, Some(Heard::Resync)), "fell behind: pull");
        assert!(matches!(mine.recv().await, Some(Heard::Pin(_))), "then what it holds");
        drop((mine, also_mine));
        assert_eq!(hub.listeners(), 0);
        assert!(hub.listeners.lock().is_empty(), "no device left behind");
    }
}

//! The direct channel: devices that hold `GET /device/events` open hear about new
//! PINs at once. In memory only; anything missed is in the pull (`GET /device/pins`).

use clavepin_protocol::wire::PendingPin;
use tokio::sync::{broadcast, watch};

/// Fans new PINs out to the devices listening.
#[derive(Debug, Clone)]
pub struct EventHub {
    sender: broadcast::Sender<PendingPin>,
    closing: watch::Sender<bool>,
}

impl Default for EventHub {
    fn default() -> Self {
        // A listener that falls this far behind is told to pull instead.
        Self { sender: broadcast::channel(1024).0, closing: watch::channel(false).0 }
    }
}

impl EventHub {
    /// Announces a PIN; no one listening is fine.
    pub fn publish(&self, pin: PendingPin) {
        let _ = self.sender.send(pin);
    }

    /// Listens to every announcement (each listener filters for its device).
    pub fn subscribe(&self) -> broadcast::Receiver<PendingPin> {
        self.sender.subscribe()
    }

    /// How many direct channels are open on this instance.
    pub fn listeners(&self) -> usize {
        self.sender.receiver_count()
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

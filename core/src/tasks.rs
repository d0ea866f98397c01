//! Background work the core runs for the shells: the screen ticker and the direct
//! channel. Subscribing returns a [`TaskHandle`]; cancelling or dropping it stops the
//! task (matrix-rust-sdk's pattern). Listeners are called from the task, never while
//! the core holds a lock, so they may call back into the core.

use std::sync::Arc;
use std::time::Duration;

use clavepin_protocol::wire::PendingPin;

use crate::device::{Device, ReceivedPin};
use crate::error::{CoreError, CoreResult};
use crate::screen::ScreenModel;

/// Stops a background task when cancelled or dropped.
#[derive(Debug)]
pub struct TaskHandle(tokio::task::AbortHandle);

impl TaskHandle {
    /// Stops the task.
    pub fn cancel(&self) {
        self.0.abort();
    }

    /// Whether it has stopped.
    pub fn is_finished(&self) -> bool {
        self.0.is_finished()
    }
}

impl Drop for TaskHandle {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// Receives the screen model: at once, every 10 seconds (aligned to the PIN's
/// expiry), and at once when a PIN arrives, changes state or expires.
pub trait ScreenListener: Send + Sync {
    /// The screen to show now.
    fn on_screen(&self, screen: ScreenModel);
}

/// How the direct channel is doing.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum ChannelStatus {
    /// Opening.
    Connecting,
    /// Open: PINs arrive as they are issued.
    Connected,
    /// Down; trying again after a wait that grows to 30 s.
    Reconnecting {
        /// Failed attempts so far.
        attempt: u32,
        /// Seconds until the next.
        retry_in_secs: u32,
    },
    /// The citizen is locked: the channel needs the pattern.
    Locked,
    /// Another device was activated for the citizen: the channel stopped for good.
    Replaced,
}

/// Hears from the direct channel.
pub trait ChannelListener: Send + Sync {
    /// The channel's state changed.
    fn on_status(&self, status: ChannelStatus);
    /// A PIN arrived and is stored.
    fn on_pin(&self, pin: ReceivedPin);
}

const FIRST_RETRY: Duration = Duration::from_secs(1);
const LONGEST_RETRY: Duration = Duration::from_secs(30);
/// While connected, the states of live PINs are refreshed this often, so a PIN used
/// on the portal shows as used.
const STATE_REFRESH: Duration = Duration::from_secs(10);

fn spawn(task: impl std::future::Future<Output = ()> + Send + 'static) -> CoreResult<TaskHandle> {
    let runtime = tokio::runtime::Handle::try_current()
        .map_err(|_| CoreError::Protocol("no async runtime".into()))?;
    Ok(TaskHandle(runtime.spawn(task).abort_handle()))
}

impl Device {
    /// Starts the screen ticker.
    pub fn subscribe_screen(&self, listener: Arc<dyn ScreenListener>) -> CoreResult<TaskHandle> {
        let device = self.clone();
        let mut changes = self.changes();
        spawn(async move {
            loop {
                let Ok(screen) = device.screen() else { break };
                let wait = (screen.next_refresh_at - device.now()).to_std().unwrap_or_default();
                listener.on_screen(screen);
                tokio::select! {
                    () = tokio::time::sleep(wait) => {}
                    changed = changes.changed() => if changed.is_err() { break },
                }
            }
        })
    }

    /// Opens the direct channel for an unlocked citizen and keeps it open: PINs
    /// arrive at once, anything missed is pulled on every (re)connection, and the
    /// states of live PINs are refreshed every 10 s. Reconnects with growing waits;
    /// stops for good if the device was replaced.
    pub fn start_direct_channel(
        &self,
        document: &str,
        listener: Arc<dyn ChannelListener>,
    ) -> CoreResult<TaskHandle> {
        let document = Self::document(document)?;
        let device = self.clone();
        spawn(async move {
            let mut attempt: u32 = 0;
            loop {
                listener.on_status(ChannelStatus::Connecting);
                match device.run_channel_once(&document, listener.as_ref()).await {
                    Ok(()) => attempt = 0,
                    Err(CoreError::Locked) => return listener.on_status(ChannelStatus::Locked),
                    Err(CoreError::DeviceReplaced) => {
                        let _ = device.store().mark_replaced(&document);
                        device.notify_changed();
                        return listener.on_status(ChannelStatus::Replaced);
                    }
                    Err(_) => {}
                }
                attempt += 1;
                let wait = FIRST_RETRY.saturating_mul(1 << attempt.min(5)).min(LONGEST_RETRY);
                listener.on_status(ChannelStatus::Reconnecting {
                    attempt,
                    retry_in_secs: wait.as_secs() as u32,
                });
                tokio::time::sleep(wait).await;
            }
        })
    }

    /// One connection: returns when it drops.
    async fn run_channel_once(
        &self,
        document: &clavepin_protocol::DocumentNumber,
        listener: &dyn ChannelListener,
    ) -> CoreResult<()> {
        let session = self.session(document)?;
        let mut stream = self.client().events(session.signer()).await?;
        listener.on_status(ChannelStatus::Connected);
        let citizen = self.store().citizen(document)?.ok_or(CoreError::UnknownCitizen)?;
        for pin in self.pull(document.as_str()).await? {
            listener.on_pin(pin);
        }
        let mut refresh = tokio::time::interval(STATE_REFRESH);
        loop {
            tokio::select! {
                event = stream.next() => match event? {
                    Some(event) if event.event == "pin" => {
                        let Ok(pending) = serde_json::from_str::<PendingPin>(&event.data) else { continue };
                        match self.store_pending(&citizen, &pending) {
                            Ok(Some(pin)) => {
                                self.acknowledge_if_unlocked(document, &pin.request_id).await;
                                listener.on_pin(pin);
                            }
                            Ok(None) | Err(CoreError::TamperedPush | CoreError::ForeignPush) => {}
                            Err(e) => return Err(e),
                        }
                    }
                    Some(_) => {
                        for pin in self.pull(document.as_str()).await? {
                            listener.on_pin(pin);
                        }
                    }
                    None => return Ok(()),
                },
                _ = refresh.tick() => {
                    if let Err(e @ CoreError::DeviceReplaced) = self.refresh_states(document.as_str()).await {
                        return Err(e);
                    }
                }
            }
        }
    }
}

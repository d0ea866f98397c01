//! The direct channel: a server-sent event stream from the service, kept open while
//! a citizen is unlocked. PINs arrive at once; anything missed is pulled on every
//! (re)connection; the states of live PINs are refreshed every 10 s. A connection
//! silent for longer than the silence limit (the service sends a keep-alive every
//! 15 s) is dead even if no one said so — a Wi-Fi to mobile switch — and is replaced.
//! Reconnection waits grow from 1 s to 30 s with jitter, so phones that lost the
//! service together do not return together.

use std::sync::Arc;
use std::time::Duration;

use clavepin_protocol::DocumentNumber;
use clavepin_protocol::wire::PendingPin;
use ring::rand::SecureRandom;

use super::{TaskHandle, spawn};
use crate::device::{Device, ReceivedPin};
use crate::error::{CoreError, CoreResult};

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
        /// Seconds until the next (rounded up).
        retry_in_secs: u32,
    },
    /// The citizen is locked: the channel stopped and needs the pattern. Final.
    Locked,
    /// Another device was activated for the citizen: the channel stopped. Final.
    Replaced,
    /// This device was removed for the citizen: the channel stopped. Final.
    Removed,
}

/// Hears from the direct channel.
pub trait ChannelListener: Send + Sync {
    /// The channel's state changed.
    fn on_status(&self, status: ChannelStatus);
    /// A PIN arrived and is stored.
    fn on_pin(&self, pin: ReceivedPin);
    /// A connection failed or dropped with this error; a `Reconnecting` follows.
    fn on_error(&self, error: &CoreError);
}

const FIRST_RETRY: Duration = Duration::from_secs(1);
const LONGEST_RETRY: Duration = Duration::from_secs(30);
/// While connected, the states of live PINs are refreshed this often, so a PIN used
/// on the portal shows as used.
const STATE_REFRESH: Duration = Duration::from_secs(10);
/// A connection that held this long resets the reconnection waits.
const STEADY_AFTER: Duration = Duration::from_secs(10);

/// The wait before reconnection attempt `attempt` (1-based): exponential, capped, and
/// "equal jitter" — uniformly between half and all of it.
pub(crate) fn retry_wait(attempt: u32, random: u32) -> Duration {
    let full = FIRST_RETRY.saturating_mul(1 << attempt.saturating_sub(1).min(5)).min(LONGEST_RETRY);
    let half = full / 2;
    let fraction = f64::from(random) / f64::from(u32::MAX);
    half + half.mul_f64(fraction)
}

fn random_u32() -> u32 {
    let mut bytes = [0u8; 4];
    let _ = ring::rand::SystemRandom::new().fill(&mut bytes);
    u32::from_le_bytes(bytes)
}

impl Device {
    /// Opens the direct channel for an unlocked citizen and keeps it open until
    /// cancelled, or until the citizen is locked, replaced or removed.
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
                match device.run_channel_once(&document, listener.as_ref(), &mut attempt).await {
                    Ok(()) => {}
                    Err(CoreError::Locked) => return listener.on_status(ChannelStatus::Locked),
                    Err(CoreError::DeviceReplaced) => {
                        return listener.on_status(ChannelStatus::Replaced);
                    }
                    Err(CoreError::DeviceRemoved) => {
                        return listener.on_status(ChannelStatus::Removed);
                    }
                    Err(e) => listener.on_error(&e),
                }
                attempt += 1;
                let wait = retry_wait(attempt, random_u32());
                let retry_in_secs = u32::try_from(wait.as_millis().div_ceil(1000)).unwrap_or(30);
                listener.on_status(ChannelStatus::Reconnecting { attempt, retry_in_secs });
                tokio::time::sleep(wait).await;
            }
        })
    }

    /// The citizen's session, or why the channel must end: locked, or removed from
    /// this device (which no lock will undo).
    fn channel_session(
        &self,
        document: &DocumentNumber,
    ) -> CoreResult<std::sync::Arc<crate::device::Session>> {
        match self.session(document) {
            Err(CoreError::Locked) if self.store().citizen(document)?.is_none() => {
                Err(CoreError::DeviceRemoved)
            }
            other => other,
        }
    }

    /// A catch-up pull, bounded by the silence limit: on a network that died it must
    /// not hold the channel for a whole request timeout.
    async fn pull_within_silence(&self, document: &DocumentNumber) -> CoreResult<Vec<ReceivedPin>> {
        tokio::time::timeout(self.channel_silence_limit(), self.pull(document.as_str()))
            .await
            .map_err(|_| CoreError::Offline("the connection fell silent".into()))?
    }

    /// One connection: returns when it drops. `attempt` restarts once it held.
    async fn run_channel_once(
        &self,
        document: &DocumentNumber,
        listener: &dyn ChannelListener,
        attempt: &mut u32,
    ) -> CoreResult<()> {
        // Watching from before the session is read, so a lock at any later point is seen.
        let mut changes = self.changes();
        let session = self.channel_session(document)?;
        let opened = self.client().events(session.signer(), self.channel_silence_limit()).await;
        let mut stream = opened.map_err(|e| self.learn_replacement(document, e.into()))?;
        listener.on_status(ChannelStatus::Connected);
        // The waits start again from 1 s only once a connection has held a while: a
        // service that accepts and drops at once must not be hammered every second.
        let steady = tokio::time::sleep(STEADY_AFTER);
        tokio::pin!(steady);
        let mut held = false;
        let citizen = self.store().citizen(document)?.ok_or(CoreError::UnknownCitizen)?;
        for pin in self.pull_within_silence(document).await? {
            listener.on_pin(pin);
        }
        // The first refresh comes a period after connecting: the pull above just synced.
        let mut refresh =
            tokio::time::interval_at(tokio::time::Instant::now() + STATE_REFRESH, STATE_REFRESH);
        loop {
            tokio::select! {
                // Locking ends the channel at once: it must not go on receiving for a
                // citizen who needs the pattern again.
                _ = changes.changed() => {
                    self.channel_session(document)?;
                }
                () = &mut steady, if !held => {
                    held = true;
                    *attempt = 0;
                }
                event = stream.next() => match event? {
                    Some(event) if event.event == "pin" => {
                        let Ok(pending) = serde_json::from_str::<PendingPin>(&event.data) else { continue };
                        match self.store_pending(&citizen, &pending) {
                            Ok(Some(pin)) => {
                                // Bounded too; an acknowledgement that does not go now goes with
                                // the next pull.
                                let ack = self.acknowledge_if_unlocked(document, &pin.request_id);
                                let _ = tokio::time::timeout(self.channel_silence_limit(), ack).await;
                                listener.on_pin(pin);
                            }
                            Ok(None)
                            | Err(CoreError::TamperedPush | CoreError::ForeignPush | CoreError::MalformedPush | CoreError::PinNotLive { .. }) => {}
                            Err(e) => return Err(e),
                        }
                    }
                    Some(_) => {
                        for pin in self.pull_within_silence(document).await? {
                            listener.on_pin(pin);
                        }
                    }
                    None => return Ok(()),
                },
                _ = refresh.tick() => {
                    // Bounded by the silence limit: a refresh stuck on a dead network must
                    // not keep the channel from noticing that it is dead.
                    let refreshed =
                        tokio::time::timeout(self.channel_silence_limit(), self.refresh_states(document.as_str())).await;
                    match refreshed {
                        Err(_) => return Err(CoreError::Offline("the connection fell silent".into())),
                        Ok(Err(e @ (CoreError::Locked | CoreError::DeviceReplaced | CoreError::DeviceRemoved))) => {
                            return Err(e);
                        }
                        Ok(_) => {}
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn waits_grow_to_thirty_seconds_with_jitter_between_half_and_all() {
        let lowest: Vec<u64> = (1..=8).map(|a| retry_wait(a, 0).as_millis() as u64).collect();
        let highest: Vec<u64> =
            (1..=8).map(|a| retry_wait(a, u32::MAX).as_millis() as u64).collect();
        assert_eq!(lowest, [500, 1000, 2000, 4000, 8000, 15000, 15000, 15000]);
        assert_eq!(highest, [1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000]);
    }
}

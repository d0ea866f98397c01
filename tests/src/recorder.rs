//! A listener for the screen ticker and the direct channel that keeps everything it
//! hears, so a test can wait for what the citizen would see.

use std::sync::Mutex;
use std::time::Duration;

use clavepin_core::{
    ChannelListener, ChannelStatus, CoreError, ReceivedPin, ScreenListener, ScreenModel,
};

/// Everything heard, in order.
#[derive(Debug, Default)]
pub struct Recorder {
    /// Channel statuses.
    pub statuses: Mutex<Vec<ChannelStatus>>,
    /// PINs from the channel.
    pub pins: Mutex<Vec<ReceivedPin>>,
    /// Screens from the ticker.
    pub screens: Mutex<Vec<ScreenModel>>,
    /// Errors from either, as text.
    pub errors: Mutex<Vec<String>>,
}

impl ChannelListener for Recorder {
    fn on_status(&self, status: ChannelStatus) {
        self.statuses.lock().unwrap().push(status);
    }
    fn on_pin(&self, pin: ReceivedPin) {
        self.pins.lock().unwrap().push(pin);
    }
    fn on_error(&self, error: &CoreError) {
        self.errors.lock().unwrap().push(error.to_string());
    }
}

impl ScreenListener for Recorder {
    fn on_screen(&self, screen: ScreenModel) {
        self.screens.lock().unwrap().push(screen);
    }
    fn on_error(&self, error: &CoreError) {
        self.errors.lock().unwrap().push(error.to_string());
    }
}

impl Recorder {
    /// Waits until `done` holds, at most 10 s (a reconnection's backoff included).
    pub async fn wait_for(&self, what: &str, done: impl Fn(&Recorder) -> bool) {
        self.wait_within(what, Duration::from_secs(10), done).await;
    }

    /// Waits at most 3 s: well before the screen's 10-s tick, so what arrives came
    /// from a change, not from the clock.
    pub async fn wait_briefly(&self, what: &str, done: impl Fn(&Recorder) -> bool) {
        self.wait_within(what, Duration::from_secs(3), done).await;
    }

    async fn wait_within(&self, what: &str, limit: Duration, done: impl Fn(&Recorder) -> bool) {
        let step = Duration::from_millis(25);
        for _ in 0..limit.as_millis() / step.as_millis() {
            if done(self) {
                return;
            }
            tokio::time::sleep(step).await;
        }
        panic!("timed out waiting for {what}: {:?}", self.statuses.lock().unwrap());
    }

    /// The channel's last status.
    pub fn last_status(&self) -> Option<ChannelStatus> {
        self.statuses.lock().unwrap().last().cloned()
    }

    /// Whether the channel is connected now.
    pub fn connected(&self) -> bool {
        self.last_status() == Some(ChannelStatus::Connected)
    }

    /// Whether the last screen shows a PIN (`None` before any screen).
    pub fn pin_shown(&self) -> Option<bool> {
        self.screens
            .lock()
            .unwrap()
            .last()
            .map(|s| s.latest.as_ref().is_some_and(|l| l.pin.is_some()))
    }
}

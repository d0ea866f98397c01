//! The screen ticker: the screen model at once, every 10 seconds (aligned to the PIN's
//! expiry), and at once whenever what it shows changes — a PIN arrives, changes state
//! or expires, a citizen is unlocked, locked, removed, wiped or replaced.

use std::sync::Arc;

use super::{TaskHandle, spawn};
use crate::countdown::REFRESH_INTERVAL;
use crate::device::Device;
use crate::error::{CoreError, CoreResult};
use crate::screen::ScreenModel;

/// Receives the screen model.
pub trait ScreenListener: Send + Sync {
    /// The screen to show now.
    fn on_screen(&self, screen: ScreenModel);
    /// The screen could not be read (the store failed). The ticker goes on and tries
    /// again at the next change or in 10 s.
    fn on_error(&self, error: &CoreError);
}

impl Device {
    /// Starts the screen ticker.
    pub fn subscribe_screen(&self, listener: Arc<dyn ScreenListener>) -> CoreResult<TaskHandle> {
        let device = self.clone();
        let mut changes = self.changes();
        spawn(async move {
            loop {
                changes.mark_unchanged();
                let wait = match device.screen() {
                    Ok(screen) => {
                        let wait = screen.next_refresh_at - device.now();
                        listener.on_screen(screen);
                        wait.to_std().unwrap_or_default()
                    }
                    Err(e) => {
                        listener.on_error(&e);
                        REFRESH_INTERVAL.to_std().unwrap_or_default()
                    }
                };
                tokio::select! {
                    () = tokio::time::sleep(wait) => {}
                    changed = changes.changed() => if changed.is_err() { break },
                }
            }
        })
    }
}

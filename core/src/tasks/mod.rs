//! Background work the core runs for the shells: the screen ticker (`screen.rs`) and
//! the direct channel (`channel.rs`). Subscribing returns a [`TaskHandle`]; cancelling
//! or dropping it stops the task (matrix-rust-sdk's pattern). Listeners are called
//! from the task, never while the core holds a lock, so they may call back into the
//! core; they hear about errors too, and a task stops only when told to or when its
//! end is final (locked, replaced, removed).

mod channel;
mod screen;

pub use channel::{ChannelListener, ChannelStatus};
pub use screen::ScreenListener;

use crate::error::{CoreError, CoreResult};

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

fn spawn(task: impl std::future::Future<Output = ()> + Send + 'static) -> CoreResult<TaskHandle> {
    let runtime = tokio::runtime::Handle::try_current().map_err(|_| CoreError::NoRuntime)?;
    Ok(TaskHandle(runtime.spawn(task).abort_handle()))
}

//! The ClavePIN mobile core.
//!
//! Everything the Android and iPhone apps (and the desktop companion) decide lives
//! here, in plain Rust: no FFI, no platform code. What the platform provides (key
//! store, clipboard, listeners) comes in through traits; `clavepin-ffi` adapts them
//! to uniffi callback interfaces.

pub mod client;
pub mod clipboard;
pub mod countdown;
pub mod device;
pub mod error;
pub mod i18n;
pub mod notification;
pub mod pattern;
pub mod screen;
pub mod store;
pub mod tasks;

pub use clipboard::{Clipboard, ClipboardContent};
pub use countdown::Countdown;
pub use device::DeviceDescription;
pub use device::{ActivationProgress, CHANNEL_SILENCE_LIMIT, CitizenSummary, Device, DeviceConfig};
pub use device::{PushOutcome, PushTokenReport, ReceivedPin, SignInToApprove};
pub use error::{CoreError, CoreResult};
pub use i18n::{Locale, explain};
pub use notification::NotificationContent;
pub use pattern::Pattern;
pub use screen::{CitizenScreen, PinView, ScreenModel};
pub use tasks::{ChannelListener, ChannelStatus, ScreenListener, TaskHandle};

#[cfg(feature = "uniffi")]
uniffi::setup_scaffolding!("clavepin_core");

#[cfg(feature = "uniffi")]
use clavepin_protocol::Timestamp;
#[cfg(feature = "uniffi")]
uniffi::use_remote_type!(clavepin_protocol::Timestamp);

//! The uniffi surface of ClavePIN: a thin translation of `clavepin-core` for the
//! Kotlin and Swift shells. Records and enums are derived where they are defined (in
//! `clavepin-core` and `clavepin-protocol`, behind their `uniffi` feature); this crate
//! adds the exported functions and objects, and maps errors once, here.

mod countdown;
mod device;
mod errors;
mod identity;
mod platform;
mod recovery;

pub use countdown::*;
pub use device::*;
pub use errors::*;
pub use identity::*;
pub use platform::{ChannelObserver, PlatformKeyStore, ScreenObserver};
pub use recovery::set_aside_lost_store;

uniffi::setup_scaffolding!("clavepin_ffi");

use clavepin_protocol::Timestamp;
uniffi::use_remote_type!(clavepin_protocol::Timestamp);

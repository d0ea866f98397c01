//! The core, through its public API, against the real service on loopback.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod activation;
mod app;
mod approvals;
mod clock;
mod network;
mod pins;
mod tls;
mod unlocking;

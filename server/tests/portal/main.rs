//! The portal's pages in a real browser: the service in-process on 127.0.0.1, a real
//! device (the core) holding the citizen's PINs, and headless Chromium driven over
//! WebDriver through "Access with Cl@ve PIN" in Spanish and in English. Screenshots
//! of every step go to `target/portal-screenshots/<lang>/`.
//!
//! Needs Debian's `chromium` and `chromium-driver` (scripts/install-prerequisites.sh);
//! without them the browser tests fail and say so.

// A panic in a test is a failed test, not a crash in a citizen's hands.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod approve_in_app;
mod http;
mod journey;
mod my_devices;
mod oidc;
#[path = "../common/postgres.rs"]
mod postgres;
mod relying_party;
mod sign_in_for_a_site;
mod support;
mod webdriver;

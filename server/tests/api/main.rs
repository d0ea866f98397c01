//! The service over real HTTP on loopback, with a clock the tests move.

// A panic in a test is a failed test, not a crash in a citizen's hands.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod activation;
mod approvals;
mod bruteforce;
mod control;
mod database;
mod delivery;
mod gateways;
mod instances;
mod limits;
mod operator;
mod outbox;
mod pins;
#[path = "../common/postgres.rs"]
mod postgres;
mod registration;
mod robustness;
mod signing;
mod support;

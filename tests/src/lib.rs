//! Shared helpers for the end-to-end tests: the real service started in-process on
//! loopback, driven by the core through its public API.

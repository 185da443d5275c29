//! Integration tests: the router on 127.0.0.1:0 driven by the real async-stripe client,
//! raw HTTP (reqwest) and a webhook receiver.

// Test helpers outside #[test] functions may unwrap too.
#![allow(clippy::unwrap_used)]

mod billing;
mod common;
mod fidelity;
mod webhooks;
mod wire;

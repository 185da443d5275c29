//! Integration tests: the router on 127.0.0.1:0 driven by the real async-stripe client,
//! raw HTTP (reqwest) and a webhook receiver.

// Test helpers outside #[test] functions may unwrap too.
#![allow(clippy::unwrap_used)]

mod accounts;
mod application_fees;
mod billing;
mod common;
mod disputes;
mod fidelity;
mod payouts;
mod shapes;
mod webhooks;
mod wire;

//! Incoming webhooks, one file per sender.

pub mod stripe;

#![recursion_limit = "256"]
//! The Aveli server: configuration, start-up, the REST API, health and
//! metrics. `main.rs` only parses the command line and calls into here.

pub mod api;
pub mod cli;
pub mod config;
pub mod health;
pub mod metrics;
pub mod origin;
pub mod startup;
pub mod telemetry;

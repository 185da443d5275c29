#![recursion_limit = "256"]
//! The Aveli server: configuration, start-up, the REST API, health and
//! metrics. `main.rs` only parses the command line and calls into here.

pub mod api;
pub mod attend;
pub mod cli;
pub mod config;
pub mod health;
pub mod metrics;
pub mod origin;
pub mod payments;
pub mod server_fn_input;
pub mod startup;
pub mod stripe_sim_process;
pub mod studio_connect;
pub mod telemetry;
pub mod test_clock;
pub mod webhooks;

//! The Stripe boundary. `gateway` owns every call to Stripe's API (the same
//! code talks to Stripe and to the simulator; only the base URL differs);
//! `signature` checks webhook signatures before anything is parsed.

pub mod gateway;
pub mod signature;

pub use gateway::{GatewayConfig, GatewayError, StripeGateway};

//! The Stripe boundary. `gateway` owns every call to Stripe's API (the same
//! code talks to Stripe and to the simulator; only the base URL differs);
//! `signature` checks webhook signatures before anything is parsed;
//! `connect` is teachers' Connect Express onboarding and its status mirror;
//! `products` the platform's Products and Prices; `test_payment` the studio's
//! simulated test charge.
//!
//! Owns the Connect columns of `teachers`. Calls only `accounts` and the
//! plumbing: booking and membership call it, never the other way round.

pub mod connect;
pub mod gateway;
pub mod payouts;
pub mod products;
pub mod signature;
pub mod test_payment;

pub use gateway::{GatewayConfig, GatewayError, StripeGateway};

//! Stripe's webhooks after the signature check: `inbox` stores each event
//! once and applies the stored events in order, with retries; `dispatch`
//! routes one event by type to the domain that applies it
//! (`booking::payment_events`, `membership::events`, `payments::connect`,
//! `booking::refunds`).
//!
//! Owns `stripe_events`. It sits above the domains it routes to, so none of
//! them calls it; what they report back (an event that arrived too early) is
//! `crate::backend::error::TooEarly`.

pub mod dispatch;
pub mod inbox;

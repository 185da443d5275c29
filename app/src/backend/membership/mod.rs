//! Membership on Stripe Billing: the subscription service (`subscriptions`)
//! and the subscription and invoice events that keep it current (`events`).
//!
//! Owns `memberships`. Calls `accounts`, `payments` (gateway and products)
//! and `mail`. `webhooks` dispatches into `events`.

pub mod events;
pub mod subscriptions;

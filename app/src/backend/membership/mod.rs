//! Membership on Stripe Billing: the subscription service (`subscriptions`),
//! the subscription and invoice events that keep it current (`events`), and
//! the user's Stripe Customer, whose email follows the account's
//! (`customers`).
//!
//! Owns `memberships` and `users.stripe_customer_id`. Calls `accounts`,
//! `payments` (gateway and products) and `mail`. `webhooks` dispatches into
//! `events`.

pub mod customers;
pub mod events;
pub mod subscriptions;

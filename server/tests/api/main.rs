//! Integration tests: the real server on port 0, against a fresh SQLite file
//! and a fresh PostgreSQL database per test. Every test runs on both.

mod helpers;

mod account_control;
mod accounts;
mod admin;
mod admin_system;
mod attendance;
mod checkout;
mod connect;
mod courses;
mod membership;
mod moon;
mod operations;
mod pages;
mod payouts;
mod sessions;
mod stripe_gateway;
mod webhooks;

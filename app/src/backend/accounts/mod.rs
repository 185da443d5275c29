//! Accounts: who a person is and how they prove it — sign-up and login
//! (`users`), login sessions (`auth_session`) and the devices they are on
//! (`devices`), password hashing (`password`), failed-login throttling
//! (`rate_limit`), the teacher role (`teachers`), the account page's
//! summary (`overview`); and what a person runs
//! themselves: one-use links by email (`email_links`) for a forgotten
//! password (`recovery`) and the email address (`email_change`), the
//! profile and password (`profile`), their data (`export`) and the
//! deletion of the account (`deletion`).
//!
//! Owns the tables `users`, `teachers` (its existence and role, not its
//! Connect mirror), `auth_sessions`, `login_attempts`, `account_tokens`.
//! Calls the plumbing at the top of `backend` and `mail` (to queue its
//! emails): every other domain may call it. (The Stripe Customer's copy of
//! a changed address is `membership::customers`' job.)

pub mod auth_session;
pub mod deletion;
pub mod devices;
pub mod email_change;
pub mod email_links;
pub mod export;
pub mod overview;
pub mod password;
pub mod profile;
pub mod rate_limit;
pub mod recovery;
pub mod teachers;
pub mod users;

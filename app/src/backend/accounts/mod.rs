//! Accounts: who a person is and how they prove it — sign-up and login
//! (`users`), login sessions (`auth_session`), password hashing
//! (`password`), failed-login throttling (`rate_limit`), and the teacher role
//! (`teachers`).
//!
//! Owns the tables `users`, `teachers` (its existence and role, not its
//! Connect mirror), `auth_sessions`, `login_attempts`. Calls only the
//! plumbing at the top of `backend`: every other domain may call it.

pub mod auth_session;
pub mod password;
pub mod rate_limit;
pub mod teachers;
pub mod users;

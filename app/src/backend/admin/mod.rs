//! The platform's console: what users with `is_admin` may see and do.
//! Every action is checked by [`access::require_admin`] (anyone else is told
//! the thing does not exist) and leaves one row in the audit trail.
//!
//! Depends on accounts (who is an admin), booking (seats), payments (Stripe)
//! and mail (the student's refund email); nothing depends on it.

pub mod access;
pub mod audit;
pub mod disputes;
pub mod orders;
pub mod refunds;
pub mod system;
pub mod teachers;

pub use access::AdminError;

//! Server-only services. Server functions (`crate::api`) and the REST API
//! (`server::api`) are thin: both call these, so each rule exists once.

pub mod accounts;
pub mod auth_session;
pub mod catalog;
pub mod checkout;
pub mod connect;
pub mod course_checkout;
pub mod courses;
pub mod db;
pub mod demo;
pub mod emails;
pub mod error;
pub mod holds;
pub mod ics;
pub mod mailer;
pub mod membership;
pub mod membership_events;
pub mod order_payment;
pub mod orders;
pub mod outbox;
pub mod password;
pub mod payment_events;
pub mod rate_limit;
pub mod receipts;
pub mod recording_access;
pub mod refunds;
pub mod request;
pub mod seats;
pub mod sessions;
pub mod slots;
pub mod state;
pub mod stripe;
pub mod test_payment;
pub mod webhooks;

pub use db::Db;
pub use request::RequestContext;
pub use state::AppState;

/// Now, as unix seconds (UTC): the one clock of the data layer.
pub fn now() -> i64 {
    chrono::Utc::now().timestamp()
}

/// A new primary key: UUIDv7, so keys sort by creation time.
pub fn new_id() -> String {
    uuid::Uuid::now_v7().to_string()
}

//! Server-only services. Server functions (`crate::api`) and the REST API
//! (`server::api`) are thin: both call these, so each rule exists once.

// The domains. Dependencies point one way:
// webhooks → booking, membership → catalog → payments → accounts;
// attendance → catalog, accounts; admin → booking, payments, accounts, mail
// (nothing calls admin);
// booking and membership also call payments and mail; mail calls only the plumbing.
pub mod accounts;
pub mod admin;
pub mod attendance;
pub mod booking;
pub mod catalog;
pub mod mail;
pub mod membership;
pub mod payments;
pub mod webhooks;

// The plumbing every domain may use.
pub mod clock;
pub mod db;
pub mod demo;
pub mod error;
pub mod links;
pub mod request;
pub mod state;

pub use clock::Clock;
pub use db::Db;
pub use request::RequestContext;
pub use state::AppState;

/// A new primary key: UUIDv7, so keys sort by creation time.
pub fn new_id() -> String {
    uuid::Uuid::now_v7().to_string()
}

//! Types shared by the server and the browser. Parsing happens here, once:
//! a value of one of these types is valid by construction.

pub mod account;
pub mod admin;
pub mod calendar;
pub mod course;
pub mod error;
pub mod join;
pub mod locale;
pub mod membership;
pub mod moon;
pub mod order;
pub mod payouts;
pub mod session;
pub mod text;

pub use account::{DisplayName, Email, Password, User};
pub use error::{AppError, ErrorCode};
pub use locale::Locale;

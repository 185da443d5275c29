//! Email: the outbox (`outbox`, written in the caller's transaction and
//! delivered by a worker), delivery (`mailer`: SMTP or `.eml` files), the
//! texts (`emails`; the account's own in `account_emails`), iCalendar
//! invitations (`invitations`) and the booking emails built from them
//! (`receipts`). `message` holds the email types the
//! outbox stores and the mailer sends.
//!
//! Owns `outbox`. Calls only the plumbing: any domain may queue an email.

pub mod account_emails;
pub mod emails;
pub mod invitations;
pub mod mailer;
pub mod message;
pub mod outbox;
pub mod receipts;

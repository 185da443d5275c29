//! The two shapes of an email: what a domain queues (`OutgoingEmail`) and
//! what the outbox worker claimed and hands to the mailer (`StoredEmail`).
//! Here rather than in `outbox` so that the mailer needs nothing of the outbox.

/// An email to queue. `recipient` is exactly one address.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutgoingEmail {
    /// What the email is about, e.g. `booking_receipt`, `slot_cancelled`.
    pub kind: &'static str,
    pub recipient: String,
    pub subject: String,
    pub body_text: String,
    pub body_html: Option<String>,
    /// The recipient's own .ics invitation (or cancellation).
    pub ics: Option<String>,
    /// Derived from what the email is about (e.g. `receipt:{order_id}`).
    pub dedupe_key: String,
}

/// A queued email as the worker claimed it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredEmail {
    pub id: String,
    pub kind: String,
    pub recipient: String,
    pub subject: String,
    pub body_text: String,
    pub body_html: Option<String>,
    pub ics: Option<String>,
    /// Attempts so far, this one included.
    pub attempts: i64,
}

use std::sync::Arc;

use crate::backend::payments::signature::WebhookSecrets;
use crate::backend::payments::StripeGateway;
use crate::backend::{Clock, Db};
use secrecy::SecretString;

/// What every request handler and server function can reach: the database,
/// the payments gateway and the settings the services need. Cheap to clone.
#[derive(Clone, Debug)]
pub struct AppState {
    pub db: Db,
    /// The one clock every rule reads (the system clock in production).
    pub clock: Clock,
    pub stripe: StripeGateway,
    pub settings: Arc<Settings>,
    /// The membership's Price id once looked up by its lookup key (when
    /// `STRIPE_MEMBERSHIP_PRICE_ID` is unset): one Stripe call per process.
    pub membership_price: Arc<tokio::sync::OnceCell<String>>,
    /// Wakes this instance's webhook inbox worker when an event was stored.
    pub webhook_inbox: Arc<tokio::sync::Notify>,
}

/// The part of the configuration the backend services read.
#[derive(Clone, Debug)]
pub struct Settings {
    /// How long a login lasts.
    pub session_ttl_secs: i64,
    /// Set the `Secure` flag on cookies (the public URL is https).
    pub secure_cookies: bool,
    /// Payments are simulated (no Stripe keys configured).
    pub stripe_simulated: bool,
    /// The origin people reach the site at, for links Stripe sends them back to.
    pub public_url: String,
    /// Where the page loads Stripe.js from (js.stripe.com, or the simulator's stand-in).
    pub stripe_js_url: String,
    /// The secrets incoming webhooks are signed with.
    pub webhook_secrets: WebhookSecrets,
    /// How long a checkout holds a seat.
    pub hold_secs: i64,
    /// A student may cancel for a refund until this long before the start.
    pub cancellation_window_secs: i64,
    /// What card statements show after the platform's name.
    pub statement_descriptor_suffix: String,
    /// `STRIPE_MEMBERSHIP_PRICE_ID`; unset, the catalogue's price is used
    /// (created on demand: the simulator's case).
    pub membership_price_id: Option<String>,
    /// `MEMBERSHIP_TRIAL_DAYS`: free days before a first-time member's first
    /// charge (0 = none); the card is collected by the trial's SetupIntent.
    pub membership_trial_days: u32,
    /// `RECONCILE_EVERY_SECONDS`: how often the reconciliation runs.
    pub reconcile_every_secs: u64,
    /// `RECONCILE_GRACE_SECONDS`: an order younger than this is left to its webhooks.
    pub reconcile_grace_secs: i64,
    /// `LINK_SECRET`: signs the links that work without signing in (`links`).
    pub link_secret: SecretString,
    /// `JOIN_OPENS_MINUTES`: how long before the start a join link opens.
    pub join_opens_minutes: i64,
    /// `REMINDER_HOURS`: how many hours before the start reminders go out.
    pub reminder_hours: Vec<u32>,
}

impl AppState {
    pub fn new(db: Db, clock: Clock, stripe: StripeGateway, settings: Settings) -> AppState {
        AppState {
            db,
            clock,
            stripe,
            settings: Arc::new(settings),
            membership_price: Arc::default(),
            webhook_inbox: Arc::default(),
        }
    }
}

#[cfg(test)]
pub mod tests {
    use super::*;

    /// Settings for unit tests that need some.
    pub fn settings() -> Settings {
        Settings {
            session_ttl_secs: 3_600,
            secure_cookies: false,
            stripe_simulated: true,
            public_url: "http://aveli.test".into(),
            stripe_js_url: String::new(),
            webhook_secrets: WebhookSecrets {
                platform: "whsec_test".to_owned().into(),
                connect: None,
            },
            hold_secs: 900,
            cancellation_window_secs: 86_400,
            statement_descriptor_suffix: "AVELI".into(),
            membership_price_id: None,
            membership_trial_days: 0,
            reconcile_every_secs: 300,
            reconcile_grace_secs: 600,
            link_secret: "a test secret".to_owned().into(),
            join_opens_minutes: 15,
            reminder_hours: vec![24, 1],
        }
    }
}

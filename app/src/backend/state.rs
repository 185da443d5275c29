use std::sync::Arc;

use crate::backend::Db;

/// What every request handler and server function can reach: the database
/// and the settings the services need. Cheap to clone.
#[derive(Clone, Debug)]
pub struct AppState {
    pub db: Db,
    pub settings: Arc<Settings>,
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
}

impl AppState {
    pub fn new(db: Db, settings: Settings) -> AppState {
        AppState {
            db,
            settings: Arc::new(settings),
        }
    }
}

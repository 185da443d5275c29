//! A Stripe simulator: the subset of Stripe's REST API that Aveli uses (form-encoded requests,
//! Stripe-shaped JSON objects and errors, idempotency keys), hosted pages (Connect onboarding,
//! PayPal/Klarna redirects), a Stripe.js stand-in and signed webhooks delivered in the background.
//!
//! Mount [`router`] under a prefix (e.g. `/_sim/stripe`) and point async-stripe at it.

#![recursion_limit = "256"]

mod accounts;
mod api;
mod application_fees;
mod auth;
mod billing;
mod charges;
mod clock;
mod customers;
mod disputes;
pub mod error;
mod events;
mod faults;
pub mod form;
mod hosted;
mod idempotency;
mod ids;
mod ledger;
mod lists;
mod login_links;
mod payment_intents;
mod payouts;
mod renewals;
mod setup_intents;
mod state;
mod test_helpers;
mod webhooks;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::routing::{any, get};
use axum::Router;
use serde_json::Value;

use crate::state::{lock, State};

pub use clock::SimClock;
pub use webhooks::{sign, Delivery};

/// The Stripe API version the simulator claims to speak (async-stripe 1.0.0-rc.10's pin).
pub const API_VERSION: &str = "2026-09-30.endive";

/// Configuration of a [`Simulator`].
#[derive(Debug, Clone)]
pub struct SimConfig {
    /// Absolute URL of the mount point, without a trailing slash
    /// (e.g. `http://127.0.0.1:3000/_sim/stripe`); used in hosted-page URLs.
    pub public_base: String,
    /// `sk_test_...`; API calls need `Authorization: Bearer <this>`.
    pub secret_key: String,
    /// `pk_test_...`; accepted with a matching client_secret on the browser endpoints.
    pub publishable_key: String,
    /// Where events are POSTed; `None` records events but delivers nothing.
    pub webhook_url: Option<String>,
    /// Platform endpoint secret (`whsec_...`).
    pub webhook_secret: String,
    /// Secret for events of connected accounts (events whose `account` is set).
    pub connect_webhook_secret: String,
    /// First retry delay after a failed delivery (doubles each time).
    pub webhook_retry_base: Duration,
    /// Delivery attempts of one event before it is given up, the first included.
    pub webhook_attempts: u32,
    /// The clock every simulator timestamp comes from; share the app's so that advancing the
    /// app's test clock moves the simulator too. [`SimClock::default`] is system time.
    pub clock: SimClock,
}

pub(crate) struct Inner {
    pub config: SimConfig,
    pub state: Mutex<State>,
    pub hub: webhooks::Hub,
}

/// The simulator: cheap to clone (shared state).
#[derive(Clone)]
pub struct Simulator {
    pub(crate) inner: Arc<Inner>,
}

impl Simulator {
    /// Creates a simulator. The webhook delivery task starts on the current tokio runtime if
    /// there is one, else with the first event emitted from inside a runtime.
    pub fn new(mut config: SimConfig) -> Self {
        while config.public_base.ends_with('/') {
            config.public_base.pop();
        }
        let hub = webhooks::Hub::new(&config);
        let state = State {
            clock: config.clock.clone(),
            ..State::default()
        };
        let sim = Self {
            inner: Arc::new(Inner {
                config,
                state: Mutex::new(state),
                hub,
            }),
        };
        sim.inner.hub.ensure_worker();
        sim
    }

    pub fn config(&self) -> &SimConfig {
        &self.inner.config
    }

    /// Re-creates a connected account that exists in our database (the simulator keeps nothing
    /// across restarts). Emits no event.
    pub fn restore_account(
        &self,
        id: &str,
        email: &str,
        charges_enabled: bool,
        payouts_enabled: bool,
        details_submitted: bool,
    ) {
        let account = accounts::restored(
            self.inner.config.clock.now(),
            id,
            email,
            charges_enabled,
            payouts_enabled,
            details_submitted,
        );
        lock(&self.inner.state)
            .accounts
            .insert(id.to_string(), account);
    }

    /// Every delivery attempt so far, in attempt order.
    pub fn deliveries(&self) -> Vec<Delivery> {
        self.inner.hub.deliveries()
    }

    /// All events emitted so far, oldest first.
    pub fn events(&self) -> Vec<Value> {
        lock(&self.inner.state).events.clone()
    }

    /// Whether every emitted event has been delivered (or given up on).
    pub fn webhooks_idle(&self) -> bool {
        self.inner.hub.queued() == 0
    }
}

/// The simulator's routes, with state applied. Mount it with `Router::nest`.
pub fn router(sim: Simulator) -> Router {
    Router::new()
        .route("/v1/{*rest}", any(api::handle))
        .route("/v3.js", get(hosted::v3_js))
        .route(
            "/connect/onboarding/{acct}",
            get(hosted::onboarding_page).post(hosted::onboarding_submit),
        )
        .route("/express/{acct}/{token}", get(login_links::dashboard_page))
        .route(
            "/redirect/{pi}",
            get(hosted::redirect_page).post(hosted::redirect_submit),
        )
        .route(
            "/3ds/{pi}",
            get(hosted::three_ds_page).post(hosted::three_ds_submit),
        )
        .with_state(sim)
}

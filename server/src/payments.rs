//! Chooses who the payments gateway talks to: Stripe, with the configured
//! keys, or the built-in simulator (DESIGN §6). Everything after this point
//! is the same code in both modes.

use std::net::SocketAddr;
use std::path::Path;
use std::time::Duration;

use anyhow::Context;
use app::backend::payments::signature::WebhookSecrets;
use app::backend::payments::{GatewayConfig, StripeGateway};
use app::backend::Clock;
use rand::distributions::Alphanumeric;
use rand::Rng;
use secrecy::{ExposeSecret, SecretString};

use crate::config::Config;

/// Stripe.js for the pinned API version (2026-09-30.endive).
pub const LIVE_STRIPE_JS: &str = "https://js.stripe.com/endive/stripe.js";
/// Where the simulator is mounted.
pub const SIM_MOUNT: &str = "/_sim/stripe";
/// The simulator's secret key (it accepts no other).
pub const SIM_SECRET_KEY: &str = "sk_test_aveli_simulated";
const SIM_PUBLISHABLE_KEY: &str = "pk_test_aveli_simulated";

pub struct Payments {
    pub gateway: StripeGateway,
    pub webhook_secrets: WebhookSecrets,
    pub stripe_js_url: String,
    /// Present when payments are simulated.
    pub simulator: Option<stripe_sim::Simulator>,
}

/// `addr` is where this server listens (the simulator calls our webhook
/// there); `public_url` is where browsers reach us.
/// `clock` is the app's: the simulator stamps its objects and webhook
/// signatures with the same (possibly moved) time.
pub fn build(
    config: &Config,
    addr: SocketAddr,
    public_url: &str,
    clock: &Clock,
) -> anyhow::Result<Payments> {
    let stripe = &config.stripe;
    match &stripe.secret_key {
        Some(secret_key) => {
            let mut gateway_config = GatewayConfig::new(
                secret_key.clone(),
                stripe.publishable_key.clone().unwrap_or_default(),
                stripe.api_base.clone(),
            );
            gateway_config.statement_descriptor_suffix = stripe.statement_descriptor_suffix.clone();
            let platform = stripe
                .webhook_secret
                .clone()
                .context("STRIPE_WEBHOOK_SECRET is required with STRIPE_SECRET_KEY")?;
            Ok(Payments {
                gateway: StripeGateway::new(gateway_config)?,
                webhook_secrets: WebhookSecrets {
                    platform,
                    connect: stripe.connect_webhook_secret.clone(),
                },
                stripe_js_url: LIVE_STRIPE_JS.into(),
                simulator: None,
            })
        }
        None => {
            let loopback = if addr.ip().is_unspecified() {
                SocketAddr::from(([127, 0, 0, 1], addr.port()))
            } else {
                addr
            };
            let webhook_secrets = simulator_secrets(config)?;
            if let Some(url) = &stripe.sim_url {
                // `server stripe-sim`, another process that every instance shares.
                let base = format!("{}{SIM_MOUNT}", url.trim_end_matches('/'));
                return Ok(Payments {
                    gateway: simulator_gateway(config, format!("{base}/"))?,
                    webhook_secrets,
                    stripe_js_url: format!("{base}/v3.js"),
                    simulator: None,
                });
            }
            let simulator = stripe_sim::Simulator::new(simulator_config(
                format!("{public_url}{SIM_MOUNT}"),
                Some(format!("http://{loopback}/webhooks/stripe")),
                &webhook_secrets,
                // Quick retries: the tests count on a given-up event taking 7.5 s.
                (Duration::from_millis(500), 5),
                stripe_sim::SimClock::shared(clock.offset_handle()),
            ));
            let api_base = stripe
                .api_base
                .clone()
                .unwrap_or_else(|| format!("http://{loopback}{SIM_MOUNT}/"));
            Ok(Payments {
                gateway: simulator_gateway(config, api_base)?,
                webhook_secrets,
                stripe_js_url: format!("{SIM_MOUNT}/v3.js"),
                simulator: Some(simulator),
            })
        }
    }
}

/// The gateway to a simulator at `api_base`, with the keys it accepts.
fn simulator_gateway(config: &Config, api_base: String) -> anyhow::Result<StripeGateway> {
    let mut gateway_config = GatewayConfig::new(
        SecretString::from(SIM_SECRET_KEY),
        SIM_PUBLISHABLE_KEY.into(),
        Some(api_base),
    );
    gateway_config.statement_descriptor_suffix = config.stripe.statement_descriptor_suffix.clone();
    Ok(StripeGateway::new(gateway_config)?)
}

/// A simulator's configuration: mounted at `public_base`, delivering
/// webhooks to `webhook_url`, retried `(first delay, attempts)`.
pub fn simulator_config(
    public_base: String,
    webhook_url: Option<String>,
    secrets: &WebhookSecrets,
    (retry_base, attempts): (Duration, u32),
    clock: stripe_sim::SimClock,
) -> stripe_sim::SimConfig {
    let platform = secrets.platform.expose_secret().to_owned();
    stripe_sim::SimConfig {
        public_base,
        secret_key: SIM_SECRET_KEY.into(),
        publishable_key: SIM_PUBLISHABLE_KEY.into(),
        webhook_url,
        connect_webhook_secret: secrets
            .connect
            .as_ref()
            .map_or_else(|| platform.clone(), |s| s.expose_secret().to_owned()),
        webhook_secret: platform,
        webhook_retry_base: retry_base,
        webhook_attempts: attempts,
        clock,
    }
}

/// The simulator's webhook secrets: `STRIPE_WEBHOOK_SECRET` (and the Connect
/// one) when set, else the one generated into the data directory, which the
/// app and a `server stripe-sim` started from the same folder share.
pub fn simulator_secrets(config: &Config) -> anyhow::Result<WebhookSecrets> {
    let platform = match &config.stripe.webhook_secret {
        Some(secret) => secret.clone(),
        None => simulator_secret(&config.data_dir)?,
    };
    let connect = config
        .stripe
        .connect_webhook_secret
        .clone()
        .unwrap_or_else(|| platform.clone());
    Ok(WebhookSecrets {
        platform,
        connect: Some(connect),
    })
}

/// The simulator's signing secret: generated once and kept in the data
/// directory, so `stripe listen`-style tools and restarts agree on it.
fn simulator_secret(data_dir: &Path) -> anyhow::Result<SecretString> {
    let path = data_dir.join("stripe-sim-webhook-secret");
    if let Ok(secret) = std::fs::read_to_string(&path) {
        let secret = secret.trim();
        if secret.starts_with("whsec_") {
            return Ok(SecretString::from(secret.to_owned()));
        }
    }
    let random: String = rand::thread_rng()
        .sample_iter(&Alphanumeric)
        .take(32)
        .map(char::from)
        .collect();
    let secret = format!("whsec_{random}");
    std::fs::create_dir_all(data_dir)
        .with_context(|| format!("cannot create the data directory {}", data_dir.display()))?;
    std::fs::write(&path, &secret).with_context(|| format!("cannot write {}", path.display()))?;
    Ok(SecretString::from(secret))
}

/// The gateway `server stripe-setup` uses: Stripe with the configured keys,
/// or the simulator of a running server named by `STRIPE_API_BASE`.
pub fn setup_gateway(config: &Config) -> anyhow::Result<StripeGateway> {
    let stripe = &config.stripe;
    let gateway_config = match (&stripe.secret_key, &stripe.api_base) {
        (Some(key), base) => GatewayConfig::new(
            key.clone(),
            stripe.publishable_key.clone().unwrap_or_default(),
            base.clone(),
        ),
        (None, Some(base)) => GatewayConfig::new(
            SecretString::from(SIM_SECRET_KEY),
            SIM_PUBLISHABLE_KEY.into(),
            Some(base.clone()),
        ),
        (None, None) => anyhow::bail!(
            "payments are simulated: the running server creates its membership price itself. \
             To set up a simulator anyway, point STRIPE_API_BASE at it \
             (e.g. http://127.0.0.1:3000/_sim/stripe/)"
        ),
    };
    Ok(StripeGateway::new(gateway_config)?)
}

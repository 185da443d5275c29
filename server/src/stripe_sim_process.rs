//! `server stripe-sim`: the Stripe simulator as a process of its own, so
//! that several app instances share it as they would share Stripe (start
//! each with `STRIPE_SIM_URL` set to its origin). Its state lives as long as
//! this process, through any app instance's restart. Webhooks are retried on
//! Stripe's live schedule, exponential back-off over about three days,
//! compressed by `--retry-compression` (1000: the first retry after 60 ms).
//! The browser endpoints answer other origins (CORS), since the pages are
//! served by the app instances.

use std::net::SocketAddr;
use std::time::Duration;

use anyhow::{bail, Context};
use axum::Router;
use tokio::net::TcpListener;
use tower_http::cors::CorsLayer;

use crate::config::Config;
use crate::payments::{simulator_config, simulator_secrets, SIM_MOUNT};
use crate::startup::shutdown_signal;

/// Stripe's first retry comes about a minute after a failure; with twelve
/// doublings the last is about 68 hours after the first attempt.
const STRIPE_FIRST_RETRY: Duration = Duration::from_secs(60);
const STRIPE_ATTEMPTS: u32 = 13;

pub const USAGE: &str = "server stripe-sim [--addr 127.0.0.1:12111] [--webhook-url URL] \
                         [--public-url URL] [--retry-compression N]";

#[derive(Debug, PartialEq, Eq)]
pub struct SimArgs {
    pub addr: SocketAddr,
    /// Where events are POSTed; unset, they are recorded and not delivered.
    pub webhook_url: Option<String>,
    /// Where browsers reach this process (hosted pages, v3.js); default the address.
    pub public_url: Option<String>,
    pub retry_compression: u32,
}

pub fn parse(words: &[&str]) -> anyhow::Result<SimArgs> {
    let mut args = SimArgs {
        addr: SocketAddr::from(([127, 0, 0, 1], 12111)),
        webhook_url: None,
        public_url: None,
        retry_compression: 1,
    };
    let mut rest = words.iter();
    while let Some(flag) = rest.next() {
        let Some(value) = rest.next() else {
            bail!("{flag} needs a value\nusage: {USAGE}");
        };
        match *flag {
            "--addr" => args.addr = value.parse().with_context(|| format!("--addr {value}"))?,
            "--webhook-url" => args.webhook_url = Some((*value).to_owned()),
            "--public-url" => args.public_url = Some(value.trim_end_matches('/').to_owned()),
            "--retry-compression" => {
                args.retry_compression =
                    value.parse().ok().filter(|n| *n >= 1).with_context(|| {
                        format!("--retry-compression {value}: a whole number ≥ 1")
                    })?
            }
            _ => bail!("unknown option {flag}\nusage: {USAGE}"),
        }
    }
    Ok(args)
}

/// Serves the simulator at `{addr}/_sim/stripe` until Ctrl-C / SIGTERM.
pub async fn serve(config: &Config, args: SimArgs) -> anyhow::Result<()> {
    let listener = TcpListener::bind(args.addr)
        .await
        .with_context(|| format!("cannot listen on {}", args.addr))?;
    let addr = listener.local_addr()?;
    let public = args
        .public_url
        .clone()
        .unwrap_or_else(|| format!("http://{addr}"));
    let router = router(config, &args, &public)?;
    tracing::info!(
        %addr,
        webhook_url = args.webhook_url.as_deref().unwrap_or("-"),
        "Stripe simulator is serving; set STRIPE_SIM_URL={public} on each app instance"
    );
    axum::serve(listener, router)
        .with_graceful_shutdown(shutdown_signal())
        .await?;
    Ok(())
}

/// The simulator's routes under `/_sim/stripe`, reached by browsers at `public`.
pub fn router(config: &Config, args: &SimArgs, public: &str) -> anyhow::Result<Router> {
    let retry = (STRIPE_FIRST_RETRY / args.retry_compression, STRIPE_ATTEMPTS);
    let simulator = stripe_sim::Simulator::new(simulator_config(
        format!("{public}{SIM_MOUNT}"),
        args.webhook_url.clone(),
        &simulator_secrets(config)?,
        retry,
        stripe_sim::SimClock::default(),
    ));
    Ok(Router::new()
        .nest_service(SIM_MOUNT, stripe_sim::router(simulator))
        .layer(CorsLayer::permissive()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_are_read_and_bad_ones_refused() {
        let args = parse(&[
            "--addr",
            "127.0.0.1:9",
            "--webhook-url",
            "http://a/webhooks/stripe",
            "--retry-compression",
            "1000",
        ])
        .expect("parses");
        assert_eq!(args.addr, SocketAddr::from(([127, 0, 0, 1], 9)));
        assert_eq!(
            args.webhook_url.as_deref(),
            Some("http://a/webhooks/stripe")
        );
        assert_eq!(args.retry_compression, 1000);
        assert_eq!(parse(&[]).expect("defaults").addr.port(), 12111);
        assert!(parse(&["--retry-compression", "0"]).is_err());
        assert!(parse(&["--addr"]).is_err());
        assert!(parse(&["--colour", "blue"]).is_err());
    }
}

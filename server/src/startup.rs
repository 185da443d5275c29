//! Builds the whole application from a `Config`. `main` and the integration
//! tests use this same function, so the tests run the real server.

use std::net::SocketAddr;
use std::path::Path;
use std::sync::OnceLock;
use std::time::Duration;

use anyhow::Context;
use axum::body::Body;
use axum::extract::FromRef;
use axum::http::{header, HeaderValue, Request};
use axum::routing::{get, post};
use axum::{middleware, Router};
use leptos::config::{Env, LeptosOptions};
use leptos::prelude::provide_context;
use leptos_axum::{generate_route_list, AxumRouteListing, LeptosRoutes};
use tokio::net::TcpListener;
use tower::ServiceBuilder;
use tower_http::compression::CompressionLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::services::ServeDir;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::TraceLayer;

use app::backend::mail::mailer::Mailer;
use app::backend::state::Settings;
use app::backend::{
    accounts::auth_session, attendance::join, attendance::reminders, booking::holds,
    booking::reconcile, mail::outbox, payments::connect, webhooks::inbox, AppState, Clock, Db,
};
use app::{shell, App};
use secrecy::ExposeSecret;

use crate::config::{AppEnv, Config};
use crate::origin::AllowedOrigin;
use crate::{
    api, attend, health, metrics, origin, payments, server_fn_input, studio_connect, test_clock,
    webhooks,
};

/// The router's state: what Leptos needs and what our handlers need.
#[derive(Clone)]
pub struct ServerState {
    pub leptos: LeptosOptions,
    pub app: AppState,
}

impl FromRef<ServerState> for LeptosOptions {
    fn from_ref(state: &ServerState) -> Self {
        state.leptos.clone()
    }
}

impl FromRef<ServerState> for AppState {
    fn from_ref(state: &ServerState) -> Self {
        state.app.clone()
    }
}

/// `LINK_SECRET`, or (outside production, where the config requires it) a
/// secret generated once into the data directory, so that links survive
/// restarts and instances started from one folder agree.
fn link_secret(config: &Config) -> anyhow::Result<secrecy::SecretString> {
    use rand::distributions::{Alphanumeric, DistString};
    if let Some(secret) = &config.link_secret {
        return Ok(secret.clone());
    }
    let path = config.data_dir.join("link-secret");
    if let Ok(secret) = std::fs::read_to_string(&path) {
        if secret.trim().len() >= 32 {
            return Ok(secret.trim().to_owned().into());
        }
    }
    let secret = Alphanumeric.sample_string(&mut rand::thread_rng(), 48);
    std::fs::create_dir_all(&config.data_dir).with_context(|| {
        format!(
            "cannot create the data directory {}",
            config.data_dir.display()
        )
    })?;
    std::fs::write(&path, &secret).with_context(|| format!("cannot write {}", path.display()))?;
    Ok(secret.into())
}

/// A bound, not yet serving, application.
pub struct Application {
    listener: TcpListener,
    router: Router,
    state: AppState,
    mailer: Mailer,
}

impl Application {
    /// Connects to (and creates, if needed) the database, migrates it (a
    /// failure stops the start) and binds the listener.
    pub async fn build(config: &Config) -> anyhow::Result<Application> {
        metrics::install();
        let db = Db::connect(&config.database_url).await?;
        db.migrate().await?;
        let listener = TcpListener::bind(config.site_addr)
            .await
            .with_context(|| format!("cannot listen on {}", config.site_addr))?;
        let addr = listener.local_addr()?;
        // With port 0 (tests) the public URL learns the real port only now.
        let public_url = match config.public_url.strip_suffix(":0") {
            Some(host) => format!("{host}:{}", addr.port()),
            None => config.public_url.clone(),
        };
        let clock = Clock::system();
        let payments = payments::build(config, addr, &public_url, &clock)?;
        let state = AppState::new(
            db,
            clock,
            payments.gateway,
            Settings {
                session_ttl_secs: config.session_ttl_days * 86_400,
                secure_cookies: config.secure_cookies(),
                stripe_simulated: config.stripe.simulated(),
                public_url,
                stripe_js_url: payments.stripe_js_url,
                webhook_secrets: payments.webhook_secrets,
                hold_secs: config.hold_minutes * 60,
                cancellation_window_secs: config.cancellation_window_hours * 3_600,
                statement_descriptor_suffix: config.stripe.statement_descriptor_suffix.clone(),
                membership_price_id: config.stripe.membership_price_id.clone(),
                membership_trial_days: config.membership_trial_days,
                reconcile_every_secs: config.reconcile_every_secs,
                reconcile_grace_secs: config.reconcile_grace_secs,
                link_secret: link_secret(config)?,
                join_opens_minutes: config.join_opens_minutes,
                reminder_hours: config.reminder_hours.clone(),
            },
        );
        // Orders written without the app (the demo seed, older versions)
        // get the hash of their join link.
        join::backfill_hashes(&state).await?;
        if let Some(simulator) = &payments.simulator {
            // The simulator remembers nothing across restarts; our database does.
            for (id, email, charges, payouts, details) in connect::known_accounts(&state).await? {
                simulator.restore_account(&id, &email, charges, payouts, details);
            }
        }
        let router = router(config, state.clone(), addr, payments.simulator);
        let smtp_url = config
            .email
            .smtp_url
            .as_ref()
            .map(|url| url.expose_secret().to_owned());
        let mailer =
            Mailer::from_config(smtp_url.as_deref(), &config.email.from, &config.data_dir)?;
        Ok(Application {
            listener,
            router,
            state,
            mailer,
        })
    }

    pub fn addr(&self) -> SocketAddr {
        self.listener
            .local_addr()
            .unwrap_or_else(|_| SocketAddr::from(([127, 0, 0, 1], 0)))
    }

    pub fn state(&self) -> &AppState {
        &self.state
    }

    /// Serves until Ctrl-C / SIGTERM, finishing requests in flight.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        // Background work: lapsed seat holds and owed refunds, the
        // reconciliation of payments with seats, the webhook inbox and the
        // email outbox.
        holds::spawn_worker(self.state.clone());
        reconcile::spawn_worker(self.state.clone());
        inbox::spawn_worker(self.state.clone());
        reminders::spawn_worker(self.state.clone());
        outbox::spawn_worker(
            self.state.db.clone(),
            self.mailer.clone(),
            self.state.clock.clone(),
        );
        let db = self.state.db.clone();
        let clock = self.state.clock.clone();
        tokio::spawn(async move {
            let mut every_hour = tokio::time::interval(Duration::from_secs(3_600));
            loop {
                every_hour.tick().await;
                if let Err(err) = auth_session::purge_expired(&db, clock.now()).await {
                    tracing::warn!(error = %err, "could not purge expired sessions");
                }
            }
        });
        axum::serve(
            self.listener,
            self.router
                .into_make_service_with_connect_info::<SocketAddr>(),
        )
        .with_graceful_shutdown(shutdown_signal())
        .await
    }
}

/// Every route: health, metrics, REST, static files, pages and server functions.
pub fn router(
    config: &Config,
    state: AppState,
    addr: SocketAddr,
    simulator: Option<stripe_sim::Simulator>,
) -> Router {
    let leptos = LeptosOptions::builder()
        .output_name(config.site.output_name.as_str())
        .site_root(config.site.site_root.as_str())
        .site_pkg_dir(config.site.site_pkg_dir.as_str())
        .site_addr(addr)
        .reload_port(config.site.reload_port)
        .hash_files(config.site.hash_files)
        .hash_file(config.site.hash_file.as_str().into())
        .env(match config.app_env {
            AppEnv::Development => Env::DEV,
            AppEnv::Production => Env::PROD,
        })
        .build();
    let server_state = ServerState {
        leptos: leptos.clone(),
        app: state.clone(),
    };
    let context = move || provide_context(state.clone());

    // Hashed file names change with their content, so they may be cached
    // for a year; unhashed ones must be revalidated.
    let cache_control = if config.site.hash_files {
        "public, max-age=31536000, immutable"
    } else {
        "no-cache"
    };
    let pkg_dir = Path::new(&config.site.site_root).join(&config.site.site_pkg_dir);
    let pkg = ServiceBuilder::new()
        .layer(SetResponseHeaderLayer::overriding(
            header::CACHE_CONTROL,
            HeaderValue::from_static(cache_control),
        ))
        .service(
            ServeDir::new(pkg_dir)
                .precompressed_br()
                .precompressed_gzip(),
        );

    let routes = route_list();
    let mut router = Router::new()
        .route("/healthz", get(health::healthz))
        .route("/readyz", get(health::readyz))
        .route("/metrics", get(metrics::render))
        .route("/webhooks/stripe", post(webhooks::stripe::receive))
        .route("/studio/connect/return", get(studio_connect::returned))
        .route("/studio/connect/refresh", get(studio_connect::refresh))
        .route("/studio/slots/{id}/start", get(attend::start))
        .route("/join/{token}/invitation.ics", get(attend::invitation))
        .route("/calendar/{file}", get(attend::calendar))
        .merge(api::router());
    if let Some(simulator) = simulator {
        // Never mounted when Stripe is live (the config refuses simulation in production).
        router = router.nest_service(payments::SIM_MOUNT, stripe_sim::router(simulator));
        if config.app_env != AppEnv::Production {
            router = router.route(
                "/_test/clock",
                post(test_clock::change).delete(test_clock::reset),
            );
        }
    }
    router
        .nest_service(&format!("/{}", config.site.site_pkg_dir), pkg)
        .leptos_routes_with_context(&server_state, routes, context.clone(), {
            let leptos = leptos.clone();
            move || shell(leptos.clone())
        })
        .fallback(leptos_axum::file_and_error_handler_with_context::<
            ServerState,
            _,
        >(context, shell))
        .route_layer(middleware::from_fn(metrics::track))
        .layer(middleware::from_fn_with_state(
            server_state.app.clone(),
            attend::open_room,
        ))
        .layer(middleware::from_fn(server_fn_input::refuse_control_chars))
        .with_state(server_state)
        .layer(middleware::from_fn_with_state(
            AllowedOrigin(config.public_url.clone()),
            origin::refuse_foreign,
        ))
        .layer(
            ServiceBuilder::new()
                .layer(SetRequestIdLayer::x_request_id(MakeRequestUuid))
                .layer(
                    TraceLayer::new_for_http().make_span_with(|request: &Request<Body>| {
                        let id = request
                            .headers()
                            .get("x-request-id")
                            .and_then(|v| v.to_str().ok())
                            .unwrap_or("-");
                        tracing::info_span!(
                            "request",
                            request_id = %id,
                            method = %request.method(),
                            path = %request.uri().path(),
                        )
                    }),
                )
                .layer(PropagateRequestIdLayer::x_request_id())
                .layer(CompressionLayer::new()),
        )
}

pub(crate) async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = terminate => {},
    }
    tracing::info!("shutting down");
}

/// The app's routes, generated once per process. While Leptos generates a route
/// list it suspends resource loading in the whole process (leptos#4773): a page
/// that another `Application` in the same process (the integration tests start
/// many) began rendering meanwhile would wait forever for its data.
fn route_list() -> Vec<AxumRouteListing> {
    static ROUTES: OnceLock<Vec<AxumRouteListing>> = OnceLock::new();
    ROUTES.get_or_init(|| generate_route_list(App)).clone()
}

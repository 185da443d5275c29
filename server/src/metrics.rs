//! Prometheus metrics at `GET /metrics`: HTTP request counts and latencies
//! by method, route and status; later areas add their own counters.

use std::sync::OnceLock;
use std::time::Instant;

use app::backend::AppState;
use axum::extract::{MatchedPath, Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};

static HANDLE: OnceLock<Option<PrometheusHandle>> = OnceLock::new();

/// Installs the process-wide recorder once (tests start several apps).
pub fn install() {
    HANDLE.get_or_init(|| {
        let buckets = [
            0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0,
        ];
        PrometheusBuilder::new()
            .set_buckets_for_metric(
                Matcher::Full("http_request_duration_seconds".into()),
                &buckets,
            )
            .and_then(|builder| builder.install_recorder())
            .map_err(|err| tracing::error!(error = %err, "metrics recorder not installed"))
            .ok()
    });
}

pub async fn render(State(state): State<AppState>) -> Response {
    // The console's counts of webhook events and emails, as gauges.
    if let Err(err) = app::backend::admin::system::publish_gauges(&state).await {
        tracing::warn!(error = %err, "metrics: counts not read");
    }
    let body = HANDLE
        .get()
        .and_then(|handle| handle.as_ref())
        .map(|handle| handle.render())
        .unwrap_or_default();
    ([("content-type", "text/plain; version=0.0.4")], body).into_response()
}

/// Counts and times every request. The route template (not the raw path)
/// labels it, so ids in URLs do not explode the number of series.
pub async fn track(request: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = request.method().to_string();
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map(|p| p.as_str().to_owned())
        .unwrap_or_else(|| "unmatched".to_owned());
    let response = next.run(request).await;
    let status = response.status().as_u16().to_string();
    let labels = [("method", method), ("route", route), ("status", status)];
    metrics::counter!("http_requests_total", &labels).increment(1);
    metrics::histogram!("http_request_duration_seconds", &labels)
        .record(started.elapsed().as_secs_f64());
    response
}

//! `POST /webhooks/stripe`: the signature is checked on the raw body before
//! anything is parsed; then the event is recorded and applied once
//! (`app::backend::webhooks::dispatch`). Answers: 200 when applied, seen before or not
//! ours to handle; 400 for a bad signature (nothing changes); 409 for an event
//! that came before what it updates was stored, 500 for any other failure:
//! Stripe retries both.

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::json;

use app::backend::payments::signature;
use app::backend::{error, webhooks::dispatch, AppState};

pub async fn receive(State(state): State<AppState>, headers: HeaderMap, body: Bytes) -> Response {
    let started = std::time::Instant::now();
    let header = headers
        .get("stripe-signature")
        .and_then(|value| value.to_str().ok());
    let Ok(payload) = std::str::from_utf8(&body) else {
        return refuse("unknown", "body is not UTF-8");
    };
    let event = match signature::verify(
        payload,
        header,
        &state.settings.webhook_secrets,
        state.clock.now(),
    ) {
        Ok(event) => event,
        Err(err) => return refuse("unknown", &err.to_string()),
    };
    let kind = event.type_.as_str().to_owned();
    let response = match dispatch::handle(&state, event).await {
        Ok(outcome) => {
            count(&kind, outcome.as_str());
            (StatusCode::OK, Json(json!({ "received": true }))).into_response()
        }
        Err(err) => {
            // Either way nothing was recorded and Stripe delivers the event again.
            let early = err.is::<error::TooEarly>();
            let error = format!("{err:#}");
            let (status, code) = if early {
                // Expected now and then: our create call's answer is on its way.
                tracing::warn!(
                    event_type = kind,
                    error,
                    "webhook came early; Stripe will retry"
                );
                (StatusCode::CONFLICT, "too_early")
            } else {
                tracing::error!(
                    event_type = kind,
                    error,
                    "webhook failed; Stripe will retry"
                );
                (StatusCode::INTERNAL_SERVER_ERROR, "internal")
            };
            count(&kind, if early { "too_early" } else { "failed" });
            (
                status,
                Json(json!({ "error": { "code": code, "message": "try again later" } })),
            )
                .into_response()
        }
    };
    metrics::histogram!("stripe_webhook_seconds", "type" => kind)
        .record(started.elapsed().as_secs_f64());
    response
}

fn refuse(kind: &str, why: &str) -> Response {
    tracing::warn!(reason = why, "webhook refused");
    count(kind, "refused");
    (
        StatusCode::BAD_REQUEST,
        Json(json!({ "error": { "code": "bad_signature", "message": why } })),
    )
        .into_response()
}

fn count(kind: &str, outcome: &str) {
    metrics::counter!(
        "stripe_webhook_events_total",
        "type" => kind.to_owned(),
        "outcome" => outcome.to_owned()
    )
    .increment(1);
}

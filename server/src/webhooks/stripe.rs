//! `POST /webhooks/stripe` does only this: checks the signature on the raw
//! body before anything is parsed, stores the event once in the webhook
//! inbox (`app::backend::webhooks::inbox`), and answers 200, also for an id
//! seen before. The inbox's worker applies it. Answers: 400 for a bad
//! signature or a signed body that is not an event (nothing is stored);
//! 500 when the database fails (Stripe delivers again).

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::json;

use app::backend::payments::signature::{self, SignatureError};
use app::backend::webhooks::inbox::{self, InboxError, Stored};
use app::backend::AppState;

pub async fn receive(State(state): State<AppState>, headers: HeaderMap, body: Bytes) -> Response {
    let started = std::time::Instant::now();
    let header = headers
        .get("stripe-signature")
        .and_then(|value| value.to_str().ok());
    let Ok(payload) = std::str::from_utf8(&body) else {
        return refuse("unknown", "body is not UTF-8");
    };
    let Some(header) = header else {
        return refuse("unknown", &SignatureError::Missing.to_string());
    };
    let now = state.clock.now();
    match signature::verify(payload, Some(header), &state.settings.webhook_secrets, now) {
        // Signed by Stripe: stored even when our Stripe types cannot read it,
        // so that it is parked where it can be seen rather than lost.
        Ok(_) | Err(SignatureError::Unreadable(_)) => {}
        Err(err) => return refuse("unknown", &err.to_string()),
    }
    match inbox::store(&state, payload, header, now).await {
        Ok((stored, kind)) => {
            let outcome = match stored {
                Stored::New => "stored",
                Stored::Duplicate => "duplicate",
            };
            inbox::count(&kind, outcome);
            metrics::histogram!("stripe_webhook_seconds", "type" => kind)
                .record(started.elapsed().as_secs_f64());
            (StatusCode::OK, Json(json!({ "received": true }))).into_response()
        }
        Err(InboxError::NotAnEvent(why)) => refuse("unknown", why),
        Err(InboxError::Db(err)) => {
            tracing::error!(error = %err, "webhook not stored; Stripe will retry");
            inbox::count("unknown", "failed");
            (
                StatusCode::INTERNAL_SERVER_ERROR,
                Json(json!({ "error": { "code": "internal", "message": "try again later" } })),
            )
                .into_response()
        }
    }
}

fn refuse(kind: &str, why: &str) -> Response {
    tracing::warn!(reason = why, "webhook refused");
    inbox::count(kind, "refused");
    (
        StatusCode::BAD_REQUEST,
        Json(json!({ "error": { "code": "bad_signature", "message": why } })),
    )
        .into_response()
}

//! The two URLs Stripe's hosted onboarding sends a teacher back to:
//! `/studio/connect/return` (done, or stepped out) refreshes the status from
//! Stripe; `/studio/connect/refresh` (the link expired or was abandoned)
//! hands out a new link. Both end on a page, never on a JSON error.

use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Redirect, Response};

use app::backend::accounts::users::AccountError;
use app::backend::payments::connect::{self, ConnectError};
use app::backend::AppState;

use crate::api::caller::Caller;

pub async fn returned(State(state): State<AppState>, caller: Caller) -> Response {
    match connect::refresh(&state, &caller.ctx).await {
        Ok(_) => Redirect::to("/studio/payouts?returned=1").into_response(),
        Err(err) => on_error(&err, &caller),
    }
}

pub async fn refresh(State(state): State<AppState>, caller: Caller) -> Response {
    match connect::start_onboarding(&state, &caller.ctx).await {
        Ok(url) => Redirect::to(&url).into_response(),
        Err(err) => on_error(&err, &caller),
    }
}

fn on_error(err: &ConnectError, caller: &Caller) -> Response {
    match err {
        ConnectError::Account(AccountError::Unauthorized) => {
            Redirect::to("/login?next=/studio/payouts").into_response()
        }
        other => {
            // Logged once inside; the payouts page shows the status and the button again.
            let message = other.to_app_error(caller.ctx.locale).message;
            let location = format!("/studio/payouts?error={}", urlencode(&message));
            (
                [(header::LOCATION, location)],
                axum::http::StatusCode::SEE_OTHER,
            )
                .into_response()
        }
    }
}

fn urlencode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

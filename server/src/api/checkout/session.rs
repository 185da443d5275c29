//! `POST /api/v1/checkout/session`

use axum::extract::State;
use axum::Json;
use serde::Deserialize;

use app::backend::{booking::checkout, AppState};
use app::model::order::CheckoutStarted;

use crate::api::caller::Caller;
use crate::api::error::{ApiError, ErrorBody};
use crate::api::json::ApiJson;

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct CheckoutRequest {
    pub slot_id: String,
}

/// Holds a seat and starts paying for it: returns the order and the client
/// secret for Stripe's Payment Element (none for a free session, booked at
/// once). The price is the server's. Asking again while the order is pending
/// returns the same order and secret (no second seat).
#[utoipa::path(
    post,
    path = "/api/v1/checkout/session",
    tag = "checkout",
    request_body = CheckoutRequest,
    responses(
        (status = 200, description = "The order and how to pay it", body = CheckoutStarted),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 404, description = "No such slot, or the session is not published", body = ErrorBody),
        (status = 409, description = "Full, started or cancelled; or the teacher cannot take payments", body = ErrorBody),
        (status = 503, description = "Stripe is unavailable (the seat was released)", body = ErrorBody),
        (status = 422, description = "Malformed JSON, no JSON Content-Type, or control characters", body = ErrorBody),
    )
)]
pub async fn start(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(body): ApiJson<CheckoutRequest>,
) -> Result<Json<CheckoutStarted>, ApiError> {
    let ctx = caller.ctx;
    checkout::start(&state, &ctx, &body.slot_id)
        .await
        .map(Json)
        .map_err(|e| e.to_app_error(ctx.locale).into())
}

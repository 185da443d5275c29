//! `POST /api/v1/membership/cancel`, `POST /api/v1/membership/resume`

use axum::extract::State;
use axum::Json;

use app::backend::{membership::subscriptions, AppState};
use app::model::membership::MembershipView;

use crate::api::caller::Caller;
use crate::api::error::{ApiError, ErrorBody};

/// Cancel at the end of the paid period (access continues until then).
#[utoipa::path(
    post,
    path = "/api/v1/membership/cancel",
    tag = "membership",
    responses(
        (status = 200, description = "The membership, ending at the period end", body = MembershipView),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 404, description = "No membership to cancel", body = ErrorBody),
    )
)]
pub async fn cancel(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<Json<MembershipView>, ApiError> {
    let ctx = caller.ctx;
    subscriptions::set_cancel(&state, &ctx, true)
        .await
        .map(Json)
        .map_err(|e| e.to_app_error(ctx.locale).into())
}

/// Take back a cancellation before the period ends.
#[utoipa::path(
    post,
    path = "/api/v1/membership/resume",
    tag = "membership",
    responses(
        (status = 200, description = "The membership, renewing again", body = MembershipView),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 404, description = "No membership to resume", body = ErrorBody),
    )
)]
pub async fn resume(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<Json<MembershipView>, ApiError> {
    let ctx = caller.ctx;
    subscriptions::set_cancel(&state, &ctx, false)
        .await
        .map(Json)
        .map_err(|e| e.to_app_error(ctx.locale).into())
}

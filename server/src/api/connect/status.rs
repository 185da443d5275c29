//! `GET /api/v1/connect/status`

use axum::extract::State;
use axum::Json;

use app::backend::{payments::connect, AppState};
use app::model::payouts::PayoutStatus;

use crate::api::caller::Caller;
use crate::api::error::{ApiError, ErrorBody};

/// The teacher's payout status: not started, incomplete (with what Stripe
/// still needs) or active.
#[utoipa::path(
    get,
    path = "/api/v1/connect/status",
    tag = "connect",
    responses(
        (status = 200, description = "Payout status", body = PayoutStatus),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Not a teacher", body = ErrorBody),
    )
)]
pub async fn status(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<Json<PayoutStatus>, ApiError> {
    let ctx = caller.ctx;
    connect::status(&state, &ctx)
        .await
        .map(Json)
        .map_err(|e| e.to_app_error(ctx.locale).into())
}

//! `POST /api/v1/bookings/{id}/cancel`

use axum::extract::State;
use axum::Json;

use app::backend::{booking::orders, AppState};
use app::model::order::OrderView;

use crate::api::caller::Caller;
use crate::api::error::{ApiError, ErrorBody};
use crate::api::id::IdPath;

/// Cancels your booking up to `CANCELLATION_WINDOW_HOURS` before the start:
/// the seat is freed and the payment refunded in full. Repeating it refunds once.
#[utoipa::path(
    post,
    path = "/api/v1/bookings/{id}/cancel",
    tag = "checkout",
    params(("id" = String, Path, description = "Order id of the booking")),
    responses(
        (status = 200, description = "The order, refunded", body = OrderView),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 404, description = "No such booking of yours", body = ErrorBody),
        (status = 409, description = "Too late, or nothing to cancel", body = ErrorBody),
        (status = 422, description = "The id or body holds control characters, or the body is malformed", body = ErrorBody),
    )
)]
pub async fn cancel(
    State(state): State<AppState>,
    caller: Caller,
    IdPath(id): IdPath,
) -> Result<Json<OrderView>, ApiError> {
    let ctx = caller.ctx;
    orders::cancel_booking(&state, &ctx, &id)
        .await
        .map(Json)
        .map_err(|e| e.to_app_error(ctx.locale).into())
}

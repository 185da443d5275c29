//! `GET /api/v1/bookings`

use axum::extract::State;
use axum::Json;

use app::backend::{booking::orders, AppState};
use app::model::order::Booking;

use crate::api::caller::Caller;
use crate::api::error::{ApiError, ErrorBody};

/// Your bookings, soonest first, with whether "Avboka" still gives a refund.
#[utoipa::path(
    get,
    path = "/api/v1/bookings",
    tag = "checkout",
    responses(
        (status = 200, description = "Bookings", body = [Booking]),
        (status = 401, description = "Not signed in", body = ErrorBody),
    )
)]
pub async fn list(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<Json<Vec<Booking>>, ApiError> {
    let ctx = caller.ctx;
    orders::bookings(&state, &ctx)
        .await
        .map(Json)
        .map_err(|e| e.to_app_error(ctx.locale).into())
}

//! `GET /api/v1/bookings/{id}/ics`

use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};

use app::backend::{attendance::join, booking::orders, AppState};
use app::model::order::OrderStatus;

use crate::api::caller::Caller;
use crate::api::error::{ApiError, ErrorBody};
use crate::api::id::IdPath;

/// Your booking as a calendar invitation, for you alone (no other attendee).
#[utoipa::path(
    get,
    path = "/api/v1/bookings/{id}/ics",
    tag = "checkout",
    params(("id" = String, Path, description = "Order id of the booking")),
    responses(
        (status = 200, description = "text/calendar", content_type = "text/calendar"),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 404, description = "No such booking of yours", body = ErrorBody),
        (status = 422, description = "The id or body holds control characters, or the body is malformed", body = ErrorBody),
    )
)]
pub async fn download(
    State(state): State<AppState>,
    caller: Caller,
    IdPath(id): IdPath,
) -> Result<Response, ApiError> {
    let ctx = caller.ctx;
    let order = orders::get(&state, &ctx, &id)
        .await
        .map_err(|e| ApiError::from(e.to_app_error(ctx.locale)))?;
    let cancelled = order.status != OrderStatus::Paid;
    let body = join::calendar_file(&state, &order.id, cancelled)
        .await
        .map_err(|e| ApiError::from(e.to_app_error(ctx.locale)))?;
    Ok((
        [
            (
                header::CONTENT_TYPE,
                "text/calendar; charset=utf-8".to_owned(),
            ),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"aveli-{}.ics\"", order.id),
            ),
        ],
        body,
    )
        .into_response())
}

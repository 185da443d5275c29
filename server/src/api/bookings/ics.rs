//! `GET /api/v1/bookings/{id}/ics`

use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};

use app::backend::{booking::orders, mail::invitations, AppState};
use app::model::order::OrderStatus;

use crate::api::caller::Caller;
use crate::api::error::{ApiError, ErrorBody};

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
    )
)]
pub async fn download(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let ctx = caller.ctx;
    let order = orders::get(&state, &ctx, &id)
        .await
        .map_err(|e| ApiError::from(e.to_app_error(ctx.locale)))?;
    let attendee = app::backend::accounts::users::require_user(&state, &ctx)
        .await
        .map_err(|e| ApiError::from(e.to_app_error(ctx.locale)))?;
    let (Some(start), Some(end)) = (order.start_at, order.end_at) else {
        return Err(orders::OrderError::NotFound.to_app_error(ctx.locale).into());
    };
    let url = format!("{}/orders/{}", state.settings.public_url, order.id);
    let body = if order.status == OrderStatus::Paid {
        invitations::invitation(
            &format!("{}@aveli", order.id),
            &order.session_title,
            "",
            start,
            end,
            &order.teacher_name,
            &url,
            &attendee.email,
            &attendee.display_name,
        )
    } else {
        invitations::cancellation(
            &format!("{}@aveli", order.id),
            &order.session_title,
            "",
            start,
            end,
            &order.teacher_name,
            &url,
            &attendee.email,
            &attendee.display_name,
        )
    };
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

//! `GET /api/v1/orders/{id}`

use axum::extract::State;
use axum::Json;

use app::backend::{booking::orders, AppState};
use app::model::order::OrderView;

use crate::api::caller::Caller;
use crate::api::error::{ApiError, ErrorBody};
use crate::api::id::IdPath;

/// One of your orders, for a seat or a course (`course_id` set): status,
/// amounts, failure reason. Someone else's order does not exist for you (404).
#[utoipa::path(
    get,
    path = "/api/v1/orders/{id}",
    tag = "checkout",
    params(("id" = String, Path, description = "Order id")),
    responses(
        (status = 200, description = "The order", body = OrderView),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 404, description = "No such order of yours", body = ErrorBody),
        (status = 422, description = "The id or body holds control characters, or the body is malformed", body = ErrorBody),
    )
)]
pub async fn get_order(
    State(state): State<AppState>,
    caller: Caller,
    IdPath(id): IdPath,
) -> Result<Json<OrderView>, ApiError> {
    let ctx = caller.ctx;
    orders::get(&state, &ctx, &id)
        .await
        .map(Json)
        .map_err(|e| e.to_app_error(ctx.locale).into())
}

//! `GET /api/v1/admin/orders` and `GET /api/v1/admin/orders/{id}`

use axum::extract::State;
use axum::Json;

use app::backend::{admin::orders, AppState};
use app::model::admin::{AdminOrderDetail, OrderPage, OrderQuery};

use crate::api::caller::Caller;
use crate::api::error::{ApiError, ErrorBody};
use crate::api::id::IdPath;
use crate::api::query::ApiQuery;

/// Orders matching the filters, newest first, 25 a page.
#[utoipa::path(
    get,
    path = "/api/v1/admin/orders",
    tag = "admin",
    params(OrderQuery),
    responses(
        (status = 200, description = "A page of orders", body = OrderPage),
        (status = 404, description = "Not an admin", body = ErrorBody),
        (status = 422, description = "A date that is not YYYY-MM-DD, or an unknown status", body = ErrorBody),
    )
)]
pub async fn list(
    State(state): State<AppState>,
    caller: Caller,
    ApiQuery(query): ApiQuery<OrderQuery>,
) -> Result<Json<OrderPage>, ApiError> {
    let ctx = caller.ctx;
    orders::search(&state, &ctx, &query)
        .await
        .map(Json)
        .map_err(|e| e.to_app_error(ctx.locale).into())
}

/// One order with its history: Stripe ids, the events received for it, the
/// emails it caused, its admin refunds and audit rows.
#[utoipa::path(
    get,
    path = "/api/v1/admin/orders/{id}",
    tag = "admin",
    params(("id" = String, Path, description = "Order id")),
    responses(
        (status = 200, description = "The order and its history", body = AdminOrderDetail),
        (status = 404, description = "Not an admin, or no such order", body = ErrorBody),
    )
)]
pub async fn get(
    State(state): State<AppState>,
    caller: Caller,
    IdPath(id): IdPath,
) -> Result<Json<AdminOrderDetail>, ApiError> {
    let ctx = caller.ctx;
    orders::detail(&state, &ctx, &id)
        .await
        .map(Json)
        .map_err(|e| e.to_app_error(ctx.locale).into())
}

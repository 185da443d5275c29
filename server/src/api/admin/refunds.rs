//! `POST /api/v1/admin/orders/{id}/refunds`

use axum::extract::State;
use axum::http::HeaderMap;
use axum::Json;

use app::backend::{admin::refunds, AppState};
use app::model::admin::{AdminRefund, RefundRequest};

use crate::api::caller::Caller;
use crate::api::error::{ApiError, ErrorBody};
use crate::api::id::IdPath;
use crate::api::json::ApiJson;

/// Refunds part or all of a paid order. A full refund frees the seat; a
/// partial one keeps the booking. The student is emailed once per refund.
/// The `Idempotency-Key` header is required: the same key refunds once and
/// answers with the same refund.
#[utoipa::path(
    post,
    path = "/api/v1/admin/orders/{id}/refunds",
    tag = "admin",
    params(
        ("id" = String, Path, description = "Order id"),
        ("Idempotency-Key" = String, Header, description = "Names this refund: a retry with the same key refunds once"),
    ),
    request_body = RefundRequest,
    responses(
        (status = 200, description = "The refund", body = AdminRefund),
        (status = 404, description = "Not an admin, or no such order", body = ErrorBody),
        (status = 409, description = "The order was never paid, or Stripe refused", body = ErrorBody),
        (status = 422, description = "No key or reason, an amount not above zero or above what is left, or no transfer to reverse", body = ErrorBody),
        (status = 503, description = "Stripe did not answer: send again with the same key", body = ErrorBody),
    )
)]
pub async fn create(
    State(state): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
    IdPath(id): IdPath,
    ApiJson(request): ApiJson<RefundRequest>,
) -> Result<Json<AdminRefund>, ApiError> {
    let ctx = caller.ctx;
    let key = headers
        .get("idempotency-key")
        .and_then(|value| value.to_str().ok())
        .unwrap_or_default();
    refunds::refund(&state, &ctx, &id, key, &request)
        .await
        .map(Json)
        .map_err(|e| e.to_app_error(ctx.locale).into())
}

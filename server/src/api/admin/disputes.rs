//! `GET /api/v1/admin/disputes` and `POST /api/v1/admin/disputes/{id}/evidence`

use axum::extract::{Path, State};
use axum::Json;

use app::backend::{admin::disputes, AppState};
use app::i18n::strings;
use app::model::admin::{AdminDispute, EvidenceSubmission};
use app::model::text::has_forbidden_control;
use app::model::{AppError, ErrorCode};

use crate::api::caller::Caller;
use crate::api::error::{ApiError, ErrorBody};
use crate::api::json::ApiJson;

/// Disputes: open ones by evidence deadline, then closed ones; each with
/// the evidence sent, or a draft prefilled from the order.
#[utoipa::path(
    get,
    path = "/api/v1/admin/disputes",
    tag = "admin",
    responses(
        (status = 200, description = "The dispute queue", body = Vec<AdminDispute>),
        (status = 404, description = "Not an admin", body = ErrorBody),
    )
)]
pub async fn list(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<Json<Vec<AdminDispute>>, ApiError> {
    let ctx = caller.ctx;
    disputes::list(&state, &ctx)
        .await
        .map(Json)
        .map_err(|e| e.to_app_error(ctx.locale).into())
}

/// Sends the evidence to Stripe and (unless `submit` is false) submits it.
#[utoipa::path(
    post,
    path = "/api/v1/admin/disputes/{id}/evidence",
    tag = "admin",
    params(("id" = String, Path, description = "Stripe's dispute id (du_…)")),
    request_body = EvidenceSubmission,
    responses(
        (status = 200, description = "The dispute with the evidence sent", body = AdminDispute),
        (status = 404, description = "Not an admin, or no such dispute", body = ErrorBody),
        (status = 409, description = "The dispute is closed, or Stripe refused", body = ErrorBody),
        (status = 422, description = "No evidence, or a field too long", body = ErrorBody),
        (status = 503, description = "Stripe is unavailable", body = ErrorBody),
    )
)]
pub async fn submit_evidence(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    ApiJson(submission): ApiJson<EvidenceSubmission>,
) -> Result<Json<AdminDispute>, ApiError> {
    let ctx = caller.ctx;
    if has_forbidden_control(&id) {
        return Err(ApiError(AppError::new(
            ErrorCode::Validation,
            strings(ctx.locale).err_control_chars,
        )));
    }
    disputes::submit_evidence(&state, &ctx, &id, &submission)
        .await
        .map(Json)
        .map_err(|e| e.to_app_error(ctx.locale).into())
}

//! `POST /api/v1/auth/email/confirm`

use axum::extract::State;
use axum::Json;
use serde::Deserialize;

use app::backend::{membership::customers, AppState};
use app::model::account::EmailConfirmed;

use crate::api::caller::Caller;
use crate::api::error::{ApiError, ErrorBody};
use crate::api::json::ApiJson;

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct ConfirmRequest {
    /// From the emailed link `/email/confirm/{token}`.
    pub token: String,
}

/// Uses an emailed confirmation link: a new account's address, or an email
/// change (which happens only now). Needs no sign-in.
#[utoipa::path(
    post,
    path = "/api/v1/auth/email/confirm",
    tag = "auth",
    request_body = ConfirmRequest,
    responses(
        (status = 200, description = "Confirmed", body = EmailConfirmed),
        (status = 404, description = "The link is unknown, used or expired", body = ErrorBody),
        (status = 409, description = "Another account took the address meanwhile", body = ErrorBody),
    )
)]
pub async fn confirm(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(body): ApiJson<ConfirmRequest>,
) -> Result<Json<EmailConfirmed>, ApiError> {
    let ctx = caller.ctx;
    customers::confirm_email(&state, &body.token)
        .await
        .map(Json)
        .map_err(|e| e.to_app_error(ctx.locale).into())
}

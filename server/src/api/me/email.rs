//! `POST /api/v1/me/email` and `POST /api/v1/me/email/verification`

use axum::extract::State;
use axum::http::StatusCode;
use serde::Deserialize;

use app::backend::{accounts::email_change, AppState};

use crate::api::caller::Caller;
use crate::api::error::{ApiError, ErrorBody};
use crate::api::json::ApiJson;

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct EmailRequest {
    /// The new address.
    pub email: String,
    /// Your current password.
    pub password: String,
}

/// Ask to use another address: it gets a confirmation link (60 minutes),
/// the current one a notice. Nothing changes until the link is used
/// (`POST /api/v1/auth/email/confirm`).
#[utoipa::path(
    post,
    path = "/api/v1/me/email",
    tag = "accounts",
    request_body = EmailRequest,
    responses(
        (status = 202, description = "The confirmation link is on its way"),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "The password is wrong", body = ErrorBody),
        (status = 409, description = "The address belongs to an account", body = ErrorBody),
        (status = 422, description = "Not an email address", body = ErrorBody),
        (status = 429, description = "Too many wrong passwords; see Retry-After", body = ErrorBody),
    )
)]
pub async fn change(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(body): ApiJson<EmailRequest>,
) -> Result<StatusCode, ApiError> {
    let ctx = caller.ctx;
    email_change::request_change(&state, &ctx, &body.email, &body.password)
        .await
        .map_err(|e| e.to_app_error(ctx.locale))?;
    Ok(StatusCode::ACCEPTED)
}

/// Send the link that confirms your address again (nothing is sent once it
/// is confirmed); the older link stops working.
#[utoipa::path(
    post,
    path = "/api/v1/me/email/verification",
    tag = "accounts",
    responses(
        (status = 202, description = "A new link is on its way, or the address is confirmed already"),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 429, description = "Sent too often; see Retry-After", body = ErrorBody),
    )
)]
pub async fn resend(State(state): State<AppState>, caller: Caller) -> Result<StatusCode, ApiError> {
    let ctx = caller.ctx;
    email_change::resend_verification(&state, &ctx)
        .await
        .map_err(|e| e.to_app_error(ctx.locale))?;
    Ok(StatusCode::ACCEPTED)
}

//! `POST /api/v1/me/password`

use axum::extract::State;
use axum::http::StatusCode;
use serde::Deserialize;

use app::backend::{accounts::profile, AppState};

use crate::api::caller::Caller;
use crate::api::error::{ApiError, ErrorBody};
use crate::api::json::ApiJson;

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct PasswordRequest {
    pub current_password: String,
    /// At least 10 characters.
    pub new_password: String,
}

/// Change your password: every other session ends, this one stays.
#[utoipa::path(
    post,
    path = "/api/v1/me/password",
    tag = "accounts",
    request_body = PasswordRequest,
    responses(
        (status = 204, description = "Changed"),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "The current password is wrong", body = ErrorBody),
        (status = 422, description = "The new password breaks the rules", body = ErrorBody),
        (status = 429, description = "Too many wrong passwords; see Retry-After", body = ErrorBody),
    )
)]
pub async fn change(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(body): ApiJson<PasswordRequest>,
) -> Result<StatusCode, ApiError> {
    let ctx = caller.ctx;
    profile::change_password(&state, &ctx, &body.current_password, &body.new_password)
        .await
        .map_err(|e| e.to_app_error(ctx.locale))?;
    Ok(StatusCode::NO_CONTENT)
}

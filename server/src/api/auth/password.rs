//! `POST /api/v1/auth/password/forgot` and `POST /api/v1/auth/password/reset`

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use serde::Deserialize;

use app::backend::{accounts::recovery, AppState};

use super::{signed_in, SessionResponse};
use crate::api::caller::Caller;
use crate::api::error::{ApiError, ErrorBody};
use crate::api::json::ApiJson;

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct ForgotRequest {
    pub email: String,
}

/// Emails a link to set a new password (valid 60 minutes, once) when the
/// address has an account. The answer is the same either way.
#[utoipa::path(
    post,
    path = "/api/v1/auth/password/forgot",
    tag = "auth",
    request_body = ForgotRequest,
    responses(
        (status = 202, description = "If the address has an account, a link is on its way"),
        (status = 429, description = "Too many requests for the address or from this client; see Retry-After", body = ErrorBody),
    )
)]
pub async fn forgot(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(body): ApiJson<ForgotRequest>,
) -> Result<StatusCode, ApiError> {
    let ctx = caller.ctx;
    recovery::forgot(&state, &ctx, &body.email)
        .await
        .map_err(|e| e.to_app_error(ctx.locale))?;
    Ok(StatusCode::ACCEPTED)
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct ResetRequest {
    /// From the emailed link `/password/reset/{token}`.
    pub token: String,
    /// At least 10 characters.
    pub password: String,
}

/// Sets a new password with an emailed link: every session of the account
/// ends, and this client is signed in (token and cookie).
#[utoipa::path(
    post,
    path = "/api/v1/auth/password/reset",
    tag = "auth",
    request_body = ResetRequest,
    responses(
        (status = 200, description = "Password set; signed in", body = SessionResponse),
        (status = 404, description = "The link is unknown, used or expired", body = ErrorBody),
        (status = 422, description = "The new password breaks the rules", body = ErrorBody),
    )
)]
pub async fn reset(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(body): ApiJson<ResetRequest>,
) -> Result<impl IntoResponse, ApiError> {
    let ctx = caller.ctx;
    let logged_in = recovery::reset(&state, &ctx, &body.token, &body.password)
        .await
        .map_err(|e| e.to_app_error(ctx.locale))?;
    Ok(signed_in(&state, logged_in))
}

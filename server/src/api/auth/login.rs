//! `POST /api/v1/auth/login`

use axum::extract::State;
use axum::response::IntoResponse;
use serde::Deserialize;

use app::backend::{accounts::users, AppState};

use super::{signed_in, SessionResponse};
use crate::api::caller::Caller;
use crate::api::error::{ApiError, ErrorBody};
use crate::api::json::ApiJson;

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct LoginRequest {
    pub email: String,
    pub password: String,
}

/// Log in; returns a bearer token and sets the session cookie.
#[utoipa::path(
    post,
    path = "/api/v1/auth/login",
    tag = "auth",
    request_body = LoginRequest,
    responses(
        (status = 200, description = "Logged in", body = SessionResponse),
        (status = 401, description = "Wrong email or password", body = ErrorBody),
        (status = 429, description = "Too many failed logins; see Retry-After", body = ErrorBody),
        (status = 422, description = "Malformed JSON, no JSON Content-Type, or control characters", body = ErrorBody),
    )
)]
pub async fn login(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(body): ApiJson<LoginRequest>,
) -> Result<impl IntoResponse, ApiError> {
    let ctx = caller.ctx;
    let logged_in = users::login(&state, &ctx, &body.email, &body.password)
        .await
        .map_err(|e| e.to_app_error(ctx.locale))?;
    Ok(signed_in(&state, logged_in))
}

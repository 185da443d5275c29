//! `POST /api/v1/auth/signup`

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use serde::Deserialize;

use app::backend::{accounts::users, AppState};

use super::{signed_in, SessionResponse};
use crate::api::caller::Caller;
use crate::api::error::{ApiError, ErrorBody};
use crate::api::json::ApiJson;

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct SignupRequest {
    pub email: String,
    pub display_name: String,
    /// At least 10 characters.
    pub password: String,
    /// The browser's IANA zone; an unknown one falls back to Europe/Stockholm.
    #[serde(default)]
    pub time_zone: Option<String>,
}

/// Create an account and log it in.
#[utoipa::path(
    post,
    path = "/api/v1/auth/signup",
    tag = "auth",
    request_body = SignupRequest,
    responses(
        (status = 201, description = "Account created; session cookie set", body = SessionResponse),
        (status = 409, description = "Email already registered", body = ErrorBody),
        (status = 422, description = "Invalid email, name or password", body = ErrorBody),
    )
)]
pub async fn signup(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(body): ApiJson<SignupRequest>,
) -> Result<impl IntoResponse, ApiError> {
    let ctx = caller.ctx;
    let logged_in = users::signup(
        &state,
        &ctx,
        &body.email,
        &body.display_name,
        &body.password,
        body.time_zone.as_deref(),
    )
    .await
    .map_err(|e| e.to_app_error(ctx.locale))?;
    Ok((StatusCode::CREATED, signed_in(&state, logged_in)))
}

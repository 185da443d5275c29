//! `POST /api/v1/auth/signup`

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::Json;
use serde::Deserialize;

use app::backend::{accounts::auth_session, accounts::users, AppState};

use super::{cookie_header, SessionResponse};
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
    let cookie = auth_session::set_cookie(
        &logged_in.token,
        logged_in.expires_in_secs,
        state.settings.secure_cookies,
    );
    Ok((
        StatusCode::CREATED,
        cookie_header(&cookie),
        Json(SessionResponse {
            token: logged_in.token,
            user: logged_in.user,
        }),
    ))
}

//! `POST /api/v1/auth/login`

use axum::extract::State;
use axum::response::IntoResponse;
use axum::Json;
use serde::Deserialize;

use app::backend::{accounts::auth_session, accounts::users, AppState};

use super::{cookie_header, SessionResponse};
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
    let cookie = auth_session::set_cookie(
        &logged_in.token,
        logged_in.expires_in_secs,
        state.settings.secure_cookies,
    );
    Ok((
        cookie_header(&cookie),
        Json(SessionResponse {
            token: logged_in.token,
            user: logged_in.user,
        }),
    ))
}

//! `POST /api/v1/auth/logout`

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::IntoResponse;

use app::backend::{accounts::auth_session, accounts::users, AppState};

use super::cookie_header;
use crate::api::caller::Caller;
use crate::api::error::ApiError;

/// End the session (cookie or bearer token); the token stops working at once.
#[utoipa::path(
    post,
    path = "/api/v1/auth/logout",
    tag = "auth",
    responses((status = 204, description = "Logged out"))
)]
pub async fn logout(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<impl IntoResponse, ApiError> {
    let ctx = caller.ctx;
    users::logout(&state, &ctx)
        .await
        .map_err(|e| e.to_app_error(ctx.locale))?;
    Ok((
        StatusCode::NO_CONTENT,
        cookie_header(&auth_session::clear_cookie(state.settings.secure_cookies)),
    ))
}

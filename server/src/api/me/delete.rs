//! `DELETE /api/v1/me`

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use serde::Deserialize;

use app::backend::{accounts::auth_session, accounts::deletion, AppState};

use crate::api::auth::cookie_header;
use crate::api::caller::Caller;
use crate::api::error::{ApiError, ErrorBody};
use crate::api::json::ApiJson;

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct DeleteRequest {
    pub password: String,
    /// `RADERA` (or `DELETE` in English).
    pub confirm: String,
}

/// Delete your account: you are signed out everywhere and anonymised; your
/// orders stay for bookkeeping. Refused while a booking, a membership or a
/// teacher's sold slot is still ahead.
#[utoipa::path(
    delete,
    path = "/api/v1/me",
    tag = "accounts",
    request_body = DeleteRequest,
    responses(
        (status = 204, description = "Deleted; the session cookie is cleared"),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "The password is wrong", body = ErrorBody),
        (status = 409, description = "An upcoming booking, a renewing membership or sold slots: the message says which", body = ErrorBody),
        (status = 422, description = "The confirmation word is missing", body = ErrorBody),
        (status = 429, description = "Too many wrong passwords; see Retry-After", body = ErrorBody),
    )
)]
pub async fn delete(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(body): ApiJson<DeleteRequest>,
) -> Result<impl IntoResponse, ApiError> {
    let ctx = caller.ctx;
    deletion::delete_account(&state, &ctx, &body.password, &body.confirm)
        .await
        .map_err(|e| e.to_app_error(ctx.locale))?;
    Ok((
        StatusCode::NO_CONTENT,
        cookie_header(&auth_session::clear_cookie(state.settings.secure_cookies)),
    ))
}

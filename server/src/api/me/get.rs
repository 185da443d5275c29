//! `GET /api/v1/me`

use axum::extract::State;
use axum::Json;

use app::backend::{accounts::users, AppState};
use app::model::User;

use crate::api::caller::Caller;
use crate::api::error::{ApiError, ErrorBody};

/// The signed-in user (cookie or `Authorization: Bearer`).
#[utoipa::path(
    get,
    path = "/api/v1/me",
    tag = "accounts",
    responses(
        (status = 200, description = "The signed-in user", body = User),
        (status = 401, description = "Not signed in", body = ErrorBody),
    )
)]
pub async fn me(State(state): State<AppState>, caller: Caller) -> Result<Json<User>, ApiError> {
    let ctx = caller.ctx;
    users::require_user(&state, &ctx)
        .await
        .map(Json)
        .map_err(|e| e.to_app_error(ctx.locale).into())
}

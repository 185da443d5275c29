//! `POST /api/v1/teachers`

use axum::extract::State;
use axum::Json;

use app::backend::{accounts::users, AppState};
use app::model::User;

use crate::api::caller::Caller;
use crate::api::error::{ApiError, ErrorBody};

/// Become a teacher (idempotent); returns the user with `is_teacher: true`.
#[utoipa::path(
    post,
    path = "/api/v1/teachers",
    tag = "accounts",
    responses(
        (status = 200, description = "The user, now a teacher", body = User),
        (status = 401, description = "Not signed in", body = ErrorBody),
    )
)]
pub async fn become_teacher(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<Json<User>, ApiError> {
    let ctx = caller.ctx;
    users::become_teacher(&state, &ctx)
        .await
        .map(Json)
        .map_err(|e| e.to_app_error(ctx.locale).into())
}

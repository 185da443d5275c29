//! `GET /api/v1/courses`

use axum::extract::State;
use axum::Json;

use app::backend::{catalog::courses, AppState};
use app::model::course::Course;

use crate::api::caller::Caller;
use crate::api::error::{ApiError, ErrorBody};

/// Published courses, newest first. Lesson links appear only on courses the
/// caller teaches or is enrolled in.
#[utoipa::path(
    get,
    path = "/api/v1/courses",
    tag = "courses",
    responses(
        (status = 200, description = "Published courses", body = Vec<Course>),
        (status = 500, description = "Internal error", body = ErrorBody),
    )
)]
pub async fn list_courses(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<Json<Vec<Course>>, ApiError> {
    let ctx = caller.ctx;
    courses::list_published(&state, &ctx)
        .await
        .map(Json)
        .map_err(|e| e.to_app_error(ctx.locale).into())
}

//! `GET /api/v1/courses/{id}`

use axum::extract::State;
use axum::Json;

use app::backend::{catalog::courses, AppState};
use app::model::course::Course;

use crate::api::caller::Caller;
use crate::api::error::{ApiError, ErrorBody};
use crate::api::id::IdPath;

/// One published course (or your own draft). Lesson titles are public; the
/// lesson links are given only to its teacher and its enrolled students.
#[utoipa::path(
    get,
    path = "/api/v1/courses/{id}",
    tag = "courses",
    params(("id" = String, Path, description = "Course id")),
    responses(
        (status = 200, description = "The course", body = Course),
        (status = 404, description = "No such published course", body = ErrorBody),
        (status = 422, description = "The id or body holds control characters, or the body is malformed", body = ErrorBody),
    )
)]
pub async fn get_course(
    State(state): State<AppState>,
    caller: Caller,
    IdPath(id): IdPath,
) -> Result<Json<Course>, ApiError> {
    let ctx = caller.ctx;
    courses::get(&state, &ctx, &id)
        .await
        .map(Json)
        .map_err(|e| e.to_app_error(ctx.locale).into())
}

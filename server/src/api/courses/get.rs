//! `GET /api/v1/courses/{id}`

use axum::extract::{Path, State};
use axum::Json;

use app::backend::{catalog::courses, AppState};
use app::model::course::Course;

use crate::api::caller::Caller;
use crate::api::error::{ApiError, ErrorBody};

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
    )
)]
pub async fn get_course(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Json<Course>, ApiError> {
    let ctx = caller.ctx;
    courses::get(&state, &ctx, &id)
        .await
        .map(Json)
        .map_err(|e| e.to_app_error(ctx.locale).into())
}

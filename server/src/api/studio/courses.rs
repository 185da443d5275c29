//! `POST /api/v1/studio/courses`

use axum::extract::State;
use axum::Json;

use app::backend::{catalog::courses, AppState};
use app::model::course::{Course, CourseInput};

use crate::api::caller::Caller;
use crate::api::error::{ApiError, ErrorBody};
use crate::api::json::ApiJson;

/// Create a course, or update one of your own when `id` is given. The
/// lessons sent replace the course's lessons, in order. Publishing a paid
/// course needs a payout account that can take charges.
#[utoipa::path(
    post,
    path = "/api/v1/studio/courses",
    tag = "studio",
    request_body = CourseInput,
    responses(
        (status = 200, description = "The saved course", body = Course),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Not a teacher, or another teacher's course", body = ErrorBody),
        (status = 404, description = "No such course", body = ErrorBody),
        (status = 409, description = "payments_not_enabled: a paid course cannot be published yet", body = ErrorBody),
        (status = 422, description = "A rule was broken; the message says which", body = ErrorBody),
    )
)]
pub async fn save_course(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(input): ApiJson<CourseInput>,
) -> Result<Json<Course>, ApiError> {
    let ctx = caller.ctx;
    courses::save(&state, &ctx, &input)
        .await
        .map(Json)
        .map_err(|e| e.to_app_error(ctx.locale).into())
}

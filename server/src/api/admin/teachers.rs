//! `GET /api/v1/admin/teachers` and `PATCH /api/v1/admin/teachers/{id}`

use axum::extract::State;
use axum::Json;
use serde::Deserialize;

use app::backend::{admin::teachers, AppState};
use app::model::admin::{AdminTeacher, TeacherChange};

use crate::api::caller::Caller;
use crate::api::error::{ApiError, ErrorBody};
use crate::api::id::IdPath;
use crate::api::json::ApiJson;
use crate::api::query::ApiQuery;

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct TeacherSearch {
    /// Part of the teacher's name or email.
    pub q: Option<String>,
}

/// Every teacher (or those matching `q`) with Connect status, sales and
/// refunds per currency, share of new sales and suspension.
#[utoipa::path(
    get,
    path = "/api/v1/admin/teachers",
    tag = "admin",
    params(TeacherSearch),
    responses(
        (status = 200, description = "Teachers by name", body = Vec<AdminTeacher>),
        (status = 404, description = "Not an admin", body = ErrorBody),
    )
)]
pub async fn list(
    State(state): State<AppState>,
    caller: Caller,
    ApiQuery(search): ApiQuery<TeacherSearch>,
) -> Result<Json<Vec<AdminTeacher>>, ApiError> {
    let ctx = caller.ctx;
    teachers::list(&state, &ctx, search.q.as_deref())
        .await
        .map(Json)
        .map_err(|e| e.to_app_error(ctx.locale).into())
}

/// Changes a teacher's share of new sales (orders already made keep their
/// fee) and/or suspends them (sessions and courses hidden, new checkouts
/// refused; bookings already made stay). Audited.
#[utoipa::path(
    patch,
    path = "/api/v1/admin/teachers/{id}",
    tag = "admin",
    params(("id" = String, Path, description = "Teacher id")),
    request_body = TeacherChange,
    responses(
        (status = 200, description = "The teacher as they now are", body = AdminTeacher),
        (status = 404, description = "Not an admin, or no such teacher", body = ErrorBody),
        (status = 422, description = "Nothing to change, or a share outside 0–100", body = ErrorBody),
    )
)]
pub async fn update(
    State(state): State<AppState>,
    caller: Caller,
    IdPath(id): IdPath,
    ApiJson(change): ApiJson<TeacherChange>,
) -> Result<Json<AdminTeacher>, ApiError> {
    let ctx = caller.ctx;
    teachers::update(&state, &ctx, &id, &change)
        .await
        .map(Json)
        .map_err(|e| e.to_app_error(ctx.locale).into())
}

//! `GET /api/v1/sessions/{id}/slots`

use axum::extract::State;
use axum::Json;

use app::backend::{catalog::slots, AppState};
use app::model::session::Slot;

use crate::api::caller::Caller;
use crate::api::error::{ApiError, ErrorBody};
use crate::api::id::IdPath;

/// The slots of a published session (or your own draft), with seats left
/// and availability.
#[utoipa::path(
    get,
    path = "/api/v1/sessions/{id}/slots",
    tag = "sessions",
    params(("id" = String, Path, description = "Session id")),
    responses(
        (status = 200, description = "Slots in time order", body = Vec<Slot>),
        (status = 404, description = "No such published session", body = ErrorBody),
        (status = 422, description = "The id or body holds control characters, or the body is malformed", body = ErrorBody),
    )
)]
pub async fn list_slots(
    State(state): State<AppState>,
    caller: Caller,
    IdPath(session_id): IdPath,
) -> Result<Json<Vec<Slot>>, ApiError> {
    let ctx = caller.ctx;
    slots::list(&state, &ctx, &session_id)
        .await
        .map(Json)
        .map_err(|e| e.to_app_error(ctx.locale).into())
}

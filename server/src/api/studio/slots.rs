//! `POST /api/v1/studio/sessions/{id}/slots`, `PATCH /api/v1/studio/slots/{id}`,
//! `DELETE /api/v1/studio/slots/{id}`

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use chrono::{DateTime, Utc};
use serde::Deserialize;

use app::backend::catalog::slots::{self, SlotPatch};
use app::backend::AppState;
use app::model::join::Attendance;
use app::model::session::Slot;

use crate::api::caller::Caller;
use crate::api::error::{ApiError, ErrorBody};
use crate::api::id::IdPath;
use crate::api::json::ApiJson;

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct NewSlot {
    pub start_at: DateTime<Utc>,
    pub end_at: DateTime<Utc>,
    /// Defaults to the session's capacity.
    pub seats_total: Option<i64>,
}

/// Add a slot to one of your sessions (15-minute boundaries, 15–240 minutes,
/// in the future, never overlapping another of your slots).
#[utoipa::path(
    post,
    path = "/api/v1/studio/sessions/{id}/slots",
    tag = "studio",
    params(("id" = String, Path, description = "Session id")),
    request_body = NewSlot,
    responses(
        (status = 201, description = "The new slot", body = Slot),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Not your session", body = ErrorBody),
        (status = 404, description = "No such session", body = ErrorBody),
        (status = 409, description = "Overlaps another of your slots", body = ErrorBody),
        (status = 422, description = "Times or seats break a rule", body = ErrorBody),
    )
)]
pub async fn add_slot(
    State(state): State<AppState>,
    caller: Caller,
    IdPath(session_id): IdPath,
    ApiJson(body): ApiJson<NewSlot>,
) -> Result<(StatusCode, Json<Slot>), ApiError> {
    let ctx = caller.ctx;
    slots::add(
        &state,
        &ctx,
        &session_id,
        body.start_at,
        body.end_at,
        body.seats_total,
    )
    .await
    .map(|slot| (StatusCode::CREATED, Json(slot)))
    .map_err(|e| e.to_app_error(ctx.locale).into())
}

/// Move, resize or change the seats of one of your slots.
#[utoipa::path(
    patch,
    path = "/api/v1/studio/slots/{id}",
    tag = "studio",
    params(("id" = String, Path, description = "Slot id")),
    request_body = SlotPatch,
    responses(
        (status = 200, description = "The changed slot", body = Slot),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Not your slot", body = ErrorBody),
        (status = 409, description = "Overlaps another of your slots", body = ErrorBody),
        (status = 422, description = "Times or seats break a rule", body = ErrorBody),
        (status = 404, description = "No such id", body = ErrorBody),
    )
)]
pub async fn update_slot(
    State(state): State<AppState>,
    caller: Caller,
    IdPath(slot_id): IdPath,
    ApiJson(patch): ApiJson<SlotPatch>,
) -> Result<Json<Slot>, ApiError> {
    let ctx = caller.ctx;
    slots::update(&state, &ctx, &slot_id, &patch)
        .await
        .map(Json)
        .map_err(|e| e.to_app_error(ctx.locale).into())
}

/// Delete one of your slots; refused while it has bookings.
#[utoipa::path(
    delete,
    path = "/api/v1/studio/slots/{id}",
    tag = "studio",
    params(("id" = String, Path, description = "Slot id")),
    responses(
        (status = 204, description = "Deleted"),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Not your slot", body = ErrorBody),
        (status = 409, description = "The slot has bookings", body = ErrorBody),
        (status = 404, description = "No such id", body = ErrorBody),
        (status = 422, description = "The id or body holds control characters, or the body is malformed", body = ErrorBody),
    )
)]
pub async fn delete_slot(
    State(state): State<AppState>,
    caller: Caller,
    IdPath(slot_id): IdPath,
) -> Result<StatusCode, ApiError> {
    let ctx = caller.ctx;
    slots::delete(&state, &ctx, &slot_id)
        .await
        .map(|()| StatusCode::NO_CONTENT)
        .map_err(|e| e.to_app_error(ctx.locale).into())
}

/// Cancel one of your slots: nobody can book it any more, every booking on
/// it is refunded in full (once) and every student is emailed.
#[utoipa::path(
    post,
    path = "/api/v1/studio/slots/{id}/cancel",
    tag = "studio",
    params(("id" = String, Path, description = "Slot id")),
    responses(
        (status = 200, description = "How many bookings were refunded", body = CancelledSlot),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Not your slot", body = ErrorBody),
        (status = 404, description = "No such slot", body = ErrorBody),
        (status = 422, description = "The id or body holds control characters, or the body is malformed", body = ErrorBody),
    )
)]
pub async fn cancel_slot(
    State(state): State<AppState>,
    caller: Caller,
    IdPath(id): IdPath,
) -> Result<Json<CancelledSlot>, ApiError> {
    let ctx = caller.ctx;
    app::backend::booking::orders::cancel_slot(&state, &ctx, &id)
        .await
        .map(|refunded| Json(CancelledSlot { refunded }))
        .map_err(|e| e.to_app_error(ctx.locale).into())
}

#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct CancelledSlot {
    /// Bookings refunded.
    pub refunded: usize,
}

/// Who booked one of your slots, whether and when they joined, and how
/// many of the booked joined. For the slot's teacher only.
#[utoipa::path(
    get,
    path = "/api/v1/studio/slots/{id}/attendees",
    tag = "studio",
    params(("id" = String, Path, description = "Slot id")),
    responses(
        (status = 200, description = "The attendee list", body = Attendance),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Another teacher's slot, or not a teacher", body = ErrorBody),
        (status = 404, description = "No such slot", body = ErrorBody),
        (status = 422, description = "The id holds control characters", body = ErrorBody),
    )
)]
pub async fn attendees(
    State(state): State<AppState>,
    caller: Caller,
    IdPath(id): IdPath,
) -> Result<Json<Attendance>, ApiError> {
    let ctx = caller.ctx;
    app::backend::attendance::attendees::list(&state, &ctx, &id)
        .await
        .map(Json)
        .map_err(|e| e.to_app_error(ctx.locale).into())
}

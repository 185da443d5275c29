//! The teacher's studio: sessions and slots of the signed-in teacher.

use chrono::{DateTime, Utc};
use leptos::prelude::*;

use crate::model::join::Attendance;
use crate::model::session::{Session, SessionInput, Slot};
use crate::model::AppError;

#[cfg(feature = "ssr")]
use {
    super::context::request,
    crate::backend::{catalog::sessions, catalog::slots},
};

/// All of the teacher's sessions, drafts included.
#[server]
pub async fn my_sessions() -> Result<Vec<Session>, AppError> {
    let (state, ctx) = request().await?;
    sessions::list_own(&state, &ctx, None)
        .await
        .map_err(|e| e.to_app_error(ctx.locale))
}

/// Creates (no id) or updates a session.
#[server(input = server_fn::codec::Json)]
pub async fn save_session(input: SessionInput) -> Result<Session, AppError> {
    let (state, ctx) = request().await?;
    sessions::save(&state, &ctx, &input)
        .await
        .map_err(|e| e.to_app_error(ctx.locale))
}

/// The teacher's slots in a range (the week on screen).
#[server]
pub async fn my_slots(from: DateTime<Utc>, to: DateTime<Utc>) -> Result<Vec<Slot>, AppError> {
    let (state, ctx) = request().await?;
    slots::list_own_between(&state, &ctx, from, to)
        .await
        .map_err(|e| e.to_app_error(ctx.locale))
}

#[server]
pub async fn add_slot(
    session_id: String,
    start_at: DateTime<Utc>,
    end_at: DateTime<Utc>,
) -> Result<Slot, AppError> {
    let (state, ctx) = request().await?;
    slots::add(&state, &ctx, &session_id, start_at, end_at, None)
        .await
        .map_err(|e| e.to_app_error(ctx.locale))
}

/// Moves a slot, keeping its length.
#[server]
pub async fn move_slot(
    slot_id: String,
    start_at: DateTime<Utc>,
    end_at: DateTime<Utc>,
) -> Result<Slot, AppError> {
    let (state, ctx) = request().await?;
    let patch = slots::SlotPatch {
        start_at: Some(start_at),
        end_at: Some(end_at),
        ..Default::default()
    };
    slots::update(&state, &ctx, &slot_id, &patch)
        .await
        .map_err(|e| e.to_app_error(ctx.locale))
}

#[server]
pub async fn delete_slot(slot_id: String) -> Result<(), AppError> {
    let (state, ctx) = request().await?;
    slots::delete(&state, &ctx, &slot_id)
        .await
        .map_err(|e| e.to_app_error(ctx.locale))
}

/// Gives a slot its own room (an empty `room_url` goes back to the session's).
#[server]
pub async fn set_slot_room(slot_id: String, room_url: String) -> Result<Slot, AppError> {
    let (state, ctx) = request().await?;
    let patch = slots::SlotPatch {
        room_url: Some(room_url),
        ..Default::default()
    };
    slots::update(&state, &ctx, &slot_id, &patch)
        .await
        .map_err(|e| e.to_app_error(ctx.locale))
}

/// Who booked one of the teacher's slots, and who joined.
#[server]
pub async fn slot_attendees(slot_id: String) -> Result<Attendance, AppError> {
    let (state, ctx) = request().await?;
    crate::backend::attendance::attendees::list(&state, &ctx, &slot_id)
        .await
        .map_err(|e| e.to_app_error(ctx.locale))
}

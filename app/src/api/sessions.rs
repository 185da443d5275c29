//! What students and visitors read: published sessions and their slots.

use leptos::prelude::*;

use crate::model::session::{Session, Slot};
use crate::model::AppError;

#[cfg(feature = "ssr")]
use {
    super::context::request,
    crate::backend::{catalog::sessions, catalog::slots},
};

/// Published sessions with a slot still to come, soonest first.
#[server]
pub async fn upcoming_sessions() -> Result<Vec<Session>, AppError> {
    let (state, ctx) = request().await?;
    sessions::list_published(&state, &ctx, state.clock.now_utc(), 100)
        .await
        .map_err(|e| e.to_app_error(ctx.locale))
}

/// Past sessions with a recording ("Tidigare sändningar").
#[server]
pub async fn past_sessions() -> Result<Vec<Session>, AppError> {
    let (state, ctx) = request().await?;
    sessions::list_past_with_recording(&state, &ctx, 50)
        .await
        .map_err(|e| e.to_app_error(ctx.locale))
}

/// One session and its slots, if the caller may see it.
#[server]
pub async fn session_with_slots(id: String) -> Result<(Session, Vec<Slot>), AppError> {
    let (state, ctx) = request().await?;
    let session = sessions::get(&state, &ctx, &id)
        .await
        .map_err(|e| e.to_app_error(ctx.locale))?;
    let slots = slots::list(&state, &ctx, &id)
        .await
        .map_err(|e| e.to_app_error(ctx.locale))?;
    Ok((session, slots))
}

//! Personal calendar feeds (`/calendar/{token}.ics`): a student's bookings
//! from 30 days back on, and for a teacher also their own slots with
//! booked/total seats. Each booking keeps its invitation's UID and SEQUENCE,
//! so a subscribed calendar and an imported invitation are the same event;
//! the join link is its URL. No attendee appears in it.
//!
//! The address is made on first use and can be rotated: only the current
//! token's hash is stored, so an old address answers 404 at once.

use anyhow::Context;
use chrono::DateTime;
use sqlx::Row;

use crate::backend::accounts::users;
use crate::backend::attendance::join::JoinError;
use crate::backend::mail::invitations::{self, FeedEvent};
use crate::backend::{links, AppState, RequestContext};

/// How far back the feed reaches.
const PAST_SECS: i64 = 30 * 86_400;

/// The signed-in user's feed address, made on first use; `rotate` issues a
/// new one and retires the old.
pub async fn address(
    state: &AppState,
    ctx: &RequestContext,
    rotate: bool,
) -> Result<String, JoinError> {
    let user = users::require_user(state, ctx).await?;
    let generation: i64 =
        sqlx::query_scalar("SELECT calendar_feed_generation FROM users WHERE id = $1")
            .bind(&user.id)
            .fetch_one(state.db.pool())
            .await?;
    let generation = if rotate || generation == 0 {
        let next = generation + 1;
        let token = links::feed_token(&state.settings, &user.id, next);
        // Conditional on the generation read: of two concurrent rotations one
        // wins, and the loser's answer is re-read below.
        sqlx::query(
            "UPDATE users SET calendar_feed_generation = $2, calendar_feed_hash = $3, updated_at = $4 \
             WHERE id = $1 AND calendar_feed_generation = $5",
        )
        .bind(&user.id)
        .bind(next)
        .bind(links::token_hash(&token))
        .bind(state.clock.now())
        .bind(generation)
        .execute(state.db.pool())
        .await?;
        sqlx::query_scalar("SELECT calendar_feed_generation FROM users WHERE id = $1")
            .bind(&user.id)
            .fetch_one(state.db.pool())
            .await?
    } else {
        generation
    };
    Ok(links::feed_url(&state.settings, &user.id, generation))
}

/// The feed behind a token (`{token}`, without `.ics`).
pub async fn feed(state: &AppState, token: &str) -> Result<String, JoinError> {
    if !links::looks_like_token(token) {
        return Err(JoinError::NotFound);
    }
    let user_id: String = sqlx::query_scalar("SELECT id FROM users WHERE calendar_feed_hash = $1")
        .bind(links::token_hash(token))
        .fetch_optional(state.db.pool())
        .await?
        .ok_or(JoinError::NotFound)?;
    let since = state.clock.now() - PAST_SECS;
    let instant =
        |secs: i64| DateTime::from_timestamp(secs, 0).with_context(|| format!("instant {secs}"));
    // The student's bookings, and (one query) the teacher's own slots.
    let bookings = sqlx::query(
        "SELECT o.id, s.title, u.display_name AS teacher_name, sl.start_at, sl.end_at, sl.sequence \
         FROM orders o JOIN session_slots sl ON sl.id = o.slot_id JOIN sessions s ON s.id = o.session_id \
         JOIN teachers t ON t.id = s.teacher_id JOIN users u ON u.id = t.user_id \
         WHERE o.user_id = $1 AND o.status = 'paid' AND o.hold_active = 1 \
           AND sl.status = 'scheduled' AND sl.end_at >= $2 ORDER BY sl.start_at, o.id",
    )
    .bind(&user_id)
    .bind(since)
    .fetch_all(state.db.pool())
    .await?;
    let slots = sqlx::query(
        "SELECT sl.id, s.title, sl.start_at, sl.end_at, sl.sequence, sl.seats_total, \
           (SELECT COUNT(*) FROM orders o WHERE o.slot_id = sl.id AND o.status = 'paid' \
              AND o.hold_active = 1) AS booked \
         FROM session_slots sl JOIN sessions s ON s.id = sl.session_id \
         JOIN teachers t ON t.id = s.teacher_id \
         WHERE t.user_id = $1 AND sl.status = 'scheduled' AND sl.end_at >= $2 \
         ORDER BY sl.start_at, sl.id",
    )
    .bind(&user_id)
    .bind(since)
    .fetch_all(state.db.pool())
    .await?;
    let titles: Vec<String> = bookings
        .iter()
        .chain(&slots)
        .map(|row| row.try_get("title"))
        .collect::<Result<_, _>>()?;
    let mut events = Vec::with_capacity(titles.len());
    for (row, title) in bookings.iter().zip(&titles) {
        let order_id: String = row.try_get("id")?;
        let teacher: String = row.try_get("teacher_name")?;
        events.push(FeedEvent {
            uid: format!("{order_id}@aveli"),
            title,
            description: teacher,
            start: instant(row.try_get("start_at")?)?,
            end: instant(row.try_get("end_at")?)?,
            url: links::join_url(&state.settings, &order_id),
            sequence: u32::try_from(row.try_get::<i64, _>("sequence")?).unwrap_or(u32::MAX),
        });
    }
    for (row, title) in slots.iter().zip(&titles[bookings.len()..]) {
        let slot_id: String = row.try_get("id")?;
        let booked: i64 = row.try_get("booked")?;
        let total: i64 = row.try_get("seats_total")?;
        events.push(FeedEvent {
            uid: format!("slot-{slot_id}@aveli"),
            title,
            description: format!("{booked}/{total}"),
            start: instant(row.try_get("start_at")?)?,
            end: instant(row.try_get("end_at")?)?,
            url: links::start_url(&state.settings, &slot_id),
            sequence: u32::try_from(row.try_get::<i64, _>("sequence")?).unwrap_or(u32::MAX),
        });
    }
    Ok(invitations::feed("Aveli", &events, state.clock.now_utc()))
}

//! Slots: the bookable times of a session. A teacher's slots never overlap,
//! also when requests race: every change that could create an overlap first
//! takes the teacher's row lock (an UPDATE of the `teachers` row), so such
//! changes for one teacher run one at a time — on PostgreSQL by the row lock,
//! on SQLite because the first statement is a write and SQLite admits one
//! writer (the others wait on the busy timeout). The overlap check and the
//! write then happen in the same transaction.

use chrono::{DateTime, Utc};
use sqlx::any::AnyRow;
use sqlx::{Any, Row, Transaction};

use crate::backend::accounts::teachers::require_teacher;
use crate::backend::catalog::sessions::{self, instant, owner_refusal, SessionError};
use crate::backend::mail::receipts;
use crate::backend::{new_id, AppState, RequestContext};
use crate::model::session::{check_slot_times, valid_room_url, SessionRule, Slot};

fn slot_from_row(row: &AnyRow, at: DateTime<Utc>) -> Result<Slot, SessionError> {
    Ok(Slot::new(
        row.try_get("id")?,
        row.try_get("session_id")?,
        instant(row.try_get("start_at")?)?,
        instant(row.try_get("end_at")?)?,
        row.try_get("seats_total")?,
        row.try_get("seats_taken")?,
        at,
    ))
}

const SLOT_COLUMNS: &str = "id, session_id, start_at, end_at, seats_total, seats_taken";

/// A slot with its own room, for its teacher's eyes (the studio).
fn own_slot_from_row(row: &AnyRow, at: DateTime<Utc>) -> Result<Slot, SessionError> {
    Ok(Slot {
        room_url: row.try_get("room_url")?,
        ..slot_from_row(row, at)?
    })
}

/// The scheduled slots of a session the caller may see, in time order.
pub async fn list(
    state: &AppState,
    ctx: &RequestContext,
    session_id: &str,
) -> Result<Vec<Slot>, SessionError> {
    // Visibility rules live in `sessions::get`: drafts only for their teacher.
    sessions::get(state, ctx, session_id).await?;
    let rows = sqlx::query(&format!(
        "SELECT {SLOT_COLUMNS} FROM session_slots WHERE session_id = $1 AND status = 'scheduled' \
         ORDER BY start_at, id"
    ))
    .bind(session_id)
    .fetch_all(state.db.pool())
    .await?;
    let at = state.clock.now_utc();
    rows.iter().map(|row| slot_from_row(row, at)).collect()
}

/// The teacher's scheduled slots overlapping a time range (the studio week).
pub async fn list_own_between(
    state: &AppState,
    ctx: &RequestContext,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Result<Vec<Slot>, SessionError> {
    let (_, teacher_id) = require_teacher(state, ctx).await?;
    let rows = sqlx::query(
        "SELECT sl.id, sl.session_id, sl.start_at, sl.end_at, sl.seats_total, sl.seats_taken, \
         sl.room_url FROM session_slots sl JOIN sessions s ON s.id = sl.session_id \
         WHERE s.teacher_id = $1 AND sl.status = 'scheduled' AND sl.start_at < $3 AND sl.end_at > $2 \
         ORDER BY sl.start_at, sl.id",
    )
    .bind(&teacher_id)
    .bind(from.timestamp())
    .bind(to.timestamp())
    .fetch_all(state.db.pool())
    .await?;
    let at = state.clock.now_utc();
    rows.iter().map(|row| own_slot_from_row(row, at)).collect()
}

/// Serialises slot changes of one teacher (see the module comment).
async fn lock_teacher(
    tx: &mut Transaction<'_, Any>,
    teacher_id: &str,
    now: i64,
) -> Result<(), SessionError> {
    sqlx::query("UPDATE teachers SET updated_at = $1 WHERE id = $2")
        .bind(now)
        .bind(teacher_id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

async fn check_no_overlap(
    tx: &mut Transaction<'_, Any>,
    teacher_id: &str,
    start: i64,
    end: i64,
    except_slot: &str,
) -> Result<(), SessionError> {
    let clash: Option<String> = sqlx::query_scalar(
        "SELECT sl.id FROM session_slots sl JOIN sessions s ON s.id = sl.session_id \
         WHERE s.teacher_id = $1 AND sl.status = 'scheduled' AND sl.start_at < $3 AND sl.end_at > $2 \
           AND sl.id <> $4 LIMIT 1",
    )
    .bind(teacher_id)
    .bind(start)
    .bind(end)
    .bind(except_slot)
    .fetch_optional(&mut **tx)
    .await?;
    match clash {
        Some(_) => Err(SessionRule::SlotOverlap.into()),
        None => Ok(()),
    }
}

/// `session.start_at`/`end_at` follow the session's scheduled slots.
async fn refresh_span(
    tx: &mut Transaction<'_, Any>,
    session_id: &str,
    now: i64,
) -> Result<(), SessionError> {
    sqlx::query(
        "UPDATE sessions SET \
           start_at = (SELECT MIN(start_at) FROM session_slots WHERE session_id = $1 AND status = 'scheduled'), \
           end_at = (SELECT MAX(end_at) FROM session_slots WHERE session_id = $1 AND status = 'scheduled'), \
           updated_at = $2 \
         WHERE id = $1",
    )
    .bind(session_id)
    .bind(now)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

async fn fetch_slot(
    tx: &mut Transaction<'_, Any>,
    slot_id: &str,
    now: DateTime<Utc>,
) -> Result<Slot, SessionError> {
    let row = sqlx::query(&format!(
        "SELECT {SLOT_COLUMNS}, room_url FROM session_slots WHERE id = $1"
    ))
    .bind(slot_id)
    .fetch_one(&mut **tx)
    .await?;
    own_slot_from_row(&row, now)
}

/// Adds a slot to one of the teacher's sessions. `seats` defaults to the
/// session's capacity.
pub async fn add(
    state: &AppState,
    ctx: &RequestContext,
    session_id: &str,
    start_at: DateTime<Utc>,
    end_at: DateTime<Utc>,
    seats: Option<i64>,
) -> Result<Slot, SessionError> {
    check_slot_times(start_at, end_at, state.clock.now_utc())?;
    if seats.is_some_and(|s| !(1..=500).contains(&s)) {
        return Err(SessionRule::Capacity.into());
    }
    let (_, teacher_id) = require_teacher(state, ctx).await?;
    let mut tx = state.db.pool().begin().await?;
    lock_teacher(&mut tx, &teacher_id, state.clock.now()).await?;
    let capacity: Option<i64> =
        sqlx::query_scalar("SELECT capacity FROM sessions WHERE id = $1 AND teacher_id = $2")
            .bind(session_id)
            .bind(&teacher_id)
            .fetch_optional(&mut *tx)
            .await?;
    let Some(capacity) = capacity else {
        drop(tx);
        return Err(owner_refusal(state, "sessions", session_id).await?);
    };
    check_no_overlap(
        &mut tx,
        &teacher_id,
        start_at.timestamp(),
        end_at.timestamp(),
        "",
    )
    .await?;
    let id = new_id();
    let at = state.clock.now();
    sqlx::query(
        "INSERT INTO session_slots (id, session_id, start_at, end_at, seats_total, seats_taken, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, 0, $6, $6)",
    )
    .bind(&id)
    .bind(session_id)
    .bind(start_at.timestamp())
    .bind(end_at.timestamp())
    .bind(seats.unwrap_or(capacity))
    .bind(at)
    .execute(&mut *tx)
    .await?;
    refresh_span(&mut tx, session_id, state.clock.now()).await?;
    let slot = fetch_slot(&mut tx, &id, state.clock.now_utc()).await?;
    tx.commit().await?;
    Ok(slot)
}

/// What a move, resize or seat change sends; absent fields stay as they are.
#[derive(Debug, Clone, Default, serde::Deserialize, serde::Serialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct SlotPatch {
    pub start_at: Option<DateTime<Utc>>,
    pub end_at: Option<DateTime<Utc>>,
    pub seats_total: Option<i64>,
    /// The slot's own room (https); an empty string clears it, so the
    /// session's room is used again.
    pub room_url: Option<String>,
}

/// Moves, resizes or re-seats one of the teacher's slots.
pub async fn update(
    state: &AppState,
    ctx: &RequestContext,
    slot_id: &str,
    patch: &SlotPatch,
) -> Result<Slot, SessionError> {
    let (_, teacher_id) = require_teacher(state, ctx).await?;
    let mut tx = state.db.pool().begin().await?;
    lock_teacher(&mut tx, &teacher_id, state.clock.now()).await?;
    let room = match &patch.room_url {
        Some(url) => Some(valid_room_url(Some(url))?),
        None => None,
    };
    let row = sqlx::query(
        "SELECT sl.session_id, sl.start_at, sl.end_at, sl.seats_total, sl.seats_taken, sl.room_url \
         FROM session_slots sl JOIN sessions s ON s.id = sl.session_id \
         WHERE sl.id = $1 AND s.teacher_id = $2 AND sl.status = 'scheduled'",
    )
    .bind(slot_id)
    .bind(&teacher_id)
    .fetch_optional(&mut *tx)
    .await?;
    let Some(row) = row else {
        drop(tx);
        return Err(owner_refusal(state, "session_slots", slot_id).await?);
    };
    let session_id: String = row.try_get("session_id")?;
    let old_start: i64 = row.try_get("start_at")?;
    let old_end: i64 = row.try_get("end_at")?;
    let seats_taken: i64 = row.try_get("seats_taken")?;
    let start = patch.start_at.map(|t| t.timestamp()).unwrap_or(old_start);
    let end = patch.end_at.map(|t| t.timestamp()).unwrap_or(old_end);
    let seats_total = patch.seats_total.unwrap_or(row.try_get("seats_total")?);
    let room_url: Option<String> = room.unwrap_or(row.try_get("room_url")?);
    let moved = start != old_start || end != old_end;

    if moved {
        check_slot_times(instant(start)?, instant(end)?, state.clock.now_utc())?;
        check_no_overlap(&mut tx, &teacher_id, start, end, slot_id).await?;
    }
    if !(1..=500).contains(&seats_total) {
        return Err(SessionRule::Capacity.into());
    }
    if seats_total < seats_taken {
        return Err(SessionRule::SeatsBelowTaken.into());
    }
    // The seats condition is repeated in SQL: a booking may have landed
    // since the read, and the CHECK constraint is the last word anyway.
    let done = sqlx::query(
        "UPDATE session_slots SET start_at = $1, end_at = $2, seats_total = $3, updated_at = $4, \
         room_url = $6, sequence = sequence + $7 WHERE id = $5 AND seats_taken <= $3",
    )
    .bind(start)
    .bind(end)
    .bind(seats_total)
    .bind(state.clock.now())
    .bind(slot_id)
    .bind(room_url.as_deref())
    .bind(i64::from(moved))
    .execute(&mut *tx)
    .await?;
    if done.rows_affected() == 0 {
        return Err(SessionRule::SeatsBelowTaken.into());
    }
    refresh_span(&mut tx, &session_id, state.clock.now()).await?;
    if moved {
        // Every attendee hears of the new time, in this transaction: the
        // move and its emails land together or not at all. A new room
        // needs no email: the join link stays the same.
        receipts::queue_slot_moved(&mut tx, &state.settings, slot_id, state.clock.now())
            .await
            .map_err(SessionError::Unexpected)?;
    }
    let slot = fetch_slot(&mut tx, slot_id, state.clock.now_utc()).await?;
    tx.commit().await?;
    Ok(slot)
}

/// Deletes one of the teacher's slots that nobody has booked.
pub async fn delete(
    state: &AppState,
    ctx: &RequestContext,
    slot_id: &str,
) -> Result<(), SessionError> {
    let (_, teacher_id) = require_teacher(state, ctx).await?;
    let mut tx = state.db.pool().begin().await?;
    lock_teacher(&mut tx, &teacher_id, state.clock.now()).await?;
    let row = sqlx::query(
        "SELECT sl.session_id, sl.seats_taken FROM session_slots sl JOIN sessions s ON s.id = sl.session_id \
         WHERE sl.id = $1 AND s.teacher_id = $2",
    )
    .bind(slot_id)
    .bind(&teacher_id)
    .fetch_optional(&mut *tx)
    .await?;
    let Some(row) = row else {
        drop(tx);
        return Err(owner_refusal(state, "session_slots", slot_id).await?);
    };
    let session_id: String = row.try_get("session_id")?;
    let done = sqlx::query("DELETE FROM session_slots WHERE id = $1 AND seats_taken = 0")
        .bind(slot_id)
        .execute(&mut *tx)
        .await;
    let done = match done {
        Ok(done) => done,
        // Orders referencing the slot (foreign key) also mean bookings.
        Err(sqlx::Error::Database(_)) => return Err(SessionRule::SlotHasBookings.into()),
        Err(err) => return Err(err.into()),
    };
    if done.rows_affected() == 0 {
        return Err(SessionRule::SlotHasBookings.into());
    }
    refresh_span(&mut tx, &session_id, state.clock.now()).await?;
    tx.commit().await?;
    Ok(())
}

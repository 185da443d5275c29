//! Reminders before a booked slot, by default 24 hours and 1 hour before
//! the start (`REMINDER_HOURS`), through the outbox:
//! - each active booking gets one per moment, unless it was booked after
//!   that moment (a booking made 3 hours ahead gets only the 1-hour one);
//!   cancelled and refunded bookings get none;
//! - the teacher gets one per slot that has bookings, with the count and
//!   their start link.
//!
//! Exactly once, also with several instances on one database: the due rows
//! are claimed with `FOR UPDATE SKIP LOCKED` on PostgreSQL (one instance
//! works on a row at a time; on SQLite `BEGIN IMMEDIATE` lets one writer in
//! at a time), the emails
//! are queued in the claiming transaction, and each has a dedupe key
//! (`reminder:{order}:{sequence}:{hours}`) that the outbox keeps UNIQUE. A
//! moved slot has a higher sequence, so it is reminded of at its new time.

use std::time::Duration;

use sqlx::Row;

use crate::backend::db::DbKind;
use crate::backend::mail::{emails, outbox, receipts};
use crate::backend::{links, AppState};

/// How often the worker looks for due reminders.
const EVERY: Duration = Duration::from_secs(60);
/// Bookings handled per moment and round.
const BATCH: i64 = 200;

/// Locks the claimed rows on PostgreSQL; SQLite has no row locks.
fn skip_locked(kind: DbKind, table: &str) -> String {
    match kind {
        DbKind::Postgres => format!(" FOR UPDATE OF {table} SKIP LOCKED"),
        DbKind::Sqlite => String::new(),
    }
}

/// Queues every reminder that is due now. Returns how many were queued.
pub async fn send_due(state: &AppState) -> anyhow::Result<usize> {
    let mut queued = 0;
    for &hours in &state.settings.reminder_hours {
        queued += student_reminders(state, hours).await?;
        queued += teacher_reminders(state, hours).await?;
    }
    Ok(queued)
}

async fn student_reminders(state: &AppState, hours: u32) -> anyhow::Result<usize> {
    let before = i64::from(hours) * 3_600;
    let now = state.clock.now();
    let mut tx = state.db.begin_write().await?;
    // Due: the moment has come, the slot has not started, and the booking
    // existed at the moment. Not yet queued: no outbox row with its key.
    let ids: Vec<String> = sqlx::query_scalar(&format!(
        "SELECT o.id FROM orders o JOIN session_slots sl ON sl.id = o.slot_id \
         WHERE o.status = 'paid' AND o.hold_active = 1 AND sl.status = 'scheduled' \
           AND sl.start_at - $1 <= $2 AND sl.start_at > $2 \
           AND COALESCE(o.paid_at, o.created_at) <= sl.start_at - $1 \
           AND NOT EXISTS (SELECT 1 FROM outbox ob WHERE ob.dedupe_key = \
               'reminder:' || o.id || ':' || sl.sequence || ':' || $3) \
         ORDER BY sl.start_at, o.id LIMIT $4{}",
        skip_locked(state.db.kind(), "o")
    ))
    .bind(before)
    .bind(now)
    .bind(hours.to_string())
    .bind(BATCH)
    .fetch_all(&mut *tx)
    .await?;
    let queued = receipts::queue_reminders(&mut tx, &state.settings, &ids, hours, now).await?;
    tx.commit().await?;
    Ok(queued)
}

async fn teacher_reminders(state: &AppState, hours: u32) -> anyhow::Result<usize> {
    let before = i64::from(hours) * 3_600;
    let now = state.clock.now();
    let mut tx = state.db.begin_write().await?;
    let rows = sqlx::query(&format!(
        "SELECT sl.id, sl.start_at, sl.end_at, sl.sequence, s.title, u.email, u.display_name, \
           u.locale, u.time_zone, \
           (SELECT COUNT(*) FROM orders o WHERE o.slot_id = sl.id AND o.status = 'paid' \
              AND o.hold_active = 1) AS booked \
         FROM session_slots sl JOIN sessions s ON s.id = sl.session_id \
         JOIN teachers t ON t.id = s.teacher_id JOIN users u ON u.id = t.user_id \
         WHERE sl.status = 'scheduled' AND sl.start_at - $1 <= $2 AND sl.start_at > $2 \
           AND EXISTS (SELECT 1 FROM orders o WHERE o.slot_id = sl.id AND o.status = 'paid' \
              AND o.hold_active = 1) \
           AND NOT EXISTS (SELECT 1 FROM outbox ob WHERE ob.dedupe_key = \
               'teacher-reminder:' || sl.id || ':' || sl.sequence || ':' || $3) \
         ORDER BY sl.start_at, sl.id LIMIT $4{}",
        skip_locked(state.db.kind(), "sl")
    ))
    .bind(before)
    .bind(now)
    .bind(hours.to_string())
    .bind(BATCH)
    .fetch_all(&mut *tx)
    .await?;
    let mut queued = 0;
    for row in &rows {
        let slot_id: String = row.try_get("id")?;
        let to = receipts::NoticeRow::read(row)?;
        let sequence = u32::try_from(row.try_get::<i64, _>("sequence")?).unwrap_or(u32::MAX);
        let start_url = links::start_url(&state.settings, &slot_id);
        let mail = emails::teacher_reminder(
            &to.to(),
            &slot_id,
            row.try_get("booked")?,
            &start_url,
            hours,
            sequence,
        );
        queued += usize::from(outbox::enqueue(&mut tx, &mail, now).await?);
    }
    tx.commit().await?;
    Ok(queued)
}

/// Runs [`send_due`] every minute.
pub fn spawn_worker(state: AppState) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut every = tokio::time::interval(EVERY);
        loop {
            every.tick().await;
            match send_due(&state).await {
                Ok(0) => {}
                Ok(n) => tracing::info!(reminders = n, "reminders queued"),
                Err(err) => tracing::warn!(error = format!("{err:#}"), "reminders failed"),
            }
        }
    })
}

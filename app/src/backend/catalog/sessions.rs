//! Sessions: a teacher creates and edits them; everyone may list the
//! published ones; drafts stay with their teacher.

use anyhow::Context;
use chrono::{DateTime, Utc};
use sqlx::any::AnyRow;
use sqlx::Row;

use crate::backend::accounts::teachers::require_teacher;
use crate::backend::catalog::recording_access::RecordingAccess;
use crate::backend::mail::receipts;
use crate::backend::{accounts::users, error, new_id, AppState, RequestContext};
use crate::i18n::strings;
use crate::model::session::{Currency, Session, SessionInput, SessionRule, Visibility};
use crate::model::{AppError, ErrorCode, Locale};

#[derive(Debug, thiserror::Error)]
pub enum SessionError {
    #[error(transparent)]
    Rule(#[from] SessionRule),
    #[error("not signed in")]
    Unauthorized,
    #[error("not a teacher")]
    NotTeacher,
    #[error("someone else's session or slot")]
    Forbidden,
    #[error("no such session or slot")]
    NotFound,
    #[error("a paid session needs a payout account that can take charges")]
    PaymentsNotEnabled,
    #[error(transparent)]
    Unexpected(#[from] anyhow::Error),
}

impl From<sqlx::Error> for SessionError {
    fn from(err: sqlx::Error) -> Self {
        SessionError::Unexpected(anyhow::Error::new(err).context("database"))
    }
}

impl From<users::AccountError> for SessionError {
    fn from(err: users::AccountError) -> Self {
        match err {
            users::AccountError::Unauthorized => SessionError::Unauthorized,
            users::AccountError::NotTeacher => SessionError::NotTeacher,
            other => SessionError::Unexpected(anyhow::Error::new(other)),
        }
    }
}

impl SessionError {
    pub fn to_app_error(&self, locale: Locale) -> AppError {
        let s = strings(locale);
        match self {
            SessionError::Rule(
                rule @ (SessionRule::SlotOverlap | SessionRule::SlotHasBookings),
            ) => AppError::new(ErrorCode::Conflict, rule.message(s)),
            SessionError::Rule(rule) => AppError::new(ErrorCode::Validation, rule.message(s)),
            SessionError::Unauthorized => {
                AppError::new(ErrorCode::Unauthorized, s.err_unauthorized)
            }
            SessionError::NotTeacher => AppError::new(ErrorCode::Forbidden, s.err_not_teacher),
            SessionError::Forbidden => AppError::new(ErrorCode::Forbidden, s.err_forbidden),
            SessionError::NotFound => AppError::new(ErrorCode::NotFound, s.err_not_found),
            SessionError::PaymentsNotEnabled => {
                AppError::new(ErrorCode::PaymentsNotEnabled, s.err_payments_not_enabled)
            }
            SessionError::Unexpected(err) => error::internal(err, locale),
        }
    }
}

/// Columns every session query selects, in the order `session_from_row` reads.
const SESSION_COLUMNS: &str =
    "s.id, s.teacher_id, u.display_name AS teacher_name, s.title, s.description, \
     s.start_at, s.end_at, s.capacity, s.price_cents, s.currency, s.visibility, s.recording_url, s.room_url";
const SESSION_JOINS: &str =
    "FROM sessions s JOIN teachers t ON t.id = s.teacher_id JOIN users u ON u.id = t.user_id";

pub(crate) fn instant(secs: i64) -> anyhow::Result<DateTime<Utc>> {
    DateTime::from_timestamp(secs, 0).with_context(|| format!("instant out of range: {secs}"))
}

fn optional_instant(secs: Option<i64>) -> anyhow::Result<Option<DateTime<Utc>>> {
    secs.map(instant).transpose()
}

fn session_from_row(
    row: &AnyRow,
    next_slot_at: Option<i64>,
    access: &RecordingAccess,
) -> anyhow::Result<Session> {
    let id: String = row.try_get("id")?;
    let teacher_id: String = row.try_get("teacher_id")?;
    let currency: String = row.try_get("currency")?;
    let visibility: String = row.try_get("visibility")?;
    let recording_url: Option<String> = row.try_get("recording_url")?;
    let has_recording = recording_url.is_some();
    let room_url: Option<String> = row.try_get("room_url")?;
    Ok(Session {
        recording_url: recording_url.filter(|_| access.allows(&teacher_id, &id)),
        room_url: room_url.filter(|_| access.teaches(&teacher_id)),
        has_recording,
        teacher_name: row.try_get("teacher_name")?,
        title: row.try_get("title")?,
        description: row.try_get("description")?,
        start_at: optional_instant(row.try_get("start_at")?)?,
        end_at: optional_instant(row.try_get("end_at")?)?,
        capacity: row.try_get("capacity")?,
        price_cents: row.try_get("price_cents")?,
        currency: Currency::parse(&currency)
            .with_context(|| format!("stored currency {currency}"))?,
        visibility: Visibility::parse(&visibility)
            .with_context(|| format!("stored visibility {visibility}"))?,
        next_slot_at: optional_instant(next_slot_at)?,
        id,
        teacher_id,
    })
}

/// Creates a session (no `id`) or updates one of the teacher's own.
pub async fn save(
    state: &AppState,
    ctx: &RequestContext,
    input: &SessionInput,
) -> Result<Session, SessionError> {
    let valid = input.validate()?;
    let (_, teacher_id) = require_teacher(state, ctx).await?;
    // The publish gate: money can only be taken once Stripe lets the teacher
    // receive it. Drafts and free sessions need no payout account.
    if valid.visibility == Visibility::Published
        && valid.price_cents > 0
        && !crate::backend::payments::connect::charges_enabled(state, &teacher_id).await?
    {
        return Err(SessionError::PaymentsNotEnabled);
    }
    let at = state.clock.now();
    let id = match &input.id {
        Some(id) => {
            let mut tx = state.db.pool().begin().await?;
            let done = sqlx::query(
                "UPDATE sessions SET title = $1, description = $2, capacity = $3, price_cents = $4, \
                 currency = $5, visibility = $6, recording_url = $7, updated_at = $8, room_url = $11 \
                 WHERE id = $9 AND teacher_id = $10",
            )
            .bind(&valid.title)
            .bind(&valid.description)
            .bind(valid.capacity)
            .bind(valid.price_cents)
            .bind(valid.currency.code())
            .bind(valid.visibility.as_str())
            .bind(valid.recording_url.as_deref())
            .bind(at)
            .bind(id)
            .bind(&teacher_id)
            .bind(valid.room_url.as_deref())
            .execute(&mut *tx)
            .await?;
            if done.rows_affected() == 0 {
                drop(tx);
                return Err(owner_refusal(state, "sessions", id).await?);
            }
            // Whoever booked a past slot hears of the recording, once.
            if let Some(url) = &valid.recording_url {
                receipts::queue_recording_available(&mut tx, id, url, at)
                    .await
                    .map_err(SessionError::Unexpected)?;
            }
            tx.commit().await?;
            id.clone()
        }
        None => {
            let id = new_id();
            sqlx::query(
                "INSERT INTO sessions (id, teacher_id, title, description, capacity, price_cents, currency, \
                 visibility, recording_url, created_at, updated_at, room_url) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10, $11)",
            )
            .bind(&id)
            .bind(&teacher_id)
            .bind(&valid.title)
            .bind(&valid.description)
            .bind(valid.capacity)
            .bind(valid.price_cents)
            .bind(valid.currency.code())
            .bind(valid.visibility.as_str())
            .bind(valid.recording_url.as_deref())
            .bind(at)
            .bind(valid.room_url.as_deref())
            .execute(state.db.pool())
            .await?;
            id
        }
    };
    get(state, ctx, &id).await
}

/// `NotFound` when the row does not exist, `Forbidden` when it belongs to
/// another teacher: the answer to a write that touched no row.
pub(crate) async fn owner_refusal(
    state: &AppState,
    table: &str,
    id: &str,
) -> Result<SessionError, SessionError> {
    let exists: Option<String> =
        sqlx::query_scalar(&format!("SELECT id FROM {table} WHERE id = $1"))
            .bind(id)
            .fetch_optional(state.db.pool())
            .await?;
    Ok(if exists.is_some() {
        SessionError::Forbidden
    } else {
        SessionError::NotFound
    })
}

/// One session, if the caller may see it: published, or their own draft.
pub async fn get(
    state: &AppState,
    ctx: &RequestContext,
    id: &str,
) -> Result<Session, SessionError> {
    let viewer = users::current_user(state, ctx).await?;
    let access = RecordingAccess::load(state, viewer.as_ref()).await?;
    let row = sqlx::query(&format!(
        "SELECT {SESSION_COLUMNS}, t.user_id AS owner_user_id, t.suspended_at, \
         (SELECT MIN(sl.start_at) FROM session_slots sl WHERE sl.session_id = s.id \
            AND sl.status = 'scheduled' AND sl.start_at > $2) AS next_slot_at \
         {SESSION_JOINS} WHERE s.id = $1"
    ))
    .bind(id)
    .bind(state.clock.now())
    .fetch_optional(state.db.pool())
    .await?
    .ok_or(SessionError::NotFound)?;
    let owner: String = row.try_get("owner_user_id")?;
    let session = session_from_row(&row, row.try_get("next_slot_at")?, &access)?;
    let is_owner = viewer.as_ref().is_some_and(|u| u.id == owner);
    if session.visibility == Visibility::Draft && !is_owner {
        // A draft does not exist for anyone but its teacher.
        return Err(SessionError::NotFound);
    }
    let suspended = row.try_get::<Option<i64>, _>("suspended_at")?.is_some();
    if suspended && !is_owner && !viewer.as_ref().is_some_and(|u| u.is_admin) {
        // Hidden while the platform has the teacher suspended; bookings
        // already made keep their receipts and join links.
        return Err(SessionError::NotFound);
    }
    Ok(session)
}

/// Published sessions with a slot starting at or after `from`, soonest first.
///
/// Rather than aggregating every future slot (17 ms for 50 000 slots on
/// SQLite), it walks the next `window` slots in start order and groups
/// those: a session's next slot is found exactly if it lies in the window,
/// and every session outside it starts later than all inside. Only when the
/// window yields too few sessions and was full is it widened.
pub async fn list_published(
    state: &AppState,
    ctx: &RequestContext,
    from: DateTime<Utc>,
    limit: i64,
) -> Result<Vec<Session>, SessionError> {
    let viewer = users::current_user(state, ctx).await?;
    let access = RecordingAccess::load(state, viewer.as_ref()).await?;
    let mut window = (limit * 10).max(100);
    loop {
        // CROSS JOIN fixes the join order on SQLite (slots first, by the
        // start_at index); PostgreSQL treats it as the inner join it is.
        let listed = super::teacher_listed("ss");
        let rows = sqlx::query(&format!(
            "SELECT {SESSION_COLUMNS}, n.next_at \
             FROM (SELECT w.session_id, MIN(w.start_at) AS next_at \
                   FROM (SELECT sl.session_id, sl.start_at FROM session_slots sl CROSS JOIN sessions ss \
                         WHERE ss.id = sl.session_id AND sl.start_at >= $1 AND sl.status = 'scheduled' \
                           AND ss.visibility = 'published' AND {listed} \
                         ORDER BY sl.start_at LIMIT $3) w \
                   GROUP BY w.session_id) n \
             JOIN sessions s ON s.id = n.session_id JOIN teachers t ON t.id = s.teacher_id \
             JOIN users u ON u.id = t.user_id \
             ORDER BY n.next_at, s.id LIMIT $2"
        ))
        .bind(from.timestamp())
        .bind(limit)
        .bind(window)
        .fetch_all(state.db.pool())
        .await?;
        if rows.len() as i64 >= limit || !window_was_full(state, from, window).await? {
            return rows
                .iter()
                .map(|row| {
                    session_from_row(row, row.try_get("next_at")?, &access)
                        .map_err(SessionError::from)
                })
                .collect();
        }
        window *= 8;
    }
}

/// Whether at least `window` published future slots exist (so a window of
/// that size may have cut sessions off).
async fn window_was_full(
    state: &AppState,
    from: DateTime<Utc>,
    window: i64,
) -> Result<bool, SessionError> {
    let count: i64 = sqlx::query_scalar(&format!(
        "SELECT CAST(COUNT(*) AS BIGINT) FROM (SELECT sl.id FROM session_slots sl CROSS JOIN sessions ss \
         WHERE ss.id = sl.session_id AND sl.start_at >= $1 AND sl.status = 'scheduled' \
           AND ss.visibility = 'published' AND {} LIMIT $2) w",
        super::teacher_listed("ss")
    ))
    .bind(from.timestamp())
    .bind(window)
    .fetch_one(state.db.pool())
    .await?;
    Ok(count >= window)
}

/// Published sessions whose slots are all over and that have a recording:
/// "Tidigare sändningar", most recent first.
pub async fn list_past_with_recording(
    state: &AppState,
    ctx: &RequestContext,
    limit: i64,
) -> Result<Vec<Session>, SessionError> {
    let viewer = users::current_user(state, ctx).await?;
    let access = RecordingAccess::load(state, viewer.as_ref()).await?;
    let listed = super::teacher_listed("s");
    let rows = sqlx::query(&format!(
        "SELECT {SESSION_COLUMNS} {SESSION_JOINS} \
         WHERE s.visibility = 'published' AND {listed} AND s.recording_url IS NOT NULL AND s.end_at IS NOT NULL \
           AND NOT EXISTS (SELECT 1 FROM session_slots sl WHERE sl.session_id = s.id \
                           AND sl.status = 'scheduled' AND sl.start_at > $1) \
         ORDER BY s.end_at DESC, s.id LIMIT $2"
    ))
    .bind(state.clock.now())
    .bind(limit)
    .fetch_all(state.db.pool())
    .await?;
    rows.iter()
        .map(|row| session_from_row(row, None, &access).map_err(SessionError::from))
        .collect()
}

/// The teacher's own sessions, drafts included (optionally only one kind).
pub async fn list_own(
    state: &AppState,
    ctx: &RequestContext,
    visibility: Option<Visibility>,
) -> Result<Vec<Session>, SessionError> {
    let (user, teacher_id) = require_teacher(state, ctx).await?;
    let access = RecordingAccess::load(state, Some(&user)).await?;
    let rows = sqlx::query(&format!(
        "SELECT {SESSION_COLUMNS}, \
         (SELECT MIN(sl.start_at) FROM session_slots sl WHERE sl.session_id = s.id \
            AND sl.status = 'scheduled' AND sl.start_at > $3) AS next_slot_at \
         {SESSION_JOINS} WHERE s.teacher_id = $1 AND ($2 = '' OR s.visibility = $2) \
         ORDER BY s.created_at DESC, s.id"
    ))
    .bind(&teacher_id)
    .bind(visibility.map(Visibility::as_str).unwrap_or(""))
    .bind(state.clock.now())
    .fetch_all(state.db.pool())
    .await?;
    rows.iter()
        .map(|row| {
            session_from_row(row, row.try_get("next_slot_at")?, &access).map_err(SessionError::from)
        })
        .collect()
}

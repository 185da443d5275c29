//! `/join/{token}`: a booking's personal join link. It needs no login (it is
//! clicked from an email or a calendar app) and re-checks everything at every
//! click: the booking is active, the slot is not cancelled, and the time is
//! inside the window (`model::join`). Inside it the student is sent to the
//! room and the click is counted; otherwise the page says where things stand,
//! without the room's address. The teacher's start link (`start`) opens the
//! room at any time and counts nothing.

use anyhow::Context;
use chrono::{DateTime, Utc};
use sqlx::any::AnyRow;
use sqlx::Row;

use crate::backend::accounts::teachers::require_teacher;
use crate::backend::accounts::users::AccountError;
use crate::backend::catalog::recording_access::RecordingAccess;
use crate::backend::mail::receipts;
use crate::backend::{error, links, AppState, RequestContext};
use crate::i18n::strings;
use crate::model::join::{self, JoinPhase, JoinRefusal, JoinView};
use crate::model::order::OrderStatus;
use crate::model::{AppError, ErrorCode, Locale};

#[derive(Debug, thiserror::Error)]
pub enum JoinError {
    /// An unknown token, or an order that never became a booking.
    #[error("no such join link")]
    NotFound,
    #[error("not signed in")]
    Unauthorized,
    /// Another teacher's slot: it does not exist for them.
    #[error("not your slot")]
    Forbidden,
    /// The teacher has not given the session (or slot) a room yet.
    #[error("no room yet")]
    NoRoom,
    #[error(transparent)]
    Unexpected(#[from] anyhow::Error),
}

impl From<sqlx::Error> for JoinError {
    fn from(err: sqlx::Error) -> Self {
        JoinError::Unexpected(anyhow::Error::new(err).context("database"))
    }
}

impl From<AccountError> for JoinError {
    fn from(err: AccountError) -> Self {
        match err {
            AccountError::Unauthorized => JoinError::Unauthorized,
            AccountError::NotTeacher => JoinError::Forbidden,
            other => JoinError::Unexpected(anyhow::Error::new(other)),
        }
    }
}

impl JoinError {
    pub fn to_app_error(&self, locale: Locale) -> AppError {
        let s = strings(locale);
        match self {
            JoinError::NotFound => AppError::new(ErrorCode::NotFound, s.err_not_found),
            JoinError::Unauthorized => AppError::new(ErrorCode::Unauthorized, s.err_unauthorized),
            JoinError::Forbidden => AppError::new(ErrorCode::Forbidden, s.err_forbidden),
            JoinError::NoRoom => AppError::new(ErrorCode::Conflict, s.join_no_room),
            JoinError::Unexpected(err) => error::internal(err, locale),
        }
    }
}

/// What a click on a join link leads to.
#[derive(Debug)]
pub enum Click {
    /// Into the room (answered with 303); the click was counted.
    Room(String),
    /// The join page, with where the booking stands.
    Page(JoinView),
}

fn instant(secs: i64) -> anyhow::Result<DateTime<Utc>> {
    DateTime::from_timestamp(secs, 0).with_context(|| format!("instant {secs}"))
}

/// The booking behind a token, with its slot, session and room.
async fn find(state: &AppState, token: &str) -> Result<Option<AnyRow>, JoinError> {
    if !links::looks_like_token(token) {
        return Ok(None);
    }
    Ok(sqlx::query(
        "SELECT o.id, o.user_id, o.status, o.hold_active, o.refund_reason, o.session_id, \
         sl.start_at, sl.end_at, sl.status AS slot_status, COALESCE(sl.room_url, s.room_url) AS room_url, \
         s.title, s.recording_url, s.teacher_id, u.display_name AS teacher_name \
         FROM orders o JOIN session_slots sl ON sl.id = o.slot_id JOIN sessions s ON s.id = o.session_id \
         JOIN teachers t ON t.id = s.teacher_id JOIN users u ON u.id = t.user_id \
         WHERE o.join_token_hash = $1",
    )
    .bind(links::token_hash(token))
    .fetch_optional(state.db.pool())
    .await?)
}

/// Why the booking no longer opens the room, if it does not.
fn refusal(row: &AnyRow) -> Result<Option<JoinRefusal>, JoinError> {
    let status: String = row.try_get("status")?;
    let status = OrderStatus::parse(&status).with_context(|| format!("stored status {status}"))?;
    let held = row.try_get::<i64, _>("hold_active")? == 1;
    let slot_status: String = row.try_get("slot_status")?;
    let reason: Option<String> = row.try_get("refund_reason")?;
    Ok(match status {
        // Never a booking: such a link was never shown to anyone.
        OrderStatus::Pending
        | OrderStatus::Failed
        | OrderStatus::Expired
        | OrderStatus::Cancelled => return Err(JoinError::NotFound),
        _ if slot_status == "cancelled" => Some(JoinRefusal::SlotCancelled),
        OrderStatus::Paid if held => None,
        _ if reason.as_deref() == Some("student_cancelled") => Some(JoinRefusal::Cancelled),
        _ => Some(JoinRefusal::Refunded),
    })
}

/// Where the booking behind `row` stands now, as the page shows it.
async fn view(state: &AppState, token: &str, row: &AnyRow) -> Result<JoinView, JoinError> {
    let start = instant(row.try_get("start_at")?)?;
    let end = instant(row.try_get("end_at")?)?;
    let session_id: String = row.try_get("session_id")?;
    let refusal = refusal(row)?;
    let phase = join::phase(
        state.clock.now_utc(),
        start,
        end,
        state.settings.join_opens_minutes,
    );
    let recording_url = match (phase, refusal) {
        (JoinPhase::Ended, None) => {
            let owner: String = row.try_get("user_id")?;
            let teacher_id: String = row.try_get("teacher_id")?;
            let access = RecordingAccess::for_user_id(state, &owner).await?;
            let url: Option<String> = row.try_get("recording_url")?;
            url.filter(|_| access.allows(&teacher_id, &session_id))
        }
        _ => None,
    };
    Ok(JoinView {
        session_title: row.try_get("title")?,
        teacher_name: row.try_get("teacher_name")?,
        start_at: start,
        end_at: end,
        opens_at: join::opens_at(start, state.settings.join_opens_minutes),
        refusal,
        phase,
        recording_url,
        calendar_url: format!("/join/{token}/invitation.ics"),
        session_id,
    })
}

/// A click on a join link: into the room inside the window (counting the
/// attendance), else the page. An unknown token is `NotFound`.
pub async fn click(state: &AppState, token: &str) -> Result<Click, JoinError> {
    let row = find(state, token).await?.ok_or(JoinError::NotFound)?;
    let view = view(state, token, &row).await?;
    let room: Option<String> = row.try_get("room_url")?;
    match (view.refusal, view.phase, room) {
        (None, JoinPhase::Open, Some(room)) => {
            let order_id: String = row.try_get("id")?;
            sqlx::query(
                "UPDATE orders SET first_joined_at = COALESCE(first_joined_at, $2), \
                 join_count = join_count + 1 WHERE id = $1",
            )
            .bind(&order_id)
            .bind(state.clock.now())
            .execute(state.db.pool())
            .await?;
            Ok(Click::Room(room))
        }
        _ => Ok(Click::Page(view)),
    }
}

/// The join page's data, without counting anything (the page itself; the
/// click that opens the room is [`click`]).
pub async fn page(state: &AppState, token: &str) -> Result<JoinView, JoinError> {
    let row = find(state, token).await?.ok_or(JoinError::NotFound)?;
    view(state, token, &row).await
}

/// The booking behind a token, as the order id the invitation is made for
/// (`/join/{token}/invitation.ics`); only for an active booking.
pub async fn active_order(state: &AppState, token: &str) -> Result<String, JoinError> {
    let row = find(state, token).await?.ok_or(JoinError::NotFound)?;
    match refusal(&row)? {
        None => Ok(row.try_get("id")?),
        Some(_) => Err(JoinError::NotFound),
    }
}

/// A booking's .ics (`cancelled`: its cancellation), for its one attendee,
/// with the join link as the event's URL and LOCATION.
pub async fn calendar_file(
    state: &AppState,
    order_id: &str,
    cancelled: bool,
) -> Result<String, JoinError> {
    let mut conn = state.db.pool().acquire().await?;
    receipts::booking_calendar_file(
        &mut conn,
        &state.settings,
        order_id,
        cancelled,
        state.clock.now(),
    )
    .await?
    .ok_or(JoinError::NotFound)
}

/// The teacher's start link: their slot's room, at any time.
pub async fn start(
    state: &AppState,
    ctx: &RequestContext,
    slot_id: &str,
) -> Result<String, JoinError> {
    let (_, teacher_id) = require_teacher(state, ctx).await?;
    let row = sqlx::query(
        "SELECT s.teacher_id, COALESCE(sl.room_url, s.room_url) AS room_url \
         FROM session_slots sl JOIN sessions s ON s.id = sl.session_id WHERE sl.id = $1",
    )
    .bind(slot_id)
    .fetch_optional(state.db.pool())
    .await?
    .ok_or(JoinError::NotFound)?;
    let owner: String = row.try_get("teacher_id")?;
    if owner != teacher_id {
        return Err(JoinError::Forbidden);
    }
    row.try_get::<Option<String>, _>("room_url")?
        .ok_or(JoinError::NoRoom)
}

/// Gives every seat order without one the hash of its join link: orders
/// written outside the checkout (the demo seed, versions before links).
pub async fn backfill_hashes(state: &AppState) -> anyhow::Result<u64> {
    let mut done = 0;
    loop {
        let ids: Vec<String> = sqlx::query_scalar(
            "SELECT id FROM orders WHERE slot_id IS NOT NULL AND join_token_hash IS NULL LIMIT 500",
        )
        .fetch_all(state.db.pool())
        .await?;
        if ids.is_empty() {
            return Ok(done);
        }
        let mut tx = state.db.pool().begin().await?;
        for id in &ids {
            sqlx::query("UPDATE orders SET join_token_hash = $2 WHERE id = $1")
                .bind(id)
                .bind(links::join_hash(&state.settings, id))
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        done += ids.len() as u64;
    }
}

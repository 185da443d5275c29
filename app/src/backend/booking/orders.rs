//! Orders after checkout: the receipt (its owner only; seats and courses),
//! "Min bokning" (seats only), and cancellations — a student's within the
//! window, a teacher's for a whole slot. A cancelled paid booking gives its
//! seat back in a transaction and is then refunded (`refunds`), so money is
//! never kept without a seat.

use anyhow::Context;
use chrono::{DateTime, Utc};
use sqlx::any::AnyRow;
use sqlx::Row;

use crate::backend::accounts::teachers::require_teacher;
use crate::backend::accounts::users::{self, AccountError};
use crate::backend::catalog::sessions::SessionError;
use crate::backend::{booking::refunds, booking::seats, error, links, AppState, RequestContext};
use crate::i18n::strings;
use crate::model::join;
use crate::model::order::{Booking, OrderStatus, OrderView};
use crate::model::{AppError, ErrorCode, Locale};

#[derive(Debug, thiserror::Error)]
pub enum OrderError {
    #[error("not signed in")]
    Unauthorized,
    /// Also for someone else's order: it does not exist for them.
    #[error("no such order")]
    NotFound,
    #[error("the cancellation window has passed")]
    TooLate,
    #[error("this order cannot be cancelled")]
    NotCancellable,
    #[error(transparent)]
    Session(#[from] SessionError),
    #[error(transparent)]
    Unexpected(#[from] anyhow::Error),
}

impl From<sqlx::Error> for OrderError {
    fn from(err: sqlx::Error) -> Self {
        OrderError::Unexpected(anyhow::Error::new(err).context("database"))
    }
}

impl From<AccountError> for OrderError {
    fn from(err: AccountError) -> Self {
        match err {
            AccountError::Unauthorized => OrderError::Unauthorized,
            AccountError::NotTeacher => OrderError::Session(SessionError::NotTeacher),
            other => OrderError::Unexpected(anyhow::Error::new(other)),
        }
    }
}

impl OrderError {
    pub fn to_app_error(&self, locale: Locale) -> AppError {
        let s = strings(locale);
        match self {
            OrderError::Unauthorized => AppError::new(ErrorCode::Unauthorized, s.err_unauthorized),
            OrderError::NotFound => AppError::new(ErrorCode::NotFound, s.err_not_found),
            OrderError::TooLate => AppError::new(ErrorCode::Conflict, s.err_cancel_too_late),
            OrderError::NotCancellable => AppError::new(ErrorCode::Conflict, s.err_not_cancellable),
            OrderError::Session(err) => err.to_app_error(locale),
            OrderError::Unexpected(err) => error::internal(err, locale),
        }
    }
}

fn instant(secs: Option<i64>) -> Option<DateTime<Utc>> {
    secs.and_then(|s| DateTime::from_timestamp(s, 0))
}

/// An order is for a session (a seat) or for a course; `title` is the one
/// bought, the teacher theirs. Orders for neither (memberships) never match.
const ORDER_COLUMNS: &str =
    "o.id, o.user_id, o.status, o.amount_cents, o.currency, o.refunded_cents, \
     o.failure_reason, o.payment_method, o.session_id, o.course_id, o.slot_id, o.hold_expires_at, \
     o.hold_active, o.created_at, COALESCE(s.title, c.title) AS title, s.recording_url, \
     u.display_name AS teacher_name, sl.start_at, sl.end_at";
const ORDER_JOINS: &str = "FROM orders o LEFT JOIN sessions s ON s.id = o.session_id \
     LEFT JOIN courses c ON c.id = o.course_id \
     JOIN teachers t ON t.id = COALESCE(s.teacher_id, c.teacher_id) JOIN users u ON u.id = t.user_id \
     LEFT JOIN session_slots sl ON sl.id = o.slot_id";

fn status_of(row: &AnyRow) -> anyhow::Result<OrderStatus> {
    let status: String = row.try_get("status")?;
    OrderStatus::parse(&status).with_context(|| format!("stored status {status}"))
}

/// The recording is the buyer's once the session has one and the order is a booking.
fn recording(row: &AnyRow, status: OrderStatus) -> anyhow::Result<Option<String>> {
    let url: Option<String> = row.try_get("recording_url")?;
    Ok(url.filter(|_| status == OrderStatus::Paid))
}

/// The join link and its opening, for an active seat booking.
fn join_link(
    state: &AppState,
    row: &AnyRow,
    status: OrderStatus,
) -> anyhow::Result<(Option<String>, Option<DateTime<Utc>>)> {
    let held = row.try_get::<i64, _>("hold_active")? == 1;
    let start = instant(row.try_get("start_at")?);
    match start {
        Some(start) if status == OrderStatus::Paid && held => {
            let id: String = row.try_get("id")?;
            Ok((
                Some(links::join_url(&state.settings, &id)),
                Some(join::opens_at(start, state.settings.join_opens_minutes)),
            ))
        }
        _ => Ok((None, None)),
    }
}

fn view_from_row(state: &AppState, row: &AnyRow) -> anyhow::Result<OrderView> {
    let status = status_of(row)?;
    let (join_url, join_opens_at) = join_link(state, row, status)?;
    Ok(OrderView {
        id: row.try_get("id")?,
        status,
        amount_cents: row.try_get("amount_cents")?,
        currency: row.try_get("currency")?,
        refunded_cents: row.try_get("refunded_cents")?,
        failure_reason: row.try_get("failure_reason")?,
        payment_method: row.try_get("payment_method")?,
        statement_descriptor: state.settings.statement_descriptor_suffix.clone(),
        session_id: row.try_get("session_id")?,
        course_id: row.try_get("course_id")?,
        session_title: row.try_get("title")?,
        teacher_name: row.try_get("teacher_name")?,
        slot_id: row.try_get("slot_id")?,
        start_at: instant(row.try_get("start_at")?),
        end_at: instant(row.try_get("end_at")?),
        recording_url: recording(row, status)?,
        hold_expires_at: instant(row.try_get("hold_expires_at")?),
        created_at: instant(Some(row.try_get("created_at")?)).context("created_at")?,
        join_url,
        join_opens_at,
    })
}

/// One order (a seat or a course), for its owner; anyone else gets `NotFound`.
pub async fn get(
    state: &AppState,
    ctx: &RequestContext,
    id: &str,
) -> Result<OrderView, OrderError> {
    let user = users::require_user(state, ctx).await?;
    let row = sqlx::query(&format!(
        "SELECT {ORDER_COLUMNS} {ORDER_JOINS} WHERE o.id = $1 AND o.user_id = $2"
    ))
    .bind(id)
    .bind(&user.id)
    .fetch_optional(state.db.pool())
    .await?
    .ok_or(OrderError::NotFound)?;
    Ok(view_from_row(state, &row)?)
}

/// The signed-in student's bookings (paid seats, and refunded ones for the
/// record), soonest first.
pub async fn bookings(state: &AppState, ctx: &RequestContext) -> Result<Vec<Booking>, OrderError> {
    let user = users::require_user(state, ctx).await?;
    let rows = sqlx::query(&format!(
        "SELECT {ORDER_COLUMNS} {ORDER_JOINS} WHERE o.user_id = $1 AND o.slot_id IS NOT NULL \
         AND o.status IN ('paid', 'refunded') ORDER BY sl.start_at"
    ))
    .bind(&user.id)
    .fetch_all(state.db.pool())
    .await?;
    let at = state.clock.now();
    let window = state.settings.cancellation_window_secs;
    rows.iter()
        .map(|row| {
            let status = status_of(row)?;
            let start: i64 = row.try_get("start_at")?;
            let held = row.try_get::<i64, _>("hold_active")? == 1;
            let (join_url, join_opens_at) = join_link(state, row, status)?;
            Ok(Booking {
                order_id: row.try_get("id")?,
                status,
                session_id: row.try_get("session_id")?,
                session_title: row.try_get("title")?,
                teacher_name: row.try_get("teacher_name")?,
                slot_id: row.try_get("slot_id")?,
                start_at: instant(Some(start)).context("start_at")?,
                end_at: instant(row.try_get("end_at")?).context("end_at")?,
                amount_cents: row.try_get("amount_cents")?,
                currency: row.try_get("currency")?,
                can_cancel: status == OrderStatus::Paid && held && start - at >= window,
                recording_url: recording(row, status)?,
                join_url,
                join_opens_at,
            })
        })
        .collect::<anyhow::Result<Vec<_>>>()
        .map_err(OrderError::Unexpected)
}

/// A student cancels their booking up to the window before the start: the
/// seat goes back and the money is refunded in full.
pub async fn cancel_booking(
    state: &AppState,
    ctx: &RequestContext,
    id: &str,
) -> Result<OrderView, OrderError> {
    let user = users::require_user(state, ctx).await?;
    let row = sqlx::query(
        "SELECT o.status, o.hold_active, sl.start_at FROM orders o \
         JOIN session_slots sl ON sl.id = o.slot_id WHERE o.id = $1 AND o.user_id = $2",
    )
    .bind(id)
    .bind(&user.id)
    .fetch_optional(state.db.pool())
    .await?
    .ok_or(OrderError::NotFound)?;
    let status = status_of(&row)?;
    let held = row.try_get::<i64, _>("hold_active")? == 1;
    let start: i64 = row.try_get("start_at")?;
    match (status, held) {
        (OrderStatus::Paid, true) => {}
        // A second click while the refund is under way, or after it: show where it stands.
        (OrderStatus::Paid | OrderStatus::Refunded, false) => {
            refunds::refund_owed(state, id).await?;
            return get(state, ctx, id).await;
        }
        _ => return Err(OrderError::NotCancellable),
    }
    if start - state.clock.now() < state.settings.cancellation_window_secs {
        return Err(OrderError::TooLate);
    }
    give_back_seat(state, id, "student_cancelled").await?;
    if let Err(err) = refunds::refund_owed(state, id).await {
        // The seat is free and the refund owed; the sweep finishes it.
        tracing::warn!(
            order_id = id,
            error = format!("{err:#}"),
            "refund deferred to the sweep"
        );
    }
    get(state, ctx, id).await
}

/// Releases a paid booking's seat, leaving the order paid (a refund owed).
async fn give_back_seat(state: &AppState, order_id: &str, reason: &str) -> Result<(), OrderError> {
    let mut tx = state.db.pool().begin().await?;
    if seats::release(&mut tx, order_id, OrderStatus::Paid, state.clock.now()).await? {
        sqlx::query("UPDATE orders SET refund_reason = $2 WHERE id = $1")
            .bind(order_id)
            .bind(reason)
            .execute(&mut *tx)
            .await?;
    }
    tx.commit().await?;
    Ok(())
}

/// A teacher cancels one of their slots: nobody can book it any more, every
/// booking is refunded (once) and every open checkout is stopped.
pub async fn cancel_slot(
    state: &AppState,
    ctx: &RequestContext,
    slot_id: &str,
) -> Result<usize, OrderError> {
    let (_, teacher_id) = require_teacher(state, ctx).await?;
    cancel_slot_of(state, &teacher_id, slot_id).await
}

/// [`cancel_slot`] for the teacher `teacher_id`, also used by the platform
/// when it suspends a teacher and cancels their upcoming classes.
pub async fn cancel_slot_of(
    state: &AppState,
    teacher_id: &str,
    slot_id: &str,
) -> Result<usize, OrderError> {
    let at = state.clock.now();
    let mut tx = state.db.pool().begin().await?;
    let owned = sqlx::query(
        "UPDATE session_slots SET status = 'cancelled', updated_at = $3 WHERE id = $1 \
         AND session_id IN (SELECT id FROM sessions WHERE teacher_id = $2)",
    )
    .bind(slot_id)
    .bind(teacher_id)
    .bind(at)
    .execute(&mut *tx)
    .await?;
    if owned.rows_affected() == 0 {
        tx.rollback().await?;
        return Err(OrderError::Session(
            crate::backend::catalog::sessions::owner_refusal(state, "session_slots", slot_id)
                .await?,
        ));
    }
    let rows = sqlx::query("SELECT id, status, stripe_payment_intent FROM orders WHERE slot_id = $1 AND hold_active = 1")
        .bind(slot_id)
        .fetch_all(&mut *tx)
        .await?;
    let mut refund = Vec::new();
    let mut stop = Vec::new();
    for row in &rows {
        let id: String = row.try_get("id")?;
        match status_of(row)? {
            OrderStatus::Paid => {
                seats::release(&mut tx, &id, OrderStatus::Paid, state.clock.now()).await?;
                sqlx::query("UPDATE orders SET refund_reason = 'teacher_cancelled' WHERE id = $1")
                    .bind(&id)
                    .execute(&mut *tx)
                    .await?;
                refund.push(id);
            }
            _ => {
                seats::release(&mut tx, &id, OrderStatus::Cancelled, state.clock.now()).await?;
                let intent: Option<String> = row.try_get("stripe_payment_intent")?;
                stop.extend(intent);
            }
        }
    }
    tx.commit().await?;
    tracing::info!(
        slot_id,
        bookings = refund.len(),
        checkouts = stop.len(),
        "slot cancelled by its teacher"
    );
    for intent in &stop {
        if let Err(err) = state.stripe.cancel_payment_intent(intent).await {
            tracing::warn!(payment_intent = intent, error = %err, "could not cancel a checkout of a cancelled slot");
        }
    }
    for id in &refund {
        if let Err(err) = refunds::refund_owed(state, id).await {
            tracing::warn!(
                order_id = id,
                error = format!("{err:#}"),
                "refund deferred to the sweep"
            );
        }
    }
    Ok(refund.len())
}

/// The signed-in teacher's sales: every order that was paid (bookings,
/// refunds, disputes), newest first, with the split of each.
pub async fn sales(
    state: &AppState,
    ctx: &RequestContext,
) -> Result<Vec<crate::model::order::Sale>, OrderError> {
    let (_, teacher_id) = require_teacher(state, ctx).await?;
    let rows = sqlx::query(
        "SELECT o.id, COALESCE(o.session_id, o.course_id) AS item_id, o.course_id, \
         COALESCE(s.title, c.title) AS title, sl.start_at, o.status, o.amount_cents, o.currency, \
         o.application_fee_cents, o.refunded_cents, o.disputed, o.created_at, \
         (SELECT d.status FROM disputes d WHERE d.order_id = o.id \
          ORDER BY d.created_at DESC, d.id DESC LIMIT 1) AS dispute_status \
         FROM orders o LEFT JOIN sessions s ON s.id = o.session_id \
         LEFT JOIN courses c ON c.id = o.course_id \
         LEFT JOIN session_slots sl ON sl.id = o.slot_id \
         WHERE (s.teacher_id = $1 OR c.teacher_id = $1) AND o.paid_at IS NOT NULL \
         ORDER BY o.created_at DESC LIMIT 500",
    )
    .bind(&teacher_id)
    .fetch_all(state.db.pool())
    .await?;
    rows.iter()
        .map(|row| {
            let amount: i64 = row.try_get("amount_cents")?;
            let fee: i64 = row.try_get("application_fee_cents")?;
            Ok(crate::model::order::Sale {
                order_id: row.try_get("id")?,
                session_id: row.try_get("item_id")?,
                is_course: row.try_get::<Option<String>, _>("course_id")?.is_some(),
                session_title: row.try_get("title")?,
                start_at: instant(row.try_get("start_at")?),
                status: status_of(row)?,
                amount_cents: amount,
                currency: row.try_get("currency")?,
                fee_cents: fee,
                teacher_share_cents: amount - fee,
                refunded_cents: row.try_get("refunded_cents")?,
                disputed: row.try_get::<i64, _>("disputed")? == 1,
                dispute_status: row.try_get("dispute_status")?,
                created_at: instant(Some(row.try_get("created_at")?)).context("created_at")?,
            })
        })
        .collect::<anyhow::Result<Vec<_>>>()
        .map_err(OrderError::Unexpected)
}

//! Refunds from the console: full or partial, with the admin's choice of
//! taking the teacher's transfer back and returning the platform's fee.
//!
//! The refund is first reserved as an `admin_refunds` row (in a transaction
//! that sees every other reservation, so two submits never refund more than
//! is left), then asked of Stripe outside any transaction, keyed by that row
//! (a double submit with the same Idempotency-Key finds the row and refunds
//! once), then recorded: the order's refunded total, the seat when nothing
//! is left, and the student's email, in one transaction.

use sqlx::any::AnyRow;
use sqlx::{Any, AnyConnection, AnyPool, Row, Transaction};

use crate::backend::admin::access::{require_admin, AdminError};
use crate::backend::admin::audit::{self, Action};
use crate::backend::booking::seats;
use crate::backend::db::DbKind;
use crate::backend::mail::{emails, outbox};
use crate::backend::payments::gateway::RefundOf;
use crate::backend::{new_id, AppState, RequestContext};
use crate::model::admin::{AdminRefund, AdminRefundStatus, RefundRequest};
use crate::model::order::OrderStatus;
use crate::model::Locale;

const MAX_REASON_CHARS: usize = 500;
const MAX_KEY_CHARS: usize = 200;

/// Reserved but not yet known to have succeeded or failed at Stripe.
const PENDING_SUM: &str = "(SELECT COALESCE(CAST(SUM(r.amount_cents) AS BIGINT), 0) \
     FROM admin_refunds r WHERE r.order_id = o.id AND r.status = 'pending')";

/// What an admin may still refund of an order: nothing unless it is paid;
/// otherwise what was paid less what is refunded and what is being refunded.
pub async fn left_to_refund(pool: &AnyPool, order_id: &str) -> anyhow::Result<i64> {
    let left: Option<i64> = sqlx::query_scalar(&format!(
        "SELECT o.amount_cents - o.refunded_cents - {PENDING_SUM} FROM orders o \
         WHERE o.id = $1 AND o.status = 'paid'"
    ))
    .bind(order_id)
    .fetch_optional(pool)
    .await?;
    Ok(left.unwrap_or(0).max(0))
}

const REFUND_COLUMNS: &str = "SELECT r.id, r.order_id, r.amount_cents, o.currency, \
     r.reverse_transfer, r.refund_application_fee, r.reason, r.status, r.stripe_refund_id, \
     u.email, r.created_at FROM admin_refunds r JOIN orders o ON o.id = r.order_id \
     JOIN users u ON u.id = r.admin_id";

fn refund_from_row(row: &AnyRow) -> anyhow::Result<AdminRefund> {
    let status: String = row.try_get("status")?;
    let at: i64 = row.try_get("created_at")?;
    Ok(AdminRefund {
        id: row.try_get("id")?,
        order_id: row.try_get("order_id")?,
        amount_cents: row.try_get("amount_cents")?,
        currency: row.try_get("currency")?,
        reverse_transfer: row.try_get::<i64, _>("reverse_transfer")? != 0,
        refund_application_fee: row.try_get::<i64, _>("refund_application_fee")? != 0,
        reason: row.try_get("reason")?,
        status: match status.as_str() {
            "succeeded" => AdminRefundStatus::Succeeded,
            "failed" => AdminRefundStatus::Failed,
            _ => AdminRefundStatus::Pending,
        },
        stripe_refund_id: row.try_get("stripe_refund_id")?,
        admin_email: row.try_get("email")?,
        created_at: chrono::DateTime::from_timestamp(at, 0).unwrap_or_default(),
    })
}

/// An order's admin refunds, oldest first.
pub async fn of_order(state: &AppState, order_id: &str) -> anyhow::Result<Vec<AdminRefund>> {
    let rows = sqlx::query(&format!(
        "{REFUND_COLUMNS} WHERE r.order_id = $1 ORDER BY r.created_at, r.id"
    ))
    .bind(order_id)
    .fetch_all(state.db.pool())
    .await?;
    rows.iter().map(refund_from_row).collect()
}

async fn by_key(
    conn: &mut AnyConnection,
    order_id: &str,
    key: &str,
) -> anyhow::Result<Option<AdminRefund>> {
    let row = sqlx::query(&format!(
        "{REFUND_COLUMNS} WHERE r.order_id = $1 AND r.idempotency_key = $2"
    ))
    .bind(order_id)
    .bind(key)
    .fetch_optional(conn)
    .await?;
    row.as_ref().map(refund_from_row).transpose()
}

/// Refunds `request.amount_cents` of an order. `key` is the request's
/// Idempotency-Key: the same key answers with the same refund.
pub async fn refund(
    state: &AppState,
    ctx: &RequestContext,
    order_id: &str,
    key: &str,
    request: &RefundRequest,
) -> Result<AdminRefund, AdminError> {
    let admin = require_admin(state, ctx).await?;
    let key = key.trim();
    if key.is_empty() || key.chars().count() > MAX_KEY_CHARS {
        return Err(AdminError::KeyRequired);
    }
    let reason = request.reason.trim();
    if reason.is_empty() || reason.chars().count() > MAX_REASON_CHARS {
        return Err(AdminError::ReasonRequired);
    }
    if request.amount_cents <= 0 {
        return Err(AdminError::AmountNotPositive);
    }
    let refund = match reserve(state, &admin.id, order_id, key, reason, request).await? {
        Reserved::Done(refund) => return Ok(refund),
        Reserved::Ask(refund) => refund,
    };
    let intent: Option<String> =
        sqlx::query_scalar("SELECT stripe_payment_intent FROM orders WHERE id = $1")
            .bind(order_id)
            .fetch_one(state.db.pool())
            .await?;
    let intent = intent.ok_or(AdminError::NotRefundable)?;
    let asked = RefundOf {
        payment_intent: &intent,
        amount_cents: Some(refund.amount_cents),
        reverse_transfer: refund.reverse_transfer,
        refund_application_fee: refund.refund_application_fee,
    };
    match state
        .stripe
        .refund(&asked, &format!("admin-refund-{}", refund.id))
        .await
    {
        Ok(done) => {
            record_success(state, &refund, &done.id).await?;
            metrics::counter!("admin_refunds_total", "outcome" => "succeeded").increment(1);
            tracing::info!(
                order_id,
                refund_id = refund.id,
                stripe_refund_id = done.id,
                amount_cents = refund.amount_cents,
                "admin refund made"
            );
            let mut conn = state.db.pool().acquire().await?;
            let done = by_key(&mut conn, order_id, key).await?;
            done.ok_or_else(|| AdminError::Unexpected(anyhow::anyhow!("admin refund vanished")))
        }
        // The answer is unknown: the row stays pending (its amount stays
        // reserved), and the same key asks Stripe again with the same key.
        Err(err) if err.is_transient() => {
            metrics::counter!("admin_refunds_total", "outcome" => "unknown").increment(1);
            Err(AdminError::RefundUnknown(err))
        }
        Err(err) => {
            sqlx::query(
                "UPDATE admin_refunds SET status = 'failed', error = $2, updated_at = $3 \
                 WHERE id = $1 AND status = 'pending'",
            )
            .bind(&refund.id)
            .bind(err.to_string())
            .bind(state.clock.now())
            .execute(state.db.pool())
            .await?;
            metrics::counter!("admin_refunds_total", "outcome" => "refused").increment(1);
            Err(AdminError::RefundRefused(err))
        }
    }
}

enum Reserved {
    /// This key's refund is settled: answer with it.
    Done(AdminRefund),
    /// Ask Stripe for it (new, or pending from an attempt without an answer).
    Ask(AdminRefund),
}

/// Checks the order and reserves the amount, with its audit row, in one
/// transaction (the order row is locked, so reservations are serial).
async fn reserve(
    state: &AppState,
    admin_id: &str,
    order_id: &str,
    key: &str,
    reason: &str,
    request: &RefundRequest,
) -> Result<Reserved, AdminError> {
    let now = state.clock.now();
    let mut tx = state.db.begin_write().await?;
    let lock = match state.db.kind() {
        DbKind::Sqlite => "",
        DbKind::Postgres => " FOR UPDATE",
    };
    let order = sqlx::query(&format!(
        "SELECT o.status, o.amount_cents, o.refunded_cents, o.stripe_payment_intent, \
         o.connected_account_id, {PENDING_SUM} AS pending FROM orders o WHERE o.id = $1{lock}"
    ))
    .bind(order_id)
    .fetch_optional(&mut *tx)
    .await?
    .ok_or(AdminError::NotFound)?;
    if let Some(existing) = by_key(&mut tx, order_id, key).await? {
        tx.commit().await?;
        return Ok(match existing.status {
            AdminRefundStatus::Pending => Reserved::Ask(existing),
            _ => Reserved::Done(existing),
        });
    }
    let status: String = order.try_get("status")?;
    let intent: Option<String> = order.try_get("stripe_payment_intent")?;
    let amount: i64 = order.try_get("amount_cents")?;
    let refunded: i64 = order.try_get("refunded_cents")?;
    let pending: i64 = order.try_get("pending")?;
    let refundable_status =
        status == OrderStatus::Paid.as_str() || status == OrderStatus::Refunded.as_str();
    if !refundable_status || intent.is_none() || amount == 0 {
        return Err(AdminError::NotRefundable);
    }
    let left = if status == OrderStatus::Paid.as_str() {
        (amount - refunded - pending).max(0)
    } else {
        0
    };
    if request.amount_cents > left {
        return Err(AdminError::AmountTooLarge { left });
    }
    let paid_a_teacher = order
        .try_get::<Option<String>, _>("connected_account_id")?
        .is_some();
    if request.reverse_transfer && !paid_a_teacher {
        return Err(AdminError::NoTransfer);
    }
    let id = new_id();
    sqlx::query(
        "INSERT INTO admin_refunds (id, order_id, admin_id, idempotency_key, amount_cents, \
         reverse_transfer, refund_application_fee, reason, status, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'pending', $9, $9)",
    )
    .bind(&id)
    .bind(order_id)
    .bind(admin_id)
    .bind(key)
    .bind(request.amount_cents)
    .bind(i64::from(request.reverse_transfer))
    .bind(i64::from(request.refund_application_fee))
    .bind(reason)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    audit::record(
        &mut tx,
        &Action {
            admin_id,
            action: "order.refund",
            target_type: "order",
            target_id: order_id,
            before: Some(serde_json::json!({ "status": status, "refunded_cents": refunded })),
            after: Some(serde_json::json!({
                "refund_id": id,
                "amount_cents": request.amount_cents,
                "reverse_transfer": request.reverse_transfer,
                "refund_application_fee": request.refund_application_fee,
                "reason": reason,
            })),
        },
        now,
    )
    .await?;
    let reserved = by_key(&mut tx, order_id, key)
        .await?
        .ok_or_else(|| AdminError::Unexpected(anyhow::anyhow!("admin refund not stored")))?;
    tx.commit().await?;
    Ok(Reserved::Ask(reserved))
}

/// Stripe refunded: the row succeeds, the order's total grows (never past
/// what it already shows: the `charge.refunded` webhook may have come first),
/// the seat is given back when nothing is left, and the student is told.
async fn record_success(
    state: &AppState,
    refund: &AdminRefund,
    stripe_refund_id: &str,
) -> Result<(), AdminError> {
    let now = state.clock.now();
    let mut tx = state.db.begin_write().await?;
    let changed = sqlx::query(
        "UPDATE admin_refunds SET status = 'succeeded', stripe_refund_id = $2, updated_at = $3 \
         WHERE id = $1 AND status = 'pending'",
    )
    .bind(&refund.id)
    .bind(stripe_refund_id)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    if changed.rows_affected() == 0 {
        // Another request with the same key recorded it.
        tx.commit().await?;
        return Ok(());
    }
    let row = sqlx::query(
        "SELECT o.amount_cents, o.refunded_cents, o.status, o.hold_active, u.email, \
         u.display_name, u.locale, COALESCE(s.title, c.title, '') AS title, \
         (SELECT CAST(SUM(r.amount_cents) AS BIGINT) FROM admin_refunds r \
          WHERE r.order_id = o.id AND r.status = 'succeeded') AS by_admins \
         FROM orders o JOIN users u ON u.id = o.user_id \
         LEFT JOIN sessions s ON s.id = o.session_id LEFT JOIN courses c ON c.id = o.course_id \
         WHERE o.id = $1",
    )
    .bind(&refund.order_id)
    .fetch_one(&mut *tx)
    .await?;
    let amount: i64 = row.try_get("amount_cents")?;
    let before: i64 = row.try_get("refunded_cents")?;
    let by_admins: Option<i64> = row.try_get("by_admins")?;
    let refunded = before.max(by_admins.unwrap_or(0)).min(amount);
    let full = refunded >= amount;
    if full {
        finish_full_refund(&mut tx, &refund.order_id, now).await?;
    }
    sqlx::query(
        "UPDATE orders SET refunded_cents = $2, \
         status = CASE WHEN $3 = 1 AND status = 'paid' THEN 'refunded' ELSE status END, \
         updated_at = $4 WHERE id = $1",
    )
    .bind(&refund.order_id)
    .bind(refunded)
    .bind(i64::from(full))
    .bind(now)
    .execute(&mut *tx)
    .await?;
    let locale: String = row.try_get("locale")?;
    let email = emails::platform_refund_notice(
        Locale::parse(&locale).unwrap_or_default(),
        &refund.id,
        &refund.order_id,
        &row.try_get::<String, _>("email")?,
        &row.try_get::<String, _>("display_name")?,
        &row.try_get::<String, _>("title")?,
        refund.amount_cents,
        &refund.currency,
        full,
    );
    outbox::enqueue(&mut tx, &email, now).await?;
    tx.commit().await?;
    Ok(())
}

/// Nothing is left: a seat goes back to sale and a course's access ends.
async fn finish_full_refund(
    tx: &mut Transaction<'_, Any>,
    order_id: &str,
    now: i64,
) -> Result<(), AdminError> {
    if seats::release(tx, order_id, OrderStatus::Refunded, now).await? {
        tracing::info!(order_id, "seat freed by a full admin refund");
    }
    sqlx::query("DELETE FROM enrollments WHERE order_id = $1")
        .bind(order_id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

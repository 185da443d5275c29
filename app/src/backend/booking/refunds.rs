//! Refunds we owe. An order that is paid but holds no seat (a student or
//! teacher cancelled, or the payment came too late for a full slot or for a
//! student who booked the slot again), or a course order that enrolled
//! nobody (the student had the course already), is owed its money back. The refund is made outside any transaction, keyed by the
//! order (a double click or a retried sweep refunds once); the order becomes
//! `refunded` and the student gets a notice.

use sqlx::Row;

use crate::backend::{mail::receipts, AppState};

/// The one definition of "owed a refund", for the refund, the sweep and the
/// reconciliation (on `orders` unaliased).
pub const OWED: &str = "status = 'paid' AND hold_active = 0 AND (slot_id IS NOT NULL \
     OR (course_id IS NOT NULL AND NOT EXISTS \
     (SELECT 1 FROM enrollments e WHERE e.order_id = orders.id)))";

/// Refunds one order if it is owed a refund; does nothing otherwise.
pub async fn refund_owed(state: &AppState, order_id: &str) -> anyhow::Result<bool> {
    let row = sqlx::query(&format!(
        "SELECT amount_cents, stripe_payment_intent FROM orders WHERE id = $1 AND {OWED}"
    ))
    .bind(order_id)
    .fetch_optional(state.db.pool())
    .await?;
    let Some(row) = row else { return Ok(false) };
    let amount: i64 = row.try_get("amount_cents")?;
    let intent: Option<String> = row.try_get("stripe_payment_intent")?;
    if let (Some(intent), true) = (intent.as_deref(), amount > 0) {
        let refund = state
            .stripe
            .refund_payment(intent, None, &format!("order-{order_id}-refund"))
            .await?;
        tracing::info!(
            order_id,
            refund_id = refund.id,
            amount_cents = refund.amount_cents,
            "refunded"
        );
    }
    let mut tx = state.db.pool().begin().await?;
    let done = sqlx::query(&format!(
        "UPDATE orders SET status = 'refunded', refunded_cents = amount_cents, updated_at = $2 \
         WHERE id = $1 AND {OWED}"
    ))
    .bind(order_id)
    .bind(state.clock.now())
    .execute(&mut *tx)
    .await?;
    if done.rows_affected() == 1 {
        tracing::info!(order_id, "order refunded");
    }
    // Also when the charge.refunded webhook got here first: the dedupe key
    // keeps it to one notice.
    receipts::queue_refund_notice(&mut tx, &state.settings, order_id, state.clock.now()).await?;
    tx.commit().await?;
    metrics::counter!("refunds_total").increment(1);
    Ok(true)
}

/// Retries every refund still owed (Stripe was down, or the process stopped
/// between the seat release and the refund).
pub async fn sweep(state: &AppState) -> anyhow::Result<usize> {
    let ids: Vec<String> = sqlx::query_scalar(&format!(
        "SELECT id FROM orders WHERE {OWED} ORDER BY updated_at LIMIT 50"
    ))
    .fetch_all(state.db.pool())
    .await?;
    let mut done = 0;
    for id in ids {
        match refund_owed(state, &id).await {
            Ok(true) => done += 1,
            Ok(false) => {}
            Err(err) => tracing::warn!(
                order_id = id,
                error = format!("{err:#}"),
                "refund still owed"
            ),
        }
    }
    Ok(done)
}

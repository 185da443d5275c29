//! Seat holds that lapsed: the worker releases them (order `expired`, seat
//! free) and then cancels their PaymentIntents. Safe with several app
//! instances: on PostgreSQL rows are claimed with `FOR UPDATE SKIP LOCKED`;
//! on SQLite (one writer) the conditional release is the claim.

use std::time::Duration;

use sqlx::Row;

use crate::backend::db::DbKind;
use crate::backend::payments::GatewayError;
use crate::backend::{booking::refunds, booking::seats, AppState};
use crate::model::order::OrderStatus;

/// How often the worker looks (the issue asks for at least every 30 s).
pub const SWEEP_EVERY: Duration = Duration::from_secs(15);

/// Releases every lapsed hold; returns how many it released.
pub async fn expire_lapsed(state: &AppState) -> anyhow::Result<usize> {
    let at = state.clock.now();
    let lock = match state.db.kind() {
        DbKind::Postgres => " FOR UPDATE SKIP LOCKED",
        DbKind::Sqlite => "",
    };
    let mut tx = state.db.pool().begin().await?;
    let rows = sqlx::query(&format!(
        "SELECT id, stripe_payment_intent FROM orders WHERE hold_active = 1 \
         AND status IN ('pending', 'failed') AND hold_expires_at < $1 LIMIT 200{lock}"
    ))
    .bind(at)
    .fetch_all(&mut *tx)
    .await?;
    let mut released = Vec::new();
    for row in rows {
        let id: String = row.try_get("id")?;
        let intent: Option<String> = row.try_get("stripe_payment_intent")?;
        if seats::release(&mut tx, &id, OrderStatus::Expired, state.clock.now()).await? {
            tracing::info!(order_id = id, "hold expired; seat released");
            released.push((id, intent));
        }
    }
    tx.commit().await?;
    metrics::counter!("holds_expired_total").increment(released.len() as u64);
    // After the commit: the PaymentIntents can no longer be paid. One that
    // succeeded meanwhile cannot be cancelled; its webhook handles it as a
    // late payment.
    for (id, intent) in &released {
        if let Some(intent) = intent {
            match state.stripe.cancel_payment_intent(intent).await {
                Ok(_) | Err(GatewayError::Rejected { .. }) => {}
                Err(err) => {
                    tracing::warn!(order_id = id, error = %err, "could not cancel an expired payment")
                }
            }
        }
    }
    Ok(released.len())
}

/// Live holds right now (for the metrics gauge).
pub async fn active_holds(state: &AppState) -> anyhow::Result<i64> {
    Ok(sqlx::query_scalar(
        "SELECT COUNT(*) FROM orders WHERE hold_active = 1 AND status IN ('pending', 'failed')",
    )
    .fetch_one(state.db.pool())
    .await?)
}

/// Runs the hold and refund sweeps forever.
pub fn spawn_worker(state: AppState) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut every = tokio::time::interval(SWEEP_EVERY);
        loop {
            every.tick().await;
            if let Err(err) = expire_lapsed(&state).await {
                tracing::warn!(error = format!("{err:#}"), "hold sweep failed");
            }
            if let Err(err) = refunds::sweep(&state).await {
                tracing::warn!(error = format!("{err:#}"), "refund sweep failed");
            }
            match active_holds(&state).await {
                Ok(n) => metrics::gauge!("holds_active").set(n as f64),
                Err(err) => tracing::debug!(error = format!("{err:#}"), "could not count holds"),
            }
        }
    })
}

//! The reconciliation job: the proof, run every few minutes, that every
//! payment that succeeded ends holding its seat (or course) or refunded.
//! The webhooks keep that rule as events arrive; this finds what slipped
//! past them — a webhook that never came, a cancel that failed when a hold
//! lapsed, a refund Stripe kept refusing — and repairs what it can: it asks
//! Stripe about every ended order's PaymentIntent (cancelling one that could
//! still be paid, applying one that was paid) and refunds what is owed.
//! What it cannot repair (a refund still failing, a seat count that is not
//! the number of holding orders) it reports: an ERROR line each, and the
//! gauge `reconcile_unresolved`.

use std::time::Duration;

use sqlx::Row;

use crate::backend::booking::payment_events::{self, Succeeded};
use crate::backend::booking::refunds;
use crate::backend::payments::gateway::PaymentIntentState;
use crate::backend::payments::GatewayError;
use crate::backend::AppState;

/// The default of `RECONCILE_EVERY_SECONDS`.
pub const RECONCILE_EVERY: Duration = Duration::from_secs(300);
/// The default of `RECONCILE_GRACE_SECONDS`: orders settle by webhook within
/// seconds; one younger than this is left to its webhooks.
pub const GRACE_SECS: i64 = 600;
/// Orders asked about per run, so one run never floods Stripe.
const BATCH: i64 = 100;

#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Report {
    /// Payments settled here: a late success applied (and refunded), a
    /// lapsed PaymentIntent cancelled, an owed refund made.
    pub repaired: usize,
    /// Violations left: each has had its ERROR line.
    pub unresolved: usize,
}

/// One pass; the worker runs it every `reconcile_every_secs`.
pub async fn run(state: &AppState) -> anyhow::Result<Report> {
    let mut report = Report::default();
    settle_ended_payments(state, &mut report).await?;
    refund_overdue(state, &mut report).await?;
    check_seat_counts(state, &mut report).await?;
    metrics::counter!("reconcile_repaired_total").increment(report.repaired as u64);
    metrics::gauge!("reconcile_unresolved").set(report.unresolved as f64);
    if report.repaired > 0 || report.unresolved > 0 {
        tracing::info!(
            repaired = report.repaired,
            unresolved = report.unresolved,
            "reconciliation"
        );
    }
    Ok(report)
}

/// Orders that ended without a payment, asked about at Stripe until their
/// PaymentIntent is known to be cancelled.
async fn settle_ended_payments(state: &AppState, report: &mut Report) -> anyhow::Result<()> {
    let rows = sqlx::query(
        "SELECT id, stripe_payment_intent FROM orders \
         WHERE status IN ('expired', 'cancelled') AND payment_checked_at IS NULL \
         AND stripe_payment_intent IS NOT NULL AND updated_at < $1 \
         ORDER BY updated_at LIMIT $2",
    )
    .bind(state.clock.now() - state.settings.reconcile_grace_secs)
    .bind(BATCH)
    .fetch_all(state.db.pool())
    .await?;
    for row in rows {
        let order_id: String = row.try_get("id")?;
        let intent_id: String = row.try_get("stripe_payment_intent")?;
        match settle(state, &order_id, &intent_id).await {
            Ok(Settled::Repaired) => report.repaired += 1,
            Ok(Settled::WasCancelled | Settled::NotYet) => {}
            Err(err) => {
                // Stripe unreachable: the next run asks again.
                tracing::warn!(
                    order_id,
                    error = format!("{err:#}"),
                    "could not reconcile a payment"
                );
            }
        }
    }
    Ok(())
}

enum Settled {
    /// Cancelled at Stripe long ago: nothing was ever owed.
    WasCancelled,
    /// Changed here: cancelled now, or a success applied.
    Repaired,
    /// Still processing at Stripe: ask again next run.
    NotYet,
}

async fn settle(state: &AppState, order_id: &str, intent_id: &str) -> anyhow::Result<Settled> {
    let intent = state.stripe.retrieve_payment_intent(intent_id).await?;
    match intent.state {
        PaymentIntentState::Canceled => {
            mark_checked(state, order_id).await?;
            Ok(Settled::WasCancelled)
        }
        PaymentIntentState::Succeeded => {
            apply_success(state, order_id, intent_id).await?;
            Ok(Settled::Repaired)
        }
        PaymentIntentState::Processing => Ok(Settled::NotYet),
        PaymentIntentState::RequiresPaymentMethod
        | PaymentIntentState::RequiresAction
        | PaymentIntentState::Other(_) => {
            // The cancel when the hold lapsed failed: the student could still
            // pay for a seat they no longer hold.
            match state.stripe.cancel_payment_intent(intent_id).await {
                Ok(_) => {
                    mark_checked(state, order_id).await?;
                    tracing::info!(
                        order_id,
                        payment_intent = intent_id,
                        "lapsed payment cancelled"
                    );
                    Ok(Settled::Repaired)
                }
                // Paid between the two calls: the next run applies it.
                Err(GatewayError::Rejected { .. }) => Ok(Settled::NotYet),
                Err(err) => Err(err.into()),
            }
        }
    }
}

/// A payment that succeeded for an ended order whose webhook never got
/// through: the same rule as the webhook, then the refund it leads to.
async fn apply_success(state: &AppState, order_id: &str, intent_id: &str) -> anyhow::Result<()> {
    let mut tx = state.db.pool().begin().await?;
    let payment = Succeeded {
        intent_id,
        order_id: Some(order_id),
        method: None,
    };
    let applied = payment_events::record_success(
        &mut tx,
        state.db.kind(),
        &state.settings,
        &payment,
        state.clock.now(),
    )
    .await?;
    tx.commit().await?;
    tracing::warn!(
        order_id,
        payment_intent = intent_id,
        "a succeeded payment had not been applied"
    );
    if let Some(applied) = applied {
        applied.follow_up.run(state).await;
    }
    Ok(())
}

async fn mark_checked(state: &AppState, order_id: &str) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE orders SET payment_checked_at = $2 WHERE id = $1")
        .bind(order_id)
        .bind(state.clock.now())
        .execute(state.db.pool())
        .await?;
    Ok(())
}

/// Refunds owed for longer than the grace: the sweep has been failing.
async fn refund_overdue(state: &AppState, report: &mut Report) -> anyhow::Result<()> {
    let ids: Vec<String> = sqlx::query_scalar(&format!(
        "SELECT id FROM orders WHERE {} AND updated_at < $1 ORDER BY updated_at LIMIT $2",
        refunds::OWED
    ))
    .bind(state.clock.now() - state.settings.reconcile_grace_secs)
    .bind(BATCH)
    .fetch_all(state.db.pool())
    .await?;
    for id in ids {
        match refunds::refund_owed(state, &id).await {
            Ok(true) => report.repaired += 1,
            Ok(false) => {}
            Err(err) => {
                report.unresolved += 1;
                tracing::error!(
                    order_id = id,
                    error = format!("{err:#}"),
                    "reconciliation: a paid order holds nothing and its refund keeps failing"
                );
            }
        }
    }
    Ok(())
}

/// `seats_taken` must be the number of orders holding a seat, on every slot
/// still to come or of the last week.
async fn check_seat_counts(state: &AppState, report: &mut Report) -> anyhow::Result<()> {
    let rows = sqlx::query(
        "SELECT s.id, s.seats_taken, COUNT(o.id) AS holding FROM session_slots s \
         LEFT JOIN orders o ON o.slot_id = s.id AND o.hold_active = 1 \
         WHERE s.start_at > $1 GROUP BY s.id, s.seats_taken \
         HAVING s.seats_taken <> COUNT(o.id)",
    )
    .bind(state.clock.now() - 7 * 86_400)
    .fetch_all(state.db.pool())
    .await?;
    for row in rows {
        report.unresolved += 1;
        let slot_id: String = row.try_get("id")?;
        let taken: i64 = row.try_get("seats_taken")?;
        let holding: i64 = row.try_get("holding")?;
        tracing::error!(
            slot_id,
            seats_taken = taken,
            holding_orders = holding,
            "reconciliation: a slot's seat count is not its holding orders"
        );
    }
    Ok(())
}

/// Runs [`run`] forever.
pub fn spawn_worker(state: AppState) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let period = Duration::from_secs(state.settings.reconcile_every_secs.max(1));
        let mut every = tokio::time::interval(period);
        loop {
            every.tick().await;
            if let Err(err) = run(&state).await {
                tracing::warn!(error = format!("{err:#}"), "reconciliation failed");
            }
        }
    })
}

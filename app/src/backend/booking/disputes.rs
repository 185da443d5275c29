//! Disputes (chargebacks) of our orders, from the `charge.dispute.*`
//! webhooks: each one kept as Stripe last described it, and the order
//! flagged for the teacher and the platform.

use sqlx::{Any, Transaction};
use stripe_shared::Dispute;

/// `charge.dispute.created|updated|closed|funds_withdrawn|funds_reinstated`.
/// An event older than the one applied changes nothing. Returns whether
/// anything changed.
pub async fn apply(
    tx: &mut Transaction<'_, Any>,
    dispute: &Dispute,
    event_created: i64,
    funds_withdrawn: bool,
    now: i64,
) -> anyhow::Result<bool> {
    let charge = dispute.charge.id().as_str().to_owned();
    let order: Option<String> =
        sqlx::query_scalar("SELECT id FROM orders WHERE stripe_charge_id = $1")
            .bind(&charge)
            .fetch_optional(&mut **tx)
            .await?;
    let id = dispute.id.as_str();
    let status = dispute.status.as_str();
    let done = sqlx::query(
        "INSERT INTO disputes (id, order_id, charge_id, amount_cents, currency, reason, status, \
         due_by, has_evidence, funds_withdrawn, event_created, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $12) \
         ON CONFLICT (id) DO UPDATE SET status = excluded.status, due_by = excluded.due_by, \
           amount_cents = excluded.amount_cents, reason = excluded.reason, \
           has_evidence = excluded.has_evidence, \
           funds_withdrawn = CASE WHEN excluded.funds_withdrawn = 1 THEN 1 ELSE disputes.funds_withdrawn END, \
           event_created = excluded.event_created, updated_at = excluded.updated_at \
         WHERE disputes.event_created <= excluded.event_created",
    )
    .bind(id)
    .bind(order.as_deref())
    .bind(&charge)
    .bind(dispute.amount)
    .bind(dispute.currency.to_string().to_uppercase())
    .bind(&dispute.reason)
    .bind(status)
    .bind(dispute.evidence_details.due_by)
    .bind(i64::from(dispute.evidence_details.has_evidence))
    .bind(i64::from(funds_withdrawn))
    .bind(event_created)
    .bind(now)
    .execute(&mut **tx)
    .await?;
    if let Some(order) = &order {
        sqlx::query(
            "UPDATE orders SET disputed = 1, updated_at = $2 WHERE id = $1 AND disputed = 0",
        )
        .bind(order)
        .bind(now)
        .execute(&mut **tx)
        .await?;
    }
    if done.rows_affected() > 0 {
        tracing::warn!(
            dispute_id = id,
            charge,
            status,
            order_id = order.as_deref(),
            "dispute"
        );
    }
    Ok(done.rows_affected() > 0)
}

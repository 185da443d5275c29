//! Stripe's subscription and invoice events applied to memberships: the
//! newest event wins, a subscription never goes back to its first state, and
//! the welcome, payment-failed and ended emails are queued in the same
//! transaction (the outbox sends them).

use sqlx::{Any, Row, Transaction};
use stripe_shared::{Invoice, Subscription};
use stripe_types::Expandable;

use crate::backend::error::TooEarly;
use crate::backend::payments::gateway::period_end;
use crate::model::Locale;

/// Queues a membership email to the subscription's owner (once per key).
async fn queue_notice(
    tx: &mut Transaction<'_, Any>,
    subscription: &str,
    notice: crate::backend::mail::emails::MembershipNotice,
    dedupe_key: String,
    public_url: &str,
    now: i64,
) -> anyhow::Result<()> {
    let row = sqlx::query(
        "SELECT u.email, u.display_name, u.locale FROM memberships m JOIN users u ON u.id = m.user_id \
         WHERE m.stripe_subscription_id = $1",
    )
    .bind(subscription)
    .fetch_optional(&mut **tx)
    .await?;
    let Some(row) = row else { return Ok(()) };
    let locale: String = row.try_get("locale")?;
    let email = crate::backend::mail::emails::membership_notice(
        Locale::parse(&locale).unwrap_or_default(),
        notice,
        &row.try_get::<String, _>("email")?,
        &row.try_get::<String, _>("display_name")?,
        &format!("{public_url}/membership"),
        dedupe_key,
    );
    crate::backend::mail::outbox::enqueue(tx, &email, now).await?;
    Ok(())
}

/// The welcome, once per subscription whichever event queues it.
async fn queue_welcome(
    tx: &mut Transaction<'_, Any>,
    subscription: &str,
    public_url: &str,
    now: i64,
) -> anyhow::Result<()> {
    let key = format!("membership-welcome:{subscription}");
    let notice = crate::backend::mail::emails::MembershipNotice::Welcome;
    queue_notice(tx, subscription, notice, key, public_url, now).await
}

/// A webhook can outrun the answer to the create call: its subscription's id is
/// not stored yet, but its metadata names the membership waiting for one. Such
/// an event fails, so Stripe delivers it again once the id is stored.
async fn refuse_if_not_stored_yet(
    tx: &mut Transaction<'_, Any>,
    membership_id: Option<&String>,
    subscription: &str,
) -> anyhow::Result<()> {
    let Some(id) = membership_id else {
        return Ok(());
    };
    let waiting: Option<String> = sqlx::query_scalar(
        "SELECT id FROM memberships WHERE id = $1 AND stripe_subscription_id IS NULL",
    )
    .bind(id)
    .fetch_optional(&mut **tx)
    .await?;
    if waiting.is_some() {
        return Err(TooEarly(format!(
            "membership {id} has not stored subscription {subscription} yet"
        ))
        .into());
    }
    Ok(())
}

async fn stored_status(
    tx: &mut Transaction<'_, Any>,
    subscription: &str,
) -> anyhow::Result<Option<String>> {
    Ok(
        sqlx::query_scalar("SELECT status FROM memberships WHERE stripe_subscription_id = $1")
            .bind(subscription)
            .fetch_optional(&mut **tx)
            .await?,
    )
}

/// `customer.subscription.created|updated|deleted`: status, period end and
/// `cancel_at_period_end`, unless a newer event was applied already. Stripe's
/// `created` has one-second resolution, so on top of that a subscription never
/// goes back to `incomplete` (its first state) or to `trialing` once paid:
/// a late `created` event from the same second as the payment changes nothing.
pub async fn apply_subscription(
    tx: &mut Transaction<'_, Any>,
    sub: &Subscription,
    event_created: i64,
    public_url: &str,
    now: i64,
) -> anyhow::Result<bool> {
    let before = stored_status(tx, sub.id.as_str()).await?;
    let done = sqlx::query(
        "UPDATE memberships SET status = $2, current_period_end = COALESCE($3, current_period_end), \
         cancel_at_period_end = $4, needs_payment_method = $7, status_event_at = $5, updated_at = $6 \
         WHERE stripe_subscription_id = $1 AND (status_event_at IS NULL OR status_event_at <= $5) \
         AND ($2 <> 'incomplete' OR status = 'incomplete') \
         AND ($2 <> 'trialing' OR status IN ('incomplete', 'trialing'))",
    )
    .bind(sub.id.as_str())
    .bind(sub.status.as_str())
    .bind(period_end(sub))
    .bind(i64::from(sub.cancel_at_period_end))
    .bind(event_created)
    .bind(now)
    .bind(i64::from(sub.pending_setup_intent.is_some()))
    .execute(&mut **tx)
    .await?;
    let applied = done.rows_affected() > 0;
    if !applied {
        refuse_if_not_stored_yet(tx, sub.metadata.get("membership_id"), sub.id.as_str()).await?;
    }
    // The subscription's own event can be applied before its first invoice's:
    // whichever of the two first makes it paid (or starts its trial) welcomes.
    if applied
        && matches!(sub.status.as_str(), "active" | "trialing")
        && before.as_deref() == Some("incomplete")
    {
        queue_welcome(tx, sub.id.as_str(), public_url, now).await?;
    }
    if applied && sub.status.as_str() == "canceled" && before.as_deref() != Some("canceled") {
        let key = format!("membership-ended:{}", sub.id.as_str());
        queue_notice(
            tx,
            sub.id.as_str(),
            crate::backend::mail::emails::MembershipNotice::Ended,
            key,
            public_url,
            now,
        )
        .await?;
    }
    Ok(applied)
}

/// The invoice's subscription, and the membership its metadata names.
fn subscription_of(invoice: &Invoice) -> Option<(String, Option<String>)> {
    let parent = invoice.parent.as_ref()?.subscription_details.as_ref()?;
    let id = match &parent.subscription {
        Expandable::Id(id) => id.as_str().to_owned(),
        Expandable::Object(sub) => sub.id.as_str().to_owned(),
    };
    let membership = parent
        .metadata
        .as_ref()
        .and_then(|m| m.get("membership_id").cloned());
    Some((id, membership))
}

/// `invoice.paid` → active, and paid until the invoice's period end;
/// `invoice.payment_failed` → past_due (access continues until `paid_until`).
/// A failed first invoice leaves the subscription `incomplete`, as Stripe
/// does, and a trial's free invoice leaves it `trialing`.
pub async fn apply_invoice(
    tx: &mut Transaction<'_, Any>,
    invoice: &Invoice,
    paid: bool,
    event_created: i64,
    public_url: &str,
    now: i64,
) -> anyhow::Result<bool> {
    let Some((subscription, membership_id)) = subscription_of(invoice) else {
        return Ok(false);
    };
    let before = stored_status(tx, &subscription).await?;
    let status = if paid { "active" } else { "past_due" };
    let period_end = invoice
        .lines
        .data
        .iter()
        .map(|line| line.period.end)
        .max()
        .unwrap_or(0);
    // Only a paid invoice moves `paid_until`; only a paid one with money in it
    // ends a trial (the trial's own invoice is free).
    let paid_until = if paid { period_end } else { 0 };
    let free = i64::from(invoice.total == 0);
    // The status follows the newest event; what was paid for is a fact of
    // its own: a paid invoice applied after a newer subscription event
    // still moves `paid_until` (and the period end), never back.
    const NEWEST: &str = "(status_event_at IS NULL OR status_event_at <= $4) \
                          AND ($2 = 'active' OR status <> 'incomplete')";
    let done = sqlx::query(&format!(
        "UPDATE memberships SET \
         status = CASE WHEN {NEWEST} THEN \
           (CASE WHEN $6 = 1 AND status = 'trialing' THEN status ELSE $2 END) ELSE status END, \
         current_period_end = CASE WHEN ({NEWEST} OR $7 > 0) AND $3 > COALESCE(current_period_end, 0) \
           THEN $3 ELSE current_period_end END, \
         paid_until = CASE WHEN $7 > COALESCE(paid_until, 0) THEN $7 ELSE paid_until END, \
         status_event_at = CASE WHEN {NEWEST} THEN $4 ELSE status_event_at END, updated_at = $5 \
         WHERE stripe_subscription_id = $1 AND status <> 'canceled' \
         AND ({NEWEST} OR $7 > COALESCE(paid_until, 0))",
    ))
    .bind(&subscription)
    .bind(status)
    .bind(period_end)
    .bind(event_created)
    .bind(now)
    .bind(free)
    .bind(paid_until)
    .execute(&mut **tx)
    .await?;
    let applied = done.rows_affected() > 0;
    if !applied {
        refuse_if_not_stored_yet(tx, membership_id.as_ref(), &subscription).await?;
    }
    if applied {
        use crate::backend::mail::emails::MembershipNotice;
        let invoice_id = invoice
            .id
            .as_ref()
            .map(|id| id.as_str().to_owned())
            .unwrap_or_default();
        // The first paid invoice: a trial's free one, or the first charge.
        if paid && matches!(before.as_deref(), Some("incomplete" | "trialing")) {
            queue_welcome(tx, &subscription, public_url, now).await?;
        } else if !paid {
            let key = format!("membership-failed:{invoice_id}");
            queue_notice(
                tx,
                &subscription,
                MembershipNotice::PaymentFailed,
                key,
                public_url,
                now,
            )
            .await?;
        }
    }
    Ok(applied)
}

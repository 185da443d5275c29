//! Stripe webhook events, after their signature was checked: recorded once
//! by id, then dispatched by type. The record and the handler's changes are
//! one transaction, so a crash in between leaves the event unrecorded and
//! Stripe's retry applies it; a duplicate delivery finds the id and stops.

use sqlx::{Any, Transaction};
use stripe_webhook::{Event, EventObject};

use crate::backend::booking::payment_events::{self, Applied, FollowUp};
use crate::backend::db::DbKind;
use crate::backend::payments::gateway::ConnectAccount;
use crate::backend::{
    booking::refunds, membership::events as membership_events, payments::connect, AppState,
};

/// What became of one delivery (also the metrics label).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Applied.
    Processed,
    /// Seen before: acknowledged, nothing changed.
    Duplicate,
    /// A type we do not act on, or an object we do not know: acknowledged.
    Ignored,
}

impl Outcome {
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Processed => "processed",
            Outcome::Duplicate => "duplicate",
            Outcome::Ignored => "ignored",
        }
    }
}

/// Records and applies one verified event. An `Err` means "try again later"
/// (the caller answers 409 for [`crate::backend::error::TooEarly`], else 500, so Stripe retries);
/// nothing was recorded then.
pub async fn handle(state: &AppState, event: Event) -> anyhow::Result<Outcome> {
    let id = event.id.as_str().to_owned();
    let kind = event.type_.as_str().to_owned();
    let mut tx = state.db.pool().begin().await?;
    let fresh = sqlx::query(
        "INSERT INTO stripe_events (id, type, received_at) VALUES ($1, $2, $3) \
         ON CONFLICT (id) DO NOTHING",
    )
    .bind(&id)
    .bind(&kind)
    .bind(state.clock.now())
    .execute(&mut *tx)
    .await?
    .rows_affected()
        == 1;
    if !fresh {
        tx.rollback().await?;
        return Ok(Outcome::Duplicate);
    }
    let (outcome, follow_up) = dispatch(
        &mut tx,
        state.db.kind(),
        &state.settings.public_url,
        event.created,
        event.data.object,
        state.clock.now(),
    )
    .await?;
    sqlx::query("UPDATE stripe_events SET processed_at = $1 WHERE id = $2")
        .bind(state.clock.now())
        .bind(&id)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    tracing::info!(
        event_id = id,
        event_type = kind,
        outcome = outcome.as_str(),
        "stripe event"
    );
    if let FollowUp::Refund(order_id) = follow_up {
        // After the commit: never a transaction across a Stripe call. If
        // Stripe fails now, the refund sweep tries again.
        if let Err(err) = refunds::refund_owed(state, &order_id).await {
            tracing::warn!(
                order_id,
                error = format!("{err:#}"),
                "refund deferred to the sweep"
            );
        }
    }
    Ok(outcome)
}

fn from_applied(applied: Option<Applied>) -> (Outcome, FollowUp) {
    match applied {
        None => (Outcome::Ignored, FollowUp::None),
        Some(Applied { changed: false, .. }) => (Outcome::Ignored, FollowUp::None),
        Some(Applied { follow_up, .. }) => (Outcome::Processed, follow_up),
    }
}

fn from_flag(changed: bool) -> (Outcome, FollowUp) {
    let outcome = if changed {
        Outcome::Processed
    } else {
        Outcome::Ignored
    };
    (outcome, FollowUp::None)
}

/// One arm per event type we act on; the membership handlers join here.
async fn dispatch(
    tx: &mut Transaction<'_, Any>,
    kind: DbKind,
    public_url: &str,
    created: i64,
    object: EventObject,
    now: i64,
) -> anyhow::Result<(Outcome, FollowUp)> {
    Ok(match object {
        EventObject::CustomerSubscriptionCreated(sub)
        | EventObject::CustomerSubscriptionUpdated(sub)
        | EventObject::CustomerSubscriptionDeleted(sub) => from_flag(
            membership_events::apply_subscription(tx, &sub, created, public_url, now).await?,
        ),
        EventObject::InvoicePaid(invoice) => from_flag(
            membership_events::apply_invoice(tx, &invoice, true, created, public_url, now).await?,
        ),
        EventObject::InvoicePaymentFailed(invoice) => from_flag(
            membership_events::apply_invoice(tx, &invoice, false, created, public_url, now).await?,
        ),
        EventObject::PaymentIntentSucceeded(pi) => {
            from_applied(payment_events::succeeded(tx, kind, public_url, &pi, now).await?)
        }
        EventObject::PaymentIntentPaymentFailed(pi) => {
            from_applied(payment_events::failed(tx, kind, &pi, now).await?)
        }
        EventObject::PaymentIntentCanceled(pi) => {
            from_applied(payment_events::canceled(tx, kind, &pi, now).await?)
        }
        EventObject::ChargeSucceeded(charge) => {
            from_flag(payment_events::charge_succeeded(tx, &charge, now).await?)
        }
        EventObject::ChargeRefunded(charge) => {
            from_flag(payment_events::charge_refunded(tx, &charge, now).await?)
        }
        EventObject::TransferCreated(transfer) => {
            from_flag(payment_events::transfer_created(tx, &transfer, now).await?)
        }
        EventObject::ChargeDisputeCreated(dispute) => {
            from_flag(payment_events::dispute_created(tx, &dispute, now).await?)
        }
        EventObject::AccountUpdated(account) => {
            let account = ConnectAccount::from(*account);
            let known = connect::apply_account(tx, &account, now).await?;
            if !known {
                tracing::info!(
                    account_id = account.id,
                    "account.updated for an account we do not know"
                );
            }
            from_flag(known)
        }
        _ => (Outcome::Ignored, FollowUp::None),
    })
}

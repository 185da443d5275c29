//! One stored Stripe event, routed by type to the domain that applies it,
//! inside the inbox's transaction (`inbox::apply` marks it processed in the
//! same one, so a crash in between leaves it pending and it is applied again).

use sqlx::{Any, Transaction};
use stripe_webhook::EventObject;

use crate::backend::booking::disputes;
use crate::backend::booking::payment_events::{self, Applied, FollowUp};
use crate::backend::db::DbKind;
use crate::backend::payments::gateway::ConnectAccount;
use crate::backend::state::Settings;
use crate::backend::{
    membership::events as membership_events, payments::connect, payments::payouts,
};

/// What became of one delivery (also the metrics label).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Applied.
    Processed,
    /// Applied by another worker meanwhile: nothing changed.
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
/// `account` is the connected account of a Connect event.
/// An `Err` leaves the event pending: the inbox retries it
/// ([`crate::backend::error::TooEarly`] when it outran our own write).
pub async fn dispatch(
    tx: &mut Transaction<'_, Any>,
    kind: DbKind,
    settings: &Settings,
    created: i64,
    account: Option<&str>,
    object: EventObject,
    now: i64,
) -> anyhow::Result<(Outcome, FollowUp)> {
    Ok(match object {
        EventObject::CustomerSubscriptionCreated(sub)
        | EventObject::CustomerSubscriptionUpdated(sub)
        | EventObject::CustomerSubscriptionDeleted(sub) => from_flag(
            membership_events::apply_subscription(tx, &sub, created, &settings.public_url, now)
                .await?,
        ),
        EventObject::InvoicePaid(invoice) => from_flag(
            membership_events::apply_invoice(
                tx,
                &invoice,
                true,
                created,
                &settings.public_url,
                now,
            )
            .await?,
        ),
        EventObject::InvoicePaymentFailed(invoice) => from_flag(
            membership_events::apply_invoice(
                tx,
                &invoice,
                false,
                created,
                &settings.public_url,
                now,
            )
            .await?,
        ),
        EventObject::PaymentIntentSucceeded(pi) => {
            from_applied(payment_events::succeeded(tx, kind, settings, &pi, now).await?)
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
        EventObject::ChargeDisputeCreated(dispute)
        | EventObject::ChargeDisputeUpdated(dispute)
        | EventObject::ChargeDisputeClosed(dispute)
        | EventObject::ChargeDisputeFundsReinstated(dispute) => {
            from_flag(disputes::apply(tx, &dispute, created, false, now).await?)
        }
        EventObject::ChargeDisputeFundsWithdrawn(dispute) => {
            from_flag(disputes::apply(tx, &dispute, created, true, now).await?)
        }
        EventObject::PayoutCreated(payout)
        | EventObject::PayoutUpdated(payout)
        | EventObject::PayoutPaid(payout)
        | EventObject::PayoutFailed(payout)
        | EventObject::PayoutCanceled(payout) => {
            from_flag(payouts::apply(tx, account, &payout, created, now).await?)
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

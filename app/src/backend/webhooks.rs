//! Stripe webhook events, after their signature was checked: recorded once
//! by id, then dispatched by type. The record and the handler's changes are
//! one transaction, so a crash in between leaves the event unrecorded and
//! Stripe's retry applies it; a duplicate delivery finds the id and stops.

use sqlx::{Any, Transaction};
use stripe_webhook::{Event, EventObject};

use crate::backend::stripe::gateway::ConnectAccount;
use crate::backend::{connect, now, AppState};

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
/// (the caller answers 500 so Stripe retries); nothing was recorded then.
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
    .bind(now())
    .execute(&mut *tx)
    .await?
    .rows_affected()
        == 1;
    if !fresh {
        tx.rollback().await?;
        return Ok(Outcome::Duplicate);
    }
    let outcome = dispatch(&mut tx, event.data.object).await?;
    sqlx::query("UPDATE stripe_events SET processed_at = $1 WHERE id = $2")
        .bind(now())
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
    Ok(outcome)
}

/// One arm per event type we act on; the booking and membership handlers
/// join here.
async fn dispatch(tx: &mut Transaction<'_, Any>, object: EventObject) -> anyhow::Result<Outcome> {
    match object {
        EventObject::AccountUpdated(account) => {
            let account = ConnectAccount::from(*account);
            if connect::apply_account(tx, &account).await? {
                Ok(Outcome::Processed)
            } else {
                tracing::info!(
                    account_id = account.id,
                    "account.updated for an account we do not know"
                );
                Ok(Outcome::Ignored)
            }
        }
        _ => Ok(Outcome::Ignored),
    }
}

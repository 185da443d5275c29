//! The webhook inbox, `stripe_events`. The receiver only verifies a
//! delivery's signature and [`store`]s it raw, once by its id (a duplicate
//! delivery finds the id and is a no-op). A worker then applies the stored
//! events ([`apply_due`]) in the order they arrived, except that within one
//! object they go in `created` order (an event waits while an older one of
//! the same object is pending), each in one
//! transaction with its `processed_at`, retried with back-off when it fails.
//! An event that outruns our own write (`TooEarly`) just waits here. One
//! that keeps failing, or cannot be read, is parked with its error: counted
//! by the `webhook_inbox_parked` gauge and logged, never dropped.
//!
//! Several instances may share the database: a row is claimed by a lease
//! (`leased_until`) set in a conditional update, on PostgreSQL after a
//! `FOR UPDATE SKIP LOCKED` pick so that instances take different rows.
//! The apply transaction marks the row processed only if nobody did yet.

use std::time::Duration;

use sqlx::any::AnyRow;
use sqlx::Row;

use crate::backend::db::{Db, DbKind};
use crate::backend::error::TooEarly;
use crate::backend::payments::signature;
use crate::backend::webhooks::dispatch::{self, Outcome};
use crate::backend::AppState;

/// A failing event is parked after this many attempts (about 35 minutes of
/// back-off: 2 s, 4 s, … capped at 10 minutes).
pub const MAX_ATTEMPTS: i64 = 12;
/// How long a claimed row is reserved for the worker applying it.
const LEASE_SECS: i64 = 60;
const BACKOFF_BASE_SECS: i64 = 2;
const BACKOFF_MAX_SECS: i64 = 600;
/// How often the worker looks for due events (other instances' and retries);
/// a stored event wakes it at once.
const POLL_INTERVAL: Duration = Duration::from_secs(1);
/// Events applied per round before the worker looks again.
const BATCH: usize = 200;
const MAX_ERROR_CHARS: usize = 1000;

/// What the receiver did with a verified delivery.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stored {
    New,
    /// The id was stored before: nothing changes.
    Duplicate,
}

#[derive(Debug, thiserror::Error)]
pub enum InboxError {
    /// Signed, but without an event's id and type: nothing to key it by.
    #[error("not a Stripe event: {0}")]
    NotAnEvent(&'static str),
    #[error(transparent)]
    Db(#[from] sqlx::Error),
}

/// Stores one delivery whose signature was checked, and wakes the worker.
pub async fn store(
    state: &AppState,
    payload: &str,
    signature_header: &str,
    now: i64,
) -> Result<(Stored, String), InboxError> {
    let envelope: serde_json::Value =
        serde_json::from_str(payload).map_err(|_| InboxError::NotAnEvent("not JSON"))?;
    let id = envelope["id"]
        .as_str()
        .ok_or(InboxError::NotAnEvent("no id"))?;
    let kind = envelope["type"]
        .as_str()
        .ok_or(InboxError::NotAnEvent("no type"))?;
    let created = envelope["created"].as_i64().unwrap_or(now);
    let object_id = envelope["data"]["object"]["id"].as_str();
    let fresh = sqlx::query(
        "INSERT INTO stripe_events (id, type, received_at, payload, signature, object_id, \
         created, arrival, attempts, next_attempt_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 0, $3) ON CONFLICT (id) DO NOTHING",
    )
    .bind(id)
    .bind(kind)
    .bind(now)
    .bind(payload)
    .bind(signature_header)
    .bind(object_id)
    .bind(created)
    .bind(state.clock.now_utc().timestamp_micros())
    .execute(state.db.pool())
    .await?
    .rows_affected()
        == 1;
    if fresh {
        state.webhook_inbox.notify_one();
    }
    let stored = if fresh {
        Stored::New
    } else {
        Stored::Duplicate
    };
    Ok((stored, kind.to_owned()))
}

/// What one round of the worker did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Round {
    pub applied: usize,
    pub retried: usize,
    pub parked: usize,
}

/// Applies the due events, one claimed row at a time, until none is due or
/// a batch is done. An error means the database failed.
pub async fn apply_due(state: &AppState) -> anyhow::Result<Round> {
    let mut round = Round::default();
    for _ in 0..BATCH {
        let Some(claimed) = claim(state).await? else {
            break;
        };
        match apply(state, &claimed).await {
            Ok(outcome) => {
                round.applied += 1;
                count(&claimed.kind, outcome.as_str());
            }
            Err(err) => {
                let parked = mark_failed(state, &claimed, &err).await?;
                if parked {
                    round.parked += 1;
                } else {
                    round.retried += 1;
                }
            }
        }
    }
    Ok(round)
}

/// Runs [`apply_due`] whenever an event is stored, and every second for
/// retries and other instances' events. Errors are logged; the loop goes on.
pub fn spawn_worker(state: AppState) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        loop {
            match apply_due(&state).await {
                Ok(round) if round.applied + round.retried + round.parked >= BATCH => continue,
                Ok(_) => {}
                Err(err) => {
                    tracing::error!(error = format!("{err:#}"), "webhook inbox round failed")
                }
            }
            if let Err(err) = report_gauges(&state).await {
                tracing::warn!(error = %err, "webhook inbox gauges");
            }
            tokio::select! {
                _ = state.webhook_inbox.notified() => {}
                _ = tokio::time::sleep(POLL_INTERVAL) => {}
            }
        }
    })
}

/// A stored event this worker holds the lease on.
struct Claimed {
    id: String,
    kind: String,
    payload: Option<String>,
    signature: Option<String>,
    received_at: i64,
    attempts: i64,
}

/// Due, not leased, and no older event of the same object still pending.
const DUE: &str = "e.processed_at IS NULL AND e.parked_at IS NULL AND e.next_attempt_at <= $1 \
     AND (e.leased_until IS NULL OR e.leased_until < $1) \
     AND NOT EXISTS (SELECT 1 FROM stripe_events p WHERE p.object_id = e.object_id \
       AND p.processed_at IS NULL AND p.parked_at IS NULL \
       AND (p.created < e.created OR (p.created = e.created \
         AND (p.arrival < e.arrival OR (p.arrival = e.arrival AND p.id < e.id)))))";

async fn claim(state: &AppState) -> Result<Option<Claimed>, sqlx::Error> {
    let now = state.clock.now();
    let pick =
        format!("SELECT e.id FROM stripe_events e WHERE {DUE} ORDER BY e.arrival, e.id LIMIT 1");
    match state.db.kind() {
        // Instances skip each other's locked rows: each takes a different one.
        DbKind::Postgres => {
            let mut tx = state.db.pool().begin().await?;
            let id: Option<String> = sqlx::query_scalar(&format!("{pick} FOR UPDATE SKIP LOCKED"))
                .bind(now)
                .fetch_optional(&mut *tx)
                .await?;
            let claimed = match id {
                Some(id) => lease(&mut *tx, &id, now).await?,
                None => None,
            };
            tx.commit().await?;
            Ok(claimed)
        }
        // One writer at a time: the conditional update is the claim, and a
        // lost race (another worker leased the row in between) tries again.
        DbKind::Sqlite => {
            for _ in 0..16 {
                let id: Option<String> = sqlx::query_scalar(&pick)
                    .bind(now)
                    .fetch_optional(state.db.pool())
                    .await?;
                let Some(id) = id else {
                    return Ok(None);
                };
                if let Some(claimed) = lease(state.db.pool(), &id, now).await? {
                    return Ok(Some(claimed));
                }
            }
            Ok(None)
        }
    }
}

/// Leases the row if it is still free, counting the attempt.
async fn lease<'e, E>(executor: E, id: &str, now: i64) -> Result<Option<Claimed>, sqlx::Error>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    let row = sqlx::query(
        "UPDATE stripe_events SET attempts = attempts + 1, leased_until = $2 \
         WHERE id = $1 AND processed_at IS NULL AND parked_at IS NULL \
         AND (leased_until IS NULL OR leased_until < $3) \
         RETURNING id, type, payload, signature, received_at, attempts",
    )
    .bind(id)
    .bind(now + LEASE_SECS)
    .bind(now)
    .fetch_optional(executor)
    .await?;
    row.as_ref().map(claimed_from).transpose()
}

fn claimed_from(row: &AnyRow) -> Result<Claimed, sqlx::Error> {
    Ok(Claimed {
        id: row.try_get("id")?,
        kind: row.try_get("type")?,
        payload: row.try_get("payload")?,
        signature: row.try_get("signature")?,
        received_at: row.try_get("received_at")?,
        attempts: row.try_get("attempts")?,
    })
}

/// Why an event was not applied this time.
#[derive(Debug, thiserror::Error)]
enum ApplyError {
    /// It will never apply as stored: park it now.
    #[error("unreadable: {0}")]
    Unreadable(String),
    #[error(transparent)]
    Failed(#[from] anyhow::Error),
}

/// Checks the stored signature again (at the time it was received) and
/// applies the event with its `processed_at`, in one transaction; the
/// follow-up (a refund at Stripe) runs after the commit.
async fn apply(state: &AppState, claimed: &Claimed) -> Result<Outcome, ApplyError> {
    let payload = claimed
        .payload
        .as_deref()
        .ok_or_else(|| ApplyError::Unreadable("no payload stored".into()))?;
    let event = signature::verify(
        payload,
        claimed.signature.as_deref(),
        &state.settings.webhook_secrets,
        claimed.received_at,
    )
    .map_err(|err| ApplyError::Unreadable(err.to_string()))?;
    // Reads the order, then writes it: on SQLite the write lock is taken
    // first, so a concurrent writer makes this wait instead of fail.
    let mut tx = state.db.begin_write().await.map_err(anyhow::Error::from)?;
    let (outcome, follow_up) = dispatch::dispatch(
        &mut tx,
        state.db.kind(),
        &state.settings,
        event.created,
        event.account.as_deref(),
        event.data.object,
        state.clock.now(),
    )
    .await?;
    let marked = sqlx::query(
        "UPDATE stripe_events SET processed_at = $1, leased_until = NULL, last_error = NULL, \
         outcome = $3 WHERE id = $2 AND processed_at IS NULL",
    )
    .bind(state.clock.now())
    .bind(&claimed.id)
    .bind(outcome.as_str())
    .execute(&mut *tx)
    .await
    .map_err(anyhow::Error::from)?
    .rows_affected();
    if marked == 0 {
        // Another worker applied it after this one's lease ran out.
        tx.rollback().await.map_err(anyhow::Error::from)?;
        return Ok(Outcome::Duplicate);
    }
    tx.commit().await.map_err(anyhow::Error::from)?;
    tracing::info!(
        event_id = claimed.id,
        event_type = claimed.kind,
        outcome = outcome.as_str(),
        "stripe event"
    );
    // After the commit: never a transaction across a Stripe call.
    follow_up.run(state).await;
    Ok(outcome)
}

/// Schedules the next attempt, or parks the event; returns whether it was parked.
async fn mark_failed(
    state: &AppState,
    claimed: &Claimed,
    err: &ApplyError,
) -> Result<bool, sqlx::Error> {
    let now = state.clock.now();
    let early = matches!(err, ApplyError::Failed(e) if e.is::<TooEarly>());
    let park = matches!(err, ApplyError::Unreadable(_)) || claimed.attempts >= MAX_ATTEMPTS;
    let error: String = format!("{err:#}").chars().take(MAX_ERROR_CHARS).collect();
    sqlx::query(
        "UPDATE stripe_events SET leased_until = NULL, last_error = $1, next_attempt_at = $2, \
         parked_at = $3 WHERE id = $4 AND processed_at IS NULL",
    )
    .bind(&error)
    .bind(now.saturating_add(backoff_secs(claimed.attempts)))
    .bind(park.then_some(now))
    .bind(&claimed.id)
    .execute(state.db.pool())
    .await?;
    if park {
        count(&claimed.kind, "parked");
        tracing::error!(
            event_id = claimed.id,
            event_type = claimed.kind,
            attempts = claimed.attempts,
            error,
            "webhook event parked: it will not be applied without help"
        );
    } else if early {
        // Expected now and then: our own create call's answer is on its way.
        count(&claimed.kind, "too_early");
        tracing::info!(event_id = claimed.id, error, "webhook event waits");
    } else {
        count(&claimed.kind, "retried");
        tracing::warn!(
            event_id = claimed.id,
            event_type = claimed.kind,
            attempts = claimed.attempts,
            error,
            "webhook event failed; retrying"
        );
    }
    Ok(park)
}

/// 2 s after the first attempt, doubling, at most 10 minutes.
fn backoff_secs(attempts: i64) -> i64 {
    let doublings = attempts.saturating_sub(1).clamp(0, 20) as u32;
    BACKOFF_BASE_SECS
        .saturating_mul(1_i64 << doublings)
        .min(BACKOFF_MAX_SECS)
}

/// How many stored events are due now or being applied (one waiting out a
/// back-off, or behind an older event of its object, is not): 0 means the
/// inbox has applied all it can for now.
pub async fn busy(state: &AppState) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(&format!(
        "SELECT COUNT(*) FROM stripe_events e WHERE ({DUE}) \
         OR (e.processed_at IS NULL AND e.parked_at IS NULL AND e.leased_until >= $1)"
    ))
    .bind(state.clock.now())
    .fetch_one(state.db.pool())
    .await
}

/// Stored events not applied yet and not parked: due, leased or waiting
/// for a retry.
pub async fn pending(db: &Db) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT COUNT(*) FROM stripe_events WHERE processed_at IS NULL AND parked_at IS NULL",
    )
    .fetch_one(db.pool())
    .await
}

async fn report_gauges(state: &AppState) -> Result<(), sqlx::Error> {
    let pending = pending(&state.db).await?;
    let parked: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM stripe_events WHERE parked_at IS NOT NULL")
            .fetch_one(state.db.pool())
            .await?;
    metrics::gauge!("webhook_inbox_pending").set(pending as f64);
    metrics::gauge!("webhook_inbox_parked").set(parked as f64);
    Ok(())
}

/// `stripe_webhook_events_total{type, outcome}`: what became of each event.
pub fn count(kind: &str, outcome: &str) {
    metrics::counter!(
        "stripe_webhook_events_total",
        "type" => kind.to_owned(),
        "outcome" => outcome.to_owned()
    )
    .increment(1);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_from_two_seconds_up_to_ten_minutes() {
        let waits: Vec<i64> = (1..=12).map(backoff_secs).collect();
        assert_eq!(waits, [2, 4, 8, 16, 32, 64, 128, 256, 512, 600, 600, 600]);
        assert_eq!(backoff_secs(0), 2);
        assert_eq!(backoff_secs(i64::MAX), 600);
    }
}

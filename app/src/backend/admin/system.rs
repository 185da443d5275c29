//! `/admin/system`: the webhook events received and what became of them,
//! and the email outbox with "send again" for an email that was given up.

use chrono::DateTime;
use sqlx::Row;

use crate::backend::admin::access::{require_admin, AdminError};
use crate::backend::admin::audit::{self, Action};
use crate::backend::mail::outbox;
use crate::backend::{AppState, RequestContext};
use crate::model::admin::{AdminEvent, EventList, OutboxEmail, OutboxList, OutcomeCount};

/// Rows per list: the newest; older ones are in the database and the logs.
const LIST_LIMIT: i64 = 100;

/// An event's outcome: what the worker recorded, or where it stands.
const OUTCOME: &str = "CASE WHEN e.processed_at IS NOT NULL THEN COALESCE(e.outcome, 'processed') \
     WHEN e.parked_at IS NOT NULL THEN 'failed' \
     WHEN e.last_error LIKE 'too early%' THEN 'too_early' \
     WHEN e.attempts > 0 THEN 'retrying' ELSE 'pending' END";

fn instant(secs: i64) -> DateTime<chrono::Utc> {
    DateTime::from_timestamp(secs, 0).unwrap_or_default()
}

/// The newest events (only the failed or retried ones with `problems`),
/// with the order each is about, and the counts per outcome of all events.
pub async fn events(
    state: &AppState,
    ctx: &RequestContext,
    problems: bool,
) -> Result<EventList, AdminError> {
    require_admin(state, ctx).await?;
    let filter = if problems {
        "WHERE e.processed_at IS NULL AND (e.parked_at IS NOT NULL OR e.attempts > 0)"
    } else {
        ""
    };
    let rows = sqlx::query(&format!(
        "SELECT e.id, e.type, {OUTCOME} AS outcome, e.received_at, e.processed_at, e.attempts, \
         e.last_error, (SELECT o.id FROM orders o WHERE o.stripe_payment_intent = e.object_id \
           OR o.stripe_charge_id = e.object_id OR o.stripe_transfer_id = e.object_id LIMIT 1) AS order_id \
         FROM stripe_events e {filter} ORDER BY e.received_at DESC, e.arrival DESC LIMIT $1"
    ))
    .bind(LIST_LIMIT)
    .fetch_all(state.db.pool())
    .await?;
    let events = rows
        .iter()
        .map(|row| {
            Ok(AdminEvent {
                id: row.try_get("id")?,
                event_type: row.try_get("type")?,
                outcome: row.try_get("outcome")?,
                received_at: instant(row.try_get("received_at")?),
                processed_at: row.try_get::<Option<i64>, _>("processed_at")?.map(instant),
                attempts: row.try_get("attempts")?,
                last_error: row.try_get("last_error")?,
                order_id: row.try_get("order_id")?,
            })
        })
        .collect::<Result<Vec<_>, sqlx::Error>>()?;
    let counts = event_counts(state).await?;
    Ok(EventList { events, counts })
}

/// How many stored events have each outcome: the console's summary, and
/// the `webhook_events{outcome}` gauge of `/metrics` ([`publish_gauges`]).
pub async fn event_counts(state: &AppState) -> Result<Vec<OutcomeCount>, sqlx::Error> {
    sqlx::query(&format!(
        "SELECT outcome, CAST(COUNT(*) AS BIGINT) AS n FROM \
         (SELECT {OUTCOME} AS outcome FROM stripe_events e) c GROUP BY outcome ORDER BY outcome"
    ))
    .fetch_all(state.db.pool())
    .await?
    .iter()
    .map(|row| {
        Ok(OutcomeCount {
            outcome: row.try_get("outcome")?,
            count: row.try_get("n")?,
        })
    })
    .collect()
}

/// Queued, sent and failed emails: the console's summary, and the
/// `outbox_emails{state}` gauge of `/metrics`.
pub async fn outbox_counts(state: &AppState) -> Result<(i64, i64, i64), sqlx::Error> {
    let given_up = outbox::given_up_sql();
    let counts = sqlx::query(&format!(
        "SELECT CAST(COALESCE(SUM(CASE WHEN sent_at IS NOT NULL THEN 1 ELSE 0 END), 0) AS BIGINT) AS sent, \
         CAST(COALESCE(SUM(CASE WHEN {given_up} THEN 1 ELSE 0 END), 0) AS BIGINT) AS failed, \
         CAST(COUNT(*) AS BIGINT) AS total FROM outbox"
    ))
    .fetch_one(state.db.pool())
    .await?;
    let sent: i64 = counts.try_get("sent")?;
    let failed: i64 = counts.try_get("failed")?;
    let total: i64 = counts.try_get("total")?;
    Ok((total - sent - failed, sent, failed))
}

/// Sets the gauges `/metrics` shows from the same counts as the console,
/// so the two always agree when read at the same moment.
pub async fn publish_gauges(state: &AppState) -> Result<(), sqlx::Error> {
    for count in event_counts(state).await? {
        metrics::gauge!("webhook_events", "outcome" => count.outcome).set(count.count as f64);
    }
    let (queued, sent, failed) = outbox_counts(state).await?;
    for (name, n) in [("queued", queued), ("sent", sent), ("failed", failed)] {
        metrics::gauge!("outbox_emails", "state" => name).set(n as f64);
    }
    Ok(())
}

/// The newest emails (only the given-up ones with `failed_only`) and the
/// counts of queued, sent and failed ones.
pub async fn outbox(
    state: &AppState,
    ctx: &RequestContext,
    failed_only: bool,
) -> Result<OutboxList, AdminError> {
    require_admin(state, ctx).await?;
    let given_up = outbox::given_up_sql();
    let state_sql = format!(
        "CASE WHEN sent_at IS NOT NULL THEN 'sent' WHEN {given_up} THEN 'failed' ELSE 'queued' END"
    );
    let filter = if failed_only {
        format!("WHERE {given_up}")
    } else {
        String::new()
    };
    let rows = sqlx::query(&format!(
        "SELECT id, kind, recipient, subject, {state_sql} AS state, attempts, last_error, \
         created_at, sent_at FROM outbox {filter} ORDER BY created_at DESC, id DESC LIMIT $1"
    ))
    .bind(LIST_LIMIT)
    .fetch_all(state.db.pool())
    .await?;
    let emails = rows
        .iter()
        .map(|row| {
            Ok(OutboxEmail {
                id: row.try_get("id")?,
                kind: row.try_get("kind")?,
                recipient: row.try_get("recipient")?,
                subject: row.try_get("subject")?,
                state: row.try_get("state")?,
                attempts: row.try_get("attempts")?,
                last_error: row.try_get("last_error")?,
                created_at: instant(row.try_get("created_at")?),
                sent_at: row.try_get::<Option<i64>, _>("sent_at")?.map(instant),
            })
        })
        .collect::<Result<Vec<_>, sqlx::Error>>()?;
    let (queued, sent, failed) = outbox_counts(state).await?;
    Ok(OutboxList {
        emails,
        queued,
        sent,
        failed,
    })
}

/// "Send again" on a given-up email: it is queued with a fresh set of
/// attempts. Idempotent: an email already queued or sent is left alone,
/// and only a resend that happened is audited. Returns whether it did.
pub async fn resend(state: &AppState, ctx: &RequestContext, id: &str) -> Result<bool, AdminError> {
    let admin = require_admin(state, ctx).await?;
    let now = state.clock.now();
    let mut tx = state.db.begin_write().await?;
    let exists: Option<String> = sqlx::query_scalar("SELECT id FROM outbox WHERE id = $1")
        .bind(id)
        .fetch_optional(&mut *tx)
        .await?;
    if exists.is_none() {
        return Err(AdminError::NotFound);
    }
    let done = outbox::resend(&mut tx, id, now).await?;
    if done {
        audit::record(
            &mut tx,
            &Action {
                admin_id: &admin.id,
                action: "outbox.resend",
                target_type: "outbox",
                target_id: id,
                before: Some(serde_json::json!({ "state": "failed" })),
                after: Some(serde_json::json!({ "state": "queued" })),
            },
            now,
        )
        .await?;
        tracing::info!(outbox_id = id, "email queued again by an admin");
    }
    tx.commit().await?;
    Ok(done)
}

//! `/admin/disputes`: the queue of chargebacks by evidence deadline, each
//! with an evidence set prefilled from our records (receipt, customer,
//! cancellation policy, service date, attendance), which the admin may edit
//! and send to Stripe.

use chrono::{DateTime, Utc};
use sqlx::any::AnyRow;
use sqlx::Row;

use crate::backend::admin::access::{require_admin, AdminError};
use crate::backend::admin::audit::{self, Action};
use crate::backend::{AppState, RequestContext};
use crate::i18n;
use crate::model::admin::{AdminDispute, DisputeEvidence, EvidenceSubmission};
use crate::model::session::{format_price, Currency};

/// Stripe's evidence fields hold at most this many characters each (the
/// activity log 20 000; the others less). Longer text is refused, not cut.
const MAX_FIELD_CHARS: usize = 20_000;

const DISPUTE_COLUMNS: &str = "SELECT d.id, d.order_id, d.amount_cents, d.currency, d.reason, \
     d.status, d.due_by, d.funds_withdrawn, d.submitted_at, d.evidence_json, \
     u.email, u.display_name, COALESCE(s.title, c.title, '') AS title, \
     tu.display_name AS teacher_name, o.created_at AS ordered_at, o.amount_cents AS paid_cents, \
     o.paid_at, sl.start_at, sl.end_at, o.first_joined_at, o.join_count \
     FROM disputes d LEFT JOIN orders o ON o.id = d.order_id \
     LEFT JOIN users u ON u.id = o.user_id \
     LEFT JOIN sessions s ON s.id = o.session_id LEFT JOIN courses c ON c.id = o.course_id \
     LEFT JOIN session_slots sl ON sl.id = o.slot_id \
     LEFT JOIN teachers t ON t.id = COALESCE(s.teacher_id, c.teacher_id) \
     LEFT JOIN users tu ON tu.id = t.user_id";

fn instant(secs: i64) -> DateTime<Utc> {
    DateTime::from_timestamp(secs, 0).unwrap_or_default()
}

/// The evidence our records support, in English (the card network reads it).
fn draft(row: &AnyRow, cancellation_window_secs: i64) -> anyhow::Result<DisputeEvidence> {
    let title: String = row.try_get("title")?;
    let teacher: Option<String> = row.try_get("teacher_name")?;
    let currency: String = row.try_get("currency")?;
    let paid: Option<i64> = row.try_get("paid_cents")?;
    let paid_at: Option<i64> = row.try_get("paid_at")?;
    let ordered_at: Option<i64> = row.try_get("ordered_at")?;
    let start: Option<i64> = row.try_get("start_at")?;
    let end: Option<i64> = row.try_get("end_at")?;
    let first_joined: Option<i64> = row.try_get("first_joined_at")?;
    let joins: Option<i64> = row.try_get("join_count")?;
    let money = |cents: i64| match Currency::parse(&currency) {
        Some(c) => format_price(cents, c, i18n::EN.free),
        None => format!("{cents} {currency} (minor units)"),
    };
    let fmt = |secs: i64| instant(secs).format("%Y-%m-%d %H:%M UTC").to_string();
    let product = match (&teacher, start) {
        (Some(teacher), Some(start)) => {
            format!(
                "A seat in the live online class \"{title}\" taught by {teacher} on {}.",
                fmt(start)
            )
        }
        (Some(teacher), None) => format!("The online course \"{title}\" by {teacher}."),
        _ => title.clone(),
    };
    let receipt = match (paid, paid_at.or(ordered_at)) {
        (Some(paid), Some(at)) => format!(
            "Receipt: {} paid on {} for: {product} Order {}.",
            money(paid),
            fmt(at),
            row.try_get::<Option<String>, _>("order_id")?
                .unwrap_or_default()
        ),
        _ => String::new(),
    };
    let hours = cancellation_window_secs / 3_600;
    let attendance = match (start, first_joined) {
        (Some(_), Some(joined)) => format!(
            "The customer opened the class's room through their personal join link first at {} ({} time(s) in all); the class ran {}–{}.",
            fmt(joined),
            joins.unwrap_or(1),
            start.map(fmt).unwrap_or_default(),
            end.map(fmt).unwrap_or_default()
        ),
        (Some(_), None) => String::new(),
        (None, _) => String::new(),
    };
    Ok(DisputeEvidence {
        product_description: product,
        customer_name: row
            .try_get::<Option<String>, _>("display_name")?
            .unwrap_or_default(),
        customer_email_address: row.try_get::<Option<String>, _>("email")?.unwrap_or_default(),
        service_date: start
            .map(|s| instant(s).format("%Y-%m-%d").to_string())
            .unwrap_or_default(),
        cancellation_policy_disclosure: format!(
            "Shown and accepted at checkout: a booking can be cancelled with a full refund up to {hours} hours before the class starts; after that it is not refundable."
        ),
        access_activity_log: attendance,
        uncategorized_text: receipt,
    })
}

fn dispute_from_row(row: &AnyRow, window: i64) -> anyhow::Result<AdminDispute> {
    let submitted: Option<String> = row.try_get("evidence_json")?;
    let evidence = match submitted {
        Some(json) => serde_json::from_str(&json)?,
        None => draft(row, window)?,
    };
    Ok(AdminDispute {
        id: row.try_get("id")?,
        order_id: row.try_get("order_id")?,
        student_email: row.try_get("email")?,
        title: row.try_get("title")?,
        teacher_name: row.try_get("teacher_name")?,
        amount_cents: row.try_get("amount_cents")?,
        currency: row.try_get("currency")?,
        reason: row.try_get("reason")?,
        status: row.try_get("status")?,
        due_by: row.try_get::<Option<i64>, _>("due_by")?.map(instant),
        funds_withdrawn: row.try_get::<i64, _>("funds_withdrawn")? != 0,
        submitted_at: row.try_get::<Option<i64>, _>("submitted_at")?.map(instant),
        evidence,
    })
}

/// Open disputes first, soonest deadline first; then the closed ones, newest first.
pub async fn list(state: &AppState, ctx: &RequestContext) -> Result<Vec<AdminDispute>, AdminError> {
    require_admin(state, ctx).await?;
    let rows = sqlx::query(&format!(
        "{DISPUTE_COLUMNS} ORDER BY CASE WHEN d.status IN ('won', 'lost', 'warning_closed', 'prevented') \
         THEN 1 ELSE 0 END, CASE WHEN d.status IN ('won', 'lost', 'warning_closed', 'prevented') \
         THEN -d.updated_at ELSE COALESCE(d.due_by, 0) END, d.id LIMIT 200"
    ))
    .fetch_all(state.db.pool())
    .await?;
    let window = state.settings.cancellation_window_secs;
    Ok(rows
        .iter()
        .map(|row| dispute_from_row(row, window))
        .collect::<anyhow::Result<Vec<_>>>()?)
}

/// Sends the evidence to Stripe (submitting it unless `submit` is false),
/// then records what was sent and Stripe's new status, with an audit row.
pub async fn submit_evidence(
    state: &AppState,
    ctx: &RequestContext,
    dispute_id: &str,
    submission: &EvidenceSubmission,
) -> Result<AdminDispute, AdminError> {
    let admin = require_admin(state, ctx).await?;
    let evidence = &submission.evidence;
    let fields = [
        &evidence.product_description,
        &evidence.customer_name,
        &evidence.customer_email_address,
        &evidence.service_date,
        &evidence.cancellation_policy_disclosure,
        &evidence.access_activity_log,
        &evidence.uncategorized_text,
    ];
    if fields.iter().all(|f| f.trim().is_empty()) {
        return Err(AdminError::EvidenceEmpty);
    }
    if fields.iter().any(|f| f.chars().count() > MAX_FIELD_CHARS) {
        return Err(AdminError::EvidenceTooLong);
    }
    let before: Option<(String, Option<String>)> =
        sqlx::query_as("SELECT status, evidence_json FROM disputes WHERE id = $1")
            .bind(dispute_id)
            .fetch_optional(state.db.pool())
            .await?;
    let (status_before, _) = before.ok_or(AdminError::NotFound)?;
    if matches!(status_before.as_str(), "won" | "lost" | "warning_closed") {
        return Err(AdminError::DisputeClosed);
    }
    let status = state
        .stripe
        .submit_dispute_evidence(dispute_id, evidence, submission.submit)
        .await
        .map_err(|err| {
            if err.is_transient() {
                AdminError::StripeUnavailable(err)
            } else {
                AdminError::StripeRefused(err)
            }
        })?;
    let now = state.clock.now();
    let json = serde_json::to_string(evidence).map_err(anyhow::Error::from)?;
    let mut tx = state.db.begin_write().await?;
    sqlx::query(
        "UPDATE disputes SET evidence_json = $2, has_evidence = 1, status = $3, \
         submitted_at = CASE WHEN $4 = 1 THEN $5 ELSE submitted_at END, updated_at = $5 \
         WHERE id = $1",
    )
    .bind(dispute_id)
    .bind(&json)
    .bind(&status)
    .bind(i64::from(submission.submit))
    .bind(now)
    .execute(&mut *tx)
    .await?;
    audit::record(
        &mut tx,
        &Action {
            admin_id: &admin.id,
            action: if submission.submit {
                "dispute.evidence.submit"
            } else {
                "dispute.evidence.save"
            },
            target_type: "dispute",
            target_id: dispute_id,
            before: Some(serde_json::json!({ "status": status_before })),
            after: Some(serde_json::json!({ "status": status, "evidence": evidence })),
        },
        now,
    )
    .await?;
    tx.commit().await?;
    tracing::info!(dispute_id, status, "dispute evidence sent");
    let row = sqlx::query(&format!("{DISPUTE_COLUMNS} WHERE d.id = $1"))
        .bind(dispute_id)
        .fetch_one(state.db.pool())
        .await?;
    Ok(dispute_from_row(
        &row,
        state.settings.cancellation_window_secs,
    )?)
}

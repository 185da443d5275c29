//! The audit trail: one row per admin action, written in the action's own
//! transaction (an action that rolls back leaves no row).

use chrono::DateTime;
use serde::Serialize;
use sqlx::any::AnyRow;
use sqlx::{Any, Row, Transaction};

use crate::backend::admin::access::{require_admin, AdminError};
use crate::backend::{new_id, AppState, RequestContext};
use crate::model::admin::{AuditEntry, AuditPage};

/// What an action did, for [`record`]: the target as JSON before and after.
pub struct Action<'a> {
    pub admin_id: &'a str,
    /// e.g. `teacher.update`, `order.refund`.
    pub action: &'a str,
    pub target_type: &'a str,
    pub target_id: &'a str,
    pub before: Option<serde_json::Value>,
    pub after: Option<serde_json::Value>,
}

/// Any serialisable value as the trail's JSON.
pub fn json<T: Serialize>(value: &T) -> anyhow::Result<serde_json::Value> {
    Ok(serde_json::to_value(value)?)
}

pub async fn record(
    tx: &mut Transaction<'_, Any>,
    action: &Action<'_>,
    now: i64,
) -> anyhow::Result<()> {
    sqlx::query(
        "INSERT INTO admin_audit (id, admin_id, action, target_type, target_id, before_json, \
         after_json, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(new_id())
    .bind(action.admin_id)
    .bind(action.action)
    .bind(action.target_type)
    .bind(action.target_id)
    .bind(action.before.as_ref().map(|v| v.to_string()))
    .bind(action.after.as_ref().map(|v| v.to_string()))
    .bind(now)
    .execute(&mut **tx)
    .await?;
    tracing::info!(
        admin_id = action.admin_id,
        action = action.action,
        target_id = action.target_id,
        "admin action"
    );
    Ok(())
}

const AUDIT_COLUMNS: &str = "SELECT a.id, u.email, a.action, a.target_type, a.target_id, \
     a.before_json, a.after_json, a.created_at FROM admin_audit a JOIN users u ON u.id = a.admin_id";

pub fn entry_from_row(row: &AnyRow) -> anyhow::Result<AuditEntry> {
    let at: i64 = row.try_get("created_at")?;
    Ok(AuditEntry {
        id: row.try_get("id")?,
        admin_email: row.try_get("email")?,
        action: row.try_get("action")?,
        target_type: row.try_get("target_type")?,
        target_id: row.try_get("target_id")?,
        before: row.try_get("before_json")?,
        after: row.try_get("after_json")?,
        created_at: DateTime::from_timestamp(at, 0).unwrap_or_default(),
    })
}

/// The audit rows about one thing, oldest first.
pub async fn for_target(
    state: &AppState,
    target_type: &str,
    target_id: &str,
) -> anyhow::Result<Vec<AuditEntry>> {
    let rows = sqlx::query(&format!(
        "{AUDIT_COLUMNS} WHERE a.target_type = $1 AND a.target_id = $2 ORDER BY a.created_at, a.id"
    ))
    .bind(target_type)
    .bind(target_id)
    .fetch_all(state.db.pool())
    .await?;
    rows.iter().map(entry_from_row).collect()
}

pub const PER_PAGE: i64 = 50;

/// `/admin/audit`: newest first, a page at a time.
pub async fn list(
    state: &AppState,
    ctx: &RequestContext,
    page: Option<i64>,
) -> Result<AuditPage, AdminError> {
    require_admin(state, ctx).await?;
    let page = page.unwrap_or(1).max(1);
    let rows = sqlx::query(&format!(
        "{AUDIT_COLUMNS} ORDER BY a.created_at DESC, a.id DESC LIMIT $1 OFFSET $2"
    ))
    .bind(PER_PAGE + 1)
    .bind((page - 1).saturating_mul(PER_PAGE))
    .fetch_all(state.db.pool())
    .await?;
    let has_more = rows.len() as i64 > PER_PAGE;
    let entries = rows
        .iter()
        .take(PER_PAGE as usize)
        .map(entry_from_row)
        .collect::<anyhow::Result<Vec<_>>>()?;
    Ok(AuditPage {
        entries,
        page,
        per_page: PER_PAGE,
        has_more,
    })
}

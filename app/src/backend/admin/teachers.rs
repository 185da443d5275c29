//! `/admin/teachers`: every teacher with their Connect status, sales and
//! refunds, their share of new sales, and suspension.

use std::collections::HashMap;

use serde::Serialize;
use sqlx::any::AnyRow;
use sqlx::Row;

use crate::backend::admin::access::{require_admin, AdminError};
use crate::backend::admin::audit::{self, Action};
use crate::backend::booking::orders;
use crate::backend::{AppState, RequestContext};
use crate::model::admin::{AdminTeacher, MoneyTotal, TeacherChange};

/// The list is short (teachers, not students); a search narrows it.
const LIST_LIMIT: i64 = 500;

const TEACHER_COLUMNS: &str = "SELECT t.id, t.user_id, u.display_name, u.email, \
     t.stripe_connect_account_id, t.charges_enabled, t.payouts_enabled, t.details_submitted, \
     t.payout_split_pct, t.suspended_at FROM teachers t JOIN users u ON u.id = t.user_id";

/// A `LIKE` pattern that matches `text` anywhere, case-insensitively, with
/// `%`, `_` and `\` in it taken literally (used with `ESCAPE '\'`).
pub fn contains_pattern(text: &str) -> String {
    let mut pattern = String::from("%");
    for c in text.trim().to_lowercase().chars() {
        if matches!(c, '%' | '_' | '\\') {
            pattern.push('\\');
        }
        pattern.push(c);
    }
    pattern.push('%');
    pattern
}

fn teacher_from_row(row: &AnyRow) -> anyhow::Result<AdminTeacher> {
    let flag = |column: &str| -> anyhow::Result<bool> { Ok(row.try_get::<i64, _>(column)? != 0) };
    Ok(AdminTeacher {
        id: row.try_get("id")?,
        user_id: row.try_get("user_id")?,
        name: row.try_get("display_name")?,
        email: row.try_get("email")?,
        connect_account_id: row.try_get("stripe_connect_account_id")?,
        charges_enabled: flag("charges_enabled")?,
        payouts_enabled: flag("payouts_enabled")?,
        details_submitted: flag("details_submitted")?,
        payout_split_pct: row.try_get("payout_split_pct")?,
        suspended: row.try_get::<Option<i64>, _>("suspended_at")?.is_some(),
        totals: Vec::new(),
        slots_cancelled: 0,
    })
}

/// Every teacher's sales and refunds per currency, in one query.
async fn totals(state: &AppState) -> anyhow::Result<HashMap<String, Vec<MoneyTotal>>> {
    let rows = sqlx::query(
        "SELECT COALESCE(s.teacher_id, c.teacher_id) AS teacher_id, o.currency, \
         CAST(SUM(o.amount_cents) AS BIGINT) AS sales, CAST(SUM(o.refunded_cents) AS BIGINT) AS refunded \
         FROM orders o LEFT JOIN sessions s ON s.id = o.session_id \
         LEFT JOIN courses c ON c.id = o.course_id \
         WHERE o.status IN ('paid', 'refunded') AND (s.id IS NOT NULL OR c.id IS NOT NULL) \
         GROUP BY COALESCE(s.teacher_id, c.teacher_id), o.currency ORDER BY o.currency",
    )
    .fetch_all(state.db.pool())
    .await?;
    let mut by_teacher: HashMap<String, Vec<MoneyTotal>> = HashMap::new();
    for row in rows {
        by_teacher
            .entry(row.try_get("teacher_id")?)
            .or_default()
            .push(MoneyTotal {
                currency: row.try_get("currency")?,
                sales_cents: row.try_get("sales")?,
                refunded_cents: row.try_get("refunded")?,
            });
    }
    Ok(by_teacher)
}

/// Teachers whose name or email contains `q` (all without one), by name.
pub async fn list(
    state: &AppState,
    ctx: &RequestContext,
    q: Option<&str>,
) -> Result<Vec<AdminTeacher>, AdminError> {
    require_admin(state, ctx).await?;
    let q = q.map(str::trim).filter(|q| !q.is_empty());
    let rows = match q {
        Some(q) => {
            sqlx::query(&format!(
                "{TEACHER_COLUMNS} WHERE LOWER(u.email) LIKE $1 ESCAPE '\\' \
                 OR LOWER(u.display_name) LIKE $1 ESCAPE '\\' \
                 ORDER BY LOWER(u.display_name), t.id LIMIT $2"
            ))
            .bind(contains_pattern(q))
            .bind(LIST_LIMIT)
            .fetch_all(state.db.pool())
            .await?
        }
        None => {
            sqlx::query(&format!(
                "{TEACHER_COLUMNS} ORDER BY LOWER(u.display_name), t.id LIMIT $1"
            ))
            .bind(LIST_LIMIT)
            .fetch_all(state.db.pool())
            .await?
        }
    };
    let mut totals = totals(state).await?;
    rows.iter()
        .map(|row| {
            let mut teacher = teacher_from_row(row)?;
            teacher.totals = totals.remove(&teacher.id).unwrap_or_default();
            Ok(teacher)
        })
        .collect()
}

/// The fields an admin changes, as the audit trail records them.
#[derive(Serialize)]
struct Settings {
    payout_split_pct: i64,
    suspended: bool,
}

/// Changes a teacher's share of new sales and/or suspends or restores them.
/// Orders already made keep the fee they were made with.
pub async fn update(
    state: &AppState,
    ctx: &RequestContext,
    teacher_id: &str,
    change: &TeacherChange,
) -> Result<AdminTeacher, AdminError> {
    let admin = require_admin(state, ctx).await?;
    if change.payout_split_pct.is_none() && change.suspended.is_none() {
        return Err(AdminError::EmptyChange);
    }
    if change
        .payout_split_pct
        .is_some_and(|pct| !(0..=100).contains(&pct))
    {
        return Err(AdminError::SplitOutOfRange);
    }
    let now = state.clock.now();
    let mut tx = state.db.begin_write().await?;
    let row = sqlx::query("SELECT payout_split_pct, suspended_at FROM teachers WHERE id = $1")
        .bind(teacher_id)
        .fetch_optional(&mut *tx)
        .await?
        .ok_or(AdminError::NotFound)?;
    let before = Settings {
        payout_split_pct: row.try_get("payout_split_pct")?,
        suspended: row.try_get::<Option<i64>, _>("suspended_at")?.is_some(),
    };
    let after = Settings {
        payout_split_pct: change.payout_split_pct.unwrap_or(before.payout_split_pct),
        suspended: change.suspended.unwrap_or(before.suspended),
    };
    // Keep the first suspension's time when suspending again.
    sqlx::query(
        "UPDATE teachers SET payout_split_pct = $2, \
         suspended_at = CASE WHEN $3 = 1 THEN COALESCE(suspended_at, $4) ELSE NULL END, \
         updated_at = $4 WHERE id = $1",
    )
    .bind(teacher_id)
    .bind(after.payout_split_pct)
    .bind(i64::from(after.suspended))
    .bind(now)
    .execute(&mut *tx)
    .await?;
    audit::record(
        &mut tx,
        &Action {
            admin_id: &admin.id,
            action: "teacher.update",
            target_type: "teacher",
            target_id: teacher_id,
            before: Some(audit::json(&before)?),
            after: Some(serde_json::json!({
                "payout_split_pct": after.payout_split_pct,
                "suspended": after.suspended,
                "cancel_upcoming_bookings": change.cancel_upcoming_bookings,
            })),
        },
        now,
    )
    .await?;
    tx.commit().await?;
    let slots_cancelled = if change.cancel_upcoming_bookings {
        cancel_upcoming(state, teacher_id).await?
    } else {
        0
    };
    let row = sqlx::query(&format!("{TEACHER_COLUMNS} WHERE t.id = $1"))
        .bind(teacher_id)
        .fetch_one(state.db.pool())
        .await?;
    let mut teacher = teacher_from_row(&row)?;
    teacher.totals = totals(state).await?.remove(teacher_id).unwrap_or_default();
    teacher.slots_cancelled = slots_cancelled;
    Ok(teacher)
}

/// Cancels every upcoming scheduled slot of the teacher through the
/// teacher's own cancel path (bookings refunded once, open checkouts
/// stopped, everyone told). Run after the suspension is committed, one slot
/// at a time: a failure midway leaves the rest for a second request (which
/// finds only the slots still scheduled) and the owed refunds to the sweep.
async fn cancel_upcoming(state: &AppState, teacher_id: &str) -> Result<i64, AdminError> {
    let slots: Vec<String> = sqlx::query_scalar(
        "SELECT sl.id FROM session_slots sl JOIN sessions s ON s.id = sl.session_id \
         WHERE s.teacher_id = $1 AND sl.status = 'scheduled' AND sl.start_at > $2 \
         ORDER BY sl.start_at",
    )
    .bind(teacher_id)
    .bind(state.clock.now())
    .fetch_all(state.db.pool())
    .await?;
    for slot in &slots {
        orders::cancel_slot_of(state, teacher_id, slot)
            .await
            .map_err(|err| AdminError::Unexpected(anyhow::Error::new(err)))?;
    }
    tracing::info!(
        teacher_id,
        slots = slots.len(),
        "upcoming classes cancelled by the platform"
    );
    Ok(slots.len() as i64)
}

//! The teacher's attendee list of a slot: who booked, and whether and when
//! they joined. One query for the whole list.

use anyhow::Context;
use chrono::DateTime;
use sqlx::Row;

use crate::backend::accounts::teachers::require_teacher;
use crate::backend::attendance::join::JoinError;
use crate::backend::{AppState, RequestContext};
use crate::model::join::{Attendance, Attendee};
use crate::model::order::OrderStatus;

/// The attendees of one of the caller's slots. Another teacher's slot is
/// `Forbidden`, an unknown one `NotFound`.
pub async fn list(
    state: &AppState,
    ctx: &RequestContext,
    slot_id: &str,
) -> Result<Attendance, JoinError> {
    let (_, teacher_id) = require_teacher(state, ctx).await?;
    let owner: Option<String> = sqlx::query_scalar(
        "SELECT s.teacher_id FROM session_slots sl JOIN sessions s ON s.id = sl.session_id \
         WHERE sl.id = $1",
    )
    .bind(slot_id)
    .fetch_optional(state.db.pool())
    .await?;
    match owner {
        None => return Err(JoinError::NotFound),
        Some(owner) if owner != teacher_id => return Err(JoinError::Forbidden),
        Some(_) => {}
    }
    let rows = sqlx::query(
        "SELECT o.id, o.status, o.hold_active, o.first_joined_at, o.join_count, u.display_name \
         FROM orders o JOIN users u ON u.id = o.user_id \
         WHERE o.slot_id = $1 AND o.status IN ('paid', 'refunded') \
         ORDER BY o.hold_active DESC, u.display_name, o.id",
    )
    .bind(slot_id)
    .fetch_all(state.db.pool())
    .await?;
    let mut attendance = Attendance {
        slot_id: slot_id.to_owned(),
        booked: 0,
        joined: 0,
        attendees: Vec::with_capacity(rows.len()),
    };
    for row in &rows {
        let status: String = row.try_get("status")?;
        let held = row.try_get::<i64, _>("hold_active")? == 1;
        let joined_at = row
            .try_get::<Option<i64>, _>("first_joined_at")?
            .and_then(|secs| DateTime::from_timestamp(secs, 0));
        // A paid order without its seat is a cancellation whose refund is
        // under way: shown as refunded.
        let status = match OrderStatus::parse(&status).context("stored status")? {
            OrderStatus::Paid if !held => OrderStatus::Refunded,
            other => other,
        };
        if status == OrderStatus::Paid {
            attendance.booked += 1;
            attendance.joined += i64::from(joined_at.is_some());
        }
        attendance.attendees.push(Attendee {
            order_id: row.try_get("id")?,
            display_name: row.try_get("display_name")?,
            status,
            joined_at,
            join_count: row.try_get::<i64, _>("join_count")?,
        });
    }
    Ok(attendance)
}

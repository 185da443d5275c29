//! The two seat moves, each one conditional statement in the caller's
//! transaction, so `seats_taken` always equals the number of orders with
//! `hold_active = 1` on the slot and a seat is never taken past the total
//! nor given back twice (DESIGN §5).

use sqlx::{Any, Transaction};

use crate::model::order::OrderStatus;

/// Takes one seat of a bookable slot; `false` when it is full, cancelled or started.
pub async fn take(
    tx: &mut Transaction<'_, Any>,
    slot_id: &str,
    now: i64,
) -> Result<bool, sqlx::Error> {
    let at = now;
    let done = sqlx::query(
        "UPDATE session_slots SET seats_taken = seats_taken + 1, updated_at = $2 \
         WHERE id = $1 AND status = 'scheduled' AND seats_taken < seats_total AND start_at > $2",
    )
    .bind(slot_id)
    .bind(at)
    .execute(&mut **tx)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Gives an order's seat back and sets its status, if it still holds one.
/// Returns whether it did (a second call, or a concurrent one, does nothing).
pub async fn release(
    tx: &mut Transaction<'_, Any>,
    order_id: &str,
    status: OrderStatus,
    now: i64,
) -> Result<bool, sqlx::Error> {
    let at = now;
    let done = sqlx::query(
        "UPDATE orders SET hold_active = 0, status = $2, updated_at = $3 \
         WHERE id = $1 AND hold_active = 1",
    )
    .bind(order_id)
    .bind(status.as_str())
    .bind(at)
    .execute(&mut **tx)
    .await?;
    if done.rows_affected() == 0 {
        return Ok(false);
    }
    sqlx::query(
        "UPDATE session_slots SET seats_taken = seats_taken - 1, updated_at = $2 \
         WHERE id = (SELECT slot_id FROM orders WHERE id = $1)",
    )
    .bind(order_id)
    .bind(at)
    .execute(&mut **tx)
    .await?;
    Ok(true)
}

//! The payment webhooks (DESIGN §5), each applied inside the webhook's
//! transaction, idempotent, and never moving an order backwards (the table
//! is `model::order::transition`). A Stripe call is never made here: a late
//! payment that cannot have a seat (none is free, or the student holds
//! another on the slot) leaves the order "paid without a seat", and the
//! refund is made after the commit (or by the refund sweep).

use anyhow::Context;
use sqlx::{Any, Row, Transaction};
use stripe_shared::{Charge, PaymentIntent, Transfer};
use stripe_types::Expandable;

use crate::backend::db::DbKind;
use crate::backend::state::Settings;
use crate::backend::{
    booking::{refunds, seats},
    mail::receipts,
    AppState,
};
use crate::model::order::{transition, OrderEvent, OrderStatus};

/// What the webhook must do after its transaction committed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FollowUp {
    None,
    /// A payment arrived for an order that has no seat: refund it.
    Refund(String),
}

impl FollowUp {
    /// Does the follow-up; call it after the commit, never inside a
    /// transaction (it calls Stripe). A failure is logged and left to the
    /// refund sweep, which retries every owed refund.
    pub async fn run(self, state: &AppState) {
        if let FollowUp::Refund(order_id) = self {
            if let Err(err) = refunds::refund_owed(state, &order_id).await {
                tracing::warn!(
                    order_id,
                    error = format!("{err:#}"),
                    "refund deferred to the sweep"
                );
            }
        }
    }
}

/// Whether the event changed something.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Applied {
    pub changed: bool,
    pub follow_up: FollowUp,
}

impl Applied {
    fn unchanged() -> Applied {
        Applied {
            changed: false,
            follow_up: FollowUp::None,
        }
    }
    fn changed() -> Applied {
        Applied {
            changed: true,
            follow_up: FollowUp::None,
        }
    }
}

struct OrderRow {
    id: String,
    user_id: String,
    status: OrderStatus,
    hold_active: bool,
    slot_id: Option<String>,
    course_id: Option<String>,
}

/// The order a PaymentIntent pays: by our metadata first (the webhook may
/// beat our own write of the PaymentIntent id), then by the stored id.
/// Locked for the rest of the transaction on PostgreSQL.
async fn order_for_intent(
    tx: &mut Transaction<'_, Any>,
    kind: DbKind,
    intent: &PaymentIntent,
) -> anyhow::Result<Option<OrderRow>> {
    let by_metadata = intent.metadata.get("order_id").map(String::as_str);
    order_paid_by(tx, kind, intent.id.as_str(), by_metadata).await
}

async fn order_paid_by(
    tx: &mut Transaction<'_, Any>,
    kind: DbKind,
    intent_id: &str,
    by_metadata: Option<&str>,
) -> anyhow::Result<Option<OrderRow>> {
    let lock = match kind {
        DbKind::Postgres => " FOR UPDATE",
        DbKind::Sqlite => "",
    };
    let row = sqlx::query(&format!(
        "SELECT id, user_id, status, hold_active, slot_id, course_id, stripe_payment_intent FROM orders \
         WHERE id = $1 OR stripe_payment_intent = $2{lock}"
    ))
    .bind(by_metadata.unwrap_or(""))
    .bind(intent_id)
    .fetch_optional(&mut **tx)
    .await?;
    let Some(row) = row else { return Ok(None) };
    let stored: Option<String> = row.try_get("stripe_payment_intent")?;
    if stored.as_deref().is_some_and(|id| id != intent_id) {
        // Metadata names an order another PaymentIntent pays: not ours to touch.
        tracing::warn!(
            payment_intent = intent_id,
            "order id in metadata belongs to another payment"
        );
        return Ok(None);
    }
    let status: String = row.try_get("status")?;
    Ok(Some(OrderRow {
        id: row.try_get("id")?,
        user_id: row.try_get("user_id")?,
        status: OrderStatus::parse(&status).with_context(|| format!("stored status {status}"))?,
        hold_active: row.try_get::<i64, _>("hold_active")? == 1,
        slot_id: row.try_get("slot_id")?,
        course_id: row.try_get("course_id")?,
    }))
}

/// A payment Stripe reports as succeeded, by webhook or when asked.
pub struct Succeeded<'a> {
    pub intent_id: &'a str,
    /// The order our metadata names (the webhook may beat our own write of
    /// the PaymentIntent id).
    pub order_id: Option<&'a str>,
    pub method: Option<String>,
}

/// `payment_intent.succeeded`: the order is paid and its hold a booking.
pub async fn succeeded(
    tx: &mut Transaction<'_, Any>,
    kind: DbKind,
    settings: &Settings,
    intent: &PaymentIntent,
    now: i64,
) -> anyhow::Result<Option<Applied>> {
    let payment = Succeeded {
        intent_id: intent.id.as_str(),
        order_id: intent.metadata.get("order_id").map(String::as_str),
        method: intent.payment_method_types.first().cloned(),
    };
    record_success(tx, kind, settings, &payment, now).await
}

/// The rule for every succeeded payment, whatever happened before it: the
/// order ends holding its seat (or its course), or owed a refund — never
/// paid with nothing. A late payment (the hold lapsed) re-takes a seat if
/// one is free and the student holds no other on the slot; otherwise a
/// refund follows.
pub async fn record_success(
    tx: &mut Transaction<'_, Any>,
    kind: DbKind,
    settings: &Settings,
    payment: &Succeeded<'_>,
    now: i64,
) -> anyhow::Result<Option<Applied>> {
    let Some(order) = order_paid_by(tx, kind, payment.intent_id, payment.order_id).await? else {
        return Ok(None);
    };
    if transition(order.status, OrderEvent::PaymentSucceeded).is_none() {
        return Ok(Some(Applied::unchanged()));
    }
    let at = now;
    let method = payment.method.clone();
    if let Some(course_id) = &order.course_id {
        // A course has no seats: the payment enrols the student.
        sqlx::query(
            "UPDATE orders SET status = 'paid', paid_at = $2, failure_reason = NULL, \
             stripe_payment_intent = $3, payment_method = COALESCE(payment_method, $4), updated_at = $2 \
             WHERE id = $1",
        )
        .bind(&order.id)
        .bind(at)
        .bind(payment.intent_id)
        .bind(method)
        .execute(&mut **tx)
        .await?;
        let enrolled = sqlx::query(
            "INSERT INTO enrollments (id, user_id, course_id, order_id, created_at) \
             VALUES ($1, $2, $3, $4, $5) ON CONFLICT (user_id, course_id) DO NOTHING",
        )
        .bind(crate::backend::new_id())
        .bind(&order.user_id)
        .bind(course_id)
        .bind(&order.id)
        .bind(at)
        .execute(&mut **tx)
        .await?
        .rows_affected()
            == 1;
        metrics::counter!("payments_total", "outcome" => "succeeded").increment(1);
        if !enrolled {
            // The student has the course through another order already.
            metrics::counter!("late_refunds_total").increment(1);
            tracing::warn!(
                order_id = order.id,
                course_id,
                "paid for a course the student already has: refunding"
            );
            return Ok(Some(Applied {
                changed: true,
                follow_up: FollowUp::Refund(order.id),
            }));
        }
        receipts::queue_course_receipt(tx, &settings.public_url, &order.id, now).await?;
        tracing::info!(
            order_id = order.id,
            course_id,
            "course paid; student enrolled"
        );
        return Ok(Some(Applied::changed()));
    }
    let seat = match (order.hold_active, &order.slot_id) {
        (true, _) => true,
        // The hold lapsed before the money arrived: take a seat again if one
        // is free — unless the student checked out again meanwhile and holds
        // a seat on the slot through that order (one seat per student).
        (false, Some(slot_id)) => {
            let retaken = !holds_another_seat(tx, &order, slot_id).await?
                && seats::take(tx, slot_id, now).await?;
            if retaken {
                metrics::counter!("holds_retaken_total").increment(1);
            }
            retaken
        }
        (false, None) => false,
    };
    sqlx::query(
        "UPDATE orders SET status = 'paid', hold_active = $2, paid_at = $3, failure_reason = NULL, \
         stripe_payment_intent = $4, payment_method = COALESCE(payment_method, $5), \
         refund_reason = $6, updated_at = $3 WHERE id = $1",
    )
    .bind(&order.id)
    .bind(i64::from(seat))
    .bind(at)
    .bind(payment.intent_id)
    .bind(method)
    .bind((!seat).then_some("late_payment"))
    .execute(&mut **tx)
    .await?;
    metrics::counter!("payments_total", "outcome" => "succeeded").increment(1);
    if seat {
        receipts::queue_booking_receipt(tx, settings, &order.id, now).await?;
        tracing::info!(order_id = order.id, "order paid");
        Ok(Some(Applied::changed()))
    } else {
        metrics::counter!("late_refunds_total").increment(1);
        tracing::warn!(
            order_id = order.id,
            "paid after its hold lapsed, and the slot is full or the student holds another seat on it: refunding"
        );
        Ok(Some(Applied {
            changed: true,
            follow_up: FollowUp::Refund(order.id),
        }))
    }
}

/// Whether the student holds a seat on the slot through an order other than
/// this one.
async fn holds_another_seat(
    tx: &mut Transaction<'_, Any>,
    order: &OrderRow,
    slot_id: &str,
) -> Result<bool, sqlx::Error> {
    let other: Option<String> = sqlx::query_scalar(
        "SELECT id FROM orders WHERE user_id = $1 AND slot_id = $2 AND hold_active = 1 AND id <> $3",
    )
    .bind(&order.user_id)
    .bind(slot_id)
    .bind(&order.id)
    .fetch_optional(&mut **tx)
    .await?;
    Ok(other.is_some())
}

/// `payment_intent.payment_failed`: keep Stripe's reason; the hold stays
/// until it expires so the student can try another method.
pub async fn failed(
    tx: &mut Transaction<'_, Any>,
    kind: DbKind,
    intent: &PaymentIntent,
    now: i64,
) -> anyhow::Result<Option<Applied>> {
    let Some(order) = order_for_intent(tx, kind, intent).await? else {
        return Ok(None);
    };
    if transition(order.status, OrderEvent::PaymentFailed).is_none() {
        return Ok(Some(Applied::unchanged()));
    }
    let reason = intent
        .last_payment_error
        .as_ref()
        .and_then(|e| e.message.clone())
        .unwrap_or_else(|| "The payment failed.".into());
    sqlx::query(
        "UPDATE orders SET status = 'failed', failure_reason = $2, updated_at = $3 WHERE id = $1",
    )
    .bind(&order.id)
    .bind(&reason)
    .bind(now)
    .execute(&mut **tx)
    .await?;
    let code = intent
        .last_payment_error
        .as_ref()
        .and_then(|e| {
            e.decline_code
                .clone()
                .or_else(|| e.code.as_ref().map(|c| c.as_str().to_owned()))
        })
        .unwrap_or_else(|| "unknown".into());
    metrics::counter!("payments_total", "outcome" => "failed", "reason" => code).increment(1);
    tracing::info!(order_id = order.id, reason, "payment failed");
    Ok(Some(Applied::changed()))
}

/// `payment_intent.canceled`: the order is cancelled and its seat freed.
pub async fn canceled(
    tx: &mut Transaction<'_, Any>,
    kind: DbKind,
    intent: &PaymentIntent,
    now: i64,
) -> anyhow::Result<Option<Applied>> {
    let Some(order) = order_for_intent(tx, kind, intent).await? else {
        return Ok(None);
    };
    if transition(order.status, OrderEvent::PaymentCanceled).is_none() {
        return Ok(Some(Applied::unchanged()));
    }
    if !seats::release(tx, &order.id, OrderStatus::Cancelled, now).await? {
        sqlx::query("UPDATE orders SET status = 'cancelled', updated_at = $2 WHERE id = $1")
            .bind(&order.id)
            .bind(now)
            .execute(&mut **tx)
            .await?;
    }
    tracing::info!(order_id = order.id, "payment cancelled; seat released");
    Ok(Some(Applied::changed()))
}

fn intent_id(charge: &Charge) -> Option<String> {
    charge.payment_intent.as_ref().map(|pi| match pi {
        Expandable::Id(id) => id.as_str().to_owned(),
        Expandable::Object(pi) => pi.id.as_str().to_owned(),
    })
}

/// `charge.succeeded`: the charge id and payment method, for the receipt.
pub async fn charge_succeeded(
    tx: &mut Transaction<'_, Any>,
    charge: &Charge,
    now: i64,
) -> anyhow::Result<bool> {
    let Some(intent) = intent_id(charge) else {
        return Ok(false);
    };
    let method = charge
        .payment_method_details
        .as_ref()
        .map(|d| d.type_.clone());
    let done = sqlx::query(
        "UPDATE orders SET stripe_charge_id = $2, payment_method = COALESCE($3, payment_method), \
         updated_at = $4 WHERE stripe_payment_intent = $1",
    )
    .bind(&intent)
    .bind(charge.id.as_str())
    .bind(method)
    .bind(now)
    .execute(&mut **tx)
    .await?;
    Ok(done.rows_affected() > 0)
}

/// `transfer.created`: the teacher's share left for their account.
pub async fn transfer_created(
    tx: &mut Transaction<'_, Any>,
    transfer: &Transfer,
    now: i64,
) -> anyhow::Result<bool> {
    let Some(charge) = transfer
        .source_transaction
        .as_ref()
        .map(|c| c.id().as_str().to_owned())
    else {
        return Ok(false);
    };
    let done = sqlx::query(
        "UPDATE orders SET stripe_transfer_id = $2, updated_at = $3 WHERE stripe_charge_id = $1",
    )
    .bind(&charge)
    .bind(transfer.id.as_str())
    .bind(now)
    .execute(&mut **tx)
    .await?;
    Ok(done.rows_affected() > 0)
}

/// `charge.refunded`: the refunded total only grows; a full refund ends the order.
pub async fn charge_refunded(
    tx: &mut Transaction<'_, Any>,
    charge: &Charge,
    now: i64,
) -> anyhow::Result<bool> {
    let Some(intent) = intent_id(charge) else {
        return Ok(false);
    };
    let row = sqlx::query("SELECT id, status, amount_cents, refunded_cents FROM orders WHERE stripe_payment_intent = $1")
        .bind(&intent)
        .fetch_optional(&mut **tx)
        .await?;
    let Some(row) = row else { return Ok(false) };
    let id: String = row.try_get("id")?;
    let amount: i64 = row.try_get("amount_cents")?;
    let before: i64 = row.try_get("refunded_cents")?;
    let status: String = row.try_get("status")?;
    let refunded = charge.amount_refunded.clamp(before, amount);
    let full = refunded >= amount;
    if full && status == OrderStatus::Paid.as_str() {
        // A refund made elsewhere (the dashboard): the seat goes back too.
        seats::release(tx, &id, OrderStatus::Refunded, now).await?;
    }
    let next = if full
        && transition(
            OrderStatus::parse(&status).unwrap_or(OrderStatus::Paid),
            OrderEvent::Refunded,
        )
        .is_some()
    {
        OrderStatus::Refunded.as_str().to_owned()
    } else {
        status
    };
    sqlx::query(
        "UPDATE orders SET refunded_cents = $2, status = $3, updated_at = $4 WHERE id = $1",
    )
    .bind(&id)
    .bind(refunded)
    .bind(&next)
    .bind(now)
    .execute(&mut **tx)
    .await?;
    Ok(refunded != before)
}

//! Checkout for a seat (DESIGN §5): in one transaction take the seat and
//! write a `pending` order with its hold; only after the commit create the
//! PaymentIntent (a destination charge, keyed by the order id). If Stripe
//! fails, the seat goes back and the student is told (that step and the
//! refusals are shared with courses: `order_payment`). Free sessions are
//! booked at once.

use anyhow::Context;
use sqlx::Row;

use crate::backend::accounts::users;
pub use crate::backend::booking::order_payment::CheckoutError;
use crate::backend::booking::order_payment::{self, create_intent_or_undo};
use crate::backend::payments::gateway::DestinationCharge;
use crate::backend::{booking::seats, db, links, mail::receipts, new_id, AppState, RequestContext};
use crate::model::order::{split, CheckoutStarted, OrderStatus};
use crate::model::User;

/// What is for sale, read from the database (never from the client).
struct SlotForSale {
    slot_id: String,
    session_id: String,
    title: String,
    price_cents: i64,
    currency: String,
    published: bool,
    scheduled: bool,
    start_at: i64,
    account_id: Option<String>,
    charges_enabled: bool,
    payout_split_pct: i64,
    teacher_suspended: bool,
}

async fn slot_for_sale(
    state: &AppState,
    slot_id: &str,
) -> Result<Option<SlotForSale>, CheckoutError> {
    let row = sqlx::query(
        "SELECT s.id AS session_id, s.title, s.price_cents, s.currency, s.visibility, sl.status, \
         sl.start_at, t.stripe_connect_account_id, t.charges_enabled, t.payout_split_pct, \
         t.suspended_at FROM session_slots sl JOIN sessions s ON s.id = sl.session_id \
         JOIN teachers t ON t.id = s.teacher_id WHERE sl.id = $1",
    )
    .bind(slot_id)
    .fetch_optional(state.db.pool())
    .await?;
    let Some(row) = row else { return Ok(None) };
    Ok(Some(SlotForSale {
        slot_id: slot_id.to_owned(),
        session_id: row.try_get("session_id")?,
        title: row.try_get("title")?,
        price_cents: row.try_get("price_cents")?,
        currency: row.try_get("currency")?,
        published: row.try_get::<String, _>("visibility")? == "published",
        scheduled: row.try_get::<String, _>("status")? == "scheduled",
        start_at: row.try_get("start_at")?,
        account_id: row.try_get("stripe_connect_account_id")?,
        charges_enabled: row.try_get::<i64, _>("charges_enabled")? == 1,
        payout_split_pct: row.try_get("payout_split_pct")?,
        teacher_suspended: row.try_get::<Option<i64>, _>("suspended_at")?.is_some(),
    }))
}

/// An order of this student's that holds a seat on the slot.
struct LiveOrder {
    id: String,
    status: OrderStatus,
    amount_cents: i64,
    currency: String,
    payment_intent: Option<String>,
    hold_expires_at: Option<i64>,
    /// The teacher's Connect account and the platform's fee, frozen at checkout.
    destination: Option<String>,
    fee_cents: i64,
}

async fn live_order(
    state: &AppState,
    user_id: &str,
    slot_id: &str,
) -> Result<Option<LiveOrder>, CheckoutError> {
    let row = sqlx::query(
        "SELECT id, status, amount_cents, currency, stripe_payment_intent, hold_expires_at, \
         connected_account_id, application_fee_cents FROM orders WHERE user_id = $1 AND slot_id = $2 AND hold_active = 1",
    )
    .bind(user_id)
    .bind(slot_id)
    .fetch_optional(state.db.pool())
    .await?;
    let Some(row) = row else { return Ok(None) };
    let status: String = row.try_get("status")?;
    Ok(Some(LiveOrder {
        id: row.try_get("id")?,
        status: OrderStatus::parse(&status).with_context(|| format!("stored status {status}"))?,
        amount_cents: row.try_get("amount_cents")?,
        currency: row.try_get("currency")?,
        payment_intent: row.try_get("stripe_payment_intent")?,
        hold_expires_at: row.try_get("hold_expires_at")?,
        destination: row.try_get("connected_account_id")?,
        fee_cents: row.try_get("application_fee_cents")?,
    }))
}

fn started(state: &AppState, order: &LiveOrder, client_secret: Option<String>) -> CheckoutStarted {
    CheckoutStarted {
        order_id: order.id.clone(),
        status: order.status,
        client_secret,
        publishable_key: state.stripe.publishable_key().to_owned(),
        script_url: state.settings.stripe_js_url.clone(),
        amount_cents: order.amount_cents,
        currency: order.currency.clone(),
        hold_expires_at: order
            .hold_expires_at
            .and_then(|secs| chrono::DateTime::from_timestamp(secs, 0)),
    }
}

/// Starts (or resumes) the signed-in student's checkout for one seat.
pub async fn start(
    state: &AppState,
    ctx: &RequestContext,
    slot_id: &str,
) -> Result<CheckoutStarted, CheckoutError> {
    let result = start_inner(state, ctx, slot_id).await;
    match &result {
        Ok(_) => metrics::counter!("checkouts_total", "outcome" => "started").increment(1),
        Err(err) => {
            metrics::counter!("checkouts_total", "outcome" => "refused", "reason" => err.reason())
                .increment(1)
        }
    }
    result
}

async fn start_inner(
    state: &AppState,
    ctx: &RequestContext,
    slot_id: &str,
) -> Result<CheckoutStarted, CheckoutError> {
    let user = users::require_user(state, ctx).await?;
    let sale = slot_for_sale(state, slot_id)
        .await?
        .ok_or(CheckoutError::NotFound)?;
    if !sale.published {
        return Err(CheckoutError::NotFound);
    }
    if let Some(order) = live_order(state, &user.id, slot_id).await? {
        return resume(state, &user, &sale, order).await;
    }
    if sale.teacher_suspended {
        return Err(CheckoutError::TeacherSuspended);
    }
    if !sale.scheduled || sale.start_at <= state.clock.now() {
        return Err(CheckoutError::Closed);
    }
    let free = sale.price_cents == 0;
    let destination = match (&sale.account_id, sale.charges_enabled) {
        (_, _) if free => None,
        (Some(account), true) => Some(account.clone()),
        _ => return Err(CheckoutError::TeacherCannotTakePayments),
    };
    let (_, fee) = split(sale.price_cents, sale.payout_split_pct);
    let order_id = new_id();
    let at = state.clock.now();
    let hold_expires_at = (!free).then_some(at + state.settings.hold_secs);
    let status = if free {
        OrderStatus::Paid
    } else {
        OrderStatus::Pending
    };

    let mut tx = state.db.pool().begin().await?;
    if !seats::take(&mut tx, slot_id, state.clock.now()).await? {
        tx.rollback().await?;
        return Err(CheckoutError::Full);
    }
    let inserted = sqlx::query(
        "INSERT INTO orders (id, user_id, session_id, slot_id, type, amount_cents, currency, \
         application_fee_cents, status, connected_account_id, hold_expires_at, hold_active, paid_at, \
         created_at, updated_at, join_token_hash) \
         VALUES ($1, $2, $3, $4, 'one_off', $5, $6, $7, $8, $9, $10, 1, $11, $12, $12, $13)",
    )
    .bind(&order_id)
    .bind(&user.id)
    .bind(&sale.session_id)
    .bind(slot_id)
    .bind(sale.price_cents)
    .bind(&sale.currency)
    .bind(fee)
    .bind(status.as_str())
    .bind(destination.as_deref())
    .bind(hold_expires_at)
    .bind(free.then_some(at))
    .bind(at)
    .bind(links::join_hash(&state.settings, &order_id))
    .execute(&mut *tx)
    .await;
    if let Err(err) = inserted {
        tx.rollback().await?;
        if db::is_unique_violation(&err) {
            // The same student's concurrent checkout won: continue with its order.
            if let Some(order) = live_order(state, &user.id, slot_id).await? {
                return resume(state, &user, &sale, order).await;
            }
        }
        return Err(err.into());
    }
    if free {
        receipts::queue_booking_receipt(&mut tx, &state.settings, &order_id, state.clock.now())
            .await?;
    }
    tx.commit().await?;
    tracing::info!(
        order_id,
        slot_id,
        amount_cents = sale.price_cents,
        status = status.as_str(),
        "order created"
    );
    let order = LiveOrder {
        id: order_id,
        status,
        amount_cents: sale.price_cents,
        currency: sale.currency.clone(),
        payment_intent: None,
        hold_expires_at,
        destination,
        fee_cents: fee,
    };
    if free {
        return Ok(started(state, &order, None));
    }
    create_intent(state, &user, &sale, order).await
}

/// The student's earlier checkout for the same slot: the same order and
/// client secret, no second seat.
async fn resume(
    state: &AppState,
    user: &User,
    sale: &SlotForSale,
    order: LiveOrder,
) -> Result<CheckoutStarted, CheckoutError> {
    if order.status == OrderStatus::Paid {
        return Ok(started(state, &order, None));
    }
    match &order.payment_intent {
        Some(id) => match order_payment::live_client_secret(state, id).await? {
            Some(secret) => Ok(started(state, &order, Some(secret))),
            None => Err(CheckoutError::Closed),
        },
        None => {
            // A crash between the order and its PaymentIntent: create it now
            // (the key is the order id, so it can never be created twice).
            create_intent(state, user, sale, order).await
        }
    }
}

async fn create_intent(
    state: &AppState,
    user: &User,
    sale: &SlotForSale,
    order: LiveOrder,
) -> Result<CheckoutStarted, CheckoutError> {
    let destination = order
        .destination
        .as_deref()
        .ok_or(CheckoutError::TeacherCannotTakePayments)?;
    let charge = DestinationCharge {
        order_id: &order.id,
        amount_cents: order.amount_cents,
        currency: &order.currency,
        destination_account: destination,
        application_fee_cents: order.fee_cents,
        receipt_email: &user.email,
        description: &sale.title,
        metadata: vec![
            ("slot_id", sale.slot_id.clone()),
            ("session_id", sale.session_id.clone()),
            ("user_id", user.id.clone()),
        ],
    };
    let client_secret = create_intent_or_undo(state, &charge, || async {
        // Give the seat back at once.
        let mut tx = state.db.pool().begin().await?;
        seats::release(
            &mut tx,
            &order.id,
            OrderStatus::Cancelled,
            state.clock.now(),
        )
        .await?;
        tx.commit().await
    })
    .await?;
    Ok(started(state, &order, Some(client_secret)))
}

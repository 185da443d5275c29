//! Checkout for a course (DESIGN §5): a `pending` one-off order with the
//! course's price read here, committed before the PaymentIntent (a
//! destination charge keyed by the order id) is created, or the order
//! cancelled if Stripe fails (`order_payment`, shared with seats). Courses have no
//! seats, so nothing is held; the `payment_intent.succeeded` webhook marks
//! the order paid and enrols the student. A free course enrols at once.

use anyhow::Context;
use sqlx::Row;

use crate::backend::accounts::users;
pub use crate::backend::booking::order_payment::CheckoutError as CourseCheckoutError;
use crate::backend::booking::order_payment::{self, create_intent_or_undo};
use crate::backend::payments::gateway::DestinationCharge;
use crate::backend::{db, new_id, AppState, RequestContext};
use crate::model::order::{split, CheckoutStarted, OrderStatus};
use crate::model::User;

/// What is for sale, read from the database (never from the client).
struct CourseForSale {
    course_id: String,
    title: String,
    price_cents: i64,
    currency: String,
    published: bool,
    owner_user_id: String,
    account_id: Option<String>,
    charges_enabled: bool,
    payout_split_pct: i64,
    teacher_suspended: bool,
}

async fn course_for_sale(
    state: &AppState,
    course_id: &str,
) -> Result<Option<CourseForSale>, CourseCheckoutError> {
    let row = sqlx::query(
        "SELECT c.title, c.price_cents, c.currency, c.visibility, t.user_id, \
         t.stripe_connect_account_id, t.charges_enabled, t.payout_split_pct, t.suspended_at \
         FROM courses c JOIN teachers t ON t.id = c.teacher_id WHERE c.id = $1",
    )
    .bind(course_id)
    .fetch_optional(state.db.pool())
    .await?;
    let Some(row) = row else { return Ok(None) };
    Ok(Some(CourseForSale {
        course_id: course_id.to_owned(),
        title: row.try_get("title")?,
        price_cents: row.try_get("price_cents")?,
        currency: row.try_get("currency")?,
        published: row.try_get::<String, _>("visibility")? == "published",
        owner_user_id: row.try_get("user_id")?,
        account_id: row.try_get("stripe_connect_account_id")?,
        charges_enabled: row.try_get::<i64, _>("charges_enabled")? == 1,
        payout_split_pct: row.try_get("payout_split_pct")?,
        teacher_suspended: row.try_get::<Option<i64>, _>("suspended_at")?.is_some(),
    }))
}

/// The student's unpaid order for the course, newest first.
struct OpenOrder {
    id: String,
    status: OrderStatus,
    amount_cents: i64,
    currency: String,
    application_fee_cents: i64,
    connected_account_id: Option<String>,
    payment_intent: Option<String>,
}

async fn open_order(
    state: &AppState,
    user_id: &str,
    course_id: &str,
) -> Result<Option<OpenOrder>, CourseCheckoutError> {
    let row = sqlx::query(
        "SELECT id, status, amount_cents, currency, application_fee_cents, connected_account_id, \
         stripe_payment_intent FROM orders \
         WHERE user_id = $1 AND course_id = $2 AND status IN ('pending', 'failed') \
         ORDER BY created_at DESC, id DESC LIMIT 1",
    )
    .bind(user_id)
    .bind(course_id)
    .fetch_optional(state.db.pool())
    .await?;
    let Some(row) = row else { return Ok(None) };
    let status: String = row.try_get("status")?;
    Ok(Some(OpenOrder {
        id: row.try_get("id")?,
        status: OrderStatus::parse(&status).with_context(|| format!("stored status {status}"))?,
        amount_cents: row.try_get("amount_cents")?,
        currency: row.try_get("currency")?,
        application_fee_cents: row.try_get("application_fee_cents")?,
        connected_account_id: row.try_get("connected_account_id")?,
        payment_intent: row.try_get("stripe_payment_intent")?,
    }))
}

async fn is_enrolled(
    state: &AppState,
    user_id: &str,
    course_id: &str,
) -> Result<bool, CourseCheckoutError> {
    let found: Option<String> =
        sqlx::query_scalar("SELECT id FROM enrollments WHERE user_id = $1 AND course_id = $2")
            .bind(user_id)
            .bind(course_id)
            .fetch_optional(state.db.pool())
            .await?;
    Ok(found.is_some())
}

fn started(
    state: &AppState,
    order_id: &str,
    status: OrderStatus,
    amount_cents: i64,
    currency: &str,
    client_secret: Option<String>,
) -> CheckoutStarted {
    CheckoutStarted {
        order_id: order_id.to_owned(),
        status,
        client_secret,
        publishable_key: state.stripe.publishable_key().to_owned(),
        script_url: state.settings.stripe_js_url.clone(),
        amount_cents,
        currency: currency.to_owned(),
        hold_expires_at: None,
    }
}

/// Starts (or resumes) the signed-in student's purchase of a course.
pub async fn start(
    state: &AppState,
    ctx: &RequestContext,
    course_id: &str,
) -> Result<CheckoutStarted, CourseCheckoutError> {
    let result = start_inner(state, ctx, course_id).await;
    match &result {
        Ok(_) => metrics::counter!("checkouts_total", "outcome" => "started", "kind" => "course")
            .increment(1),
        Err(err) => metrics::counter!(
            "checkouts_total",
            "outcome" => "refused",
            "reason" => err.reason(),
            "kind" => "course"
        )
        .increment(1),
    }
    result
}

async fn start_inner(
    state: &AppState,
    ctx: &RequestContext,
    course_id: &str,
) -> Result<CheckoutStarted, CourseCheckoutError> {
    let user = users::require_user(state, ctx).await?;
    let sale = course_for_sale(state, course_id)
        .await?
        .filter(|sale| sale.published)
        .ok_or(CourseCheckoutError::NotFound)?;
    if sale.owner_user_id == user.id || is_enrolled(state, &user.id, course_id).await? {
        return Err(CourseCheckoutError::AlreadyEnrolled);
    }
    if sale.teacher_suspended {
        return Err(CourseCheckoutError::TeacherSuspended);
    }
    if sale.price_cents == 0 {
        return enrol_free(state, &user, &sale).await;
    }
    if let Some(order) = open_order(state, &user.id, course_id).await? {
        if let Some(resumed) = resume(state, &user, &sale, &order).await? {
            return Ok(resumed);
        }
    }
    let destination = match (&sale.account_id, sale.charges_enabled) {
        (Some(account), true) => account.clone(),
        _ => return Err(CourseCheckoutError::TeacherCannotTakePayments),
    };
    let (_, fee) = split(sale.price_cents, sale.payout_split_pct);
    let order = OpenOrder {
        id: new_id(),
        status: OrderStatus::Pending,
        amount_cents: sale.price_cents,
        currency: sale.currency.clone(),
        application_fee_cents: fee,
        connected_account_id: Some(destination),
        payment_intent: None,
    };
    let at = state.clock.now();
    let inserted = sqlx::query(
        "INSERT INTO orders (id, user_id, course_id, type, amount_cents, currency, \
         application_fee_cents, status, connected_account_id, hold_active, created_at, updated_at) \
         VALUES ($1, $2, $3, 'one_off', $4, $5, $6, 'pending', $7, 0, $8, $8)",
    )
    .bind(&order.id)
    .bind(&user.id)
    .bind(course_id)
    .bind(order.amount_cents)
    .bind(&order.currency)
    .bind(fee)
    .bind(order.connected_account_id.as_deref())
    .bind(at)
    .execute(state.db.pool())
    .await;
    if let Err(err) = inserted {
        if db::is_unique_violation(&err) {
            // The same student's concurrent checkout won: continue with its order.
            if let Some(open) = open_order(state, &user.id, course_id).await? {
                if let Some(resumed) = resume(state, &user, &sale, &open).await? {
                    return Ok(resumed);
                }
            }
        }
        return Err(err.into());
    }
    tracing::info!(
        order_id = order.id,
        course_id,
        amount_cents = order.amount_cents,
        "course order created"
    );
    create_intent(state, &user, &sale, &order).await
}

/// A free course: the order is paid and the student enrolled, at once.
async fn enrol_free(
    state: &AppState,
    user: &User,
    sale: &CourseForSale,
) -> Result<CheckoutStarted, CourseCheckoutError> {
    let order_id = new_id();
    let at = state.clock.now();
    let mut tx = state.db.pool().begin().await?;
    sqlx::query(
        "INSERT INTO orders (id, user_id, course_id, type, amount_cents, currency, \
         application_fee_cents, status, hold_active, paid_at, created_at, updated_at) \
         VALUES ($1, $2, $3, 'one_off', 0, $4, 0, 'paid', 0, $5, $5, $5)",
    )
    .bind(&order_id)
    .bind(&user.id)
    .bind(&sale.course_id)
    .bind(&sale.currency)
    .bind(at)
    .execute(&mut *tx)
    .await?;
    let enrolled = sqlx::query(
        "INSERT INTO enrollments (id, user_id, course_id, order_id, created_at) \
         VALUES ($1, $2, $3, $4, $5) ON CONFLICT (user_id, course_id) DO NOTHING",
    )
    .bind(new_id())
    .bind(&user.id)
    .bind(&sale.course_id)
    .bind(&order_id)
    .bind(at)
    .execute(&mut *tx)
    .await?;
    if enrolled.rows_affected() == 0 {
        // A concurrent request enrolled the student first.
        tx.rollback().await?;
        return Err(CourseCheckoutError::AlreadyEnrolled);
    }
    crate::backend::mail::receipts::queue_course_receipt(
        &mut tx,
        &state.settings.public_url,
        &order_id,
        state.clock.now(),
    )
    .await?;
    tx.commit().await?;
    tracing::info!(
        order_id,
        course_id = sale.course_id,
        "free course; student enrolled"
    );
    Ok(started(
        state,
        &order_id,
        OrderStatus::Paid,
        0,
        &sale.currency,
        None,
    ))
}

/// The student's earlier checkout for the course: the same order and client
/// secret. `None` when it cannot be continued (its PaymentIntent was
/// cancelled), so a new order is started.
async fn resume(
    state: &AppState,
    user: &User,
    sale: &CourseForSale,
    order: &OpenOrder,
) -> Result<Option<CheckoutStarted>, CourseCheckoutError> {
    let Some(intent_id) = &order.payment_intent else {
        // A crash between the order and its PaymentIntent: create it now
        // (the key is the order id, so it can never be created twice).
        return create_intent(state, user, sale, order).await.map(Some);
    };
    match order_payment::live_client_secret(state, intent_id).await? {
        Some(secret) => Ok(Some(started(
            state,
            &order.id,
            order.status,
            order.amount_cents,
            &order.currency,
            Some(secret),
        ))),
        None => {
            sqlx::query(
                "UPDATE orders SET status = 'cancelled', updated_at = $2 \
                 WHERE id = $1 AND status IN ('pending', 'failed')",
            )
            .bind(&order.id)
            .bind(state.clock.now())
            .execute(state.db.pool())
            .await?;
            Ok(None)
        }
    }
}

async fn create_intent(
    state: &AppState,
    user: &User,
    sale: &CourseForSale,
    order: &OpenOrder,
) -> Result<CheckoutStarted, CourseCheckoutError> {
    let destination = order
        .connected_account_id
        .as_deref()
        .ok_or(CourseCheckoutError::TeacherCannotTakePayments)?;
    let charge = DestinationCharge {
        order_id: &order.id,
        amount_cents: order.amount_cents,
        currency: &order.currency,
        destination_account: destination,
        application_fee_cents: order.application_fee_cents,
        receipt_email: &user.email,
        description: &sale.title,
        metadata: vec![
            ("course_id", sale.course_id.clone()),
            ("user_id", user.id.clone()),
        ],
    };
    let client_secret = create_intent_or_undo(state, &charge, || async {
        // A course holds nothing: closing the order is all there is to undo.
        sqlx::query(
            "UPDATE orders SET status = 'cancelled', updated_at = $2 \
             WHERE id = $1 AND status = 'pending'",
        )
        .bind(&order.id)
        .bind(state.clock.now())
        .execute(state.db.pool())
        .await?;
        Ok(())
    })
    .await?;
    Ok(started(
        state,
        &order.id,
        order.status,
        order.amount_cents,
        &order.currency,
        Some(client_secret),
    ))
}

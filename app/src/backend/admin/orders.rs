//! `/admin/orders`: every order, searchable and paged, and one order with
//! its history (Stripe events, emails, admin refunds, audit rows).

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::any::AnyRow;
use sqlx::Row;

use crate::backend::admin::access::{require_admin, AdminError};
use crate::backend::admin::teachers::contains_pattern;
use crate::backend::admin::{audit, refunds};
use crate::backend::{AppState, RequestContext};
use crate::model::admin::{
    AdminOrder, AdminOrderDetail, OrderEmail, OrderEventRecord, OrderKind, OrderPage, OrderQuery,
};
use crate::model::order::OrderStatus;

pub const PER_PAGE: i64 = 25;

const ORDER_COLUMNS: &str = "SELECT o.id, o.created_at, o.updated_at, o.slot_id, o.course_id, \
     o.status, o.amount_cents, o.currency, o.application_fee_cents, o.refunded_cents, o.disputed, \
     o.hold_active, o.paid_at, o.failure_reason, o.refund_reason, o.payment_method, \
     o.stripe_payment_intent, o.stripe_charge_id, o.stripe_transfer_id, o.stripe_subscription, \
     o.connected_account_id, u.email, u.display_name, COALESCE(s.title, c.title) AS title, \
     tu.display_name AS teacher_name \
     FROM orders o JOIN users u ON u.id = o.user_id \
     LEFT JOIN sessions s ON s.id = o.session_id LEFT JOIN courses c ON c.id = o.course_id \
     LEFT JOIN teachers t ON t.id = COALESCE(s.teacher_id, c.teacher_id) \
     LEFT JOIN users tu ON tu.id = t.user_id";

fn instant(secs: i64) -> DateTime<Utc> {
    DateTime::from_timestamp(secs, 0).unwrap_or_default()
}

fn order_from_row(row: &AnyRow) -> anyhow::Result<AdminOrder> {
    let status: String = row.try_get("status")?;
    let kind = if row.try_get::<Option<String>, _>("slot_id")?.is_some() {
        OrderKind::Seat
    } else if row.try_get::<Option<String>, _>("course_id")?.is_some() {
        OrderKind::Course
    } else {
        OrderKind::Membership
    };
    Ok(AdminOrder {
        id: row.try_get("id")?,
        created_at: instant(row.try_get("created_at")?),
        kind,
        student_email: row.try_get("email")?,
        student_name: row.try_get("display_name")?,
        title: row
            .try_get::<Option<String>, _>("title")?
            .unwrap_or_default(),
        teacher_name: row.try_get("teacher_name")?,
        status: OrderStatus::parse(&status)
            .ok_or_else(|| anyhow::anyhow!("stored order status {status}"))?,
        amount_cents: row.try_get("amount_cents")?,
        currency: row.try_get("currency")?,
        fee_cents: row.try_get("application_fee_cents")?,
        refunded_cents: row.try_get("refunded_cents")?,
        disputed: row.try_get::<i64, _>("disputed")? != 0,
    })
}

/// A value bound to the search's placeholders.
enum Bind {
    Text(String),
    Int(i64),
}

fn day_start(date: &str) -> Result<i64, AdminError> {
    let day =
        NaiveDate::parse_from_str(date.trim(), "%Y-%m-%d").map_err(|_| AdminError::BadDate)?;
    Ok(day
        .and_hms_opt(0, 0, 0)
        .ok_or(AdminError::BadDate)?
        .and_utc()
        .timestamp())
}

/// Orders matching the query, newest first, a page at a time.
pub async fn search(
    state: &AppState,
    ctx: &RequestContext,
    query: &OrderQuery,
) -> Result<OrderPage, AdminError> {
    require_admin(state, ctx).await?;
    let mut conditions: Vec<String> = Vec::new();
    let mut binds: Vec<Bind> = Vec::new();
    let next = |bind: Bind, binds: &mut Vec<Bind>| {
        binds.push(bind);
        format!("${}", binds.len())
    };
    if let Some(q) = query.q.as_deref().map(str::trim).filter(|q| !q.is_empty()) {
        let like = next(Bind::Text(contains_pattern(q)), &mut binds);
        let id = next(Bind::Text(q.to_owned()), &mut binds);
        conditions.push(format!(
            "(LOWER(u.email) LIKE {like} ESCAPE '\\' OR LOWER(tu.display_name) LIKE {like} ESCAPE '\\' \
             OR LOWER(COALESCE(s.title, c.title, '')) LIKE {like} ESCAPE '\\' OR o.id = {id})"
        ));
    }
    if let Some(status) = query.status {
        let p = next(Bind::Text(status.as_str().to_owned()), &mut binds);
        conditions.push(format!("o.status = {p}"));
    }
    if let Some(from) = query.from.as_deref().filter(|d| !d.trim().is_empty()) {
        let p = next(Bind::Int(day_start(from)?), &mut binds);
        conditions.push(format!("o.created_at >= {p}"));
    }
    if let Some(to) = query.to.as_deref().filter(|d| !d.trim().is_empty()) {
        // Inclusive: up to the end of that day.
        let p = next(Bind::Int(day_start(to)? + 86_400), &mut binds);
        conditions.push(format!("o.created_at < {p}"));
    }
    let page = query.page.unwrap_or(1).clamp(1, 100_000);
    let limit = next(Bind::Int(PER_PAGE + 1), &mut binds);
    let offset = next(Bind::Int((page - 1) * PER_PAGE), &mut binds);
    let filter = if conditions.is_empty() {
        String::new()
    } else {
        format!(" WHERE {}", conditions.join(" AND "))
    };
    let sql = format!(
        "{ORDER_COLUMNS}{filter} ORDER BY o.created_at DESC, o.id DESC LIMIT {limit} OFFSET {offset}"
    );
    let mut statement = sqlx::query(&sql);
    for bind in binds {
        statement = match bind {
            Bind::Text(text) => statement.bind(text),
            Bind::Int(n) => statement.bind(n),
        };
    }
    let rows = statement.fetch_all(state.db.pool()).await?;
    let has_more = rows.len() as i64 > PER_PAGE;
    let orders = rows
        .iter()
        .take(PER_PAGE as usize)
        .map(order_from_row)
        .collect::<anyhow::Result<Vec<_>>>()?;
    Ok(OrderPage {
        orders,
        page,
        per_page: PER_PAGE,
        has_more,
    })
}

/// One order with its history.
pub async fn detail(
    state: &AppState,
    ctx: &RequestContext,
    order_id: &str,
) -> Result<AdminOrderDetail, AdminError> {
    require_admin(state, ctx).await?;
    load(state, order_id).await
}

/// [`detail`] without the check (the refund answers with it).
pub(super) async fn load(state: &AppState, order_id: &str) -> Result<AdminOrderDetail, AdminError> {
    let row = sqlx::query(&format!("{ORDER_COLUMNS} WHERE o.id = $1"))
        .bind(order_id)
        .fetch_optional(state.db.pool())
        .await?
        .ok_or(AdminError::NotFound)?;
    let order = order_from_row(&row)?;
    let stripe_payment_intent: Option<String> = row.try_get("stripe_payment_intent")?;
    let stripe_charge_id: Option<String> = row.try_get("stripe_charge_id")?;
    let stripe_transfer_id: Option<String> = row.try_get("stripe_transfer_id")?;
    let objects: Vec<&String> = [
        &stripe_payment_intent,
        &stripe_charge_id,
        &stripe_transfer_id,
    ]
    .into_iter()
    .flatten()
    .collect();
    let events = events_of(state, &objects).await?;
    let emails = emails_of(state, order_id).await?;
    let refunds = refunds::of_order(state, order_id).await?;
    let refundable_cents = refunds::left_to_refund(state.db.pool(), order_id).await?;
    let audit = audit::for_target(state, "order", order_id).await?;
    Ok(AdminOrderDetail {
        refundable_cents,
        teacher_share_cents: order.amount_cents - order.fee_cents,
        holds_seat: row.try_get::<i64, _>("hold_active")? != 0,
        paid_at: row.try_get::<Option<i64>, _>("paid_at")?.map(instant),
        updated_at: instant(row.try_get("updated_at")?),
        failure_reason: row.try_get("failure_reason")?,
        refund_reason: row.try_get("refund_reason")?,
        payment_method: row.try_get("payment_method")?,
        stripe_subscription: row.try_get("stripe_subscription")?,
        connected_account_id: row.try_get("connected_account_id")?,
        stripe_payment_intent,
        stripe_charge_id,
        stripe_transfer_id,
        events,
        emails,
        refunds,
        audit,
        order,
    })
}

/// The Stripe events received about these objects, in arrival order.
async fn events_of(state: &AppState, objects: &[&String]) -> anyhow::Result<Vec<OrderEventRecord>> {
    if objects.is_empty() {
        return Ok(Vec::new());
    }
    let placeholders: Vec<String> = (1..=objects.len()).map(|i| format!("${i}")).collect();
    let sql = format!(
        "SELECT id, type, received_at, processed_at, last_error FROM stripe_events \
         WHERE object_id IN ({}) ORDER BY arrival, received_at, id",
        placeholders.join(", ")
    );
    let mut statement = sqlx::query(&sql);
    for object in objects {
        statement = statement.bind(object.as_str());
    }
    let rows = statement.fetch_all(state.db.pool()).await?;
    rows.iter()
        .map(|row| {
            Ok(OrderEventRecord {
                id: row.try_get("id")?,
                event_type: row.try_get("type")?,
                received_at: instant(row.try_get("received_at")?),
                processed_at: row.try_get::<Option<i64>, _>("processed_at")?.map(instant),
                last_error: row.try_get("last_error")?,
            })
        })
        .collect()
}

/// The emails queued about this order: every order email's dedupe key
/// names the order.
async fn emails_of(state: &AppState, order_id: &str) -> anyhow::Result<Vec<OrderEmail>> {
    let rows = sqlx::query(
        "SELECT id, kind, recipient, subject, created_at, sent_at, attempts, last_error \
         FROM outbox WHERE dedupe_key LIKE $1 ORDER BY created_at, id",
    )
    .bind(format!("%{order_id}%"))
    .fetch_all(state.db.pool())
    .await?;
    rows.iter()
        .map(|row| {
            Ok(OrderEmail {
                id: row.try_get("id")?,
                kind: row.try_get("kind")?,
                recipient: row.try_get("recipient")?,
                subject: row.try_get("subject")?,
                created_at: instant(row.try_get("created_at")?),
                sent_at: row.try_get::<Option<i64>, _>("sent_at")?.map(instant),
                attempts: row.try_get("attempts")?,
                last_error: row.try_get("last_error")?,
            })
        })
        .collect()
}

//! The emails of a booking, queued in the caller's transaction through the
//! outbox (so a crash loses none and a retried webhook queues none twice):
//! the receipt with the attendee's own .ics, and the refund notice.

use chrono::{DateTime, Utc};
use sqlx::{Any, Row, Transaction};

use crate::backend::mail::emails::{self, RefundReason};
use crate::backend::{mail::invitations, mail::outbox};
use crate::model::Locale;

struct OrderForEmail {
    email: String,
    name: String,
    locale: Locale,
    time_zone: chrono_tz::Tz,
    title: String,
    description: String,
    teacher_name: String,
    start: DateTime<Utc>,
    end: DateTime<Utc>,
    amount_cents: i64,
    currency: String,
    refund_reason: Option<String>,
}

async fn load(
    tx: &mut Transaction<'_, Any>,
    order_id: &str,
) -> anyhow::Result<Option<OrderForEmail>> {
    let row = sqlx::query(
        "SELECT u.email, u.display_name, u.locale, u.time_zone, s.title, s.description, \
         tu.display_name AS teacher_name, sl.start_at, sl.end_at, o.amount_cents, o.currency, \
         o.refund_reason \
         FROM orders o JOIN users u ON u.id = o.user_id JOIN sessions s ON s.id = o.session_id \
         JOIN teachers t ON t.id = s.teacher_id JOIN users tu ON tu.id = t.user_id \
         JOIN session_slots sl ON sl.id = o.slot_id WHERE o.id = $1",
    )
    .bind(order_id)
    .fetch_optional(&mut **tx)
    .await?;
    let Some(row) = row else { return Ok(None) };
    let instant = |secs: i64| {
        DateTime::from_timestamp(secs, 0).ok_or_else(|| anyhow::anyhow!("instant {secs}"))
    };
    let locale: String = row.try_get("locale")?;
    let zone: String = row.try_get("time_zone")?;
    Ok(Some(OrderForEmail {
        email: row.try_get("email")?,
        name: row.try_get("display_name")?,
        locale: Locale::parse(&locale).unwrap_or_default(),
        time_zone: zone.parse().unwrap_or(chrono_tz::Europe::Stockholm),
        title: row.try_get("title")?,
        description: row.try_get("description")?,
        teacher_name: row.try_get("teacher_name")?,
        start: instant(row.try_get("start_at")?)?,
        end: instant(row.try_get("end_at")?)?,
        amount_cents: row.try_get("amount_cents")?,
        currency: row.try_get("currency")?,
        refund_reason: row.try_get("refund_reason")?,
    }))
}

/// The booking receipt, with an invitation for this attendee alone.
pub async fn queue_booking_receipt(
    tx: &mut Transaction<'_, Any>,
    public_url: &str,
    order_id: &str,
    now: i64,
) -> anyhow::Result<()> {
    let Some(o) = load(tx, order_id).await? else {
        return Ok(());
    };
    let receipt_url = format!("{public_url}/orders/{order_id}");
    let uid = format!("{order_id}@aveli");
    let invitation = invitations::invitation(
        &invitations::Invite {
            uid: &uid,
            title: &o.title,
            description: &o.description,
            start: o.start,
            end: o.end,
            organizer_name: &o.teacher_name,
            url: &receipt_url,
            attendee_email: &o.email,
            attendee_name: &o.name,
        },
        DateTime::from_timestamp(now, 0).unwrap_or_default(),
    );
    let email = emails::booking_receipt(
        o.locale,
        order_id,
        &o.email,
        &o.name,
        &o.title,
        &o.teacher_name,
        o.start,
        o.end,
        o.time_zone,
        o.amount_cents,
        &o.currency,
        &receipt_url,
        invitation,
    );
    outbox::enqueue(tx, &email, now).await?;
    Ok(())
}

/// Tells the student their money is on its way back, and why.
pub async fn queue_refund_notice(
    tx: &mut Transaction<'_, Any>,
    order_id: &str,
    now: i64,
) -> anyhow::Result<()> {
    let Some(o) = load(tx, order_id).await? else {
        return Ok(());
    };
    let reason = match o.refund_reason.as_deref() {
        Some("teacher_cancelled") => RefundReason::TeacherCancelled,
        Some("late_payment") => RefundReason::LatePayment,
        _ => RefundReason::StudentCancelled,
    };
    let email = emails::refund_notice(
        o.locale,
        order_id,
        &o.email,
        &o.name,
        &o.title,
        o.start,
        o.time_zone,
        o.amount_cents,
        &o.currency,
        reason,
    );
    outbox::enqueue(tx, &email, now).await?;
    Ok(())
}

/// The receipt of a course purchase, with a link to the course.
pub async fn queue_course_receipt(
    tx: &mut Transaction<'_, Any>,
    public_url: &str,
    order_id: &str,
    now: i64,
) -> anyhow::Result<()> {
    let row = sqlx::query(
        "SELECT u.email, u.display_name, u.locale, c.id AS course_id, c.title, \
         tu.display_name AS teacher_name, o.amount_cents, o.currency \
         FROM orders o JOIN users u ON u.id = o.user_id JOIN courses c ON c.id = o.course_id \
         JOIN teachers t ON t.id = c.teacher_id JOIN users tu ON tu.id = t.user_id WHERE o.id = $1",
    )
    .bind(order_id)
    .fetch_optional(&mut **tx)
    .await?;
    let Some(row) = row else { return Ok(()) };
    let locale: String = row.try_get("locale")?;
    let course_id: String = row.try_get("course_id")?;
    let email = emails::course_receipt(
        Locale::parse(&locale).unwrap_or_default(),
        order_id,
        &row.try_get::<String, _>("email")?,
        &row.try_get::<String, _>("display_name")?,
        &row.try_get::<String, _>("title")?,
        &row.try_get::<String, _>("teacher_name")?,
        row.try_get("amount_cents")?,
        &row.try_get::<String, _>("currency")?,
        &format!("{public_url}/courses/{course_id}"),
    );
    outbox::enqueue(tx, &email, now).await?;
    Ok(())
}

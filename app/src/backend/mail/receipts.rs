//! The emails of a booking, queued in the caller's transaction through the
//! outbox (so a crash loses none and a retried webhook queues none twice):
//! the receipt with the attendee's own .ics, and the refund notice.

use chrono::{DateTime, Utc};
use sqlx::any::AnyRow;
use sqlx::{Any, AnyConnection, Row, Transaction};

use crate::backend::mail::emails::{self, RefundReason};
use crate::backend::state::Settings;
use crate::backend::{links, mail::invitations, mail::outbox};
use crate::model::Locale;

struct OrderForEmail {
    order_id: String,
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
    /// The slot's invitation SEQUENCE (raised by every move).
    sequence: u32,
}

/// The columns every booking email needs, and their joins.
const EMAIL_COLUMNS: &str =
    "SELECT o.id, u.email, u.display_name, u.locale, u.time_zone, s.title, \
     s.description, tu.display_name AS teacher_name, sl.start_at, sl.end_at, sl.sequence, \
     o.amount_cents, o.currency, o.refund_reason \
     FROM orders o JOIN users u ON u.id = o.user_id JOIN sessions s ON s.id = o.session_id \
     JOIN teachers t ON t.id = s.teacher_id JOIN users tu ON tu.id = t.user_id \
     JOIN session_slots sl ON sl.id = o.slot_id";

fn from_row(row: &AnyRow) -> anyhow::Result<OrderForEmail> {
    let instant = |secs: i64| {
        DateTime::from_timestamp(secs, 0).ok_or_else(|| anyhow::anyhow!("instant {secs}"))
    };
    let locale: String = row.try_get("locale")?;
    let zone: String = row.try_get("time_zone")?;
    Ok(OrderForEmail {
        order_id: row.try_get("id")?,
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
        sequence: u32::try_from(row.try_get::<i64, _>("sequence")?).unwrap_or(u32::MAX),
    })
}

async fn load(conn: &mut AnyConnection, order_id: &str) -> anyhow::Result<Option<OrderForEmail>> {
    let row = sqlx::query(&format!("{EMAIL_COLUMNS} WHERE o.id = $1"))
        .bind(order_id)
        .fetch_optional(&mut *conn)
        .await?;
    row.as_ref().map(from_row).transpose()
}

/// The active bookings of a slot, in one query.
async fn load_booked(
    conn: &mut AnyConnection,
    slot_id: &str,
) -> anyhow::Result<Vec<OrderForEmail>> {
    let rows = sqlx::query(&format!(
        "{EMAIL_COLUMNS} WHERE o.slot_id = $1 AND o.status = 'paid' AND o.hold_active = 1"
    ))
    .bind(slot_id)
    .fetch_all(&mut *conn)
    .await?;
    rows.iter().map(from_row).collect()
}

/// What an invitation or its cancellation says, for the one attendee.
fn calendar_file(
    o: &OrderForEmail,
    settings: &Settings,
    order_id: &str,
    cancelled: bool,
    now: i64,
) -> String {
    let receipt_url = format!("{}/orders/{order_id}", settings.public_url);
    let join_url = links::join_url(settings, order_id);
    // Stable for the booking: a change or a cancellation is matched by it.
    let uid = format!("{order_id}@aveli");
    let invite = invitations::Invite {
        uid: &uid,
        title: &o.title,
        description: &o.description,
        start: o.start,
        end: o.end,
        organizer_name: &o.teacher_name,
        url: &receipt_url,
        join_url: (!cancelled).then_some(join_url.as_str()),
        sequence: o.sequence,
        attendee_email: &o.email,
        attendee_name: &o.name,
    };
    let stamp = DateTime::from_timestamp(now, 0).unwrap_or_default();
    if cancelled {
        invitations::cancellation(&invite, stamp)
    } else {
        invitations::invitation(&invite, stamp)
    }
}

/// A booking's own .ics: the invitation, or (`cancelled`) its cancellation.
/// `None` for an order that is not a seat.
pub async fn booking_calendar_file(
    conn: &mut AnyConnection,
    settings: &Settings,
    order_id: &str,
    cancelled: bool,
    now: i64,
) -> anyhow::Result<Option<String>> {
    Ok(load(conn, order_id)
        .await?
        .map(|o| calendar_file(&o, settings, order_id, cancelled, now)))
}

/// The booking receipt, with the join link and an invitation for this
/// attendee alone.
pub async fn queue_booking_receipt(
    tx: &mut Transaction<'_, Any>,
    settings: &Settings,
    order_id: &str,
    now: i64,
) -> anyhow::Result<()> {
    let Some(o) = load(tx, order_id).await? else {
        return Ok(());
    };
    let receipt_url = format!("{}/orders/{order_id}", settings.public_url);
    let invitation = calendar_file(&o, settings, order_id, false, now);
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
        &links::join_url(settings, order_id),
        invitation,
    );
    outbox::enqueue(tx, &email, now).await?;
    Ok(())
}

fn notice_to(o: &OrderForEmail) -> emails::NoticeTo<'_> {
    emails::NoticeTo {
        locale: o.locale,
        email: &o.email,
        name: &o.name,
        time_zone: o.time_zone,
        title: &o.title,
        start: o.start,
        end: o.end,
    }
}

/// Tells every attendee of a slot that it moved, each with their updated
/// invitation. Call it after the move (and its SEQUENCE raise), in the
/// same transaction.
pub async fn queue_slot_moved(
    tx: &mut Transaction<'_, Any>,
    settings: &Settings,
    slot_id: &str,
    now: i64,
) -> anyhow::Result<()> {
    for o in load_booked(tx, slot_id).await? {
        let ics = calendar_file(&o, settings, &o.order_id, false, now);
        let email = emails::slot_moved(
            &notice_to(&o),
            &o.order_id,
            &links::join_url(settings, &o.order_id),
            o.sequence,
            ics,
        );
        outbox::enqueue(tx, &email, now).await?;
    }
    Ok(())
}

/// Reminders `hours` before the start for the given bookings, each in its
/// attendee's language and zone, with the join link and the invitation.
/// Returns how many were new (the outbox's dedupe key decides).
pub async fn queue_reminders(
    tx: &mut Transaction<'_, Any>,
    settings: &Settings,
    order_ids: &[String],
    hours: u32,
    now: i64,
) -> anyhow::Result<usize> {
    if order_ids.is_empty() {
        return Ok(0);
    }
    let placeholders: Vec<String> = (1..=order_ids.len()).map(|i| format!("${i}")).collect();
    let sql = format!(
        "{EMAIL_COLUMNS} WHERE o.id IN ({})",
        placeholders.join(", ")
    );
    let mut query = sqlx::query(&sql);
    for id in order_ids {
        query = query.bind(id);
    }
    let rows = query.fetch_all(&mut **tx).await?;
    let mut queued = 0;
    for row in &rows {
        let o = from_row(row)?;
        let ics = calendar_file(&o, settings, &o.order_id, false, now);
        let email = emails::reminder(
            &notice_to(&o),
            &o.order_id,
            &links::join_url(settings, &o.order_id),
            hours,
            o.sequence,
            ics,
        );
        queued += usize::from(outbox::enqueue(tx, &email, now).await?);
    }
    Ok(queued)
}

/// A notice's recipient and its session as one row holds them: the columns
/// `email`, `display_name`, `locale`, `time_zone`, `title`, `start_at`, `end_at`.
pub struct NoticeRow {
    email: String,
    name: String,
    locale: Locale,
    time_zone: chrono_tz::Tz,
    title: String,
    start: DateTime<Utc>,
    end: DateTime<Utc>,
}

impl NoticeRow {
    pub fn read(row: &AnyRow) -> anyhow::Result<NoticeRow> {
        let instant = |column: &str| -> anyhow::Result<DateTime<Utc>> {
            let secs: i64 = row.try_get(column)?;
            DateTime::from_timestamp(secs, 0).ok_or_else(|| anyhow::anyhow!("{column} {secs}"))
        };
        let locale: String = row.try_get("locale")?;
        let zone: String = row.try_get("time_zone")?;
        Ok(NoticeRow {
            email: row.try_get("email")?,
            name: row.try_get("display_name")?,
            locale: Locale::parse(&locale).unwrap_or_default(),
            time_zone: zone.parse().unwrap_or(chrono_tz::Europe::Stockholm),
            title: row.try_get("title")?,
            start: instant("start_at")?,
            end: instant("end_at")?,
        })
    }

    pub fn to(&self) -> emails::NoticeTo<'_> {
        emails::NoticeTo {
            locale: self.locale,
            email: &self.email,
            name: &self.name,
            time_zone: self.time_zone,
            title: &self.title,
            start: self.start,
            end: self.end,
        }
    }
}

/// Tells everyone who booked one of the session's past slots that its
/// recording is there (once each: the dedupe key names session and person).
pub async fn queue_recording_available(
    tx: &mut Transaction<'_, Any>,
    session_id: &str,
    recording_url: &str,
    now: i64,
) -> anyhow::Result<usize> {
    let rows = sqlx::query(
        "SELECT o.user_id, MAX(sl.start_at) AS start_at, MAX(sl.end_at) AS end_at, s.title, \
         u.email, u.display_name, u.locale, u.time_zone \
         FROM orders o JOIN session_slots sl ON sl.id = o.slot_id JOIN users u ON u.id = o.user_id \
         JOIN sessions s ON s.id = o.session_id \
         WHERE o.session_id = $1 AND o.status = 'paid' AND sl.end_at <= $2 \
         GROUP BY o.user_id, s.title, u.email, u.display_name, u.locale, u.time_zone",
    )
    .bind(session_id)
    .bind(now)
    .fetch_all(&mut **tx)
    .await?;
    let mut queued = 0;
    for row in &rows {
        let user_id: String = row.try_get("user_id")?;
        let to = NoticeRow::read(row)?;
        let mail = emails::recording_available(&to.to(), session_id, &user_id, recording_url);
        queued += usize::from(outbox::enqueue(tx, &mail, now).await?);
    }
    Ok(queued)
}

/// Tells the student their money is on its way back, and why.
pub async fn queue_refund_notice(
    tx: &mut Transaction<'_, Any>,
    settings: &Settings,
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
    let mut email = emails::refund_notice(
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
    if reason == RefundReason::TeacherCancelled {
        // Removes the event the receipt's invitation put in their calendar.
        email.ics = Some(calendar_file(&o, settings, order_id, true, now));
    }
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

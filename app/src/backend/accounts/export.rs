//! "My data": everything Aveli holds about the signed-in person, as one
//! JSON document (GDPR art. 15 and 20). Never a password hash or a token
//! hash, and never another person's data: a teacher's sales carry amounts,
//! not buyers. One query per part, however much there is.

use serde::Serialize;
use sqlx::any::AnyRow;
use sqlx::Row;

use crate::backend::accounts::users::{require_user, AccountError};
use crate::backend::{AppState, RequestContext};

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct MyData {
    /// Unix seconds.
    pub exported_at: i64,
    pub profile: Profile,
    pub orders: Vec<OrderRecord>,
    pub bookings: Vec<BookingRecord>,
    pub membership: Option<MembershipRecord>,
    pub enrolments: Vec<EnrolmentRecord>,
    /// Only for a teacher.
    pub teaching: Option<Teaching>,
    pub emails: Vec<EmailRecord>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Profile {
    pub id: String,
    pub email: String,
    pub display_name: String,
    pub locale: String,
    pub time_zone: String,
    pub is_admin: bool,
    pub is_teacher: bool,
    pub created_at: i64,
    pub email_verified_at: Option<i64>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct OrderRecord {
    pub id: String,
    /// The session's or course's title.
    pub title: Option<String>,
    pub status: String,
    pub amount_cents: i64,
    pub currency: String,
    pub refunded_cents: i64,
    pub created_at: i64,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct BookingRecord {
    pub order_id: String,
    pub session_title: String,
    pub start_at: i64,
    pub end_at: i64,
    pub order_status: String,
    /// Whether the order holds its seat.
    pub holds_seat: bool,
    pub first_joined_at: Option<i64>,
    pub join_count: i64,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct MembershipRecord {
    pub status: String,
    pub current_period_end: Option<i64>,
    pub cancel_at_period_end: bool,
    pub created_at: i64,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct EnrolmentRecord {
    pub course_id: String,
    pub course_title: String,
    pub created_at: i64,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Teaching {
    pub sessions: Vec<TaughtSession>,
    pub slots: Vec<TaughtSlot>,
    /// Every paid or refunded order of the teacher's sessions and courses,
    /// without the buyer.
    pub sales: Vec<Sale>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct TaughtSession {
    pub id: String,
    pub title: String,
    pub visibility: String,
    pub price_cents: i64,
    pub currency: String,
    pub created_at: i64,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct TaughtSlot {
    pub id: String,
    pub session_id: String,
    pub start_at: i64,
    pub end_at: i64,
    pub seats_total: i64,
    pub seats_taken: i64,
    pub status: String,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Sale {
    pub order_id: String,
    pub title: Option<String>,
    pub status: String,
    pub amount_cents: i64,
    pub currency: String,
    pub application_fee_cents: i64,
    pub refunded_cents: i64,
    pub created_at: i64,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct EmailRecord {
    pub kind: String,
    pub subject: String,
    pub queued_at: i64,
    pub sent_at: Option<i64>,
}

fn flag(row: &AnyRow, column: &str) -> Result<bool, sqlx::Error> {
    Ok(row.try_get::<i64, _>(column)? != 0)
}

/// The signed-in user's data.
pub async fn my_data(state: &AppState, ctx: &RequestContext) -> Result<MyData, AccountError> {
    let user = require_user(state, ctx).await?;
    let pool = state.db.pool();
    let id = user.id.as_str();

    let row = sqlx::query(
        "SELECT id, email, display_name, locale, time_zone, is_admin, created_at, email_verified_at \
         FROM users WHERE id = $1",
    )
    .bind(id)
    .fetch_one(pool)
    .await?;
    let profile = Profile {
        id: row.try_get("id")?,
        email: row.try_get("email")?,
        display_name: row.try_get("display_name")?,
        locale: row.try_get("locale")?,
        time_zone: row.try_get("time_zone")?,
        is_admin: flag(&row, "is_admin")?,
        is_teacher: user.is_teacher,
        created_at: row.try_get("created_at")?,
        email_verified_at: row.try_get("email_verified_at")?,
    };

    let orders = sqlx::query(
        "SELECT o.id, COALESCE(s.title, c.title) AS title, o.status, o.amount_cents, o.currency, \
                o.refunded_cents, o.created_at \
         FROM orders o LEFT JOIN sessions s ON s.id = o.session_id \
         LEFT JOIN courses c ON c.id = o.course_id \
         WHERE o.user_id = $1 ORDER BY o.created_at, o.id",
    )
    .bind(id)
    .fetch_all(pool)
    .await?
    .iter()
    .map(|row| {
        Ok(OrderRecord {
            id: row.try_get("id")?,
            title: row.try_get("title")?,
            status: row.try_get("status")?,
            amount_cents: row.try_get("amount_cents")?,
            currency: row.try_get("currency")?,
            refunded_cents: row.try_get("refunded_cents")?,
            created_at: row.try_get("created_at")?,
        })
    })
    .collect::<Result<Vec<_>, sqlx::Error>>()?;

    let bookings = sqlx::query(
        "SELECT o.id, s.title, sl.start_at, sl.end_at, o.status, o.hold_active, \
                o.first_joined_at, o.join_count \
         FROM orders o JOIN session_slots sl ON sl.id = o.slot_id \
         JOIN sessions s ON s.id = o.session_id \
         WHERE o.user_id = $1 AND o.status IN ('paid', 'refunded') ORDER BY sl.start_at, o.id",
    )
    .bind(id)
    .fetch_all(pool)
    .await?
    .iter()
    .map(|row| {
        Ok(BookingRecord {
            order_id: row.try_get("id")?,
            session_title: row.try_get("title")?,
            start_at: row.try_get("start_at")?,
            end_at: row.try_get("end_at")?,
            order_status: row.try_get("status")?,
            holds_seat: flag(row, "hold_active")?,
            first_joined_at: row.try_get("first_joined_at")?,
            join_count: row.try_get("join_count")?,
        })
    })
    .collect::<Result<Vec<_>, sqlx::Error>>()?;

    let membership = sqlx::query(
        "SELECT status, current_period_end, cancel_at_period_end, created_at \
         FROM memberships WHERE user_id = $1",
    )
    .bind(id)
    .fetch_optional(pool)
    .await?
    .map(|row| {
        Ok::<_, sqlx::Error>(MembershipRecord {
            status: row.try_get("status")?,
            current_period_end: row.try_get("current_period_end")?,
            cancel_at_period_end: flag(&row, "cancel_at_period_end")?,
            created_at: row.try_get("created_at")?,
        })
    })
    .transpose()?;

    let enrolments = sqlx::query(
        "SELECT e.course_id, c.title, e.created_at FROM enrollments e \
         JOIN courses c ON c.id = e.course_id WHERE e.user_id = $1 ORDER BY e.created_at",
    )
    .bind(id)
    .fetch_all(pool)
    .await?
    .iter()
    .map(|row| {
        Ok(EnrolmentRecord {
            course_id: row.try_get("course_id")?,
            course_title: row.try_get("title")?,
            created_at: row.try_get("created_at")?,
        })
    })
    .collect::<Result<Vec<_>, sqlx::Error>>()?;

    let teaching = if user.is_teacher {
        Some(teaching(state, id).await?)
    } else {
        None
    };

    let emails = sqlx::query(
        "SELECT kind, subject, created_at, sent_at FROM outbox WHERE recipient = $1 \
         ORDER BY created_at, id",
    )
    .bind(&user.email)
    .fetch_all(pool)
    .await?
    .iter()
    .map(|row| {
        Ok(EmailRecord {
            kind: row.try_get("kind")?,
            subject: row.try_get("subject")?,
            queued_at: row.try_get("created_at")?,
            sent_at: row.try_get("sent_at")?,
        })
    })
    .collect::<Result<Vec<_>, sqlx::Error>>()?;

    Ok(MyData {
        exported_at: state.clock.now(),
        profile,
        orders,
        bookings,
        membership,
        enrolments,
        teaching,
        emails,
    })
}

async fn teaching(state: &AppState, user_id: &str) -> Result<Teaching, sqlx::Error> {
    let pool = state.db.pool();
    let sessions = sqlx::query(
        "SELECT s.id, s.title, s.visibility, s.price_cents, s.currency, s.created_at \
         FROM sessions s JOIN teachers t ON t.id = s.teacher_id \
         WHERE t.user_id = $1 ORDER BY s.created_at, s.id",
    )
    .bind(user_id)
    .fetch_all(pool)
    .await?
    .iter()
    .map(|row| {
        Ok(TaughtSession {
            id: row.try_get("id")?,
            title: row.try_get("title")?,
            visibility: row.try_get("visibility")?,
            price_cents: row.try_get("price_cents")?,
            currency: row.try_get("currency")?,
            created_at: row.try_get("created_at")?,
        })
    })
    .collect::<Result<Vec<_>, sqlx::Error>>()?;
    let slots = sqlx::query(
        "SELECT sl.id, sl.session_id, sl.start_at, sl.end_at, sl.seats_total, sl.seats_taken, \
                sl.status \
         FROM session_slots sl JOIN sessions s ON s.id = sl.session_id \
         JOIN teachers t ON t.id = s.teacher_id \
         WHERE t.user_id = $1 ORDER BY sl.start_at, sl.id",
    )
    .bind(user_id)
    .fetch_all(pool)
    .await?
    .iter()
    .map(|row| {
        Ok(TaughtSlot {
            id: row.try_get("id")?,
            session_id: row.try_get("session_id")?,
            start_at: row.try_get("start_at")?,
            end_at: row.try_get("end_at")?,
            seats_total: row.try_get("seats_total")?,
            seats_taken: row.try_get("seats_taken")?,
            status: row.try_get("status")?,
        })
    })
    .collect::<Result<Vec<_>, sqlx::Error>>()?;
    let sales = sqlx::query(
        "SELECT o.id, COALESCE(s.title, c.title) AS title, o.status, o.amount_cents, o.currency, \
                o.application_fee_cents, o.refunded_cents, o.created_at \
         FROM orders o \
         LEFT JOIN sessions s ON s.id = o.session_id \
         LEFT JOIN courses c ON c.id = o.course_id \
         JOIN teachers t ON t.id = COALESCE(s.teacher_id, c.teacher_id) \
         WHERE t.user_id = $1 AND o.status IN ('paid', 'refunded') ORDER BY o.created_at, o.id",
    )
    .bind(user_id)
    .fetch_all(pool)
    .await?
    .iter()
    .map(|row| {
        Ok(Sale {
            order_id: row.try_get("id")?,
            title: row.try_get("title")?,
            status: row.try_get("status")?,
            amount_cents: row.try_get("amount_cents")?,
            currency: row.try_get("currency")?,
            application_fee_cents: row.try_get("application_fee_cents")?,
            refunded_cents: row.try_get("refunded_cents")?,
            created_at: row.try_get("created_at")?,
        })
    })
    .collect::<Result<Vec<_>, sqlx::Error>>()?;
    Ok(Teaching {
        sessions,
        slots,
        sales,
    })
}

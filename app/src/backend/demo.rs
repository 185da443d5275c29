//! Demo data for `make run`: a teacher and a student with known passwords, a
//! few published sessions and a course. Seeding is idempotent: the accounts
//! and sessions are written once (with the demo teacher), the course once,
//! and "Live om en stund" gets a new slot whenever its last one has begun.

use crate::backend::{accounts::password, new_id, Db};
use crate::model::Password;

/// The demo teacher's Connect account in the simulator.
pub const DEMO_CONNECT_ACCOUNT: &str = "acct_1DemoLarareAveli0000";

pub struct DemoAccount {
    pub role: &'static str,
    pub email: &'static str,
    pub password: &'static str,
    pub name: &'static str,
}

pub const TEACHER: DemoAccount = DemoAccount {
    role: "teacher",
    email: "larare@aveli.test",
    password: "demo-larare-2026",
    name: "Luna Lärare",
};

pub const STUDENT: DemoAccount = DemoAccount {
    role: "student",
    email: "elev@aveli.test",
    password: "demo-elev-2026",
    name: "Stella Elev",
};

pub const ADMIN: DemoAccount = DemoAccount {
    role: "admin",
    email: "admin@aveli.test",
    password: "demo-admin-2026",
    name: "Ada Admin",
};

/// A demo session: title, description, price in öre, seats, recording,
/// and its slots as (days from today, hour UTC, minutes, seats taken) —
/// chosen so every calendar state shows at once: plenty of seats, almost
/// full, full, and a past session with a recording.
struct DemoSession {
    title: &'static str,
    description: &'static str,
    price_cents: i64,
    seats: i64,
    recording_url: Option<&'static str>,
    slots: &'static [(i64, i64, i64, i64)],
}

const SESSIONS: [DemoSession; 4] = [
    DemoSession {
        title: "Månsken-yoga",
        description: "Mjuk kvällsyoga i nymånens lugn. Ta med en filt.",
        price_cents: 15_000,
        seats: 12,
        recording_url: None,
        slots: &[(2, 17, 60, 3), (9, 17, 60, 10), (16, 17, 60, 0)],
    },
    DemoSession {
        title: "Andning vid fullmåne",
        description: "Andningsövningar för fokus och ro.",
        price_cents: 9_900,
        seats: 8,
        recording_url: None,
        slots: &[(5, 18, 45, 8), (12, 18, 45, 7)],
    },
    DemoSession {
        title: "Meditation i gryningen",
        description: "Stilla sittande meditation, för nybörjare.",
        price_cents: 0,
        seats: 20,
        recording_url: None,
        slots: &[(3, 6, 30, 0), (4, 6, 30, 5)],
    },
    DemoSession {
        title: "Yin under nymånen",
        description: "Långsam yin-yoga. Sändes förra veckan – inspelningen finns kvar.",
        price_cents: 12_000,
        seats: 10,
        recording_url: Some("https://video.aveli.test/inspelningar/yin-under-nymanen"),
        slots: &[(-7, 18, 60, 9)],
    },
];

/// The demo course: a published, paid course of the demo teacher.
const COURSE_TITLE: &str = "Andning i fyra veckor";
const COURSE_DESCRIPTION: &str =
    "En lektion i veckan: lugn andning, fokus, sömn och andning i vardagen.";
const COURSE_PRICE_CENTS: i64 = 49_900;
const COURSE_LESSONS: [(&str, &str); 4] = [
    (
        "Vecka 1: Lugn andning",
        "https://video.aveli.test/kurser/andning/1",
    ),
    (
        "Vecka 2: Fokus",
        "https://video.aveli.test/kurser/andning/2",
    ),
    ("Vecka 3: Sömn", "https://video.aveli.test/kurser/andning/3"),
    (
        "Vecka 4: Andning i vardagen",
        "https://video.aveli.test/kurser/andning/4",
    ),
];

/// Seeds the demo accounts, sessions and course unless they exist. Returns
/// whether anything was written.
pub async fn seed(db: &Db, now: i64) -> anyhow::Result<bool> {
    let accounts = seed_accounts_and_sessions(db, now).await?;
    let course = seed_course(db, now).await?;
    let live = seed_live_soon(db, now).await?;
    let admin = seed_admin(db, now).await?;
    let payouts = seed_payouts(db, now).await?;
    Ok(accounts || course || live || admin || payouts)
}

/// The free session that is always about to start, so the join link can be
/// tried offline: its room is a Jitsi address.
pub const LIVE_SOON_TITLE: &str = "Live om en stund";
/// How far ahead its slot starts, at least (then the next quarter hour).
const LIVE_SOON_LEAD_SECS: i64 = 20 * 60;
/// How long ago the demo student "booked" it: before the 1-hour reminder's
/// moment, so that reminder goes out (as an .eml) as soon as the app runs.
const LIVE_SOON_BOOKED_AGO_SECS: i64 = 2 * 3_600;

/// Unless it has a slot still to come: gives "Live om en stund" (created on
/// first use) a slot 20–35 minutes ahead, booked by the demo student. Run
/// at every seed, so each `make run` has a class about to open its room.
async fn seed_live_soon(db: &Db, now: i64) -> anyhow::Result<bool> {
    let ids: Option<(String, String)> = sqlx::query_as(
        "SELECT t.id, su.id FROM teachers t JOIN users u ON u.id = t.user_id \
         JOIN users su ON su.email = $2 WHERE u.email = $1",
    )
    .bind(TEACHER.email)
    .bind(STUDENT.email)
    .fetch_optional(db.pool())
    .await?;
    let Some((teacher_id, student_id)) = ids else {
        return Ok(false);
    };
    let session: Option<String> =
        sqlx::query_scalar("SELECT id FROM sessions WHERE teacher_id = $1 AND title = $2")
            .bind(&teacher_id)
            .bind(LIVE_SOON_TITLE)
            .fetch_optional(db.pool())
            .await?;
    if let Some(id) = &session {
        let upcoming: Option<String> = sqlx::query_scalar(
            "SELECT id FROM session_slots WHERE session_id = $1 AND status = 'scheduled' \
             AND start_at > $2 LIMIT 1",
        )
        .bind(id)
        .bind(now)
        .fetch_optional(db.pool())
        .await?;
        if upcoming.is_some() {
            return Ok(false);
        }
    }
    let quarter = 15 * 60;
    let start = (now + LIVE_SOON_LEAD_SECS).div_euclid(quarter) * quarter + quarter;
    let end = start + 45 * 60;
    let mut tx = db.pool().begin().await?;
    let session_id = match session {
        Some(id) => id,
        None => {
            let id = new_id();
            sqlx::query(
                "INSERT INTO sessions (id, teacher_id, title, description, start_at, end_at, capacity, \
                 price_cents, currency, visibility, recording_url, created_at, updated_at, room_url) \
                 VALUES ($1, $2, $3, $4, $5, $6, 10, 0, 'SEK', 'published', NULL, $7, $7, $8)",
            )
            .bind(&id)
            .bind(&teacher_id)
            .bind(LIVE_SOON_TITLE)
            .bind("En kort guidad avslappning. Länken öppnar rummet 15 minuter före start.")
            .bind(start)
            .bind(end)
            .bind(now)
            .bind("https://meet.jit.si/aveli-demo-live")
            .execute(&mut *tx)
            .await?;
            id
        }
    };
    let slot_id = new_id();
    sqlx::query(
        "INSERT INTO session_slots (id, session_id, start_at, end_at, seats_total, seats_taken, \
         created_at, updated_at) VALUES ($1, $2, $3, $4, 10, 1, $5, $5)",
    )
    .bind(&slot_id)
    .bind(&session_id)
    .bind(start)
    .bind(end)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    sqlx::query("UPDATE sessions SET start_at = $2, end_at = $3, updated_at = $4 WHERE id = $1")
        .bind(&session_id)
        .bind(start)
        .bind(end)
        .bind(now)
        .execute(&mut *tx)
        .await?;
    let booked = now - LIVE_SOON_BOOKED_AGO_SECS;
    sqlx::query(
        "INSERT INTO orders (id, user_id, session_id, slot_id, type, amount_cents, currency, \
         application_fee_cents, status, hold_active, paid_at, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, 'one_off', 0, 'SEK', 0, 'paid', 1, $5, $5, $5)",
    )
    .bind(new_id())
    .bind(&student_id)
    .bind(&session_id)
    .bind(&slot_id)
    .bind(booked)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(true)
}

/// The demo course, unless the demo teacher has it already.
async fn seed_course(db: &Db, now: i64) -> anyhow::Result<bool> {
    let teacher: Option<String> = sqlx::query_scalar(
        "SELECT t.id FROM teachers t JOIN users u ON u.id = t.user_id WHERE u.email = $1",
    )
    .bind(TEACHER.email)
    .fetch_optional(db.pool())
    .await?;
    let Some(teacher_id) = teacher else {
        return Ok(false);
    };
    let exists: Option<String> =
        sqlx::query_scalar("SELECT id FROM courses WHERE teacher_id = $1 AND title = $2")
            .bind(&teacher_id)
            .bind(COURSE_TITLE)
            .fetch_optional(db.pool())
            .await?;
    if exists.is_some() {
        return Ok(false);
    }
    let at = now;
    let course_id = new_id();
    let mut tx = db.pool().begin().await?;
    sqlx::query(
        "INSERT INTO courses (id, teacher_id, title, description, price_cents, currency, \
         cover_image_url, visibility, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, 'SEK', NULL, 'published', $6, $6)",
    )
    .bind(&course_id)
    .bind(&teacher_id)
    .bind(COURSE_TITLE)
    .bind(COURSE_DESCRIPTION)
    .bind(COURSE_PRICE_CENTS)
    .bind(at)
    .execute(&mut *tx)
    .await?;
    for (position, (title, url)) in (1_i64..).zip(COURSE_LESSONS) {
        sqlx::query(
            "INSERT INTO course_lessons (id, course_id, position, title, video_url, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $6)",
        )
        .bind(new_id())
        .bind(&course_id)
        .bind(position)
        .bind(title)
        .bind(url)
        .bind(at)
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await?;
    Ok(true)
}

/// The most seats any demo slot has taken: one attendee each.
const ATTENDEES: usize = 10;

/// Demo attendees who fill the taken seats (they cannot sign in: nobody
/// knows their random password). Their bookings were never charged, so they
/// have no PaymentIntent.
async fn seed_attendees(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    at: i64,
) -> anyhow::Result<Vec<String>> {
    let hash = password::hash(&Password::parse(&new_id())?).await?;
    let mut ids = Vec::with_capacity(ATTENDEES);
    for n in 1..=ATTENDEES {
        let id = new_id();
        sqlx::query(
            "INSERT INTO users (id, email, password_hash, display_name, locale, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, 'sv', $5, $5)",
        )
        .bind(&id)
        .bind(format!("deltagare{n}@aveli.test"))
        .bind(&hash)
        .bind(format!("Deltagare {n}"))
        .bind(at)
        .execute(&mut **tx)
        .await?;
        ids.push(id);
    }
    Ok(ids)
}

/// The demo accounts and sessions, unless the demo teacher exists.
async fn seed_accounts_and_sessions(db: &Db, now: i64) -> anyhow::Result<bool> {
    let exists: Option<(String,)> = sqlx::query_as("SELECT id FROM users WHERE email = $1")
        .bind(TEACHER.email)
        .fetch_optional(db.pool())
        .await?;
    if exists.is_some() {
        return Ok(false);
    }
    let at = now;
    let mut tx = db.pool().begin().await?;
    let mut user_ids = Vec::new();
    // The teacher's address is confirmed; the student's is not, so /account
    // shows both states (the notice and "send again" for the student).
    for (account, verified_at) in [(&TEACHER, Some(at)), (&STUDENT, None)] {
        let hash = password::hash(&Password::parse(account.password)?).await?;
        let id = new_id();
        sqlx::query(
            "INSERT INTO users (id, email, password_hash, display_name, locale, created_at, updated_at, email_verified_at) \
             VALUES ($1, $2, $3, $4, 'sv', $5, $5, $6)",
        )
        .bind(&id)
        .bind(account.email)
        .bind(&hash)
        .bind(account.name)
        .bind(at)
        .bind(verified_at)
        .execute(&mut *tx)
        .await?;
        user_ids.push(id);
    }
    let teacher_id = new_id();
    // The demo teacher is onboarded already: the simulator re-creates this
    // account from our row at start-up, so paid sessions can be booked at once.
    sqlx::query(
        "INSERT INTO teachers (id, user_id, stripe_connect_account_id, charges_enabled, \
         payouts_enabled, details_submitted, onboarded_at, created_at, updated_at) \
         VALUES ($1, $2, $3, 1, 1, 1, $4, $4, $4)",
    )
    .bind(&teacher_id)
    .bind(&user_ids[0])
    .bind(DEMO_CONNECT_ACCOUNT)
    .bind(at)
    .execute(&mut *tx)
    .await?;

    let attendees = seed_attendees(&mut tx, at).await?;
    // The demo teacher's split (the table's default), for the attendees' fees.
    let split_pct: i64 = sqlx::query_scalar("SELECT payout_split_pct FROM teachers WHERE id = $1")
        .bind(&teacher_id)
        .fetch_one(&mut *tx)
        .await?;
    let midnight = at - at.rem_euclid(86_400);
    for (n, demo) in SESSIONS.iter().enumerate() {
        let instants: Vec<(i64, i64, i64)> = demo
            .slots
            .iter()
            .map(|(days, hour, minutes, taken)| {
                let start = midnight + days * 86_400 + hour * 3_600;
                (start, start + minutes * 60, *taken)
            })
            .collect();
        let first = instants.iter().map(|s| s.0).min();
        let last = instants.iter().map(|s| s.1).max();
        let session_id = new_id();
        let (_, fee) = crate::model::order::split(demo.price_cents, split_pct);
        sqlx::query(
            "INSERT INTO sessions (id, teacher_id, title, description, start_at, end_at, capacity, \
             price_cents, currency, visibility, recording_url, created_at, updated_at, room_url) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'SEK', 'published', $9, $10, $10, $11)",
        )
        .bind(&session_id)
        .bind(&teacher_id)
        .bind(demo.title)
        .bind(demo.description)
        .bind(first)
        .bind(last)
        .bind(demo.seats)
        .bind(demo.price_cents)
        .bind(demo.recording_url)
        .bind(at)
        // A room of its own, seen only by the demo teacher.
        .bind(format!("https://meet.jit.si/aveli-demo-{}", n + 1))
        .execute(&mut *tx)
        .await?;
        for (start, end, taken) in instants {
            let slot_id = new_id();
            sqlx::query(
                "INSERT INTO session_slots (id, session_id, start_at, end_at, seats_total, seats_taken, \
                 created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $7)",
            )
            .bind(&slot_id)
            .bind(&session_id)
            .bind(start)
            .bind(end)
            .bind(demo.seats)
            .bind(taken)
            .bind(at)
            .execute(&mut *tx)
            .await?;
            // Every taken seat is a booking, so that seats_taken equals the
            // holding orders (the reconciliation checks it).
            let taken = usize::try_from(taken).unwrap_or(0);
            for attendee in attendees.iter().take(taken) {
                sqlx::query(
                    "INSERT INTO orders (id, user_id, session_id, slot_id, type, amount_cents, currency, \
                     application_fee_cents, status, hold_active, created_at, updated_at) \
                     VALUES ($1, $2, $3, $4, 'one_off', $5, 'SEK', $6, 'paid', 1, $7, $7)",
                )
                .bind(new_id())
                .bind(attendee)
                .bind(&session_id)
                .bind(&slot_id)
                .bind(demo.price_cents)
                .bind(fee)
                .bind(at)
                .execute(&mut *tx)
                .await?;
            }
        }
    }
    tx.commit().await?;
    Ok(true)
}

/// A chargeback awaiting evidence (deadline in a week), as the
/// `charge.dispute.created` webhook leaves one, so `/admin/disputes` has a
/// case offline. The demo order was never charged: the dispute exists only
/// in our tables, so sending its evidence to the simulator is refused.
async fn seed_dispute(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    order_id: &str,
    amount: i64,
    now: i64,
) -> anyhow::Result<()> {
    sqlx::query(
        "INSERT INTO disputes (id, order_id, charge_id, amount_cents, currency, reason, status, \
         due_by, has_evidence, funds_withdrawn, event_created, created_at, updated_at) \
         VALUES ($1, $2, 'ch_demo_disputed', $3, 'SEK', 'fraudulent', 'needs_response', $4, 0, 1, \
         $5, $5, $5)",
    )
    .bind(format!(
        "du_demo{}",
        order_id.chars().take(8).collect::<String>()
    ))
    .bind(order_id)
    .bind(amount)
    .bind(now + 7 * 86_400)
    .bind(now)
    .execute(&mut **tx)
    .await?;
    sqlx::query("UPDATE orders SET disputed = 1 WHERE id = $1")
        .bind(order_id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// The reason written on the demo's refunds, so the console shows some history.
const DEMO_REFUND_REASON: &str = "Demo: läraren kom tio minuter sent";

/// The demo admin (the platform), unless it exists, with some history for
/// the console: one attendee's booking refunded in part and another's in
/// full, each with its refund row and audit row. The demo orders were never
/// charged, so these refunds exist only in our tables.
async fn seed_admin(db: &Db, now: i64) -> anyhow::Result<bool> {
    let exists: Option<(String,)> = sqlx::query_as("SELECT id FROM users WHERE email = $1")
        .bind(ADMIN.email)
        .fetch_optional(db.pool())
        .await?;
    if exists.is_some() {
        return Ok(false);
    }
    let hash = password::hash(&Password::parse(ADMIN.password)?).await?;
    let admin_id = new_id();
    let mut tx = db.pool().begin().await?;
    sqlx::query(
        "INSERT INTO users (id, email, password_hash, display_name, locale, is_admin, created_at, \
         updated_at, email_verified_at) VALUES ($1, $2, $3, $4, 'sv', 1, $5, $5, $5)",
    )
    .bind(&admin_id)
    .bind(ADMIN.email)
    .bind(&hash)
    .bind(ADMIN.name)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    // Two paid attendee bookings of the most expensive demo session.
    let orders: Vec<(String, i64, String)> = sqlx::query_as(
        "SELECT o.id, o.amount_cents, o.slot_id FROM orders o \
         JOIN users u ON u.id = o.user_id \
         WHERE o.status = 'paid' AND o.hold_active = 1 AND o.amount_cents > 0 \
           AND u.email LIKE 'deltagare%' ORDER BY o.amount_cents DESC, o.id LIMIT 3",
    )
    .fetch_all(&mut *tx)
    .await?;
    if let Some((order_id, amount, _)) = orders.get(2) {
        seed_dispute(&mut tx, order_id, *amount, now).await?;
    }
    for (n, (order_id, amount, slot_id)) in orders.iter().take(2).enumerate() {
        let full = n == 1;
        let refund = if full { *amount } else { amount / 2 };
        if full {
            // Gives the seat back, as a full refund does.
            sqlx::query(
                "UPDATE orders SET status = 'refunded', hold_active = 0, refunded_cents = $2, \
                 updated_at = $3 WHERE id = $1",
            )
            .bind(order_id)
            .bind(refund)
            .bind(now)
            .execute(&mut *tx)
            .await?;
            sqlx::query(
                "UPDATE session_slots SET seats_taken = seats_taken - 1 WHERE id = $1 AND seats_taken > 0",
            )
            .bind(slot_id)
            .execute(&mut *tx)
            .await?;
        } else {
            sqlx::query("UPDATE orders SET refunded_cents = $2, updated_at = $3 WHERE id = $1")
                .bind(order_id)
                .bind(refund)
                .bind(now)
                .execute(&mut *tx)
                .await?;
        }
        let refund_id = new_id();
        sqlx::query(
            "INSERT INTO admin_refunds (id, order_id, admin_id, idempotency_key, amount_cents, \
             reverse_transfer, refund_application_fee, reason, status, stripe_refund_id, \
             created_at, updated_at) VALUES ($1, $2, $3, $4, $5, 1, 1, $6, 'succeeded', $7, $8, $8)",
        )
        .bind(&refund_id)
        .bind(order_id)
        .bind(&admin_id)
        .bind(format!("demo-{n}"))
        .bind(refund)
        .bind(DEMO_REFUND_REASON)
        .bind(format!("re_demo{n}"))
        .bind(now)
        .execute(&mut *tx)
        .await?;
        let after = serde_json::json!({
            "refund_id": refund_id,
            "amount_cents": refund,
            "reverse_transfer": true,
            "refund_application_fee": true,
            "reason": DEMO_REFUND_REASON,
        });
        sqlx::query(
            "INSERT INTO admin_audit (id, admin_id, action, target_type, target_id, before_json, \
             after_json, created_at) VALUES ($1, $2, 'order.refund', 'order', $3, $4, $5, $6)",
        )
        .bind(new_id())
        .bind(&admin_id)
        .bind(order_id)
        .bind(serde_json::json!({"status": "paid", "refunded_cents": 0}).to_string())
        .bind(after.to_string())
        .bind(now)
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await?;
    Ok(true)
}

/// The demo payouts' ids: the failed one sorts first, as it came first.
const DEMO_PAYOUT_FAILED: &str = "po_1DemoFailed0000000";
const DEMO_PAYOUT_PAID: &str = "po_1DemoPaid00000000";
/// Standard payouts arrive about two days after they are created.
const DEMO_PAYOUT_ARRIVAL_SECS: i64 = 2 * 86_400;

/// Unless the demo teacher's account has a payout: a failed payout and the
/// paid one that followed it, both holding the demo attendees' paid
/// bookings, so `/studio/payouts` shows payouts offline. Those orders were
/// never charged; they get the demo account as `connected_account_id` and
/// their `created_at` as `paid_at` (where unset) so they fall in the
/// payouts' range (`paid_at` = `created_at` changes nothing for reminders,
/// which read `COALESCE(paid_at, created_at)`). The amount is the teacher's
/// share less the part of it refunds took back.
async fn seed_payouts(db: &Db, now: i64) -> anyhow::Result<bool> {
    let exists: Option<(String,)> =
        sqlx::query_as("SELECT id FROM payouts WHERE account_id = $1 LIMIT 1")
            .bind(DEMO_CONNECT_ACCOUNT)
            .fetch_optional(db.pool())
            .await?;
    if exists.is_some() {
        return Ok(false);
    }
    let teacher: Option<(String,)> =
        sqlx::query_as("SELECT id FROM teachers WHERE stripe_connect_account_id = $1")
            .bind(DEMO_CONNECT_ACCOUNT)
            .fetch_optional(db.pool())
            .await?;
    let Some((teacher_id,)) = teacher else {
        return Ok(false);
    };
    let mut tx = db.pool().begin().await?;
    sqlx::query(
        "UPDATE orders SET paid_at = COALESCE(paid_at, created_at), \
         connected_account_id = COALESCE(connected_account_id, $1) \
         WHERE status IN ('paid', 'refunded') AND amount_cents > 0 \
           AND session_id IN (SELECT id FROM sessions WHERE teacher_id = $2) \
           AND user_id IN (SELECT id FROM users WHERE email LIKE 'deltagare%')",
    )
    .bind(DEMO_CONNECT_ACCOUNT)
    .bind(&teacher_id)
    .execute(&mut *tx)
    .await?;
    let orders: Vec<(i64, i64, i64)> = sqlx::query_as(
        "SELECT amount_cents, application_fee_cents, refunded_cents FROM orders \
         WHERE connected_account_id = $1 AND status IN ('paid', 'refunded') \
           AND paid_at IS NOT NULL AND paid_at <= $2",
    )
    .bind(DEMO_CONNECT_ACCOUNT)
    .bind(now)
    .fetch_all(&mut *tx)
    .await?;
    let amount: i64 = orders
        .iter()
        .map(|(amount, fee, refunded)| {
            let share = amount - fee;
            share - refunded * share / (*amount).max(1)
        })
        .sum();
    if amount <= 0 {
        tx.commit().await?;
        return Ok(false);
    }
    for (id, status, failure) in [
        (
            DEMO_PAYOUT_FAILED,
            "failed",
            Some("The bank account has been closed."),
        ),
        (DEMO_PAYOUT_PAID, "paid", None),
    ] {
        sqlx::query(
            "INSERT INTO payouts (id, account_id, teacher_id, amount_cents, currency, status, \
             arrival_date, stripe_created, failure_message, event_created, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, 'SEK', $5, $6, $7, $8, $7, $7, $7)",
        )
        .bind(id)
        .bind(DEMO_CONNECT_ACCOUNT)
        .bind(&teacher_id)
        .bind(amount)
        .bind(status)
        .bind(now + DEMO_PAYOUT_ARRIVAL_SECS)
        .bind(now)
        .bind(failure)
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await?;
    Ok(true)
}

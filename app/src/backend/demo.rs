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
    Ok(accounts || course || live)
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

//! Demo data for `make run`: a teacher and a student with known passwords, a
//! few published sessions and a course. Seeding is idempotent: the accounts
//! and sessions are written once (with the demo teacher), the course once.

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
    Ok(accounts || course)
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
    for account in [&TEACHER, &STUDENT] {
        let hash = password::hash(&Password::parse(account.password)?).await?;
        let id = new_id();
        sqlx::query(
            "INSERT INTO users (id, email, password_hash, display_name, locale, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, 'sv', $5, $5)",
        )
        .bind(&id)
        .bind(account.email)
        .bind(&hash)
        .bind(account.name)
        .bind(at)
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

    let midnight = at - at.rem_euclid(86_400);
    for demo in &SESSIONS {
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
        sqlx::query(
            "INSERT INTO sessions (id, teacher_id, title, description, start_at, end_at, capacity, \
             price_cents, currency, visibility, recording_url, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'SEK', 'published', $9, $10, $10)",
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
        .execute(&mut *tx)
        .await?;
        for (start, end, taken) in instants {
            sqlx::query(
                "INSERT INTO session_slots (id, session_id, start_at, end_at, seats_total, seats_taken, \
                 created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $7)",
            )
            .bind(new_id())
            .bind(&session_id)
            .bind(start)
            .bind(end)
            .bind(demo.seats)
            .bind(taken)
            .bind(at)
            .execute(&mut *tx)
            .await?;
        }
    }
    tx.commit().await?;
    Ok(true)
}

//! Demo data for `make run`: a teacher and a student with known passwords and
//! a few published sessions. Seeding is idempotent: it does nothing once the
//! demo teacher exists.

use crate::backend::{new_id, now, password, Db};
use crate::model::Password;

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

/// (title, description, price in öre, days from now, hour UTC, minutes, seats)
const SESSIONS: [(&str, &str, i64, i64, i64, i64, i64); 3] = [
    (
        "Månsken-yoga",
        "Mjuk kvällsyoga i nymånens lugn.",
        15_000,
        2,
        17,
        60,
        12,
    ),
    (
        "Andning vid fullmåne",
        "Andningsövningar för fokus och ro.",
        9_900,
        5,
        18,
        45,
        8,
    ),
    (
        "Meditation i gryningen",
        "Stilla sittande meditation, för nybörjare.",
        0,
        9,
        6,
        30,
        20,
    ),
];

/// Seeds the demo accounts and sessions unless they exist. Returns whether
/// anything was written.
pub async fn seed(db: &Db) -> anyhow::Result<bool> {
    let exists: Option<(String,)> = sqlx::query_as("SELECT id FROM users WHERE email = $1")
        .bind(TEACHER.email)
        .fetch_optional(db.pool())
        .await?;
    if exists.is_some() {
        return Ok(false);
    }
    let at = now();
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
    sqlx::query(
        "INSERT INTO teachers (id, user_id, created_at, updated_at) VALUES ($1, $2, $3, $3)",
    )
    .bind(&teacher_id)
    .bind(&user_ids[0])
    .bind(at)
    .execute(&mut *tx)
    .await?;

    let midnight = at - at.rem_euclid(86_400);
    for (title, description, price, days, hour, minutes, seats) in SESSIONS {
        let start = midnight + days * 86_400 + hour * 3_600;
        let end = start + minutes * 60;
        let session_id = new_id();
        sqlx::query(
            "INSERT INTO sessions (id, teacher_id, title, description, start_at, end_at, capacity, \
             price_cents, currency, visibility, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'SEK', 'published', $9, $9)",
        )
        .bind(&session_id)
        .bind(&teacher_id)
        .bind(title)
        .bind(description)
        .bind(start)
        .bind(end)
        .bind(seats)
        .bind(price)
        .bind(at)
        .execute(&mut *tx)
        .await?;
        sqlx::query(
            "INSERT INTO session_slots (id, session_id, start_at, end_at, seats_total, seats_taken, \
             created_at, updated_at) VALUES ($1, $2, $3, $4, $5, 0, $6, $6)",
        )
        .bind(new_id())
        .bind(&session_id)
        .bind(start)
        .bind(end)
        .bind(seats)
        .bind(at)
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await?;
    Ok(true)
}

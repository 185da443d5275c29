//! Login sessions. The client holds a random 256-bit token (cookie or
//! `Authorization: Bearer`); the database holds only its SHA-256, so a leaked
//! database cannot be replayed as logins.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use rand::RngCore;
use sqlx::Row;

use crate::backend::Db;
use crate::model::{Locale, User};

/// The cookie that carries the token.
pub const COOKIE: &str = "aveli_session";

/// A fresh token: 32 bytes from the OS generator, base64url.
pub fn new_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

pub use crate::backend::links::token_hash;

/// `last_used_at` is written at most this often per session, not on every
/// request (a write per page view would be most of the database's work).
pub const LAST_USED_EVERY_SECS: i64 = 60;

/// Starts a session for the user and returns the token (the only time it
/// exists outside the client).
pub async fn create(
    db: &Db,
    user_id: &str,
    ttl_secs: i64,
    now: i64,
) -> Result<String, sqlx::Error> {
    create_on_device(db, user_id, ttl_secs, now, None).await
}

/// [`create`], remembering the User-Agent that logged in (the account's
/// device list names it).
pub async fn create_on_device(
    db: &Db,
    user_id: &str,
    ttl_secs: i64,
    now: i64,
    user_agent: Option<&str>,
) -> Result<String, sqlx::Error> {
    let token = new_token();
    let created = now;
    sqlx::query(
        "INSERT INTO auth_sessions (token_hash, user_id, created_at, expires_at, device_id, user_agent, last_used_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $3)",
    )
    .bind(token_hash(&token))
    .bind(user_id)
    .bind(created)
    .bind(created + ttl_secs)
    .bind(crate::backend::new_id())
    .bind(user_agent.map(str::to_owned))
    .execute(db.pool())
    .await?;
    Ok(token)
}

/// The user behind a token, if the session exists and has not expired.
///
/// Marks the session used when its `last_used_at` is older than
/// [`LAST_USED_EVERY_SECS`]: the read decides, so most requests write nothing.
pub async fn user_for_token(db: &Db, token: &str, now: i64) -> Result<Option<User>, sqlx::Error> {
    let hash = token_hash(token);
    let row = sqlx::query(
        "SELECT u.id, u.email, u.display_name, u.locale, u.time_zone, u.is_admin, \
                CASE WHEN t.id IS NULL THEN 0 ELSE 1 END AS is_teacher, s.last_used_at \
         FROM auth_sessions s \
         JOIN users u ON u.id = s.user_id \
         LEFT JOIN teachers t ON t.user_id = u.id \
         WHERE s.token_hash = $1 AND s.expires_at > $2",
    )
    .bind(&hash)
    .bind(now)
    .fetch_optional(db.pool())
    .await?;
    let Some(row) = row else { return Ok(None) };
    let last_used: Option<i64> = row.try_get("last_used_at")?;
    if last_used.is_none_or(|at| now - at >= LAST_USED_EVERY_SECS) {
        // A missed mark only makes "last used" older: never fail the request for it.
        if let Err(err) =
            sqlx::query("UPDATE auth_sessions SET last_used_at = $1 WHERE token_hash = $2")
                .bind(now)
                .bind(&hash)
                .execute(db.pool())
                .await
        {
            tracing::warn!(error = %err, "auth_session: last_used_at not updated");
        }
    }
    user_from_row(&row).map(Some)
}

/// Ends a session for good; the token is worthless afterwards.
pub async fn revoke(db: &Db, token: &str) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM auth_sessions WHERE token_hash = $1")
        .bind(token_hash(token))
        .execute(db.pool())
        .await?;
    Ok(())
}

/// Removes expired sessions; called now and then so the table stays small.
pub async fn purge_expired(db: &Db, now: i64) -> Result<u64, sqlx::Error> {
    let done = sqlx::query("DELETE FROM auth_sessions WHERE expires_at <= $1")
        .bind(now)
        .execute(db.pool())
        .await?;
    Ok(done.rows_affected())
}

/// Reads a `User` from a row with the columns id, email, display_name,
/// locale, time_zone, is_admin and is_teacher.
pub fn user_from_row(row: &sqlx::any::AnyRow) -> Result<User, sqlx::Error> {
    let locale: String = row.try_get("locale")?;
    let is_admin: i64 = row.try_get("is_admin")?;
    let is_teacher: i64 = row.try_get("is_teacher")?;
    Ok(User {
        id: row.try_get("id")?,
        email: row.try_get("email")?,
        display_name: row.try_get("display_name")?,
        locale: Locale::parse(&locale).unwrap_or_default(),
        time_zone: row.try_get("time_zone")?,
        is_admin: is_admin != 0,
        is_teacher: is_teacher != 0,
    })
}

/// The `Set-Cookie` value that stores a token in the browser.
pub fn set_cookie(token: &str, max_age_secs: i64, secure: bool) -> String {
    format!(
        "{COOKIE}={token}; Path=/; Max-Age={max_age_secs}; HttpOnly; SameSite=Lax{}",
        if secure { "; Secure" } else { "" }
    )
}

/// The `Set-Cookie` value that makes the browser forget the token.
pub fn clear_cookie(secure: bool) -> String {
    set_cookie("", 0, secure)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_256_bit_and_unique() {
        let a = new_token();
        let b = new_token();
        assert_eq!(URL_SAFE_NO_PAD.decode(&a).expect("base64url").len(), 32);
        assert_ne!(a, b);
    }

    #[test]
    fn the_hash_is_stable_and_hides_the_token() {
        let token = new_token();
        assert_eq!(token_hash(&token), token_hash(&token));
        assert_eq!(token_hash(&token).len(), 64);
        assert!(!token_hash(&token).contains(&token));
    }

    #[test]
    fn cookie_flags() {
        let cookie = set_cookie("abc", 60, true);
        assert!(cookie.starts_with("aveli_session=abc;"));
        for flag in ["HttpOnly", "SameSite=Lax", "Secure", "Max-Age=60", "Path=/"] {
            assert!(cookie.contains(flag), "{flag} missing in {cookie}");
        }
        assert!(!set_cookie("abc", 60, false).contains("Secure"));
        assert!(clear_cookie(false).contains("Max-Age=0"));
    }
}

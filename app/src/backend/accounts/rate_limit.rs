//! Failed-login throttling, per account and per client IP. Attempts live in
//! the database, so every app instance sees the same counts (DESIGN §10).

use sqlx::Row;

use crate::backend::{new_id, Db};

/// The window over which failures count.
pub const WINDOW_SECS: i64 = 15 * 60;
/// Failures of one account within the window before it is locked.
pub const MAX_PER_ACCOUNT: i64 = 5;
/// Failures from one IP within the window (many accounts, one attacker).
pub const MAX_PER_IP: i64 = 30;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    Account,
    Ip,
}

impl Scope {
    fn as_str(self) -> &'static str {
        match self {
            Scope::Account => "account",
            Scope::Ip => "ip",
        }
    }

    fn limit(self) -> i64 {
        match self {
            Scope::Account => MAX_PER_ACCOUNT,
            Scope::Ip => MAX_PER_IP,
        }
    }
}

/// `Some(seconds)` to wait when the key has used up its failures, else `None`.
pub async fn retry_after(
    db: &Db,
    scope: Scope,
    key: &str,
    now: i64,
) -> Result<Option<i64>, sqlx::Error> {
    let since = now - WINDOW_SECS;
    let row = sqlx::query(
        "SELECT CAST(COUNT(*) AS BIGINT) AS failures, CAST(MIN(attempted_at) AS BIGINT) AS oldest \
         FROM login_attempts WHERE scope = $1 AND key = $2 AND attempted_at > $3",
    )
    .bind(scope.as_str())
    .bind(key)
    .bind(since)
    .fetch_one(db.pool())
    .await?;
    let failures: i64 = row.try_get("failures")?;
    let oldest: Option<i64> = row.try_get("oldest")?;
    Ok(match oldest {
        Some(oldest) if failures >= scope.limit() => Some((oldest + WINDOW_SECS - now).max(1)),
        _ => None,
    })
}

/// Records a failed login, and forgets failures too old to count.
pub async fn record_failure(db: &Db, scope: Scope, key: &str, now: i64) -> Result<(), sqlx::Error> {
    let at = now;
    sqlx::query("DELETE FROM login_attempts WHERE scope = $1 AND key = $2 AND attempted_at <= $3")
        .bind(scope.as_str())
        .bind(key)
        .bind(at - WINDOW_SECS)
        .execute(db.pool())
        .await?;
    sqlx::query(
        "INSERT INTO login_attempts (id, scope, key, attempted_at) VALUES ($1, $2, $3, $4)",
    )
    .bind(new_id())
    .bind(scope.as_str())
    .bind(key)
    .bind(at)
    .execute(db.pool())
    .await?;
    Ok(())
}

/// A successful login clears the account's failures (not the IP's).
pub async fn clear(db: &Db, scope: Scope, key: &str) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM login_attempts WHERE scope = $1 AND key = $2")
        .bind(scope.as_str())
        .bind(key)
        .execute(db.pool())
        .await?;
    Ok(())
}

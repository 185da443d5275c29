//! One-use links sent by email: a password reset, an email change and the
//! confirmation of a new account's address (`account_tokens`). The token is
//! random (256 bits) and only its SHA-256 is stored; a newer link of a kind
//! supersedes the user's older ones; a link works once and until it expires.

use sqlx::{Any, Row, Transaction};

use crate::backend::accounts::auth_session::{new_token, token_hash};
use crate::backend::state::Settings;

/// What a link is for (the `purpose` column).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    PasswordReset,
    EmailChange,
    EmailVerify,
}

impl Purpose {
    fn as_str(self) -> &'static str {
        match self {
            Purpose::PasswordReset => "password_reset",
            Purpose::EmailChange => "email_change",
            Purpose::EmailVerify => "email_verify",
        }
    }

    /// How long a link of the kind works. A reset and a change are 60
    /// minutes (the issue); confirming a new address may wait a day.
    pub fn lifetime_secs(self) -> i64 {
        match self {
            Purpose::PasswordReset | Purpose::EmailChange => 60 * 60,
            Purpose::EmailVerify => 24 * 60 * 60,
        }
    }

    /// The page the link opens, on the public URL, as the email carries it.
    pub fn url(self, settings: &Settings, token: &str) -> String {
        let path = match self {
            Purpose::PasswordReset => "/password/reset/",
            Purpose::EmailChange | Purpose::EmailVerify => "/email/confirm/",
        };
        format!("{}{path}{token}", settings.public_url)
    }
}

/// The outbox key of an email about one link (`kind:` + part of the
/// token's hash): the same link is never queued twice.
pub fn dedupe_key(kind: &str, token: &str) -> String {
    format!("{kind}:{}", &token_hash(token)[..32])
}

/// Issues a link for the user in the caller's transaction, retiring their
/// unused ones of the same kind, and returns the token (the only time it
/// exists outside the email).
pub async fn issue(
    tx: &mut Transaction<'_, Any>,
    user_id: &str,
    purpose: Purpose,
    new_email: Option<&str>,
    now: i64,
) -> Result<String, sqlx::Error> {
    sqlx::query("DELETE FROM account_tokens WHERE user_id = $1 AND purpose = $2")
        .bind(user_id)
        .bind(purpose.as_str())
        .execute(&mut **tx)
        .await?;
    let token = new_token();
    sqlx::query(
        "INSERT INTO account_tokens (token_hash, user_id, purpose, new_email, created_at, expires_at) \
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(token_hash(&token))
    .bind(user_id)
    .bind(purpose.as_str())
    .bind(new_email.map(str::to_owned))
    .bind(now)
    .bind(now + purpose.lifetime_secs())
    .execute(&mut **tx)
    .await?;
    Ok(token)
}

/// A used link: whose it was, and for an email change the new address.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Used {
    pub user_id: String,
    pub purpose: Purpose,
    pub new_email: Option<String>,
}

/// Uses a link of one of `purposes` in the caller's transaction: at most
/// once (the conditional update decides between two clicks), and only
/// before it expires. `None` for an unknown, used or expired link.
pub async fn consume(
    tx: &mut Transaction<'_, Any>,
    token: &str,
    purposes: &[Purpose],
    now: i64,
) -> Result<Option<Used>, sqlx::Error> {
    // The kinds are our own constants, never input: safe to write into the SQL.
    let kinds = purposes
        .iter()
        .map(|p| format!("'{}'", p.as_str()))
        .collect::<Vec<_>>()
        .join(", ");
    let row = sqlx::query(&format!(
        "UPDATE account_tokens SET used_at = $2 \
         WHERE token_hash = $1 AND used_at IS NULL AND expires_at > $2 AND purpose IN ({kinds}) \
         RETURNING user_id, purpose, new_email"
    ))
    .bind(token_hash(token))
    .bind(now)
    .fetch_optional(&mut **tx)
    .await?;
    let Some(row) = row else { return Ok(None) };
    let purpose = match row.try_get::<String, _>("purpose")?.as_str() {
        "password_reset" => Purpose::PasswordReset,
        "email_change" => Purpose::EmailChange,
        _ => Purpose::EmailVerify,
    };
    Ok(Some(Used {
        user_id: row.try_get("user_id")?,
        purpose,
        new_email: row.try_get("new_email")?,
    }))
}

/// Drops every link of the user (an account deletion).
pub async fn drop_all(tx: &mut Transaction<'_, Any>, user_id: &str) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM account_tokens WHERE user_id = $1")
        .bind(user_id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

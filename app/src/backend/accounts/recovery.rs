//! A forgotten password: `/password/forgot` emails a one-use link (60
//! minutes; a newer one supersedes it) and `/password/reset/{token}` sets a
//! new password, signs out every session of the account and signs this
//! browser in.
//!
//! The request reveals nothing: the answer is the same whether or not the
//! address has an account, and so is its time, because the lookup and the
//! email happen after the answer (a task of their own). Requests are
//! limited per address and per client IP, as logins are.

use sqlx::Row;

use crate::backend::accounts::email_links::{self, dedupe_key, Purpose};
use crate::backend::accounts::password;
use crate::backend::accounts::rate_limit::{self, Scope};
use crate::backend::accounts::users::{start_session, AccountError, LoggedIn};
use crate::backend::mail::account_emails::{account_email, AccountMail};
use crate::backend::mail::outbox;
use crate::backend::{AppState, RequestContext};
use crate::model::{Locale, Password};

/// The limiter's keys: apart from the login failures of the same address.
fn limit_keys(email: &str, ctx: &RequestContext) -> (String, Option<String>) {
    (
        format!("reset:{email}"),
        ctx.client_ip.map(|ip| format!("reset:{ip}")),
    )
}

/// "Forgot your password?": queues the link when the address has an
/// account, and answers the same either way.
pub async fn forgot(
    state: &AppState,
    ctx: &RequestContext,
    email: &str,
) -> Result<(), AccountError> {
    let email = email.trim().to_lowercase();
    let now = state.clock.now();
    let (account_key, ip_key) = limit_keys(&email, ctx);
    let mut keys = vec![(Scope::Account, account_key)];
    keys.extend(ip_key.map(|key| (Scope::Ip, key)));
    for (scope, key) in &keys {
        if let Some(wait) = rate_limit::retry_after(&state.db, *scope, key, now).await? {
            return Err(AccountError::TooManyRequests {
                retry_after_secs: wait,
            });
        }
    }
    for (scope, key) in &keys {
        rate_limit::record_failure(&state.db, *scope, key, now).await?;
    }
    let state = state.clone();
    tokio::spawn(async move {
        if let Err(err) = send_link(&state, &email).await {
            tracing::error!(error = %err, "password reset: the link was not queued");
        }
    });
    Ok(())
}

async fn send_link(state: &AppState, email: &str) -> Result<(), sqlx::Error> {
    let row = sqlx::query(
        "SELECT id, display_name, locale FROM users WHERE email = $1 AND deleted_at IS NULL",
    )
    .bind(email)
    .fetch_optional(state.db.pool())
    .await?;
    let Some(row) = row else { return Ok(()) };
    let user_id: String = row.try_get("id")?;
    let name: String = row.try_get("display_name")?;
    let locale = Locale::parse(&row.try_get::<String, _>("locale")?).unwrap_or_default();
    let now = state.clock.now();
    let mut tx = state.db.pool().begin().await?;
    let token = email_links::issue(&mut tx, &user_id, Purpose::PasswordReset, None, now).await?;
    let url = Purpose::PasswordReset.url(&state.settings, &token);
    let mail = account_email(
        AccountMail::PasswordReset,
        locale,
        email,
        &name,
        Some(&url),
        dedupe_key("password_reset", &token),
    );
    outbox::enqueue(&mut tx, &mail, now).await?;
    tx.commit().await?;
    tracing::info!(user_id = %user_id, "password reset link queued");
    Ok(())
}

/// Sets a new password with a reset link: the link is used up, every
/// session of the account ends, and this browser is signed in afresh.
/// A password the rules refuse leaves the link unused.
pub async fn reset(
    state: &AppState,
    ctx: &RequestContext,
    token: &str,
    new_password: &str,
) -> Result<LoggedIn, AccountError> {
    let new_password = Password::parse(new_password)?;
    let hash = password::hash(&new_password).await?;
    let now = state.clock.now();
    let mut tx = state.db.pool().begin().await?;
    let used = email_links::consume(&mut tx, token, &[Purpose::PasswordReset], now)
        .await?
        .ok_or(AccountError::LinkInvalid)?;
    let row = sqlx::query(
        "UPDATE users SET password_hash = $1, updated_at = $2 \
         WHERE id = $3 AND deleted_at IS NULL RETURNING email",
    )
    .bind(&hash)
    .bind(now)
    .bind(&used.user_id)
    .fetch_optional(&mut *tx)
    .await?
    .ok_or(AccountError::LinkInvalid)?;
    let email: String = row.try_get("email")?;
    sqlx::query("DELETE FROM auth_sessions WHERE user_id = $1")
        .bind(&used.user_id)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    // Whoever reset the password may log in again at once.
    rate_limit::clear(&state.db, Scope::Account, &email).await?;
    tracing::info!(user_id = %used.user_id, "password reset; every session ended");
    start_session(state, ctx, &used.user_id).await
}

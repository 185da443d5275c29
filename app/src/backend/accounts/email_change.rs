//! The account's email address: confirming it (a new account is sent a
//! link; not a gate, booking works without it), and changing it (the new
//! address gets a link and the change happens only when it is clicked; the
//! old address gets a notice without one). Both links are confirmed by
//! [`confirm`] (through `membership::customers::confirm_email`, which also
//! updates the Stripe Customer). The database's unique constraint on `users.email` decides
//! between two accounts racing for one address.

use sqlx::{Any, Row, Transaction};

use crate::backend::accounts::email_links::{self, dedupe_key, Purpose};
use crate::backend::accounts::rate_limit::{self, Scope};
use crate::backend::accounts::users::{require_user, verify_password, AccountError};
use crate::backend::mail::account_emails::{account_email, AccountMail};
use crate::backend::mail::outbox;
use crate::backend::{db, AppState, RequestContext};
use crate::model::{Email, Locale};

/// Queues the link that confirms `email` for the user, in the caller's
/// transaction (the sign-up's, or a "send again").
pub async fn queue_verification(
    state: &AppState,
    tx: &mut Transaction<'_, Any>,
    user_id: &str,
    email: &str,
    name: &str,
    locale: Locale,
) -> Result<(), sqlx::Error> {
    let now = state.clock.now();
    let token = email_links::issue(tx, user_id, Purpose::EmailVerify, None, now).await?;
    let mail = account_email(
        AccountMail::EmailVerify,
        locale,
        email,
        name,
        Some(&Purpose::EmailVerify.url(&state.settings, &token)),
        dedupe_key("email_verify", &token),
    );
    outbox::enqueue(tx, &mail, now).await?;
    Ok(())
}

/// Whether the user's address is confirmed.
pub async fn is_verified(state: &AppState, user_id: &str) -> Result<bool, AccountError> {
    let row = sqlx::query("SELECT email_verified_at FROM users WHERE id = $1")
        .bind(user_id)
        .fetch_one(state.db.pool())
        .await?;
    Ok(row
        .try_get::<Option<i64>, _>("email_verified_at")?
        .is_some())
}

/// "Send again": a new confirmation link (the older one stops working).
/// Nothing is sent for an address already confirmed. Limited like logins,
/// per account, so the button cannot be used to flood a mailbox.
pub async fn resend_verification(
    state: &AppState,
    ctx: &RequestContext,
) -> Result<(), AccountError> {
    let user = require_user(state, ctx).await?;
    if is_verified(state, &user.id).await? {
        return Ok(());
    }
    let key = format!("verify:{}", user.id);
    let now = state.clock.now();
    if let Some(wait) = rate_limit::retry_after(&state.db, Scope::Account, &key, now).await? {
        return Err(AccountError::TooManyRequests {
            retry_after_secs: wait,
        });
    }
    rate_limit::record_failure(&state.db, Scope::Account, &key, now).await?;
    let mut tx = state.db.pool().begin().await?;
    queue_verification(
        state,
        &mut tx,
        &user.id,
        &user.email,
        &user.display_name,
        user.locale,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Asks to move the account to `new_email`, proven by the password: a link
/// to the new address, a notice to the old one. The change itself happens
/// in [`confirm`].
pub async fn request_change(
    state: &AppState,
    ctx: &RequestContext,
    new_email: &str,
    password: &str,
) -> Result<(), AccountError> {
    let user = require_user(state, ctx).await?;
    let email = Email::parse(new_email)?;
    verify_password(state, &user, password).await?;
    // A clear answer now for an address in use; the unique constraint still
    // decides at confirmation, when it may have been taken since.
    let taken = sqlx::query("SELECT 1 AS one FROM users WHERE email = $1")
        .bind(email.as_str())
        .fetch_optional(state.db.pool())
        .await?
        .is_some();
    if taken {
        return Err(AccountError::EmailTaken);
    }
    let now = state.clock.now();
    let mut tx = state.db.pool().begin().await?;
    let token = email_links::issue(
        &mut tx,
        &user.id,
        Purpose::EmailChange,
        Some(email.as_str()),
        now,
    )
    .await?;
    let confirm = account_email(
        AccountMail::EmailChangeConfirm,
        user.locale,
        email.as_str(),
        &user.display_name,
        Some(&Purpose::EmailChange.url(&state.settings, &token)),
        dedupe_key("email_change", &token),
    );
    let notice = account_email(
        AccountMail::EmailChangeNotice,
        user.locale,
        &user.email,
        &user.display_name,
        None,
        dedupe_key("email_change_notice", &token),
    );
    outbox::enqueue(&mut tx, &confirm, now).await?;
    outbox::enqueue(&mut tx, &notice, now).await?;
    tx.commit().await?;
    tracing::info!(user_id = %user.id, "email change requested");
    Ok(())
}

pub use crate::model::account::EmailConfirmed as Confirmed;

/// A used confirmation link: what it did, for whom, and the user's Stripe
/// Customer (if any), whose copy of the address the caller brings up to
/// date (`membership::customers`: accounts does not call payments).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfirmedLink {
    pub outcome: Confirmed,
    pub user_id: String,
    pub stripe_customer: Option<String>,
}

/// Uses a confirmation link (a new account's or an email change's). Works
/// without signing in: it is clicked from the mailbox.
pub async fn confirm(state: &AppState, token: &str) -> Result<ConfirmedLink, AccountError> {
    let now = state.clock.now();
    let mut tx = state.db.pool().begin().await?;
    let used = email_links::consume(
        &mut tx,
        token,
        &[Purpose::EmailChange, Purpose::EmailVerify],
        now,
    )
    .await?
    .ok_or(AccountError::LinkInvalid)?;
    let outcome = match (used.purpose, used.new_email) {
        (Purpose::EmailChange, Some(new_email)) => {
            let changed = sqlx::query(
                "UPDATE users SET email = $1, email_verified_at = $2, updated_at = $2 \
                 WHERE id = $3 AND deleted_at IS NULL",
            )
            .bind(&new_email)
            .bind(now)
            .bind(&used.user_id)
            .execute(&mut *tx)
            .await;
            match changed {
                Ok(done) if done.rows_affected() == 1 => Confirmed::Changed { email: new_email },
                Ok(_) => return Err(AccountError::LinkInvalid),
                // Dropping the transaction rolls back: the link stays unused.
                Err(err) if db::is_unique_violation(&err) => return Err(AccountError::EmailTaken),
                Err(err) => return Err(err.into()),
            }
        }
        _ => {
            sqlx::query(
                "UPDATE users SET email_verified_at = COALESCE(email_verified_at, $1) \
                 WHERE id = $2 AND deleted_at IS NULL",
            )
            .bind(now)
            .bind(&used.user_id)
            .execute(&mut *tx)
            .await?;
            Confirmed::Verified
        }
    };
    let stripe_customer: Option<String> =
        sqlx::query("SELECT stripe_customer_id FROM users WHERE id = $1")
            .bind(&used.user_id)
            .fetch_one(&mut *tx)
            .await?
            .try_get("stripe_customer_id")?;
    tx.commit().await?;
    tracing::info!(user_id = %used.user_id, ?outcome, "email link confirmed");
    Ok(ConfirmedLink {
        outcome,
        user_id: used.user_id,
        stripe_customer,
    })
}

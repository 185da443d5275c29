//! Deleting one's own account, proven by the password and a typed word
//! ("RADERA" or "DELETE").
//!
//! It is refused while something still depends on the person: a booked
//! seat on a slot that has not started (cancel it first, under the usual
//! policy), a membership that renews, or, as a teacher, a slot that has not
//! started and has sold seats. Otherwise the row stays for the orders that
//! point at it (bookkeeping; the schema RESTRICTs their deletion) but the
//! person is gone from it: a unique tombstone address (so the address can
//! sign up afresh), "Borttagen användare" / "Deleted user", a password
//! nobody knows; every session, link and feed token is dropped, their sent
//! emails are forgotten, a teacher's sessions and courses are unpublished,
//! and a goodbye goes to the old address. The Stripe Customer id is kept,
//! for the bookkeeping of the orders alone.

use sqlx::{Any, Transaction};

use crate::backend::accounts::auth_session::new_token;
use crate::backend::accounts::email_links;
use crate::backend::accounts::password;
use crate::backend::accounts::users::{require_user, verify_password, AccountError, DeleteBlock};
use crate::backend::mail::account_emails::{account_email, AccountMail};
use crate::backend::mail::outbox;
use crate::backend::{AppState, RequestContext};
use crate::model::{Locale, Password};

/// The words that confirm a deletion, in either language.
pub const CONFIRM_WORDS: [&str; 2] = ["RADERA", "DELETE"];

/// The name a deleted account keeps.
pub fn deleted_name(locale: Locale) -> &'static str {
    match locale {
        Locale::Sv => "Borttagen användare",
        Locale::En => "Deleted user",
    }
}

/// Deletes the signed-in user's account.
pub async fn delete_account(
    state: &AppState,
    ctx: &RequestContext,
    password: &str,
    confirm: &str,
) -> Result<(), AccountError> {
    let user = require_user(state, ctx).await?;
    if !CONFIRM_WORDS.contains(&confirm.trim()) {
        return Err(AccountError::DeleteNotConfirmed);
    }
    verify_password(state, &user, password).await?;
    // A password nobody knows: the hash of a random 256-bit token, thrown away.
    let unusable = Password::parse(&new_token())?;
    let unusable_hash = password::hash(&unusable).await?;
    let now = state.clock.now();

    // One write transaction: the checks and the anonymising see the same
    // state (BEGIN IMMEDIATE on SQLite), so no booking slips in between.
    let mut tx = state.db.begin_write().await?;
    if let Some(block) = blocker(&mut tx, &user.id, now).await? {
        return Err(AccountError::DeleteBlocked(block));
    }
    let tombstone = format!("deleted-{}@deleted.invalid", user.id.to_lowercase());
    sqlx::query(
        "UPDATE users SET email = $1, display_name = $2, password_hash = $3, deleted_at = $4, \
         updated_at = $4, email_verified_at = NULL, calendar_feed_hash = NULL, is_admin = 0 \
         WHERE id = $5",
    )
    .bind(&tombstone)
    .bind(deleted_name(user.locale))
    .bind(&unusable_hash)
    .bind(now)
    .bind(&user.id)
    .execute(&mut *tx)
    .await?;
    sqlx::query("DELETE FROM auth_sessions WHERE user_id = $1")
        .bind(&user.id)
        .execute(&mut *tx)
        .await?;
    email_links::drop_all(&mut tx, &user.id).await?;
    for table in ["sessions", "courses"] {
        sqlx::query(&format!(
            "UPDATE {table} SET visibility = 'draft', updated_at = $1 \
             WHERE teacher_id IN (SELECT id FROM teachers WHERE user_id = $2)"
        ))
        .bind(now)
        .bind(&user.id)
        .execute(&mut *tx)
        .await?;
    }
    sqlx::query("DELETE FROM outbox WHERE recipient = $1 AND sent_at IS NOT NULL")
        .bind(&user.email)
        .execute(&mut *tx)
        .await?;
    let goodbye = account_email(
        AccountMail::AccountDeleted,
        user.locale,
        &user.email,
        &user.display_name,
        None,
        format!("account_deleted:{}", user.id),
    );
    outbox::enqueue(&mut tx, &goodbye, now).await?;
    tx.commit().await?;
    tracing::info!(user_id = %user.id, "account deleted (anonymised)");
    Ok(())
}

/// The first thing that keeps the account from going, if any.
async fn blocker(
    tx: &mut Transaction<'_, Any>,
    user_id: &str,
    now: i64,
) -> Result<Option<DeleteBlock>, sqlx::Error> {
    let booking = sqlx::query(
        "SELECT 1 AS one FROM orders o JOIN session_slots sl ON sl.id = o.slot_id \
         WHERE o.user_id = $1 AND o.hold_active = 1 AND o.status = 'paid' \
         AND sl.status = 'scheduled' AND sl.end_at > $2 LIMIT 1",
    )
    .bind(user_id)
    .bind(now)
    .fetch_optional(&mut **tx)
    .await?;
    if booking.is_some() {
        return Ok(Some(DeleteBlock::UpcomingBooking));
    }
    let membership = sqlx::query(
        "SELECT 1 AS one FROM memberships WHERE user_id = $1 \
         AND status IN ('active', 'trialing', 'past_due') AND cancel_at_period_end = 0",
    )
    .bind(user_id)
    .fetch_optional(&mut **tx)
    .await?;
    if membership.is_some() {
        return Ok(Some(DeleteBlock::ActiveMembership));
    }
    let sold = sqlx::query(
        "SELECT 1 AS one FROM session_slots sl JOIN sessions s ON s.id = sl.session_id \
         JOIN teachers t ON t.id = s.teacher_id \
         WHERE t.user_id = $1 AND sl.status = 'scheduled' AND sl.end_at > $2 \
         AND sl.seats_taken > 0 LIMIT 1",
    )
    .bind(user_id)
    .bind(now)
    .fetch_optional(&mut **tx)
    .await?;
    Ok(sold.map(|_| DeleteBlock::SoldSlots))
}

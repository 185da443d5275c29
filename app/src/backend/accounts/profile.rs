//! What a person changes about their own account: the password (proven by
//! the current one; every other session ends, this one stays), and the
//! profile: name, language and time zone.

use crate::backend::accounts::auth_session::token_hash;
use crate::backend::accounts::password;
use crate::backend::accounts::users::{require_user, verify_password, AccountError};
use crate::backend::{AppState, RequestContext};
use crate::model::account::TimeZoneName;
use crate::model::{DisplayName, Locale, Password, User};

/// Changes the password and signs out every other session of the account.
pub async fn change_password(
    state: &AppState,
    ctx: &RequestContext,
    current_password: &str,
    new_password: &str,
) -> Result<(), AccountError> {
    let user = require_user(state, ctx).await?;
    let new_password = Password::parse(new_password)?;
    verify_password(state, &user, current_password).await?;
    let hash = password::hash(&new_password).await?;
    let this_session = ctx.token.as_deref().map(token_hash).unwrap_or_default();
    let mut tx = state.db.pool().begin().await?;
    sqlx::query("UPDATE users SET password_hash = $1, updated_at = $2 WHERE id = $3")
        .bind(&hash)
        .bind(state.clock.now())
        .bind(&user.id)
        .execute(&mut *tx)
        .await?;
    let ended = sqlx::query("DELETE FROM auth_sessions WHERE user_id = $1 AND token_hash <> $2")
        .bind(&user.id)
        .bind(&this_session)
        .execute(&mut *tx)
        .await?
        .rows_affected();
    tx.commit().await?;
    tracing::info!(user_id = %user.id, other_sessions_ended = ended, "password changed");
    Ok(())
}

/// A change of the profile: each field that is `Some` is set.
#[derive(Debug, Clone, Default)]
pub struct ProfileChange<'a> {
    pub display_name: Option<&'a str>,
    pub locale: Option<Locale>,
    pub time_zone: Option<&'a str>,
}

/// Applies a profile change (all of it or, on a refused field, none of it)
/// and returns the user as they now are.
pub async fn update(
    state: &AppState,
    ctx: &RequestContext,
    change: ProfileChange<'_>,
) -> Result<User, AccountError> {
    let user = require_user(state, ctx).await?;
    let name = change.display_name.map(DisplayName::parse).transpose()?;
    let zone = change.time_zone.map(TimeZoneName::parse).transpose()?;
    sqlx::query(
        "UPDATE users SET display_name = COALESCE($1, display_name), \
         locale = COALESCE($2, locale), time_zone = COALESCE($3, time_zone), updated_at = $4 \
         WHERE id = $5",
    )
    .bind(name.as_ref().map(|n| n.as_str().to_owned()))
    .bind(change.locale.map(|l| l.code().to_owned()))
    .bind(zone.as_ref().map(|z| z.as_str().to_owned()))
    .bind(state.clock.now())
    .bind(&user.id)
    .execute(state.db.pool())
    .await?;
    Ok(User {
        display_name: name.map_or(user.display_name, |n| n.as_str().to_owned()),
        locale: change.locale.unwrap_or(user.locale),
        time_zone: zone.map_or(user.time_zone, |z| z.as_str().to_owned()),
        ..user
    })
}

//! Accounts: sign up, log in, log out, who am I, become a teacher, admin.

use anyhow::Context;
use sqlx::Row;

use crate::backend::accounts::rate_limit::{self, Scope};
use crate::backend::{
    accounts::auth_session, accounts::email_change, accounts::password, db, error, new_id,
    AppState, Db, RequestContext,
};
use crate::i18n::strings;
use crate::model::account::TimeZoneName;
use crate::model::account::ValidationError;
use crate::model::calendar::DEFAULT_TIME_ZONE;
use crate::model::{AppError, DisplayName, Email, ErrorCode, Locale, Password, User};

#[derive(Debug, thiserror::Error)]
pub enum AccountError {
    #[error(transparent)]
    Invalid(#[from] ValidationError),
    #[error("email already registered")]
    EmailTaken,
    #[error("wrong email or password")]
    WrongCredentials,
    #[error("too many failed logins, retry in {retry_after_secs}s")]
    RateLimited { retry_after_secs: i64 },
    #[error("not signed in")]
    Unauthorized,
    #[error("no user with that email")]
    NoSuchUser,
    #[error("not a teacher")]
    NotTeacher,
    #[error("no such device")]
    NoSuchDevice,
    #[error("the current password is wrong")]
    WrongPassword,
    #[error("the link is unknown, used or expired")]
    LinkInvalid,
    #[error("too many requests, retry in {retry_after_secs}s")]
    TooManyRequests { retry_after_secs: i64 },
    #[error("the deletion was not confirmed")]
    DeleteNotConfirmed,
    #[error("the account cannot be deleted yet: {0:?}")]
    DeleteBlocked(DeleteBlock),
    #[error(transparent)]
    Unexpected(#[from] anyhow::Error),
}

impl From<sqlx::Error> for AccountError {
    fn from(err: sqlx::Error) -> Self {
        AccountError::Unexpected(anyhow::Error::new(err).context("database"))
    }
}

impl AccountError {
    /// The error as the user sees it, in their language.
    pub fn to_app_error(&self, locale: Locale) -> AppError {
        let s = strings(locale);
        match self {
            AccountError::Invalid(v) => v.into_app_error(locale),
            AccountError::EmailTaken => AppError::new(ErrorCode::EmailTaken, s.err_email_taken),
            AccountError::WrongCredentials => {
                AppError::new(ErrorCode::InvalidCredentials, s.err_wrong_credentials)
            }
            AccountError::RateLimited { retry_after_secs } => {
                AppError::new(ErrorCode::RateLimited, s.err_rate_limited)
                    .with_retry_after(*retry_after_secs)
            }
            AccountError::Unauthorized => {
                AppError::new(ErrorCode::Unauthorized, s.err_unauthorized)
            }
            AccountError::NoSuchUser => AppError::new(ErrorCode::NotFound, s.err_not_found),
            AccountError::NotTeacher => AppError::new(ErrorCode::Forbidden, s.err_not_teacher),
            AccountError::NoSuchDevice => AppError::new(ErrorCode::NotFound, s.err_not_found),
            AccountError::WrongPassword => {
                AppError::new(ErrorCode::Forbidden, s.err_wrong_password)
            }
            AccountError::LinkInvalid => AppError::new(ErrorCode::NotFound, s.err_link_invalid),
            AccountError::TooManyRequests { retry_after_secs } => {
                AppError::new(ErrorCode::RateLimited, s.err_too_many_requests)
                    .with_retry_after(*retry_after_secs)
            }
            AccountError::DeleteNotConfirmed => {
                AppError::new(ErrorCode::Validation, s.err_delete_confirm)
            }
            AccountError::DeleteBlocked(block) => AppError::new(
                ErrorCode::Conflict,
                match block {
                    DeleteBlock::UpcomingBooking => s.err_delete_booking,
                    DeleteBlock::ActiveMembership => s.err_delete_membership,
                    DeleteBlock::SoldSlots => s.err_delete_sold_slots,
                },
            ),
            AccountError::Unexpected(err) => error::internal(err, locale),
        }
    }
}

/// What keeps an account from being deleted now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeleteBlock {
    /// A paid seat on a slot that has not started: cancel it first.
    UpcomingBooking,
    /// A membership that renews: cancel it first.
    ActiveMembership,
    /// As a teacher, a slot that has not started and has sold seats.
    SoldSlots,
}

/// A started session: the token for the client and who it belongs to.
#[derive(Debug, Clone)]
pub struct LoggedIn {
    pub token: String,
    pub user: User,
    pub expires_in_secs: i64,
}

/// Creates an account, sends the link that confirms its address, and logs
/// it in. `time_zone` is the browser's; an unknown one falls back to
/// Stockholm rather than refusing the sign-up.
pub async fn signup(
    state: &AppState,
    ctx: &RequestContext,
    email: &str,
    display_name: &str,
    password: &str,
    time_zone: Option<&str>,
) -> Result<LoggedIn, AccountError> {
    let email = Email::parse(email)?;
    let display_name = DisplayName::parse(display_name)?;
    let password = Password::parse(password)?;
    let time_zone = time_zone
        .and_then(|tz| TimeZoneName::parse(tz).ok())
        .map_or_else(
            || DEFAULT_TIME_ZONE.name().to_owned(),
            |tz| tz.as_str().to_owned(),
        );
    let hash = password::hash(&password).await?;
    let id = new_id();
    let at = state.clock.now();
    let mut tx = state.db.pool().begin().await?;
    let inserted = sqlx::query(
        "INSERT INTO users (id, email, password_hash, display_name, locale, time_zone, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $7)",
    )
    .bind(&id)
    .bind(email.as_str())
    .bind(&hash)
    .bind(display_name.as_str())
    .bind(ctx.locale.code())
    .bind(&time_zone)
    .bind(at)
    .execute(&mut *tx)
    .await;
    match inserted {
        Ok(_) => {}
        Err(err) if db::is_unique_violation(&err) => return Err(AccountError::EmailTaken),
        Err(err) => return Err(err.into()),
    }
    email_change::queue_verification(
        state,
        &mut tx,
        &id,
        email.as_str(),
        display_name.as_str(),
        ctx.locale,
    )
    .await?;
    tx.commit().await?;
    tracing::info!(user_id = %id, "account created");
    start_session(state, ctx, &id).await
}

/// Logs in with email and password, within the failed-login limits.
pub async fn login(
    state: &AppState,
    ctx: &RequestContext,
    email: &str,
    password: &str,
) -> Result<LoggedIn, AccountError> {
    let db = &state.db;
    let account_key = email.trim().to_lowercase();
    let ip_key = ctx.client_ip.map(|ip| ip.to_string());
    if let Some(wait) =
        rate_limit::retry_after(db, Scope::Account, &account_key, state.clock.now()).await?
    {
        return Err(AccountError::RateLimited {
            retry_after_secs: wait,
        });
    }
    if let Some(ip) = &ip_key {
        if let Some(wait) = rate_limit::retry_after(db, Scope::Ip, ip, state.clock.now()).await? {
            return Err(AccountError::RateLimited {
                retry_after_secs: wait,
            });
        }
    }

    let row = sqlx::query("SELECT id, password_hash FROM users WHERE email = $1")
        .bind(&account_key)
        .fetch_optional(db.pool())
        .await?;
    let (user_id, stored) = match row {
        Some(row) => (
            Some(row.try_get::<String, _>("id")?),
            Some(row.try_get::<String, _>("password_hash")?),
        ),
        None => (None, None),
    };
    let valid = password::verify(password, stored).await?;
    match user_id {
        Some(user_id) if valid => {
            rate_limit::clear(db, Scope::Account, &account_key).await?;
            start_session(state, ctx, &user_id).await
        }
        _ => {
            rate_limit::record_failure(db, Scope::Account, &account_key, state.clock.now()).await?;
            if let Some(ip) = &ip_key {
                rate_limit::record_failure(db, Scope::Ip, ip, state.clock.now()).await?;
            }
            tracing::info!("failed login");
            Err(AccountError::WrongCredentials)
        }
    }
}

/// Starts a login session on the request's device.
pub(crate) async fn start_session(
    state: &AppState,
    ctx: &RequestContext,
    user_id: &str,
) -> Result<LoggedIn, AccountError> {
    let ttl = state.settings.session_ttl_secs;
    let token = auth_session::create_on_device(
        &state.db,
        user_id,
        ttl,
        state.clock.now(),
        ctx.user_agent.as_deref(),
    )
    .await?;
    let user = auth_session::user_for_token(&state.db, &token, state.clock.now())
        .await?
        .context("the session just created is missing")?;
    Ok(LoggedIn {
        token,
        user,
        expires_in_secs: ttl,
    })
}

/// Checks the signed-in user's password before a change that needs it
/// (password, email, deletion). Wrong guesses count against the account
/// like failed logins, so a stolen session cannot be used to guess it.
pub async fn verify_password(
    state: &AppState,
    user: &User,
    password: &str,
) -> Result<(), AccountError> {
    let db = &state.db;
    let now = state.clock.now();
    if let Some(wait) = rate_limit::retry_after(db, Scope::Account, &user.email, now).await? {
        return Err(AccountError::RateLimited {
            retry_after_secs: wait,
        });
    }
    let stored: String = sqlx::query("SELECT password_hash FROM users WHERE id = $1")
        .bind(&user.id)
        .fetch_one(db.pool())
        .await?
        .try_get("password_hash")?;
    if password::verify(password, Some(stored)).await? {
        Ok(())
    } else {
        rate_limit::record_failure(db, Scope::Account, &user.email, now).await?;
        Err(AccountError::WrongPassword)
    }
}

/// Ends the request's session, if it has one.
pub async fn logout(state: &AppState, ctx: &RequestContext) -> Result<(), AccountError> {
    if let Some(token) = &ctx.token {
        auth_session::revoke(&state.db, token).await?;
    }
    Ok(())
}

/// The signed-in user, or `None` for a visitor.
pub async fn current_user(
    state: &AppState,
    ctx: &RequestContext,
) -> Result<Option<User>, AccountError> {
    match &ctx.token {
        Some(token) => Ok(auth_session::user_for_token(&state.db, token, state.clock.now()).await?),
        None => Ok(None),
    }
}

/// The signed-in user, or `Unauthorized`.
pub async fn require_user(state: &AppState, ctx: &RequestContext) -> Result<User, AccountError> {
    current_user(state, ctx)
        .await?
        .ok_or(AccountError::Unauthorized)
}

/// Makes the signed-in user a teacher (idempotent: one teacher row per user).
pub async fn become_teacher(state: &AppState, ctx: &RequestContext) -> Result<User, AccountError> {
    let user = require_user(state, ctx).await?;
    let at = state.clock.now();
    sqlx::query(
        "INSERT INTO teachers (id, user_id, created_at, updated_at) VALUES ($1, $2, $3, $3) \
         ON CONFLICT (user_id) DO NOTHING",
    )
    .bind(new_id())
    .bind(&user.id)
    .bind(at)
    .execute(state.db.pool())
    .await?;
    Ok(User {
        is_teacher: true,
        ..user
    })
}

/// Remembers the interface language on the account of a signed-in user.
pub async fn set_locale(
    state: &AppState,
    ctx: &RequestContext,
    locale: Locale,
) -> Result<(), AccountError> {
    if let Some(user) = current_user(state, ctx).await? {
        sqlx::query("UPDATE users SET locale = $1, updated_at = $2 WHERE id = $3")
            .bind(locale.code())
            .bind(state.clock.now())
            .bind(&user.id)
            .execute(state.db.pool())
            .await?;
    }
    Ok(())
}

/// Sets or clears the admin flag (the `server admin grant|revoke EMAIL` command).
pub async fn set_admin(db: &Db, email: &str, admin: bool, now: i64) -> Result<(), AccountError> {
    let email = Email::parse(email)?;
    let done = sqlx::query("UPDATE users SET is_admin = $1, updated_at = $2 WHERE email = $3")
        .bind(i64::from(admin))
        .bind(now)
        .bind(email.as_str())
        .execute(db.pool())
        .await?;
    if done.rows_affected() == 0 {
        return Err(AccountError::NoSuchUser);
    }
    Ok(())
}

//! Accounts: sign up, log in, log out, who am I, become a teacher, admin.

use anyhow::Context;
use sqlx::Row;

use crate::backend::accounts::rate_limit::{self, Scope};
use crate::backend::{
    accounts::auth_session, accounts::password, db, error, new_id, AppState, Db, RequestContext,
};
use crate::i18n::strings;
use crate::model::account::ValidationError;
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
            AccountError::Unexpected(err) => error::internal(err, locale),
        }
    }
}

/// A started session: the token for the client and who it belongs to.
#[derive(Debug, Clone)]
pub struct LoggedIn {
    pub token: String,
    pub user: User,
    pub expires_in_secs: i64,
}

/// Creates an account and logs it in.
pub async fn signup(
    state: &AppState,
    ctx: &RequestContext,
    email: &str,
    display_name: &str,
    password: &str,
) -> Result<LoggedIn, AccountError> {
    let email = Email::parse(email)?;
    let display_name = DisplayName::parse(display_name)?;
    let password = Password::parse(password)?;
    let hash = password::hash(&password).await?;
    let id = new_id();
    let at = state.clock.now();
    let inserted = sqlx::query(
        "INSERT INTO users (id, email, password_hash, display_name, locale, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $6)",
    )
    .bind(&id)
    .bind(email.as_str())
    .bind(&hash)
    .bind(display_name.as_str())
    .bind(ctx.locale.code())
    .bind(at)
    .execute(state.db.pool())
    .await;
    match inserted {
        Ok(_) => {}
        Err(err) if db::is_unique_violation(&err) => return Err(AccountError::EmailTaken),
        Err(err) => return Err(err.into()),
    }
    tracing::info!(user_id = %id, "account created");
    start_session(state, &id).await
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
            start_session(state, &user_id).await
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

async fn start_session(state: &AppState, user_id: &str) -> Result<LoggedIn, AccountError> {
    let ttl = state.settings.session_ttl_secs;
    let token = auth_session::create(&state.db, user_id, ttl, state.clock.now()).await?;
    let user = auth_session::user_for_token(&state.db, &token, state.clock.now())
        .await?
        .context("the session just created is missing")?;
    Ok(LoggedIn {
        token,
        user,
        expires_in_secs: ttl,
    })
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

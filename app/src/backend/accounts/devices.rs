//! The account's devices: its login sessions, each with when it started,
//! when it was last used and what browser and system it is ("Firefox 128 ·
//! Linux", read from the User-Agent by the woothee crate). Each can be
//! signed out, or all but the current one.

use sqlx::Row;

use crate::backend::accounts::auth_session::token_hash;
use crate::backend::accounts::users::{require_user, AccountError};
use crate::backend::{AppState, RequestContext};
use crate::i18n::strings;
use crate::model::account::Device;
use crate::model::{Locale, User};

/// The signed-in user's live sessions, the most recently used first.
pub async fn list(state: &AppState, ctx: &RequestContext) -> Result<Vec<Device>, AccountError> {
    let user = require_user(state, ctx).await?;
    of_user(state, ctx, &user).await
}

/// [`list`] for a user the caller has looked up already (with the request
/// that says which session is the current one).
pub async fn of_user(
    state: &AppState,
    ctx: &RequestContext,
    user: &User,
) -> Result<Vec<Device>, AccountError> {
    let this_session = ctx.token.as_deref().map(token_hash).unwrap_or_default();
    let rows = sqlx::query(
        "SELECT device_id, token_hash, user_agent, created_at, last_used_at FROM auth_sessions \
         WHERE user_id = $1 AND expires_at > $2 AND device_id IS NOT NULL \
         ORDER BY last_used_at DESC, created_at DESC",
    )
    .bind(&user.id)
    .bind(state.clock.now())
    .fetch_all(state.db.pool())
    .await?;
    rows.iter()
        .map(|row| {
            let created_at: i64 = row.try_get("created_at")?;
            let user_agent: Option<String> = row.try_get("user_agent")?;
            Ok(Device {
                id: row.try_get("device_id")?,
                created_at,
                last_used_at: row
                    .try_get::<Option<i64>, _>("last_used_at")?
                    .unwrap_or(created_at),
                summary: summary(user_agent.as_deref(), ctx.locale),
                current: row.try_get::<String, _>("token_hash")? == this_session,
            })
        })
        .collect::<Result<_, sqlx::Error>>()
        .map_err(AccountError::from)
}

/// Signs out one of the user's own devices (another user's id is unknown).
pub async fn sign_out(
    state: &AppState,
    ctx: &RequestContext,
    device_id: &str,
) -> Result<(), AccountError> {
    let user = require_user(state, ctx).await?;
    let done = sqlx::query("DELETE FROM auth_sessions WHERE device_id = $1 AND user_id = $2")
        .bind(device_id)
        .bind(&user.id)
        .execute(state.db.pool())
        .await?;
    if done.rows_affected() == 0 {
        return Err(AccountError::NoSuchDevice);
    }
    tracing::info!(user_id = %user.id, device_id, "device signed out");
    Ok(())
}

/// Signs out every device but this one; returns how many.
pub async fn sign_out_others(state: &AppState, ctx: &RequestContext) -> Result<u64, AccountError> {
    let user = require_user(state, ctx).await?;
    let this_session = ctx.token.as_deref().map(token_hash).unwrap_or_default();
    let done = sqlx::query("DELETE FROM auth_sessions WHERE user_id = $1 AND token_hash <> $2")
        .bind(&user.id)
        .bind(&this_session)
        .execute(state.db.pool())
        .await?;
    tracing::info!(user_id = %user.id, ended = done.rows_affected(), "other devices signed out");
    Ok(done.rows_affected())
}

/// "Firefox 128 · Linux"; "Okänd enhet" / "Unknown device" when the
/// User-Agent says nothing woothee knows.
pub fn summary(user_agent: Option<&str>, locale: Locale) -> String {
    let unknown = strings(locale).device_unknown;
    let Some(parsed) = user_agent.and_then(|ua| woothee::parser::Parser::new().parse(ua)) else {
        return unknown.to_owned();
    };
    let known = |v: &str| !v.is_empty() && v != woothee::woothee::VALUE_UNKNOWN;
    let major = parsed.version.split('.').next().unwrap_or_default();
    let browser = match (known(parsed.name), known(major)) {
        (true, true) => format!("{} {major}", parsed.name),
        (true, false) => parsed.name.to_owned(),
        _ => String::new(),
    };
    let os = if known(parsed.os) {
        parsed.os.to_owned()
    } else {
        String::new()
    };
    match (browser.is_empty(), os.is_empty()) {
        (true, true) => unknown.to_owned(),
        (false, false) => format!("{browser} · {os}"),
        _ => format!("{browser}{os}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn user_agents_become_short_summaries() {
        let firefox = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0";
        assert_eq!(summary(Some(firefox), Locale::Sv), "Firefox 128 · Linux");
        let iphone = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 \
                      (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1";
        assert_eq!(summary(Some(iphone), Locale::En), "Safari 17 · iPhone");
        assert_eq!(summary(None, Locale::Sv), "Okänd enhet");
        assert_eq!(summary(Some("curl/8.5.0"), Locale::En), "HTTP Library curl");
        assert_eq!(
            summary(Some("zz-nothing-known"), Locale::En),
            "Unknown device"
        );
    }
}

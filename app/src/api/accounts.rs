//! Sign up, log in, log out, who am I, become a teacher.

use leptos::prelude::*;

use crate::model::{AppError, User};

#[cfg(feature = "ssr")]
use {
    super::context::{request, set_cookie, set_session_cookie},
    crate::backend::{accounts::auth_session, accounts::users},
};

/// `time_zone` is the browser's (a hidden field the page fills in).
#[server]
pub async fn signup(
    email: String,
    display_name: String,
    password: String,
    #[server(default)] time_zone: Option<String>,
) -> Result<(), AppError> {
    let (state, ctx) = request().await?;
    let time_zone = time_zone.filter(|tz| !tz.is_empty());
    let logged_in = users::signup(
        &state,
        &ctx,
        &email,
        &display_name,
        &password,
        time_zone.as_deref(),
    )
    .await
    .map_err(|e| e.to_app_error(ctx.locale))?;
    set_session_cookie(&state, &logged_in);
    // The last, optional step of signing up: the membership.
    leptos_axum::redirect("/signup/membership");
    Ok(())
}

#[server]
pub async fn login(email: String, password: String) -> Result<(), AppError> {
    let (state, ctx) = request().await?;
    let logged_in = users::login(&state, &ctx, &email, &password)
        .await
        .map_err(|e| e.to_app_error(ctx.locale))?;
    set_session_cookie(&state, &logged_in);
    leptos_axum::redirect("/account");
    Ok(())
}

#[server]
pub async fn logout() -> Result<(), AppError> {
    let (state, ctx) = request().await?;
    users::logout(&state, &ctx)
        .await
        .map_err(|e| e.to_app_error(ctx.locale))?;
    set_cookie(&auth_session::clear_cookie(state.settings.secure_cookies));
    leptos_axum::redirect("/");
    Ok(())
}

/// The signed-in user, or `None` for a visitor.
#[server]
pub async fn current_user() -> Result<Option<User>, AppError> {
    let (state, ctx) = request().await?;
    users::current_user(&state, &ctx)
        .await
        .map_err(|e| e.to_app_error(ctx.locale))
}

#[server]
pub async fn become_teacher() -> Result<User, AppError> {
    let (state, ctx) = request().await?;
    users::become_teacher(&state, &ctx)
        .await
        .map_err(|e| e.to_app_error(ctx.locale))
}

/// The signed-in user's calendar feed address (made on first use);
/// `rotate` issues a new one and retires the old.
#[server]
pub async fn calendar_feed_address(rotate: bool) -> Result<String, AppError> {
    let (state, ctx) = request().await?;
    crate::backend::attendance::feeds::address(&state, &ctx, rotate)
        .await
        .map_err(|e| e.to_app_error(ctx.locale))
}

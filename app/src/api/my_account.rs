//! What a person does with their own account: recover a forgotten
//! password, confirm an email link, change profile, password and address,
//! sign out devices and delete the account. Each calls the same backend
//! service as its REST twin under `/api/v1/auth` and `/api/v1/me`.

use leptos::prelude::*;

use crate::model::account::{AccountOverview, EmailConfirmed};
use crate::model::{AppError, User};

#[cfg(feature = "ssr")]
use {
    super::context::{request, set_cookie, set_session_cookie},
    crate::backend::accounts::{
        auth_session, deletion, devices, email_change, overview, profile, recovery,
    },
    crate::backend::membership::customers,
};

/// "Forgot your password?": the same answer whether or not the address has
/// an account.
#[server]
pub async fn forgot_password(email: String) -> Result<(), AppError> {
    let (state, ctx) = request().await?;
    recovery::forgot(&state, &ctx, &email)
        .await
        .map_err(|e| e.to_app_error(ctx.locale))
}

/// Sets a new password with an emailed link and signs this browser in.
#[server]
pub async fn reset_password(token: String, password: String) -> Result<(), AppError> {
    let (state, ctx) = request().await?;
    let logged_in = recovery::reset(&state, &ctx, &token, &password)
        .await
        .map_err(|e| e.to_app_error(ctx.locale))?;
    set_session_cookie(&state, &logged_in);
    leptos_axum::redirect("/account");
    Ok(())
}

/// Uses an emailed confirmation link (a new account's, or an email change's).
#[server]
pub async fn confirm_email(token: String) -> Result<EmailConfirmed, AppError> {
    let (state, ctx) = request().await?;
    customers::confirm_email(&state, &token)
        .await
        .map_err(|e| e.to_app_error(ctx.locale))
}

/// The account page's data: the user, whether their address is confirmed,
/// and their devices. `None` for a visitor.
#[server]
pub async fn my_account_overview() -> Result<Option<AccountOverview>, AppError> {
    let (state, ctx) = request().await?;
    overview::of(&state, &ctx)
        .await
        .map_err(|e| e.to_app_error(ctx.locale))
}

/// Name, language and time zone; an empty field is left as it is.
#[server]
pub async fn update_profile(
    display_name: String,
    locale: String,
    time_zone: String,
) -> Result<User, AppError> {
    let (state, ctx) = request().await?;
    let some = |v: &str| Some(v.trim().to_owned()).filter(|v| !v.is_empty());
    let display_name = some(&display_name);
    let time_zone = some(&time_zone);
    let change = profile::ProfileChange {
        display_name: display_name.as_deref(),
        locale: crate::model::Locale::parse(locale.trim()),
        time_zone: time_zone.as_deref(),
    };
    profile::update(&state, &ctx, change)
        .await
        .map_err(|e| e.to_app_error(ctx.locale))
}

/// Changes the password; every other session ends.
#[server]
pub async fn change_password(
    current_password: String,
    new_password: String,
) -> Result<(), AppError> {
    let (state, ctx) = request().await?;
    profile::change_password(&state, &ctx, &current_password, &new_password)
        .await
        .map_err(|e| e.to_app_error(ctx.locale))
}

/// Asks to move the account to another address (it gets a link).
#[server]
pub async fn change_email(email: String, password: String) -> Result<(), AppError> {
    let (state, ctx) = request().await?;
    email_change::request_change(&state, &ctx, &email, &password)
        .await
        .map_err(|e| e.to_app_error(ctx.locale))
}

/// Sends the address's confirmation link again.
#[server]
pub async fn resend_verification() -> Result<(), AppError> {
    let (state, ctx) = request().await?;
    email_change::resend_verification(&state, &ctx)
        .await
        .map_err(|e| e.to_app_error(ctx.locale))
}

/// Signs out one device of the account.
#[server]
pub async fn sign_out_device(id: String) -> Result<(), AppError> {
    let (state, ctx) = request().await?;
    devices::sign_out(&state, &ctx, &id)
        .await
        .map_err(|e| e.to_app_error(ctx.locale))
}

/// Signs out every device but this one; returns how many.
#[server]
pub async fn sign_out_other_devices() -> Result<u64, AppError> {
    let (state, ctx) = request().await?;
    devices::sign_out_others(&state, &ctx)
        .await
        .map_err(|e| e.to_app_error(ctx.locale))
}

/// Deletes the account (password and the typed word), then goes home.
#[server]
pub async fn delete_account(password: String, confirm: String) -> Result<(), AppError> {
    let (state, ctx) = request().await?;
    deletion::delete_account(&state, &ctx, &password, &confirm)
        .await
        .map_err(|e| e.to_app_error(ctx.locale))?;
    set_cookie(&auth_session::clear_cookie(state.settings.secure_cookies));
    leptos_axum::redirect("/");
    Ok(())
}

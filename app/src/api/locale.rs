//! The language switch.

use leptos::prelude::*;

use crate::model::{AppError, Locale};

#[cfg(feature = "ssr")]
use {
    super::context::{request, set_cookie},
    crate::backend::accounts::users,
};

/// Remembers the chosen language: in a year-long cookie, and on the account
/// when someone is signed in.
#[server]
pub async fn set_locale(locale: Locale) -> Result<(), AppError> {
    let (state, ctx) = request().await?;
    set_cookie(&format!(
        "{}={}; Path=/; Max-Age=31536000; SameSite=Lax{}",
        Locale::COOKIE,
        locale.code(),
        if state.settings.secure_cookies {
            "; Secure"
        } else {
            ""
        }
    ));
    users::set_locale(&state, &ctx, locale)
        .await
        .map_err(|e| e.to_app_error(locale))
}

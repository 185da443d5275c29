//! Server functions: the typed API between the browser and the server, one
//! file per area. Each one is thin: read the request, call the backend
//! service, translate its error into the user's words.

pub mod accounts;
pub mod admin;
pub mod attendance;
pub mod checkout;
pub mod courses;
pub mod locale;
pub mod membership;
pub mod my_account;
pub mod payouts;
pub mod sessions;
pub mod studio;

#[cfg(feature = "ssr")]
mod context {
    use axum::http::{header, HeaderValue};
    use leptos::prelude::use_context;

    use crate::backend::{AppState, RequestContext};
    use crate::model::{AppError, ErrorCode};

    /// The application state and this request's context.
    pub async fn request() -> Result<(AppState, RequestContext), AppError> {
        let ctx = RequestContext::from_leptos().await;
        let state = use_context::<AppState>().ok_or_else(|| {
            tracing::error!("AppState missing from the server function context");
            AppError::new(
                ErrorCode::Internal,
                crate::i18n::strings(ctx.locale).err_internal,
            )
        })?;
        Ok((state, ctx))
    }

    /// Gives the browser the session of a new login (sign-up, login, reset).
    pub fn set_session_cookie(
        state: &AppState,
        logged_in: &crate::backend::accounts::users::LoggedIn,
    ) {
        set_cookie(&crate::backend::accounts::auth_session::set_cookie(
            &logged_in.token,
            logged_in.expires_in_secs,
            state.settings.secure_cookies,
        ));
    }

    /// Adds a `Set-Cookie` header to the response.
    pub fn set_cookie(value: &str) {
        if let (Some(response), Ok(value)) = (
            use_context::<leptos_axum::ResponseOptions>(),
            HeaderValue::from_str(value),
        ) {
            response.append_header(header::SET_COOKIE, value);
        }
    }
}

//! `/api/v1/auth/*`.

pub mod email_confirm;
pub mod login;
pub mod logout;
pub mod password;
pub mod signup;

use axum::http::{header, HeaderValue};
use axum::response::IntoResponse;
use axum::Json;
use serde::Serialize;

use app::backend::accounts::{auth_session, users::LoggedIn};
use app::backend::AppState;
use app::model::User;

/// What signing up or logging in returns: the bearer token (also set as the
/// session cookie) and the user.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct SessionResponse {
    pub token: String,
    pub user: User,
}

/// The `Set-Cookie` header pair for a response.
pub fn cookie_header(value: &str) -> [(header::HeaderName, HeaderValue); 1] {
    [(
        header::SET_COOKIE,
        HeaderValue::from_str(value).unwrap_or_else(|_| HeaderValue::from_static("")),
    )]
}

/// The answer to a new login (sign-up, login, password reset): the session
/// cookie and the token with the user.
pub fn signed_in(state: &AppState, logged_in: LoggedIn) -> impl IntoResponse {
    let cookie = auth_session::set_cookie(
        &logged_in.token,
        logged_in.expires_in_secs,
        state.settings.secure_cookies,
    );
    (
        cookie_header(&cookie),
        Json(SessionResponse {
            token: logged_in.token,
            user: logged_in.user,
        }),
    )
}

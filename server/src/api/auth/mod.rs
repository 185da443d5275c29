//! `/api/v1/auth/*`.

pub mod email_confirm;
pub mod login;
pub mod logout;
pub mod password;
pub mod signup;

use axum::http::{header, HeaderValue};
use serde::Serialize;

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

//! What the backend needs to know about the request, read the same way for
//! server functions and REST handlers: who is asking (token), in which
//! language, from where.

use std::net::{IpAddr, SocketAddr};

use axum::http::{header, HeaderMap};

use crate::backend::accounts::auth_session;
use crate::model::Locale;

#[derive(Debug, Clone, Default)]
pub struct RequestContext {
    pub locale: Locale,
    /// The session token from `Authorization: Bearer` or the session cookie.
    pub token: Option<String>,
    pub client_ip: Option<IpAddr>,
    /// The `User-Agent`, cut to [`USER_AGENT_MAX`] characters: a new login
    /// keeps it so the account page can name the device.
    pub user_agent: Option<String>,
}

/// The longest User-Agent kept (real ones are well under 300 characters).
pub const USER_AGENT_MAX: usize = 400;

impl RequestContext {
    pub fn from_headers(headers: &HeaderMap, peer: Option<SocketAddr>) -> RequestContext {
        let bearer = headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(|t| t.trim().to_owned())
            .filter(|t| !t.is_empty());
        let token =
            bearer.or_else(|| cookie(headers, auth_session::COOKIE).filter(|t| !t.is_empty()));
        let accept_language = headers
            .get(header::ACCEPT_LANGUAGE)
            .and_then(|v| v.to_str().ok());
        RequestContext {
            locale: Locale::negotiate(cookie(headers, Locale::COOKIE).as_deref(), accept_language),
            token,
            client_ip: peer.map(|p| p.ip()),
            user_agent: headers
                .get(header::USER_AGENT)
                .and_then(|v| v.to_str().ok())
                .map(|v| {
                    v.chars()
                        .filter(|c| !c.is_control())
                        .take(USER_AGENT_MAX)
                        .collect()
                })
                .filter(|v: &String| !v.is_empty()),
        }
    }

    /// Reads the context inside a server function or an SSR render.
    pub async fn from_leptos() -> RequestContext {
        let headers: HeaderMap = leptos_axum::extract().await.unwrap_or_default();
        let peer = leptos_axum::extract::<axum::extract::ConnectInfo<SocketAddr>>()
            .await
            .ok()
            .map(|info| info.0);
        RequestContext::from_headers(&headers, peer)
    }
}

/// The value of one cookie from the `Cookie` headers.
pub fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(key, _)| *key == name)
        .map(|(_, value)| value.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    #[test]
    fn bearer_wins_over_cookie_and_locale_comes_from_cookie() {
        let mut headers = HeaderMap::new();
        headers.insert(
            header::COOKIE,
            HeaderValue::from_static("aveli_locale=en; aveli_session=from-cookie"),
        );
        assert_eq!(
            RequestContext::from_headers(&headers, None)
                .token
                .as_deref(),
            Some("from-cookie")
        );
        headers.insert(
            header::AUTHORIZATION,
            HeaderValue::from_static("Bearer from-header"),
        );
        let ctx = RequestContext::from_headers(&headers, None);
        assert_eq!(ctx.token.as_deref(), Some("from-header"));
        assert_eq!(ctx.locale, Locale::En);
    }

    #[test]
    fn no_credentials_no_token() {
        let mut headers = HeaderMap::new();
        headers.insert(header::COOKIE, HeaderValue::from_static("aveli_session="));
        assert_eq!(RequestContext::from_headers(&headers, None).token, None);
    }
}

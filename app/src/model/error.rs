use serde::{Deserialize, Serialize};
use server_fn::codec::JsonEncoding;
use server_fn::error::{FromServerFnError, ServerFnErrorErr};
use server_fn::{Bytes, Encodes};

/// What kind of failure an error is; stable across languages, so clients can
/// branch on it. Serialised as snake_case in `{error: {code, message}}`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    Validation,
    EmailTaken,
    InvalidCredentials,
    RateLimited,
    Unauthorized,
    Forbidden,
    NotFound,
    Conflict,
    /// A teacher must finish payout onboarding first (paid sessions, checkouts).
    PaymentsNotEnabled,
    /// A service we depend on (Stripe) is down; retrying later may work.
    Unavailable,
    Internal,
}

/// The one error shape the client ever sees, from a server function or from
/// the REST API: a code and a message already in the user's language. It never
/// carries internal details; those are logged on the server.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[error("{message}")]
pub struct AppError {
    pub code: ErrorCode,
    pub message: String,
    /// For `rate_limited`: seconds until a retry can succeed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retry_after_secs: Option<i64>,
}

impl AppError {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        AppError {
            code,
            message: message.into(),
            retry_after_secs: None,
        }
    }

    pub fn with_retry_after(mut self, secs: i64) -> Self {
        self.retry_after_secs = Some(secs);
        self
    }
}

impl ErrorCode {
    /// The HTTP status that goes with the code, in the REST API.
    pub fn http_status(self) -> u16 {
        match self {
            ErrorCode::Validation => 422,
            ErrorCode::EmailTaken | ErrorCode::Conflict | ErrorCode::PaymentsNotEnabled => 409,
            ErrorCode::InvalidCredentials | ErrorCode::Unauthorized => 401,
            ErrorCode::RateLimited => 429,
            ErrorCode::Forbidden => 403,
            ErrorCode::NotFound => 404,
            ErrorCode::Unavailable => 503,
            ErrorCode::Internal => 500,
        }
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    /// Failures of the transport itself (network down, a response that does
    /// not decode). The server never produces these for its own errors.
    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        AppError::new(ErrorCode::Internal, value.to_string())
    }

    /// On the server, this is where every server function's error becomes
    /// its response body, so it also gives the response its status.
    /// (The body is what the default `ser` makes.)
    fn ser(&self) -> Bytes {
        #[cfg(feature = "ssr")]
        set_server_fn_status(self);
        <JsonEncoding as Encodes<Self>>::encode(self).unwrap_or_else(|err| {
            let fallback =
                Self::from_server_fn_error(ServerFnErrorErr::Serialization(err.to_string()));
            <JsonEncoding as Encodes<Self>>::encode(&fallback).unwrap_or_default()
        })
    }
}

/// Gives a server function's error response the status that goes with its
/// code, as the REST API does (a refusal is a 4xx, not a 500), and
/// `Retry-After` when rate limited. The hydrated client reads the error body
/// of any 4xx/5xx alike. A plain form post (`Accept: text/html`, no
/// JavaScript) keeps the redirect back to its page that server_fn answers.
#[cfg(feature = "ssr")]
fn set_server_fn_status(err: &AppError) {
    use axum::http::{header, request::Parts, HeaderValue, StatusCode};
    use leptos::prelude::use_context;

    let Some(response) = use_context::<leptos_axum::ResponseOptions>() else {
        return;
    };
    let form_post = use_context::<Parts>()
        .and_then(|parts| {
            parts
                .headers
                .get(header::ACCEPT)
                .and_then(|v| v.to_str().ok())
                .map(|v| v.contains("text/html"))
        })
        .unwrap_or(false);
    if form_post {
        return;
    }
    if let Ok(status) = StatusCode::from_u16(err.code.http_status()) {
        response.set_status(status);
    }
    if let Some(secs) = err.retry_after_secs {
        if let Ok(value) = HeaderValue::from_str(&secs.to_string()) {
            response.insert_header(header::RETRY_AFTER, value);
        }
    }
}

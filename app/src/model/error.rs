use serde::{Deserialize, Serialize};
use server_fn::codec::JsonEncoding;
use server_fn::error::{FromServerFnError, ServerFnErrorErr};

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
}

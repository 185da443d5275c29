//! Cross-site request refusal: a request that changes state (anything but
//! GET/HEAD/OPTIONS) is refused when the browser says it comes from another
//! origin. Requests without an `Origin` header (API clients, curl) pass; they
//! cannot carry a victim's cookie by accident.

use axum::extract::{Request, State};
use axum::http::{header, Method};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use app::model::{AppError, ErrorCode, Locale};

use crate::api::error::ApiError;

#[derive(Clone)]
pub struct AllowedOrigin(pub String);

pub async fn refuse_foreign(
    State(allowed): State<AllowedOrigin>,
    request: Request,
    next: Next,
) -> Response {
    if matches!(
        *request.method(),
        Method::GET | Method::HEAD | Method::OPTIONS
    ) {
        return next.run(request).await;
    }
    let headers = request.headers();
    let Some(origin) = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()) else {
        return next.run(request).await;
    };
    let host = headers.get(header::HOST).and_then(|v| v.to_str().ok());
    if is_same_origin(origin, &allowed.0, host) {
        return next.run(request).await;
    }
    tracing::warn!(origin, "refused a cross-site request");
    let cookie = app::backend::request::cookie(headers, Locale::COOKIE);
    let locale = Locale::negotiate(cookie.as_deref(), None);
    ApiError(AppError::new(
        ErrorCode::Forbidden,
        app::i18n::strings(locale).err_foreign_origin,
    ))
    .into_response()
}

/// The origin is the configured public one, or names the host the request
/// was sent to (the same site reached by another name, e.g. localhost).
fn is_same_origin(origin: &str, public_url: &str, host: Option<&str>) -> bool {
    if origin.eq_ignore_ascii_case(public_url) {
        return true;
    }
    let authority = origin
        .strip_prefix("http://")
        .or_else(|| origin.strip_prefix("https://"));
    matches!((authority, host), (Some(a), Some(h)) if a.eq_ignore_ascii_case(h))
}

#[cfg(test)]
mod tests {
    use super::is_same_origin;

    #[test]
    fn same_origin_rules() {
        let public = "http://127.0.0.1:3000";
        assert!(is_same_origin("http://127.0.0.1:3000", public, None));
        assert!(is_same_origin(
            "http://localhost:3000",
            public,
            Some("localhost:3000")
        ));
        assert!(!is_same_origin(
            "https://evil.example",
            public,
            Some("127.0.0.1:3000")
        ));
        assert!(!is_same_origin("null", public, Some("127.0.0.1:3000")));
        assert!(!is_same_origin(
            "http://127.0.0.1:3000.evil.example",
            public,
            Some("127.0.0.1:3000")
        ));
    }
}

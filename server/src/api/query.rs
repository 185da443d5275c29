//! A query-string extractor whose refusals are the JSON error (422), as
//! `ApiJson` is for bodies: axum's own `Query` answers 400 in plain text.
//! It also refuses control characters in every name and value.

use axum::extract::{FromRequestParts, Query};
use axum::http::request::Parts;
use serde::de::DeserializeOwned;

use app::backend::RequestContext;
use app::i18n::strings;
use app::model::text::has_forbidden_control;
use app::model::{AppError, ErrorCode};

use super::error::ApiError;

pub struct ApiQuery<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for ApiQuery<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        let s = strings(RequestContext::from_headers(&parts.headers, None).locale);
        let refuse = |detail: &str| {
            ApiError(AppError::new(
                ErrorCode::Validation,
                format!("{}: {detail}", s.err_bad_request),
            ))
        };
        let query = parts.uri.query().unwrap_or_default();
        if form_has_control(query.as_bytes()) {
            return Err(refuse(s.err_control_chars));
        }
        Query::<T>::try_from_uri(&parts.uri)
            .map(|Query(value)| ApiQuery(value))
            .map_err(|rejection| refuse(&rejection.body_text()))
    }
}

/// Whether a decoded name or value of a URL-encoded form or query holds a
/// refused control character (`%00` decodes to NUL).
pub fn form_has_control(form: &[u8]) -> bool {
    form_urlencoded::parse(form)
        .any(|(name, value)| has_forbidden_control(&name) || has_forbidden_control(&value))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_percent_encoded_nul_in_a_form_is_found() {
        assert!(form_has_control(b"email=a%00%40example.com&password=x"));
        assert!(form_has_control(b"na%01me=x"));
        assert!(!form_has_control(b"bio=line%0Aline%09tab&x=%C3%A5"));
    }
}

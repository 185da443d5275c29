//! Ids from the outside, checked before they reach SQL: every id we make is
//! a UUID (`app::backend::new_id`), so anything else names nothing. An id
//! with a control character in it is bad input (422, DESIGN's JSON error);
//! any other id that is not a UUID is a thing that does not exist (404).

use axum::extract::{FromRequestParts, Path};
use axum::http::request::Parts;

use app::backend::RequestContext;
use app::i18n::strings;
use app::model::text::{has_forbidden_control, is_id};
use app::model::{AppError, ErrorCode};

use super::error::ApiError;

/// The one `{id}` of a path, as a checked UUID.
pub struct IdPath(pub String);

impl<S: Send + Sync> FromRequestParts<S> for IdPath {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let s = strings(RequestContext::from_headers(&parts.headers, None).locale);
        let Path(id) = Path::<String>::from_request_parts(parts, state)
            .await
            .map_err(|_| ApiError(AppError::new(ErrorCode::NotFound, s.err_not_found)))?;
        if has_forbidden_control(&id) {
            return Err(ApiError(AppError::new(
                ErrorCode::Validation,
                s.err_control_chars,
            )));
        }
        if !is_id(&id) {
            return Err(ApiError(AppError::new(
                ErrorCode::NotFound,
                s.err_not_found,
            )));
        }
        Ok(IdPath(id))
    }
}

//! A JSON body extractor whose refusals are JSON errors too.

use axum::extract::rejection::JsonRejection;
use axum::extract::{FromRequest, Request};

use app::backend::request::cookie;
use app::i18n::strings;
use app::model::{AppError, ErrorCode, Locale};

use super::error::ApiError;

pub struct ApiJson<T>(pub T);

impl<S, T> FromRequest<S> for ApiJson<T>
where
    axum::Json<T>: FromRequest<S, Rejection = JsonRejection>,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let locale = Locale::negotiate(
            cookie(req.headers(), Locale::COOKIE).as_deref(),
            req.headers()
                .get(axum::http::header::ACCEPT_LANGUAGE)
                .and_then(|v| v.to_str().ok()),
        );
        match axum::Json::<T>::from_request(req, state).await {
            Ok(axum::Json(value)) => Ok(ApiJson(value)),
            Err(rejection) => Err(ApiError(AppError::new(
                ErrorCode::Validation,
                format!(
                    "{}: {}",
                    strings(locale).err_bad_request,
                    rejection.body_text()
                ),
            ))),
        }
    }
}

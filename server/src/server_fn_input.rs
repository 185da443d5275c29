//! Server-function arguments get the rule the REST bodies get in `ApiJson`:
//! no control character but `\n`, `\r` and `\t` (`app::model::text`), so a
//! NUL never reaches SQL (PostgreSQL refuses it with a 500). This layer reads
//! the query and the body of a server-function call (`/api/…`, not the REST
//! `/api/v1/…`) before Leptos decodes them, and refuses with 422 and the
//! error body server functions answer with (`AppError` as JSON).

use axum::body::{to_bytes, Body};
use axum::extract::Request;
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde_json::Value;

use app::backend::RequestContext;
use app::i18n::strings;
use app::model::{AppError, ErrorCode};

use crate::api::json::field_with_control;
use crate::api::query::form_has_control;

/// As axum's default body limit for extractors.
const BODY_LIMIT: usize = 2 * 1024 * 1024;

pub async fn refuse_control_chars(request: Request, next: Next) -> Response {
    let path = request.uri().path();
    if !path.starts_with("/api/") || path.starts_with("/api/v1/") {
        return next.run(request).await;
    }
    let (parts, body) = request.into_parts();
    let s = strings(RequestContext::from_headers(&parts.headers, None).locale);
    let bytes = match to_bytes(body, BODY_LIMIT).await {
        Ok(bytes) => bytes,
        Err(_) => return refusal(StatusCode::PAYLOAD_TOO_LARGE, s.err_bad_request.into()),
    };
    let is_json = parts
        .headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    let in_query = parts
        .uri
        .query()
        .is_some_and(|query| form_has_control(query.as_bytes()));
    let in_body = if is_json {
        serde_json::from_slice::<Value>(&bytes)
            .ok()
            .is_some_and(|value| field_with_control(&value, "").is_some())
    } else {
        form_has_control(&bytes)
    };
    if in_query || in_body {
        return refusal(StatusCode::UNPROCESSABLE_ENTITY, s.err_control_chars.into());
    }
    next.run(Request::from_parts(parts, Body::from(bytes)))
        .await
}

fn refusal(status: StatusCode, message: String) -> Response {
    let error = AppError::new(ErrorCode::Validation, message);
    let body = serde_json::to_vec(&error).unwrap_or_default();
    (
        status,
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        )],
        body,
    )
        .into_response()
}

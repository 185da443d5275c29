//! A JSON body extractor whose refusals are JSON errors too (422), and which
//! refuses control characters in every string of the body before the
//! handler sees it (`app::model::text`), so no NUL ever reaches SQL.

use axum::extract::rejection::JsonRejection;
use axum::extract::{FromRequest, Request};
use serde::de::DeserializeOwned;
use serde_json::Value;

use app::backend::RequestContext;
use app::i18n::strings;
use app::model::text::has_forbidden_control;
use app::model::{AppError, ErrorCode};

use super::error::ApiError;

pub struct ApiJson<T>(pub T);

impl<S, T> FromRequest<S> for ApiJson<T>
where
    axum::Json<Value>: FromRequest<S, Rejection = JsonRejection>,
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let s = strings(RequestContext::from_headers(req.headers(), None).locale);
        let refuse = |detail: String| {
            ApiError(AppError::new(
                ErrorCode::Validation,
                format!("{}: {detail}", s.err_bad_request),
            ))
        };
        let value = match axum::Json::<Value>::from_request(req, state).await {
            Ok(axum::Json(value)) => value,
            Err(rejection) => return Err(refuse(rejection.body_text())),
        };
        if let Some(field) = field_with_control(&value, "") {
            let at: String = if field.is_empty() {
                "body".into()
            } else {
                // The name itself may hold the character: never echo it.
                field
                    .chars()
                    .map(|c| if c.is_control() { '?' } else { c })
                    .collect()
            };
            return Err(refuse(format!("{} ({at})", s.err_control_chars)));
        }
        serde_json::from_value(value)
            .map(ApiJson)
            .map_err(|err| refuse(err.to_string()))
    }
}

/// The path (`a.b[2]`) of the first key or string holding a control
/// character we refuse, if any.
pub(crate) fn field_with_control(value: &Value, at: &str) -> Option<String> {
    match value {
        Value::String(text) => has_forbidden_control(text).then(|| at.to_owned()),
        Value::Array(items) => items
            .iter()
            .enumerate()
            .find_map(|(i, item)| field_with_control(item, &format!("{at}[{i}]"))),
        Value::Object(fields) => fields.iter().find_map(|(key, item)| {
            let here = if at.is_empty() {
                key.clone()
            } else {
                format!("{at}.{key}")
            };
            if has_forbidden_control(key) {
                return Some(here);
            }
            field_with_control(item, &here)
        }),
        Value::Null | Value::Bool(_) | Value::Number(_) => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn the_first_field_with_a_control_character_is_named() {
        assert_eq!(field_with_control(&json!({"a": "ok\nfine"}), ""), None);
        assert_eq!(
            field_with_control(&json!({"email": "a\u{0}@example.com"}), ""),
            Some("email".into())
        );
        assert_eq!(
            field_with_control(&json!({"a": {"b": ["x", "y\u{1}"]}}), ""),
            Some("a.b[1]".into())
        );
        assert_eq!(
            field_with_control(&json!({"k\u{0}": 1}), ""),
            Some("k\u{0}".into())
        );
        assert_eq!(field_with_control(&json!("\u{0}"), ""), Some(String::new()));
    }
}

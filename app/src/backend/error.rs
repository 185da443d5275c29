use crate::i18n::strings;
use crate::model::{AppError, ErrorCode, Locale};

/// Turns an unexpected failure into the generic message the client may see,
/// logging the details here, once.
pub fn internal(err: &anyhow::Error, locale: Locale) -> AppError {
    tracing::error!(error = format!("{err:#}"), "unexpected failure");
    AppError::new(ErrorCode::Internal, strings(locale).err_internal)
}

/// An event that needs a state this service has not stored yet (a webhook
/// that outran the answer to our own create call). Nothing is applied; the
/// event waits in the webhook inbox and is tried again.
#[derive(Debug, thiserror::Error)]
#[error("too early: {0}")]
pub struct TooEarly(pub String);

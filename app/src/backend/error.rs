use crate::i18n::strings;
use crate::model::{AppError, ErrorCode, Locale};

/// Turns an unexpected failure into the generic message the client may see,
/// logging the details here, once.
pub fn internal(err: &anyhow::Error, locale: Locale) -> AppError {
    tracing::error!(error = format!("{err:#}"), "unexpected failure");
    AppError::new(ErrorCode::Internal, strings(locale).err_internal)
}

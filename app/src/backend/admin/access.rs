//! Who may use the console, and the console's errors.

use crate::backend::accounts::users::{self, AccountError};
use crate::backend::payments::GatewayError;
use crate::backend::{error, AppState, RequestContext};
use crate::i18n::strings;
use crate::model::{AppError, ErrorCode, Locale, User};

#[derive(Debug, thiserror::Error)]
pub enum AdminError {
    /// Not an admin, or no such teacher or order: the same answer, so the
    /// console gives nobody a hint that it exists.
    #[error("not found")]
    NotFound,
    #[error("payout split out of 0..=100")]
    SplitOutOfRange,
    #[error("nothing to change")]
    EmptyChange,
    #[error("a reason is required")]
    ReasonRequired,
    #[error("an idempotency key is required")]
    KeyRequired,
    #[error("a refund must be more than zero")]
    AmountNotPositive,
    #[error("more than is left: {left}")]
    AmountTooLarge { left: i64 },
    #[error("the order was never paid")]
    NotRefundable,
    #[error("the order paid no teacher")]
    NoTransfer,
    #[error("a date is not YYYY-MM-DD")]
    BadDate,
    /// Stripe answered no: nothing was refunded.
    #[error("Stripe refused the refund: {0}")]
    RefundRefused(GatewayError),
    /// Stripe did not answer: the refund may or may not exist; sending the
    /// same key again settles it.
    #[error("Stripe did not answer: {0}")]
    RefundUnknown(GatewayError),
    #[error("cancelling bookings needs a suspension")]
    CancelNeedsSuspension,
    #[error("no evidence given")]
    EvidenceEmpty,
    #[error("an evidence field is too long")]
    EvidenceTooLong,
    #[error("the dispute is closed")]
    DisputeClosed,
    #[error("Stripe refused: {0}")]
    StripeRefused(GatewayError),
    #[error("Stripe is unavailable: {0}")]
    StripeUnavailable(GatewayError),
    #[error(transparent)]
    Unexpected(#[from] anyhow::Error),
}

impl From<sqlx::Error> for AdminError {
    fn from(err: sqlx::Error) -> Self {
        AdminError::Unexpected(anyhow::Error::new(err).context("database"))
    }
}

impl From<AccountError> for AdminError {
    fn from(err: AccountError) -> Self {
        match err {
            AccountError::Unauthorized => AdminError::NotFound,
            other => AdminError::Unexpected(anyhow::Error::new(other)),
        }
    }
}

impl AdminError {
    pub fn to_app_error(&self, locale: Locale) -> AppError {
        let s = strings(locale);
        let validation = |message: &str| AppError::new(ErrorCode::Validation, message);
        match self {
            AdminError::NotFound => AppError::new(ErrorCode::NotFound, s.err_not_found),
            AdminError::SplitOutOfRange => validation(s.err_admin_split_range),
            AdminError::EmptyChange => validation(s.err_admin_empty_change),
            AdminError::ReasonRequired => validation(s.err_admin_reason_required),
            AdminError::KeyRequired => validation(s.err_admin_key_required),
            AdminError::AmountNotPositive => validation(s.err_admin_amount_positive),
            AdminError::AmountTooLarge { .. } => validation(s.err_admin_amount_too_large),
            AdminError::NoTransfer => validation(s.err_admin_no_transfer),
            AdminError::BadDate => validation(s.err_admin_bad_date),
            AdminError::NotRefundable => {
                AppError::new(ErrorCode::Conflict, s.err_admin_not_refundable)
            }
            AdminError::RefundRefused(err) => {
                tracing::warn!(error = %err, "admin refund refused by Stripe");
                AppError::new(ErrorCode::Conflict, s.err_admin_refund_refused)
            }
            AdminError::RefundUnknown(err) => {
                tracing::warn!(error = %err, "admin refund: Stripe did not answer");
                AppError::new(ErrorCode::Unavailable, s.err_admin_refund_unknown)
            }
            AdminError::CancelNeedsSuspension => validation(s.err_admin_cancel_needs_suspension),
            AdminError::EvidenceEmpty => validation(s.err_admin_evidence_empty),
            AdminError::EvidenceTooLong => validation(s.err_admin_evidence_too_long),
            AdminError::DisputeClosed => {
                AppError::new(ErrorCode::Conflict, s.err_admin_dispute_closed)
            }
            AdminError::StripeRefused(err) => {
                tracing::warn!(error = %err, "Stripe refused an admin request");
                AppError::new(ErrorCode::Conflict, s.err_admin_stripe_refused)
            }
            AdminError::StripeUnavailable(err) => {
                tracing::warn!(error = %err, "Stripe unavailable for an admin request");
                AppError::new(ErrorCode::Unavailable, s.err_stripe_unavailable)
            }
            AdminError::Unexpected(err) => error::internal(err, locale),
        }
    }
}

/// The signed-in admin, or `NotFound` for everyone else.
pub async fn require_admin(state: &AppState, ctx: &RequestContext) -> Result<User, AdminError> {
    match users::current_user(state, ctx).await? {
        Some(user) if user.is_admin => Ok(user),
        _ => Err(AdminError::NotFound),
    }
}

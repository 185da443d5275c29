//! What a seat's checkout (`checkout`) and a course's (`course_checkout`)
//! share (DESIGN §5): why a checkout is refused, and the step after the
//! `pending` order is committed — create its PaymentIntent (a destination
//! charge keyed by the order id) or, if Stripe fails, undo the order so that
//! nobody is left waiting on it, and tell the student.

use std::future::Future;

use crate::backend::accounts::users::AccountError;
use crate::backend::payments::gateway::{DestinationCharge, PaymentIntentState};
use crate::backend::payments::GatewayError;
use crate::backend::{error, AppState};
use crate::i18n::strings;
use crate::model::{AppError, ErrorCode, Locale};

/// Why a checkout was refused. `Full` and `Closed` concern seats only,
/// `AlreadyEnrolled` courses only.
#[derive(Debug, thiserror::Error)]
pub enum CheckoutError {
    #[error("not signed in")]
    Unauthorized,
    #[error("nothing to buy: no such slot or course, or it is not published")]
    NotFound,
    #[error("the slot is full")]
    Full,
    #[error("the slot is cancelled or has started")]
    Closed,
    #[error("the student already has the course")]
    AlreadyEnrolled,
    #[error("the teacher cannot take payments")]
    TeacherCannotTakePayments,
    /// The platform suspended the teacher: no new checkouts.
    #[error("the teacher is suspended")]
    TeacherSuspended,
    #[error("Stripe is unavailable")]
    StripeUnavailable,
    #[error(transparent)]
    Unexpected(#[from] anyhow::Error),
}

impl From<sqlx::Error> for CheckoutError {
    fn from(err: sqlx::Error) -> Self {
        CheckoutError::Unexpected(anyhow::Error::new(err).context("database"))
    }
}

impl From<AccountError> for CheckoutError {
    fn from(err: AccountError) -> Self {
        match err {
            AccountError::Unauthorized => CheckoutError::Unauthorized,
            other => CheckoutError::Unexpected(anyhow::Error::new(other)),
        }
    }
}

/// Stripe being down is the student's to retry later; anything else it
/// says is our fault.
impl From<GatewayError> for CheckoutError {
    fn from(err: GatewayError) -> Self {
        match err {
            GatewayError::Unavailable(_) => CheckoutError::StripeUnavailable,
            other => CheckoutError::Unexpected(anyhow::Error::new(other)),
        }
    }
}

impl CheckoutError {
    /// Also the reason label of the checkout metrics.
    pub fn reason(&self) -> &'static str {
        match self {
            CheckoutError::Unauthorized => "unauthorized",
            CheckoutError::NotFound => "not_found",
            CheckoutError::Full => "full",
            CheckoutError::Closed => "closed",
            CheckoutError::AlreadyEnrolled => "already_enrolled",
            CheckoutError::TeacherCannotTakePayments => "teacher_cannot_take_payments",
            CheckoutError::TeacherSuspended => "teacher_suspended",
            CheckoutError::StripeUnavailable => "stripe_unavailable",
            CheckoutError::Unexpected(_) => "internal",
        }
    }

    pub fn to_app_error(&self, locale: Locale) -> AppError {
        let s = strings(locale);
        match self {
            CheckoutError::Unauthorized => {
                AppError::new(ErrorCode::Unauthorized, s.err_unauthorized)
            }
            CheckoutError::NotFound => AppError::new(ErrorCode::NotFound, s.err_not_found),
            CheckoutError::Full => AppError::new(ErrorCode::Conflict, s.err_slot_full),
            CheckoutError::Closed => AppError::new(ErrorCode::Conflict, s.err_slot_closed),
            CheckoutError::AlreadyEnrolled => {
                AppError::new(ErrorCode::Conflict, s.err_course_already_enrolled)
            }
            CheckoutError::TeacherCannotTakePayments => {
                AppError::new(ErrorCode::PaymentsNotEnabled, s.err_teacher_no_payments)
            }
            CheckoutError::TeacherSuspended => {
                AppError::new(ErrorCode::Conflict, s.err_teacher_suspended)
            }
            CheckoutError::StripeUnavailable => {
                AppError::new(ErrorCode::Unavailable, s.err_stripe_unavailable)
            }
            CheckoutError::Unexpected(err) => error::internal(err, locale),
        }
    }
}

/// Creates the PaymentIntent of a committed order (`charge.order_id`) and
/// keeps its id on the order; answers its client secret. The gateway keys
/// the request by the order id, so calling this again for the same order
/// never creates a second PaymentIntent.
///
/// If Stripe fails, nobody can pay for the order now: `undo` is run at once
/// (cancel the order, and give back whatever it held) and the checkout is
/// refused — `StripeUnavailable` when Stripe is down.
pub async fn create_intent_or_undo<Undo, Undone>(
    state: &AppState,
    charge: &DestinationCharge<'_>,
    undo: Undo,
) -> Result<String, CheckoutError>
where
    Undo: FnOnce() -> Undone,
    Undone: Future<Output = Result<(), sqlx::Error>>,
{
    let order_id = charge.order_id;
    match state.stripe.create_destination_payment(charge).await {
        Ok(intent) => {
            sqlx::query(
                "UPDATE orders SET stripe_payment_intent = $1, updated_at = $2 WHERE id = $3",
            )
            .bind(&intent.id)
            .bind(state.clock.now())
            .bind(order_id)
            .execute(state.db.pool())
            .await?;
            tracing::info!(
                order_id,
                payment_intent = intent.id,
                "payment intent created"
            );
            Ok(intent.client_secret)
        }
        Err(err) => {
            undo().await?;
            tracing::warn!(order_id, error = %err, "checkout failed at Stripe; order cancelled");
            Err(err.into())
        }
    }
}

/// The client secret of an order's existing PaymentIntent, for a student
/// who comes back to a checkout they started: `None` when that intent was
/// cancelled (the hold lapsed), so it can no longer be paid.
pub async fn live_client_secret(
    state: &AppState,
    payment_intent: &str,
) -> Result<Option<String>, CheckoutError> {
    let intent = state.stripe.retrieve_payment_intent(payment_intent).await?;
    Ok((intent.state != PaymentIntentState::Canceled).then_some(intent.client_secret))
}

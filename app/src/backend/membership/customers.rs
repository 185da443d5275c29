//! A user's Stripe Customer (created for the membership in
//! `subscriptions`) keeps the account's email address: when an email change
//! is confirmed, Stripe's copy follows, so its receipts and invoices reach
//! the new address.

use crate::backend::accounts::email_change::{self, Confirmed};
use crate::backend::accounts::users::AccountError;
use crate::backend::AppState;

/// Confirms an email link (`accounts::email_change::confirm`) and, for a
/// changed address, updates the user's Customer.
///
/// Stripe is called after the change has committed (no transaction is
/// held across it). A failure leaves Stripe's copy old and is logged at
/// ERROR; the change itself stands, and the person is not told of a
/// failure that is not theirs.
pub async fn confirm_email(state: &AppState, token: &str) -> Result<Confirmed, AccountError> {
    let confirmed = email_change::confirm(state, token).await?;
    if let (Confirmed::Changed { email }, Some(customer)) =
        (&confirmed.outcome, &confirmed.stripe_customer)
    {
        if let Err(err) = state.stripe.update_customer_email(customer, email).await {
            tracing::error!(
                user_id = %confirmed.user_id,
                customer = %customer,
                error = %err,
                "email change: the Stripe Customer keeps the old address"
            );
        }
    }
    Ok(confirmed.outcome)
}

//! `/api/v1/connect/*`: a teacher's Stripe Connect payout account.

pub mod onboarding;
pub mod status;

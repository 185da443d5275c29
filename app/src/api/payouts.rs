//! A teacher's payouts: Connect onboarding status and link, and the
//! simulated-mode test payment.

use leptos::prelude::*;

use crate::model::payouts::{PaymentSetup, PayoutStatus};
use crate::model::AppError;

#[cfg(feature = "ssr")]
use {
    super::context::request,
    crate::backend::{payments::connect, payments::test_payment},
};

#[server]
pub async fn my_payout_status() -> Result<PayoutStatus, AppError> {
    let (state, ctx) = request().await?;
    connect::status(&state, &ctx)
        .await
        .map_err(|e| e.to_app_error(ctx.locale))
}

/// Returns the onboarding link to send the browser to.
#[server]
pub async fn start_onboarding() -> Result<String, AppError> {
    let (state, ctx) = request().await?;
    connect::start_onboarding(&state, &ctx)
        .await
        .map_err(|e| e.to_app_error(ctx.locale))
}

#[server]
pub async fn create_test_payment() -> Result<PaymentSetup, AppError> {
    let (state, ctx) = request().await?;
    test_payment::create(&state, &ctx)
        .await
        .map_err(|e| e.to_app_error(ctx.locale))
}

/// Whether payments are simulated (the page shows a test-mode marker and
/// the studio its test payment).
#[server]
pub async fn payments_simulated() -> Result<bool, AppError> {
    let (state, _) = request().await?;
    Ok(state.settings.stripe_simulated)
}

/// The teacher's sales: orders with amount, platform fee, teacher share,
/// status, refunds and disputes.
#[server]
pub async fn my_sales() -> Result<Vec<crate::model::order::Sale>, AppError> {
    let (state, ctx) = request().await?;
    crate::backend::booking::orders::sales(&state, &ctx)
        .await
        .map_err(|e| e.to_app_error(ctx.locale))
}

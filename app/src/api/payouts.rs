//! A teacher's payouts: Connect onboarding status and link, the
//! simulated-mode test payment, the payouts with their sales, the payout
//! settings and the link to Stripe's Express dashboard.

use leptos::prelude::*;

use crate::model::payouts::{DashboardLink, PaymentSetup, Payout, PayoutSettings, PayoutStatus};
use crate::model::AppError;

#[cfg(feature = "ssr")]
use {
    super::context::request,
    crate::backend::{payments::connect, payments::payouts, payments::test_payment},
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

/// The teacher's payouts, newest first, each with the sales it held.
#[server]
pub async fn my_payouts() -> Result<Vec<Payout>, AppError> {
    let (state, ctx) = request().await?;
    payouts::list(&state, &ctx)
        .await
        .map_err(|e| e.to_app_error(ctx.locale))
}

/// Saves the payout schedule and statement prefix (on Stripe, then here).
#[server]
pub async fn save_payout_settings(settings: PayoutSettings) -> Result<PayoutSettings, AppError> {
    let (state, ctx) = request().await?;
    payouts::save_settings(
        &state,
        &ctx,
        &settings.schedule_interval,
        settings.statement_descriptor_prefix.as_deref(),
    )
    .await
    .map_err(|e| e.to_app_error(ctx.locale))
}

/// A fresh single-use link to the teacher's Express dashboard on Stripe.
#[server]
pub async fn payout_dashboard_link() -> Result<DashboardLink, AppError> {
    let (state, ctx) = request().await?;
    payouts::dashboard_link(&state, &ctx)
        .await
        .map_err(|e| e.to_app_error(ctx.locale))
}

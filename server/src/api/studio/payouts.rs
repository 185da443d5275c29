//! `GET /api/v1/studio/payouts`, `POST /api/v1/studio/payouts/settings`,
//! `POST /api/v1/studio/payouts/dashboard-link`

use axum::extract::State;
use axum::Json;

use app::backend::{payments::payouts, AppState};
use app::model::payouts::{DashboardLink, Payout, PayoutSettings};

use crate::api::caller::Caller;
use crate::api::error::{ApiError, ErrorBody};
use crate::api::json::ApiJson;

/// Your payouts to your bank, newest first, each with the sales (and their
/// refunds) it held. No payout account yet: an empty list.
#[utoipa::path(
    get,
    path = "/api/v1/studio/payouts",
    tag = "payouts",
    responses(
        (status = 200, description = "Payouts, newest first", body = Vec<Payout>),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Not a teacher", body = ErrorBody),
    )
)]
pub async fn list(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<Json<Vec<Payout>>, ApiError> {
    let ctx = caller.ctx;
    payouts::list(&state, &ctx)
        .await
        .map(Json)
        .map_err(|e| e.to_app_error(ctx.locale).into())
}

/// Sets how often you are paid out (`daily`, `weekly` on Mondays, `monthly`
/// on the 1st) and the prefix of your buyers' card statements (2–10
/// characters, at least one letter, none of `<>\'"*`; empty for none). Sent
/// to Stripe first: when Stripe refuses or does not answer, nothing changes.
#[utoipa::path(
    post,
    path = "/api/v1/studio/payouts/settings",
    tag = "payouts",
    request_body = PayoutSettings,
    responses(
        (status = 200, description = "The saved settings", body = PayoutSettings),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Not a teacher", body = ErrorBody),
        (status = 409, description = "No payout account yet", body = ErrorBody),
        (status = 422, description = "A bad interval or prefix, or Stripe refused them", body = ErrorBody),
        (status = 503, description = "Stripe is unavailable", body = ErrorBody),
    )
)]
pub async fn save_settings(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(settings): ApiJson<PayoutSettings>,
) -> Result<Json<PayoutSettings>, ApiError> {
    let ctx = caller.ctx;
    payouts::save_settings(
        &state,
        &ctx,
        &settings.schedule_interval,
        settings.statement_descriptor_prefix.as_deref(),
    )
    .await
    .map(Json)
    .map_err(|e| e.to_app_error(ctx.locale).into())
}

/// A fresh single-use link that signs you in to your Express dashboard on
/// Stripe. Refused until your payout account's onboarding is finished.
#[utoipa::path(
    post,
    path = "/api/v1/studio/payouts/dashboard-link",
    tag = "payouts",
    responses(
        (status = 200, description = "Where to send the teacher", body = DashboardLink),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Not a teacher", body = ErrorBody),
        (status = 409, description = "The payout account is missing or not onboarded", body = ErrorBody),
        (status = 503, description = "Stripe is unavailable", body = ErrorBody),
    )
)]
pub async fn dashboard_link(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<Json<DashboardLink>, ApiError> {
    let ctx = caller.ctx;
    payouts::dashboard_link(&state, &ctx)
        .await
        .map(Json)
        .map_err(|e| e.to_app_error(ctx.locale).into())
}

//! `POST /api/v1/connect/onboarding`

use axum::extract::State;
use axum::Json;
use serde::Serialize;
use utoipa::ToSchema;

use app::backend::{payments::connect, AppState};

use crate::api::caller::Caller;
use crate::api::error::{ApiError, ErrorBody};

#[derive(Debug, Serialize, ToSchema)]
pub struct OnboardingLink {
    /// Stripe's hosted onboarding page; single use, expires within minutes.
    pub url: String,
}

/// Creates the teacher's Express account on first use and returns a fresh
/// onboarding link.
#[utoipa::path(
    post,
    path = "/api/v1/connect/onboarding",
    tag = "connect",
    responses(
        (status = 200, description = "Where to send the teacher", body = OnboardingLink),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Not a teacher", body = ErrorBody),
        (status = 503, description = "Stripe is unavailable", body = ErrorBody),
    )
)]
pub async fn start_onboarding(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<Json<OnboardingLink>, ApiError> {
    let ctx = caller.ctx;
    connect::start_onboarding(&state, &ctx)
        .await
        .map(|url| Json(OnboardingLink { url }))
        .map_err(|e| e.to_app_error(ctx.locale).into())
}

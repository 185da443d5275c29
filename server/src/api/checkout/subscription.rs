//! `POST /api/v1/checkout/subscription`

use axum::extract::State;
use axum::Json;

use app::backend::{membership::subscriptions, AppState};
use app::model::membership::SubscriptionStarted;

use crate::api::caller::Caller;
use crate::api::error::{ApiError, ErrorBody};

/// Starts the membership: `{subscription_id, client_secret, status}` for the
/// Payment Element to pay the first invoice. One per user: asking again
/// returns the existing subscription.
#[utoipa::path(
    post,
    path = "/api/v1/checkout/subscription",
    tag = "membership",
    responses(
        (status = 200, description = "The subscription and how to pay it", body = SubscriptionStarted),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 503, description = "Stripe is unavailable", body = ErrorBody),
    )
)]
pub async fn start(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<Json<SubscriptionStarted>, ApiError> {
    let ctx = caller.ctx;
    subscriptions::subscribe(&state, &ctx)
        .await
        .map(Json)
        .map_err(|e| e.to_app_error(ctx.locale).into())
}

//! `GET /api/v1/membership`

use axum::extract::State;
use axum::Json;

use app::backend::{membership::subscriptions, AppState};
use app::model::membership::MembershipView;

use crate::api::caller::Caller;
use crate::api::error::{ApiError, ErrorBody};

/// Your membership: Stripe's status, whether recordings are open to you, the
/// paid period and whether it ends there.
#[utoipa::path(
    get,
    path = "/api/v1/membership",
    tag = "membership",
    responses(
        (status = 200, description = "The membership", body = MembershipView),
        (status = 401, description = "Not signed in", body = ErrorBody),
    )
)]
pub async fn status(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<Json<MembershipView>, ApiError> {
    let ctx = caller.ctx;
    subscriptions::get(&state, &ctx)
        .await
        .map(Json)
        .map_err(|e| e.to_app_error(ctx.locale).into())
}

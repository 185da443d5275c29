//! `GET /api/v1/admin/events`, `GET /api/v1/admin/outbox` and
//! `POST /api/v1/admin/outbox/{id}/resend`

use axum::extract::State;
use axum::Json;
use serde::{Deserialize, Serialize};

use app::backend::{admin::system, AppState};
use app::model::admin::{EventList, OutboxList};

use crate::api::caller::Caller;
use crate::api::error::{ApiError, ErrorBody};
use crate::api::id::IdPath;
use crate::api::query::ApiQuery;

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ProblemsOnly {
    /// Only the failed or retried ones.
    #[serde(default)]
    pub problems: bool,
}

/// The newest 100 webhook events with their outcome and order, and the
/// counts per outcome of all stored events.
#[utoipa::path(
    get,
    path = "/api/v1/admin/events",
    tag = "admin",
    params(ProblemsOnly),
    responses(
        (status = 200, description = "Events, newest first", body = EventList),
        (status = 404, description = "Not an admin", body = ErrorBody),
    )
)]
pub async fn events(
    State(state): State<AppState>,
    caller: Caller,
    ApiQuery(query): ApiQuery<ProblemsOnly>,
) -> Result<Json<EventList>, ApiError> {
    let ctx = caller.ctx;
    system::events(&state, &ctx, query.problems)
        .await
        .map(Json)
        .map_err(|e| e.to_app_error(ctx.locale).into())
}

/// The newest 100 emails (queued, sent, failed) and the counts of each.
#[utoipa::path(
    get,
    path = "/api/v1/admin/outbox",
    tag = "admin",
    params(ProblemsOnly),
    responses(
        (status = 200, description = "Emails, newest first", body = OutboxList),
        (status = 404, description = "Not an admin", body = ErrorBody),
    )
)]
pub async fn outbox(
    State(state): State<AppState>,
    caller: Caller,
    ApiQuery(query): ApiQuery<ProblemsOnly>,
) -> Result<Json<OutboxList>, ApiError> {
    let ctx = caller.ctx;
    system::outbox(&state, &ctx, query.problems)
        .await
        .map(Json)
        .map_err(|e| e.to_app_error(ctx.locale).into())
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Resent {
    /// `false`: the email was not given up (already queued again, or sent).
    pub queued_again: bool,
}

/// Sends a given-up email again (a fresh set of attempts). Idempotent.
#[utoipa::path(
    post,
    path = "/api/v1/admin/outbox/{id}/resend",
    tag = "admin",
    params(("id" = String, Path, description = "Outbox id")),
    responses(
        (status = 200, description = "Whether it was queued again", body = Resent),
        (status = 404, description = "Not an admin, or no such email", body = ErrorBody),
    )
)]
pub async fn resend(
    State(state): State<AppState>,
    caller: Caller,
    IdPath(id): IdPath,
) -> Result<Json<Resent>, ApiError> {
    let ctx = caller.ctx;
    system::resend(&state, &ctx, &id)
        .await
        .map(|queued_again| Json(Resent { queued_again }))
        .map_err(|e| e.to_app_error(ctx.locale).into())
}

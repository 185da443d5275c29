//! `POST /api/v1/account/calendar-feed`

use axum::extract::State;
use axum::Json;

use app::backend::{attendance::feeds, AppState};
use app::model::join::{CalendarFeed, CalendarFeedRequest};

use crate::api::caller::Caller;
use crate::api::error::{ApiError, ErrorBody};
use crate::api::json::ApiJson;

/// Your calendar feed's address, made on first use. With `{"rotate": true}`
/// a new address is issued and the old one answers 404 from then on.
#[utoipa::path(
    post,
    path = "/api/v1/account/calendar-feed",
    tag = "accounts",
    request_body = CalendarFeedRequest,
    responses(
        (status = 200, description = "The feed's address", body = CalendarFeed),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 422, description = "The body is malformed", body = ErrorBody),
    )
)]
pub async fn calendar_feed(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(request): ApiJson<CalendarFeedRequest>,
) -> Result<Json<CalendarFeed>, ApiError> {
    let ctx = caller.ctx;
    feeds::address(&state, &ctx, request.rotate)
        .await
        .map(|url| Json(CalendarFeed { url }))
        .map_err(|e| e.to_app_error(ctx.locale).into())
}

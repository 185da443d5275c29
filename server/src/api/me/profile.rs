//! `PATCH /api/v1/me`

use axum::extract::State;
use axum::Json;
use serde::Deserialize;

use app::backend::accounts::profile::{self, ProfileChange};
use app::backend::AppState;
use app::model::{Locale, User};

use crate::api::caller::Caller;
use crate::api::error::{ApiError, ErrorBody};
use crate::api::json::ApiJson;

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct ProfileRequest {
    pub display_name: Option<String>,
    pub locale: Option<Locale>,
    /// An IANA zone, e.g. `America/New_York`: every time is shown in it.
    pub time_zone: Option<String>,
}

/// Change your name, language or time zone (the fields that are present).
#[utoipa::path(
    patch,
    path = "/api/v1/me",
    tag = "accounts",
    request_body = ProfileRequest,
    responses(
        (status = 200, description = "The user as they now are", body = User),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 422, description = "An empty or too long name, or an unknown time zone", body = ErrorBody),
    )
)]
pub async fn update(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(body): ApiJson<ProfileRequest>,
) -> Result<Json<User>, ApiError> {
    let ctx = caller.ctx;
    let change = ProfileChange {
        display_name: body.display_name.as_deref(),
        locale: body.locale,
        time_zone: body.time_zone.as_deref(),
    };
    profile::update(&state, &ctx, change)
        .await
        .map(Json)
        .map_err(|e| e.to_app_error(ctx.locale).into())
}

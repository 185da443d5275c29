//! `GET /api/v1/me/devices`, `DELETE /api/v1/me/devices/{id}` and
//! `POST /api/v1/me/devices/sign-out-others`

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use serde::Serialize;

use app::backend::{accounts::devices, AppState};
use app::model::account::Device;

use crate::api::caller::Caller;
use crate::api::error::{ApiError, ErrorBody};
use crate::api::id::IdPath;

/// Your signed-in devices, the most recently used first; `current` is this one.
#[utoipa::path(
    get,
    path = "/api/v1/me/devices",
    tag = "accounts",
    responses(
        (status = 200, description = "Your devices", body = Vec<Device>),
        (status = 401, description = "Not signed in", body = ErrorBody),
    )
)]
pub async fn list(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<Json<Vec<Device>>, ApiError> {
    let ctx = caller.ctx;
    devices::list(&state, &ctx)
        .await
        .map(Json)
        .map_err(|e| e.to_app_error(ctx.locale).into())
}

/// Sign out one of your devices.
#[utoipa::path(
    delete,
    path = "/api/v1/me/devices/{id}",
    tag = "accounts",
    params(("id" = String, Path, description = "The device's id")),
    responses(
        (status = 204, description = "Signed out"),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 404, description = "No such device of yours", body = ErrorBody),
    )
)]
pub async fn sign_out(
    State(state): State<AppState>,
    caller: Caller,
    IdPath(id): IdPath,
) -> Result<StatusCode, ApiError> {
    let ctx = caller.ctx;
    devices::sign_out(&state, &ctx, &id)
        .await
        .map_err(|e| e.to_app_error(ctx.locale))?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct SignedOut {
    /// How many devices were signed out.
    pub signed_out: u64,
}

/// Sign out every device but this one.
#[utoipa::path(
    post,
    path = "/api/v1/me/devices/sign-out-others",
    tag = "accounts",
    responses(
        (status = 200, description = "The others are signed out", body = SignedOut),
        (status = 401, description = "Not signed in", body = ErrorBody),
    )
)]
pub async fn sign_out_others(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<Json<SignedOut>, ApiError> {
    let ctx = caller.ctx;
    devices::sign_out_others(&state, &ctx)
        .await
        .map(|signed_out| Json(SignedOut { signed_out }))
        .map_err(|e| e.to_app_error(ctx.locale).into())
}

//! `GET /api/v1/me/export`

use axum::extract::State;
use axum::http::header;
use axum::response::IntoResponse;
use axum::Json;

use app::backend::accounts::export::{self, MyData};
use app::backend::AppState;

use crate::api::caller::Caller;
use crate::api::error::{ApiError, ErrorBody};

/// Everything Aveli holds about you, as a JSON file (never a password or a
/// token hash, never another person's data).
#[utoipa::path(
    get,
    path = "/api/v1/me/export",
    tag = "accounts",
    responses(
        (status = 200, description = "Your data (aveli-data.json)", body = MyData),
        (status = 401, description = "Not signed in", body = ErrorBody),
    )
)]
pub async fn export(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<impl IntoResponse, ApiError> {
    let ctx = caller.ctx;
    let data = export::my_data(&state, &ctx)
        .await
        .map_err(|e| e.to_app_error(ctx.locale))?;
    Ok((
        [
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"aveli-data.json\"",
            ),
            (header::CACHE_CONTROL, "no-store"),
        ],
        Json(data),
    ))
}

//! `GET /api/v1/admin/audit`

use axum::extract::State;
use axum::Json;
use serde::Deserialize;

use app::backend::{admin::audit, AppState};
use app::model::admin::AuditPage;

use crate::api::caller::Caller;
use crate::api::error::{ApiError, ErrorBody};
use crate::api::query::ApiQuery;

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AuditQuery {
    /// 1 is the newest page.
    pub page: Option<i64>,
}

/// Every admin action, newest first, 50 a page: who, what, when, before and after.
#[utoipa::path(
    get,
    path = "/api/v1/admin/audit",
    tag = "admin",
    params(AuditQuery),
    responses(
        (status = 200, description = "A page of the audit trail", body = AuditPage),
        (status = 404, description = "Not an admin", body = ErrorBody),
    )
)]
pub async fn list(
    State(state): State<AppState>,
    caller: Caller,
    ApiQuery(query): ApiQuery<AuditQuery>,
) -> Result<Json<AuditPage>, ApiError> {
    let ctx = caller.ctx;
    audit::list(&state, &ctx, query.page)
        .await
        .map(Json)
        .map_err(|e| e.to_app_error(ctx.locale).into())
}

//! `POST /api/v1/studio/sessions` and `GET /api/v1/studio/sessions`

use axum::extract::State;
use axum::Json;
use chrono::{DateTime, Utc};
use serde::Deserialize;

use app::backend::{catalog::sessions, AppState};
use app::i18n::strings;
use app::model::session::{Session, SessionInput, Visibility};
use app::model::{AppError, ErrorCode};

use crate::api::caller::Caller;
use crate::api::error::{ApiError, ErrorBody};
use crate::api::json::ApiJson;
use crate::api::query::ApiQuery;

/// Create a session, or update one of your own when `id` is given.
#[utoipa::path(
    post,
    path = "/api/v1/studio/sessions",
    tag = "studio",
    request_body = SessionInput,
    responses(
        (status = 200, description = "The saved session", body = Session),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Not a teacher, or another teacher's session", body = ErrorBody),
        (status = 404, description = "No session with that id", body = ErrorBody),
        (status = 409, description = "payments_not_enabled: a paid session cannot be published yet", body = ErrorBody),
        (status = 422, description = "A rule was broken; the message says which", body = ErrorBody),
    )
)]
pub async fn save_session(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(input): ApiJson<SessionInput>,
) -> Result<Json<Session>, ApiError> {
    let ctx = caller.ctx;
    sessions::save(&state, &ctx, &input)
        .await
        .map(Json)
        .map_err(|e| e.to_app_error(ctx.locale).into())
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct ListQuery {
    /// `published` (default, public) or `draft` (the teacher's own).
    pub status: Option<String>,
    /// `now` (default) or an RFC 3339 instant: sessions with a slot from then on.
    pub from: Option<String>,
}

/// Published sessions with a slot after `from`, soonest first; or, with
/// `status=draft`, the signed-in teacher's drafts.
#[utoipa::path(
    get,
    path = "/api/v1/studio/sessions",
    tag = "studio",
    params(ListQuery),
    responses(
        (status = 200, description = "Sessions", body = Vec<Session>),
        (status = 401, description = "Drafts asked for without signing in", body = ErrorBody),
        (status = 403, description = "Drafts asked for by a non-teacher", body = ErrorBody),
        (status = 422, description = "Bad status or from", body = ErrorBody),
    )
)]
pub async fn list_sessions(
    State(state): State<AppState>,
    caller: Caller,
    ApiQuery(query): ApiQuery<ListQuery>,
) -> Result<Json<Vec<Session>>, ApiError> {
    let ctx = caller.ctx;
    let bad = |what: &str| {
        ApiError(AppError::new(
            ErrorCode::Validation,
            format!("{}: {what}", strings(ctx.locale).err_bad_request),
        ))
    };
    let status = match query.status.as_deref() {
        None => Visibility::Published,
        Some(s) => Visibility::parse(s).ok_or_else(|| bad("status=published|draft"))?,
    };
    let from: DateTime<Utc> = match query.from.as_deref() {
        None | Some("now") => state.clock.now_utc(),
        Some(s) => DateTime::parse_from_rfc3339(s)
            .map_err(|_| bad("from=now|RFC 3339"))?
            .with_timezone(&Utc),
    };
    let result = match status {
        Visibility::Published => sessions::list_published(&state, &ctx, from, 200).await,
        Visibility::Draft => sessions::list_own(&state, &ctx, Some(Visibility::Draft)).await,
    };
    result
        .map(Json)
        .map_err(|e| e.to_app_error(ctx.locale).into())
}

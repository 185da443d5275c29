//! `GET /api/v1/moon?from=…&to=…`

use axum::Json;
use chrono::{DateTime, Duration, NaiveTime, Utc};
use serde::{Deserialize, Serialize};

use app::i18n::strings;
use app::model::moon::{self, PrincipalPhase};
use app::model::{AppError, ErrorCode};

use crate::api::caller::Caller;
use crate::api::error::{ApiError, ErrorBody};
use crate::api::query::ApiQuery;

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct MoonQuery {
    /// RFC 3339 instant.
    #[param(format = DateTime)]
    pub from: String,
    /// RFC 3339 instant, at most 400 days after `from`.
    #[param(format = DateTime)]
    pub to: String,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct PhaseAt {
    /// new | first_quarter | full | last_quarter
    #[schema(value_type = String)]
    pub phase: PrincipalPhase,
    pub at: DateTime<Utc>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct DayFraction {
    /// 12:00 UTC of the day.
    pub at: DateTime<Utc>,
    /// Illuminated fraction of the disc, 0–1.
    pub illuminated: f64,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct MoonResponse {
    pub phases: Vec<PhaseAt>,
    pub days: Vec<DayFraction>,
}

const MAX_DAYS: i64 = 400;

/// The principal moon phases in a range, and the illuminated fraction at
/// 12:00 UTC of each day in it (Meeus, Astronomical Algorithms ch. 48–49).
#[utoipa::path(
    get,
    path = "/api/v1/moon",
    tag = "moon",
    params(MoonQuery),
    responses(
        (status = 200, description = "Phases and daily fractions", body = MoonResponse),
        (status = 422, description = "Bad or too long range", body = ErrorBody),
    )
)]
pub async fn moon(
    caller: Caller,
    ApiQuery(query): ApiQuery<MoonQuery>,
) -> Result<Json<MoonResponse>, ApiError> {
    let bad = |what: &str| {
        ApiError(AppError::new(
            ErrorCode::Validation,
            format!("{}: {what}", strings(caller.ctx.locale).err_bad_request),
        ))
    };
    let parse = |s: &str| DateTime::parse_from_rfc3339(s).map(|t| t.with_timezone(&Utc));
    let from = parse(&query.from).map_err(|_| bad("from must be RFC 3339"))?;
    let to = parse(&query.to).map_err(|_| bad("to must be RFC 3339"))?;
    if to <= from || to - from > Duration::days(MAX_DAYS) {
        return Err(bad("to must be after from, at most 400 days"));
    }
    let phases = moon::principal_phases_between(from, to)
        .into_iter()
        .map(|e| PhaseAt {
            phase: e.phase,
            at: e.at,
        })
        .collect();
    let noon = NaiveTime::from_hms_opt(12, 0, 0).unwrap_or_default();
    let mut day = from.date_naive().and_time(noon).and_utc();
    if day < from {
        day += Duration::days(1);
    }
    let mut days = Vec::new();
    while day < to {
        days.push(DayFraction {
            at: day,
            illuminated: (moon::illuminated_fraction(day) * 1000.0).round() / 1000.0,
        });
        day += Duration::days(1);
    }
    Ok(Json(MoonResponse { phases, days }))
}

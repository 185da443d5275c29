//! `POST /_test/clock` and `DELETE /_test/clock`: moves the server's one clock
//! (`app::backend::Clock`) so Playwright and outside checks can step past a
//! hold's expiry or a cancellation window without waiting. Mounted only while
//! payments are simulated and `APP_ENV` is not `production` (see
//! `startup::router`); a live deployment has no such route.
//!
//! Body: `{"advance_seconds": N}` or `{"set": "2027-03-28T00:59:00Z"}`.
//! Answers the clock's new time and its offset from the system clock.

use axum::extract::State;
use axum::Json;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use app::backend::AppState;
use app::model::{AppError, ErrorCode};

use crate::api::error::ApiError;
use crate::api::json::ApiJson;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClockChange {
    advance_seconds: Option<i64>,
    set: Option<DateTime<Utc>>,
}

#[derive(Debug, Serialize)]
pub struct ClockNow {
    now: DateTime<Utc>,
    offset_seconds: i64,
}

fn now(state: &AppState) -> Json<ClockNow> {
    Json(ClockNow {
        now: state.clock.now_utc(),
        offset_seconds: state.clock.offset_secs(),
    })
}

pub async fn change(
    State(state): State<AppState>,
    ApiJson(change): ApiJson<ClockChange>,
) -> Result<Json<ClockNow>, ApiError> {
    match (change.advance_seconds, change.set) {
        (Some(secs), None) => state.clock.advance(secs),
        (None, Some(at)) => state.clock.set(at),
        _ => {
            return Err(ApiError(AppError::new(
                ErrorCode::Validation,
                "give exactly one of advance_seconds or set",
            )))
        }
    }
    Ok(now(&state))
}

pub async fn reset(State(state): State<AppState>) -> Json<ClockNow> {
    state.clock.reset();
    now(&state)
}

//! `POST /api/v1/checkout/course`

use axum::extract::State;
use axum::Json;
use serde::Deserialize;

use app::backend::{booking::course_checkout, AppState};
use app::model::order::CheckoutStarted;

use crate::api::caller::Caller;
use crate::api::error::{ApiError, ErrorBody};
use crate::api::json::ApiJson;

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct CourseCheckoutRequest {
    pub course_id: String,
}

/// Starts buying a course: returns the order and the client secret for
/// Stripe's Payment Element (none for a free course, joined at once). The
/// price is the server's. Asking again while the order is unpaid returns the
/// same order and secret; the payment webhook enrols the student.
#[utoipa::path(
    post,
    path = "/api/v1/checkout/course",
    tag = "checkout",
    request_body = CourseCheckoutRequest,
    responses(
        (status = 200, description = "The order and how to pay it", body = CheckoutStarted),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 404, description = "No such course, or it is not published", body = ErrorBody),
        (status = 409, description = "Already enrolled (conflict), or the teacher cannot take payments (payments_not_enabled)", body = ErrorBody),
        (status = 503, description = "Stripe is unavailable (the order was cancelled)", body = ErrorBody),
        (status = 422, description = "Malformed JSON, no JSON Content-Type, or control characters", body = ErrorBody),
    )
)]
pub async fn start(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(body): ApiJson<CourseCheckoutRequest>,
) -> Result<Json<CheckoutStarted>, ApiError> {
    let ctx = caller.ctx;
    course_checkout::start(&state, &ctx, &body.course_id)
        .await
        .map(Json)
        .map_err(|e| e.to_app_error(ctx.locale).into())
}

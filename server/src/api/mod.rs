//! The REST API under `/api/v1`: one file per endpoint, named after its URL.
//! Handlers are thin: they call the same backend services as the server
//! functions. The OpenAPI document is generated from the handlers.

pub mod admin;
pub mod auth;
pub mod bookings;
pub mod calendar_feed;
pub mod caller;
pub mod checkout;
pub mod connect;
pub mod courses;
pub mod error;
pub mod id;
pub mod json;
pub mod me;
pub mod membership;
pub mod moon;
pub mod openapi;
pub mod orders;
pub mod query;
pub mod sessions;
pub mod studio;
pub mod teachers;

use axum::extract::FromRef;
use axum::routing::{any, get};
use axum::{Json, Router};
use utoipa::OpenApi;
use utoipa_axum::{router::OpenApiRouter, routes};

use app::backend::AppState;
use app::i18n::strings;
use app::model::{AppError, ErrorCode};

use self::error::ApiError;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Aveli API",
        version = "1",
        description = "Live teaching marketplace"
    ),
    components(schemas(error::ErrorBody, AppError, ErrorCode))
)]
struct ApiDoc;

/// The REST routes and `GET /api/v1/openapi.json`; any other path under
/// `/api/v1` is a JSON 404.
pub fn router<S>() -> Router<S>
where
    S: Clone + Send + Sync + 'static,
    AppState: FromRef<S>,
{
    let (router, mut document) = OpenApiRouter::<S>::with_openapi(ApiDoc::openapi())
        .routes(routes!(auth::signup::signup))
        .routes(routes!(auth::login::login))
        .routes(routes!(auth::logout::logout))
        .routes(routes!(auth::password::forgot))
        .routes(routes!(auth::password::reset))
        .routes(routes!(auth::email_confirm::confirm))
        .routes(routes!(
            me::get::me,
            me::profile::update,
            me::delete::delete
        ))
        .routes(routes!(me::password::change))
        .routes(routes!(me::email::change))
        .routes(routes!(me::email::resend))
        .routes(routes!(me::devices::list))
        .routes(routes!(me::devices::sign_out))
        .routes(routes!(me::devices::sign_out_others))
        .routes(routes!(me::export::export))
        .routes(routes!(teachers::become_teacher))
        .routes(routes!(
            studio::sessions::save_session,
            studio::sessions::list_sessions
        ))
        .routes(routes!(studio::slots::add_slot))
        .routes(routes!(
            studio::slots::update_slot,
            studio::slots::delete_slot
        ))
        .routes(routes!(sessions::slots::list_slots))
        .routes(routes!(moon::moon))
        .routes(routes!(connect::onboarding::start_onboarding))
        .routes(routes!(connect::status::status))
        .routes(routes!(checkout::session::start))
        .routes(routes!(checkout::subscription::start))
        .routes(routes!(studio::courses::save_course))
        .routes(routes!(courses::list::list_courses))
        .routes(routes!(courses::get::get_course))
        .routes(routes!(checkout::course::start))
        .routes(routes!(membership::status::status))
        .routes(routes!(membership::cancel::cancel))
        .routes(routes!(membership::cancel::resume))
        .routes(routes!(orders::get_order))
        .routes(routes!(bookings::list::list))
        .routes(routes!(bookings::cancel::cancel))
        .routes(routes!(bookings::ics::download))
        .routes(routes!(studio::slots::cancel_slot))
        .routes(routes!(studio::slots::attendees))
        .routes(routes!(calendar_feed::calendar_feed))
        .routes(routes!(admin::teachers::list))
        .routes(routes!(admin::teachers::update))
        .routes(routes!(admin::orders::list))
        .routes(routes!(admin::orders::get))
        .routes(routes!(admin::refunds::create))
        .routes(routes!(admin::audit::list))
        .routes(routes!(admin::disputes::list))
        .routes(routes!(admin::disputes::submit_evidence))
        .routes(routes!(admin::system::events))
        .routes(routes!(admin::system::outbox))
        .routes(routes!(admin::system::resend))
        .routes(routes!(studio::payouts::list))
        .routes(routes!(studio::payouts::save_settings))
        .routes(routes!(studio::payouts::dashboard_link))
        .split_for_parts();
    openapi::add_shared_responses(&mut document);
    router
        .route(
            "/api/v1/openapi.json",
            get(move || async move { Json(document) }),
        )
        .route("/api/v1", any(not_found))
        .route("/api/v1/{*rest}", any(not_found))
}

async fn not_found(caller: caller::Caller) -> ApiError {
    ApiError(AppError::new(
        ErrorCode::NotFound,
        strings(caller.ctx.locale).err_not_found,
    ))
}

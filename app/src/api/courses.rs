//! Courses: the public catalogue, one course, buying it, and the teacher's
//! own courses in the studio.

use leptos::prelude::*;

use crate::model::course::{Course, CourseInput, EnrolledCourse};
use crate::model::order::CheckoutStarted;
use crate::model::AppError;

#[cfg(feature = "ssr")]
use {
    super::context::request,
    crate::backend::{booking::course_checkout, catalog::courses},
};

/// Published courses, newest first.
#[server]
pub async fn published_courses() -> Result<Vec<Course>, AppError> {
    let (state, ctx) = request().await?;
    courses::list_published(&state, &ctx)
        .await
        .map_err(|e| e.to_app_error(ctx.locale))
}

/// The newest published courses for the landing page.
#[server]
pub async fn landing_courses() -> Result<Vec<Course>, AppError> {
    let (state, ctx) = request().await?;
    courses::newest_published(&state, &ctx, courses::LANDING_LIMIT)
        .await
        .map_err(|e| e.to_app_error(ctx.locale))
}

/// "Mina kurser": the courses the signed-in student is enrolled in.
#[server]
pub async fn enrolled_courses() -> Result<Vec<EnrolledCourse>, AppError> {
    let (state, ctx) = request().await?;
    courses::enrolled_courses(&state, &ctx)
        .await
        .map_err(|e| e.to_app_error(ctx.locale))
}

/// "Rekommenderade kurser" for the signed-in student.
#[server]
pub async fn recommended_courses() -> Result<Vec<Course>, AppError> {
    let (state, ctx) = request().await?;
    courses::recommended(&state, &ctx)
        .await
        .map_err(|e| e.to_app_error(ctx.locale))
}

/// One course, if the caller may see it (lesson links only with access).
#[server]
pub async fn get_course(id: String) -> Result<Course, AppError> {
    let (state, ctx) = request().await?;
    courses::get(&state, &ctx, &id)
        .await
        .map_err(|e| e.to_app_error(ctx.locale))
}

/// Starts buying a course (or joins a free one at once).
#[server]
pub async fn start_course_checkout(course_id: String) -> Result<CheckoutStarted, AppError> {
    let (state, ctx) = request().await?;
    course_checkout::start(&state, &ctx, &course_id)
        .await
        .map_err(|e| e.to_app_error(ctx.locale))
}

/// All of the teacher's courses, drafts included.
#[server]
pub async fn my_courses() -> Result<Vec<Course>, AppError> {
    let (state, ctx) = request().await?;
    courses::list_own(&state, &ctx)
        .await
        .map_err(|e| e.to_app_error(ctx.locale))
}

/// Creates (no id) or updates a course and its lessons.
#[server(input = server_fn::codec::Json)]
pub async fn save_course(input: CourseInput) -> Result<Course, AppError> {
    let (state, ctx) = request().await?;
    courses::save(&state, &ctx, &input)
        .await
        .map_err(|e| e.to_app_error(ctx.locale))
}

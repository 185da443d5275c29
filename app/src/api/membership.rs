//! Membership: start it (the Payment Element pays the first invoice), read
//! it, cancel at period end and resume.

use leptos::prelude::*;

use crate::model::membership::{MembershipView, SubscriptionStarted};
use crate::model::AppError;

#[cfg(feature = "ssr")]
use {super::context::request, crate::backend::membership::subscriptions};

#[server]
pub async fn start_membership() -> Result<SubscriptionStarted, AppError> {
    let (state, ctx) = request().await?;
    subscriptions::subscribe(&state, &ctx)
        .await
        .map_err(|e| e.to_app_error(ctx.locale))
}

#[server]
pub async fn my_membership() -> Result<MembershipView, AppError> {
    let (state, ctx) = request().await?;
    subscriptions::get(&state, &ctx)
        .await
        .map_err(|e| e.to_app_error(ctx.locale))
}

/// `cancel = true` cancels at the end of the paid period; `false` resumes.
#[server]
pub async fn set_membership_cancel(cancel: bool) -> Result<MembershipView, AppError> {
    let (state, ctx) = request().await?;
    subscriptions::set_cancel(&state, &ctx, cancel)
        .await
        .map_err(|e| e.to_app_error(ctx.locale))
}

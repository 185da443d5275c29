//! Attending: the join page's data (no login: the token is the key).

use leptos::prelude::*;

use crate::model::join::JoinView;
use crate::model::AppError;

#[cfg(feature = "ssr")]
use {super::context::request, crate::backend::attendance::join};

/// Where the booking behind a join link stands; never the room's address.
#[server]
pub async fn join_page(token: String) -> Result<JoinView, AppError> {
    let (state, ctx) = request().await?;
    join::page(&state, &token)
        .await
        .map_err(|e| e.to_app_error(ctx.locale))
}

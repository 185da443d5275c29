//! Booking and paying: checkout for a seat, the receipt, "Min bokning" and
//! cancellations.

use leptos::prelude::*;

use crate::model::order::{Booking, CheckoutStarted, OrderView};
use crate::model::AppError;

#[cfg(feature = "ssr")]
use {
    super::context::request,
    crate::backend::{booking::checkout, booking::orders},
};

/// Takes a seat and starts paying for it (or books a free one at once).
#[server]
pub async fn start_checkout(slot_id: String) -> Result<CheckoutStarted, AppError> {
    let (state, ctx) = request().await?;
    checkout::start(&state, &ctx, &slot_id)
        .await
        .map_err(|e| e.to_app_error(ctx.locale))
}

/// One of the signed-in student's orders (the receipt page polls this).
#[server]
pub async fn get_order(id: String) -> Result<OrderView, AppError> {
    let (state, ctx) = request().await?;
    orders::get(&state, &ctx, &id)
        .await
        .map_err(|e| e.to_app_error(ctx.locale))
}

#[server]
pub async fn my_bookings() -> Result<Vec<Booking>, AppError> {
    let (state, ctx) = request().await?;
    orders::bookings(&state, &ctx)
        .await
        .map_err(|e| e.to_app_error(ctx.locale))
}

/// "Avboka": inside the window, a full refund.
#[server]
pub async fn cancel_booking(order_id: String) -> Result<OrderView, AppError> {
    let (state, ctx) = request().await?;
    orders::cancel_booking(&state, &ctx, &order_id)
        .await
        .map_err(|e| e.to_app_error(ctx.locale))
}

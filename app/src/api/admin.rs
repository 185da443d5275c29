//! The platform's console (`/admin`): teachers, orders, refunds and the
//! audit trail. Each calls the same backend service as its REST twin under
//! `/api/v1/admin`; the backend answers "not found" to anyone but an admin.

use leptos::prelude::*;

use crate::model::admin::{
    AdminDispute, AdminOrderDetail, AdminRefund, AdminTeacher, AuditPage, EventList,
    EvidenceSubmission, OrderPage, OrderQuery, OutboxList, RefundRequest, TeacherChange,
};
use crate::model::AppError;

#[cfg(feature = "ssr")]
use {
    super::context::request,
    crate::backend::admin::{audit, disputes, orders, refunds, system, teachers},
};

#[server]
pub async fn admin_teachers(q: Option<String>) -> Result<Vec<AdminTeacher>, AppError> {
    let (state, ctx) = request().await?;
    teachers::list(&state, &ctx, q.as_deref())
        .await
        .map_err(|e| e.to_app_error(ctx.locale))
}

#[server]
pub async fn update_teacher(
    teacher_id: String,
    change: TeacherChange,
) -> Result<AdminTeacher, AppError> {
    let (state, ctx) = request().await?;
    teachers::update(&state, &ctx, &teacher_id, &change)
        .await
        .map_err(|e| e.to_app_error(ctx.locale))
}

#[server]
pub async fn admin_orders(query: OrderQuery) -> Result<OrderPage, AppError> {
    let (state, ctx) = request().await?;
    orders::search(&state, &ctx, &query)
        .await
        .map_err(|e| e.to_app_error(ctx.locale))
}

#[server]
pub async fn admin_order(id: String) -> Result<AdminOrderDetail, AppError> {
    let (state, ctx) = request().await?;
    orders::detail(&state, &ctx, &id)
        .await
        .map_err(|e| e.to_app_error(ctx.locale))
}

/// `idempotency_key` is made by the page when the refund form opens, so a
/// double submit refunds once.
#[server]
pub async fn refund_order(
    order_id: String,
    idempotency_key: String,
    refund: RefundRequest,
) -> Result<AdminRefund, AppError> {
    let (state, ctx) = request().await?;
    refunds::refund(&state, &ctx, &order_id, &idempotency_key, &refund)
        .await
        .map_err(|e| e.to_app_error(ctx.locale))
}

#[server]
pub async fn admin_audit(page: Option<i64>) -> Result<AuditPage, AppError> {
    let (state, ctx) = request().await?;
    audit::list(&state, &ctx, page)
        .await
        .map_err(|e| e.to_app_error(ctx.locale))
}

#[server]
pub async fn admin_disputes() -> Result<Vec<AdminDispute>, AppError> {
    let (state, ctx) = request().await?;
    disputes::list(&state, &ctx)
        .await
        .map_err(|e| e.to_app_error(ctx.locale))
}

#[server]
pub async fn submit_dispute_evidence(
    dispute_id: String,
    submission: EvidenceSubmission,
) -> Result<AdminDispute, AppError> {
    let (state, ctx) = request().await?;
    disputes::submit_evidence(&state, &ctx, &dispute_id, &submission)
        .await
        .map_err(|e| e.to_app_error(ctx.locale))
}

/// `problems`: only the failed or retried events.
#[server]
pub async fn admin_events(problems: bool) -> Result<EventList, AppError> {
    let (state, ctx) = request().await?;
    system::events(&state, &ctx, problems)
        .await
        .map_err(|e| e.to_app_error(ctx.locale))
}

/// `failed_only`: only the emails that were given up.
#[server]
pub async fn admin_outbox(failed_only: bool) -> Result<OutboxList, AppError> {
    let (state, ctx) = request().await?;
    system::outbox(&state, &ctx, failed_only)
        .await
        .map_err(|e| e.to_app_error(ctx.locale))
}

/// Queues a given-up email again; `false` when it was not given up (already
/// queued again, or sent).
#[server]
pub async fn resend_email(id: String) -> Result<bool, AppError> {
    let (state, ctx) = request().await?;
    system::resend(&state, &ctx, &id)
        .await
        .map_err(|e| e.to_app_error(ctx.locale))
}

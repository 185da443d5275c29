//! `/admin/orders/:id`: one order with everything known about it — its
//! amounts and Stripe ids, then its history (Stripe events, emails, admin
//! refunds, audit rows) — and the refund form (`refund.rs`).

use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;

use crate::api::admin::{admin_order, RefundOrder};
use crate::i18n_admin::AdminStrings;
use crate::model::admin::{
    AdminOrderDetail, AdminRefund, AdminRefundStatus, AuditEntry, OrderEmail, OrderEventRecord,
};
use crate::ui::i18n_context::use_i18n;
use crate::ui::pages::admin::audit::AuditTable;
use crate::ui::pages::admin::orders::{kind_label, status_class, status_label};
use crate::ui::pages::admin::refund::{RefundDraft, RefundFacts, RefundOutcome, RefundSection};
use crate::ui::pages::admin::{failure, money, use_admin_i18n, when, AdminFrame, AdminTab};

#[component]
pub fn AdminOrderPage() -> impl IntoView {
    let i18n = use_i18n();
    let params = use_params_map();
    let id = Memo::new(move |_| params.read().get("id").unwrap_or_default());
    let refund = ServerAction::<RefundOrder>::new();
    // Refetched after every refund attempt: its row, the totals and the
    // history change with it.
    let detail = Resource::new(
        move || (id.get(), refund.version().get()),
        |(id, _)| admin_order(id),
    );
    // Outside the redrawn part, so what the admin typed survives a refetch.
    let draft = RefundDraft::new(refund);
    // Another order: nothing typed for the last one carries over.
    Effect::new(move |previous: Option<String>| {
        let now = id.get();
        if previous.is_some_and(|was| was != now) {
            draft.clear();
        }
        now
    });
    view! {
        <Transition fallback=move || view! { <p class="skeleton">{move || i18n.t().loading}</p> }>
            {move || {
                detail.get().map(|result| match result {
                    Ok(detail) => view! { <OrderDetail detail draft refund /> }.into_any(),
                    Err(err) => failure(err, AdminTab::Orders, |t| t.order_title),
                })
            }}
        </Transition>
        <RefundOutcome order_id=id draft refund />
    }
}

#[component]
fn OrderDetail(
    detail: AdminOrderDetail,
    draft: RefundDraft,
    refund: ServerAction<RefundOrder>,
) -> impl IntoView {
    let a = use_admin_i18n();
    let AdminOrderDetail {
        order,
        refundable_cents,
        teacher_share_cents,
        holds_seat,
        paid_at,
        updated_at,
        failure_reason,
        refund_reason,
        payment_method,
        stripe_payment_intent,
        stripe_charge_id,
        stripe_transfer_id,
        stripe_subscription,
        connected_account_id,
        events,
        emails,
        refunds,
        audit,
    } = detail;
    let currency = order.currency.clone();
    let cash = move |cents: i64| money(cents, &currency);
    let status = order.status;
    let kind = order.kind;
    let refund_facts = RefundFacts {
        order_id: order.id.clone(),
        student_email: order.student_email.clone(),
        currency: order.currency.clone(),
        amount_cents: order.amount_cents,
        teacher_share_cents,
        refundable_cents,
        paid_a_teacher: connected_account_id.is_some(),
    };
    let optional = |value: Option<String>| match value {
        Some(value) => view! { <code>{value}</code> }.into_any(),
        None => view! { <span class="muted">"–"</span> }.into_any(),
    };
    view! {
        <AdminFrame tab=AdminTab::Orders heading=|t| t.order_title>
            <p><A href="/admin/orders">{move || a.t().back_to_orders}</A></p>
            <h2 id="order-facts-title">{move || a.t().order_facts}</h2>
            <dl class="details admin-facts" data-testid="admin-order-facts">
                <dt>{move || a.t().col_order}</dt>
                <dd><code>{order.id.clone()}</code></dd>
                <dt>{move || a.t().col_student}</dt>
                <dd>{order.student_name} " · " {order.student_email}</dd>
                <dt>{move || a.t().col_title}</dt>
                <dd>{order.title}</dd>
                <dt>{move || a.t().col_teacher}</dt>
                <dd>{order.teacher_name.unwrap_or_else(|| "–".to_owned())}</dd>
                <dt>{move || a.t().col_kind}</dt>
                <dd>{move || kind_label(a.t(), kind)}</dd>
                <dt>{move || a.t().col_status}</dt>
                <dd data-testid="admin-order-status">
                    <span class=status_class(status)>{move || status_label(a.t(), status)}</span>
                    {order.disputed.then(|| view! {
                        " " <span class="badge badge-danger">{move || a.t().disputed}</span>
                    })}
                </dd>
                <dt>{move || a.t().col_amount}</dt>
                <dd>{cash(order.amount_cents)}</dd>
                <dt>{move || a.t().col_fee}</dt>
                <dd>{cash(order.fee_cents)}</dd>
                <dt>{move || a.t().teacher_share}</dt>
                <dd>{cash(teacher_share_cents)}</dd>
                <dt>{move || a.t().col_refunded}</dt>
                <dd data-testid="admin-order-refunded">{cash(order.refunded_cents)}</dd>
                <dt>{move || a.t().refundable}</dt>
                <dd>{cash(refundable_cents)}</dd>
                <dt>{move || a.t().seat_held}</dt>
                <dd>{move || if holds_seat { a.t().yes } else { a.t().no }}</dd>
                <dt>{move || a.t().col_created}</dt>
                <dd>{when(order.created_at)}</dd>
                <dt>{move || a.t().paid_at}</dt>
                <dd>{paid_at.map(when).unwrap_or_else(|| "–".to_owned())}</dd>
                <dt>{move || a.t().updated_at}</dt>
                <dd>{when(updated_at)}</dd>
                {failure_reason.map(|reason| view! {
                    <dt>{move || a.t().failure_reason}</dt>
                    <dd>{reason}</dd>
                })}
                {refund_reason.map(|reason| view! {
                    <dt>{move || a.t().refund_reason}</dt>
                    <dd>{reason}</dd>
                })}
            </dl>
            <h2 id="order-stripe-title">{move || a.t().stripe_ids}</h2>
            <dl class="details admin-facts">
                <dt>{move || a.t().payment_intent}</dt>
                <dd>{optional(stripe_payment_intent)}</dd>
                <dt>{move || a.t().charge}</dt>
                <dd>{optional(stripe_charge_id)}</dd>
                <dt>{move || a.t().transfer}</dt>
                <dd>{optional(stripe_transfer_id)}</dd>
                <dt>{move || a.t().subscription}</dt>
                <dd>{optional(stripe_subscription)}</dd>
                <dt>{move || a.t().connected_account}</dt>
                <dd>{optional(connected_account_id)}</dd>
                <dt>{move || a.t().payment_method}</dt>
                <dd>{optional(payment_method)}</dd>
            </dl>
        </AdminFrame>
        <section class="glass admin admin-history" aria-labelledby="order-history-title">
            <h2 id="order-history-title">{move || a.t().history}</h2>
            <History heading=|t| t.events_title id="order-events-title" empty=events.is_empty()>
                <EventsTable events labelled_by="order-events-title" />
            </History>
            <History heading=|t| t.emails_title id="order-emails-title" empty=emails.is_empty()>
                <EmailsTable emails labelled_by="order-emails-title" />
            </History>
            <History heading=|t| t.refunds_title id="order-refunds-title" empty=refunds.is_empty()>
                <RefundsTable refunds labelled_by="order-refunds-title" />
            </History>
            <History heading=|t| t.audit_title id="order-audit-title" empty=audit.is_empty()>
                <OrderAudit audit />
            </History>
        </section>
        <RefundSection facts=refund_facts draft refund />
    }
}

/// One part of the history: its heading, and its table or "nothing yet".
#[component]
fn History(
    heading: fn(&AdminStrings) -> &'static str,
    id: &'static str,
    empty: bool,
    children: Children,
) -> impl IntoView {
    let a = use_admin_i18n();
    let body = if empty {
        view! { <p class="muted">{move || a.t().nothing_yet}</p> }.into_any()
    } else {
        children().into_any()
    };
    view! {
        <h3 id=id>{move || heading(a.t())}</h3>
        {body}
    }
}

#[component]
fn OrderAudit(audit: Vec<AuditEntry>) -> impl IntoView {
    view! { <AuditTable entries=audit labelled_by="order-audit-title" /> }
}

#[component]
fn EventsTable(events: Vec<OrderEventRecord>, labelled_by: &'static str) -> impl IntoView {
    let a = use_admin_i18n();
    let rows = events
        .into_iter()
        .map(|event| {
            let outcome = match (event.last_error, event.processed_at) {
                (Some(error), _) => {
                    view! { <span class="badge badge-danger">{error}</span> }.into_any()
                }
                (None, Some(at)) => view! { <span>{when(at)}</span> }.into_any(),
                (None, None) => {
                    view! { <span class="badge badge-warn">{move || a.t().not_yet}</span> }
                        .into_any()
                }
            };
            view! {
                <tr data-testid="order-event-row">
                    <td><code>{event.event_type}</code></td>
                    <td class="nowrap">{when(event.received_at)}</td>
                    <td>{outcome}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <div class="table-scroll">
            <table class="sales-table admin-table" aria-labelledby=labelled_by>
                <thead>
                    <tr>
                        <th scope="col">{move || a.t().col_event}</th>
                        <th scope="col">{move || a.t().col_received}</th>
                        <th scope="col">{move || a.t().col_processed}</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
}

#[component]
fn EmailsTable(emails: Vec<OrderEmail>, labelled_by: &'static str) -> impl IntoView {
    let a = use_admin_i18n();
    let rows = emails
        .into_iter()
        .map(|email| {
            let attempts = email.attempts;
            let outcome = match (email.sent_at, email.last_error) {
                (Some(at), _) => view! { <span>{when(at)}</span> }.into_any(),
                (None, error) => view! {
                    <span class="badge badge-warn">
                        {move || a.t().email_attempts.replace("{n}", &attempts.to_string())}
                    </span>
                    {error.map(|error| view! { " " <span class="muted">{error}</span> })}
                }
                .into_any(),
            };
            view! {
                <tr data-testid="order-email-row">
                    <td><code>{email.kind}</code></td>
                    <td>{email.recipient}</td>
                    <td>{email.subject}</td>
                    <td class="nowrap">{when(email.created_at)}</td>
                    <td>{outcome}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <div class="table-scroll">
            <table class="sales-table admin-table" aria-labelledby=labelled_by>
                <thead>
                    <tr>
                        <th scope="col">{move || a.t().col_kind}</th>
                        <th scope="col">{move || a.t().col_recipient}</th>
                        <th scope="col">{move || a.t().col_subject}</th>
                        <th scope="col">{move || a.t().col_queued}</th>
                        <th scope="col">{move || a.t().col_sent}</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
}

#[component]
fn RefundsTable(refunds: Vec<AdminRefund>, labelled_by: &'static str) -> impl IntoView {
    let a = use_admin_i18n();
    let rows = refunds
        .into_iter()
        .map(|refund| {
            let status = refund.status;
            let reverse = refund.reverse_transfer;
            let fee = refund.refund_application_fee;
            let flags = move || {
                let t = a.t();
                let mut flags = Vec::new();
                if reverse {
                    flags.push(t.flag_reverse_transfer);
                }
                if fee {
                    flags.push(t.flag_application_fee);
                }
                if flags.is_empty() {
                    "–".to_owned()
                } else {
                    flags.join(", ")
                }
            };
            let status_id = refund.id.clone();
            view! {
                <tr data-testid="admin-refund-row" data-status=refund_status_code(status)
                    data-refund-id=status_id>
                    <td class="num nowrap">{money(refund.amount_cents, &refund.currency)}</td>
                    <td>{flags}</td>
                    <td class="admin-reason">{refund.reason}</td>
                    <td>
                        <span class=refund_status_class(status)>{move || refund_status_label(a.t(), status)}</span>
                    </td>
                    <td>{refund.admin_email}</td>
                    <td class="nowrap">{when(refund.created_at)}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <div class="table-scroll">
            <table class="sales-table admin-table" aria-labelledby=labelled_by>
                <thead>
                    <tr>
                        <th scope="col" class="num">{move || a.t().col_amount}</th>
                        <th scope="col">{move || a.t().col_choices}</th>
                        <th scope="col">{move || a.t().col_reason}</th>
                        <th scope="col">{move || a.t().col_status}</th>
                        <th scope="col">{move || a.t().col_by}</th>
                        <th scope="col">{move || a.t().col_time}</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
}

fn refund_status_code(status: AdminRefundStatus) -> &'static str {
    match status {
        AdminRefundStatus::Pending => "pending",
        AdminRefundStatus::Succeeded => "succeeded",
        AdminRefundStatus::Failed => "failed",
    }
}

fn refund_status_class(status: AdminRefundStatus) -> &'static str {
    match status {
        AdminRefundStatus::Pending => "badge badge-warn",
        AdminRefundStatus::Succeeded => "badge badge-ok",
        AdminRefundStatus::Failed => "badge badge-danger",
    }
}

pub fn refund_status_label(t: &AdminStrings, status: AdminRefundStatus) -> &'static str {
    match status {
        AdminRefundStatus::Pending => t.refund_pending,
        AdminRefundStatus::Succeeded => t.refund_succeeded,
        AdminRefundStatus::Failed => t.refund_failed,
    }
}

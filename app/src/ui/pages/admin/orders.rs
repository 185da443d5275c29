//! `/admin/orders`: every order, newest first, filtered by a search, a
//! status and a date range, a page at a time. The filters live in the
//! address (`?q=&status=&from=&to=&page=`), so a reload or a shared link
//! shows the same list.

use leptos::prelude::*;
use leptos_router::components::{Form, A};
use leptos_router::hooks::use_query_map;

use crate::api::admin::admin_orders;
use crate::i18n_admin::AdminStrings;
use crate::model::admin::{AdminOrder, OrderKind, OrderQuery};
use crate::model::order::OrderStatus;
use crate::ui::i18n_context::use_i18n;
use crate::ui::pages::admin::{
    encode, failure, money, use_admin_i18n, when, AdminFrame, AdminTab, Pager,
};

const STATUSES: [OrderStatus; 6] = [
    OrderStatus::Paid,
    OrderStatus::Pending,
    OrderStatus::Failed,
    OrderStatus::Expired,
    OrderStatus::Refunded,
    OrderStatus::Cancelled,
];

#[component]
pub fn AdminOrdersPage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let filters = Memo::new(move |_| {
        let map = query.read();
        let text = |key: &str| {
            map.get(key)
                .map(|v| v.trim().to_owned())
                .filter(|v| !v.is_empty())
        };
        OrderQuery {
            q: text("q"),
            status: text("status").and_then(|s| OrderStatus::parse(&s)),
            from: text("from"),
            to: text("to"),
            page: text("page")
                .and_then(|p| p.parse::<i64>().ok())
                .filter(|p| *p >= 1),
        }
    });
    let orders = Resource::new(move || filters.get(), admin_orders);
    view! {
        <Transition fallback=move || view! { <p class="skeleton">{move || i18n.t().loading}</p> }>
            {move || {
                orders.get().map(|result| {
                    let current = filters.get_untracked();
                    match result {
                        Ok(page) => {
                            let prev = (page.page > 1).then(|| list_href(&current, page.page - 1));
                            let next = page.has_more.then(|| list_href(&current, page.page + 1));
                            view! {
                                <AdminFrame tab=AdminTab::Orders heading=|t| t.orders_title>
                                    <FilterForm current />
                                    <OrdersTable orders=page.orders />
                                    <Pager page=page.page prev next />
                                </AdminFrame>
                            }
                            .into_any()
                        }
                        // A bad filter (a date) is the admin's to fix: keep the form.
                        Err(err) if !super::hidden(&err) => view! {
                            <AdminFrame tab=AdminTab::Orders heading=|t| t.orders_title>
                                <FilterForm current />
                                <p class="alert alert-error" role="alert">{err.message}</p>
                            </AdminFrame>
                        }
                        .into_any(),
                        Err(err) => failure(err, AdminTab::Orders, |t| t.orders_title),
                    }
                })
            }}
        </Transition>
    }
}

/// The list's address with these filters, on page `page`.
fn list_href(query: &OrderQuery, page: i64) -> String {
    let mut parts = Vec::new();
    let mut push = |key: &str, value: Option<&str>| {
        if let Some(value) = value {
            parts.push(format!("{key}={}", encode(value)));
        }
    };
    push("q", query.q.as_deref());
    push("status", query.status.map(OrderStatus::as_str));
    push("from", query.from.as_deref());
    push("to", query.to.as_deref());
    let page = page.to_string();
    push("page", (page != "1").then_some(page.as_str()));
    if parts.is_empty() {
        "/admin/orders".to_owned()
    } else {
        format!("/admin/orders?{}", parts.join("&"))
    }
}

/// A GET form: submitting it changes the address (and starts at page 1).
#[component]
fn FilterForm(current: OrderQuery) -> impl IntoView {
    let a = use_admin_i18n();
    let selected = current.status;
    let options = STATUSES
        .into_iter()
        .map(|status| {
            view! {
                <option value=status.as_str() selected=selected == Some(status)>
                    {move || status_label(a.t(), status)}
                </option>
            }
        })
        .collect_view();
    view! {
        <Form method="GET" action="/admin/orders" attr:class="admin-filters" attr:role="search"
            attr:aria-label=move || a.t().orders_filter_label>
            <div class="field admin-filter-wide">
                <label for="orders-q">{move || a.t().orders_search}</label>
                <input id="orders-q" class="input" type="search" name="q" autocomplete="off"
                    value=current.q.unwrap_or_default() aria-describedby="orders-q-hint" />
                <small id="orders-q-hint" class="field-hint">{move || a.t().orders_search_hint}</small>
            </div>
            <div class="field">
                <label for="orders-status">{move || a.t().col_status}</label>
                <select id="orders-status" class="input" name="status">
                    <option value="" selected=selected.is_none()>{move || a.t().status_all}</option>
                    {options}
                </select>
            </div>
            <div class="field">
                <label for="orders-from">{move || a.t().orders_from}</label>
                <input id="orders-from" class="input" type="date" name="from"
                    value=current.from.unwrap_or_default() />
            </div>
            <div class="field">
                <label for="orders-to">{move || a.t().orders_to}</label>
                <input id="orders-to" class="input" type="date" name="to"
                    value=current.to.unwrap_or_default() />
            </div>
            <div class="admin-filter-actions">
                <button type="submit" class="btn btn-primary" data-testid="orders-filter">
                    <span class="btn-label">{move || a.t().filter}</span>
                </button>
                <A href="/admin/orders" attr:class="btn btn-ghost">{move || a.t().filter_clear}</A>
            </div>
        </Form>
    }
}

#[component]
fn OrdersTable(orders: Vec<AdminOrder>) -> impl IntoView {
    let a = use_admin_i18n();
    if orders.is_empty() {
        return view! { <p class="muted" role="status">{move || a.t().orders_empty}</p> }
            .into_any();
    }
    let rows = orders
        .into_iter()
        .map(|order| {
            let href = format!("/admin/orders/{}", order.id);
            let status = order.status;
            let kind = order.kind;
            let refunded = (order.refunded_cents > 0)
                .then(|| money(order.refunded_cents, &order.currency));
            view! {
                <tr data-testid="admin-order-row" data-order-id=order.id.clone() data-status=status.as_str()>
                    <td class="nowrap"><A href=href>{when(order.created_at)}</A></td>
                    <td>{order.student_email}</td>
                    <td>{order.title}</td>
                    <td>{order.teacher_name.unwrap_or_default()}</td>
                    <td>{move || kind_label(a.t(), kind)}</td>
                    <td class="num nowrap">{money(order.amount_cents, &order.currency)}</td>
                    <td class="num nowrap">{money(order.fee_cents, &order.currency)}</td>
                    <td class="num nowrap">{refunded}</td>
                    <td>
                        <span class=status_class(status)>{move || status_label(a.t(), status)}</span>
                        {order.disputed.then(|| view! {
                            " " <span class="badge badge-danger">{move || a.t().disputed}</span>
                        })}
                    </td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <div class="table-scroll">
            <table class="sales-table admin-table">
                <caption class="sr-only">{move || a.t().orders_caption}</caption>
                <thead>
                    <tr>
                        <th scope="col">{move || a.t().col_date}</th>
                        <th scope="col">{move || a.t().col_student}</th>
                        <th scope="col">{move || a.t().col_title}</th>
                        <th scope="col">{move || a.t().col_teacher}</th>
                        <th scope="col">{move || a.t().col_kind}</th>
                        <th scope="col" class="num">{move || a.t().col_amount}</th>
                        <th scope="col" class="num">{move || a.t().col_fee}</th>
                        <th scope="col" class="num">{move || a.t().col_refunded}</th>
                        <th scope="col">{move || a.t().col_status}</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
    .into_any()
}

/// What an order's status is called in the console.
pub fn status_label(t: &AdminStrings, status: OrderStatus) -> &'static str {
    match status {
        OrderStatus::Paid => t.status_paid,
        OrderStatus::Pending => t.status_pending,
        OrderStatus::Failed => t.status_failed,
        OrderStatus::Expired => t.status_expired,
        OrderStatus::Refunded => t.status_refunded,
        OrderStatus::Cancelled => t.status_cancelled,
    }
}

pub fn status_class(status: OrderStatus) -> &'static str {
    match status {
        OrderStatus::Paid => "badge badge-ok",
        OrderStatus::Pending => "badge badge-warn",
        OrderStatus::Failed => "badge badge-danger",
        OrderStatus::Expired | OrderStatus::Refunded | OrderStatus::Cancelled => "badge",
    }
}

pub fn kind_label(t: &AdminStrings, kind: OrderKind) -> &'static str {
    match kind {
        OrderKind::Seat => t.kind_seat,
        OrderKind::Course => t.kind_course,
        OrderKind::Membership => t.kind_membership,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_address_keeps_the_filters() {
        let query = OrderQuery {
            q: Some("anna@x.se".into()),
            status: Some(OrderStatus::Paid),
            from: Some("2026-01-01".into()),
            to: None,
            page: None,
        };
        assert_eq!(
            list_href(&query, 2),
            "/admin/orders?q=anna%40x.se&status=paid&from=2026-01-01&page=2"
        );
        assert_eq!(list_href(&OrderQuery::default(), 1), "/admin/orders");
    }
}

//! The teacher's payouts, newest first: amount, status in words, when it
//! reached (or is expected at) the bank, the bank's reason for a failed
//! one, and behind a `<details>` the sales it held.

use leptos::prelude::*;

use crate::api::payouts::my_payouts;
use crate::model::payouts::{Payout, PayoutSale};
use crate::ui::i18n_context::use_i18n;
use crate::ui::payouts::money;
use crate::ui::payouts::strings::{use_payout_i18n, PayoutStrings};
use crate::ui::viewer::viewer_time_zone;

fn status_label(t: &PayoutStrings, status: &str) -> String {
    match status {
        "paid" => t.status_paid,
        "failed" => t.status_failed,
        "pending" => t.status_pending,
        "in_transit" => t.status_in_transit,
        "canceled" => t.status_canceled,
        other => return other.replace('_', " "),
    }
    .to_owned()
}

fn status_class(status: &str) -> &'static str {
    match status {
        "paid" => "badge badge-ok",
        "failed" => "badge badge-danger",
        "pending" | "in_transit" => "badge badge-warn",
        _ => "badge",
    }
}

#[component]
pub fn PayoutList() -> impl IntoView {
    let i18n = use_i18n();
    let p = use_payout_i18n();
    let payouts = Resource::new(|| (), |_| my_payouts());
    view! {
        <section class="glass payouts-list" aria-labelledby="payout-list-title">
            <h2 id="payout-list-title">{move || p.t().list_title}</h2>
            <p class="muted">{move || p.t().list_lead}</p>
            <Suspense fallback=move || view! { <p class="skeleton">{move || i18n.t().loading}</p> }>
                {move || {
                    payouts.get().map(|result| match result {
                        Ok(list) if list.is_empty() => view! {
                            <p class="muted" data-testid="payouts-empty">{move || p.t().list_empty}</p>
                        }
                        .into_any(),
                        Ok(list) => {
                            let items = list
                                .into_iter()
                                .map(|payout| view! { <PayoutItem payout /> })
                                .collect_view();
                            view! { <ul class="payout-items">{items}</ul> }.into_any()
                        }
                        Err(err) => view! { <p class="alert alert-error" role="alert">{err.message}</p> }.into_any(),
                    })
                }}
            </Suspense>
        </section>
    }
}

#[component]
fn PayoutItem(payout: Payout) -> impl IntoView {
    let p = use_payout_i18n();
    let Payout {
        id,
        amount_cents,
        currency,
        status,
        arrival_date,
        failure_message,
        sales,
        ..
    } = payout;
    let amount = money(amount_cents, &currency);
    // Stripe's arrival date is a day (midnight UTC): written as that day.
    let date = arrival_date.format("%Y-%m-%d").to_string();
    let arrival = match status.as_str() {
        "failed" | "canceled" => None,
        "paid" => Some(true),
        _ => Some(false),
    };
    let arrival = arrival.map(|arrived| {
        let date = date.clone();
        view! {
            <span class="muted">
                {move || {
                    let template = if arrived { p.t().arrived } else { p.t().arrives };
                    template.replace("{date}", &date)
                }}
            </span>
        }
    });
    let failed = status == "failed";
    let failure = failure_message.map(|message| {
        view! { <p class="payout-failure">{move || p.t().failure.replace("{message}", &message)}</p> }
    });
    let label = status.clone();
    let count = sales.len();
    let caption = {
        let amount = amount.clone();
        move || {
            p.t()
                .sales_caption
                .replace("{amount}", &amount)
                .replace("{date}", &date)
        }
    };
    let body = if sales.is_empty() {
        view! { <p class="muted">{move || p.t().sales_none}</p> }.into_any()
    } else {
        view! { <PayoutSales sales currency=currency.clone() caption /> }.into_any()
    };
    view! {
        <li class="payout" data-testid="payout-row" data-status=status.clone() data-payout-id=id>
            <div class="payout-head">
                <span class="payout-amount">{amount}</span>
                <span class=status_class(&status)>{move || status_label(p.t(), &label)}</span>
                {arrival}
            </div>
            {failure}
            {failed.then(|| view! { <p class="muted">{move || p.t().failed_note}</p> })}
            <details class="payout-sales" data-testid="payout-sales">
                <summary>{move || p.t().sales_summary.replace("{n}", &count.to_string())}</summary>
                {body}
            </details>
        </li>
    }
}

#[component]
fn PayoutSales(
    sales: Vec<PayoutSale>,
    currency: String,
    caption: impl Fn() -> String + Send + Sync + 'static,
) -> impl IntoView {
    let p = use_payout_i18n();
    let tz = viewer_time_zone();
    let rows = sales
        .into_iter()
        .map(|sale| {
            let refunded = (sale.refunded_cents > 0).then(|| money(sale.refunded_cents, &currency));
            view! {
                <tr data-testid="payout-sale-row">
                    <td>{sale.title}</td>
                    <td class="nowrap">{sale.paid_at.with_timezone(&tz).format("%Y-%m-%d %H:%M").to_string()}</td>
                    <td class="num nowrap">{money(sale.amount_cents, &currency)}</td>
                    <td class="num nowrap">{money(sale.fee_cents, &currency)}</td>
                    <td class="num nowrap">{money(sale.teacher_share_cents, &currency)}</td>
                    <td class="num nowrap">{refunded.unwrap_or_else(|| "–".to_owned())}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <div class="table-scroll">
            <table class="sales-table">
                <caption class="sr-only">{caption}</caption>
                <thead>
                    <tr>
                        <th scope="col">{move || p.t().col_title}</th>
                        <th scope="col">{move || p.t().col_paid_at}</th>
                        <th scope="col" class="num">{move || p.t().col_amount}</th>
                        <th scope="col" class="num">{move || p.t().col_fee}</th>
                        <th scope="col" class="num">{move || p.t().col_share}</th>
                        <th scope="col" class="num">{move || p.t().col_refunded}</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
}

//! `/studio/payouts`: the teacher's Stripe Connect status (not started,
//! incomplete with what Stripe still needs, or active) and the button that
//! sends them to Stripe's onboarding; for an active account also the
//! payouts, the payout settings and the Stripe dashboard button (those
//! parts are in `ui/payouts/`); and the sales table.

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use crate::api::payouts::{my_payout_status, my_sales, StartOnboarding};
use crate::model::order::{OrderStatus, Sale};
use crate::model::payouts::{PayoutState, PayoutStatus};
use crate::model::session::{format_price, Currency};
use crate::ui::i18n_context::use_i18n;
use crate::ui::payouts::dispute_words;
use crate::ui::payouts::payout_list::PayoutList;
use crate::ui::payouts::payout_settings::{DashboardButton, PayoutSettingsSection};
use crate::ui::payouts::strings::use_payout_i18n;

#[component]
pub fn PayoutsPage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let returned = move || query.read().get("returned").is_some();
    let error = move || query.read().get("error");
    let status = Resource::new(|| (), |_| my_payout_status());
    let sales = Resource::new(|| (), |_| my_sales());
    let start = ServerAction::<StartOnboarding>::new();
    // The link is Stripe's page: leave for it as soon as it is known.
    Effect::new(move |_| {
        if let Some(Ok(url)) = start.value().get() {
            let _ = window().location().set_href(&url);
        }
    });
    let start_error = move || start.value().get().and_then(|r| r.err()).map(|e| e.message);

    view! {
        <section class="glass payouts" aria-labelledby="payouts-title">
            <h1 id="payouts-title">{move || i18n.t().payouts_title}</h1>
            <p class="muted">{move || i18n.t().payouts_lead}</p>
            <Show when=returned>
                <p class="alert alert-success" role="status">{move || i18n.t().payouts_returned}</p>
            </Show>
            {move || error().map(|message| view! { <p class="alert alert-error" role="alert">{message}</p> })}
            {move || start_error().map(|message| view! { <p class="alert alert-error" role="alert">{message}</p> })}
            <Suspense fallback=move || view! { <p class="skeleton">{move || i18n.t().loading}</p> }>
                {move || {
                    status.get().map(|result| match result {
                        Ok(status) => view! { <PayoutDetails status start /> }.into_any(),
                        Err(err) => view! { <p class="alert alert-error" role="alert">{err.message}</p> }.into_any(),
                    })
                }}
            </Suspense>
        </section>
        <PayoutList />
        <Suspense fallback=|| ()>
            {move || {
                status
                    .get()
                    .and_then(Result::ok)
                    .filter(|status| status.state == PayoutState::Active)
                    .map(|status| view! { <PayoutSettingsSection status /> })
            }}
        </Suspense>
        <section class="glass sales" aria-labelledby="sales-title">
            <h2 id="sales-title">{move || i18n.t().sales_title}</h2>
            <Suspense fallback=move || view! { <p class="skeleton">{move || i18n.t().loading}</p> }>
                {move || {
                    sales.get().map(|result| match result {
                        Ok(list) if list.is_empty() => {
                            view! { <p class="muted">{move || i18n.t().sales_empty}</p> }.into_any()
                        }
                        Ok(list) => view! { <SalesTable list /> }.into_any(),
                        Err(err) => view! { <p class="alert alert-error" role="alert">{err.message}</p> }.into_any(),
                    })
                }}
            </Suspense>
        </section>
    }
}

/// Orders per session: amount, the platform's fee, the teacher's share,
/// status, refunds and disputes.
#[component]
fn SalesTable(list: Vec<Sale>) -> impl IntoView {
    let i18n = use_i18n();
    let p = use_payout_i18n();
    let rows = list
        .into_iter()
        .map(|sale| {
            let currency = Currency::parse(&sale.currency);
            let money = move |cents: i64| match currency {
                Some(currency) => format_price(cents, currency, "0"),
                None => format!("{cents}"),
            };
            let amount = money(sale.amount_cents);
            let fee = money(sale.fee_cents);
            let share = money(sale.teacher_share_cents);
            let refunded = (sale.refunded_cents > 0).then(|| money(sale.refunded_cents));
            let when = sale.start_at.map(|at| at.format("%Y-%m-%d %H:%M UTC").to_string()).unwrap_or_default();
            let status = sale.status;
            let disputed = sale.disputed;
            let dispute = sale.dispute_status;
            view! {
                <tr data-testid="sale-row">
                    <td><a href=format!("/{}/{}", if sale.is_course { "courses" } else { "sessions" }, sale.session_id)>{sale.session_title}</a></td>
                    <td>{when}</td>
                    <td class="num">{amount}</td>
                    <td class="num">{fee}</td>
                    <td class="num">{share}</td>
                    <td>
                        {move || match status {
                            OrderStatus::Refunded => i18n.t().sales_refunded,
                            _ => i18n.t().sales_paid,
                        }}
                        {refunded.map(|r| format!(" ({r})"))}
                        {disputed.then(|| view! { " " <span class="badge badge-warn">{move || i18n.t().sales_disputed}</span> })}
                        {dispute.map(|status| view! {
                            " " <span class="sale-dispute" data-testid="sale-dispute">{move || dispute_words(p.t(), &status)}</span>
                        })}
                    </td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <div class="table-scroll">
            <table class="sales-table">
                <thead>
                    <tr>
                        <th scope="col">{move || i18n.t().sales_session}</th>
                        <th scope="col">{move || i18n.t().sales_when}</th>
                        <th scope="col" class="num">{move || i18n.t().sales_amount}</th>
                        <th scope="col" class="num">{move || i18n.t().sales_fee}</th>
                        <th scope="col" class="num">{move || i18n.t().sales_share}</th>
                        <th scope="col">{move || i18n.t().sales_status}</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
}

#[component]
fn PayoutDetails(status: PayoutStatus, start: ServerAction<StartOnboarding>) -> impl IntoView {
    let i18n = use_i18n();
    let state = status.state;
    let label = move || {
        let t = i18n.t();
        match state {
            PayoutState::NotStarted => t.payouts_not_started,
            PayoutState::Incomplete => t.payouts_incomplete,
            PayoutState::Active => t.payouts_active,
        }
    };
    let button = move || {
        let t = i18n.t();
        match state {
            PayoutState::NotStarted => t.payouts_start,
            PayoutState::Incomplete => t.payouts_continue,
            PayoutState::Active => t.payouts_update,
        }
    };
    let yes_no = move |flag: bool| {
        move || {
            if flag {
                i18n.t().payouts_yes
            } else {
                i18n.t().payouts_no
            }
        }
    };
    let state_class = match state {
        PayoutState::NotStarted => "badge",
        PayoutState::Incomplete => "badge badge-warn",
        PayoutState::Active => "badge badge-ok",
    };
    let due = status.currently_due.clone();
    view! {
        <p>
            {move || i18n.t().payouts_status} ": "
            <span class=state_class data-testid="payout-state" data-state=format!("{state:?}")>{label}</span>
        </p>
        <Show when=move || state == PayoutState::Active>
            <p class="muted">{move || i18n.t().payouts_active_lead}</p>
        </Show>
        <Show when=move || state != PayoutState::NotStarted>
            <dl class="details">
                <dt>{move || i18n.t().payouts_charges}</dt>
                <dd data-testid="charges-enabled">{yes_no(status.charges_enabled)}</dd>
                <dt>{move || i18n.t().payouts_payouts}</dt>
                <dd>{yes_no(status.payouts_enabled)}</dd>
                <dt>{move || i18n.t().payouts_details}</dt>
                <dd>{yes_no(status.details_submitted)}</dd>
            </dl>
        </Show>
        {(!due.is_empty()).then(|| {
            view! {
                <p>{move || i18n.t().payouts_still_needed}</p>
                <ul class="due-list">
                    {due.iter().map(|item| view! { <li><code>{item.clone()}</code></li> }).collect_view()}
                </ul>
            }
        })}
        <div class="payout-actions">
            <ActionForm action=start attr:class="form">
                <button type="submit" class="btn btn-primary" disabled=move || start.pending().get()>
                    {button}
                </button>
            </ActionForm>
            <Show when=move || state == PayoutState::Active>
                <DashboardButton />
            </Show>
        </div>
    }
}

//! `/orders/:id`: the receipt, for a seat or a course. PayPal and Klarna
//! come back here with `?redirect_status=…`; cards arrive from the modal's
//! "Till kvittot". The order turns paid when Stripe's webhook lands, so
//! while it is still pending the page says it is confirming and asks our
//! server again every 1.5 s, for two minutes at most (never Stripe: the
//! webhook is the truth).

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::{Redirect, A};
use leptos_router::hooks::{use_params_map, use_query_map};

use crate::api::checkout::get_order;
use crate::i18n::{format_span, Strings};
use crate::model::order::{OrderStatus, OrderView};
use crate::model::session::{format_price, Currency};
use crate::model::{AppError, ErrorCode};
use crate::ui::i18n_context::use_i18n;
use crate::ui::join_button::JoinButton;
use crate::ui::session::format::day_label_with_year;
use crate::ui::viewer::viewer_time_zone;

/// How often the page asks again while a payment is being confirmed.
const POLL_EVERY_MS: i32 = 1_500;
/// When it stops asking.
const POLL_FOR_MS: f64 = 120_000.0;

#[component]
pub fn ReceiptPage() -> impl IntoView {
    let i18n = use_i18n();
    let params = use_params_map();
    let query = use_query_map();
    let redirect_succeeded =
        Memo::new(move |_| query.read().get("redirect_status").as_deref() == Some("succeeded"));
    #[cfg(feature = "ssr")]
    let response = use_context::<leptos_axum::ResponseOptions>();
    let order = Resource::new(
        move || params.read().get("id").unwrap_or_default(),
        move |id| {
            #[cfg(feature = "ssr")]
            let response = response.clone();
            async move {
                let result = get_order(id).await;
                #[cfg(feature = "ssr")]
                if let (Some(response), Err(err)) = (response, &result) {
                    if err.code == ErrorCode::NotFound {
                        response.set_status(axum::http::StatusCode::NOT_FOUND);
                    }
                }
                result
            }
        },
    );
    // The newest answer of the polling below (browser only), shown instead
    // of the first fetch once there is one.
    let polled = RwSignal::new(None::<OrderView>);
    let timed_out = RwSignal::new(false);
    let polling = StoredValue::new(false);

    Effect::new(move |_| {
        let Some(Ok(first)) = order.get() else {
            return;
        };
        if polling.get_value() || !confirming(&first, redirect_succeeded.get_untracked()) {
            return;
        }
        polling.set_value(true);
        let id = first.id.clone();
        leptos::task::spawn_local(async move {
            let began = js_sys::Date::now();
            // Only a change is shown: redrawing the same status would make
            // screen readers announce "confirming" again and again.
            let mut last = first;
            loop {
                sleep(POLL_EVERY_MS).await;
                if polled.is_disposed() {
                    return;
                }
                if js_sys::Date::now() - began >= POLL_FOR_MS {
                    timed_out.set(true);
                    return;
                }
                // A failed request (a blip in the network) is simply asked again.
                if let Ok(view) = get_order(id.clone()).await {
                    let Some(redirected) = redirect_succeeded.try_get_untracked() else {
                        return; // the page is gone
                    };
                    let done = !confirming(&view, redirected);
                    if view != last {
                        last = view.clone();
                        if polled.try_set(Some(view)).is_some() {
                            return;
                        }
                    }
                    if done {
                        return;
                    }
                }
            }
        });
    });

    view! {
        <Title text=move || format!("{} – Aveli", i18n.t().receipt_title) />
        <Transition fallback=move || view! { <p class="skeleton" role="status">{move || i18n.t().loading}</p> }>
            {move || {
                order.get().map(|result| match result {
                    Ok(first) => {
                        let tz = viewer_time_zone();
                        let from_poll = polled.get();
                        let moved = from_poll.is_some();
                        let order = from_poll.unwrap_or(first);
                        let waiting = confirming(&order, redirect_succeeded.get());
                        view! { <Receipt order tz waiting timed_out moved /> }.into_any()
                    }
                    Err(err) => view! { <ReceiptMissing err /> }.into_any(),
                })
            }}
        </Transition>
    }
}

/// Still waiting for Stripe's word: pending, or marked failed by an earlier
/// attempt while the redirect just told us this one succeeded.
fn confirming(order: &OrderView, redirect_succeeded: bool) -> bool {
    match order.status {
        OrderStatus::Pending => true,
        OrderStatus::Failed => redirect_succeeded,
        _ => false,
    }
}

#[component]
fn Receipt(
    order: OrderView,
    tz: chrono_tz::Tz,
    waiting: bool,
    timed_out: RwSignal<bool>,
    /// The status changed while the page was open (focus follows it).
    moved: bool,
) -> impl IntoView {
    let i18n = use_i18n();
    let heading = NodeRef::<leptos::html::H1>::new();
    Effect::new(move |_| {
        if moved && !waiting {
            if let Some(heading) = heading.get() {
                let _ = heading.focus();
            }
        }
    });
    let status = order.status;
    let free = order.amount_cents == 0;
    let course = order.course_id.is_some();
    let title = move || {
        let t = i18n.t();
        match status {
            _ if waiting => t.receipt_title,
            OrderStatus::Paid if free && course => t.receipt_course_free_title,
            OrderStatus::Paid if free => t.booking_free_title,
            OrderStatus::Paid => t.booking_paid_title,
            OrderStatus::Failed => t.payment_failed_title,
            OrderStatus::Expired => t.receipt_expired_title,
            OrderStatus::Cancelled => t.receipt_cancelled_title,
            OrderStatus::Refunded if course => t.receipt_course_refunded_title,
            OrderStatus::Refunded => t.receipt_refunded_title,
            OrderStatus::Pending => t.receipt_title,
        }
    };
    let paid = status == OrderStatus::Paid && !waiting;
    let href = item_href(&order);
    let failure = order.failure_reason.clone();
    let recording = order.recording_url.clone();
    let join = match (&order.join_url, order.join_opens_at, order.end_at) {
        (Some(url), Some(opens_at), Some(end_at)) if paid => Some(view! {
            <JoinButton join_url=url.clone() opens_at end_at />
        }),
        _ => None,
    };

    let outcome = if waiting {
        view! {
            <p class="receipt-confirming" role="status" data-testid="receipt-confirming">
                <span class="spinner" aria-hidden="true"></span>
                <span>{move || i18n.t().receipt_confirming}</span>
            </p>
            <Show when=move || timed_out.get()>
                <p class="muted" role="status">{move || i18n.t().receipt_slow}</p>
            </Show>
        }
        .into_any()
    } else {
        match status {
            OrderStatus::Failed => view! {
                {failure.map(|reason| view! {
                    <p class="alert alert-error" role="alert" data-testid="receipt-failure">{reason}</p>
                })}
                <p>{move || i18n.t().payment_failed_lead}</p>
            }
            .into_any(),
            OrderStatus::Expired => {
                view! { <p>{move || i18n.t().receipt_expired_lead}</p> }.into_any()
            }
            OrderStatus::Cancelled => {
                view! { <p>{move || i18n.t().receipt_cancelled_lead}</p> }.into_any()
            }
            OrderStatus::Refunded if course => {
                view! { <p>{move || i18n.t().receipt_course_refunded_lead}</p> }.into_any()
            }
            OrderStatus::Refunded => {
                view! { <p>{move || i18n.t().receipt_refunded_lead}</p> }.into_any()
            }
            OrderStatus::Paid | OrderStatus::Pending if course => {
                view! { <p>{move || i18n.t().receipt_course_lead}</p> }.into_any()
            }
            OrderStatus::Paid | OrderStatus::Pending => {
                view! { <p>{move || i18n.t().booking_success_lead}</p> }.into_any()
            }
        }
    };

    let actions = match (status, href) {
        _ if waiting => None,
        // A course is opened where it is sold: its page has the lessons.
        (OrderStatus::Paid | OrderStatus::Refunded, Some(href)) if course => Some(
            view! {
                <A href=href attr:class="btn btn-primary">
                    <span class="btn-label">{move || i18n.t().open_course}</span>
                </A>
            }
            .into_any(),
        ),
        (OrderStatus::Paid | OrderStatus::Refunded, _) => Some(
            view! {
                <A href="/bookings" attr:class="btn btn-primary">
                    <span class="btn-label">{move || i18n.t().go_to_booking}</span>
                </A>
            }
            .into_any(),
        ),
        (OrderStatus::Failed, Some(href)) => Some(
            view! {
                <A href=href attr:class="btn btn-primary">
                    <span class="btn-label">{move || i18n.t().try_again}</span>
                </A>
            }
            .into_any(),
        ),
        (_, Some(href)) => Some(
            view! {
                <A href=href attr:class="btn btn-ghost">
                    {move || {
                        let t = i18n.t();
                        if course { t.back_to_course } else { t.back_to_session }
                    }}
                </A>
            }
            .into_any(),
        ),
        (_, None) => None,
    };

    let class = format!("glass receipt receipt-{}", status.as_str());
    view! {
        <section class=class aria-labelledby="receipt-heading" data-status=status.as_str()>
            {(!waiting).then(|| view! {
                <p class="receipt-eyebrow">{move || i18n.t().receipt_title}</p>
            })}
            <h1
                id="receipt-heading"
                tabindex="-1"
                node_ref=heading
                data-testid=if paid { Some("receipt-paid") } else { None }
            >
                {paid.then(|| view! { <span class="success-mark" aria-hidden="true">"✓"</span> " " })}
                {title}
            </h1>
            {outcome}
            <OrderDetails order=order.clone() tz />
            {paid.then(|| recording.map(|url| view! {
                <p class="receipt-recording">
                    <a href=url>{move || i18n.t().recording_watch}</a>
                </p>
            }))}
            {join.map(|join| view! { <div class="actions receipt-join">{join}</div> })}
            {actions.map(|actions| view! { <div class="actions">{actions}</div> })}
        </section>
    }
}

/// Where what was bought lives: the course's page, or the session's.
fn item_href(order: &OrderView) -> Option<String> {
    match (&order.course_id, &order.session_id) {
        (Some(id), _) => Some(format!("/courses/{id}")),
        (None, Some(id)) => Some(format!("/sessions/{id}")),
        (None, None) => None,
    }
}

/// What was bought, when, for how much and how it shows on a statement.
#[component]
fn OrderDetails(order: OrderView, tz: chrono_tz::Tz) -> impl IntoView {
    let i18n = use_i18n();
    let href = item_href(&order);
    let course = order.course_id.is_some();
    let OrderView {
        id,
        status,
        amount_cents,
        currency,
        refunded_cents,
        payment_method,
        statement_descriptor,
        session_title,
        teacher_name,
        start_at,
        end_at,
        ..
    } = order;
    let item = match href {
        Some(href) => view! { <A href=href>{session_title}</A> }.into_any(),
        None => view! { <span>{session_title}</span> }.into_any(),
    };
    let when = start_at.map(|start| {
        let end = end_at.unwrap_or(start);
        let datetime = start.to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
        let span = format_span(tz, start, end);
        view! {
            <dt>{move || i18n.t().booking_when}</dt>
            <dd>
                <time datetime=datetime>
                    {move || day_label_with_year(i18n.t(), tz, start)} ", " {span}
                </time>
            </dd>
        }
    });
    let amount = {
        let currency = currency.clone();
        move || money(i18n.t(), amount_cents, &currency)
    };
    let refunded = (refunded_cents > 0).then(|| {
        let currency = currency.clone();
        view! {
            <dt>{move || i18n.t().receipt_refunded_amount}</dt>
            <dd>{move || money(i18n.t(), refunded_cents, &currency)}</dd>
        }
    });
    let method = payment_method.map(|method| {
        view! {
            <dt>{move || i18n.t().receipt_method}</dt>
            <dd data-testid="receipt-method">{move || method_label(i18n.t(), &method)}</dd>
        }
    });
    let charged = matches!(status, OrderStatus::Paid | OrderStatus::Refunded) && amount_cents > 0;
    view! {
        <dl class="details receipt-details">
            <dt>{move || {
                let t = i18n.t();
                if course { t.receipt_course } else { t.receipt_session }
            }}</dt>
            <dd data-testid="receipt-item">{item}</dd>
            <dt>{move || i18n.t().booking_teacher}</dt>
            <dd>{teacher_name}</dd>
            {when}
            <dt>{move || i18n.t().receipt_amount}</dt>
            <dd data-testid="receipt-amount">{amount}</dd>
            {refunded}
            {method}
            <dt>{move || i18n.t().receipt_order}</dt>
            <dd><code>{id}</code></dd>
        </dl>
        {(charged && !statement_descriptor.is_empty()).then(|| view! {
            <p class="receipt-statement" data-testid="receipt-statement">
                {move || i18n.t().receipt_statement} " "
                <strong>{statement_descriptor}</strong>
            </p>
        })}
    }
}

/// Someone else's order, or none: the not-found message (its 404 is set by
/// the fetch). A visitor is sent to log in.
#[component]
fn ReceiptMissing(err: AppError) -> impl IntoView {
    let i18n = use_i18n();
    match err.code {
        ErrorCode::Unauthorized => view! { <Redirect path="/login" /> }.into_any(),
        ErrorCode::NotFound | ErrorCode::Forbidden => view! {
            <section class="glass error-page">
                <h1>{move || i18n.t().not_found_title}</h1>
                <p>{move || i18n.t().not_found_lead}</p>
                <A href="/" attr:class="btn btn-ghost">{move || i18n.t().back_home}</A>
            </section>
        }
        .into_any(),
        _ => view! { <p class="alert alert-error" role="alert">{err.message}</p> }.into_any(),
    }
}

/// An amount in an order's currency ("150 kr", "€12.50").
pub fn money(t: &Strings, cents: i64, currency: &str) -> String {
    match Currency::parse(currency) {
        Some(currency) => format_price(cents, currency, t.free),
        None => format!("{}.{:02} {}", cents / 100, (cents % 100).abs(), currency),
    }
}

/// "Kort", "PayPal", "Klarna" — or Stripe's own name for anything else.
pub fn method_label(t: &Strings, method: &str) -> String {
    match method {
        "card" => t.pay_method_card.to_owned(),
        "paypal" => t.pay_method_paypal.to_owned(),
        "klarna" => t.pay_method_klarna.to_owned(),
        other => other.to_owned(),
    }
}

/// What an order's status badge says.
pub fn status_label(t: &Strings, status: OrderStatus) -> &'static str {
    match status {
        OrderStatus::Paid => t.order_status_paid,
        OrderStatus::Pending => t.order_status_pending,
        OrderStatus::Failed => t.order_status_failed,
        OrderStatus::Expired => t.order_status_expired,
        OrderStatus::Refunded => t.order_status_refunded,
        OrderStatus::Cancelled => t.order_status_cancelled,
    }
}

/// Waits `ms` milliseconds in the browser.
async fn sleep(ms: i32) {
    let promise = js_sys::Promise::new(&mut |resolve, _reject| {
        let _ = window().set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms);
    });
    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::{EN, SV};

    #[test]
    fn methods_and_statuses_are_spelled_out() {
        assert_eq!(method_label(&SV, "card"), "Kort");
        assert_eq!(method_label(&EN, "klarna"), "Klarna");
        assert_eq!(method_label(&EN, "sepa_debit"), "sepa_debit");
        assert_eq!(status_label(&SV, OrderStatus::Refunded), "Återbetald");
        assert_eq!(status_label(&EN, OrderStatus::Paid), "Booked");
    }
}

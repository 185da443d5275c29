//! The "Boka nu" modal: what the chosen slot is and costs, and booking it
//! without leaving the page. "Boka & Betala" takes a seat on the server
//! (`start_checkout`); a free seat is booked at once, a paid one is held
//! while the Payment Element takes the money (PayPal and Klarna leave for
//! their page and come back to the receipt). Success and failure stay in the
//! modal. It is a real dialog: focus moves in, Tab stays in, Escape closes
//! and focus goes back to the slot that opened it.

use std::time::Duration;

use chrono::{DateTime, SecondsFormat, Utc};
use chrono_tz::Tz;
use leptos::ev::{KeyboardEvent, MouseEvent};
use leptos::prelude::*;
use leptos::wasm_bindgen::JsCast;
use leptos::web_sys::{Element, HtmlElement};
use leptos_router::components::A;

use crate::api::checkout::start_checkout;
use crate::api::sessions::session_with_slots;
use crate::i18n::{format_span, Strings};
use crate::model::order::{CheckoutStarted, OrderStatus};
use crate::model::payouts::PaymentSetup;
use crate::model::session::{format_price, Currency};
use crate::ui::app::use_auth;
use crate::ui::i18n_context::use_i18n;
use crate::ui::payment_form::PaymentForm;
use crate::ui::session::format::{day_label_with_year, seats_text};
use crate::ui::session::Picked;

/// Where the booking stands inside the modal.
#[derive(Debug, Clone, PartialEq)]
enum Stage {
    /// The summary and "Boka & Betala" (or the way to log in).
    Choose,
    /// `start_checkout` is on its way.
    Starting,
    /// The seat is held; the Payment Element takes the money.
    Paying(CheckoutStarted),
    /// Booked: paid inside the modal, or free.
    Done { order_id: String, free: bool },
}

#[component]
pub fn BookingModal(
    picked: Picked,
    title: String,
    /// The teacher's display name; fetched with the session when not given.
    #[prop(optional, into)]
    teacher: Option<String>,
    price_cents: i64,
    currency: Currency,
    tz: Tz,
    on_close: Callback<()>,
) -> impl IntoView {
    let i18n = use_i18n();
    let auth = use_auth();
    let Picked { slot, opener_id } = picked;
    let teacher: Signal<Option<String>> = match teacher {
        Some(name) => Signal::stored(Some(name)),
        None => {
            let session_id = slot.session_id.clone();
            let session = LocalResource::new(move || session_with_slots(session_id.clone()));
            Signal::derive(move || {
                session
                    .get()
                    .and_then(Result::ok)
                    .map(|(session, _)| session.teacher_name)
            })
        }
    };
    let dialog = NodeRef::<leptos::html::Div>::new();
    let close_button = NodeRef::<leptos::html::Button>::new();
    let opener_id = StoredValue::new(opener_id);
    let stage = RwSignal::new(Stage::Choose);
    let error = RwSignal::new(None::<String>);

    let close = move || {
        // Read before closing: closing disposes this component.
        let opener = opener_id.get_value();
        on_close.run(());
        focus_by_id(&opener);
    };

    // Focus moves into the dialog when it opens.
    Effect::new(move || {
        if let Some(button) = close_button.get() {
            let _ = button.focus();
        }
    });

    // Escape and Tab, wherever focus is in the dialog — and when focus fell
    // out of it onto the page (a control that vanished or was disabled under
    // it). Keys inside anything else (Stripe's 3-D Secure dialog) are theirs.
    let handle = window_event_listener(leptos::ev::keydown, move |ev: KeyboardEvent| {
        let Some(root) = dialog.get_untracked() else {
            return;
        };
        let root: &Element = &root;
        let target = ev.target().and_then(|t| t.dyn_into::<Element>().ok());
        let ours = match &target {
            Some(target) => root.contains(Some(target.as_ref())) || is_page_root(target),
            None => true,
        };
        if !ours {
            return;
        }
        match ev.key().as_str() {
            "Escape" => {
                ev.prevent_default();
                close();
            }
            "Tab" => trap_tab(&ev, root),
            _ => {}
        }
    });
    on_cleanup(move || handle.remove());

    // A click on the dimmed page around the dialog closes it too, unless a
    // payment is under way (a stray click must not lose the form).
    let on_backdrop = move |ev: MouseEvent| {
        if ev.target() != ev.current_target() {
            return;
        }
        if matches!(stage.get_untracked(), Stage::Paying(_)) {
            if let Some(root) = dialog.get_untracked() {
                let _ = root.focus();
            }
        } else {
            close();
        }
    };

    let slot_id = slot.id.clone();
    let book = move |_| {
        if stage.get_untracked() != Stage::Choose {
            return;
        }
        error.set(None);
        stage.set(Stage::Starting);
        let slot_id = slot_id.clone();
        leptos::task::spawn_local(async move {
            let (next, problem) = match start_checkout(slot_id).await {
                Ok(started) if started.client_secret.is_some() => (Stage::Paying(started), None),
                Ok(started) if started.status == OrderStatus::Paid => (
                    Stage::Done {
                        order_id: started.order_id,
                        free: true,
                    },
                    None,
                ),
                Ok(_) => (Stage::Choose, Some(i18n.t().err_internal.to_owned())),
                Err(err) => (Stage::Choose, Some(err.message)),
            };
            let paying = matches!(next, Stage::Paying(_));
            // The modal may have been closed meanwhile (the hold then lapses).
            if stage.try_set(next).is_some() {
                return;
            }
            error.try_set(problem);
            // The button that had focus is gone: keep focus in the dialog.
            if paying {
                if let Some(Some(root)) = dialog.try_get_untracked() {
                    let _ = root.focus();
                }
            }
        });
    };

    let start = slot.start_at.to_rfc3339_opts(SecondsFormat::Secs, true);
    let day = move || day_label_with_year(i18n.t(), tz, slot.start_at);
    let times = format_span(tz, slot.start_at, slot.end_at);
    let minutes = (slot.end_at - slot.start_at).num_minutes();
    let seats_left = slot.seats_left;
    let signed_in = move || matches!(auth.user.get(), Some(Ok(Some(_))));
    let paying = move || matches!(stage.get(), Stage::Paying(_));

    // Redrawn only when the kind of step changes, so the button keeps focus
    // while the seat is being taken.
    let step = Memo::new(move |_| match stage.get() {
        Stage::Choose | Stage::Starting => 0,
        Stage::Paying(_) => 1,
        Stage::Done { .. } => 2,
    });
    let body = move || match (step.get(), stage.get_untracked()) {
        (_, Stage::Paying(started)) => view! { <PayPanel started stage /> }.into_any(),
        (_, Stage::Done { order_id, free }) => {
            view! { <BookingSuccess order_id free /> }.into_any()
        }
        _ => {
            if signed_in() {
                let starting = move || stage.get() == Stage::Starting;
                view! {
                    <div class="actions booking-actions">
                        <button
                            type="button"
                            class="btn btn-primary btn-pay"
                            aria-disabled=move || starting().to_string()
                            aria-busy=move || starting().to_string()
                            on:click=book.clone()
                        >
                            <Show when=starting>
                                <span class="spinner" aria-hidden="true"></span>
                            </Show>
                            <span class="btn-label">{move || i18n.t().book_and_pay}</span>
                        </button>
                    </div>
                    <Show when=starting>
                        <p class="muted" role="status">{move || i18n.t().booking_starting}</p>
                    </Show>
                }
                .into_any()
            } else {
                view! {
                    <div class="booking-login">
                        <p>{move || i18n.t().booking_login_lead}</p>
                        <A href="/login" attr:class="btn btn-primary">
                            <span class="btn-label">{move || i18n.t().booking_login_link}</span>
                        </A>
                    </div>
                }
                .into_any()
            }
        }
    };

    view! {
        <div class="modal-backdrop" on:click=on_backdrop>
            <div
                class="modal booking-modal"
                class:booking-modal-paying=paying
                role="dialog"
                aria-modal="true"
                aria-labelledby="booking-title"
                tabindex="-1"
                data-testid="booking-modal"
                node_ref=dialog
            >
                <div class="modal-head">
                    <h2 id="booking-title">{move || i18n.t().book_now}</h2>
                    <button
                        type="button"
                        class="btn btn-ghost modal-close"
                        node_ref=close_button
                        on:click=move |_| close()
                    >
                        {move || i18n.t().close}
                    </button>
                </div>
                <p class="booking-session">{title}</p>
                <dl class="booking-summary">
                    {move || teacher.get().map(|name| view! {
                        <dt>{move || i18n.t().booking_teacher}</dt>
                        <dd>{name}</dd>
                    })}
                    <dt>{move || i18n.t().booking_when}</dt>
                    <dd class="booking-when">
                        <time datetime=start>{day} ", " {times}</time>
                    </dd>
                    <dt>{move || i18n.t().booking_duration}</dt>
                    <dd>{move || format!("{minutes} {}", i18n.t().booking_minutes)}</dd>
                    <dt>{move || i18n.t().field_price}</dt>
                    <dd>{move || format_price(price_cents, currency, i18n.t().free)}</dd>
                    <dt>{move || i18n.t().booking_seats}</dt>
                    <dd class="booking-seats">{move || seats_text(i18n.t(), seats_left)}</dd>
                </dl>
                {move || error.get().map(|message| view! {
                    <p class="alert alert-error" role="alert" data-testid="booking-error">{message}</p>
                })}
                {body}
            </div>
        </div>
    }
    .into_any()
}

/// The held seat: the countdown, the Payment Element and "Säker betalning".
#[component]
fn PayPanel(started: CheckoutStarted, stage: RwSignal<Stage>) -> impl IntoView {
    let i18n = use_i18n();
    let ready = RwSignal::new(false);
    let order_id = started.order_id.clone();
    let origin = window().location().origin().unwrap_or_default();
    let return_url = format!("{origin}/orders/{order_id}");
    let setup = PaymentSetup {
        client_secret: started.client_secret.clone().unwrap_or_default(),
        confirm_with: crate::model::membership::ConfirmWith::Payment,
        publishable_key: started.publishable_key.clone(),
        script_url: started.script_url.clone(),
        amount_cents: started.amount_cents,
        currency: started.currency.clone(),
    };
    let on_ready = Callback::new(move |()| ready.set(true));
    let on_success = Callback::new(move |_intent_id: String| {
        stage.set(Stage::Done {
            order_id: order_id.clone(),
            free: false,
        });
    });
    view! {
        <div class="booking-pay">
            {started.hold_expires_at.map(|expires_at| view! { <HoldCountdown expires_at /> })}
            <PaymentForm
                setup
                return_url
                pay_label=Signal::derive(move || i18n.t().book_and_pay.to_owned())
                on_success
                on_ready
            />
            <Show when=move || ready.get()>
                <SecurePayment />
            </Show>
        </div>
    }
}

/// How long the seat is held: mm:ss on screen (not read out every second),
/// and a polite announcement at most once a minute.
#[component]
fn HoldCountdown(expires_at: DateTime<Utc>) -> impl IntoView {
    let i18n = use_i18n();
    let now = RwSignal::new(Utc::now());
    if let Ok(interval) =
        set_interval_with_handle(move || now.set(Utc::now()), Duration::from_secs(1))
    {
        on_cleanup(move || interval.clear());
    }
    let left = move || (expires_at - now.get()).num_seconds().max(0);
    let clock = move || {
        let secs = left();
        format!("{:02}:{:02}", secs / 60, secs % 60)
    };
    // Whole minutes left (and whether any time is): changes once a minute,
    // so the live region speaks at most that often.
    let minutes_left = Memo::new(move |_| {
        let secs = left();
        (secs / 60, secs > 0)
    });
    let announcement = move || {
        let (minutes, any) = minutes_left.get();
        hold_announcement(i18n.t(), minutes, any)
    };
    let expired = move || !minutes_left.get().1;
    view! {
        <div class="hold-countdown">
            <p class="hold-clock" aria-live="off" data-testid="hold-countdown">
                <span class="hold-label">{move || i18n.t().hold_label}</span>
                " "
                <span class="hold-time">{clock}</span>
            </p>
            <p class="sr-only" role="status" aria-live="polite">{announcement}</p>
            <Show when=expired>
                <p class="alert alert-warn" role="alert">{move || i18n.t().hold_expired}</p>
            </Show>
        </div>
    }
}

fn hold_announcement(t: &Strings, minutes: i64, any_left: bool) -> String {
    match minutes {
        _ if !any_left => String::new(),
        0 => t.hold_sr_under_minute.to_owned(),
        1 => format!("1 {}", t.hold_sr_minute),
        n => format!("{n} {}", t.hold_sr_minutes),
    }
}

/// "Säker betalning" with the marks of the methods the element offers.
#[component]
fn SecurePayment() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <div class="secure-payment" data-testid="secure-payment">
            <p class="secure-payment-title">
                <svg class="secure-lock" viewBox="0 0 16 16" width="16" height="16" aria-hidden="true" focusable="false">
                    <path
                        fill="currentColor"
                        d="M8 1a3.5 3.5 0 0 0-3.5 3.5V7H4a1.5 1.5 0 0 0-1.5 1.5v5A1.5 1.5 0 0 0 4 15h8a1.5 1.5 0 0 0 1.5-1.5v-5A1.5 1.5 0 0 0 12 7h-.5V4.5A3.5 3.5 0 0 0 8 1Zm-2 6V4.5a2 2 0 1 1 4 0V7H6Z"
                    />
                </svg>
                {move || i18n.t().secure_payment}
            </p>
            <ul class="pay-marks" aria-label=move || i18n.t().pay_methods_label>
                <li class="pay-mark pay-mark-card">
                    <svg viewBox="0 0 24 16" width="24" height="16" aria-hidden="true" focusable="false">
                        <rect x="0.5" y="0.5" width="23" height="15" rx="2.5" fill="none" stroke="currentColor" />
                        <rect x="0.5" y="4" width="23" height="3" fill="currentColor" />
                        <rect x="3" y="10" width="7" height="2" rx="1" fill="currentColor" />
                    </svg>
                    {move || i18n.t().pay_method_card}
                </li>
                <li class="pay-mark pay-mark-paypal">{move || i18n.t().pay_method_paypal}</li>
                <li class="pay-mark pay-mark-klarna">{move || i18n.t().pay_method_klarna}</li>
            </ul>
        </div>
    }
}

/// Booked: the way on to the receipt. Focus moves to the heading.
#[component]
fn BookingSuccess(order_id: String, free: bool) -> impl IntoView {
    let i18n = use_i18n();
    let heading = NodeRef::<leptos::html::H3>::new();
    Effect::new(move || {
        if let Some(heading) = heading.get() {
            let _ = heading.focus();
        }
    });
    let title = move || {
        if free {
            i18n.t().booking_free_title
        } else {
            i18n.t().booking_paid_title
        }
    };
    view! {
        <div class="booking-success" role="status" data-testid="booking-success">
            <h3 class="booking-success-title" tabindex="-1" node_ref=heading>
                <span class="success-mark" aria-hidden="true">"✓"</span>
                " "
                {title}
            </h3>
            <p>{move || i18n.t().booking_success_lead}</p>
            <A href=format!("/orders/{order_id}") attr:class="btn btn-primary">
                <span class="btn-label">{move || i18n.t().to_receipt}</span>
            </A>
        </div>
    }
}

/// Tab and Shift+Tab cycle through what can take focus inside `root`.
fn trap_tab(ev: &KeyboardEvent, root: &Element) {
    let items = focusables(root);
    let (Some(first), Some(last)) = (items.first(), items.last()) else {
        ev.prevent_default();
        if let Some(root) = root.dyn_ref::<HtmlElement>() {
            let _ = root.focus();
        }
        return;
    };
    let active = document().active_element();
    let is = |el: &HtmlElement| {
        active
            .as_ref()
            .is_some_and(|a| a == el.unchecked_ref::<Element>())
    };
    let inside = items.iter().any(is);
    if ev.shift_key() && (is(first) || !inside) {
        ev.prevent_default();
        let _ = last.focus();
    } else if !ev.shift_key() && (is(last) || !inside) {
        ev.prevent_default();
        let _ = first.focus();
    }
}

/// What Tab can reach inside `root`, in document order: enabled controls,
/// links and anything with a non-negative tabindex that is rendered.
fn focusables(root: &Element) -> Vec<HtmlElement> {
    const SELECTOR: &str = "a[href], button:not([disabled]), input:not([disabled]):not([type=\"hidden\"]), \
        select:not([disabled]), textarea:not([disabled]), iframe, [tabindex], [contenteditable=\"true\"]";
    let mut found = Vec::new();
    let mut stack = Vec::new();
    let mut child = root.last_element_child();
    while let Some(el) = child {
        child = el.previous_element_sibling();
        stack.push(el);
    }
    while let Some(el) = stack.pop() {
        if el.has_attribute("hidden") || el.has_attribute("inert") {
            continue;
        }
        if el.matches(SELECTOR).unwrap_or(false) {
            if let Some(html) = el.dyn_ref::<HtmlElement>() {
                if html.tab_index() >= 0 && is_rendered(html) {
                    found.push(html.clone());
                }
            }
        }
        let mut child = el.last_element_child();
        while let Some(next) = child {
            child = next.previous_element_sibling();
            stack.push(next);
        }
    }
    found
}

fn is_rendered(el: &HtmlElement) -> bool {
    let rect = el.get_bounding_client_rect();
    rect.width() > 0.0 || rect.height() > 0.0
}

/// `<body>` or `<html>`: where focus lands when what had it went away.
fn is_page_root(el: &Element) -> bool {
    matches!(el.tag_name().as_str(), "BODY" | "HTML")
}

/// Gives focus back to the element with `id`, if it is still on the page.
fn focus_by_id(id: &str) {
    if let Some(element) = document()
        .get_element_by_id(id)
        .and_then(|element| element.dyn_into::<HtmlElement>().ok())
    {
        let _ = element.focus();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::{EN, SV};

    #[test]
    fn the_hold_is_announced_in_whole_minutes() {
        assert_eq!(
            hold_announcement(&SV, 14, true),
            "14 minuter kvar att betala innan platsen släpps."
        );
        assert_eq!(
            hold_announcement(&EN, 1, true),
            "1 minute left to pay before the seat is released."
        );
        assert_eq!(
            hold_announcement(&SV, 0, true),
            "Mindre än en minut kvar att betala."
        );
        assert_eq!(hold_announcement(&SV, 0, false), "");
    }
}

//! The "Boka nu" modal: what the chosen slot is and costs. Payment arrives in
//! a later issue; until then it says booking opens soon.

use chrono::SecondsFormat;
use chrono_tz::Tz;
use leptos::ev::{KeyboardEvent, MouseEvent};
use leptos::prelude::*;
use leptos::wasm_bindgen::JsCast;

use crate::i18n::format_span;
use crate::model::session::{format_price, Currency};
use crate::ui::i18n_context::use_i18n;
use crate::ui::session::format::{day_label_with_year, seats_text};
use crate::ui::session::Picked;

#[component]
pub fn BookingModal(
    picked: Picked,
    title: String,
    price_cents: i64,
    currency: Currency,
    tz: Tz,
    on_close: Callback<()>,
) -> impl IntoView {
    let i18n = use_i18n();
    let Picked { slot, opener_id } = picked;
    let close_button = NodeRef::<leptos::html::Button>::new();
    let opener_id = StoredValue::new(opener_id);
    let close = move || {
        on_close.run(());
        opener_id.with_value(|id| focus_by_id(id));
    };

    // Focus moves into the dialog when it opens.
    Effect::new(move || {
        if let Some(button) = close_button.get() {
            let _ = button.focus();
        }
    });

    let on_keydown = move |ev: KeyboardEvent| match ev.key().as_str() {
        "Escape" => {
            ev.prevent_default();
            close();
        }
        // Close is the dialog's only control, so Tab stays on it.
        "Tab" => {
            ev.prevent_default();
            if let Some(button) = close_button.get_untracked() {
                let _ = button.focus();
            }
        }
        _ => {}
    };
    // A click on the dimmed page around the dialog closes it too.
    let on_backdrop = move |ev: MouseEvent| {
        if ev.target() == ev.current_target() {
            close();
        }
    };

    let start = slot.start_at.to_rfc3339_opts(SecondsFormat::Secs, true);
    let day = move || day_label_with_year(i18n.t(), tz, slot.start_at);
    let times = format_span(tz, slot.start_at, slot.end_at);
    let seats_left = slot.seats_left;
    view! {
        <div class="modal-backdrop" on:keydown=on_keydown on:click=on_backdrop>
            <div
                class="modal booking-modal"
                role="dialog"
                aria-modal="true"
                aria-labelledby="booking-title"
                aria-describedby="booking-soon"
                tabindex="-1"
                data-testid="booking-modal"
            >
                <h2 id="booking-title">{move || i18n.t().book_now}</h2>
                <p class="booking-session">{title}</p>
                <p class="booking-when">
                    <time datetime=start>{day} ", " {times}</time>
                </p>
                <dl class="booking-summary">
                    <dt>{move || i18n.t().field_price}</dt>
                    <dd>{move || format_price(price_cents, currency, i18n.t().free)}</dd>
                </dl>
                <p class="booking-seats">{move || seats_text(i18n.t(), seats_left)}</p>
                <p id="booking-soon" class="alert">{move || i18n.t().booking_soon}</p>
                <div class="actions">
                    <button
                        type="button"
                        class="btn btn-ghost"
                        node_ref=close_button
                        on:click=move |_| close()
                    >
                        {move || i18n.t().close}
                    </button>
                </div>
            </div>
        </div>
    }
    .into_any()
}

/// Gives focus back to the element with `id`, if it is still on the page.
fn focus_by_id(id: &str) {
    if let Some(element) = document()
        .get_element_by_id(id)
        .and_then(|element| element.dyn_into::<leptos::web_sys::HtmlElement>().ok())
    {
        let _ = element.focus();
    }
}

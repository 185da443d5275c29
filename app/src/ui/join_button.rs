//! "Gå med": a booking's join link as a button. Before the window it reads
//! "Öppnar om 12 min" and is marked disabled; it becomes the active link by
//! itself when the window opens, without a reload, and disappears once the
//! window has closed. The server decides again at the click (`/join/{token}`
//! answers 303 to the room only inside the window), so a wrong clock in the
//! browser can only change the label, never open the room early.
//!
//! The element is the same link in every state, and it renders without a
//! clock until it is hydrated, so server rendering and hydration agree.

use chrono::{DateTime, Utc};
use leptos::prelude::*;

use crate::model::join::{closes_at, minutes_until};
use crate::ui::i18n_context::use_i18n;

/// The browser's now, ticking every second once hydrated; `None` before,
/// on the server and in the first render in the browser, so that both render
/// the same text (hydration keeps the server's text, and an equal value
/// computed in the browser would never replace it).
pub fn ticking_now() -> RwSignal<Option<DateTime<Utc>>> {
    let now = RwSignal::new(None);
    Effect::new(move |_| {
        let _ = now.try_set(Some(Utc::now()));
        if let Ok(interval) = set_interval_with_handle(
            move || {
                let _ = now.try_set(Some(Utc::now()));
            },
            std::time::Duration::from_secs(1),
        ) {
            on_cleanup(move || interval.clear());
        }
    });
    now
}

#[component]
pub fn JoinButton(
    join_url: String,
    opens_at: DateTime<Utc>,
    end_at: DateTime<Utc>,
) -> impl IntoView {
    let i18n = use_i18n();
    let now = ticking_now();
    // Until the browser's clock is known the link reads "Gå med", marked
    // disabled: the server decides at the click either way.
    let open = Memo::new(move |_| now.get().is_some_and(|now| now >= opens_at));
    let over = Memo::new(move |_| now.get().is_some_and(|now| now >= closes_at(end_at)));
    let label = move || {
        let t = i18n.t();
        match now.get() {
            Some(now) if now < opens_at => t
                .join_opens_in
                .replace("{n}", &minutes_until(now, opens_at).to_string()),
            _ => t.join_button.to_owned(),
        }
    };
    view! {
        <Show when=move || !over.get()>
            // rel=external: a full navigation, so the server's 303 leads to the room.
            <a
                class=move || if open.get() { "btn btn-primary btn-join" } else { "btn btn-join" }
                href=join_url.clone()
                rel="external"
                aria-disabled=move || (!open.get()).to_string()
                data-testid="join-button"
            >
                <span class="btn-label">{label}</span>
            </a>
        </Show>
    }
}

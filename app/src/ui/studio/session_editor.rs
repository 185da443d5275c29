//! The session editor: a new session, or the one chosen in the list. It keeps
//! what was typed when the server refuses, and shows the reason.

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::task::spawn_local;

use super::state::use_studio;
use crate::api::studio::save_session;
use crate::model::session::{parse_price_input, Currency, Session, SessionInput, Visibility};

/// Seats a new session offers per slot until the teacher says otherwise.
const DEFAULT_CAPACITY: i64 = 10;

/// A price in minor units as a person types it: "150", "99,50".
fn price_text(cents: i64) -> String {
    match (cents / 100, cents % 100) {
        (major, 0) => major.to_string(),
        (major, minor) => format!("{major},{minor:02}"),
    }
}

#[component]
pub fn SessionEditor(seed: Option<Session>) -> impl IntoView {
    let studio = use_studio();
    let i18n = studio.i18n;
    let seed = seed.as_ref();
    let id = RwSignal::new(seed.map(|s| s.id.clone()));
    let title = RwSignal::new(seed.map(|s| s.title.clone()).unwrap_or_default());
    let description = RwSignal::new(seed.map(|s| s.description.clone()).unwrap_or_default());
    let price = RwSignal::new(seed.map(|s| price_text(s.price_cents)).unwrap_or_default());
    let currency = RwSignal::new(seed.map_or(Currency::SEK, |s| s.currency));
    let capacity = RwSignal::new(seed.map_or(DEFAULT_CAPACITY, |s| s.capacity).to_string());
    let visibility = RwSignal::new(seed.map_or(Visibility::Draft, |s| s.visibility));
    let recording = RwSignal::new(
        seed.and_then(|s| s.recording_url.clone())
            .unwrap_or_default(),
    );
    let room = RwSignal::new(seed.and_then(|s| s.room_url.clone()).unwrap_or_default());
    let error = RwSignal::new(None::<String>);
    let saved = RwSignal::new(false);
    let saving = RwSignal::new(false);

    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        let t = i18n.t();
        saved.set(false);
        // Typed numbers are read here; every other rule is the server's.
        let Some(price_cents) = parse_price_input(&price.get_untracked()) else {
            error.set(Some(t.err_price_input.to_owned()));
            return;
        };
        let Ok(capacity) = capacity.get_untracked().trim().parse::<i64>() else {
            error.set(Some(t.err_session_capacity.to_owned()));
            return;
        };
        let recording_url = Some(recording.get_untracked()).filter(|u| !u.trim().is_empty());
        let room_url = Some(room.get_untracked()).filter(|u| !u.trim().is_empty());
        let input = SessionInput {
            id: id.get_untracked(),
            title: title.get_untracked(),
            description: description.get_untracked(),
            capacity,
            price_cents,
            currency: currency.get_untracked().code().to_owned(),
            visibility: visibility.get_untracked(),
            recording_url,
            room_url,
        };
        error.set(None);
        saving.set(true);
        spawn_local(async move {
            let result = save_session(input).await;
            saving.set(false);
            match result {
                Ok(session) => {
                    id.set(Some(session.id.clone()));
                    saved.set(true);
                    studio.selected.set(Some(session.id));
                    studio.reload_sessions();
                }
                Err(err) => error.set(Some(err.message)),
            }
        });
    };

    let heading = move || {
        let t = i18n.t();
        if id.with(Option::is_none) {
            t.studio_new_session
        } else {
            t.studio_edit_session
        }
    };
    let currency_options = Currency::ALL
        .into_iter()
        .map(|c| {
            view! {
                <option value=c.code() selected=currency.get_untracked() == c>
                    {c.code()}
                </option>
            }
        })
        .collect_view();
    let visibility_options = [Visibility::Draft, Visibility::Published]
        .into_iter()
        .map(|v| {
            let label = move || match v {
                Visibility::Draft => i18n.t().status_draft,
                Visibility::Published => i18n.t().status_published,
            };
            view! {
                <option value=v.as_str() selected=visibility.get_untracked() == v>
                    {label}
                </option>
            }
        })
        .collect_view();

    view! {
        <section class="glass studio-editor" aria-labelledby="studio-editor-title">
            <h2 id="studio-editor-title">{heading}</h2>
            <form class="form" novalidate on:submit=submit>
                <Show when=move || error.get().is_some()>
                    <p class="alert alert-error" role="alert">{move || error.get()}</p>
                </Show>
                <div class="field">
                    <label for="editor-title">{move || i18n.t().field_title}</label>
                    <input id="editor-title" class="input" type="text" maxlength="120" bind:value=title />
                </div>
                <div class="field">
                    <label for="editor-description">{move || i18n.t().field_description}</label>
                    <textarea id="editor-description" class="input" rows="3" bind:value=description></textarea>
                </div>
                <div class="studio-editor-row">
                    <div class="field">
                        <label for="editor-price">{move || i18n.t().field_price}</label>
                        <input id="editor-price" class="input" type="text" inputmode="decimal" bind:value=price />
                    </div>
                    <div class="field">
                        <label for="editor-currency">{move || i18n.t().field_currency}</label>
                        <select
                            id="editor-currency"
                            class="input"
                            on:change=move |ev| {
                                if let Some(c) = Currency::parse(&event_target_value(&ev)) {
                                    currency.set(c);
                                }
                            }
                        >
                            {currency_options}
                        </select>
                    </div>
                </div>
                <div class="studio-editor-row">
                    <div class="field">
                        <label for="editor-capacity">{move || i18n.t().field_capacity}</label>
                        <input id="editor-capacity" class="input" type="number" min="1" max="500" bind:value=capacity />
                    </div>
                    <div class="field">
                        <label for="editor-visibility">{move || i18n.t().field_visibility}</label>
                        <select
                            id="editor-visibility"
                            class="input"
                            on:change=move |ev| {
                                if let Some(v) = Visibility::parse(&event_target_value(&ev)) {
                                    visibility.set(v);
                                }
                            }
                        >
                            {visibility_options}
                        </select>
                    </div>
                </div>
                <div class="field">
                    <label for="editor-room">{move || i18n.t().field_room}</label>
                    <input id="editor-room" class="input" type="url" inputmode="url" maxlength="2000"
                        placeholder="https://" bind:value=room />
                </div>
                <div class="field">
                    <label for="editor-recording">{move || i18n.t().field_recording}</label>
                    <input id="editor-recording" class="input" type="url" inputmode="url" bind:value=recording />
                </div>
                <div class="actions">
                    <button type="submit" class="btn btn-primary" disabled=move || saving.get()>
                        <span class="btn-label">
                            {move || if saving.get() { i18n.t().working } else { i18n.t().save }}
                        </span>
                    </button>
                    <p class="studio-saved" role="status">
                        {move || saved.get().then(|| i18n.t().studio_saved)}
                    </p>
                </div>
            </form>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prices_are_shown_as_typed() {
        assert_eq!(price_text(15_000), "150");
        assert_eq!(price_text(9_950), "99,50");
        assert_eq!(price_text(0), "0");
        assert_eq!(parse_price_input(&price_text(9_905)), Some(9_905));
    }
}

//! `/signup`.

use leptos::prelude::*;
use leptos_router::components::A;

use crate::ui::app::use_auth;
use crate::ui::i18n_context::use_i18n;
use crate::ui::viewer::browser_zone;

#[component]
pub fn SignupPage() -> impl IntoView {
    let i18n = use_i18n();
    let signup = use_auth().signup;
    let error = Signal::derive(move || {
        signup
            .value()
            .get()
            .and_then(|r| r.err())
            .map(|e| e.message)
    });

    // The account starts in the browser's time zone (read once hydrated;
    // without it the server falls back to Stockholm).
    let zone = RwSignal::new(String::new());
    Effect::new(move |_| {
        if let Some(tz) = browser_zone() {
            zone.set(tz.name().to_owned());
        }
    });

    view! {
        <section class="glass auth-panel" aria-labelledby="signup-title">
            <h1 id="signup-title">{move || i18n.t().signup_title}</h1>
            <ActionForm action=signup attr:class="form">
                <FormError error />
                <input type="hidden" name="time_zone" value=move || zone.get() />
                <div class="field">
                    <label for="signup-email">{move || i18n.t().email}</label>
                    <input id="signup-email" class="input" type="email" name="email" autocomplete="email" required />
                </div>
                <div class="field">
                    <label for="signup-name">{move || i18n.t().display_name}</label>
                    <input
                        id="signup-name"
                        class="input"
                        type="text"
                        name="display_name"
                        autocomplete="name"
                        maxlength="80"
                        required
                    />
                </div>
                <div class="field">
                    <label for="signup-password">{move || i18n.t().password}</label>
                    <input
                        id="signup-password"
                        class="input"
                        type="password"
                        name="password"
                        autocomplete="new-password"
                        aria-describedby="signup-password-hint"
                        required
                    />
                    <small id="signup-password-hint" class="muted">{move || i18n.t().password_hint}</small>
                </div>
                <button type="submit" class="btn btn-primary" disabled=move || signup.pending().get()>
                    <span class="btn-label">{move || if signup.pending().get() { i18n.t().working } else { i18n.t().signup_submit }}</span>
                </button>
            </ActionForm>
            <p>
                <A href="/login">{move || i18n.t().signup_have_account}</A>
            </p>
        </section>
    }
}

/// The refusal of the last submit, announced to screen readers.
#[component]
pub fn FormError(#[prop(into)] error: Signal<Option<String>>) -> impl IntoView {
    view! {
        <Show when=move || error.get().is_some()>
            <p class="alert alert-error" role="alert">{move || error.get()}</p>
        </Show>
    }
}

//! The profile: name and time zone. The zone is picked from a searchable
//! list of every IANA zone (an `<input list>`), and every time on the site
//! moves with it at once.

use leptos::prelude::*;

use crate::model::User;
use crate::ui::app::use_auth;
use crate::ui::i18n_context::use_i18n;
use crate::ui::pages::signup::FormError;

#[component]
pub fn ProfileSection(user: User) -> impl IntoView {
    let i18n = use_i18n();
    let update = use_auth().update_profile;
    let error = Signal::derive(move || {
        update
            .value()
            .get()
            .and_then(|r| r.err())
            .map(|e| e.message)
    });
    let saved = move || matches!(update.value().get(), Some(Ok(_)));
    let zones = chrono_tz::TZ_VARIANTS
        .iter()
        .map(|tz| view! { <option value=tz.name()></option> })
        .collect_view();
    view! {
        <section class="glass" aria-labelledby="account-profile-title">
            <h2 id="account-profile-title">{move || i18n.t().profile_title}</h2>
            <ActionForm action=update attr:class="form">
                <FormError error />
                <Show when=saved>
                    <p class="alert alert-success" role="status">{move || i18n.t().saved}</p>
                </Show>
                <input type="hidden" name="locale" value="" />
                <div class="field">
                    <label for="profile-name">{move || i18n.t().display_name}</label>
                    <input id="profile-name" class="input" type="text" name="display_name"
                        autocomplete="name" maxlength="80" value=user.display_name.clone() required />
                </div>
                <div class="field">
                    <label for="profile-zone">{move || i18n.t().time_zone}</label>
                    <input id="profile-zone" class="input" type="text" name="time_zone" list="time-zones"
                        autocomplete="off" value=user.time_zone.clone() aria-describedby="profile-zone-hint" required />
                    <datalist id="time-zones">{zones}</datalist>
                    <small id="profile-zone-hint" class="muted">{move || i18n.t().time_zone_hint}</small>
                </div>
                <button type="submit" class="btn btn-primary" disabled=move || update.pending().get()>
                    {move || i18n.t().save}
                </button>
            </ActionForm>
        </section>
    }
}

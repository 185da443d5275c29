//! `/studio`: the teacher's week calendar, palette and session editor, or
//! the way there for visitors and students.

use leptos::prelude::*;
use leptos_router::components::A;

use crate::ui::app::use_auth;
use crate::ui::i18n_context::use_i18n;
use crate::ui::studio::Studio;

#[component]
pub fn StudioPage() -> impl IntoView {
    let i18n = use_i18n();
    let auth = use_auth();
    view! {
        <Transition fallback=move || view! { <p class="skeleton">{move || i18n.t().loading}</p> }>
            {move || {
                auth.user
                    .get()
                    .map(|user| match user {
                        Ok(Some(user)) if user.is_teacher => view! { <Studio user /> }.into_any(),
                        Ok(Some(_)) => {
                            view! {
                                <section class="glass">
                                    <h1>{move || i18n.t().studio_title}</h1>
                                    <p>{move || i18n.t().studio_not_teacher}</p>
                                    <p>
                                        <A href="/account">{move || i18n.t().nav_account}</A>
                                    </p>
                                </section>
                            }
                                .into_any()
                        }
                        Ok(None) => {
                            view! {
                                <section class="glass">
                                    <h1>{move || i18n.t().studio_title}</h1>
                                    <p>{move || i18n.t().err_unauthorized}</p>
                                    <p>
                                        <A href="/login">{move || i18n.t().nav_login}</A>
                                    </p>
                                </section>
                            }
                                .into_any()
                        }
                        Err(err) => {
                            view! { <p class="alert alert-error" role="alert">{err.message}</p> }
                                .into_any()
                        }
                    })
            }}
        </Transition>
    }
}

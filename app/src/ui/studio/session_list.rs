//! The teacher's sessions with their status; choosing one selects it for new
//! slots and opens it in the editor.

use leptos::prelude::*;

use super::state::use_studio;
use super::status::SessionEntry;

#[component]
pub fn SessionList() -> impl IntoView {
    let studio = use_studio();
    let i18n = studio.i18n;
    let new_session = move |_| {
        studio.selected.set(None);
        studio.editing.set(None);
    };
    view! {
        <section class="glass studio-sessions" aria-labelledby="studio-sessions-title">
            <div class="studio-panel-head">
                <h2 id="studio-sessions-title">{move || i18n.t().studio_sessions}</h2>
                <button type="button" class="btn btn-ghost" on:click=new_session>
                    {move || i18n.t().studio_new_session}
                </button>
            </div>
            <Transition fallback=move || view! { <p class="skeleton">{move || i18n.t().loading}</p> }>
                {move || {
                    studio
                        .sessions
                        .get()
                        .and_then(Result::ok)
                        .map(|list| {
                            if list.is_empty() {
                                view! { <p class="muted">{move || i18n.t().studio_no_sessions}</p> }
                                    .into_any()
                            } else {
                                view! {
                                    <ul class="studio-session-list">
                                        {list
                                            .into_iter()
                                            .map(|entry| view! { <SessionItem entry /> })
                                            .collect_view()}
                                    </ul>
                                }
                                    .into_any()
                            }
                        })
                }}
            </Transition>
        </section>
    }
}

#[component]
fn SessionItem(entry: SessionEntry) -> impl IntoView {
    let studio = use_studio();
    let i18n = studio.i18n;
    let SessionEntry { session, status } = entry;
    let id = session.id.clone();
    let pressed = {
        let id = id.clone();
        move || (studio.selected.get().as_deref() == Some(id.as_str())).to_string()
    };
    let title = session.title.clone();
    let choose = {
        let id = id.clone();
        move |_| {
            studio.selected.set(Some(id.clone()));
            studio.editing.set(Some(session.clone()));
        }
    };
    view! {
        <li>
            <button
                type="button"
                class="studio-session"
                data-testid="session-item"
                data-session-id=id
                aria-pressed=pressed
                on:click=choose
            >
                <span class="studio-session-icon" aria-hidden="true">{status.icon()}</span>
                <span class="studio-session-title">{title}</span>
                <span class="studio-session-status">{move || status.label(i18n.t())}</span>
            </button>
        </li>
    }
}

//! `/join/:token`: the page behind a booking's personal join link, shown
//! when the link does not lead into the room (`server::attend` answers 303
//! to the room inside the window before this page is rendered):
//! - before the window: the session, its local start time, a live countdown
//!   and "add to calendar"; the button turns active when the window opens;
//! - after it: "the session has ended", with the recording when allowed;
//! - a cancelled or refunded booking: why, and a link to book again.
//!
//! It never holds the room's address. An unknown token is a 404.

use leptos::prelude::*;
use leptos_meta::{Meta, Title};
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;

use crate::api::attendance::join_page;
use crate::i18n::format_span;
use crate::model::join::{JoinPhase, JoinRefusal, JoinView};
use crate::model::ErrorCode;
use crate::ui::i18n_context::use_i18n;
use crate::ui::join_button::JoinButton;
use crate::ui::session::format::day_label_with_year;
use crate::ui::viewer::viewer_time_zone;

#[component]
pub fn JoinPage() -> impl IntoView {
    let i18n = use_i18n();
    let params = use_params_map();
    #[cfg(feature = "ssr")]
    let response = use_context::<leptos_axum::ResponseOptions>();
    let token = move || params.read().get("token").unwrap_or_default();
    let view_data = Resource::new(token, move |token| {
        #[cfg(feature = "ssr")]
        let response = response.clone();
        async move {
            let result = join_page(token).await;
            #[cfg(feature = "ssr")]
            if let (Some(response), Err(err)) = (response, &result) {
                if err.code == ErrorCode::NotFound {
                    response.set_status(axum::http::StatusCode::NOT_FOUND);
                }
            }
            result
        }
    });
    view! {
        <Title text=move || format!("{} – Aveli", i18n.t().join_title) />
        // A personal link: never indexed, never sent on as a referrer.
        <Meta name="robots" content="noindex" />
        <Meta name="referrer" content="no-referrer" />
        <Suspense fallback=move || view! { <p class="skeleton" role="status">{move || i18n.t().loading}</p> }>
            {move || {
                view_data.get().map(|result| match result {
                    Ok(data) => view! { <Join data join_url=format!("/join/{}", token()) /> }.into_any(),
                    Err(err) if err.code == ErrorCode::NotFound => view! {
                        <section class="glass join" aria-labelledby="join-heading">
                            <h1 id="join-heading">{move || i18n.t().not_found_title}</h1>
                            <p>{err.message}</p>
                        </section>
                    }
                    .into_any(),
                    Err(err) => view! { <p class="alert alert-error" role="alert">{err.message}</p> }.into_any(),
                })
            }}
        </Suspense>
    }
}

#[component]
fn Join(data: JoinView, join_url: String) -> impl IntoView {
    let i18n = use_i18n();
    let tz = viewer_time_zone();
    let JoinView {
        session_id,
        session_title,
        teacher_name,
        start_at,
        end_at,
        opens_at,
        refusal,
        phase,
        recording_url,
        calendar_url,
    } = data;
    let datetime = start_at.to_rfc3339();
    let span = format_span(tz, start_at, end_at);
    let state = match (refusal, phase) {
        (Some(refusal), _) => {
            let reason = move || {
                let t = i18n.t();
                match refusal {
                    JoinRefusal::Cancelled => t.join_cancelled,
                    JoinRefusal::Refunded => t.join_refunded,
                    JoinRefusal::SlotCancelled => t.join_slot_cancelled,
                }
            };
            view! {
                <p class="alert" role="status" data-testid="join-refused">{reason}</p>
                <div class="actions">
                    <A href=format!("/sessions/{session_id}") attr:class="btn btn-primary">
                        <span class="btn-label">{move || i18n.t().join_book_again}</span>
                    </A>
                </div>
            }
            .into_any()
        }
        (None, JoinPhase::Ended) => view! {
            <p data-testid="join-ended">{move || i18n.t().join_ended}</p>
            {recording_url.map(|url| view! {
                <div class="actions">
                    <a class="btn btn-primary" href=url>
                        <span class="btn-label">{move || i18n.t().join_recording}</span>
                    </a>
                </div>
            })}
        }
        .into_any(),
        // Before the window, or inside it without a room yet (the teacher
        // has not added one): the button, which the server re-checks.
        (None, JoinPhase::Before | JoinPhase::Open) => view! {
            {(phase == JoinPhase::Open).then(|| view! {
                <p class="alert" role="status">{move || i18n.t().join_no_room}</p>
            })}
            <p class="join-opens">
                {move || i18n.t().join_opens_at} " "
                <time datetime=opens_at.to_rfc3339()>{opens_at.with_timezone(&tz).format("%H:%M").to_string()}</time>
            </p>
            <div class="actions" data-testid="join-countdown">
                <JoinButton join_url opens_at end_at />
                <a class="btn btn-ghost" href=calendar_url download="" rel="external">
                    {move || i18n.t().join_add_calendar}
                </a>
            </div>
            <p class="muted">{move || i18n.t().join_private}</p>
        }
        .into_any(),
    };
    view! {
        <section class="glass join" aria-labelledby="join-heading" data-testid="join-page">
            <p class="receipt-eyebrow">{move || i18n.t().join_title}</p>
            <h1 id="join-heading">{session_title}</h1>
            <p class="join-when">
                {teacher_name} " · "
                <time datetime=datetime>
                    {move || day_label_with_year(i18n.t(), tz, start_at)} ", " {span.clone()}
                </time>
            </p>
            {state}
        </section>
    }
}

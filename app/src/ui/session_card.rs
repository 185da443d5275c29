//! A session in a list: the moon of its day, title, next time, teacher, price.

use leptos::prelude::*;
use leptos_router::components::A;

use crate::i18n::format_when;
use crate::model::session::{format_price, Session};
use crate::ui::i18n_context::use_i18n;
use crate::ui::moon_icon::MoonIcon;
use crate::ui::viewer::viewer_time_zone;

#[component]
pub fn SessionCard(session: Session) -> impl IntoView {
    let i18n = use_i18n();
    let href = format!("/sessions/{}", session.id);
    let when = session.next_slot_at.or(session.end_at);
    let price_cents = session.price_cents;
    let currency = session.currency;
    let teacher = session.teacher_name.clone();
    view! {
        <li class="card session-card" data-testid="session-card">
            {when.map(|at| view! { <MoonIcon at size=28 /> })}
            <div class="session-card-body">
                <h3>
                    <A href=href>{session.title.clone()}</A>
                </h3>
                <p class="muted">
                    {move || when.map(|at| format_when(i18n.t(), viewer_time_zone(), at))}
                    " · " {move || i18n.t().session_with} " " {teacher.clone()}
                </p>
            </div>
            <p class="session-card-price">
                {move || format_price(price_cents, currency, i18n.t().free)}
            </p>
        </li>
    }
}

//! The signed-in devices: browser and system, when each signed in and was
//! last used (in the viewer's zone), "this device", and signing out one or
//! all the others.

use chrono::DateTime;
use leptos::prelude::*;

use crate::api::my_account::{SignOutDevice, SignOutOtherDevices};
use crate::model::account::Device;
use crate::ui::i18n_context::use_i18n;
use crate::ui::viewer::viewer_time_zone;

#[component]
pub fn DevicesSection(
    devices: Vec<Device>,
    sign_out: ServerAction<SignOutDevice>,
    sign_out_others: ServerAction<SignOutOtherDevices>,
) -> impl IntoView {
    let i18n = use_i18n();
    let tz = viewer_time_zone();
    let at = move |secs: i64| {
        DateTime::from_timestamp(secs, 0)
            .map(|t| t.with_timezone(&tz).format("%Y-%m-%d %H:%M").to_string())
            .unwrap_or_default()
    };
    let error = move || {
        let a = sign_out.value().get().and_then(|r| r.err());
        let b = sign_out_others.value().get().and_then(|r| r.err());
        a.or(b)
            .map(|e| view! { <p class="alert alert-error" role="alert">{e.message}</p> })
    };
    let others = devices.iter().filter(|d| !d.current).count();
    let rows = devices
        .into_iter()
        .map(|device| {
            let id = device.id.clone();
            view! {
                <li class="device" data-testid="device" data-current=device.current.to_string()>
                    <strong>{device.summary.clone()}</strong>
                    {device.current.then(|| view! { " · " <em>{move || i18n.t().device_current}</em> })}
                    <br />
                    <small class="muted">
                        {move || i18n.t().device_started} " " {at(device.created_at)} " · "
                        {move || i18n.t().device_last_used} " " {at(device.last_used_at)}
                    </small>
                    {(!device.current).then(|| view! {
                        " "
                        <button type="button" class="btn btn-ghost" disabled=move || sign_out.pending().get()
                            on:click=move |_| { sign_out.dispatch(SignOutDevice { id: id.clone() }); }>
                            {move || i18n.t().device_sign_out}
                        </button>
                    })}
                </li>
            }
        })
        .collect_view();
    view! {
        <section class="glass" aria-labelledby="account-devices-title">
            <h2 id="account-devices-title">{move || i18n.t().devices_title}</h2>
            {error}
            <ul class="devices">{rows}</ul>
            <Show when=move || { others > 0 }>
                <button type="button" class="btn btn-ghost" disabled=move || sign_out_others.pending().get()
                    on:click=move |_| { sign_out_others.dispatch(SignOutOtherDevices {}); }>
                    {move || i18n.t().devices_sign_out_others}
                </button>
            </Show>
        </section>
    }
}

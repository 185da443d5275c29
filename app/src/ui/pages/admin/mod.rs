//! The platform's console (`/admin`): an overview, teachers, orders with
//! their refunds, disputes with their evidence, the system's webhook events
//! and email outbox, and the audit trail. Every page asks its server function
//! first and shows the plain 404 page to anyone the server answers "not
//! found" (not signed in, not an admin), so the console gives nobody a hint
//! that it exists. This module owns what the pages share: the frame with
//! its sub-navigation, paging, the gate, and money and time formatting.

pub mod audit;
pub mod disputes;
pub mod order;
pub mod orders;
pub mod overview;
pub mod refund;
pub mod system;
pub mod teachers;

use chrono::{DateTime, Utc};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;

use crate::i18n_admin::{admin_strings, AdminStrings};
use crate::model::{AppError, ErrorCode};
use crate::ui::i18n_context::{use_i18n, I18n};
use crate::ui::pages::not_found::NotFoundPage;
use crate::ui::viewer::viewer_time_zone;

/// The console's strings, following the active language like `I18n`.
#[derive(Clone, Copy)]
pub struct AdminI18n(pub I18n);

impl AdminI18n {
    pub fn t(&self) -> &'static AdminStrings {
        admin_strings(self.0.locale())
    }
}

pub fn use_admin_i18n() -> AdminI18n {
    AdminI18n(use_i18n())
}

/// The console's sections, for the sub-navigation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AdminTab {
    Overview,
    Teachers,
    Orders,
    Disputes,
    System,
    Audit,
}

/// Whether an error means "not for you": the page then is the 404 page.
pub fn hidden(err: &AppError) -> bool {
    matches!(
        err.code,
        ErrorCode::NotFound | ErrorCode::Unauthorized | ErrorCode::Forbidden
    )
}

/// What a failed console request shows: the 404 page (with its status) to
/// anyone who may not see the console, else the error inside the frame.
pub fn failure(
    err: AppError,
    tab: AdminTab,
    heading: fn(&AdminStrings) -> &'static str,
) -> AnyView {
    if hidden(&err) {
        return view! { <NotFoundPage /> }.into_any();
    }
    view! {
        <AdminFrame tab heading>
            <p class="alert alert-error" role="alert">{err.message}</p>
        </AdminFrame>
    }
    .into_any()
}

/// A console page: its title, heading and the sub-navigation. Only drawn
/// once the server has said the viewer is an admin.
#[component]
pub fn AdminFrame(
    tab: AdminTab,
    heading: fn(&AdminStrings) -> &'static str,
    children: Children,
) -> impl IntoView {
    let a = use_admin_i18n();
    view! {
        <Title text=move || format!("{} – {} – Aveli", heading(a.t()), a.t().console) />
        <section class="glass admin" aria-labelledby="admin-title">
            <p class="admin-eyebrow">{move || a.t().console}</p>
            <h1 id="admin-title">{move || heading(a.t())}</h1>
            <AdminTabs current=tab />
            {children()}
        </section>
    }
}

/// The console's sub-navigation; the current section is `aria-current`.
#[component]
fn AdminTabs(current: AdminTab) -> impl IntoView {
    let a = use_admin_i18n();
    let tab = move |tab: AdminTab| {
        let (href, label): (&'static str, fn(&AdminStrings) -> &'static str) = match tab {
            AdminTab::Overview => ("/admin", |t| t.overview_title),
            AdminTab::Teachers => ("/admin/teachers", |t| t.teachers_title),
            AdminTab::Orders => ("/admin/orders", |t| t.orders_title),
            AdminTab::Disputes => ("/admin/disputes", |t| t.disputes_title),
            AdminTab::System => ("/admin/system", |t| t.system_title),
            AdminTab::Audit => ("/admin/audit", |t| t.audit_title),
        };
        let class = if tab == current {
            "admin-tab admin-tab-current"
        } else {
            "admin-tab"
        };
        view! {
            <li>
                <A href=href exact=true attr:class=class>{move || label(a.t())}</A>
            </li>
        }
    };
    view! {
        <nav class="admin-tabs" aria-label=move || a.t().tabs_label>
            <ul>
                {tab(AdminTab::Overview)}
                {tab(AdminTab::Teachers)}
                {tab(AdminTab::Orders)}
                {tab(AdminTab::Disputes)}
                {tab(AdminTab::System)}
                {tab(AdminTab::Audit)}
            </ul>
        </nav>
    }
}

/// Previous / next page links (absent at either end).
#[component]
pub fn Pager(page: i64, prev: Option<String>, next: Option<String>) -> impl IntoView {
    let a = use_admin_i18n();
    (prev.is_some() || next.is_some()).then(|| {
        view! {
            <nav class="admin-pager" aria-label=move || a.t().pages_label>
                {prev.map(|href| view! {
                    <A href=href attr:class="btn btn-ghost" attr:rel="prev">{move || a.t().page_prev}</A>
                })}
                <span class="muted">{move || a.t().page_n.replace("{n}", &page.to_string())}</span>
                {next.map(|href| view! {
                    <A href=href attr:class="btn btn-ghost" attr:rel="next">{move || a.t().page_next}</A>
                })}
            </nav>
        }
    })
}

/// An amount in minor units with its currency, always with two decimals so
/// partial refunds line up: "75,00 SEK".
pub fn money(cents: i64, currency: &str) -> String {
    let sign = if cents < 0 { "-" } else { "" };
    let abs = cents.unsigned_abs();
    format!(
        "{sign}{},{:02} {}",
        abs / 100,
        abs % 100,
        currency.trim().to_uppercase()
    )
}

/// A moment in the viewer's zone ("2026-03-01 14:05"); read inside a
/// `Suspense` so server and browser agree.
pub fn when(at: DateTime<Utc>) -> String {
    at.with_timezone(&viewer_time_zone())
        .format("%Y-%m-%d %H:%M")
        .to_string()
}

/// A query string value, percent-encoded (RFC 3986 unreserved kept).
pub fn encode(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for byte in value.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(char::from(byte))
            }
            _ => out.push_str(&format!("%{byte:02X}")),
        }
    }
    out
}

/// A fresh Idempotency-Key (v4 UUID; the browser's crypto in the hydrate build).
pub fn new_key() -> String {
    uuid::Uuid::new_v4().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn money_always_has_two_decimals() {
        assert_eq!(money(7_500, "sek"), "75,00 SEK");
        assert_eq!(money(5, "EUR"), "0,05 EUR");
        assert_eq!(money(-1_234, "SEK"), "-12,34 SEK");
    }

    #[test]
    fn query_values_are_encoded() {
        assert_eq!(encode("anna@x.se å&="), "anna%40x.se%20%C3%A5%26%3D");
    }
}

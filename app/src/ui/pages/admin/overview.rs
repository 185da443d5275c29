//! `/admin`: the console's front page — a card per section and the last
//! few actions of the audit trail. The trail's request is also the gate:
//! anyone it refuses gets the 404 page.

use leptos::prelude::*;
use leptos_router::components::A;

use crate::api::admin::admin_audit;
use crate::i18n_admin::AdminStrings;
use crate::model::admin::AuditEntry;
use crate::ui::i18n_context::use_i18n;
use crate::ui::pages::admin::audit::AuditTable;
use crate::ui::pages::admin::{failure, use_admin_i18n, AdminFrame, AdminTab};

/// How many recent actions the front page shows.
const RECENT: usize = 5;

#[component]
pub fn AdminOverviewPage() -> impl IntoView {
    let i18n = use_i18n();
    let audit = Resource::new(|| (), |_| admin_audit(None));
    view! {
        <Suspense fallback=move || view! { <p class="skeleton">{move || i18n.t().loading}</p> }>
            {move || {
                audit.get().map(|result| match result {
                    Ok(page) => {
                        let recent = page.entries.into_iter().take(RECENT).collect::<Vec<_>>();
                        view! { <Overview recent /> }.into_any()
                    }
                    Err(err) => failure(err, AdminTab::Overview, |t| t.overview_title),
                })
            }}
        </Suspense>
    }
}

#[component]
fn Overview(recent: Vec<AuditEntry>) -> impl IntoView {
    let a = use_admin_i18n();
    let card = move |href: &'static str,
                     title: fn(&AdminStrings) -> &'static str,
                     lead: fn(&AdminStrings) -> &'static str| {
        view! {
            <li class="card">
                <h2 class="admin-card-title"><A href=href>{move || title(a.t())}</A></h2>
                <p class="muted">{move || lead(a.t())}</p>
            </li>
        }
    };
    let empty = recent.is_empty();
    view! {
        <AdminFrame tab=AdminTab::Overview heading=|t| t.overview_title>
            <p class="muted">{move || a.t().overview_lead}</p>
            <ul class="grid-cards admin-cards">
                {card("/admin/teachers", |t| t.teachers_title, |t| t.teachers_lead)}
                {card("/admin/orders", |t| t.orders_title, |t| t.orders_lead)}
                {card("/admin/disputes", |t| t.disputes_title, |t| t.disputes_lead)}
                {card("/admin/system", |t| t.system_title, |t| t.system_lead)}
                {card("/admin/audit", |t| t.audit_title, |t| t.audit_lead)}
            </ul>
            <h2 id="admin-recent-title">{move || a.t().overview_recent}</h2>
            {if empty {
                view! { <p class="muted">{move || a.t().audit_empty}</p> }.into_any()
            } else {
                view! { <AuditTable entries=recent labelled_by="admin-recent-title" /> }.into_any()
            }}
        </AdminFrame>
    }
}

//! `/admin/audit`: the audit trail, newest first, a page at a time
//! (`?page=`); and the table of trail rows the other console pages reuse.

use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_query_map;

use crate::api::admin::admin_audit;
use crate::i18n_admin::AdminStrings;
use crate::model::admin::AuditEntry;
use crate::ui::i18n_context::use_i18n;
use crate::ui::pages::admin::{failure, use_admin_i18n, when, AdminFrame, AdminTab, Pager};

#[component]
pub fn AdminAuditPage() -> impl IntoView {
    let i18n = use_i18n();
    let a = use_admin_i18n();
    let query = use_query_map();
    let page = Memo::new(move |_| {
        query
            .read()
            .get("page")
            .and_then(|p| p.trim().parse::<i64>().ok())
            .filter(|p| *p >= 1)
    });
    let audit = Resource::new(move || page.get(), admin_audit);
    view! {
        <Transition fallback=move || view! { <p class="skeleton">{move || i18n.t().loading}</p> }>
            {move || {
                audit.get().map(|result| match result {
                    Ok(page) => {
                        let href = |n: i64| format!("/admin/audit?page={n}");
                        let prev = (page.page > 1).then(|| href(page.page - 1));
                        let next = page.has_more.then(|| href(page.page + 1));
                        let empty = page.entries.is_empty();
                        view! {
                            <AdminFrame tab=AdminTab::Audit heading=|t| t.audit_title>
                                <p class="muted">{move || a.t().audit_lead}</p>
                                {if empty {
                                    view! { <p class="muted">{move || a.t().audit_empty}</p> }.into_any()
                                } else {
                                    view! { <AuditTable entries=page.entries labelled_by="admin-title" /> }.into_any()
                                }}
                                <Pager page=page.page prev next />
                            </AdminFrame>
                        }
                        .into_any()
                    }
                    Err(err) => failure(err, AdminTab::Audit, |t| t.audit_title),
                })
            }}
        </Transition>
    }
}

/// Trail rows: when, who, what, on what, and the change as JSON (folded).
#[component]
pub fn AuditTable(entries: Vec<AuditEntry>, labelled_by: &'static str) -> impl IntoView {
    let a = use_admin_i18n();
    let rows = entries
        .into_iter()
        .map(|entry| {
            let action = entry.action.clone();
            let short = short_id(&entry.target_id);
            let target = match entry.target_type.as_str() {
                "order" => {
                    let href = format!("/admin/orders/{}", entry.target_id);
                    view! {
                        <A href=href>{move || a.t().target_order} " " <code>{short}</code></A>
                    }
                    .into_any()
                }
                "teacher" => view! {
                    <span>{move || a.t().target_teacher} " " <code>{short}</code></span>
                }
                .into_any(),
                "dispute" => view! {
                    <A href="/admin/disputes">{move || a.t().target_dispute} " " <code>{short}</code></A>
                }
                .into_any(),
                "outbox" => view! {
                    <A href="/admin/system">{move || a.t().target_email} " " <code>{short}</code></A>
                }
                .into_any(),
                other => {
                    let other = other.to_owned();
                    view! { <span>{other} " " <code>{short}</code></span> }.into_any()
                }
            };
            view! {
                <tr data-testid="audit-row">
                    <td class="nowrap">{when(entry.created_at)}</td>
                    <td>{entry.admin_email}</td>
                    <td>{move || action_label(a.t(), &action)}</td>
                    <td>{target}</td>
                    <td><Change before=entry.before after=entry.after /></td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <div class="table-scroll">
            <table class="sales-table admin-table" aria-labelledby=labelled_by>
                <thead>
                    <tr>
                        <th scope="col">{move || a.t().col_time}</th>
                        <th scope="col">{move || a.t().col_admin}</th>
                        <th scope="col">{move || a.t().col_action}</th>
                        <th scope="col">{move || a.t().col_target}</th>
                        <th scope="col">{move || a.t().col_change}</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
}

/// Before → after, folded behind a `<details>` so the table stays dense.
#[component]
fn Change(before: Option<String>, after: Option<String>) -> impl IntoView {
    let a = use_admin_i18n();
    let before = before.map(|json| pretty(&json));
    let after = after.map(|json| pretty(&json));
    view! {
        <details class="admin-change">
            <summary>{move || a.t().audit_show_change}</summary>
            <div class="admin-change-body">
                <span class="muted">{move || a.t().audit_before}</span>
                <pre><code>{before.unwrap_or_else(|| "–".to_owned())}</code></pre>
                <span class="muted">{move || a.t().audit_after}</span>
                <pre><code>{after.unwrap_or_else(|| "–".to_owned())}</code></pre>
            </div>
        </details>
    }
}

/// The trail's JSON indented for reading; anything else as it is.
fn pretty(json: &str) -> String {
    serde_json::from_str::<serde_json::Value>(json)
        .and_then(|value| serde_json::to_string_pretty(&value))
        .unwrap_or_else(|_| json.to_owned())
}

/// Ids are UUIDs: the first block tells them apart on a page.
fn short_id(id: &str) -> String {
    id.chars().take(8).collect()
}

/// What an action is called ("order.refund" → "Återbetalning").
pub fn action_label(t: &AdminStrings, action: &str) -> String {
    match action {
        "order.refund" => t.action_refund.to_owned(),
        "teacher.update" => t.action_teacher_update.to_owned(),
        "outbox.resend" => t.action_outbox_resend.to_owned(),
        "dispute.evidence.submit" => t.action_dispute_evidence.to_owned(),
        "dispute.evidence.save" => t.action_dispute_evidence_save.to_owned(),
        other => other.to_owned(),
    }
}

//! `/admin/system`: the Stripe webhook events received and what became of
//! them (counts per outcome, the newest events), and the email outbox
//! (counts, the newest emails, "send again" on a given-up one). Each list
//! has a filter kept in the address: `?events=problems`, `?emails=failed`.

use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_query_map;

use crate::api::admin::{admin_events, admin_outbox, ResendEmail};
use crate::i18n_admin::AdminStrings;
use crate::model::admin::{AdminEvent, EventList, OutboxEmail, OutboxList};
use crate::ui::i18n_context::use_i18n;
use crate::ui::pages::admin::{failure, use_admin_i18n, when, AdminFrame, AdminTab};

/// The page's address with these filters.
fn system_href(problems: bool, failed: bool) -> String {
    let mut parts = Vec::new();
    if problems {
        parts.push("events=problems");
    }
    if failed {
        parts.push("emails=failed");
    }
    if parts.is_empty() {
        "/admin/system".to_owned()
    } else {
        format!("/admin/system?{}", parts.join("&"))
    }
}

#[component]
pub fn AdminSystemPage() -> impl IntoView {
    let i18n = use_i18n();
    let a = use_admin_i18n();
    let query = use_query_map();
    let problems = Memo::new(move |_| query.read().get("events").as_deref() == Some("problems"));
    let failed = Memo::new(move |_| query.read().get("emails").as_deref() == Some("failed"));
    let resend = ServerAction::<ResendEmail>::new();
    let events = Resource::new(move || problems.get(), admin_events);
    let outbox = Resource::new(
        move || (failed.get(), resend.version().get()),
        |(failed, _)| admin_outbox(failed),
    );
    view! {
        <Transition fallback=move || view! { <p class="skeleton">{move || i18n.t().loading}</p> }>
            {move || {
                let (events, outbox) = (events.get(), outbox.get());
                let (Some(events), Some(outbox)) = (events, outbox) else {
                    return None;
                };
                let problems = problems.get_untracked();
                let failed = failed.get_untracked();
                Some(match (events, outbox) {
                    (Ok(events), Ok(outbox)) => view! {
                        <AdminFrame tab=AdminTab::System heading=|t| t.system_title>
                            <p class="muted">{move || a.t().system_lead}</p>
                            <Events list=events problems failed />
                            <Outbox list=outbox problems failed resend />
                        </AdminFrame>
                    }
                    .into_any(),
                    (Err(err), _) | (_, Err(err)) => {
                        failure(err, AdminTab::System, |t| t.system_title)
                    }
                })
            }}
        </Transition>
    }
}

/// "All" / "only some" as two links; the current one is `aria-current`.
#[component]
fn FilterLinks(
    label: fn(&AdminStrings) -> &'static str,
    only_label: fn(&AdminStrings) -> &'static str,
    only: bool,
    all_href: String,
    only_href: String,
    testid: &'static str,
) -> impl IntoView {
    let a = use_admin_i18n();
    let class = |current: bool| {
        if current {
            "admin-tab admin-tab-current"
        } else {
            "admin-tab"
        }
    };
    view! {
        <div class="admin-toggle" role="group" aria-label=move || label(a.t())>
            <a href=all_href class=class(!only) aria-current=(!only).then_some("true")>
                {move || a.t().show_all}
            </a>
            <a href=only_href class=class(only) aria-current=only.then_some("true") data-testid=testid>
                {move || only_label(a.t())}
            </a>
        </div>
    }
}

/// Counts as a short list of label and number.
#[component]
fn Counts(label: fn(&AdminStrings) -> &'static str, items: Vec<(String, i64)>) -> impl IntoView {
    let a = use_admin_i18n();
    let items = items
        .into_iter()
        .map(|(name, count)| {
            view! {
                <div>
                    <dt>{name}</dt>
                    <dd>{count}</dd>
                </div>
            }
        })
        .collect_view();
    view! {
        <h3 class="sr-only">{move || label(a.t())}</h3>
        <dl class="admin-counts">{items}</dl>
    }
}

fn outcome_label(t: &AdminStrings, outcome: &str) -> String {
    match outcome {
        "processed" => t.outcome_processed,
        "duplicate" => t.outcome_duplicate,
        "ignored" => t.outcome_ignored,
        "too_early" => t.outcome_too_early,
        "retrying" => t.outcome_retrying,
        "failed" => t.outcome_failed,
        "pending" => t.outcome_pending,
        other => return other.replace('_', " "),
    }
    .to_owned()
}

fn outcome_class(outcome: &str) -> &'static str {
    match outcome {
        "processed" => "badge badge-ok",
        "failed" => "badge badge-danger",
        "too_early" | "retrying" | "pending" => "badge badge-warn",
        _ => "badge",
    }
}

#[component]
fn Events(list: EventList, problems: bool, failed: bool) -> impl IntoView {
    let a = use_admin_i18n();
    let EventList { events, counts } = list;
    let counts = move || {
        let t = a.t();
        let items = counts
            .iter()
            .map(|c| (outcome_label(t, &c.outcome), c.count))
            .collect::<Vec<_>>();
        view! { <Counts label=|t| t.webhooks_counts items /> }
    };
    let body = if events.is_empty() {
        view! { <p class="muted">{move || a.t().webhooks_empty}</p> }.into_any()
    } else {
        view! { <EventsTable events /> }.into_any()
    };
    view! {
        <section class="admin-part" aria-labelledby="webhooks-title">
            <h2 id="webhooks-title">{move || a.t().webhooks_title}</h2>
            {counts}
            <FilterLinks label=|t| t.webhooks_filter_label only_label=|t| t.problems_only only=problems
                all_href=system_href(false, failed) only_href=system_href(true, failed)
                testid="events-problems" />
            {body}
        </section>
    }
}

#[component]
fn EventsTable(events: Vec<AdminEvent>) -> impl IntoView {
    let a = use_admin_i18n();
    let rows = events
        .into_iter()
        .map(|event| {
            let outcome = event.outcome.clone();
            let order = event.order_id.map(|id| {
                let short: String = id.chars().take(8).collect();
                view! { <A href=format!("/admin/orders/{id}")><code>{short}</code></A> }
            });
            view! {
                <tr data-testid="event-row" data-outcome=event.outcome.clone()>
                    <td><code>{event.event_type}</code></td>
                    <td>
                        <span class=outcome_class(&event.outcome)>{move || outcome_label(a.t(), &outcome)}</span>
                    </td>
                    <td class="nowrap">{when(event.received_at)}</td>
                    <td class="nowrap">{event.processed_at.map(when).unwrap_or_else(|| "–".to_owned())}</td>
                    <td class="num">{event.attempts}</td>
                    <td class="admin-reason">{event.last_error.unwrap_or_default()}</td>
                    <td class="nowrap">{order}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <div class="table-scroll">
            <table class="sales-table admin-table" aria-labelledby="webhooks-title">
                <thead>
                    <tr>
                        <th scope="col">{move || a.t().col_kind}</th>
                        <th scope="col">{move || a.t().col_outcome}</th>
                        <th scope="col">{move || a.t().col_received}</th>
                        <th scope="col">{move || a.t().col_processed}</th>
                        <th scope="col" class="num">{move || a.t().col_attempts}</th>
                        <th scope="col">{move || a.t().col_last_error}</th>
                        <th scope="col">{move || a.t().target_order}</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
}

fn email_state_label(t: &AdminStrings, state: &str) -> String {
    match state {
        "queued" => t.email_queued,
        "sent" => t.email_sent,
        "failed" => t.email_failed,
        other => return other.to_owned(),
    }
    .to_owned()
}

fn email_state_class(state: &str) -> &'static str {
    match state {
        "sent" => "badge badge-ok",
        "failed" => "badge badge-danger",
        _ => "badge badge-warn",
    }
}

#[component]
fn Outbox(
    list: OutboxList,
    problems: bool,
    failed: bool,
    resend: ServerAction<ResendEmail>,
) -> impl IntoView {
    let a = use_admin_i18n();
    let OutboxList {
        emails,
        queued,
        sent,
        failed: failed_count,
    } = list;
    let counts = move || {
        let t = a.t();
        let items = vec![
            (t.email_queued.to_owned(), queued),
            (t.email_sent.to_owned(), sent),
            (t.email_failed.to_owned(), failed_count),
        ];
        view! { <Counts label=|t| t.outbox_counts items /> }
    };
    let body = if emails.is_empty() {
        view! { <p class="muted">{move || a.t().outbox_empty}</p> }.into_any()
    } else {
        view! { <OutboxTable emails resend /> }.into_any()
    };
    view! {
        <section class="admin-part" aria-labelledby="outbox-title">
            <h2 id="outbox-title">{move || a.t().outbox_title}</h2>
            {counts}
            <FilterLinks label=|t| t.outbox_filter_label only_label=|t| t.failed_only only=failed
                all_href=system_href(problems, false) only_href=system_href(problems, true)
                testid="outbox-failed" />
            <ResendOutcome resend />
            {body}
        </section>
    }
}

/// What "send again" did; focused when it appears, since the table it was
/// pressed in is redrawn.
#[component]
fn ResendOutcome(resend: ServerAction<ResendEmail>) -> impl IntoView {
    let a = use_admin_i18n();
    let message = NodeRef::<leptos::html::P>::new();
    Effect::new(move |_| {
        if let (Some(_), Some(message)) = (resend.value().get(), message.get()) {
            let _ = message.focus();
        }
    });
    move || {
        resend.value().get().map(|result| match result {
            Ok(done) => view! {
                <p class="alert alert-success" role="status" tabindex="-1" node_ref=message
                    data-testid="outbox-resent">
                    {move || if done { a.t().resend_done } else { a.t().resend_noop }}
                </p>
            }
            .into_any(),
            Err(err) => view! {
                <p class="alert alert-error" role="alert" tabindex="-1" node_ref=message>{err.message}</p>
            }
            .into_any(),
        })
    }
}

#[component]
fn OutboxTable(emails: Vec<OutboxEmail>, resend: ServerAction<ResendEmail>) -> impl IntoView {
    let a = use_admin_i18n();
    let pending = resend.pending();
    let rows = emails
        .into_iter()
        .map(|email| {
            let state = email.state.clone();
            let action = (email.state == "failed").then(|| {
                let id = email.id.clone();
                let recipient = email.recipient.clone();
                let subject = email.subject.clone();
                view! {
                    <button type="button" class="btn btn-ghost admin-row-button" data-testid="outbox-resend"
                        disabled=move || pending.get()
                        on:click=move |_| {
                            resend.dispatch(ResendEmail { id: id.clone() });
                        }>
                        {move || a.t().resend}
                        <span class="sr-only">
                            " " {move || a.t().resend_for.replace("{recipient}", &recipient).replace("{subject}", &subject)}
                        </span>
                    </button>
                }
            });
            view! {
                <tr data-testid="outbox-row" data-state=email.state.clone()>
                    <td><code>{email.kind}</code></td>
                    <td>{email.recipient}</td>
                    <td>{email.subject}</td>
                    <td>
                        <span class=email_state_class(&email.state)>{move || email_state_label(a.t(), &state)}</span>
                    </td>
                    <td class="num">{email.attempts}</td>
                    <td class="admin-reason">{email.last_error.unwrap_or_default()}</td>
                    <td class="nowrap">{when(email.created_at)}</td>
                    <td class="nowrap">{email.sent_at.map(when).unwrap_or_else(|| "–".to_owned())}</td>
                    <td>{action}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <div class="table-scroll">
            <table class="sales-table admin-table" aria-labelledby="outbox-title">
                <thead>
                    <tr>
                        <th scope="col">{move || a.t().col_kind}</th>
                        <th scope="col">{move || a.t().col_recipient}</th>
                        <th scope="col">{move || a.t().col_subject}</th>
                        <th scope="col">{move || a.t().col_state}</th>
                        <th scope="col" class="num">{move || a.t().col_attempts}</th>
                        <th scope="col">{move || a.t().col_last_error}</th>
                        <th scope="col">{move || a.t().col_created}</th>
                        <th scope="col">{move || a.t().col_sent}</th>
                        <th scope="col">{move || a.t().col_action}</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::system_href;

    #[test]
    fn the_address_keeps_both_filters() {
        assert_eq!(system_href(false, false), "/admin/system");
        assert_eq!(system_href(true, false), "/admin/system?events=problems");
        assert_eq!(system_href(false, true), "/admin/system?emails=failed");
        assert_eq!(
            system_href(true, true),
            "/admin/system?events=problems&emails=failed"
        );
    }
}

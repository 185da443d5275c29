//! `/admin/teachers`: every teacher with their Connect status, sales and
//! refunds per currency, split and suspension; searchable (`?q=`, kept in
//! the address), sortable in the browser, and per row the split and
//! suspend / restore — each change behind a step that says what it does.

use std::cmp::Ordering;

use leptos::prelude::*;
use leptos_router::components::Form;
use leptos_router::hooks::use_query_map;

use crate::api::admin::{admin_teachers, UpdateTeacher};
use crate::i18n_admin::AdminStrings;
use crate::model::admin::{AdminTeacher, MoneyTotal, TeacherChange};
use crate::ui::i18n_context::use_i18n;
use crate::ui::pages::admin::{failure, money, use_admin_i18n, AdminFrame, AdminTab};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum SortKey {
    Name,
    Email,
    Sales,
    Refunds,
    Split,
    Suspended,
}

/// The column sorted by and whether ascending.
type Sort = (SortKey, bool);

#[component]
pub fn AdminTeachersPage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let q = Memo::new(move |_| query.read().get("q").unwrap_or_default());
    let update = ServerAction::<UpdateTeacher>::new();
    let teachers = Resource::new(
        move || (q.get(), update.version().get()),
        |(q, _)| {
            let q = q.trim().to_owned();
            admin_teachers((!q.is_empty()).then_some(q))
        },
    );
    let sort = RwSignal::new((SortKey::Name, true));
    view! {
        <Transition fallback=move || view! { <p class="skeleton">{move || i18n.t().loading}</p> }>
            {move || {
                teachers.get().map(|result| match result {
                    Ok(list) => view! {
                        <AdminFrame tab=AdminTab::Teachers heading=|t| t.teachers_title>
                            <SearchForm q=q.get_untracked() />
                            <UpdateOutcome update />
                            <TeachersTable list sort update />
                        </AdminFrame>
                    }
                    .into_any(),
                    Err(err) => failure(err, AdminTab::Teachers, |t| t.teachers_title),
                })
            }}
        </Transition>
    }
}

/// A GET form: the search lands in the address, so a reload keeps it.
#[component]
fn SearchForm(q: String) -> impl IntoView {
    let a = use_admin_i18n();
    view! {
        <Form method="GET" action="/admin/teachers" attr:class="admin-filters" attr:role="search">
            <div class="field">
                <label for="teachers-q">{move || a.t().teachers_search}</label>
                <input id="teachers-q" class="input" type="search" name="q" value=q
                    autocomplete="off" aria-describedby="teachers-q-hint" />
                <small id="teachers-q-hint" class="field-hint">{move || a.t().teachers_search_hint}</small>
            </div>
            <div class="admin-filter-actions">
                <button type="submit" class="btn btn-primary">
                    <span class="btn-label">{move || a.t().search}</span>
                </button>
            </div>
        </Form>
    }
}

/// What the last change did, or why it failed; focused when it appears,
/// since the row that was acted on is redrawn.
#[component]
fn UpdateOutcome(update: ServerAction<UpdateTeacher>) -> impl IntoView {
    let a = use_admin_i18n();
    let message = NodeRef::<leptos::html::P>::new();
    Effect::new(move |_| {
        if let (Some(_), Some(message)) = (update.value().get(), message.get()) {
            let _ = message.focus();
        }
    });
    move || {
        update.value().get().map(|result| match result {
            Ok(teacher) => {
                let text = move || {
                    let t = a.t();
                    t.teacher_saved
                        .replace("{name}", &teacher.name)
                        .replace("{pct}", &teacher.payout_split_pct.to_string())
                        .replace(
                            "{state}",
                            if teacher.suspended { t.state_suspended } else { t.state_active },
                        )
                };
                view! {
                    <p class="alert alert-success" role="status" tabindex="-1" node_ref=message
                        data-testid="teacher-saved">{text}</p>
                }
                .into_any()
            }
            Err(err) => view! {
                <p class="alert alert-error" role="alert" tabindex="-1" node_ref=message>{err.message}</p>
            }
            .into_any(),
        })
    }
}

#[component]
fn TeachersTable(
    list: Vec<AdminTeacher>,
    sort: RwSignal<Sort>,
    update: ServerAction<UpdateTeacher>,
) -> impl IntoView {
    let a = use_admin_i18n();
    if list.is_empty() {
        return view! { <p class="muted">{move || a.t().teachers_empty}</p> }.into_any();
    }
    let list = StoredValue::new(list);
    let rows = move || {
        let (key, ascending) = sort.get();
        let mut sorted = list.get_value();
        sorted.sort_by(|x, y| {
            let order = compare(key, x, y);
            if ascending {
                order
            } else {
                order.reverse()
            }
        });
        sorted
            .into_iter()
            .map(|teacher| view! { <TeacherRow teacher update /> })
            .collect_view()
    };
    view! {
        <div class="table-scroll">
            <table class="sales-table admin-table">
                <caption class="sr-only">{move || a.t().teachers_caption}</caption>
                <thead>
                    <tr>
                        <SortHeader key=SortKey::Name sort label=|t| t.col_name />
                        <SortHeader key=SortKey::Email sort label=|t| t.col_email />
                        <th scope="col">{move || a.t().col_connect}</th>
                        <SortHeader key=SortKey::Sales sort label=|t| t.col_sales numeric=true />
                        <SortHeader key=SortKey::Refunds sort label=|t| t.col_refunds numeric=true />
                        <SortHeader key=SortKey::Split sort label=|t| t.col_split />
                        <SortHeader key=SortKey::Suspended sort label=|t| t.col_state />
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
    .into_any()
}

fn compare(key: SortKey, x: &AdminTeacher, y: &AdminTeacher) -> Ordering {
    let total = |t: &AdminTeacher, f: fn(&MoneyTotal) -> i64| t.totals.iter().map(f).sum::<i64>();
    let by = match key {
        SortKey::Name => x.name.to_lowercase().cmp(&y.name.to_lowercase()),
        SortKey::Email => x.email.to_lowercase().cmp(&y.email.to_lowercase()),
        SortKey::Sales => total(x, |m| m.sales_cents).cmp(&total(y, |m| m.sales_cents)),
        SortKey::Refunds => total(x, |m| m.refunded_cents).cmp(&total(y, |m| m.refunded_cents)),
        SortKey::Split => x.payout_split_pct.cmp(&y.payout_split_pct),
        SortKey::Suspended => x.suspended.cmp(&y.suspended),
    };
    // Ties keep a stable, readable order.
    by.then_with(|| x.name.to_lowercase().cmp(&y.name.to_lowercase()))
}

/// A column header whose button sorts by it; a second press reverses.
#[component]
fn SortHeader(
    key: SortKey,
    sort: RwSignal<Sort>,
    label: fn(&AdminStrings) -> &'static str,
    #[prop(optional)] numeric: bool,
) -> impl IntoView {
    let a = use_admin_i18n();
    let state = move || {
        let (current, ascending) = sort.get();
        (current == key).then_some(ascending)
    };
    let aria_sort = move || match state() {
        Some(true) => "ascending",
        Some(false) => "descending",
        None => "none",
    };
    let arrow = move || match state() {
        Some(true) => "▲",
        Some(false) => "▼",
        None => "↕",
    };
    let toggle = move |_| {
        sort.update(|(current, ascending)| {
            if *current == key {
                *ascending = !*ascending;
            } else {
                *current = key;
                *ascending = true;
            }
        })
    };
    view! {
        <th scope="col" aria-sort=aria_sort class=if numeric { "num" } else { "" }>
            <button type="button" class="sort-button" on:click=toggle>
                {move || label(a.t())}
                <span class="sort-arrow" aria-hidden="true">{arrow}</span>
            </button>
        </th>
    }
}

/// What a row is asking before it acts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Step {
    Idle,
    ConfirmSplit(i64),
    ConfirmSuspend,
}

#[component]
fn TeacherRow(teacher: AdminTeacher, update: ServerAction<UpdateTeacher>) -> impl IntoView {
    let a = use_admin_i18n();
    let AdminTeacher {
        id,
        name,
        email,
        charges_enabled,
        payouts_enabled,
        details_submitted,
        payout_split_pct,
        suspended,
        totals,
        ..
    } = teacher;
    let split = RwSignal::new(payout_split_pct.to_string());
    let split_error = RwSignal::new(false);
    let step = RwSignal::new(Step::Idle);
    let pending = update.pending();
    let split_id = format!("split-{id}");
    let split_error_id = format!("split-error-{id}");
    let question_id = format!("teacher-question-{id}");
    let name = StoredValue::new(name);
    let id = StoredValue::new(id);
    // When the step opens, focus goes to its safe choice (Cancel).
    let cancel_button = NodeRef::<leptos::html::Button>::new();
    Effect::new(move |previous: Option<Step>| {
        let now = step.get();
        if previous == Some(Step::Idle) && now != Step::Idle {
            request_animation_frame(move || {
                if let Some(Some(button)) = cancel_button.try_get_untracked() {
                    let _ = button.focus();
                }
            });
        }
        now
    });

    let send = move |change: TeacherChange| {
        update.dispatch(crate::api::admin::UpdateTeacher {
            teacher_id: id.get_value(),
            change,
        });
        step.set(Step::Idle);
    };
    // "Also cancel upcoming classes": off unless the admin asks for it.
    let cancel_too = RwSignal::new(false);
    let ask_split = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        match parse_split(&split.get_untracked()) {
            Some(pct) if pct != payout_split_pct => {
                split_error.set(false);
                step.set(Step::ConfirmSplit(pct));
            }
            Some(_) => split_error.set(false),
            None => split_error.set(true),
        }
    };
    let question = move || {
        let t = a.t();
        let name = name.get_value();
        match step.get() {
            Step::ConfirmSplit(pct) => t
                .confirm_split
                .replace("{name}", &name)
                .replace("{old}", &payout_split_pct.to_string())
                .replace("{new}", &pct.to_string()),
            Step::ConfirmSuspend => t.confirm_suspend.replace("{name}", &name),
            Step::Idle => String::new(),
        }
    };
    let confirm = move |_| match step.get_untracked() {
        Step::ConfirmSplit(pct) => send(TeacherChange {
            payout_split_pct: Some(pct),
            ..TeacherChange::default()
        }),
        Step::ConfirmSuspend => send(TeacherChange {
            suspended: Some(true),
            cancel_upcoming_bookings: cancel_too.get_untracked(),
            ..TeacherChange::default()
        }),
        Step::Idle => {}
    };
    let confirm_label = move || match step.get() {
        Step::ConfirmSuspend => a.t().confirm_suspend_yes,
        _ => a.t().confirm_split_yes,
    };

    let badge = |on: bool, label: fn(&AdminStrings) -> &'static str| {
        let class = if on {
            "badge badge-ok"
        } else {
            "badge badge-warn"
        };
        view! {
            <li>
                <span class=class>
                    {move || label(a.t())} ": "
                    {move || if on { a.t().yes } else { a.t().no }}
                </span>
            </li>
        }
    };
    let sums = |pick: fn(&MoneyTotal) -> i64| {
        let lines = totals
            .iter()
            .map(
                |total| view! { <span class="nowrap">{money(pick(total), &total.currency)}</span> },
            )
            .collect_view();
        view! { <div class="admin-totals">{lines}</div> }
    };
    let sales = sums(|m| m.sales_cents);
    let refunds = sums(|m| m.refunded_cents);
    let no_totals = totals.is_empty();

    view! {
        <tr data-testid="admin-teacher-row" data-suspended=suspended.to_string()>
            <th scope="row">{name.get_value()}</th>
            <td>{email}</td>
            <td>
                <ul class="admin-badges">
                    {badge(charges_enabled, |t| t.connect_charges)}
                    {badge(payouts_enabled, |t| t.connect_payouts)}
                    {badge(details_submitted, |t| t.connect_details)}
                </ul>
            </td>
            <td class="num">{if no_totals { None } else { Some(sales) }}</td>
            <td class="num">{if no_totals { None } else { Some(refunds) }}</td>
            <td>
                <form class="admin-split" on:submit=ask_split>
                    <label for=split_id.clone() class="sr-only">
                        {move || a.t().split_label.replace("{name}", &name.get_value())}
                    </label>
                    <input id=split_id class="input" type="number" min="0" max="100" step="1"
                        inputmode="numeric" bind:value=split data-testid="teacher-split"
                        aria-invalid=move || split_error.get().to_string()
                        aria-describedby=move || split_error.get().then(|| split_error_id.clone()) />
                    <span aria-hidden="true">"%"</span>
                    <button type="submit" class="btn btn-ghost" disabled=move || pending.get()>
                        {move || a.t().save}
                        <span class="sr-only">" " {move || name.get_value()}</span>
                    </button>
                </form>
                <Show when=move || split_error.get()>
                    <p id=format!("split-error-{}", id.get_value()) class="field-error" role="alert">
                        {move || a.t().split_invalid}
                    </p>
                </Show>
            </td>
            <td>
                <div class="admin-state">
                    {move || if suspended {
                        view! { <span class="badge badge-danger">{move || a.t().state_suspended}</span> }.into_any()
                    } else {
                        view! { <span class="badge badge-ok">{move || a.t().state_active}</span> }.into_any()
                    }}
                    {if suspended {
                        view! {
                            <button type="button" class="btn btn-ghost" disabled=move || pending.get()
                                on:click=move |_| send(TeacherChange { suspended: Some(false), ..TeacherChange::default() })>
                                {move || a.t().restore} <span class="sr-only">" " {move || name.get_value()}</span>
                            </button>
                        }
                        .into_any()
                    } else {
                        view! {
                            <button type="button" class="btn btn-danger" disabled=move || pending.get()
                                on:click=move |_| step.set(Step::ConfirmSuspend)>
                                {move || a.t().suspend} <span class="sr-only">" " {move || name.get_value()}</span>
                            </button>
                        }
                        .into_any()
                    }}
                </div>
            </td>
        </tr>
        <Show when=move || step.get() != Step::Idle>
            <tr class="admin-confirm-row">
                <td colspan="7">
                    <div class="admin-confirm" role="group" aria-labelledby=question_id.clone()>
                        <p id=question_id.clone() class="admin-confirm-question">{question}</p>
                        <Show when=move || step.get() == Step::ConfirmSuspend>
                            <label class="checkbox">
                                <input type="checkbox" data-testid="suspend-cancel-bookings"
                                    prop:checked=move || cancel_too.get()
                                    on:change=move |ev| cancel_too.set(event_target_checked(&ev)) />
                                " " {move || a.t().suspend_cancel_bookings}
                            </label>
                        </Show>
                        <div class="actions">
                            <button type="button" class="btn btn-danger" data-testid="teacher-confirm"
                                disabled=move || pending.get() on:click=confirm>
                                {confirm_label}
                            </button>
                            <button type="button" class="btn btn-ghost" node_ref=cancel_button on:click=move |_| {
                                split.set(payout_split_pct.to_string());
                                step.set(Step::Idle);
                            }>
                                {move || a.t().cancel}
                            </button>
                        </div>
                    </div>
                </td>
            </tr>
        </Show>
    }
}

/// A whole percent from 0 to 100.
fn parse_split(input: &str) -> Option<i64> {
    input
        .trim()
        .parse::<i64>()
        .ok()
        .filter(|pct| (0..=100).contains(pct))
}

#[cfg(test)]
mod tests {
    use super::parse_split;

    #[test]
    fn splits_are_whole_percents() {
        assert_eq!(parse_split(" 70 "), Some(70));
        assert_eq!(parse_split("0"), Some(0));
        assert_eq!(parse_split("101"), None);
        assert_eq!(parse_split("7.5"), None);
        assert_eq!(parse_split(""), None);
    }
}

//! `/admin/disputes`: the chargeback queue as the server orders it (open
//! disputes by evidence deadline, then the closed ones), and per open
//! dispute the evidence form: prefilled from our records, editable, sent to
//! Stripe after a step that says what will happen.
//!
//! The form's state lives on the page, outside the part redrawn when the
//! queue is fetched again, so a refused request keeps what was typed.

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use leptos::prelude::*;
use leptos_router::components::A;

use crate::api::admin::{admin_disputes, SubmitDisputeEvidence};
use crate::i18n_admin::AdminStrings;
use crate::model::admin::{AdminDispute, DisputeEvidence, EvidenceSubmission};
use crate::ui::i18n_context::use_i18n;
use crate::ui::pages::admin::{failure, money, use_admin_i18n, when, AdminFrame, AdminTab};
use crate::ui::viewer::viewer_time_zone;

/// Stripe's statuses after which no evidence can be sent.
pub fn is_closed(status: &str) -> bool {
    matches!(status, "won" | "lost" | "warning_closed" | "prevented")
}

/// What a dispute's status is called in the console (Stripe's word when unknown).
pub fn dispute_status_label(t: &AdminStrings, status: &str) -> String {
    match status {
        "needs_response" => t.dispute_needs_response,
        "under_review" => t.dispute_under_review,
        "won" => t.dispute_won,
        "lost" => t.dispute_lost,
        "warning_needs_response" => t.dispute_warning_needs_response,
        "warning_under_review" => t.dispute_warning_under_review,
        "warning_closed" => t.dispute_warning_closed,
        "prevented" => t.dispute_prevented,
        other => return other.replace('_', " "),
    }
    .to_owned()
}

fn dispute_status_class(status: &str) -> &'static str {
    match status {
        "won" | "prevented" => "badge badge-ok",
        "lost" => "badge badge-danger",
        "needs_response" | "warning_needs_response" => "badge badge-warn",
        _ => "badge",
    }
}

/// Stripe's dispute reason in words (Stripe's word when unknown).
fn reason_label(t: &AdminStrings, reason: &str) -> String {
    match reason {
        "fraudulent" => t.reason_fraudulent,
        "duplicate" => t.reason_duplicate,
        "product_not_received" => t.reason_product_not_received,
        "product_unacceptable" => t.reason_product_unacceptable,
        "subscription_canceled" => t.reason_subscription_canceled,
        "credit_not_processed" => t.reason_credit_not_processed,
        "unrecognized" => t.reason_unrecognized,
        "general" => t.reason_general,
        other => return other.replace('_', " "),
    }
    .to_owned()
}

/// Where an open dispute stands against its evidence deadline.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Deadline {
    Overdue,
    Today,
    /// Whole calendar days (in the viewer's zone) until the deadline's day.
    DaysLeft(i64),
}

fn deadline(due: DateTime<Utc>, now: DateTime<Utc>, tz: Tz) -> Deadline {
    if due <= now {
        return Deadline::Overdue;
    }
    let days =
        (due.with_timezone(&tz).date_naive() - now.with_timezone(&tz).date_naive()).num_days();
    if days <= 0 {
        Deadline::Today
    } else {
        Deadline::DaysLeft(days)
    }
}

fn deadline_label(t: &AdminStrings, left: Deadline) -> String {
    match left {
        Deadline::Overdue => t.deadline_overdue.to_owned(),
        Deadline::Today => t.deadline_today.to_owned(),
        Deadline::DaysLeft(1) => t.deadline_one_day_left.to_owned(),
        Deadline::DaysLeft(n) => t.deadline_days_left.replace("{n}", &n.to_string()),
    }
}

fn deadline_class(left: Deadline) -> &'static str {
    match left {
        Deadline::Overdue => "badge badge-danger",
        Deadline::Today | Deadline::DaysLeft(1..=2) => "badge badge-warn",
        Deadline::DaysLeft(_) => "muted",
    }
}

/// The evidence form's state, kept while the queue is fetched again.
#[derive(Clone, Copy)]
struct EvidenceDraft {
    product_description: RwSignal<String>,
    customer_name: RwSignal<String>,
    customer_email_address: RwSignal<String>,
    service_date: RwSignal<String>,
    cancellation_policy_disclosure: RwSignal<String>,
    access_activity_log: RwSignal<String>,
    uncategorized_text: RwSignal<String>,
    /// Checked: submit; unchecked: save at Stripe without submitting.
    submit_now: RwSignal<bool>,
    /// The dispute the form is open for.
    open: RwSignal<Option<String>>,
    /// The confirmation step is showing.
    asking: RwSignal<bool>,
    empty_error: RwSignal<bool>,
    /// Why the last request was refused (shown in the form).
    failed: RwSignal<Option<String>>,
    /// Whether the last request submitted (or only saved) the evidence.
    sent_submit: RwSignal<bool>,
    /// The form was just opened: its heading takes the focus.
    just_opened: RwSignal<bool>,
}

impl EvidenceDraft {
    fn new() -> Self {
        EvidenceDraft {
            product_description: RwSignal::new(String::new()),
            customer_name: RwSignal::new(String::new()),
            customer_email_address: RwSignal::new(String::new()),
            service_date: RwSignal::new(String::new()),
            cancellation_policy_disclosure: RwSignal::new(String::new()),
            access_activity_log: RwSignal::new(String::new()),
            uncategorized_text: RwSignal::new(String::new()),
            submit_now: RwSignal::new(true),
            open: RwSignal::new(None),
            asking: RwSignal::new(false),
            empty_error: RwSignal::new(false),
            failed: RwSignal::new(None),
            sent_submit: RwSignal::new(true),
            just_opened: RwSignal::new(false),
        }
    }

    /// Opens the form for `dispute`, prefilled with its evidence.
    fn open_for(self, dispute: &AdminDispute) {
        let e = &dispute.evidence;
        self.product_description.set(e.product_description.clone());
        self.customer_name.set(e.customer_name.clone());
        self.customer_email_address
            .set(e.customer_email_address.clone());
        self.service_date.set(e.service_date.clone());
        self.cancellation_policy_disclosure
            .set(e.cancellation_policy_disclosure.clone());
        self.access_activity_log.set(e.access_activity_log.clone());
        self.uncategorized_text.set(e.uncategorized_text.clone());
        self.submit_now.set(true);
        self.asking.set(false);
        self.empty_error.set(false);
        self.failed.set(None);
        self.just_opened.set(true);
        self.open.set(Some(dispute.id.clone()));
    }

    fn evidence(self) -> DisputeEvidence {
        DisputeEvidence {
            product_description: self.product_description.get_untracked(),
            customer_name: self.customer_name.get_untracked(),
            customer_email_address: self.customer_email_address.get_untracked(),
            service_date: self.service_date.get_untracked(),
            cancellation_policy_disclosure: self.cancellation_policy_disclosure.get_untracked(),
            access_activity_log: self.access_activity_log.get_untracked(),
            uncategorized_text: self.uncategorized_text.get_untracked(),
        }
    }
}

fn is_empty(evidence: &DisputeEvidence) -> bool {
    [
        &evidence.product_description,
        &evidence.customer_name,
        &evidence.customer_email_address,
        &evidence.service_date,
        &evidence.cancellation_policy_disclosure,
        &evidence.access_activity_log,
        &evidence.uncategorized_text,
    ]
    .iter()
    .all(|field| field.trim().is_empty())
}

#[component]
pub fn AdminDisputesPage() -> impl IntoView {
    let i18n = use_i18n();
    let a = use_admin_i18n();
    let submit = ServerAction::<SubmitDisputeEvidence>::new();
    // Fetched again after every attempt: the status may have changed.
    let disputes = Resource::new(move || submit.version().get(), |_| admin_disputes());
    let draft = EvidenceDraft::new();
    Effect::new(move |_| match submit.value().get() {
        Some(Ok(_)) => {
            draft.asking.set(false);
            draft.failed.set(None);
            draft.open.set(None);
        }
        // Refused: nothing changed at Stripe; the admin may fix and retry.
        Some(Err(err)) => {
            draft.asking.set(false);
            draft.failed.set(Some(err.message));
        }
        None => {}
    });
    view! {
        <Transition fallback=move || view! { <p class="skeleton">{move || i18n.t().loading}</p> }>
            {move || {
                disputes.get().map(|result| match result {
                    Ok(list) => view! {
                        <AdminFrame tab=AdminTab::Disputes heading=|t| t.disputes_title>
                            <p class="muted">{move || a.t().disputes_lead}</p>
                            <SubmitOutcome submit draft />
                            <DisputesTable list=list.clone() draft />
                            <EvidenceSection list draft submit />
                        </AdminFrame>
                    }
                    .into_any(),
                    Err(err) => failure(err, AdminTab::Disputes, |t| t.disputes_title),
                })
            }}
        </Transition>
    }
}

/// What the last successful request did; focused when it appears, since
/// the form it came from has closed.
#[component]
fn SubmitOutcome(
    submit: ServerAction<SubmitDisputeEvidence>,
    draft: EvidenceDraft,
) -> impl IntoView {
    let a = use_admin_i18n();
    let message = NodeRef::<leptos::html::P>::new();
    Effect::new(move |_| {
        if let (Some(Ok(_)), Some(message)) = (submit.value().get(), message.get()) {
            let _ = message.focus();
        }
    });
    move || {
        submit.value().get().and_then(Result::ok).map(|dispute| {
            let submitted = draft.sent_submit.get_untracked();
            let amount = money(dispute.amount_cents, &dispute.currency);
            let status = dispute.status;
            let text = move || {
                let t = a.t();
                let template = if submitted {
                    t.evidence_submitted
                } else {
                    t.evidence_saved
                };
                template
                    .replace("{amount}", &amount)
                    .replace("{status}", &dispute_status_label(t, &status))
            };
            view! {
                <p class="alert alert-success" role="status" tabindex="-1" node_ref=message
                    data-testid="evidence-done">{text}</p>
            }
        })
    }
}

#[component]
fn DisputesTable(list: Vec<AdminDispute>, draft: EvidenceDraft) -> impl IntoView {
    let a = use_admin_i18n();
    if list.is_empty() {
        return view! { <p class="muted">{move || a.t().disputes_empty}</p> }.into_any();
    }
    let now = Utc::now();
    let tz = viewer_time_zone();
    let rows = list
        .into_iter()
        .map(|dispute| view! { <DisputeRow dispute draft now tz /> })
        .collect_view();
    view! {
        <div class="table-scroll">
            <table class="sales-table admin-table">
                <caption class="sr-only">{move || a.t().disputes_caption}</caption>
                <thead>
                    <tr>
                        <th scope="col">{move || a.t().target_order}</th>
                        <th scope="col">{move || a.t().col_student}</th>
                        <th scope="col">{move || a.t().col_title}</th>
                        <th scope="col">{move || a.t().col_teacher}</th>
                        <th scope="col" class="num">{move || a.t().col_amount}</th>
                        <th scope="col">{move || a.t().col_reason}</th>
                        <th scope="col">{move || a.t().col_status}</th>
                        <th scope="col">{move || a.t().col_deadline}</th>
                        <th scope="col">{move || a.t().col_funds_withdrawn}</th>
                        <th scope="col">{move || a.t().col_action}</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
    .into_any()
}

#[component]
fn DisputeRow(
    dispute: AdminDispute,
    draft: EvidenceDraft,
    now: DateTime<Utc>,
    tz: Tz,
) -> impl IntoView {
    let a = use_admin_i18n();
    let closed = is_closed(&dispute.status);
    let order = match dispute.order_id.clone() {
        Some(id) => {
            let short: String = id.chars().take(8).collect();
            view! { <A href=format!("/admin/orders/{id}")><code>{short}</code></A> }.into_any()
        }
        None => view! { <span class="muted">"–"</span> }.into_any(),
    };
    let amount = money(dispute.amount_cents, &dispute.currency);
    let status = StoredValue::new(dispute.status.clone());
    let reason = dispute.reason.clone();
    let due = dispute.due_by.map(|due| {
        let left = (!closed).then(|| deadline(due, now, tz));
        view! {
            <span class="nowrap">{when(due)}</span>
            {left.map(|left| view! {
                <br />
                <span class=deadline_class(left) data-testid="dispute-deadline">
                    {move || deadline_label(a.t(), left)}
                </span>
            })}
        }
    });
    let withdrawn = dispute.funds_withdrawn;
    let submitted = dispute.submitted_at.map(when);
    let button_id = format!("evidence-open-{}", dispute.id);
    let title = dispute.title.clone();
    let for_amount = amount.clone();
    let stored = StoredValue::new(dispute.clone());
    let action = if closed {
        view! { <span class="muted">{move || a.t().dispute_closed}</span> }.into_any()
    } else {
        view! {
            <button type="button" id=button_id class="btn btn-ghost admin-row-button" data-testid="evidence-open"
                aria-expanded=move || (draft.open.get().as_deref() == Some(stored.with_value(|d| d.id.clone()).as_str())).to_string()
                on:click=move |_| stored.with_value(|d| draft.open_for(d))>
                {move || a.t().evidence_open}
                <span class="sr-only">
                    " " {move || a.t().evidence_open_for.replace("{amount}", &for_amount).replace("{title}", &title)}
                </span>
            </button>
        }
        .into_any()
    };
    view! {
        <tr data-testid="dispute-row" data-status=dispute.status.clone() data-dispute-id=dispute.id.clone()>
            <td class="nowrap">{order}</td>
            <td>{dispute.student_email.unwrap_or_else(|| "–".to_owned())}</td>
            <td>{dispute.title}</td>
            <td>{dispute.teacher_name.unwrap_or_else(|| "–".to_owned())}</td>
            <td class="num nowrap">{amount}</td>
            <td>{move || reason_label(a.t(), &reason)}</td>
            <td>
                <span class=dispute_status_class(&status.get_value())>
                    {move || dispute_status_label(a.t(), &status.get_value())}
                </span>
                {submitted.map(|at| view! {
                    <br />
                    <span class="muted">{move || a.t().evidence_submitted_at.replace("{at}", &at)}</span>
                })}
            </td>
            <td>{due}</td>
            <td>{move || if withdrawn { a.t().yes } else { a.t().no }}</td>
            <td>{action}</td>
        </tr>
    }
}

/// The evidence form of the open dispute, if one is open (and still open at Stripe).
#[component]
fn EvidenceSection(
    list: Vec<AdminDispute>,
    draft: EvidenceDraft,
    submit: ServerAction<SubmitDisputeEvidence>,
) -> impl IntoView {
    let list = StoredValue::new(list);
    move || {
        let id = draft.open.get()?;
        let dispute = list.with_value(|list| {
            list.iter()
                .find(|d| d.id == id && !is_closed(&d.status))
                .cloned()
        })?;
        Some(view! { <EvidenceForm dispute draft submit /> })
    }
}

/// Focuses the element with this id, if it is on the page.
fn focus_by_id(id: &str) {
    use wasm_bindgen::JsCast;
    if let Some(element) = document()
        .get_element_by_id(id)
        .and_then(|element| element.dyn_into::<web_sys::HtmlElement>().ok())
    {
        let _ = element.focus();
    }
}

#[component]
fn EvidenceForm(
    dispute: AdminDispute,
    draft: EvidenceDraft,
    submit: ServerAction<SubmitDisputeEvidence>,
) -> impl IntoView {
    let a = use_admin_i18n();
    let pending = submit.pending();
    let heading = NodeRef::<leptos::html::H2>::new();
    let cancel_button = NodeRef::<leptos::html::Button>::new();
    let error_message = NodeRef::<leptos::html::P>::new();
    let first_field = NodeRef::<leptos::html::Textarea>::new();
    let amount = StoredValue::new(money(dispute.amount_cents, &dispute.currency));
    let email = dispute
        .student_email
        .clone()
        .unwrap_or_else(|| "–".to_owned());
    let id = StoredValue::new(dispute.id.clone());

    // Opened: the heading takes the focus (the form is below the queue).
    Effect::new(move |_| {
        if draft.just_opened.get() {
            request_animation_frame(move || {
                if let Some(Some(heading)) = heading.try_get_untracked() {
                    let _ = heading.focus();
                }
                let _ = draft.just_opened.try_set(false);
            });
        }
    });
    // The step opens: focus goes to its safe choice.
    Effect::new(move |previous: Option<bool>| {
        let now = draft.asking.get();
        if previous == Some(false) && now {
            request_animation_frame(move || {
                if let Some(Some(button)) = cancel_button.try_get_untracked() {
                    let _ = button.focus();
                }
            });
        }
        now
    });
    // A refusal: its message takes the focus; what was typed stays.
    Effect::new(move |_| {
        if let (Some(_), Some(message)) = (draft.failed.get(), error_message.get()) {
            let _ = message.focus();
        }
    });

    let review = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let empty = is_empty(&draft.evidence());
        draft.empty_error.set(empty);
        if empty {
            if let Some(field) = first_field.get_untracked() {
                let _ = field.focus();
            }
        } else {
            draft.failed.set(None);
            draft.asking.set(true);
        }
    };
    let confirm = move |_| {
        if pending.get_untracked() || !draft.asking.get_untracked() {
            return;
        }
        let submit_now = draft.submit_now.get_untracked();
        draft.sent_submit.set(submit_now);
        submit.dispatch(SubmitDisputeEvidence {
            dispute_id: id.get_value(),
            submission: EvidenceSubmission {
                evidence: draft.evidence(),
                submit: submit_now,
            },
        });
    };
    let close = move |_| {
        draft.open.set(None);
        draft.asking.set(false);
        let button = format!("evidence-open-{}", id.get_value());
        request_animation_frame(move || focus_by_id(&button));
    };
    let question = move || {
        let t = a.t();
        let template = if draft.submit_now.get() {
            t.confirm_evidence_submit
        } else {
            t.confirm_evidence_save
        };
        amount.with_value(|amount| template.replace("{amount}", amount))
    };
    let confirm_label = move || {
        if pending.get() {
            a.t().evidence_sending
        } else if draft.submit_now.get() {
            a.t().evidence_confirm_submit
        } else {
            a.t().evidence_confirm_save
        }
    };
    let area = move |field_id: &'static str,
                     label: fn(&AdminStrings) -> &'static str,
                     value: RwSignal<String>,
                     rows: &'static str| {
        view! {
            <div class="field">
                <label for=field_id>{move || label(a.t())}</label>
                <textarea id=field_id class="input" rows=rows maxlength="20000" bind:value=value></textarea>
            </div>
        }
    };

    view! {
        <section class="admin-evidence" aria-labelledby="evidence-title" data-testid="evidence-form">
            <h2 id="evidence-title" tabindex="-1" node_ref=heading>{move || a.t().evidence_title}</h2>
            <p>
                {move || amount.with_value(|amount| {
                    a.t().evidence_for.replace("{amount}", amount).replace("{email}", &email)
                })}
            </p>
            <p class="muted">{move || a.t().evidence_lead}</p>
            <form class="form admin-evidence-form" on:submit=review novalidate>
                <fieldset class="admin-fieldset" disabled=move || draft.asking.get()>
                    <legend class="sr-only">{move || a.t().evidence_title}</legend>
                    <div class="field">
                        <label for="evidence-product">{move || a.t().evidence_product}</label>
                        <textarea id="evidence-product" data-testid="evidence-product" class="input" rows="3"
                            maxlength="20000" node_ref=first_field bind:value=draft.product_description></textarea>
                    </div>
                    <div class="admin-evidence-pair">
                        <div class="field">
                            <label for="evidence-customer-name">{move || a.t().evidence_customer_name}</label>
                            <input id="evidence-customer-name" class="input" type="text" autocomplete="off"
                                bind:value=draft.customer_name />
                        </div>
                        <div class="field">
                            <label for="evidence-customer-email">{move || a.t().evidence_customer_email}</label>
                            <input id="evidence-customer-email" class="input" type="email" autocomplete="off"
                                bind:value=draft.customer_email_address />
                        </div>
                        <div class="field">
                            <label for="evidence-service-date">{move || a.t().evidence_service_date}</label>
                            <input id="evidence-service-date" class="input" type="text" autocomplete="off"
                                inputmode="numeric" bind:value=draft.service_date
                                aria-describedby="evidence-service-date-hint" />
                            <small id="evidence-service-date-hint" class="field-hint">
                                {move || a.t().evidence_service_date_hint}
                            </small>
                        </div>
                    </div>
                    {area("evidence-policy", |t| t.evidence_policy, draft.cancellation_policy_disclosure, "3")}
                    {area("evidence-attendance", |t| t.evidence_attendance, draft.access_activity_log, "3")}
                    {area("evidence-receipt", |t| t.evidence_receipt, draft.uncategorized_text, "3")}
                    <div class="admin-check">
                        <input id="evidence-submit-now" data-testid="evidence-submit-now" type="checkbox"
                            bind:checked=draft.submit_now aria-describedby="evidence-submit-now-hint" />
                        <label for="evidence-submit-now">{move || a.t().evidence_submit_now}</label>
                        <small id="evidence-submit-now-hint" class="field-hint">
                            {move || a.t().evidence_submit_now_hint}
                        </small>
                    </div>
                    <Show when=move || draft.empty_error.get()>
                        <p class="field-error" role="alert">{move || a.t().evidence_empty}</p>
                    </Show>
                    <Show when=move || !draft.asking.get()>
                        <div class="actions">
                            <button type="submit" class="btn btn-primary" data-testid="evidence-submit">
                                <span class="btn-label">{move || a.t().evidence_review}</span>
                            </button>
                            <button type="button" class="btn btn-ghost" on:click=close>
                                {move || a.t().evidence_close}
                            </button>
                        </div>
                    </Show>
                </fieldset>
            </form>
            {move || draft.failed.get().map(|message| view! {
                <p class="alert alert-error" role="alert" tabindex="-1" node_ref=error_message
                    data-testid="evidence-error">{message}</p>
            })}
            <Show when=move || draft.asking.get()>
                <div class="admin-confirm" role="group" aria-labelledby="evidence-question">
                    <p id="evidence-question" class="admin-confirm-question" data-testid="evidence-question">
                        {question}
                    </p>
                    <div class="actions">
                        <button type="button" class="btn btn-danger" data-testid="evidence-confirm"
                            aria-disabled=move || pending.get().to_string()
                            aria-busy=move || pending.get().to_string()
                            on:click=confirm>
                            {move || pending.get().then(|| view! { <span class="spinner" aria-hidden="true"></span> })}
                            {confirm_label}
                        </button>
                        <button type="button" class="btn btn-ghost" node_ref=cancel_button
                            disabled=move || pending.get()
                            on:click=move |_| draft.asking.set(false)>
                            {move || a.t().refund_edit}
                        </button>
                    </div>
                </div>
            </Show>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn at(day: u32, hour: u32, minute: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 3, day, hour, minute, 0)
            .single()
            .unwrap_or_default()
    }

    #[test]
    fn the_deadline_counts_days_in_the_viewers_zone() {
        let tz = chrono_tz::Europe::Stockholm;
        // 23:00 on 1 March in Stockholm.
        let now = at(1, 22, 0);
        // 01:00 on 2 March there: tomorrow, though two hours away.
        assert_eq!(deadline(at(2, 0, 0), now, tz), Deadline::DaysLeft(1));
        assert_eq!(deadline(at(1, 22, 30), now, tz), Deadline::Today);
        assert_eq!(deadline(at(8, 12, 0), now, tz), Deadline::DaysLeft(7));
        assert_eq!(deadline(now, now, tz), Deadline::Overdue);
    }

    #[test]
    fn closed_disputes_take_no_evidence() {
        assert!(is_closed("won"));
        assert!(is_closed("lost"));
        assert!(is_closed("warning_closed"));
        assert!(!is_closed("needs_response"));
        assert!(!is_closed("under_review"));
    }
}
